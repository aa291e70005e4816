//! Tickets as customers and support see them: the catalog (types, departments), opening a
//! ticket, lists with filters, one ticket with its conversation, counters. Every read is
//! limited to the caller's `TicketScope`; anything outside it answers 404.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::types::Json;

use crate::domain::{
    char_count, validate_field_value, CurrentUser, FieldValue, Limits, NamedRef, Priority,
    TicketField, TicketNumber, TicketScope, TicketStats, TicketStatus, TicketSummary,
    TicketTypeInfo, SUBJECT_MAX_CHARS,
};
use crate::error::{AppError, Entity, FieldError};
use crate::backend::db::tickets::{self, Cursor, ListFilter, ListSort};
use crate::backend::db::{departments, ticket_types, workspace, Conn, Tx};
use crate::backend::events::{self, Audience, EventKind};
use crate::backend::services::{split_page, text_within};
use crate::backend::storage::{display_name, StagedFile, Storage};
use crate::backend::Db;
use crate::backend::events::begin_write;
use crate::backend::services::access::{
    announce, audience, customer_may_act, save_state, state_in_scope, status_of, summary_in,
};

pub use crate::domain::{
    AttachmentRef, AuthorRef, Escalation, MessageView, NewTicketInput, ReadMarks, TicketDetail,
    TicketListQuery as ListParams, TicketPage, TicketUpdate,
};

fn field_info(row: ticket_types::FieldRow) -> TicketField {
    TicketField {
        key: row.key,
        label: row.label,
        kind: row.kind,
        required: row.required,
        options: row.options.0,
    }
}

/// The ticket types the caller may open (their plan's; all for support staff).
pub async fn ticket_types_for(
    db: &Db,
    user: &CurrentUser,
) -> Result<Vec<TicketTypeInfo>, AppError> {
    let plan = if user.is_staff() {
        None
    } else {
        Some(
            user.organization
                .as_ref()
                .map(|o| o.plan)
                .ok_or(AppError::Forbidden)?,
        )
    };
    let mut c = db.acquire().await?;
    let mut types = Vec::new();
    for t in ticket_types::list_for_plan(c.conn(), plan).await? {
        let fields = ticket_types::fields_of(c.conn(), t.id)
            .await?
            .into_iter()
            .map(field_info)
            .collect();
        types.push(TicketTypeInfo {
            key: t.key,
            name: t.name,
            description: t.description,
            fields,
        });
    }
    Ok(types)
}

pub async fn departments(db: &Db) -> Result<Vec<NamedRef>, AppError> {
    let mut c = db.acquire().await?;
    Ok(departments::list_active(c.conn())
        .await?
        .into_iter()
        .map(|(id, name)| NamedRef { id, name })
        .collect())
}

/// Opens a ticket: the ticket, its first message and a history row in one transaction.
pub async fn create_ticket(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    channel: &str,
    now: DateTime<Utc>,
) -> Result<TicketSummary, AppError> {
    create_ticket_once(db, user, input, channel, None, now)
        .await
        .map(|(ticket, _)| ticket)
}

/// [`create_ticket`] with an optional `Idempotency-Key`: a retry with the same key returns the
/// ticket the first request created (`false` in the answer's second place) instead of a copy.
/// The key is claimed inside the same transaction, so concurrent retries cannot both create.
pub async fn create_ticket_once(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    channel: &str,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(TicketSummary, bool), AppError> {
    create_ticket_with_files(db, user, input, None, channel, idempotency_key, now).await
}

/// Files received with a message: where they are staged and the files themselves.
pub struct Uploads<'a> {
    pub storage: &'a Storage,
    pub files: Vec<StagedFile>,
}

/// Checks what can be checked before any write: how many files, and that each one's content
/// is an allowed type (415 otherwise). Sizes were enforced while the bytes arrived.
fn check_uploads(uploads: &Option<Uploads<'_>>, limits: &Limits) -> Result<(), AppError> {
    let Some(uploads) = uploads else {
        return Ok(());
    };
    if uploads.files.len() as i64 > limits.max_attachments {
        return Err(AppError::validation("attachments", "too_many"));
    }
    for file in uploads.files.iter() {
        let allowed = file
            .content_type()
            .is_some_and(|t| type_allowed(t, &file.name, &limits.allowed_types));
        if !allowed {
            return Err(AppError::UnsupportedMediaType);
        }
        if file.size as i64 > limits.max_attachment_bytes {
            return Err(AppError::PayloadTooLarge);
        }
    }
    Ok(())
}

/// Whether a sniffed content type is among the extensions admins allow (plain text by the
/// name's extension: `txt` and `log` are both plain text).
pub fn type_allowed(content_type: &str, name: &str, allowed: &[String]) -> bool {
    let has = |ext: &str| crate::domain::extension_allowed(allowed, ext);
    match content_type {
        "image/png" => has("png"),
        "image/jpeg" => has("jpeg"),
        "image/gif" => has("gif"),
        "image/webp" => has("webp"),
        "application/pdf" => has("pdf"),
        "application/zip" => has("zip"),
        "application/json" => has("json"),
        t if t.starts_with("text/csv") => has("csv"),
        t if t.starts_with("text/plain") => has(&crate::domain::file_extension(name)),
        _ => false,
    }
}

