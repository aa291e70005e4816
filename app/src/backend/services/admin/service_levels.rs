//! Service levels: business calendars and the policies per plan and priority; every change recomputes
//! the clocks it may move.

use crate::backend::db::sla::{self as sla_db, Affected};
use crate::backend::services::audit::{audit_save, yes_no, Audited, Change};
use crate::backend::services::require;
use crate::backend::services::sla::refresh_affected;
use crate::backend::services::validation::Errors;
use crate::backend::Db;
use crate::domain::AuditEntity;
use crate::domain::{
    CurrentUser, NamedRef, Plan, Priority, SlaCalendar, SlaCalendarInput, SlaPolicy,
    SlaPolicyInput, SLA_MAX_MINUTES,
};
use crate::error::{AppError, Entity};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use std::collections::BTreeSet;

impl Audited for SlaCalendar {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("time_zone", self.time_zone.clone()),
            ("week", week_text(&self.week)),
            (
                "holidays",
                self.holidays
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("active", yes_no(self.active)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

impl Audited for SlaPolicy {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("plan", self.plan.as_str().to_owned()),
            ("priority", self.priority.as_str().to_owned()),
            (
                "first_response_minutes",
                self.first_response_minutes.to_string(),
            ),
            ("resolution_minutes", self.resolution_minutes.to_string()),
            ("calendar", self.calendar.name.clone()),
            ("active", yes_no(self.active)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

fn calendar_view(row: sla_db::CalendarRow) -> SlaCalendar {
    SlaCalendar {
        id: row.id,
        name: row.name,
        time_zone: row.time_zone,
        week: row.week.0,
        holidays: row.holidays.0,
        active: row.active,
    }
}

pub async fn calendars(db_: &Db, user: &CurrentUser) -> Result<Vec<SlaCalendar>, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    Ok(sla_db::calendars(c.conn())
        .await?
        .into_iter()
        .map(calendar_view)
        .collect())
}

pub async fn calendar(db_: &Db, user: &CurrentUser, id: i64) -> Result<SlaCalendar, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    sla_db::calendar(c.conn(), id)
        .await?
        .map(calendar_view)
        .ok_or(AppError::not_found(Entity::Calendar))
}

fn week_text(week: &[Vec<[u16; 2]>]) -> String {
    const DAYS: [&str; 7] = ["seg", "ter", "qua", "qui", "sex", "sáb", "dom"];
    DAYS.iter()
        .zip(week)
        .map(|(day, spans)| {
            let spans = spans
                .iter()
                .map(|[a, b]| format!("{}–{}", crate::domain::hhmm(*a), crate::domain::hhmm(*b)))
                .collect::<Vec<_>>()
                .join(" ");
            format!(
                "{day} {}",
                if spans.is_empty() {
                    "—".to_owned()
                } else {
                    spans
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Creates or changes a calendar; a change recomputes the clocks of open tickets under it.
pub async fn save_calendar(
    db_: &Db,
    actor: &CurrentUser,
    id: Option<i64>,
    input: SlaCalendarInput,
    now: DateTime<Utc>,
) -> Result<SlaCalendar, AppError> {
    require(actor.may_administer())?;
    let mut tx = crate::backend::events::begin_write(db_).await?;
    let before = super::existing(id, Entity::Calendar, async |id| {
        Ok(sla_db::calendar(tx.conn(), id).await?.map(calendar_view))
    })
    .await?;
    let mut errors = Errors::default();
    let name = super::saved_name(&mut errors, input.name.as_deref(), before.as_ref(), 80);
    if !name.is_empty()
        && sla_db::calendar_named(tx.conn(), &name)
            .await?
            .is_some_and(|other| Some(other) != id)
    {
        errors.add("name", "taken");
    }
    let time_zone = input
        .time_zone
        .clone()
        .or(before.as_ref().map(|b| b.time_zone.clone()))
        .unwrap_or_else(|| "America/Sao_Paulo".to_owned());
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.add("time_zone", "invalid");
    }
    let week = input
        .week
        .clone()
        .or(before.as_ref().map(|b| b.week.clone()))
        .unwrap_or_default();
    let well_formed = week.len() == 7
        && week.iter().all(|day| {
            day.len() <= 6
                && day
                    .iter()
                    .all(|[a, b]| a < b && *b <= crate::backend::business_time::DAY)
                && day.windows(2).all(|w| w[0][1] <= w[1][0])
        });
    if !well_formed {
        errors.add("week", "invalid");
    } else if week.iter().all(Vec::is_empty) {
        errors.add("week", "required");
    }
    let holidays = input
        .holidays
        .clone()
        .or(before.as_ref().map(|b| b.holidays.clone()))
        .unwrap_or_default();
    if holidays.len() > 400 {
        errors.add("holidays", "too_many_entries");
    }
    let active = input
        .active
        .unwrap_or(before.as_ref().is_none_or(|b| b.active));
    if let (Some(id), false) = (id, active) {
        if sla_db::policies(tx.conn())
            .await?
            .iter()
            .any(|p| p.active && p.calendar_id == id)
        {
            errors.add("active", "in_use");
        }
    }
    errors.finish()?;
    let mut holidays: Vec<_> = holidays
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    holidays.truncate(400);
    let row = sla_db::CalendarRow {
        id: id.unwrap_or(0),
        name,
        time_zone,
        week: Json(week),
        holidays: Json(holidays),
        active,
    };
    let id = match id {
        Some(id) => {
            sla_db::update_calendar(tx.conn(), &row, now).await?;
            refresh_affected(tx.conn(), Affected::Calendar(id), now).await?;
            id
        }
        None => sla_db::insert_calendar(tx.conn(), &row, now).await?,
    };
    let after = sla_db::calendar(tx.conn(), id)
        .await?
        .map(calendar_view)
        .ok_or(AppError::Internal)?;
    let change = Change::new(AuditEntity::Calendar, id, &after.name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    crate::backend::events::wake(db_);
    Ok(after)
}

fn policy_view(row: sla_db::PolicyRow) -> Result<SlaPolicy, AppError> {
    let bad = |e: crate::domain::UnknownVariant| AppError::from(anyhow::anyhow!("bad policy: {e}"));
    Ok(SlaPolicy {
        plan: row.plan.parse().map_err(bad)?,
        priority: row.priority.parse().map_err(bad)?,
        id: row.id,
        first_response_minutes: row.first_response_minutes,
        resolution_minutes: row.resolution_minutes,
        calendar: NamedRef {
            id: row.calendar_id,
            name: row.calendar_name,
        },
        active: row.active,
    })
}

pub async fn policies(db_: &Db, user: &CurrentUser) -> Result<Vec<SlaPolicy>, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    sla_db::policies(c.conn())
        .await?
        .into_iter()
        .map(policy_view)
        .collect()
}

pub async fn policy(db_: &Db, user: &CurrentUser, id: i64) -> Result<SlaPolicy, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    sla_db::policy(c.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::SlaPolicy))
        .and_then(policy_view)
}

/// Creates or changes a service level; the open tickets of its plan and priority (before and
/// after the change) get their clocks recomputed.
pub async fn save_policy(
    db_: &Db,
    actor: &CurrentUser,
    id: Option<i64>,
    input: SlaPolicyInput,
    now: DateTime<Utc>,
) -> Result<SlaPolicy, AppError> {
    require(actor.may_administer())?;
    let mut tx = crate::backend::events::begin_write(db_).await?;
    let before = super::existing(id, Entity::SlaPolicy, async |id| {
        sla_db::policy(tx.conn(), id)
            .await?
            .map(policy_view)
            .transpose()
    })
    .await?;
    let mut errors = Errors::default();
    let plan = input
        .plan
        .or(before.as_ref().map(|b| b.plan))
        .unwrap_or_else(|| {
            errors.add("plan", "required");
            Plan::Trial
        });
    let priority = input
        .priority
        .or(before.as_ref().map(|b| b.priority))
        .unwrap_or_else(|| {
            errors.add("priority", "required");
            Priority::Low
        });
    let mut minutes = |field: &str, given: Option<i64>, old: Option<i64>| -> i64 {
        match given.or(old) {
            None => {
                errors.add(field, "required");
                0
            }
            Some(m) if !(1..=SLA_MAX_MINUTES).contains(&m) => {
                errors.add(field, "out_of_range");
                m
            }
            Some(m) => m,
        }
    };
    let first = minutes(
        "first_response_minutes",
        input.first_response_minutes,
        before.as_ref().map(|b| b.first_response_minutes),
    );
    let resolution = minutes(
        "resolution_minutes",
        input.resolution_minutes,
        before.as_ref().map(|b| b.resolution_minutes),
    );
    if first > 0 && resolution > 0 && resolution < first {
        errors.add("resolution_minutes", "before_first_response");
    }
    let calendar_id = input
        .calendar_id
        .or(before.as_ref().map(|b| b.calendar.id))
        .unwrap_or_else(|| {
            errors.add("calendar_id", "required");
            0
        });
    if calendar_id != 0
        && !sla_db::calendar(tx.conn(), calendar_id)
            .await?
            .is_some_and(|c| c.active)
    {
        errors.add("calendar_id", "not_found");
    }
    let active = input
        .active
        .unwrap_or(before.as_ref().is_none_or(|b| b.active));
    if active
        && sla_db::active_policy_id(tx.conn(), plan.as_str(), priority.as_str(), id.unwrap_or(0))
            .await?
            .is_some()
    {
        errors.add("priority", "taken");
    }
    errors.finish()?;
    let write = sla_db::PolicyWrite {
        plan: plan.as_str(),
        priority: priority.as_str(),
        first_response_minutes: first,
        resolution_minutes: resolution,
        calendar_id,
        active,
    };
    let id = match id {
        Some(id) => {
            sla_db::update_policy(tx.conn(), id, &write, now).await?;
            id
        }
        None => sla_db::insert_policy(tx.conn(), &write, now).await?,
    };
    refresh_affected(
        tx.conn(),
        Affected::PlanPriority(plan.as_str(), priority.as_str()),
        now,
    )
    .await?;
    if let Some(b) = before
        .as_ref()
        .filter(|b| (b.plan, b.priority) != (plan, priority))
    {
        refresh_affected(
            tx.conn(),
            Affected::PlanPriority(b.plan.as_str(), b.priority.as_str()),
            now,
        )
        .await?;
    }
    let after = sla_db::policy(tx.conn(), id)
        .await?
        .ok_or(AppError::Internal)
        .and_then(policy_view)?;
    let name = format!("{} · {}", after.plan.as_str(), after.priority.as_str());
    let change = Change::new(AuditEntity::SlaPolicy, id, name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    crate::backend::events::wake(db_);
    Ok(after)
}
