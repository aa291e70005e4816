//! SQL for ticket-deflection attempts (one per new-ticket form a customer fills in).

use chrono::{DateTime, Utc};

use super::Conn;
use crate::on_conn;

/// Starts the attempt `key` of a user unless it exists.
pub async fn start(
    c: Conn<'_>,
    key: &str,
    user_id: i64,
    organization_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO deflection_attempts (key, user_id, organization_id, started_at, updated_at)
        VALUES ($1, $2, $3, $4, $4)
        ON CONFLICT (user_id, key) DO NOTHING"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(key)
        .bind(user_id)
        .bind(organization_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// What happened in an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The form showed at least one article.
    Shown,
    /// The customer opened a suggested article.
    Opened,
    /// The customer left the form without submitting: a deflection if they opened an article.
    Left,
}

/// Records a step of an attempt still open (a submitted attempt is final). Returns whether
/// the attempt exists.
pub async fn record(
    c: Conn<'_>,
    key: &str,
    user_id: i64,
    step: Step,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let sql = match step {
        Step::Shown => {
            "UPDATE deflection_attempts SET suggestions_shown = suggestions_shown + 1, \
             updated_at = $3 WHERE key = $1 AND user_id = $2"
        }
        Step::Opened => {
            "UPDATE deflection_attempts SET articles_opened = articles_opened + 1, \
             updated_at = $3 WHERE key = $1 AND user_id = $2 \
             AND (outcome IS NULL OR outcome = 'deflected')"
        }
        Step::Left => {
            "UPDATE deflection_attempts SET outcome = 'deflected', updated_at = $3 \
             WHERE key = $1 AND user_id = $2 AND articles_opened > 0 AND outcome IS NULL"
        }
    };
    let n = on_conn!(c, conn => sqlx::query(sql)
        .bind(key)
        .bind(user_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0 || step == Step::Left)
}

/// The attempt ended with a ticket (even after a deflection was recorded: they came back).
pub async fn submitted(
    c: Conn<'_>,
    key: &str,
    user_id: i64,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE deflection_attempts SET outcome = 'submitted', ticket_id = $3, updated_at = $4
        WHERE key = $1 AND user_id = $2"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(key)
        .bind(user_id)
        .bind(ticket_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub started_at: DateTime<Utc>,
    pub suggestions_shown: i64,
    pub articles_opened: i64,
    pub outcome: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Attempts started in `[from, to)`.
pub async fn started_between(
    c: Conn<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AttemptRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT started_at, suggestions_shown, articles_opened, outcome, updated_at
        FROM deflection_attempts WHERE started_at >= $1 AND started_at < $2
        ORDER BY started_at"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(from).bind(to).fetch_all(&mut *conn).await)
}
