//! Replies and internal notes.
use super::uploads::check_uploads;
use super::uploads::store_uploads;
use super::uploads::Uploads;
use crate::backend::db::messages;
use crate::domain::AuthorRef;
use crate::domain::MessageView;

use crate::backend::db::{tickets, workspace, Tx};
use crate::backend::events::{self, begin_write, EventKind};
use crate::backend::mail::notices::{self, Notice};
use crate::backend::services::access::{
    announce, announce_counts, audience, customer_may_act, save_state, state_in_scope, status_of,
};
use crate::backend::Db;
use crate::domain::{CurrentUser, Limits, MessageChannel, TicketStatus};
use crate::error::AppError;
use chrono::{DateTime, Utc};

/// A message text (reply, reopen reason, escalation reason): trimmed, not empty, at most the
/// admin limit (1000 by default) from customers and 10,000 from support.
pub(crate) fn validate_text(
    user: &CurrentUser,
    field: &str,
    text: &str,
    limits: &Limits,
) -> Result<String, AppError> {
    limits
        .message_text(user.is_staff(), text)
        .map_err(|code| AppError::validation(field, code))
}

/// A reply (or, for support, an internal note) to a ticket: the text, the channel the caller's
/// kind speaks for and the files. With `seen_message_id` (the newest message the author had on
/// screen), support's send is held with a conflict `new_reply_arrived` when someone else wrote
/// on the ticket since (Freshdesk's "traffic cop"); the author reviews and sends again.
pub struct NewReply<'a> {
    pub body: &'a str,
    pub internal: bool,
    pub channel: MessageChannel,
    pub seen_message_id: Option<i64>,
    pub uploads: Option<Uploads<'a>>,
}

impl<'a> NewReply<'a> {
    /// A reply without files and without the held-send check.
    pub fn new(body: &'a str, internal: bool, channel: MessageChannel) -> Self {
        NewReply {
            body,
            internal,
            channel,
            seen_message_id: None,
            uploads: None,
        }
    }
}

/// Adds a message and applies the status rules: a support answer makes the ticket Respondido,
/// a customer reply Aberto again. The files are stored in the same transaction as the message;
/// on any failure none is left.
pub async fn reply(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    reply: NewReply<'_>,
    now: DateTime<Utc>,
) -> Result<MessageView, AppError> {
    let limits = crate::backend::services::settings::limits(db).await?;
    check_uploads(&reply.uploads, &limits)?;
    let storage = reply.uploads.as_ref().map(|u| u.storage);
    let mut persisted = Vec::new();
    let outcome = reply_in_tx(db, user, id, reply, &limits, now, &mut persisted).await;
    match &outcome {
        Ok(_) => events::wake(db),
        Err(_) => {
            if let Some(storage) = storage {
                storage.remove(&persisted).await;
            }
        }
    }
    outcome
}

async fn reply_in_tx(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    reply: NewReply<'_>,
    limits: &Limits,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<MessageView, AppError> {
    let mut tx = begin_write(db).await?;
    let view = reply_in(&mut tx, user, id, reply, limits, now, persisted).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adds the message inside the caller's writing transaction (e-mail in records the mail in the
/// same one); the caller commits.
pub(crate) async fn reply_in(
    tx: &mut Tx,
    user: &CurrentUser,
    id: &str,
    reply: NewReply<'_>,
    limits: &Limits,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<MessageView, AppError> {
    let NewReply {
        body,
        internal,
        channel,
        seen_message_id,
        uploads,
    } = reply;
    let by_support = user.is_staff();
    if internal && !user.sees_internal_notes() {
        return Err(AppError::Forbidden);
    }
    let mut state = state_in_scope(tx.conn(), user, id).await?;
    if !customer_may_act(user, &state) {
        return Err(AppError::Forbidden);
    }
    let body = limits
        .message_text_via(user.is_staff(), channel, body)
        .map_err(|code| AppError::validation("body", code))?;
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
    let message_id = messages::insert_message(
        tx.conn(),
        &messages::NewMessage {
            ticket_id: state.id,
            author_id: Some(user.id),
            body: &body,
            internal,
            channel,
            created_at: now,
        },
    )
    .await?;
    let attachments = store_uploads(tx, uploads, state.id, message_id, now, persisted).await?;
    let notice = Notice::MessageAdded {
        ticket_id: state.id,
        actor_id: user.id,
        message_id,
        internal,
    };
    notices::enqueue(tx.conn(), &notice, now).await?;
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
            announce(tx, &state, EventKind::TicketUpdated, data, now).await?;
            announce_counts(tx, &state, now).await?;
            tickets::insert_history(
                tx.conn(),
                state.id,
                Some(user.id),
                crate::domain::HistoryField::Status,
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
        save_state(tx, &state, now).await?;
        tickets::touch_reply(tx.conn(), state.id, by_support, now).await?;
    }
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
        email: None,
    })
}
