//! Opening a ticket: its first message, custom fields, attachments, history, clock and events commit
//! together, or nothing does.
use super::form::field_info;
use super::uploads::check_uploads;
use super::uploads::store_uploads;
use super::uploads::Uploads;
use crate::backend::db::messages;
use crate::domain::HistoryField;
use crate::domain::NewTicketInput;

use crate::backend::db::tickets;
use crate::backend::db::Tx;
use crate::backend::db::{departments, ticket_types, workspace};
use crate::backend::events::begin_write;
use crate::backend::events::{self, Audience, EventKind};
use crate::backend::mail::notices::{self, Notice};
use crate::backend::services::access::summary_in;
use crate::backend::Db;
use crate::domain::text_within;
use crate::domain::{
    validate_field_value, CurrentUser, Limits, MessageChannel, Plan, TicketField, TicketNumber,
    TicketScope, TicketStatus, TicketSummary, SUBJECT_MAX_CHARS,
};
use crate::error::{AppError, FieldError};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// A request to open a ticket: what the person wrote, the channel their kind of caller speaks
/// for, the files sent with it and an optional `Idempotency-Key`.
pub struct NewTicket<'a> {
    pub input: NewTicketInput,
    pub channel: MessageChannel,
    pub uploads: Option<Uploads<'a>>,
    pub idempotency_key: Option<&'a str>,
}

impl NewTicket<'_> {
    /// A ticket without files or idempotency key.
    pub fn new(input: NewTicketInput, channel: MessageChannel) -> Self {
        NewTicket {
            input,
            channel,
            uploads: None,
            idempotency_key: None,
        }
    }
}

/// Opens a ticket: the ticket, its first message, the files, a history row, the clock and the
/// events commit together; on any failure nothing is left, files included. A retry with the
/// same idempotency key answers the ticket the first request created (`false` in the answer's
/// second place) instead of a copy; the key is claimed inside the same transaction, so
/// concurrent retries cannot both create.
pub async fn create_ticket(
    db: &Db,
    user: &CurrentUser,
    ticket: NewTicket<'_>,
    now: DateTime<Utc>,
) -> Result<(TicketSummary, bool), AppError> {
    let key = ticket
        .idempotency_key
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.len() > 200) {
        return Err(AppError::validation("idempotency_key", "too_long"));
    }
    if let Some(existing) = created_with(db, user, key).await? {
        return Ok((existing, false));
    }
    let limits = crate::backend::services::settings::limits(db).await?;
    check_uploads(&ticket.uploads, &limits)?;
    let storage = ticket.uploads.as_ref().map(|u| u.storage);
    let mut persisted = Vec::new();
    let outcome = create_in_tx(db, user, ticket, key, &limits, now, &mut persisted).await;
    if outcome.is_err() {
        if let Some(storage) = storage {
            storage.remove(&persisted).await;
        }
    } else {
        events::wake(db);
    }
    match outcome {
        Ok(ticket) => Ok((ticket, true)),
        // A concurrent request with the same key won: answer with its ticket once it exists.
        Err(AppError::Conflict { code }) if code == "idempotency_key_in_use" => {
            match created_with(db, user, key).await? {
                Some(existing) => Ok((existing, false)),
                None => Err(AppError::Conflict { code }),
            }
        }
        Err(other) => Err(other),
    }
}

/// The ticket an earlier request with this idempotency key created, if any.
async fn created_with(
    db: &Db,
    user: &CurrentUser,
    key: Option<&str>,
) -> Result<Option<TicketSummary>, AppError> {
    let Some(key) = key else {
        return Ok(None);
    };
    let mut c = db.acquire().await?;
    match tickets::idempotency_ticket(c.conn(), user.id, key).await? {
        Some(existing) => Ok(Some(
            summary_in(c.conn(), &TicketScope::of(user), existing).await?,
        )),
        None => Ok(None),
    }
}

