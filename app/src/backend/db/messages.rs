//! SQL for a ticket's messages, their attachments and read marks.

use super::Conn;
use crate::domain::MessageChannel;
use crate::on_conn;
use chrono::{DateTime, Utc};

pub struct NewMessage<'a> {
    pub ticket_id: i64,
    pub author_id: Option<i64>,
    pub body: &'a str,
    pub internal: bool,
    /// `portal`, `email`, `api` or `system`.
    pub channel: MessageChannel,
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
        .bind(m.channel.as_str())
        .bind(m.created_at)
        .fetch_one(&mut *conn)
        .await)
}

/// A message by nobody (`channel` system), visible to the customer: auto-close, merges.
pub async fn insert_system_message(
    c: Conn<'_>,
    ticket_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let message = NewMessage {
        ticket_id,
        author_id: None,
        body,
        internal: false,
        channel: MessageChannel::System,
        created_at: now,
    };
    insert_message(c, &message).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub author_role: Option<String>,
    pub body: String,
    pub internal: bool,
    pub channel: String,
    pub created_at: DateTime<Utc>,
}

/// The conversation of a ticket, oldest first; internal notes only when asked for.
pub async fn messages(
    c: Conn<'_>,
    ticket_id: i64,
    include_internal: bool,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    let sql = format!(
        r#"SELECT m.id, m.author_id, u.name AS author_name, u.role AS author_role, m.body, m.internal,
                  m.channel, m.created_at
           FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_id
           WHERE m.ticket_id = $1 {}
           ORDER BY m.id"#,
        if include_internal {
            ""
        } else {
            "AND m.internal = FALSE"
        }
    );
    on_conn!(c, conn => sqlx::query_as(&sql).bind(ticket_id).fetch_all(&mut *conn).await)
}

/// `(read_by_support_at, read_by_requester_at)` of a ticket.
pub async fn read_marks(
    c: Conn<'_>,
    ticket_id: i64,
) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), sqlx::Error> {
    const SQL: &str = "SELECT read_by_support_at, read_by_requester_at FROM tickets WHERE id = $1";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_one(&mut *conn).await)
}

/// One stored file of a message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub ticket_id: i64,
    pub message_id: Option<i64>,
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

pub struct NewAttachment<'a> {
    pub ticket_id: i64,
    pub message_id: i64,
    pub storage_key: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_attachment(c: Conn<'_>, a: &NewAttachment<'_>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO attachments (ticket_id, message_id, storage_key, file_name, content_type,
                                 size_bytes, sha256, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(a.ticket_id)
        .bind(a.message_id)
        .bind(a.storage_key)
        .bind(a.file_name)
        .bind(a.content_type)
        .bind(a.size_bytes)
        .bind(a.sha256)
        .bind(a.created_at)
        .fetch_one(&mut *conn)
        .await)
}

/// The attachments of a ticket's messages, by message then id.
pub async fn attachments_of(
    c: Conn<'_>,
    ticket_id: i64,
) -> Result<Vec<AttachmentRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id, ticket_id, message_id, storage_key, file_name, content_type, size_bytes
        FROM attachments WHERE ticket_id = $1 ORDER BY message_id, id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_all(&mut *conn).await)
}

/// One attachment with whether its message is an internal note.
pub async fn find_attachment(
    c: Conn<'_>,
    id: i64,
) -> Result<Option<(AttachmentRow, bool)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT a.id, a.ticket_id, a.message_id, a.storage_key, a.file_name, a.content_type,
               a.size_bytes, COALESCE(m.internal, FALSE) AS internal
        FROM attachments a LEFT JOIN ticket_messages m ON m.id = a.message_id
        WHERE a.id = $1"#;
    #[derive(sqlx::FromRow)]
    struct Found {
        #[sqlx(flatten)]
        file: AttachmentRow,
        internal: bool,
    }
    let row: Option<Found> =
        on_conn!(c, conn => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *conn).await)?;
    Ok(row.map(|f| (f.file, f.internal)))
}

/// Records that one side read the ticket up to `now`, if the other side wrote something since
/// that side last read it. Answers whether the mark moved.
pub async fn mark_read(
    c: Conn<'_>,
    ticket_id: i64,
    by_support: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    // The other side's newest public message, compared with this side's read mark.
    let sql = if by_support {
        r#"UPDATE tickets SET read_by_support_at = $2
           WHERE id = $1 AND EXISTS (
               SELECT 1 FROM ticket_messages m JOIN users u ON u.id = m.author_id
               WHERE m.ticket_id = $1 AND m.internal = FALSE
                 AND u.role IN ('customer', 'org_admin')
                 AND (tickets.read_by_support_at IS NULL OR m.created_at > tickets.read_by_support_at))"#
    } else {
        r#"UPDATE tickets SET read_by_requester_at = $2
           WHERE id = $1 AND EXISTS (
               SELECT 1 FROM ticket_messages m JOIN users u ON u.id = m.author_id
               WHERE m.ticket_id = $1 AND m.internal = FALSE
                 AND u.role IN ('agent', 'lead', 'admin')
                 AND (tickets.read_by_requester_at IS NULL OR m.created_at > tickets.read_by_requester_at))"#
    };
    on_conn!(c, conn => sqlx::query(sql).bind(ticket_id).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected() > 0))
}
