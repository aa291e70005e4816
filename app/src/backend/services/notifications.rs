//! Notifications and the outbox, for the people they belong to: one's own choices and bell,
//! and for admins the mail Chamado sent ("E-mails enviados"), re-sendable.

use chrono::{DateTime, Utc};

use super::require;
use crate::backend::mail::outbox::{self, EmailRow, SECRET_LINK};
use crate::backend::mail::worker::queue_delivery;
use crate::backend::mail::{bell, prefs, texts};
use crate::backend::Db;
use crate::domain::{
    CurrentUser, Language, NotificationChoice, NotificationKind, NotificationList,
    OutboundEmailPage, OutboundEmailSummary, OutboundEmailView, TicketNumber, OUTBOUND_STATES,
};
use crate::error::{AppError, Entity, FieldError};

/// Rows in one page of the outbox.
pub const OUTBOX_PAGE: i64 = 50;

/// One's choice for every kind one's role receives.
pub async fn choices(db: &Db, user: &CurrentUser) -> Result<Vec<NotificationChoice>, AppError> {
    let mut c = db.acquire().await?;
    Ok(prefs::choices(c.conn(), user.id, user.role).await?)
}

/// Stores one's choices. A kind one's role does not receive is refused (422), and nothing is
/// stored.
pub async fn set_choices(
    db: &Db,
    user: &CurrentUser,
    choices: &[NotificationChoice],
) -> Result<Vec<NotificationChoice>, AppError> {
    let errors: Vec<FieldError> = choices
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.kind.applies_to(user.role))
        .map(|(i, _)| FieldError::new(format!("choices[{i}].kind"), "not_for_role"))
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    if choices.len() > NotificationKind::ALL.len() {
        return Err(AppError::validation("choices", "too_many"));
    }
    let mut tx = db.begin().await?;
    for choice in choices {
        prefs::set(tx.conn(), user.id, choice).await?;
    }
    let stored = prefs::choices(tx.conn(), user.id, user.role).await?;
    tx.commit().await?;
    Ok(stored)
}

/// One's bell: the latest notifications and how many are unread.
pub async fn bell(db: &Db, user: &CurrentUser) -> Result<NotificationList, AppError> {
    let mut c = db.acquire().await?;
    Ok(bell::list(c.conn(), user.id).await?)
}

/// Marks one of one's notifications (or all, with `None`) read. Returns the bell as it is now.
pub async fn mark_read(
    db: &Db,
    user: &CurrentUser,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<NotificationList, AppError> {
    let mut c = db.acquire().await?;
    bell::mark_read(c.conn(), user.id, id, now).await?;
    Ok(bell::list(c.conn(), user.id).await?)
}

/// The one-click unsubscribe of a mail's footer or `List-Unsubscribe` header: turns that kind's
/// mail off for its person. Returns the kind; a token that is not genuine is 404.
pub async fn unsubscribe(
    db: &Db,
    keys: &crate::backend::mail::signing::Keys,
    token: &str,
) -> Result<(i64, NotificationKind), AppError> {
    let (user_id, kind) = keys
        .check_unsubscribe_token(token)
        .ok_or(AppError::not_found(Entity::Page))?;
    let kind: NotificationKind = kind
        .parse()
        .map_err(|_| AppError::not_found(Entity::Page))?;
    let mut c = db.acquire().await?;
    prefs::stop_email(c.conn(), user_id, kind).await?;
    Ok((user_id, kind))
}

fn summary(row: &EmailRow) -> OutboundEmailSummary {
    OutboundEmailSummary {
        id: row.id,
        kind: row.mail.kind.clone(),
        to_name: row.mail.to_name.clone(),
        to_address: row.mail.to_address.clone(),
        subject: row.mail.subject.clone(),
        state: row.state.clone(),
        smtp_response: row.smtp_response.clone(),
        attempts: row.attempts,
        ticket_id: row.mail.ticket_id.map(|t| TicketNumber(t).to_string()),
        created_at: row.created_at,
        sent_at: row.sent_at,
    }
}

/// A page of the outbox (admins and leads read it), newest first, optionally in one state.
pub async fn outbox(
    db: &Db,
    actor: &CurrentUser,
    state: Option<&str>,
    before: Option<i64>,
    relay_configured: bool,
) -> Result<OutboundEmailPage, AppError> {
    require(actor.may_supervise())?;
    let state = state.filter(|s| !s.is_empty());
    if let Some(state) = state {
        if !OUTBOUND_STATES.contains(&state) {
            return Err(AppError::validation("state", "unknown_state"));
        }
    }
    let mut c = db.acquire().await?;
    let mut rows = outbox::list(c.conn(), state, before, OUTBOX_PAGE + 1).await?;
    let next_before = if rows.len() as i64 > OUTBOX_PAGE {
        rows.truncate(OUTBOX_PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(OutboundEmailPage {
        items: rows.iter().map(summary).collect(),
        next_before,
        relay_configured,
    })
}

/// One mail of the outbox (admins and leads); a single-use link shows as a placeholder in the
/// reader's language.
pub async fn outbound_email(
    db: &Db,
    actor: &CurrentUser,
    id: i64,
) -> Result<OutboundEmailView, AppError> {
    require(actor.may_supervise())?;
    let mut c = db.acquire().await?;
    let row = outbox::find(c.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Page))?;
    Ok(view(&row, actor.language))
}

fn view(row: &EmailRow, language: Language) -> OutboundEmailView {
    let hidden = texts::text(language, "secret_link_hidden", &[]);
    OutboundEmailView {
        summary: summary(row),
        text_body: row.mail.text_body.replace(SECRET_LINK, &hidden),
        message_id: row.mail.message_id.clone(),
        in_reply_to: row.mail.in_reply_to.clone(),
        references: row.mail.reference_ids.clone(),
        reply_to: row.mail.reply_to.clone(),
        resendable: !row.mail.sensitive,
    }
}

/// Sends a mail again (admins): the same message, queued anew. A mail with a single-use link
/// cannot be (its link is gone: make a new one from the people page), 409.
pub async fn resend(
    db: &Db,
    actor: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<OutboundEmailView, AppError> {
    require(actor.may_administer())?;
    let mut tx = db.begin().await?;
    let row = outbox::find(tx.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Page))?;
    if row.mail.sensitive {
        return Err(AppError::Conflict {
            code: "secret_link_gone".to_owned(),
        });
    }
    if row.state == outbox::QUEUED {
        return Err(AppError::Conflict {
            code: "already_queued".to_owned(),
        });
    }
    outbox::requeue(tx.conn(), id, now).await?;
    queue_delivery(tx.conn(), id, None, now).await?;
    let row = outbox::find(tx.conn(), id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    db.signal_commit();
    Ok(view(&row, actor.language))
}