/// A new ticket's fields once every one was checked.
struct Checked {
    subject: String,
    message: String,
    ticket_type_id: i64,
    fields: Value,
    related: Option<i64>,
}

async fn create_in_tx(
    db: &Db,
    user: &CurrentUser,
    ticket: NewTicket<'_>,
    key: Option<&str>,
    limits: &Limits,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<TicketSummary, AppError> {
    let mut tx = begin_write(db).await?;
    let (summary, _) = create_in(&mut tx, user, ticket, key, limits, now, persisted).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Opens a ticket inside the caller's writing transaction (e-mail in records the mail in the
/// same one); the caller commits. Returns the ticket and its first message's id.
pub(crate) async fn create_in(
    tx: &mut Tx,
    user: &CurrentUser,
    ticket: NewTicket<'_>,
    key: Option<&str>,
    limits: &Limits,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<(TicketSummary, i64), AppError> {
    let organization = match (&user.organization, user.can_open_tickets) {
        (Some(org), true) => org.clone(),
        _ => return Err(AppError::Forbidden),
    };
    let NewTicket {
        input,
        channel,
        uploads,
        ..
    } = ticket;
    if let Some(key) = key {
        if !tickets::claim_idempotency_key(tx.conn(), user.id, key, now).await? {
            // Another request with this key committed first (or is committing): point at it.
            return Err(AppError::Conflict {
                code: "idempotency_key_in_use".to_owned(),
            });
        }
    }
    let checked = check(tx, user, organization.plan, &input, channel, limits).await?;
    let number = tickets::insert(
        tx.conn(),
        &tickets::NewTicket {
            subject: &checked.subject,
            ticket_type_id: checked.ticket_type_id,
            department_id: input.department_id,
            priority: input.priority,
            status: TicketStatus::Open,
            requester_id: user.id,
            organization_id: organization.id,
            assignee_id: None,
            fields: &checked.fields,
            created_at: now,
        },
    )
    .await?;
    let message_id = messages::insert_message(
        tx.conn(),
        &messages::NewMessage {
            ticket_id: number,
            author_id: Some(user.id),
            body: &checked.message,
            internal: false,
            channel,
            created_at: now,
        },
    )
    .await?;
    store_uploads(tx, uploads, number, message_id, now, persisted).await?;
    tickets::insert_history(
        tx.conn(),
        number,
        Some(user.id),
        HistoryField::Created,
        None,
        Some(TicketStatus::Open.as_str()),
        now,
    )
    .await?;
    assign_by_round_robin(tx, number, input.department_id, now).await?;
    crate::backend::services::sla::refresh(tx.conn(), number, now).await?;
    if let Some(key) = key {
        tickets::set_idempotency_ticket(tx.conn(), user.id, key, number).await?;
    }
    if let Some(attempt) = attempt_of(&input) {
        // The form's suggestions did not answer: the attempt ends with this ticket.
        crate::backend::services::deflection::record_submitted(
            tx.conn(),
            user,
            &attempt,
            number,
            now,
        )
        .await?;
    }
    if let Some(related) = checked.related {
        link_related(tx, user, number, related, now).await?;
    }
    let summary = summary_in(tx.conn(), &TicketScope::of(user), number).await?;
    announce_created(tx, &summary, organization.id, now).await?;
    let notice = Notice::TicketCreated {
        ticket_id: number,
        actor_id: user.id,
        message_id,
    };
    notices::enqueue(tx.conn(), &notice, now).await?;
    Ok((summary, message_id))
}

/// The form's deflection attempt, if it named one.
fn attempt_of(input: &NewTicketInput) -> Option<String> {
    input
        .deflection_attempt
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
}

/// Checks every field at once (subject, message, type for the plan, department, custom fields,
/// the ticket it continues); all errors come back together.
async fn check(
    tx: &mut Tx,
    user: &CurrentUser,
    plan: Plan,
    input: &NewTicketInput,
    channel: MessageChannel,
    limits: &Limits,
) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let subject = crate::domain::single_line(&input.subject);
    if let Err(code) = text_within(&subject, SUBJECT_MAX_CHARS) {
        errors.push(FieldError::new("subject", code));
    }
    let message = limits
        .message_text_via(user.is_staff(), channel, &input.message)
        .unwrap_or_else(|code| {
            errors.push(FieldError::new("message", code));
            String::new()
        });
    let allowed = ticket_types::list_for_plan(tx.conn(), Some(plan)).await?;
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
        // A mail cannot fill the type's fields: support completes them on the ticket.
        let require = channel != MessageChannel::Email;
        fields = custom_fields(&definitions, &input.fields, require, &mut errors);
    }
    let related = related_ticket(tx, user, input.related.as_deref(), &mut errors).await?;
    match (ticket_type, errors.is_empty()) {
        (Some(ticket_type), true) => Ok(Checked {
            subject,
            message,
            ticket_type_id: ticket_type.id,
            fields: Value::Object(fields),
            related,
        }),
        _ => Err(AppError::Validation { errors }),
    }
}

/// The custom fields' values, cleaned, as the type defines them: unknown keys, missing required
/// values and invalid values are field errors.
fn custom_fields(
    definitions: &[TicketField],
    given: &Map<String, Value>,
    require: bool,
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    for key in given.keys() {
        if !definitions.iter().any(|d| &d.key == key) {
            errors.push(FieldError::new(format!("fields.{key}"), "unknown_field"));
        }
    }
    let mut fields = Map::new();
    for definition in definitions {
        let field = format!("fields.{}", definition.key);
        match given.get(&definition.key).filter(|v| !is_blank(v)) {
            None if definition.required && require => {
                errors.push(FieldError::new(field, "required"))
            }
            None => {}
            Some(v) => match validate_field_value(definition, v) {
                Ok(clean) => {
                    fields.insert(definition.key.clone(), clean);
                }
                Err(code) => errors.push(FieldError::new(field, code)),
            },
        }
    }
    fields
}

/// The earlier ticket this one continues, if the caller may see it.
async fn related_ticket(
    tx: &mut Tx,
    user: &CurrentUser,
    related: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Result<Option<i64>, AppError> {
    let Some(text) = related.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if let Some(number) = TicketNumber::parse(text) {
        let scope = TicketScope::of(user);
        if tickets::find_summary(tx.conn(), &scope, number.0)
            .await?
            .is_some()
        {
            return Ok(Some(number.0));
        }
    }
    errors.push(FieldError::new("related", "not_found"));
    Ok(None)
}

/// Round-robin departments give the new ticket to their next agent, inside the serialised
/// writing transaction (concurrent tickets see each other's pick).
async fn assign_by_round_robin(
    tx: &mut Tx,
    number: i64,
    department_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !workspace::round_robin(tx.conn(), department_id).await? {
        return Ok(());
    }
    if let Some(agent) = workspace::take_next_agent(tx.conn(), department_id).await? {
        workspace::assign(tx.conn(), number, agent).await?;
        let agent = agent.to_string();
        tickets::insert_history(
            tx.conn(),
            number,
            None,
            HistoryField::Assignee,
            None,
            Some(&agent),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Links the new ticket to the one it continues, in its history too.
async fn link_related(
    tx: &mut Tx,
    user: &CurrentUser,
    number: i64,
    related: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    tickets::insert_link(tx.conn(), number, related, user.id, now).await?;
    let old = TicketNumber(related).to_string();
    tickets::insert_history(
        tx.conn(),
        number,
        Some(user.id),
        HistoryField::Related,
        None,
        Some(&old),
        now,
    )
    .await?;
    Ok(())
}

/// Tells everyone who may see the new ticket (dashboards, counters).
async fn announce_created(
    tx: &mut Tx,
    summary: &TicketSummary,
    organization_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let who = Audience {
        ticket_id: summary.number,
        requester_id: summary.requester.id,
        organization_id,
        department_id: summary.department.id,
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
    Ok(())
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}
