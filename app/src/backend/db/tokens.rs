//! SQL for secrets that stand for a user: API tokens, single-use links, and the failed sign-ins
//! that throttle guessing. Only SHA-256 hashes of secrets are stored.

use chrono::{DateTime, Utc};

use super::Conn;
use crate::on_conn;

pub async fn insert_api_token(
    c: Conn<'_>,
    user_id: i64,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(user_id).bind(name).bind(token_hash).bind(now).fetch_one(&mut *conn).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn list_api_tokens(c: Conn<'_>, user_id: i64) -> Result<Vec<ApiTokenRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id, name, created_at, last_used_at FROM api_tokens
        WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(user_id).fetch_all(&mut *conn).await)
}

/// Revokes a token of this user; 0 rows when it is not theirs or already revoked.
pub async fn revoke_api_token(
    c: Conn<'_>,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(user_id).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// The user behind a live token, marking it used.
pub async fn use_api_token(
    c: Conn<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    // A read on every request; the "last used" time is written at most once a minute, so an
    // API client's reads never queue behind a durable write.
    const FIND: &str = r#"
        SELECT id, user_id, last_used_at FROM api_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL"#;
    const TOUCH: &str = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
    let mut c = c;
    let found: Option<(i64, i64, Option<DateTime<Utc>>)> = on_conn!(c.reborrow(), conn => sqlx::query_as(FIND).bind(token_hash).fetch_optional(&mut *conn).await)?;
    let Some((id, user_id, last_used_at)) = found else {
        return Ok(None);
    };
    if last_used_at.is_none_or(|t| now - t > chrono::Duration::seconds(60)) {
        on_conn!(c, conn => sqlx::query(TOUCH).bind(id).bind(now).execute(&mut *conn).await.map(|_| ()))?;
    }
    Ok(Some(user_id))
}

/// Revokes every token of a user (deactivation).
pub async fn revoke_all_api_tokens(
    c: Conn<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str =
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";
    on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

pub async fn insert_link(
    c: Conn<'_>,
    user_id: i64,
    purpose: &str,
    token_hash: &str,
    created_by_id: Option<i64>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO user_links (user_id, purpose, token_hash, created_by_id, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(user_id).bind(purpose).bind(token_hash).bind(created_by_id).bind(now).bind(expires_at)
        .fetch_one(&mut *conn).await)
}

/// The user of an unused, unexpired link of that purpose.
pub async fn find_live_link(
    c: Conn<'_>,
    purpose: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id, user_id FROM user_links
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(token_hash).bind(purpose).bind(now).fetch_optional(&mut *conn).await)
}

/// Marks a link used; 0 rows when another request used it first (single use).
pub async fn consume_link(c: Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE user_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Ends every unused link of a purpose for a user (a newer one replaces them).
pub async fn expire_links(
    c: Conn<'_>,
    user_id: i64,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE user_links SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL";
    on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(purpose).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Records a failure now, to be taken back by [`forget_login_attempt`] if the password was right
/// (the check and the record are one step: parallel guesses cannot pass the limit together).
pub async fn reserve_login_attempt(
    c: Conn<'_>,
    key: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = "INSERT INTO login_failures (key, failed_at) VALUES ($1, $2) RETURNING id";
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(key).bind(now).fetch_one(&mut *conn).await)
}

pub async fn forget_login_attempt(c: Conn<'_>, id: i64) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM login_failures WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Serialises sign-in attempts on one throttle key until the transaction ends (PostgreSQL: an
/// advisory lock per key; SQLite: write transactions are serialised already).
pub async fn lock_throttle_key(c: Conn<'_>, key: &str) -> Result<(), sqlx::Error> {
    match c {
        Conn::Sqlite(_) => Ok(()),
        Conn::Postgres(conn) => {
            sqlx::query("SELECT pg_advisory_xact_lock(2026120701, hashtext($1))")
                .bind(key)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        }
    }
}

/// Whether the account signed in from this address before (with the right password).
pub async fn is_known_sign_in(
    c: Conn<'_>,
    user_id: i64,
    address: &str,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT COUNT(*) FROM known_sign_ins WHERE user_id = $1 AND address = $2";
    let n: i64 = on_conn!(c, conn => sqlx::query_scalar(SQL).bind(user_id).bind(address).fetch_one(&mut *conn).await)?;
    Ok(n > 0)
}

pub async fn remember_sign_in(
    c: Conn<'_>,
    user_id: i64,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO known_sign_ins (user_id, address, last_at) VALUES ($1, $2, $3) \
                       ON CONFLICT (user_id, address) DO UPDATE SET last_at = excluded.last_at";
    on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(address).bind(now).execute(&mut *conn).await.map(|_| ()))
}

/// `(failures, oldest failure)` for a key since a time.
pub async fn login_failures_since(
    c: Conn<'_>,
    key: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    const SQL: &str =
        "SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE key = $1 AND failed_at > $2";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(key).bind(since).fetch_one(&mut *conn).await)
}

/// Forgets failures older than the window (housekeeping).
pub async fn prune_login_failures(
    c: Conn<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM login_failures WHERE id IN \
                       (SELECT id FROM login_failures WHERE failed_at < $1 ORDER BY id LIMIT $2)";
    on_conn!(c, conn => sqlx::query(SQL).bind(before).bind(limit).execute(&mut *conn).await.map(|r| r.rows_affected()))
}
