//! SQL for the support report and satisfaction ratings.

use chrono::{DateTime, Utc};

use super::Conn;
use crate::on_conn;

/// A ticket as the report counts it: instants as Unix seconds, the priority by rank, the
/// organization by id (its plan is looked up once per report). Numbers only, so a year of a
/// million tickets is read without parsing a million timestamps.
/// On SQLite it arrives as a JSON array in field order (booleans as 0 or 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow, serde::Deserialize)]
pub struct ReportRow {
    pub created: i64,
    pub closed: Option<i64>,
    pub first_response: Option<i64>,
    pub organization_id: i64,
    pub priority_rank: i64,
    #[serde(deserialize_with = "int_bool")]
    pub has_policy: bool,
    #[serde(deserialize_with = "int_bool")]
    pub breached: bool,
}

/// SQLite's JSON writes a boolean expression as 0 or 1.
fn int_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    <i64 as serde::Deserialize>::deserialize(d).map(|n| n != 0)
}

/// Ranges longer than this read the whole table in order instead of following the time
/// indexes to each row: at a million tickets over a year, 0.23 s against 2 s for a year, and
/// the indexes win below about a month and a half (BENCHMARKS.md, "Administration").
pub const SCAN_AFTER_DAYS: i64 = 45;

/// Tickets opened, closed or first answered in `[from, to)`, of one department or all.
pub async fn tickets_between(
    c: Conn<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    department_id: Option<i64>,
) -> Result<Vec<ReportRow>, sqlx::Error> {
    const WHERE: &str = r#"
        WHERE ((t.created_at >= $1 AND t.created_at < $2)
            OR (t.closed_at >= $1 AND t.closed_at < $2)
            OR (t.first_response_at >= $1 AND t.first_response_at < $2))
          AND ($3 = 0 OR t.department_id = $3)"#;
    let scan = (to - from).num_days() > SCAN_AFTER_DAYS;
    match c {
        Conn::Sqlite(conn) => {
            // One JSON array of arrays, not one row at a time: sqlx hands each SQLite row from
            // its connection thread to the task separately, which cost more than the query
            // (the 30-day report at a million tickets: 703 → 446 ms; BENCHMARKS.md).
            let sql = format!(
                "SELECT json_group_array(json_array(unixepoch(t.created_at), unixepoch(t.closed_at), \
                 unixepoch(t.first_response_at), t.organization_id, t.priority_rank, \
                 t.sla_policy_id IS NOT NULL, t.sla_breached_at IS NOT NULL)) \
                 FROM tickets t {} {WHERE}",
                if scan { "NOT INDEXED" } else { "" }
            );
            let json: String = sqlx::query_scalar(&sql)
                .bind(from)
                .bind(to)
                .bind(department_id.unwrap_or(0))
                .fetch_one(&mut *conn)
                .await?;
            serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        }
        Conn::Postgres(conn) => {
            // PostgreSQL's planner weighs the bitmap of the three indexes against a scan itself.
            let sql = format!(
                "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM t.created_at)) AS BIGINT) AS created, \
                 CAST(FLOOR(EXTRACT(EPOCH FROM t.closed_at)) AS BIGINT) AS closed, \
                 CAST(FLOOR(EXTRACT(EPOCH FROM t.first_response_at)) AS BIGINT) AS first_response, \
                 t.organization_id, CAST(t.priority_rank AS BIGINT) AS priority_rank, \
                 t.sla_policy_id IS NOT NULL AS has_policy, t.sla_breached_at IS NOT NULL AS breached \
                 FROM tickets t {WHERE}"
            );
            sqlx::query_as(&sql)
                .bind(from)
                .bind(to)
                .bind(department_id.unwrap_or(0))
                .fetch_all(&mut *conn)
                .await
        }
    }
}

/// Each organization's plan.
pub async fn organization_plans(c: Conn<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT id, plan FROM organizations";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

/// Tickets opened before `at`, and tickets closed before `at` (the backlog's starting point):
/// two counts read from the time indexes alone.
pub async fn counts_before(
    c: Conn<'_>,
    at: DateTime<Utc>,
    department_id: Option<i64>,
) -> Result<(i64, i64), sqlx::Error> {
    const ALL: &str = r#"
        SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM tickets WHERE created_at < $1),
               (SELECT CAST(COUNT(*) AS BIGINT) FROM tickets WHERE closed_at < $1)"#;
    const DEPARTMENT: &str = r#"
        SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM tickets WHERE department_id = $2 AND created_at < $1),
               (SELECT CAST(COUNT(*) AS BIGINT) FROM tickets WHERE department_id = $2 AND closed_at < $1)"#;
    match department_id {
        None => on_conn!(c, conn => sqlx::query_as(ALL).bind(at).fetch_one(&mut *conn).await),
        Some(d) => on_conn!(c, conn => sqlx::query_as(DEPARTMENT)
            .bind(at)
            .bind(d)
            .fetch_one(&mut *conn)
            .await),
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RatingRow {
    pub ticket_id: i64,
    pub score: i64,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// Ratings given in `[from, to)`, newest first.
pub async fn ratings_between(
    c: Conn<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    department_id: Option<i64>,
) -> Result<Vec<RatingRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT r.ticket_id, r.score, r.comment, r.created_at
        FROM ticket_ratings r JOIN tickets t ON t.id = r.ticket_id
        WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3 = 0 OR t.department_id = $3)
        ORDER BY r.created_at DESC, r.ticket_id DESC"#;
    on_conn!(c, conn => sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .bind(department_id.unwrap_or(0))
        .fetch_all(&mut *conn)
        .await)
}

pub async fn rating(c: Conn<'_>, ticket_id: i64) -> Result<Option<RatingRow>, sqlx::Error> {
    const SQL: &str =
        "SELECT ticket_id, score, comment, created_at FROM ticket_ratings WHERE ticket_id = $1";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_optional(&mut *conn).await)
}

/// Records a rating; `false` when the ticket already has one.
pub async fn insert_rating(
    c: Conn<'_>,
    ticket_id: i64,
    user_id: i64,
    score: i64,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_ratings (ticket_id, user_id, score, comment, created_at)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO NOTHING"#;
    let n = on_conn!(c, conn => sqlx::query(SQL)
        .bind(ticket_id)
        .bind(user_id)
        .bind(score)
        .bind(comment)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