/// Moves each file to its final place (fsynced) and records it on the message, inside the
/// transaction. Keys of moved files go to `persisted`, so a failure can delete them again.
async fn store_uploads(
    tx: &mut Tx,
    uploads: Option<Uploads<'_>>,
    ticket_id: i64,
    message_id: i64,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<Vec<AttachmentRef>, AppError> {
    let Some(Uploads { storage, files }) = uploads else {
        return Ok(Vec::new());
    };
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let content_type = file.content_type().ok_or(AppError::UnsupportedMediaType)?;
        let name = display_name(&file.name);
        let size = i64::try_from(file.size).map_err(|_| AppError::PayloadTooLarge)?;
        let sha256 = file.sha256_hex();
        let key = file
            .persist(storage)
            .await
            .map_err(|e| AppError::from(anyhow::anyhow!("cannot store an attachment: {e}")))?;
        persisted.push(key.clone());
        let id = tickets::insert_attachment(
            tx.conn(),
            &tickets::NewAttachment {
                ticket_id,
                message_id,
                storage_key: &key,
                file_name: &name,
                content_type,
                size_bytes: size,
                sha256: &sha256,
                created_at: now,
            },
        )
        .await?;
        stored.push(AttachmentRef {
            id,
            name,
            size,
            content_type: content_type.to_owned(),
        });
    }
    Ok(stored)
}

impl From<tickets::AttachmentRow> for AttachmentRef {
    fn from(a: tickets::AttachmentRow) -> Self {
        AttachmentRef {
            id: a.id,
            name: a.file_name,
            size: a.size_bytes,
            content_type: a.content_type,
        }
    }
}

/// [`create_ticket_once`] with attachments: the ticket, its first message, the files, a history
/// row and the events commit together; on any failure nothing is left, files included.
pub async fn create_ticket_with_files(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    uploads: Option<Uploads<'_>>,
    channel: &str,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(TicketSummary, bool), AppError> {
    let key = idempotency_key.map(str::trim).filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.len() > 200) {
        return Err(AppError::validation("idempotency_key", "too_long"));
    }
    if let Some(key) = key {
        let mut c = db.acquire().await?;
        if let Some(existing) = tickets::idempotency_ticket(c.conn(), user.id, key).await? {
            return Ok((
                summary_in(c.conn(), &TicketScope::of(user), existing).await?,
                false,
            ));
        }
    }
    let limits = crate::backend::services::settings::limits(db).await?;
    check_uploads(&uploads, &limits)?;
    let storage = uploads.as_ref().map(|u| u.storage);
    let mut persisted = Vec::new();
    let outcome = create_ticket_in_tx(
        db,
        user,
        input,
        uploads,
        channel,
        key,
        &limits,
        now,
        &mut persisted,
    )
    .await;
    if outcome.is_err() {
        if let Some(storage) = storage {
            storage.remove(&persisted).await;
        }
    } else {
        events::wake();
    }
    match outcome {
        Ok(ticket) => Ok((ticket, true)),
        // A concurrent request with the same key won: answer with its ticket once it exists.
        Err(AppError::Conflict { code }) if code == "idempotency_key_in_use" => {
            let mut c = db.acquire().await?;
            match key {
                Some(key) => match tickets::idempotency_ticket(c.conn(), user.id, key).await? {
                    Some(existing) => Ok((
                        summary_in(c.conn(), &TicketScope::of(user), existing).await?,
                        false,
                    )),
                    None => Err(AppError::Conflict { code }),
                },
                None => Err(AppError::Conflict { code }),
            }
        }
        Err(other) => Err(other),
    }
}

