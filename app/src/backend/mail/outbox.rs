//! The outbox: every e-mail Chamado composed, with where its delivery stands ("E-mails
//! enviados").

use chrono::{DateTime, Utc};

use crate::backend::db::Conn;
use crate::on_conn;

/// Where a mail stands.
pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
/// No relay is configured: composed and kept for admins to read.
pub const KEPT: &str = "kept";
/// Dead after every retry, or refused for good by the relay.
pub const FAILED: &str = "failed";
/// Delivered, then reported undeliverable by the recipient's server (a DSN came back).
pub const BOUNCED: &str = "bounced";
/// Not sent: the address bounced for good before ([`crate::backend::mail::inbox`]).
pub const SUPPRESSED: &str = "suppressed";

/// A mail to store.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct NewEmail {
    pub kind: String,
    pub user_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub reference_ids: Option<String>,
    pub reply_to: Option<String>,
    pub unsubscribe_url: Option<String>,
    /// The bodies hold [`SECRET_LINK`] where the one-use link goes.
    pub sensitive: bool,
}

/// Stands in the stored bodies of sensitive mails for their one-use link, which only the send
/// job knows.
pub const SECRET_LINK: &str = "{{secret_link}}";

/// A stored mail, whole.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EmailRow {
    pub id: i64,
    #[sqlx(flatten)]
    pub mail: NewEmail,
    pub state: String,
    pub smtp_response: Option<String>,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, kind, user_id, ticket_id, to_address, to_name, subject, text_body, \
    html_body, message_id, in_reply_to, reference_ids, reply_to, unsubscribe_url, sensitive, \
    state, smtp_response, attempts, created_at, sent_at";

pub async fn insert(c: Conn<'_>, m: &NewEmail, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO outbound_emails (kind, user_id, ticket_id, to_address, to_name, subject,
            text_body, html_body, message_id, in_reply_to, reference_ids, reply_to,
            unsubscribe_url, sensitive, state, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'queued', $15, $15)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(&m.kind)
        .bind(m.user_id)
        .bind(m.ticket_id)
        .bind(&m.to_address)
        .bind(&m.to_name)
        .bind(&m.subject)
        .bind(&m.text_body)
        .bind(&m.html_body)
        .bind(&m.message_id)
        .bind(&m.in_reply_to)
        .bind(&m.reference_ids)
        .bind(&m.reply_to)
        .bind(&m.unsubscribe_url)
        .bind(m.sensitive)
        .bind(now)
        .fetch_one(&mut *conn)
        .await)
}

pub async fn find(c: Conn<'_>, id: i64) -> Result<Option<EmailRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM outbound_emails WHERE id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

/// The newest mails first, before the cursor `before_id`, optionally in one state.
pub async fn list(
    c: Conn<'_>,
    state: Option<&str>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<EmailRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbound_emails \
         WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR id < $2) \
         ORDER BY id DESC LIMIT $3"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).bind(state).bind(before_id).bind(limit).fetch_all(&mut *conn).await)
}

/// Records an attempt's outcome: `state` with the relay's answer.
pub async fn record_attempt(
    c: Conn<'_>,
    id: i64,
    state: &str,
    smtp_response: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE outbound_emails SET state = $2, smtp_response = $3, \
                       attempts = attempts + 1, updated_at = $4, \
                       sent_at = CASE WHEN $2 = 'sent' THEN $4 ELSE sent_at END \
                       WHERE id = $1";
    let response: String = smtp_response.chars().take(1000).collect();
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(state).bind(&response).bind(now).execute(&mut *conn).await.map(|_| ()))
}

/// How long the outbox keeps a mail.
pub const RETENTION: chrono::Duration = chrono::Duration::days(90);

/// Deletes at most `limit` mails older than [`RETENTION`] that are not waiting to go out.
pub async fn prune(c: Conn<'_>, now: DateTime<Utc>, limit: i64) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM outbound_emails WHERE id IN (SELECT id FROM outbound_emails \
                       WHERE created_at < $1 AND state <> 'queued' ORDER BY id LIMIT $2)";
    on_conn!(c, conn => sqlx::query(SQL).bind(now - RETENTION).bind(limit).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Puts a mail back in the queue (an admin's "send again").
pub async fn requeue(c: Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE outbound_emails SET state = 'queued', updated_at = $2 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(now).execute(&mut *conn).await.map(|_| ()))
}

/// The Message-IDs of the latest mails about a ticket between Chamado and one address, sent or
/// received, oldest first (for `In-Reply-To` and `References`: the person's own thread, their
/// first mail included when the ticket began by e-mail).
pub async fn thread_of(
    c: Conn<'_>,
    ticket_id: i64,
    to_address: &str,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    const SQL: &str = "SELECT message_id FROM ( \
        SELECT message_id, created_at AS at FROM outbound_emails \
            WHERE ticket_id = $1 AND to_address = $2 \
        UNION ALL \
        SELECT message_id, received_at AS at FROM inbound_emails \
            WHERE ticket_id = $1 AND from_address = $2 AND chamado_message_id IS NOT NULL \
        ) AS thread ORDER BY at DESC LIMIT $3";
    let mut ids: Vec<String> = on_conn!(c, conn => sqlx::query_scalar(SQL).bind(ticket_id).bind(to_address.to_lowercase()).bind(limit).fetch_all(&mut *conn).await)?;
    ids.reverse();
    Ok(ids)
}

/// Marks the mail with this Message-ID bounced, with the report's diagnostic. Returns its id.
pub async fn mark_bounced(
    c: Conn<'_>,
    message_id: &str,
    diagnostic: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = "UPDATE outbound_emails SET state = 'bounced', smtp_response = $2, \
                       updated_at = $3 WHERE message_id = $1 RETURNING id";
    let diagnostic: String = diagnostic.chars().take(1000).collect();
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(message_id).bind(&diagnostic).bind(now).fetch_optional(&mut *conn).await)
}
