//! Server-side sessions (tower-sessions): the cookie holds only a random id; the record lives in
//! the database of the backend in use. A session names the user and when they signed in, so
//! that a password change or a deactivation ends older sessions at once.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::Session;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::backend::cache::{CacheKind, Caches, Depends, SESSION_TTL};
use crate::backend::db::Pool;
use crate::backend::services::auth;
use crate::backend::Db;
use crate::domain::CurrentUser;
use crate::error::AppError;

pub const COOKIE_NAME: &str = "chamado_session";
const USER_KEY: &str = "user_id";
const SIGNED_IN_AT_KEY: &str = "signed_in_at_ms";
const SEEN_AT_KEY: &str = "seen_at_ms";

/// How long a session lasts: it ends after `idle` without a request, and `lifetime` after the
/// sign-in however active it is.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle: chrono::Duration,
    pub lifetime: chrono::Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: chrono::Duration::days(14),
            lifetime: chrono::Duration::days(30),
        }
    }
}

impl SessionPolicy {
    /// How stale the record's expiry may get before a request writes it again: a session in use
    /// is written at most once a minute (less for very short idle times, as in tests).
    fn refresh_after(&self) -> chrono::Duration {
        (self.idle / 10).min(chrono::Duration::minutes(1))
    }
}

/// Session records by id, as last read or written here.
struct Records;
impl CacheKind for Records {
    type Key = Id;
    type Value = Option<Record>;
    const DEPENDS: Depends = Depends::Identities;
    const TTL: std::time::Duration = SESSION_TTL;
}

/// The session store of whichever database Chamado runs on, its reads cached for
/// [`SESSION_TTL`] in the application's read caches (off with `CHAMADO_READ_CACHE=false`).
#[derive(Clone, Debug)]
pub struct AnySessionStore {
    table: Table,
    caches: Caches,
}

#[derive(Clone, Debug)]
enum Table {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl AnySessionStore {
    pub fn new(db: &Db) -> Self {
        let table = match db.pool() {
            Pool::Sqlite(pool) => Table::Sqlite(SqliteStore::new(pool.clone())),
            Pool::Postgres(pool) => Table::Postgres(PostgresStore::new(pool.clone())),
        };
        AnySessionStore {
            table,
            caches: db.caches().clone(),
        }
    }

    /// Creates the store's table if needed (idempotent).
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match &self.table {
            Table::Sqlite(s) => s.migrate().await,
            Table::Postgres(s) => s.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for AnySessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match &self.table {
            Table::Sqlite(s) => s.create(record).await,
            Table::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (_, generation) = self.caches.get::<Records>(&record.id);
        match &self.table {
            Table::Sqlite(s) => s.save(record).await,
            Table::Postgres(s) => s.save(record).await,
        }?;
        self.caches
            .put::<Records>(record.id, Some(record.clone()), generation);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let (hit, generation) = self.caches.get::<Records>(id);
        if let Some(record) = hit {
            return Ok(record);
        }
        let record = match &self.table {
            Table::Sqlite(s) => s.load(id).await,
            Table::Postgres(s) => s.load(id).await,
        }?;
        self.caches.put::<Records>(*id, record.clone(), generation);
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.caches.forget::<Records>(id);
        match &self.table {
            Table::Sqlite(s) => s.delete(id).await,
            Table::Postgres(s) => s.delete(id).await,
        }
    }
}

/// Deletes at most `limit` expired sessions from the store's table (housekeeping calls it until
/// it deletes none, so the write lock is let go between batches; the store's own
/// `delete_expired` deletes them all in one statement).
pub async fn delete_expired_sessions(db: &Db, limit: i64) -> Result<u64, sqlx::Error> {
    match db.pool() {
        Pool::Sqlite(pool) => sqlx::query(
            "DELETE FROM tower_sessions WHERE id IN (SELECT id FROM tower_sessions \
             WHERE datetime(expiry_date) < datetime('now') LIMIT $1)",
        )
        .bind(limit)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()),
        Pool::Postgres(pool) => sqlx::query(
            r#"DELETE FROM "tower_sessions"."session" WHERE id IN (SELECT id FROM "tower_sessions"."session"
               WHERE expiry_date < (now() at time zone 'utc') LIMIT $1)"#,
        )
        .bind(limit)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()),
    }
}

#[async_trait]
impl ExpiredDeletion for AnySessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.table {
            Table::Sqlite(s) => s.delete_expired().await,
            Table::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// The session store is a database table: when it cannot be read or written the database is
/// unreachable (the store reports only a message), so the request answers 503 and may be repeated.
fn internal(error: tower_sessions::session::Error) -> AppError {
    match error {
        tower_sessions::session::Error::Store(session_store::Error::Backend(_)) => {
            tracing::warn!(%error, "session store unreachable: answering 503");
            AppError::Unavailable {
                retry_after_seconds: crate::error::DATABASE_RETRY_AFTER_SECONDS,
            }
        }
        _ => {
            tracing::error!(%error, "session record unreadable");
            AppError::Internal
        }
    }
}

/// Who a session belongs to, as first looked up during one request (a request extension put
/// there by [`RequestUser::layer`] for pages and server functions).
#[derive(Clone, Default)]
pub struct RequestUser(Arc<tokio::sync::Mutex<Option<Remembered>>>);

/// `(user id, sign-in time in ms, who that session belongs to)`.
type Remembered = (i64, i64, Option<CurrentUser>);

impl RequestUser {
    /// Middleware: gives every request its own memo.
    pub async fn layer(
        mut request: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        request.extensions_mut().insert(RequestUser::default());
        next.run(request).await
    }

