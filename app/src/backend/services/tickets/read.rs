//! One ticket as the caller may see it: the conversation (internal notes for staff only), read
//! marks, fields, timeline, presence and rating; its attachments.
use crate::backend::db::messages;
use crate::domain::AttachmentRef;
use crate::domain::AuthorRef;
use crate::domain::MessageView;
use crate::domain::ReadMarks;
use crate::domain::TicketDetail;

use crate::backend::db::tickets;
use crate::backend::db::{stored, ticket_types, workspace, Conn};
use crate::backend::events::begin_write;
use crate::backend::events::{self, EventKind};
use crate::backend::services::access::{announce, summary_in};
use crate::backend::Db;
use crate::domain::{
    CurrentUser, EmailOriginal, FieldValue, MessageEmail, TicketNumber, TicketScope,
};
use crate::error::{AppError, Entity};
use chrono::Utc;
use serde_json::Value;
use sqlx::types::Json;

/// What the conversation shows of a message that arrived by e-mail.
fn message_email(original: &crate::backend::mail::inbox::Original) -> MessageEmail {
    MessageEmail {
        trimmed: original.trimmed,
        refused_files: serde_json::from_str(&original.refused_files).unwrap_or_default(),
    }
}

/// A received mail whole (its headers and all its text), for a message of a ticket the caller
/// may see.
pub async fn email_original(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    message_id: i64,
) -> Result<EmailOriginal, AppError> {
    let number = TicketNumber::parse(id).ok_or(AppError::not_found(Entity::Ticket))?;
    let mut c = db.acquire().await?;
    summary_in(c.conn(), &TicketScope::of(user), number.0).await?;
    crate::backend::mail::inbox::originals_of_ticket(c.conn(), number.0)
        .await?
        .into_iter()
        .find(|o| o.chamado_message_id == message_id)
        .map(|o| EmailOriginal {
            headers: o.headers,
            text: o.original_text,
        })
        .ok_or(AppError::not_found(Entity::Message))
}

/// A ticket by `TKT-000042` or `42`, if the caller may see it; internal notes for staff only.
pub async fn get_ticket(db: &Db, user: &CurrentUser, id: &str) -> Result<TicketDetail, AppError> {
    let number = TicketNumber::parse(id).ok_or(AppError::not_found(Entity::Ticket))?;
    let mut c = db.acquire().await?;
    let ticket = summary_in(c.conn(), &TicketScope::of(user), number.0).await?;
    let mut files: std::collections::HashMap<i64, Vec<AttachmentRef>> = Default::default();
    for a in messages::attachments_of(c.conn(), number.0).await? {
        if let Some(message_id) = a.message_id {
            files.entry(message_id).or_default().push(a.into());
        }
    }
    let mut emails: std::collections::HashMap<i64, MessageEmail> =
        crate::backend::mail::inbox::originals_of_ticket(c.conn(), number.0)
            .await?
            .into_iter()
            .map(|o| (o.chamado_message_id, message_email(&o)))
            .collect();
    let messages: Vec<MessageView> =
        messages::messages(c.conn(), number.0, user.sees_internal_notes())
            .await?
            .into_iter()
            .map(|m| {
                Ok(MessageView {
                    id: m.id,
                    author: m.author_id.zip(m.author_name).map(|(id, name)| AuthorRef {
                        id,
                        name,
                        role: m.author_role.unwrap_or_default(),
                    }),
                    body: m.body,
                    internal: m.internal,
                    channel: stored(&m.channel)?,
                    created_at: m.created_at,
                    attachments: files.remove(&m.id).unwrap_or_default(),
                    email: emails.remove(&m.id),
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
    let (mut by_support_at, mut by_requester_at) = messages::read_marks(c.conn(), number.0).await?;
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
        if messages::mark_read(tx.conn(), number.0, by_support, now).await? {
            if let Some(state) = tickets::find_state(tx.conn(), number.0).await? {
                let side = if by_support { "support" } else { "requester" };
                let data = serde_json::json!({ "read_by": side });
                announce(&mut tx, &state, EventKind::TicketUpdated, data, now).await?;
            }
            tx.commit().await?;
            events::wake(db);
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
) -> Result<messages::AttachmentRow, AppError> {
    let mut c = db.acquire().await?;
    let (file, internal) = messages::find_attachment(c.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Attachment))?;
    if internal && !user.sees_internal_notes() {
        return Err(AppError::not_found(Entity::Attachment));
    }
    tickets::find_summary(c.conn(), &TicketScope::of(user), file.ticket_id)
        .await?
        .ok_or(AppError::not_found(Entity::Attachment))?;
    Ok(file)
}