#[allow(clippy::too_many_arguments)]
async fn create_ticket_in_tx(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    uploads: Option<Uploads<'_>>,
    channel: &str,
    idempotency_key: Option<&str>,
    limits: &Limits,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<TicketSummary, AppError> {
    let organization = match (&user.organization, user.can_open_tickets) {
        (Some(org), true) => org.clone(),
        _ => return Err(AppError::Forbidden),
    };
    let mut errors = Vec::new();
    let subject = input.subject.trim().to_owned();
    if let Err(code) = text_within(&subject, SUBJECT_MAX_CHARS) {
        errors.push(FieldError::new("subject", code));
    }
    let message = input.message.trim().to_owned();
    if let Err(code) = text_within(&message, limits.message_max_chars.max(0) as usize) {
        errors.push(FieldError::new("message", code));
    }
    let attempt = input
        .deflection_attempt
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let mut tx = begin_write(db).await?;
    if let Some(key) = idempotency_key {
        if !tickets::claim_idempotency_key(tx.conn(), user.id, key, now).await? {
            // Another request with this key committed first (or is committing): point at it.
            return Err(AppError::Conflict {
                code: "idempotency_key_in_use".to_owned(),
            });
        }
    }
    let allowed = ticket_types::list_for_plan(tx.conn(), Some(organization.plan)).await?;
    let ticket_type = allowed.into_iter().find(|t| t.key == input.type_key);
    if ticket_type.is_none() {
        errors.push(FieldError::new("type", "not_allowed"));
    }
    let department_ok = departments::list_active(tx.conn())
        .await?
        .iter()
        .any(|(id, _)| *id == input.department_id);
    if !department_ok {
        errors.push(FieldError::new("department_id", "not_found"));
    }
    let mut fields = Map::new();
    if let Some(t) = &ticket_type {
        let definitions: Vec<TicketField> = ticket_types::fields_of(tx.conn(), t.id)
            .await?
            .into_iter()
            .map(field_info)
            .collect();
        for key in input.fields.keys() {
            if !definitions.iter().any(|d| &d.key == key) {
                errors.push(FieldError::new(format!("fields.{key}"), "unknown_field"));
            }
        }
        for definition in &definitions {
            let value = input.fields.get(&definition.key).filter(|v| !is_blank(v));
            match value {
                None if definition.required => errors.push(FieldError::new(
                    format!("fields.{}", definition.key),
                    "required",
                )),
                None => {}
                Some(v) => match validate_field_value(definition, v) {
                    Ok(clean) => {
                        fields.insert(definition.key.clone(), clean);
                    }
                    Err(code) => {
                        errors.push(FieldError::new(format!("fields.{}", definition.key), code))
                    }
                },
            }
        }
    }
    let scope = TicketScope::of(user);
    let related = match input
        .related
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(text) => match TicketNumber::parse(text) {
            Some(number)
                if tickets::find_summary(tx.conn(), &scope, number.0)
                    .await?
                    .is_some() =>
            {
                Some(number.0)
            }
            _ => {
                errors.push(FieldError::new("related", "not_found"));
                None
            }
        },
    };
    let (Some(ticket_type), true) = (ticket_type, errors.is_empty()) else {
        return Err(AppError::Validation { errors });
    };
    let fields = Value::Object(fields);
    let number = tickets::insert(
        tx.conn(),
        &tickets::NewTicket {
            subject: &subject,
            ticket_type_id: ticket_type.id,
            department_id: input.department_id,
            priority: input.priority,
            status: TicketStatus::Open,
            requester_id: user.id,
            organization_id: organization.id,
            assignee_id: None,
            fields: &fields,
            created_at: now,
        },
    )
    .await?;
    let message_id = tickets::insert_message(
        tx.conn(),
        &tickets::NewMessage {
            ticket_id: number,
            author_id: Some(user.id),
            body: &message,
            internal: false,
            channel,
            created_at: now,
        },
    )
    .await?;
    store_uploads(&mut tx, uploads, number, message_id, now, persisted).await?;
    tickets::insert_history(
        tx.conn(),
        number,
        Some(user.id),
        "created",
        None,
        Some(TicketStatus::Open.as_str()),
        now,
    )
    .await?;
    if workspace::round_robin(tx.conn(), input.department_id).await? {
        // Inside the serialised writing transaction: concurrent tickets see each other's pick.
        if let Some(agent) = workspace::take_next_agent(tx.conn(), input.department_id).await? {
            workspace::assign(tx.conn(), number, agent).await?;
            let agent = agent.to_string();
            tickets::insert_history(tx.conn(), number, None, "assignee", None, Some(&agent), now)
                .await?;
        }
    }
    crate::backend::services::sla::refresh(tx.conn(), number, now).await?;
    if let Some(key) = idempotency_key {
        tickets::set_idempotency_ticket(tx.conn(), user.id, key, number).await?;
    }
    if let Some(attempt) = &attempt {
        // The form's suggestions did not answer: the attempt ends with this ticket.
        crate::backend::services::deflection::record_submitted(
            tx.conn(),
            user,
            attempt,
            number,
            now,
        )
        .await?;
    }
    if let Some(related) = related {
        tickets::insert_link(tx.conn(), number, related, user.id, now).await?;
        let old = TicketNumber(related).to_string();
        tickets::insert_history(
            tx.conn(),
            number,
            Some(user.id),
            "related",
            None,
            Some(&old),
            now,
        )
        .await?;
    }
    let summary = summary_in(tx.conn(), &TicketScope::of(user), number).await?;
    let who = Audience {
        ticket_id: number,
        requester_id: user.id,
        organization_id: organization.id,
        department_id: input.department_id,
        staff_only: false,
    };
    let data = serde_json::json!({
        "status": summary.status,
        "priority": summary.priority,
        "subject": summary.subject,
    });
    events::record(tx.conn(), EventKind::TicketCreated, who, data, now).await?;
    events::record(
        tx.conn(),
        EventKind::StatsChanged,
        who,
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

pub const MAX_PAGE: i64 = 100;

/// Tickets in the caller's scope, filtered and sorted, one keyset page at a time.
pub async fn list_tickets(
    db: &Db,
    user: &CurrentUser,
    mut filter: ListFilter,
    sort: ListSort,
    cursor: Option<&str>,
    limit: i64,
) -> Result<TicketPage, AppError> {
    use crate::backend::cache::{Cache, Depends};
    use std::sync::OnceLock;
    type Key = (
        String,
        TicketScope,
        ListFilter,
        ListSort,
        Option<String>,
        i64,
    );
    // A page depends on nothing but the tickets in scope: people who look at the same view
    // (a shared organization's list, a department's queue) share it until a ticket changes.
    // A page is ≈ 20 KB, hence the smaller bound.
    static CACHE: OnceLock<Cache<Key, TicketPage>> = OnceLock::new();
    let limit = limit.clamp(1, MAX_PAGE);
    let decoded = cursor.map(decode_cursor).transpose()?;
    filter.search_internal = user.is_staff();
    let scope = TicketScope::of(user);
    let cache = CACHE.get_or_init(|| Cache::with_max_entries(Depends::Tickets, 2_000));
    let key: Key = (
        db.identity(),
        scope,
        filter,
        sort,
        cursor.map(str::to_owned),
        limit,
    );
    let (hit, generation) = cache.get(&key);
    if let Some(page) = hit {
        return Ok(page);
    }
    let (_, scope, filter, ..) = &key;
    let page = read_page(db, scope, filter, sort, decoded.as_ref(), limit).await?;
    cache.put(key, page.clone(), generation);
    Ok(page)
}

async fn read_page(
    db: &Db,
    scope: &TicketScope,
    filter: &ListFilter,
    sort: ListSort,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<TicketPage, AppError> {
    let mut c = db.acquire().await?;
    let rows = tickets::list(c.conn(), scope, filter, sort, cursor, limit + 1).await?;
    let (rows, next_cursor) = split_page(rows, limit, |r| {
        encode_cursor(&match sort {
            ListSort::UpdatedDesc => Cursor::Time(r.updated_at, r.id),
            ListSort::CreatedAsc => Cursor::Time(r.created_at, r.id),
            ListSort::PriorityDesc => Cursor::Rank(r.priority_rank, r.id),
            ListSort::SlaDue => Cursor::Due(r.sla_due_at, r.id),
        })
    });
    let items = rows
        .into_iter()
        .map(tickets::SummaryRow::into_summary)
        .collect::<Result<_, _>>()?;
    Ok(TicketPage { items, next_cursor })
}

fn encode_cursor(cursor: &Cursor) -> String {
    use base64::Engine;
    let json = serde_json::to_vec(cursor).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(text: &str) -> Result<Cursor, AppError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::validation("cursor", "invalid"))
}

/// A ticket by `TKT-000042` or `42`, if the caller may see it; internal notes for staff only.
pub async fn get_ticket(db: &Db, user: &CurrentUser, id: &str) -> Result<TicketDetail, AppError> {
    let number = TicketNumber::parse(id).ok_or(AppError::not_found(Entity::Ticket))?;
    let mut c = db.acquire().await?;
    let ticket = summary_in(c.conn(), &TicketScope::of(user), number.0).await?;
    let mut files: std::collections::HashMap<i64, Vec<AttachmentRef>> = Default::default();
    for a in tickets::attachments_of(c.conn(), number.0).await? {
        if let Some(message_id) = a.message_id {
            files.entry(message_id).or_default().push(a.into());
        }
    }
    let messages: Vec<MessageView> = tickets::messages(c.conn(), number.0, user.is_staff())
        .await?
        .into_iter()
        .map(|m| MessageView {
            id: m.id,
            author: m.author_id.zip(m.author_name).map(|(id, name)| AuthorRef {
                id,
                name,
                role: m.author_role.unwrap_or_default(),
            }),
            body: m.body,
            internal: m.internal,
            channel: m.channel,
            created_at: m.created_at,
            attachments: files.remove(&m.id).unwrap_or_default(),
        })
        .collect();
    let (mut by_support_at, mut by_requester_at) = tickets::read_marks(c.conn(), number.0).await?;
    let scope = TicketScope::of(user);
    let mut related = Vec::new();
    for other in tickets::linked(c.conn(), number.0).await? {
        if tickets::find_summary(c.conn(), &scope, other)
            .await?
            .is_some()
        {
            related.push(TicketNumber(other).to_string());
        }
    }
    let tags = workspace::tags_of(c.conn(), number.0).await?;
    let fields = field_values(c.conn(), number.0).await?;
    let rating = if user.is_staff() || ticket.requester.id == user.id {
        crate::backend::services::ratings::rating_of(c.conn(), number.0).await?
    } else {
        None
    };
    let merged_into = workspace::merged_into(c.conn(), number.0)
        .await?
        .map(|n| TicketNumber(n).to_string());
    let (history, presence) = if user.is_staff() {
        (
            crate::backend::services::timeline::history_of(c.conn(), number.0).await?,
            crate::backend::services::presence::presence_on(
                c.conn(),
                number.0,
                user.id,
                Utc::now(),
            )
            .await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    drop(c);
    // Reading records the reader's side as read, when the other side wrote since last time.
    let by_support = user.is_staff();
    let reader_mark = if by_support {
        by_support_at
    } else {
        by_requester_at
    };
    let unread = messages.iter().any(|m| {
        let other_side = m.author.as_ref().is_some_and(|a| {
            let staff_author = a
                .role
                .parse::<crate::domain::Role>()
                .is_ok_and(|r| r.is_staff());
            staff_author != by_support
        });
        !m.internal && other_side && reader_mark.is_none_or(|read| m.created_at > read)
    });
    if unread && (by_support || ticket.requester.id == user.id) {
        let now = Utc::now();
        let mut tx = begin_write(db).await?;
        if tickets::mark_read(tx.conn(), number.0, by_support, now).await? {
            if let Some(state) = tickets::find_state(tx.conn(), number.0).await? {
                let side = if by_support { "support" } else { "requester" };
                let data = serde_json::json!({ "read_by": side });
                announce(&mut tx, &state, EventKind::TicketUpdated, data, now).await?;
            }
            tx.commit().await?;
            events::wake();
            if by_support {
                by_support_at = Some(now);
            } else {
                by_requester_at = Some(now);
            }
        }
    }
    Ok(TicketDetail {
        ticket,
        messages,
        read: ReadMarks {
            by_support_at,
            by_requester_at,
        },
        related,
        tags,
        merged_into,
        history,
        presence,
        fields,
        rating,
    })
}

/// A ticket's custom field values in its type's order (inactive fields too: values stay
/// readable after the type changes); keys no field knows any more are shown by key.
async fn field_values(c: Conn<'_>, ticket_id: i64) -> Result<Vec<FieldValue>, AppError> {
    let mut c = c;
    let Some((type_id, Json(values))) = tickets::fields_of_ticket(c.reborrow(), ticket_id).await?
    else {
        return Ok(Vec::new());
    };
    let serde_json::Value::Object(mut values) = values else {
        return Ok(Vec::new());
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "✓".to_owned(),
        Value::Bool(false) => "—".to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut out = Vec::new();
    for f in ticket_types::all_fields_of(c, type_id).await? {
        if let Some(v) = values.remove(&f.key) {
            out.push(FieldValue {
                value: text(&v),
                key: f.key,
                label: f.label,
                kind: f.kind,
            });
        }
    }
    for (key, v) in values {
        out.push(FieldValue {
            label: key.clone(),
            key,
            kind: "text".to_owned(),
            value: text(&v),
        });
    }
    Ok(out.into_iter().filter(|f| !f.value.is_empty()).collect())
}

/// A stored attachment the caller may download: on a ticket in their scope, and for customers
/// not on an internal note (both answer 404 like a missing one).
pub async fn attachment(
    db: &Db,
    user: &CurrentUser,
    id: i64,
) -> Result<tickets::AttachmentRow, AppError> {
    let mut c = db.acquire().await?;
    let (file, internal) = tickets::find_attachment(c.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Attachment))?;
    if internal && !user.is_staff() {
        return Err(AppError::not_found(Entity::Attachment));
    }
    tickets::find_summary(c.conn(), &TicketScope::of(user), file.ticket_id)
        .await?
        .ok_or(AppError::not_found(Entity::Attachment))?;
    Ok(file)
}

/// The counters over what the caller may see.
pub async fn stats(db: &Db, user: &CurrentUser) -> Result<TicketStats, AppError> {
    use crate::backend::cache::{self, Cache, Depends};
    use std::sync::OnceLock;
    // The counters of a scope change only with ticket writes: served from memory until one
    // happens (here, or seen from another instance by the event pump) or for 2 s at most.
    static CACHE: OnceLock<Cache<(String, TicketScope), TicketStats>> = OnceLock::new();
    let cache = cache::global(&CACHE, Depends::Tickets);
    let key = (db.identity(), TicketScope::of(user));
    let (hit, generation) = cache.get(&key);
    if let Some(stats) = hit {
        return Ok(stats);
    }
    let mut c = db.acquire().await?;
    let stats = tickets::stats(c.conn(), &key.1).await?;
    cache.put(key, stats, generation);
    Ok(stats)
}

/// Support messages may be longer than the customer's 1000 characters.
pub use crate::domain::SUPPORT_MESSAGE_MAX_CHARS;

/// A message text (reply, reopen reason, escalation reason): trimmed, not empty, at most the
/// admin limit (1000 by default) from customers and 10,000 from support.
fn validate_text(
    user: &CurrentUser,
    field: &str,
    text: &str,
    limits: &Limits,
) -> Result<String, AppError> {
    let text = text.trim().to_owned();
    let max = if user.is_staff() {
        SUPPORT_MESSAGE_MAX_CHARS
    } else {
        limits.message_max_chars.max(0) as usize
    };
    text_within(&text, max)
        .map(|()| text)
        .map_err(|code| AppError::validation(field, code))
}

/// Adds a message (or, for support, an internal note) and applies the status rules: a support
/// answer makes the ticket Respondido, a customer reply Aberto again.
pub async fn reply(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    body: &str,
    internal: bool,
    channel: &str,
    now: DateTime<Utc>,
) -> Result<MessageView, AppError> {
    reply_with_files(db, user, id, body, internal, None, None, channel, now).await
}

/// [`reply`] with attachments, stored in the same transaction as the message. With
/// `seen_message_id` (the newest message the author had on screen), support's send is held with
/// a conflict `new_reply_arrived` when someone else wrote on the ticket since (Freshdesk's
/// "traffic cop"); the author reviews and sends again.
#[allow(clippy::too_many_arguments)]
pub async fn reply_with_files(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    body: &str,
    internal: bool,
    seen_message_id: Option<i64>,
    uploads: Option<Uploads<'_>>,
    channel: &str,
    now: DateTime<Utc>,
) -> Result<MessageView, AppError> {
    let limits = crate::backend::services::settings::limits(db).await?;
    check_uploads(&uploads, &limits)?;
    let storage = uploads.as_ref().map(|u| u.storage);
    let mut persisted = Vec::new();
    let outcome = reply_in_tx(
        db,
        user,
        id,
        body,
        internal,
        seen_message_id,
        uploads,
        channel,
        &limits,
        now,
        &mut persisted,
    )
    .await;
    match &outcome {
        Ok(_) => events::wake(),
        Err(_) => {
            if let Some(storage) = storage {
                storage.remove(&persisted).await;
            }
        }
    }
    outcome
}

#[allow(clippy::too_many_arguments)]
async fn reply_in_tx(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    body: &str,
    internal: bool,
    seen_message_id: Option<i64>,
    uploads: Option<Uploads<'_>>,
    channel: &str,
    limits: &Limits,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<MessageView, AppError> {
    let by_support = user.is_staff();
    if internal && !by_support {
        return Err(AppError::Forbidden);
    }
    let mut tx = begin_write(db).await?;
    let mut state = state_in_scope(tx.conn(), user, id).await?;
    if !customer_may_act(user, &state) {
        return Err(AppError::Forbidden);
    }
    let body = validate_text(user, "body", body, limits)?;
    let current = status_of(&state)?;
    if current == TicketStatus::Closed {
        return Err(AppError::Conflict {
            code: "ticket_closed".to_owned(),
        });
    }
    if let (true, Some(seen)) = (by_support, seen_message_id) {
        if workspace::newer_message_by_other(tx.conn(), state.id, seen, user.id)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict {
                code: "new_reply_arrived".to_owned(),
            });
        }
    }
    let message_id = tickets::insert_message(
        tx.conn(),
        &tickets::NewMessage {
            ticket_id: state.id,
            author_id: Some(user.id),
            body: &body,
            internal,
            channel,
            created_at: now,
        },
    )
    .await?;
    let attachments = store_uploads(&mut tx, uploads, state.id, message_id, now, persisted).await?;
    let data = serde_json::json!({ "message_id": message_id, "internal": internal });
    events::record(
        tx.conn(),
        EventKind::MessageCreated,
        audience(&state, internal),
        data,
        now,
    )
    .await?;
    if !internal {
        let next = crate::domain::status_after_message(current, by_support, internal);
        if next != current {
            let data = serde_json::json!({ "status": next.as_str() });
            announce(&mut tx, &state, EventKind::TicketUpdated, data, now).await?;
            announce(
                &mut tx,
                &state,
                EventKind::StatsChanged,
                serde_json::json!({}),
                now,
            )
            .await?;
            tickets::insert_history(
                tx.conn(),
                state.id,
                Some(user.id),
                "status",
                Some(current.as_str()),
                Some(next.as_str()),
                now,
            )
            .await?;
            state.status = next.as_str().to_owned();
        }
        if by_support && state.first_response_at.is_none() {
            state.first_response_at = Some(now);
        }
        save_state(&mut tx, &state, now).await?;
        tickets::touch_reply(tx.conn(), state.id, by_support, now).await?;
    }
    tx.commit().await?;
    Ok(MessageView {
        id: message_id,
        author: Some(AuthorRef {
            id: user.id,
            name: user.name.clone(),
            role: user.role.as_str().to_owned(),
        }),
        body,
        internal,
        channel: channel.to_owned(),
        created_at: now,
        attachments,
    })
}

pub async fn update_ticket(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    update: TicketUpdate,
    now: DateTime<Utc>,
) -> Result<TicketSummary, AppError> {
    let mut tx = begin_write(db).await?;
    let mut state = state_in_scope(tx.conn(), user, id).await?;
    let old_department = state.department_id;
    let staff = user.is_staff();
    if !staff {
        let only_closing = update.status == Some(TicketStatus::Closed)
            && update.priority.is_none()
            && update.type_key.is_none()
            && update.department_id.is_none()
            && update.assignee_id.is_none()
            && update.tags.is_none();
        let owns = state.requester_id == user.id || user.role == crate::domain::Role::OrgAdmin;
        if !only_closing || !owns {
            return Err(AppError::Forbidden);
        }
    }
    let mut errors = Vec::new();
    let mut changes: Vec<(&'static str, Option<String>, Option<String>)> = Vec::new();
    let current = status_of(&state)?;
    if let Some(status) = update.status.filter(|s| *s != current) {
        changes.push((
            "status",
            Some(current.as_str().to_owned()),
            Some(status.as_str().to_owned()),
        ));
        state.closed_at = (status == TicketStatus::Closed).then_some(now);
        state.status = status.as_str().to_owned();
    }
    if let Some(priority) = update.priority.filter(|p| p.as_str() != state.priority) {
        changes.push((
            "priority",
            Some(state.priority.clone()),
            Some(priority.as_str().to_owned()),
        ));
        state.priority = priority.as_str().to_owned();
    }
    if let Some(key) = &update.type_key {
        match ticket_types::list_for_plan(tx.conn(), None)
            .await?
            .into_iter()
            .find(|t| &t.key == key)
        {
            Some(t) if t.id != state.ticket_type_id => {
                changes.push((
                    "type",
                    Some(state.ticket_type_id.to_string()),
                    Some(t.key.clone()),
                ));
                state.ticket_type_id = t.id;
            }
            Some(_) => {}
            None => errors.push(FieldError::new("type", "not_found")),
        }
    }
    if let Some(department) = update.department_id.filter(|d| *d != state.department_id) {
        if departments::list_active(tx.conn())
            .await?
            .iter()
            .any(|(id, _)| *id == department)
        {
            changes.push((
                "department",
                Some(state.department_id.to_string()),
                Some(department.to_string()),
            ));
            state.department_id = department;
        } else {
            errors.push(FieldError::new("department_id", "not_found"));
        }
    }
    if let Some(assignee) = update.assignee_id.filter(|a| *a != state.assignee_id) {
        if let Some(agent) = assignee {
            // A colleague of the ticket's (new) department, or a lead or admin.
            let may_take = workspace::assignable(tx.conn(), state.department_id)
                .await?
                .iter()
                .any(|(id, _)| *id == agent);
            if !may_take {
                errors.push(FieldError::new("assignee_id", "not_in_department"));
            }
        }
        changes.push((
            "assignee",
            state.assignee_id.map(|a| a.to_string()),
            assignee.map(|a| a.to_string()),
        ));
        state.assignee_id = assignee;
    }
    if let Some(tags) = &update.tags {
        match crate::domain::normalize_tags(tags) {
            Ok(tags) => {
                let old = workspace::tags_of(tx.conn(), state.id).await?;
                if old != tags {
                    workspace::set_tags(tx.conn(), state.id, &tags).await?;
                    changes.push(("tags", Some(old.join(", ")), Some(tags.join(", "))));
                }
            }
            Err(code) => errors.push(FieldError::new("tags", code)),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    if !changes.is_empty() {
        for (field, old, new) in &changes {
            tickets::insert_history(
                tx.conn(),
                state.id,
                Some(user.id),
                field,
                old.as_deref(),
                new.as_deref(),
                now,
            )
            .await?;
        }
        save_state(&mut tx, &state, now).await?;
        let changed: Map<String, Value> = changes
            .iter()
            .map(|(field, _, new)| {
                (
                    (*field).to_owned(),
                    new.clone().map_or(Value::Null, Value::String),
                )
            })
            .collect();
        let data = serde_json::json!({ "changes": changed });
        announce(&mut tx, &state, EventKind::TicketUpdated, data.clone(), now).await?;
        if old_department != state.department_id {
            // The agents of the old department see it leave their queue.
            let mut before = audience(&state, true);
            before.department_id = old_department;
            events::record(tx.conn(), EventKind::TicketUpdated, before, data, now).await?;
        }
        if changes
            .iter()
            .any(|(field, _, _)| matches!(*field, "status" | "priority" | "department"))
        {
            announce(
                &mut tx,
                &state,
                EventKind::StatsChanged,
                serde_json::json!({}),
                now,
            )
            .await?;
        }
    }
    let summary = summary_in(tx.conn(), &TicketScope::All, state.id).await?;
    tx.commit().await?;
    events::wake();
    Ok(summary)
}

/// A customer reopens a closed ticket with a reason, within [`REOPEN_WINDOW_DAYS`]; later, the
/// answer is a conflict `reopen_window_passed` and the UI offers a new ticket linked to the old.
pub async fn reopen(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<TicketSummary, AppError> {
    let limits = crate::backend::services::settings::limits(db).await?;
    let mut tx = begin_write(db).await?;
    let mut state = state_in_scope(tx.conn(), user, id).await?;
    if !customer_may_act(user, &state) {
        return Err(AppError::Forbidden);
    }
    let reason = validate_text(user, "reason", reason, &limits)?;
    if status_of(&state)? != TicketStatus::Closed {
        return Err(AppError::Conflict {
            code: "ticket_not_closed".to_owned(),
        });
    }
    let window = chrono::Duration::days(limits.reopen_window_days);
    if !user.is_staff() && state.closed_at.is_some_and(|closed| now - closed > window) {
        return Err(AppError::Conflict {
            code: "reopen_window_passed".to_owned(),
        });
    }
    tickets::insert_message(
        tx.conn(),
        &tickets::NewMessage {
            ticket_id: state.id,
            author_id: Some(user.id),
            body: &reason,
            internal: false,
            channel: "portal",
            created_at: now,
        },
    )
    .await?;
    tickets::insert_history(
        tx.conn(),
        state.id,
        Some(user.id),
        "status",
        Some("closed"),
        Some("open"),
        now,
    )
    .await?;
    state.status = TicketStatus::Open.as_str().to_owned();
    state.closed_at = None;
    save_state(&mut tx, &state, now).await?;
    tickets::touch_reply(tx.conn(), state.id, user.is_staff(), now).await?;
    record_status_change(&mut tx, &state, "open", now).await?;
    let summary = summary_in(tx.conn(), &TicketScope::All, state.id).await?;
    tx.commit().await?;
    events::wake();
    Ok(summary)
}

/// A message and a status change: what every viewer of the ticket hears about it.
async fn record_status_change(
    tx: &mut Tx,
    state: &tickets::StateRow,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let message = serde_json::json!({ "internal": false });
    announce(tx, state, EventKind::MessageCreated, message, now).await?;
    let status = serde_json::json!({ "status": status });
    announce(tx, state, EventKind::TicketUpdated, status, now).await?;
    announce(
        tx,
        state,
        EventKind::StatsChanged,
        serde_json::json!({}),
        now,
    )
    .await?;
    Ok(())
}

/// A customer escalates with a justification (seed 004): the ticket is flagged for the leads;
/// the service level does not change by itself.
pub async fn escalate(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Escalation, AppError> {
    let limits = crate::backend::services::settings::limits(db).await?;
    let mut tx = begin_write(db).await?;
    let mut state = state_in_scope(tx.conn(), user, id).await?;
    if user.is_staff() || !customer_may_act(user, &state) {
        return Err(AppError::Forbidden);
    }
    let reason = validate_text(user, "reason", reason, &limits)?;
    if status_of(&state)? == TicketStatus::Closed {
        return Err(AppError::Conflict {
            code: "ticket_closed".to_owned(),
        });
    }
    let escalation_id =
        tickets::insert_escalation(tx.conn(), state.id, user.id, &reason, now).await?;
    tickets::insert_history(
        tx.conn(),
        state.id,
        Some(user.id),
        "escalated",
        None,
        Some(&reason),
        now,
    )
    .await?;
    if state.escalated_at.is_none() {
        state.escalated_at = Some(now);
    }
    save_state(&mut tx, &state, now).await?;
    let data = serde_json::json!({ "escalated": true });
    announce(&mut tx, &state, EventKind::TicketUpdated, data, now).await?;
    tx.commit().await?;
    events::wake();
    Ok(Escalation {
        id: escalation_id,
        ticket_id: TicketNumber(state.id).to_string(),
        reason,
        created_at: now,
    })
}

impl crate::domain::TicketListQuery {
    /// Parses into a filter, an order, a cursor and a page size; every bad value is a field error.
    pub fn parse(
        self,
        user: &CurrentUser,
    ) -> Result<(ListFilter, ListSort, Option<String>, i64), AppError> {
        let mut errors = Vec::new();
        let mut filter = ListFilter::default();
        let mut id = |value: &Option<String>, name: &str| -> Option<i64> {
            value.as_deref().filter(|v| !v.is_empty()).and_then(|v| {
                v.parse::<i64>()
                    .map_err(|_| errors.push(FieldError::new(name, "invalid")))
                    .ok()
            })
        };
        filter.department_id = id(&self.department_id, "department_id");
        filter.organization_id = id(&self.organization_id, "organization_id");
        if let Some(statuses) = self.status.as_deref().filter(|s| !s.is_empty()) {
            for s in statuses.split(',') {
                match s.trim().parse::<TicketStatus>() {
                    Ok(status) => filter.statuses.push(status),
                    Err(_) => errors.push(FieldError::new("status", "invalid")),
                }
            }
        }
        if let Some(p) = self.priority.as_deref().filter(|s| !s.is_empty()) {
            match p.parse::<Priority>() {
                Ok(priority) => filter.priority = Some(priority),
                Err(_) => errors.push(FieldError::new("priority", "invalid")),
            }
        }
        filter.type_key = self.ticket_type.filter(|t| !t.is_empty());
        filter.assignee = match self.assignee.as_deref() {
            None | Some("") => None,
            Some("none") => Some(None),
            Some("me") => Some(Some(user.id)),
            Some(other) => match other.parse::<i64>() {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    errors.push(FieldError::new("assignee", "invalid"));
                    None
                }
            },
        };
        filter.escalated = match self.escalated.as_deref() {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.push(FieldError::new("escalated", "invalid"));
                false
            }
        };
        filter.sla_risk = match self.sla_risk.as_deref() {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.push(FieldError::new("sla_risk", "invalid"));
                false
            }
        };
        filter.tag = self
            .tag
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        if filter
            .tag
            .as_ref()
            .is_some_and(|t| char_count(t) > crate::domain::TAG_MAX_CHARS)
        {
            errors.push(FieldError::new("tag", "too_long"));
        }
        filter.query = self.q.filter(|q| !q.trim().is_empty());
        if filter.query.as_ref().is_some_and(|q| char_count(q) > 200) {
            errors.push(FieldError::new("q", "too_long"));
        }
        let sort = match self.sort.as_deref() {
            None | Some("") => ListSort::default(),
            Some(s) => ListSort::parse(s).unwrap_or_else(|| {
                errors.push(FieldError::new("sort", "invalid"));
                ListSort::default()
            }),
        };
        let limit = match self.limit.as_deref() {
            None | Some("") => 50,
            Some(l) => match l.parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    errors.push(FieldError::new("limit", "invalid"));
                    50
                }
            },
        };
        if !errors.is_empty() {
            return Err(AppError::Validation { errors });
        }
        Ok((filter, sort, self.cursor.filter(|c| !c.is_empty()), limit))
    }
}

/// Closes answered tickets that waited [`crate::domain::AUTO_CLOSE_DAYS`] days for the customer,
/// each with a system message in the requester's language and a history row. Returns how many.
pub async fn auto_close_answered(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    let days = crate::backend::services::settings::limits(db)
        .await?
        .auto_close_days;
    let mut tx = begin_write(db).await?;
    let due = tickets::answered_before(tx.conn(), now - chrono::Duration::days(days)).await?;
    for (id, language) in &due {
        let locale = crate::i18n::Locale::from(
            crate::domain::Language::from_tag(language).unwrap_or_default(),
        );
        let body = crate::i18n::auto_closed_message(locale, days);
        tickets::insert_system_message(tx.conn(), *id, &body, now).await?;
        tickets::insert_history(
            tx.conn(),
            *id,
            None,
            "status",
            Some("answered"),
            Some("closed"),
            now,
        )
        .await?;
        let mut state = tickets::find_state(tx.conn(), *id)
            .await?
            .ok_or(AppError::Internal)?;
        state.status = TicketStatus::Closed.as_str().to_owned();
        state.closed_at = Some(now);
        save_state(&mut tx, &state, now).await?;
        record_status_change(&mut tx, &state, "closed", now).await?;
    }
    tx.commit().await?;
    events::wake();
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::type_allowed;

    #[test]
    fn file_types_follow_the_admins_list() {
        let only = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let images = only(&["png", "jpg"]);
        assert!(type_allowed("image/png", "a.png", &images));
        assert!(
            type_allowed("image/jpeg", "foto.jpeg", &images),
            "jpg and jpeg are one type"
        );
        assert!(!type_allowed("application/pdf", "a.pdf", &images));
        let logs = only(&["log"]);
        assert!(type_allowed("text/plain; charset=utf-8", "erro.log", &logs));
        assert!(!type_allowed(
            "text/plain; charset=utf-8",
            "nota.txt",
            &logs
        ));
        assert!(!type_allowed("text/html", "x.log", &logs));
    }
}
