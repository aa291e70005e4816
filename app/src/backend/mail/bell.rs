//! In-app notifications (the bell): stored per person, read in their language.

use chrono::{DateTime, Utc};

use crate::backend::db::Conn;
use crate::domain::{NotificationKind, NotificationList, NotificationView, TicketNumber};
use crate::on_conn;

/// How many entries the menu shows.
pub const SHOWN: i64 = 20;

pub async fn insert(
    c: Conn<'_>,
    user_id: i64,
    kind: NotificationKind,
    ticket_id: Option<i64>,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = "INSERT INTO notifications (user_id, kind, ticket_id, data, created_at) \
                       VALUES ($1, $2, $3, $4, $5) RETURNING id";
    let data = data.to_string();
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(user_id).bind(kind.as_str()).bind(ticket_id).bind(&data).bind(now).fetch_one(&mut *conn).await)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    ticket_id: Option<i64>,
    data: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

/// A person's latest notifications and how many are unread.
pub async fn list(c: Conn<'_>, user_id: i64) -> Result<NotificationList, sqlx::Error> {
    const ROWS: &str = "SELECT id, kind, ticket_id, data, created_at, read_at FROM notifications \
                        WHERE user_id = $1 ORDER BY id DESC LIMIT $2";
    const UNREAD: &str =
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
    let mut c = c;
    let rows: Vec<Row> = on_conn!(c.reborrow(), conn => sqlx::query_as(ROWS).bind(user_id).bind(SHOWN).fetch_all(&mut *conn).await)?;
    let unread: i64 =
        on_conn!(c, conn => sqlx::query_scalar(UNREAD).bind(user_id).fetch_one(&mut *conn).await)?;
    let items = rows
        .into_iter()
        .filter_map(|r| {
            let kind: NotificationKind = r.kind.parse().ok()?;
            let data: serde_json::Value = serde_json::from_str(&r.data).unwrap_or_default();
            let text = |key: &str| data.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            Some(NotificationView {
                id: r.id,
                kind,
                ticket_id: r.ticket_id.map(|t| TicketNumber(t).to_string()),
                ticket_subject: text("subject"),
                actor: text("actor"),
                created_at: r.created_at,
                read: r.read_at.is_some(),
            })
        })
        .collect();
    Ok(NotificationList { unread, items })
}

/// How long the bell keeps a notification.
pub const RETENTION: chrono::Duration = chrono::Duration::days(90);

/// Deletes at most `limit` notifications older than [`RETENTION`].
pub async fn prune(c: Conn<'_>, now: DateTime<Utc>, limit: i64) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications \
                       WHERE created_at < $1 ORDER BY id LIMIT $2)";
    on_conn!(c, conn => sqlx::query(SQL).bind(now - RETENTION).bind(limit).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Marks one (or, with `None`, every) notification of the person read. Another person's id
/// changes nothing.
pub async fn mark_read(
    c: Conn<'_>,
    user_id: i64,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE notifications SET read_at = $3 \
                       WHERE user_id = $1 AND read_at IS NULL AND ($2 IS NULL OR id = $2)";
    on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(id).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}
