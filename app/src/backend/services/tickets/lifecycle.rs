//! A ticket's life after it opened: changes of status, priority, type, department and assignee,
//! reopening, escalation and auto-close.
use super::reply::validate_text;
use crate::backend::db::messages;
use crate::domain::Escalation;
use crate::domain::HistoryField;
use crate::domain::TicketUpdate;

use crate::backend::db::tickets;
use crate::backend::db::{departments, ticket_types, workspace, Tx};
use crate::backend::events::begin_write;
use crate::backend::events::{self, EventKind};
use crate::backend::mail::notices::{self, Notice};
use crate::backend::services::access::{
    announce, announce_counts, audience, customer_may_act, save_state, state_in_scope, status_of,
    summary_in,
};
use crate::backend::Db;
use crate::domain::MessageChannel;
use crate::domain::{CurrentUser, TicketNumber, TicketScope, TicketStatus, TicketSummary};
use crate::error::{AppError, FieldError};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

pub async fn update_ticket(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    update: TicketUpdate,
    now: DateTime<Utc>,
) -> Result<TicketSummary, AppError> {
    // Input-sized work happens before the write lock is taken.
    let tags = update.tags.as_deref().map(crate::domain::normalize_tags);
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
    let mut changes: Vec<(HistoryField, Option<String>, Option<String>)> = Vec::new();
    let current = status_of(&state)?;
    if let Some(status) = update.status.filter(|s| *s != current) {
        changes.push((
            HistoryField::Status,
            Some(current.as_str().to_owned()),
            Some(status.as_str().to_owned()),
        ));
        state.closed_at = (status == TicketStatus::Closed).then_some(now);
        state.status = status.as_str().to_owned();
    }
    if let Some(priority) = update.priority.filter(|p| p.as_str() != state.priority) {
        changes.push((
            HistoryField::Priority,
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
                    HistoryField::Type,
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
                HistoryField::Department,
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
            HistoryField::Assignee,
            state.assignee_id.map(|a| a.to_string()),
            assignee.map(|a| a.to_string()),
        ));
        state.assignee_id = assignee;
    }
    if let Some(tags) = tags {
        match tags {
            Ok(tags) => {
                let old = workspace::tags_of(tx.conn(), state.id).await?;
                if old != tags {
                    workspace::set_tags(tx.conn(), state.id, &tags).await?;
                    changes.push((
                        HistoryField::Tags,
                        Some(old.join(", ")),
                        Some(tags.join(", ")),
                    ));
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
                *field,
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
                    field.as_str().to_owned(),
                    new.clone().map_or(Value::Null, Value::String),
                )
            })
            .collect();
        for notice in notices_of_changes(&changes, state.id, user.id) {
            notices::enqueue(tx.conn(), &notice, now).await?;
        }
        let data = serde_json::json!({ "changes": changed });
        announce(&mut tx, &state, EventKind::TicketUpdated, data.clone(), now).await?;
        if old_department != state.department_id {
            // The agents of the old department see it leave their queue.
            let mut before = audience(&state, true);
            before.department_id = old_department;
            events::record(tx.conn(), EventKind::TicketUpdated, before, data, now).await?;
        }
        if changes.iter().any(|(field, _, _)| {
            matches!(
                *field,
                HistoryField::Status | HistoryField::Priority | HistoryField::Department
            )
        }) {
            announce_counts(&mut tx, &state, now).await?;
        }
    }
    let summary = summary_in(tx.conn(), &TicketScope::All, state.id).await?;
    tx.commit().await?;
    events::wake(db);
    Ok(summary)
}

