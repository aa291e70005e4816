//! Each ticket's service-level clock, kept in its columns: recomputed from scratch (policy,
//! calendar, creation, status history) whenever something it depends on changes, and advanced
//! by the watcher ([`advance_clocks`]) as due and amber instants pass. Stored, so due times
//! survive restarts, sort lists and feed the "SLA em risco" queue.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::backend::business_time::{
    pauses_from_statuses, schedule, verdict, Calendar, Pause, Targets, DAY,
};
use crate::backend::db::sla::{self as db, ClockWrite};
use crate::backend::db::{stored, Conn};
use crate::backend::events::{self, Audience, EventKind};
use crate::backend::mail::notices::{self, Notice};
use crate::backend::Db;
use crate::domain::{SlaState, TicketStatus};
use crate::error::AppError;

/// A calendar row as arithmetic. Bad stored values (never written by Chamado) are errors.
pub fn calendar_of(row: &db::CalendarRow) -> Result<Calendar, AppError> {
    let time_zone = row
        .time_zone
        .parse()
        .map_err(|_| AppError::from(anyhow::anyhow!("calendar {}: bad time zone", row.id)))?;
    let mut week: [Vec<(u16, u16)>; 7] = Default::default();
    for (day, intervals) in week.iter_mut().zip(row.week.0.iter()) {
        *day = intervals
            .iter()
            .filter(|[a, b]| a < b && *b <= DAY)
            .map(|[a, b]| (*a, *b))
            .collect();
    }
    Ok(Calendar {
        time_zone,
        week,
        holidays: row.holidays.0.iter().copied().collect::<BTreeSet<_>>(),
    })
}

/// What a recomputation changed.
#[derive(Debug, Clone, Copy)]
pub struct Refreshed {
    pub before: Option<SlaState>,
    pub after: Option<SlaState>,
    /// The ticket missed a target for the first time.
    pub newly_breached: bool,
    /// Which target is running (or was missed): `first_response` or `resolution`.
    pub target: &'static str,
    pub audience: Audience,
}

/// Recomputes one ticket's clock at `now` and writes it; inside the caller's transaction.
pub async fn refresh(
    mut c: Conn<'_>,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Refreshed>, AppError> {
    let Some(t) = db::clock_inputs(c.reborrow(), ticket_id).await? else {
        return Ok(None);
    };
    let before = t.sla_state.as_deref().and_then(|s| s.parse().ok());
    let mut write = ClockWrite {
        policy_id: None,
        first_response_due_at: None,
        resolution_due_at: None,
        state: None,
        due_at: None,
        risk_at: None,
        breached_at: t.sla_breached_at,
    };
    if let Some((policy, calendar)) = db::policy_for(c.reborrow(), &t.plan, &t.priority).await? {
        let calendar = calendar_of(&calendar)?;
        let changes = db::status_changes(c.reborrow(), ticket_id).await?;
        let statuses = changes
            .iter()
            .map(|(at, s)| Ok((*at, stored::<TicketStatus>(s)?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let pauses = pauses_from_statuses(statuses);
        let status = stored::<TicketStatus>(&t.status)?;
        let closed = status == TicketStatus::Closed;
        // A target met stays as it was when met: pauses from then on do not move it.
        let until = |end: Option<DateTime<Utc>>| -> Vec<Pause> {
            pauses
                .iter()
                .copied()
                .filter(|p| end.is_none_or(|end| p.from < end))
                .collect()
        };
        let targets = Targets {
            first_response: schedule(
                &calendar,
                t.created_at,
                policy.first_response_minutes,
                &until(t.first_response_at),
                now,
            ),
            resolution: schedule(
                &calendar,
                t.created_at,
                policy.resolution_minutes,
                &until(t.closed_at.filter(|_| closed)),
                now,
            ),
        };
        let v = verdict(status, t.first_response_at, t.closed_at, targets, now);
        write = ClockWrite {
            policy_id: Some(policy.id),
            first_response_due_at: targets.first_response.map(|s| s.due_at),
            resolution_due_at: targets.resolution.map(|s| s.due_at),
            state: v.state.map(SlaState::as_str),
            due_at: v.running.map(|s| s.due_at),
            risk_at: v.running.map(|s| s.risk_at),
            breached_at: t.sla_breached_at.or(v.missed_at),
        };
    }
    db::write_clock(c, ticket_id, &write).await?;
    let after = write.state.and_then(|s| s.parse().ok());
    Ok(Some(Refreshed {
        before,
        after,
        newly_breached: t.sla_breached_at.is_none() && write.breached_at.is_some(),
        target: if t.first_response_at.is_none() {
            "first_response"
        } else {
            "resolution"
        },
        audience: Audience {
            ticket_id,
            requester_id: t.requester_id,
            organization_id: t.organization_id,
            department_id: t.department_id,
            staff_only: true,
        },
    }))
}

/// Tells support staff that a ticket's clock turned amber or red: `ticket.updated` with the
/// new state (dashboards move the row, the "SLA em risco" count refetches) and, the first time
/// a target is missed, `sla.breached`.
pub async fn announce_change(
    c: Conn<'_>,
    r: &Refreshed,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut c = c;
    let turned =
        r.before != r.after && matches!(r.after, Some(SlaState::AtRisk | SlaState::Breached));
    if !turned && !r.newly_breached {
        return Ok(());
    }
    let state = r.after.map(SlaState::as_str);
    events::record(
        c.reborrow(),
        EventKind::TicketUpdated,
        r.audience,
        json!({ "sla": state }),
        now,
    )
    .await?;
    if r.newly_breached {
        events::record(
            c.reborrow(),
            EventKind::SlaBreached,
            r.audience,
            json!({ "sla": state }),
            now,
        )
        .await?;
        let notice = Notice::SlaBreached {
            ticket_id: r.audience.ticket_id,
            target: r.target.to_owned(),
        };
        notices::enqueue(c.reborrow(), &notice, now).await?;
    }
    events::record(c, EventKind::StatsChanged, r.audience, json!({}), now).await?;
    Ok(())
}

/// How many clocks one watcher pass advances at most (the rest wait for the next pass).
const BATCH: i64 = 500;

/// The watcher's pass: every ticket whose amber or due instant passed by `now` gets its state
/// moved on and staff are told. Returns how many tickets changed.
pub async fn advance_clocks(db_: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    let ids = {
        let mut c = db_.acquire().await?;
        db::crossed(c.conn(), now, BATCH).await?
    };
    if ids.is_empty() {
        return Ok(0);
    }
    let mut tx = crate::backend::events::begin_write(db_).await?;
    let mut changed = 0;
    for id in ids {
        if let Some(r) = refresh(tx.conn(), id, now).await? {
            if r.before != r.after || r.newly_breached {
                changed += 1;
                announce_change(tx.conn(), &r, now).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(changed)
}

/// Recomputes the clocks a change of policy, calendar or plan may move (in the caller's
/// transaction). Returns how many tickets were recomputed.
pub async fn refresh_affected(
    mut c: Conn<'_>,
    which: db::Affected<'_>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let ids = db::affected(c.reborrow(), which).await?;
    for id in &ids {
        if let Some(r) = refresh(c.reborrow(), *id, now).await? {
            announce_change(c.reborrow(), &r, now).await?;
        }
    }
    Ok(ids.len())
}
