//! SQL for tickets, their messages and their history.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::Conn;
use crate::domain::{Priority, TicketStatus};
use crate::on_conn;

pub struct NewTicket<'a> {
    pub subject: &'a str,
    pub ticket_type_id: i64,
    pub department_id: i64,
    pub priority: Priority,
    pub status: TicketStatus,
    pub requester_id: i64,
    pub organization_id: i64,
    pub assignee_id: Option<i64>,
    pub fields: &'a serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Inserts a ticket and returns its number (the global sequence).
pub async fn insert(c: Conn<'_>, t: &NewTicket<'_>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO tickets (subject, ticket_type_id, department_id, priority, priority_rank, status,
                             requester_id, organization_id, assignee_id, fields, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(t.subject)
        .bind(t.ticket_type_id)
        .bind(t.department_id)
        .bind(t.priority.as_str())
        .bind(t.priority.rank() as i64)
        .bind(t.status.as_str())
        .bind(t.requester_id)
        .bind(t.organization_id)
        .bind(t.assignee_id)
        .bind(Json(t.fields))
        .bind(t.created_at)
        .fetch_one(&mut *conn)
        .await)
}

pub struct NewMessage<'a> {
    pub ticket_id: i64,
    pub author_id: Option<i64>,
    pub body: &'a str,
    pub internal: bool,
    /// `portal`, `email`, `api` or `system`.
    pub channel: &'a str,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_message(c: Conn<'_>, m: &NewMessage<'_>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_messages (ticket_id, author_id, body, internal, channel, created_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(m.ticket_id)
        .bind(m.author_id)
        .bind(m.body)
        .bind(m.internal)
        .bind(m.channel)
        .bind(m.created_at)
        .fetch_one(&mut *conn)
        .await)
}

/// Records one change of a ticket (who, when, before → after).
pub async fn insert_history(
    c: Conn<'_>,
    ticket_id: i64,
    actor_id: Option<i64>,
    field: &str,
    old_value: Option<&str>,
    new_value: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_history (ticket_id, actor_id, field, old_value, new_value, created_at)
        VALUES ($1, $2, $3, $4, $5, $6)"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(ticket_id)
        .bind(actor_id)
        .bind(field)
        .bind(old_value)
        .bind(new_value)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The timeline fields a conversation sets on its ticket after the fact.
pub struct TicketTimes {
    pub status: TicketStatus,
    pub updated_at: DateTime<Utc>,
    pub last_reply_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub read_by_support_at: Option<DateTime<Utc>>,
    pub read_by_requester_at: Option<DateTime<Utc>>,
}

pub async fn set_times(c: Conn<'_>, ticket_id: i64, t: &TicketTimes) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE tickets
        SET status = $2, updated_at = $3, last_reply_at = $4, first_response_at = $5,
            closed_at = $6, read_by_support_at = $7, read_by_requester_at = $8
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(ticket_id)
        .bind(t.status.as_str())
        .bind(t.updated_at)
        .bind(t.last_reply_at)
        .bind(t.first_response_at)
        .bind(t.closed_at)
        .bind(t.read_by_support_at)
        .bind(t.read_by_requester_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn count(c: Conn<'_>) -> Result<i64, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT COUNT(*) FROM tickets").fetch_one(&mut *conn).await)
}

/// `(status, count)` over all tickets.
pub async fn count_by_status(c: Conn<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    const SQL: &str = "SELECT status, COUNT(*) FROM tickets GROUP BY status ORDER BY status";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}
