//! Ticket access: whether the caller may see a ticket (404 otherwise, never 403, so a ticket
//! number outside one's scope tells nothing), its lifecycle row and summary in that scope, and
//! who hears about a change to it. Every ticket use case starts here.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::backend::db::tickets;
use crate::backend::db::{stored, Conn, Tx};
use crate::backend::events::{self, Audience, EventKind};
use crate::domain::{CurrentUser, TicketNumber, TicketScope, TicketStatus, TicketSummary};
use crate::error::{AppError, Entity};

/// Writes a ticket's lifecycle fields back and recomputes its service-level clock (its status
/// history must already hold any status change).
pub(crate) async fn save_state(
    tx: &mut Tx,
    state: &tickets::StateRow,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    tickets::save_state(tx.conn(), state, now).await?;
    super::sla::refresh(tx.conn(), state.id, now).await?;
    Ok(())
}

/// Records an event about a ticket for everyone who may see the ticket.
pub(crate) async fn announce(
    tx: &mut Tx,
    state: &tickets::StateRow,
    kind: EventKind,
    data: Value,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    Ok(events::record(tx.conn(), kind, audience(state, false), data, now).await?)
}

/// Tells everyone who may see the ticket that the counters above their lists moved.
pub(crate) async fn announce_counts(
    tx: &mut Tx,
    state: &tickets::StateRow,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    announce(
        tx,
        state,
        EventKind::StatsChanged,
        Value::Object(Default::default()),
        now,
    )
    .await
}

pub(crate) fn audience(state: &tickets::StateRow, staff_only: bool) -> Audience {
    Audience {
        ticket_id: state.id,
        requester_id: state.requester_id,
        organization_id: state.organization_id,
        department_id: state.department_id,
        staff_only,
    }
}

pub(crate) async fn summary_in(
    c: Conn<'_>,
    scope: &TicketScope,
    number: i64,
) -> Result<TicketSummary, AppError> {
    tickets::find_summary(c, scope, number)
        .await?
        .ok_or(AppError::not_found(Entity::Ticket))?
        .into_summary()
}

/// The ticket's lifecycle row, if the caller may see the ticket (else 404).
pub(crate) async fn state_in_scope(
    c: Conn<'_>,
    user: &CurrentUser,
    id: &str,
) -> Result<tickets::StateRow, AppError> {
    let number = TicketNumber::parse(id).ok_or(AppError::not_found(Entity::Ticket))?;
    let mut c = c;
    let state = tickets::find_state(c.reborrow(), number.0)
        .await?
        .ok_or(AppError::not_found(Entity::Ticket))?;
    if TicketScope::of(user).contains(
        state.requester_id,
        state.organization_id,
        state.department_id,
    ) {
        Ok(state)
    } else {
        Err(AppError::not_found(Entity::Ticket))
    }
}

pub(crate) fn status_of(state: &tickets::StateRow) -> Result<TicketStatus, AppError> {
    Ok(stored(&state.status)?)
}

/// A customer acts on a ticket they can see only if it is theirs or they may open tickets.
pub(crate) fn customer_may_act(user: &CurrentUser, state: &tickets::StateRow) -> bool {
    user.is_staff() || state.requester_id == user.id || user.can_open_tickets
}
