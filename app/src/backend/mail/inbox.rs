//! SQL of mail in: the mailboxes Chamado reads, the mails it received (one per Message-ID) and
//! the addresses it stopped mailing after a hard bounce.

use chrono::{DateTime, Utc};

use crate::backend::db::Conn;
use crate::on_conn;

/// A mailbox as the poller and the inbound endpoint need it (the IMAP password included: it
/// never leaves the server).
#[derive(Clone, PartialEq, sqlx::FromRow)]
pub struct MailboxRow {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub department_id: i64,
    pub imap_host: Option<String>,
    pub imap_port: Option<i64>,
    pub imap_security: String,
    pub imap_user: Option<String>,
    pub imap_password: Option<String>,
    pub imap_folder: String,
    pub active: bool,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for MailboxRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxRow")
            .field("id", &self.id)
            .field("address", &self.address)
            .field("imap_host", &self.imap_host)
            .field("imap_user", &self.imap_user)
            .finish_non_exhaustive()
    }
}

const MAILBOX_COLUMNS: &str = "id, name, address, department_id, imap_host, imap_port, \
    imap_security, imap_user, imap_password, imap_folder, active, last_checked_at, last_error, \
    created_at";

/// What an admin sets on a mailbox (the password: `None` keeps the stored one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxFields {
    pub name: String,
    pub address: String,
    pub department_id: i64,
    pub imap_host: Option<String>,
    pub imap_port: Option<i64>,
    pub imap_security: String,
    pub imap_user: Option<String>,
    pub imap_folder: String,
    pub active: bool,
}

pub async fn insert_mailbox(
    c: Conn<'_>,
    m: &MailboxFields,
    password: Option<&str>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO mailboxes (name, address, department_id, token_hash, imap_host, imap_port,
            imap_security, imap_user, imap_password, imap_folder, active, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(&m.name).bind(&m.address).bind(m.department_id).bind(token_hash)
        .bind(&m.imap_host).bind(m.imap_port).bind(&m.imap_security).bind(&m.imap_user)
        .bind(password).bind(&m.imap_folder).bind(m.active).bind(now)
        .fetch_one(&mut *conn).await)
}

pub async fn update_mailbox(
    c: Conn<'_>,
    id: i64,
    m: &MailboxFields,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE mailboxes SET name = $2, address = $3, department_id = $4, imap_host = $5,
            imap_port = $6, imap_security = $7, imap_user = $8,
            imap_password = COALESCE($9, imap_password), imap_folder = $10, active = $11,
            last_error = NULL, updated_at = $12
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(id).bind(&m.name).bind(&m.address).bind(m.department_id).bind(&m.imap_host)
        .bind(m.imap_port).bind(&m.imap_security).bind(&m.imap_user).bind(password)
        .bind(&m.imap_folder).bind(m.active).bind(now)
        .execute(&mut *conn).await.map(|_| ()))
}

pub async fn set_token(
    c: Conn<'_>,
    id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE mailboxes SET token_hash = $2, updated_at = $3 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(token_hash).bind(now).execute(&mut *conn).await.map(|_| ()))
}

pub async fn mailboxes(c: Conn<'_>) -> Result<Vec<MailboxRow>, sqlx::Error> {
    let sql = format!("SELECT {MAILBOX_COLUMNS} FROM mailboxes ORDER BY name, id");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn mailbox(c: Conn<'_>, id: i64) -> Result<Option<MailboxRow>, sqlx::Error> {
    let sql = format!("SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

/// The active mailbox whose inbound token hashes to this.
pub async fn mailbox_by_token(
    c: Conn<'_>,
    token_hash: &str,
) -> Result<Option<MailboxRow>, sqlx::Error> {
    let sql =
        format!("SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE token_hash = $1 AND active = TRUE");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(token_hash).fetch_optional(&mut *conn).await)
}

/// Whether another mailbox has this address.
pub async fn address_taken(
    c: Conn<'_>,
    address: &str,
    except: Option<i64>,
) -> Result<bool, sqlx::Error> {
    const SQL: &str =
        "SELECT COUNT(*) FROM mailboxes WHERE address = $1 AND ($2 IS NULL OR id <> $2)";
    let n: i64 = on_conn!(c, conn => sqlx::query_scalar(SQL).bind(address).bind(except).fetch_one(&mut *conn).await)?;
    Ok(n > 0)
}

/// Records how the last IMAP check went (`error`: `None` when it worked).
pub async fn record_check(
    c: Conn<'_>,
    id: i64,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE mailboxes SET last_checked_at = $2, last_error = $3 WHERE id = $1";
    let error: Option<String> = error.map(|e| e.chars().take(500).collect());
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(now).bind(error).execute(&mut *conn).await.map(|_| ()))
}

/// A received mail, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewInbound<'a> {
    pub mailbox_id: Option<i64>,
    pub message_id: &'a str,
    pub from_address: &'a str,
    pub from_name: &'a str,
    pub subject: &'a str,
    pub outcome: &'a str,
    pub reason: Option<&'a str>,
    pub ticket_id: Option<i64>,
    pub chamado_message_id: Option<i64>,
    pub headers: &'a str,
    pub original_text: &'a str,
    pub refused_files: &'a str,
    pub trimmed: bool,
}

/// Records a received mail. `false` when a mail with its Message-ID was recorded before (or is
/// being recorded by a concurrent transaction, which then wins).
pub async fn record(
    c: Conn<'_>,
    m: &NewInbound<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO inbound_emails (mailbox_id, message_id, from_address, from_name, subject,
            outcome, reason, ticket_id, chamado_message_id, headers, original_text,
            refused_files, trimmed, received_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        ON CONFLICT (message_id) DO NOTHING"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(m.mailbox_id).bind(m.message_id).bind(m.from_address).bind(m.from_name)
        .bind(m.subject).bind(m.outcome).bind(m.reason).bind(m.ticket_id)
        .bind(m.chamado_message_id).bind(m.headers).bind(m.original_text)
        .bind(m.refused_files).bind(m.trimmed).bind(now)
        .execute(&mut *conn).await.map(|r| r.rows_affected() == 1))
}