/// A customer reopens a closed ticket with a reason, within [`REOPEN_WINDOW_DAYS`]; later, the
/// answer is a conflict `reopen_window_passed` and the UI offers a new ticket linked to the old.
pub async fn reopen(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    reason: &str,
    channel: MessageChannel,
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
    messages::insert_message(
        tx.conn(),
        &messages::NewMessage {
            ticket_id: state.id,
            author_id: Some(user.id),
            body: &reason,
            internal: false,
            channel,
            created_at: now,
        },
    )
    .await?;
    tickets::insert_history(
        tx.conn(),
        state.id,
        Some(user.id),
        HistoryField::Status,
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
    let notice = Notice::Reopened {
        ticket_id: state.id,
        actor_id: user.id,
    };
    notices::enqueue(tx.conn(), &notice, now).await?;
    let summary = summary_in(tx.conn(), &TicketScope::All, state.id).await?;
    tx.commit().await?;
    events::wake(db);
    Ok(summary)
}

/// Who hears of an update's changes: the new assignee, the requester of a closed or reopened
/// ticket.
fn notices_of_changes(
    changes: &[(HistoryField, Option<String>, Option<String>)],
    ticket_id: i64,
    actor_id: i64,
) -> Vec<Notice> {
    changes
        .iter()
        .filter_map(
            |(field, old, new)| match (field, old.as_deref(), new.as_deref()) {
                (HistoryField::Assignee, _, Some(agent)) => Some(Notice::Assigned {
                    ticket_id,
                    actor_id: Some(actor_id),
                    assignee_id: agent.parse().ok()?,
                }),
                (HistoryField::Status, _, Some("closed")) => Some(Notice::Closed {
                    ticket_id,
                    actor_id: Some(actor_id),
                }),
                (HistoryField::Status, Some("closed"), Some(_)) => Some(Notice::Reopened {
                    ticket_id,
                    actor_id,
                }),
                _ => None,
            },
        )
        .collect()
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
    announce_counts(tx, state, now).await?;
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
        HistoryField::Escalated,
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
    let notice = Notice::Escalated {
        ticket_id: state.id,
        actor_id: user.id,
        reason: reason.clone(),
    };
    notices::enqueue(tx.conn(), &notice, now).await?;
    tx.commit().await?;
    events::wake(db);
    Ok(Escalation {
        id: escalation_id,
        ticket_id: TicketNumber(state.id).to_string(),
        reason,
        created_at: now,
    })
}

/// Closes answered tickets that waited [`crate::domain::AUTO_CLOSE_DAYS`] days for the customer,
/// each with a system message in the requester's language and a history row. Returns how many.
pub async fn auto_close_answered(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    auto_close_in_batches(db, now, AUTO_CLOSE_BATCH).await
}

/// Tickets closed per write transaction: the write lock is let go between batches, so that
/// nobody's reply waits for a long run.
pub const AUTO_CLOSE_BATCH: i64 = 200;

/// [`auto_close_answered`], `batch` tickets per transaction.
pub async fn auto_close_in_batches(
    db: &Db,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<usize, AppError> {
    let days = crate::backend::services::settings::limits(db)
        .await?
        .auto_close_days;
    let cutoff = now - chrono::Duration::days(days);
    let mut closed = 0;
    loop {
        let done = close_batch(db, cutoff, days, now, batch.max(1)).await?;
        closed += done;
        if (done as i64) < batch.max(1) {
            return Ok(closed);
        }
        tokio::task::yield_now().await;
    }
}

/// Tells customers, a day before, that their answered ticket will close by itself: one notice
/// per waiting period (a new answer starts a new one). Returns how many were warned.
pub async fn warn_before_auto_close(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    let days = crate::backend::services::settings::limits(db)
        .await?
        .auto_close_days;
    if days < 2 {
        // Closing within a day of the answer: a warning "a day before" would come with it.
        return Ok(0);
    }
    let mut warned = 0;
    loop {
        let mut tx = begin_write(db).await?;
        let due = tickets::waiting_for_warning(
            tx.conn(),
            now - chrono::Duration::days(days - 1),
            AUTO_CLOSE_BATCH,
        )
        .await?;
        for (id, last_reply_at) in &due {
            let notice = Notice::AutoCloseWarning {
                ticket_id: *id,
                closes_at: *last_reply_at + chrono::Duration::days(days),
            };
            notices::enqueue(tx.conn(), &notice, now).await?;
            tickets::mark_warned(tx.conn(), *id, *last_reply_at).await?;
        }
        tx.commit().await?;
        warned += due.len();
        if (due.len() as i64) < AUTO_CLOSE_BATCH {
            return Ok(warned);
        }
        tokio::task::yield_now().await;
    }
}

async fn close_batch(
    db: &Db,
    cutoff: DateTime<Utc>,
    days: i64,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<usize, AppError> {
    let mut tx = begin_write(db).await?;
    let due = tickets::answered_before(tx.conn(), cutoff, batch).await?;
    for (id, language) in &due {
        let locale = crate::i18n::Locale::from(
            crate::domain::Language::from_tag(language).unwrap_or_default(),
        );
        let body = crate::i18n::auto_closed_message(locale, days);
        messages::insert_system_message(tx.conn(), *id, &body, now).await?;
        tickets::insert_history(
            tx.conn(),
            *id,
            None,
            HistoryField::Status,
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
        let notice = Notice::Closed {
            ticket_id: state.id,
            actor_id: None,
        };
        notices::enqueue(tx.conn(), &notice, now).await?;
    }
    tx.commit().await?;
    events::wake(db);
    Ok(due.len())
}