    async fn user_for_session(
        &self,
        db: &Db,
        user_id: i64,
        signed_in_at: DateTime<Utc>,
    ) -> Result<Option<CurrentUser>, AppError> {
        let mut memo = self.0.lock().await;
        let at = signed_in_at.timestamp_millis();
        if let Some((id, when, user)) = memo.as_ref() {
            if (*id, *when) == (user_id, at) {
                return Ok(user.clone());
            }
        }
        let user = auth::user_for_session(db, user_id, signed_in_at).await?;
        *memo = Some((user_id, at, user.clone()));
        Ok(user)
    }
}

/// Signs a user in on this session: a new session id (no fixation), then the user.
pub async fn start(session: &Session, user_id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_KEY, user_id).await.map_err(internal)?;
    session
        .insert(SIGNED_IN_AT_KEY, now.timestamp_millis())
        .await
        .map_err(internal)?;
    session
        .insert(SEEN_AT_KEY, now.timestamp_millis())
        .await
        .map_err(internal)?;
    Ok(())
}

/// Signs out: the record is deleted from the store and the cookie cleared; open event streams
/// of the session check again and end.
pub async fn end(session: &Session, db: &Db) -> Result<(), AppError> {
    let signed_in = session
        .get::<i64>(USER_KEY)
        .await
        .map_err(internal)?
        .is_some();
    session.flush().await.map_err(internal)?;
    // Only a real sign-out wakes the streams (anyone may call sign-out without a session).
    if signed_in {
        db.caches().identities_changed();
    }
    Ok(())
}

/// The user of the session with this id as the store has it now (not as a request loaded it):
/// for a long-lived response (an event stream) to check that its session still stands.
pub async fn user_of_session_id(
    db: &Db,
    id: Id,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, AppError> {
    let record = AnySessionStore::new(db)
        .load(&id)
        .await
        .map_err(|e| internal(e.into()))?;
    let Some(record) = record else {
        return Ok(None);
    };
    let number = |key: &str| record.data.get(key).and_then(serde_json::Value::as_i64);
    let (Some(user_id), Some(at)) = (number(USER_KEY), number(SIGNED_IN_AT_KEY)) else {
        return Ok(None);
    };
    let Some(signed_in_at) = DateTime::<Utc>::from_timestamp_millis(at) else {
        return Ok(None);
    };
    if now - signed_in_at >= policy.lifetime {
        return Ok(None);
    }
    auth::user_for_session(db, user_id, signed_in_at).await
}

/// The signed-in user of this session, if it is still valid.
///
/// A session slides: each request that finds it valid moves its end `idle` ahead (tower-sessions
/// writes a record back only when it changed, so the time of the request is written into it,
/// at most every [`SessionPolicy::refresh_after`]). Past its `lifetime` it ends, active or not.
///
/// `memo`: the request's [`RequestUser`] (pages and server functions), so a page that calls
/// several server functions while it renders looks its user up once.
pub async fn user(
    session: &Session,
    db: &Db,
    policy: SessionPolicy,
    now: DateTime<Utc>,
    memo: Option<&RequestUser>,
) -> Result<Option<CurrentUser>, AppError> {
    let user_id: Option<i64> = session.get(USER_KEY).await.map_err(internal)?;
    let signed_in_at: Option<i64> = session.get(SIGNED_IN_AT_KEY).await.map_err(internal)?;
    let (Some(user_id), Some(at)) = (user_id, signed_in_at) else {
        return Ok(None);
    };
    let Some(signed_in_at) = DateTime::<Utc>::from_timestamp_millis(at) else {
        return Ok(None);
    };
    if now - signed_in_at >= policy.lifetime {
        session.flush().await.map_err(internal)?;
        return Ok(None);
    }
    let user = match memo {
        Some(memo) => memo.user_for_session(db, user_id, signed_in_at).await?,
        None => auth::user_for_session(db, user_id, signed_in_at).await?,
    };
    if user.is_some() {
        let seen_at: Option<i64> = session.get(SEEN_AT_KEY).await.map_err(internal)?;
        let stale = seen_at
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .is_none_or(|seen| now - seen >= policy.refresh_after());
        if stale {
            session
                .insert(SEEN_AT_KEY, now.timestamp_millis())
                .await
                .map_err(internal)?;
        }
    }
    Ok(user)
}
