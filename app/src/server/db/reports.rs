//! SQL for the support report and satisfaction ratings.

use chrono::{DateTime, Utc};

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub plan: String,
    pub priority: String,
    pub sla_policy_id: Option<i64>,
    pub sla_breached_at: Option<DateTime<Utc>>,
}

/// Tickets opened, closed or first answered in `[from, to)`, of one department or all.
pub async fn tickets_between(
    c: Conn<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    department_id: Option<i64>,
) -> Result<Vec<ReportRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT t.created_at, t.closed_at, t.first_response_at, o.plan, t.priority, t.sla_policy_id,
               t.sla_breached_at
        FROM tickets t JOIN organizations o ON o.id = t.organization_id
        WHERE t.id IN (
            SELECT id FROM tickets WHERE created_at >= $1 AND created_at < $2
            UNION SELECT id FROM tickets WHERE closed_at >= $1 AND closed_at < $2
            UNION SELECT id FROM tickets WHERE first_response_at >= $1 AND first_response_at < $2)
          AND ($3 = 0 OR t.department_id = $3)"#;
    on_conn!(c, conn => sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .bind(department_id.unwrap_or(0))
        .fetch_all(&mut *conn)
        .await)
}

/// Tickets opened before `at`, and of those closed before `at` (the backlog's starting point).
pub async fn counts_before(
    c: Conn<'_>,
    at: DateTime<Utc>,
    department_id: Option<i64>,
) -> Result<(i64, i64), sqlx::Error> {
    const SQL: &str = r#"
        SELECT CAST(COUNT(*) AS BIGINT),
               CAST(COALESCE(SUM(CASE WHEN closed_at IS NOT NULL AND closed_at < $1 THEN 1 ELSE 0 END), 0) AS BIGINT)
        FROM tickets WHERE created_at < $1 AND ($2 = 0 OR department_id = $2)"#;
    on_conn!(c, conn => sqlx::query_as(SQL)
        .bind(at)
        .bind(department_id.unwrap_or(0))
        .fetch_one(&mut *conn)
        .await)
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
