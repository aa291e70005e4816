//! Tickets as customers and support see them: the catalog (types, departments), opening a
//! ticket, lists with filters, one ticket with its conversation, counters. Every read is
//! limited to the caller's `TicketScope`; anything outside it answers 404.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::domain::{
    char_count, validate_field_value, CurrentUser, NamedRef, Priority, TicketField, TicketNumber,
    TicketScope, TicketStats, TicketStatus, TicketSummary, TicketTypeInfo, MESSAGE_MAX_CHARS,
    SUBJECT_MAX_CHARS,
};
use crate::error::{AppError, Entity, FieldError};
use crate::server::db::tickets::{self, Cursor, ListFilter, ListSort};
use crate::server::db::{departments, ticket_types, Conn};
use crate::server::Db;

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
    let plan = if user.role.is_staff() {
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

/// What a customer submits to open a ticket.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTicketInput {
    /// The ticket type's key.
    #[serde(rename = "type")]
    pub type_key: String,
    pub department_id: i64,
    pub priority: Priority,
    pub subject: String,
    pub message: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub fields: Map<String, Value>,
}

/// Opens a ticket: the ticket, its first message and a history row in one transaction.
pub async fn create_ticket(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    channel: &str,
    now: DateTime<Utc>,
) -> Result<TicketSummary, AppError> {
    let organization = match (&user.organization, user.can_open_tickets) {
        (Some(org), true) => org.clone(),
        _ => return Err(AppError::Forbidden),
    };
    let mut errors = Vec::new();
    let subject = input.subject.trim().to_owned();
    match char_count(&subject) {
        0 => errors.push(FieldError::new("subject", "required")),
        n if n > SUBJECT_MAX_CHARS => errors.push(FieldError::new("subject", "too_long")),
        _ => {}
    }
    let message = input.message.trim().to_owned();
    match char_count(&message) {
        0 => errors.push(FieldError::new("message", "required")),
        n if n > MESSAGE_MAX_CHARS => errors.push(FieldError::new("message", "too_long")),
        _ => {}
    }
    let mut tx = db.begin().await?;
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
    tickets::insert_message(
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
    let summary = summary_in(tx.conn(), &TicketScope::of(user), number).await?;
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

async fn summary_in(
    c: Conn<'_>,
    scope: &TicketScope,
    number: i64,
) -> Result<TicketSummary, AppError> {
    tickets::find_summary(c, scope, number)
        .await?
        .ok_or(AppError::not_found(Entity::Ticket))?
        .into_summary()
}

/// A page of tickets and the cursor of the next one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketPage {
    pub items: Vec<TicketSummary>,
    pub next_cursor: Option<String>,
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
    let limit = limit.clamp(1, MAX_PAGE);
    let cursor = cursor.map(decode_cursor).transpose()?;
    filter.search_internal = user.role.is_staff();
    let mut c = db.acquire().await?;
    let mut rows = tickets::list(
        c.conn(),
        &TicketScope::of(user),
        &filter,
        sort,
        cursor.as_ref(),
        limit + 1,
    )
    .await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| {
            encode_cursor(&match sort {
                ListSort::UpdatedDesc => Cursor::Time(r.updated_at, r.id),
                ListSort::CreatedAsc => Cursor::Time(r.created_at, r.id),
                ListSort::PriorityDesc => Cursor::Rank(r.priority_rank, r.id),
            })
        })
    } else {
        None
    };
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

/// A message of the conversation as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: i64,
    pub author: Option<AuthorRef>,
    pub body: String,
    pub internal: bool,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthorRef {
    pub id: i64,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentRef {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadMarks {
    pub by_support_at: Option<DateTime<Utc>>,
    pub by_requester_at: Option<DateTime<Utc>>,
}

/// One ticket with its conversation (API.md `GET /api/v1/tickets/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketDetail {
    pub ticket: TicketSummary,
    pub messages: Vec<MessageView>,
    pub read: ReadMarks,
}

/// A ticket by `TKT-000042` or `42`, if the caller may see it; internal notes for staff only.
pub async fn get_ticket(db: &Db, user: &CurrentUser, id: &str) -> Result<TicketDetail, AppError> {
    let number = TicketNumber::parse(id).ok_or(AppError::not_found(Entity::Ticket))?;
    let mut c = db.acquire().await?;
    let ticket = summary_in(c.conn(), &TicketScope::of(user), number.0).await?;
    let messages = tickets::messages(c.conn(), number.0, user.role.is_staff())
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
            attachments: Vec::new(),
        })
        .collect();
    let (by_support_at, by_requester_at) = tickets::read_marks(c.conn(), number.0).await?;
    Ok(TicketDetail {
        ticket,
        messages,
        read: ReadMarks {
            by_support_at,
            by_requester_at,
        },
    })
}

/// The counters over what the caller may see.
pub async fn stats(db: &Db, user: &CurrentUser) -> Result<TicketStats, AppError> {
    let mut c = db.acquire().await?;
    Ok(tickets::stats(c.conn(), &TicketScope::of(user)).await?)
}
