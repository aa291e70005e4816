//! SQL for service levels: calendars, policies and each ticket's clock columns.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;

use super::Conn;
use crate::on_conn;

pub type Week = Vec<Vec<[u16; 2]>>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRow {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    pub week: Json<Week>,
    pub holidays: Json<Vec<NaiveDate>>,
    pub active: bool,
}

const CALENDAR_SELECT: &str =
    "SELECT id, name, time_zone, week, holidays, active FROM sla_calendars";

pub async fn calendars(c: Conn<'_>) -> Result<Vec<CalendarRow>, sqlx::Error> {
    let sql = format!("{CALENDAR_SELECT} ORDER BY name, id");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn calendar(c: Conn<'_>, id: i64) -> Result<Option<CalendarRow>, sqlx::Error> {
    let sql = format!("{CALENDAR_SELECT} WHERE id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

pub async fn calendar_named(c: Conn<'_>, name: &str) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = "SELECT id FROM sla_calendars WHERE LOWER(name) = LOWER($1)";
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(name).fetch_optional(&mut *conn).await)
}

pub async fn insert_calendar(
    c: Conn<'_>,
    row: &CalendarRow,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO sla_calendars (name, time_zone, week, holidays, active, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(&row.name)
        .bind(&row.time_zone)
        .bind(&row.week)
        .bind(&row.holidays)
        .bind(row.active)
        .bind(now)
        .fetch_one(&mut *conn)
        .await)
}

pub async fn update_calendar(
    c: Conn<'_>,
    row: &CalendarRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE sla_calendars SET name = $2, time_zone = $3, week = $4, holidays = $5, active = $6,
               updated_at = $7
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(row.id)
        .bind(&row.name)
        .bind(&row.time_zone)
        .bind(&row.week)
        .bind(&row.holidays)
        .bind(row.active)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PolicyRow {
    pub id: i64,
    pub plan: String,
    pub priority: String,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    pub calendar_id: i64,
    pub calendar_name: String,
    pub active: bool,
}

const POLICY_SELECT: &str = r#"
    SELECT p.id, p.plan, p.priority, p.first_response_minutes, p.resolution_minutes,
           p.calendar_id, c.name AS calendar_name, p.active
    FROM sla_policies p JOIN sla_calendars c ON c.id = p.calendar_id
    JOIN plans pl ON pl.key = p.plan"#;

pub async fn policies(c: Conn<'_>) -> Result<Vec<PolicyRow>, sqlx::Error> {
    let sql = format!(
        "{POLICY_SELECT} ORDER BY pl.position, CASE p.priority WHEN 'critical' THEN 1 \
         WHEN 'high' THEN 2 WHEN 'medium' THEN 3 ELSE 4 END, p.active DESC, p.id"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn policy(c: Conn<'_>, id: i64) -> Result<Option<PolicyRow>, sqlx::Error> {
    let sql = format!("{POLICY_SELECT} WHERE p.id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

/// The active policy of a plan and priority, other than `except`.
pub async fn active_policy_id(
    c: Conn<'_>,
    plan: &str,
    priority: &str,
    except: i64,
) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id FROM sla_policies WHERE plan = $1 AND priority = $2 AND active = TRUE AND id <> $3"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(plan).bind(priority).bind(except).fetch_optional(&mut *conn).await)
}

pub struct PolicyWrite<'a> {
    pub plan: &'a str,
    pub priority: &'a str,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    pub calendar_id: i64,
    pub active: bool,
}

pub async fn insert_policy(
    c: Conn<'_>,
    p: &PolicyWrite<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO sla_policies (plan, priority, first_response_minutes, resolution_minutes,
                                  calendar_id, active, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(p.plan)
        .bind(p.priority)
        .bind(p.first_response_minutes)
        .bind(p.resolution_minutes)
        .bind(p.calendar_id)
        .bind(p.active)
        .bind(now)
        .fetch_one(&mut *conn)
        .await)
}

pub async fn update_policy(
    c: Conn<'_>,
    id: i64,
    p: &PolicyWrite<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE sla_policies SET plan = $2, priority = $3, first_response_minutes = $4,
               resolution_minutes = $5, calendar_id = $6, active = $7, updated_at = $8
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(id)
        .bind(p.plan)
        .bind(p.priority)
        .bind(p.first_response_minutes)
        .bind(p.resolution_minutes)
        .bind(p.calendar_id)
        .bind(p.active)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

/// What a ticket's clock is computed from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClockInputs {
    pub id: i64,
    pub status: String,
    pub priority: String,
    pub plan: String,
    pub department_id: i64,
    pub requester_id: i64,
    pub organization_id: i64,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub sla_state: Option<String>,
    pub sla_breached_at: Option<DateTime<Utc>>,
}

pub async fn clock_inputs(c: Conn<'_>, ticket_id: i64) -> Result<Option<ClockInputs>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT t.id, t.status, t.priority, o.plan, t.department_id, t.requester_id,
               t.organization_id, t.created_at, t.first_response_at, t.closed_at, t.sla_state,
               t.sla_breached_at
        FROM tickets t JOIN organizations o ON o.id = t.organization_id
        WHERE t.id = $1"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_optional(&mut *conn).await)
}

/// A ticket's status changes in order, its creation first: `(when, new status)`.
pub async fn status_changes(
    c: Conn<'_>,
    ticket_id: i64,
) -> Result<Vec<(DateTime<Utc>, String)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT created_at, COALESCE(new_value, '') FROM ticket_history
        WHERE ticket_id = $1 AND field IN ('created', 'status') ORDER BY id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_all(&mut *conn).await)
}

/// The active policy of a plan and priority with its calendar.
pub async fn policy_for(
    mut c: Conn<'_>,
    plan: &str,
    priority: &str,
) -> Result<Option<(PolicyRow, CalendarRow)>, sqlx::Error> {
    let sql = format!("{POLICY_SELECT} WHERE p.plan = $1 AND p.priority = $2 AND p.active = TRUE");
    let policy: Option<PolicyRow> = on_conn!(c.reborrow(), conn => sqlx::query_as(&sql)
        .bind(plan)
        .bind(priority)
        .fetch_optional(&mut *conn)
        .await)?;
    let Some(policy) = policy else {
        return Ok(None);
    };
    let calendar = calendar(c, policy.calendar_id).await?;
    Ok(calendar.map(|cal| (policy, cal)))
}

/// The clock columns of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockWrite {
    pub policy_id: Option<i64>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub state: Option<&'static str>,
    pub due_at: Option<DateTime<Utc>>,
    pub risk_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
}

pub async fn write_clock(c: Conn<'_>, ticket_id: i64, w: &ClockWrite) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE tickets SET sla_policy_id = $2, first_response_due_at = $3, resolution_due_at = $4,
               sla_state = $5, sla_due_at = $6, sla_risk_at = $7, sla_breached_at = $8
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(ticket_id)
        .bind(w.policy_id)
        .bind(w.first_response_due_at)
        .bind(w.resolution_due_at)
        .bind(w.state)
        .bind(w.due_at)
        .bind(w.risk_at)
        .bind(w.breached_at)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

/// Tickets whose clock crossed an instant by `now` (turned amber or fell due), at most `limit`.
pub async fn crossed(c: Conn<'_>, now: DateTime<Utc>, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id FROM tickets WHERE sla_state = 'on_track' AND sla_risk_at <= $1
        UNION
        SELECT id FROM tickets WHERE sla_state IN ('on_track', 'at_risk') AND sla_due_at <= $1
        ORDER BY id LIMIT $2"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(now).bind(limit).fetch_all(&mut *conn).await)
}

/// Tickets not closed whose clock a change of policy or plan could move: of an organization,
/// of a plan and priority, or under a calendar.
pub enum Affected<'a> {
    Organization(i64),
    PlanPriority(&'a str, &'a str),
    Calendar(i64),
}

pub async fn affected(c: Conn<'_>, which: Affected<'_>) -> Result<Vec<i64>, sqlx::Error> {
    match which {
        Affected::Organization(id) => {
            const SQL: &str =
                "SELECT id FROM tickets WHERE organization_id = $1 AND status <> 'closed' ORDER BY id";
            on_conn!(c, conn => sqlx::query_scalar(SQL).bind(id).fetch_all(&mut *conn).await)
        }
        Affected::PlanPriority(plan, priority) => {
            const SQL: &str = r#"
                SELECT t.id FROM tickets t JOIN organizations o ON o.id = t.organization_id
                WHERE o.plan = $1 AND t.priority = $2 AND t.status <> 'closed' ORDER BY t.id"#;
            on_conn!(c, conn => sqlx::query_scalar(SQL).bind(plan).bind(priority).fetch_all(&mut *conn).await)
        }
        Affected::Calendar(id) => {
            const SQL: &str = r#"
                SELECT t.id FROM tickets t JOIN sla_policies p ON p.id = t.sla_policy_id
                WHERE p.calendar_id = $1 AND t.status <> 'closed' ORDER BY t.id"#;
            on_conn!(c, conn => sqlx::query_scalar(SQL).bind(id).fetch_all(&mut *conn).await)
        }
    }
}