/// Whether a mail with this Message-ID was received already.
pub async fn received(c: Conn<'_>, message_id: &str) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT COUNT(*) FROM inbound_emails WHERE message_id = $1";
    let n: i64 =
        on_conn!(c, conn => sqlx::query_scalar(SQL).bind(message_id).fetch_one(&mut *conn).await)?;
    Ok(n > 0)
}

/// How many mails from this address arrived since `since` (`outcome`: only those, if given).
pub async fn count_from(
    c: Conn<'_>,
    address: &str,
    outcome: Option<&str>,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = "SELECT COUNT(*) FROM inbound_emails WHERE from_address = $1 \
                       AND received_at >= $2 AND ($3 IS NULL OR outcome = $3)";
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(address).bind(since).bind(outcome).fetch_one(&mut *conn).await)
}

/// The ticket one of these Message-IDs belongs to: a mail Chamado sent about it, or a mail it
/// received into it (newest first).
pub async fn ticket_of_message_ids(
    c: Conn<'_>,
    ids: &[String],
) -> Result<Option<i64>, sqlx::Error> {
    let mut c = c;
    for id in ids.iter().take(20) {
        const SQL: &str = "SELECT ticket_id FROM outbound_emails WHERE message_id = $1 \
             AND ticket_id IS NOT NULL \
             UNION ALL SELECT ticket_id FROM inbound_emails WHERE message_id = $1 \
             AND ticket_id IS NOT NULL";
        let found: Option<i64> = on_conn!(c.reborrow(), conn => sqlx::query_scalar(SQL).bind(id).fetch_optional(&mut *conn).await)?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// A received mail's whole text, headers and refused files, by the Chamado message it became.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Original {
    pub chamado_message_id: i64,
    pub headers: String,
    pub original_text: String,
    pub refused_files: String,
    /// The message shows less than the mail's text (history or signature cut).
    pub trimmed: bool,
}

pub async fn originals_of_ticket(
    c: Conn<'_>,
    ticket_id: i64,
) -> Result<Vec<Original>, sqlx::Error> {
    const SQL: &str = "SELECT chamado_message_id, headers, original_text, refused_files, trimmed \
        FROM inbound_emails WHERE ticket_id = $1 AND chamado_message_id IS NOT NULL";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_all(&mut *conn).await)
}

/// A received mail as admins list it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InboundRow {
    pub id: i64,
    pub mailbox_id: Option<i64>,
    pub from_address: String,
    pub from_name: String,
    pub subject: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub ticket_id: Option<i64>,
    pub received_at: DateTime<Utc>,
}

/// The newest received mails first, before the cursor `before_id`.
pub async fn list_received(
    c: Conn<'_>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<InboundRow>, sqlx::Error> {
    const SQL: &str = "SELECT id, mailbox_id, from_address, from_name, subject, outcome, reason, \
        ticket_id, received_at FROM inbound_emails WHERE ($1 IS NULL OR id < $1) \
        ORDER BY id DESC LIMIT $2";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(before_id).bind(limit).fetch_all(&mut *conn).await)
}

/// How long received mails are kept (their text stays in the conversation).
pub const RETENTION: chrono::Duration = chrono::Duration::days(365);

/// Deletes at most `limit` received mails older than [`RETENTION`].
pub async fn prune(c: Conn<'_>, now: DateTime<Utc>, limit: i64) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM inbound_emails WHERE id IN (SELECT id FROM inbound_emails \
                       WHERE received_at < $1 ORDER BY id LIMIT $2)";
    on_conn!(c, conn => sqlx::query(SQL).bind(now - RETENTION).bind(limit).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Stops mailing an address (a hard bounce).
pub async fn suppress(
    c: Conn<'_>,
    address: &str,
    reason: &str,
    email_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO email_suppressions (address, reason, email_id, created_at) \
                       VALUES ($1, $2, $3, $4) ON CONFLICT (address) DO UPDATE \
                       SET reason = excluded.reason, email_id = excluded.email_id";
    let reason: String = reason.chars().take(500).collect();
    on_conn!(c, conn => sqlx::query(SQL).bind(address.to_lowercase()).bind(&reason).bind(email_id).bind(now).execute(&mut *conn).await.map(|_| ()))
}

/// Why an address is not mailed any more, if it is not.
pub async fn suppression(c: Conn<'_>, address: &str) -> Result<Option<String>, sqlx::Error> {
    const SQL: &str = "SELECT reason FROM email_suppressions WHERE address = $1";
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(address.to_lowercase()).fetch_optional(&mut *conn).await)
}

/// `(address, reason, since)` of every suppressed address, newest first.
pub async fn suppressions(
    c: Conn<'_>,
) -> Result<Vec<(String, String, DateTime<Utc>)>, sqlx::Error> {
    const SQL: &str = "SELECT address, reason, created_at FROM email_suppressions \
                       ORDER BY created_at DESC LIMIT 500";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

/// Lets an address be mailed again. Returns whether it was suppressed.
pub async fn unsuppress(c: Conn<'_>, address: &str) -> Result<bool, sqlx::Error> {
    const SQL: &str = "DELETE FROM email_suppressions WHERE address = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(address.to_lowercase()).execute(&mut *conn).await.map(|r| r.rows_affected() == 1))
}
