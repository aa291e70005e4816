//! Who is looking at or answering a ticket right now (staff only): heartbeats with a time to
//! live, shown on the ticket and in the dashboard rows.

use crate::backend::db::{tickets, workspace, Conn};
use crate::backend::events::begin_write;
use crate::backend::events::{self, EventKind};
use crate::backend::services::access::{audience, state_in_scope};
use crate::backend::services::require;
use crate::backend::Db;
use crate::domain::{
    CurrentUser, NamedRef, PresenceEntry, PresenceState, TicketNumber, TicketScope,
    PRESENCE_TTL_SECONDS,
};
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

fn presence_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::seconds(PRESENCE_TTL_SECONDS)
}

/// Other people on the ticket now.
pub async fn presence_on(
    c: Conn<'_>,
    ticket_id: i64,
    viewer_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<PresenceEntry>, AppError> {
    Ok(workspace::presence_on(c, ticket_id, presence_cutoff(now))
        .await?
        .into_iter()
        .filter(|(id, _, _)| *id != viewer_id)
        .filter_map(|(id, name, state)| {
            Some(PresenceEntry {
                user: NamedRef { id, name },
                state: PresenceState::parse(&state)?,
            })
        })
        .collect())
}

/// Records that the caller is viewing or replying on a ticket (`None`: left), and tells the
/// other staff on it by a `presence` event when that changed (or every half TTL, so their
/// screens keep it). Answers who else is there.
pub async fn set_presence(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    state: Option<PresenceState>,
    now: DateTime<Utc>,
) -> Result<Vec<PresenceEntry>, AppError> {
    require(user.is_staff())?;
    let mut tx = begin_write(db).await?;
    let ticket = state_in_scope(tx.conn(), user, id).await?;
    let announce_it = match state {
        Some(state) => {
            let before = workspace::touch_presence(
                tx.conn(),
                ticket.id,
                user.id,
                state.as_str(),
                now,
                presence_cutoff(now),
            )
            .await?;
            match before {
                Some((old, seen)) => {
                    old != state.as_str()
                        || seen < now - Duration::seconds(PRESENCE_TTL_SECONDS / 2)
                }
                None => true,
            }
        }
        None => workspace::leave_presence(tx.conn(), ticket.id, user.id).await? > 0,
    };
    if announce_it {
        let data = json!({
            "user": { "id": user.id, "name": user.name },
            "state": state.map(PresenceState::as_str),
            "ttl_seconds": PRESENCE_TTL_SECONDS,
        });
        events::record(
            tx.conn(),
            EventKind::Presence,
            audience(&ticket, true),
            data,
            now,
        )
        .await?;
    }
    let others = presence_on(tx.conn(), ticket.id, user.id, now).await?;
    tx.commit().await?;
    if announce_it {
        events::wake(db);
    }
    Ok(others)
}

/// Presence on several tickets (the dashboard's rows), for the ones the caller may see.
pub async fn presence_for(
    db: &Db,
    user: &CurrentUser,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<(String, Vec<PresenceEntry>)>, AppError> {
    require(user.is_staff())?;
    let numbers: Vec<i64> = ids
        .iter()
        .take(100)
        .filter_map(|id| TicketNumber::parse(id))
        .map(|n| n.0)
        .collect();
    let mut c = db.acquire().await?;
    let scope = TicketScope::of(user);
    let mut out: Vec<(String, Vec<PresenceEntry>)> = Vec::new();
    for (ticket, id, name, state) in
        workspace::presence_on_many(c.conn(), &numbers, presence_cutoff(now)).await?
    {
        if id == user.id {
            continue;
        }
        let Some(state) = PresenceState::parse(&state) else {
            continue;
        };
        let key = TicketNumber(ticket).to_string();
        if !out.iter().any(|(k, _)| *k == key) {
            let visible = tickets::find_state(c.conn(), ticket)
                .await?
                .is_some_and(|s| {
                    scope.contains(s.requester_id, s.organization_id, s.department_id)
                });
            if !visible {
                continue;
            }
            out.push((key.clone(), Vec::new()));
        }
        if let Some((_, list)) = out.iter_mut().find(|(k, _)| *k == key) {
            list.push(PresenceEntry {
                user: NamedRef { id, name },
                state,
            });
        }
    }
    Ok(out)
}
