//! The database handle: one binary speaks SQLite or PostgreSQL, chosen at run time by the URL.
//!
//! Query modules (`db/*.rs`) write their SQL once (portable `$1` placeholders, `RETURNING`,
//! `ON CONFLICT`) and run it on a [`Conn`] through [`on_conn!`], which expands the same code for
//! each backend's concrete connection type. A statement whose dialects differ is written twice,
//! matching on [`Conn`] directly. Services get a `Conn` from [`Db::acquire`] or [`Db::begin`].

pub mod admin;
pub mod args;
pub mod articles;
pub mod deflection;
pub mod departments;
pub mod messages;
pub mod organizations;
pub mod reports;
pub mod settings;
pub mod sla;
pub mod ticket_text;
pub mod ticket_types;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod workspace;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::backend::cache::Caches;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A value stored as its wire name (a status, a channel, a history field …), read back; a name
/// the code does not know is a corrupt row (a decode error), never a silent default.
pub fn stored<T>(name: &str) -> Result<T, sqlx::Error>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    name.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The database of one application: a pool of either backend, with what this application keeps
/// beside it (its read caches and the signal that it committed events). Cloning is cheap and
/// shares all of it; two `Db`s opened separately share nothing, even on the same database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    caches: Caches,
    commits: Arc<watch::Sender<u64>>,
    /// SQLite's writers queue here, first come first served, instead of in SQLite's busy
    /// handler (which sleeps and retries: a writer could lose the lock to later ones for a
    /// second or more).
    write_gate: Arc<tokio::sync::Mutex<()>>,
    text_search: ticket_text::TextSearch,
}

/// The connection pool of the backend in use.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Why the database could not be opened; each variant prints as one actionable line.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got {0:?})")]
    UnsupportedUrl(String),
    #[error("DATABASE_URL is not a valid {backend} URL: {source}")]
    InvalidUrl {
        backend: &'static str,
        source: sqlx::Error,
    },
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the {backend} database at {target}: {source}")]
    Unreachable {
        backend: &'static str,
        target: String,
        source: sqlx::Error,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// Shows where a URL points without its password.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl Db {
    /// Opens a pool and checks that the database answers.
    pub async fn connect(url: &str, settings: PoolSettings) -> Result<Db, ConnectError> {
        let backend =
            Backend::from_url(url).ok_or_else(|| ConnectError::UnsupportedUrl(redact_url(url)))?;
        let unreachable = |source| ConnectError::Unreachable {
            backend: backend.name(),
            target: redact_url(url),
            source,
        };
        match backend {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|source| ConnectError::InvalidUrl {
                        backend: "sqlite",
                        source,
                    })?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    // Reads go through mmap of the whole file (up to 16 GiB: the kernel's page
                    // cache, shared and reclaimable, not this process's heap), so each
                    // connection's own page cache (written pages, and what mmap cannot serve)
                    // stays small: 16 MiB instead of the 64 MiB that, times ten connections,
                    // grew the process by 350 MiB under load at 1,000,000 tickets.
                    .pragma("cache_size", "-16384")
                    .pragma("mmap_size", "17179869184")
                    .pragma("temp_store", "memory")
                    // A page of results (51 rows) fits in the worker's row channel, so the
                    // SQLite thread never waits for the reader in the middle of a list.
                    .row_buffer_size(256);
                if let Some(parent) = options.get_filename().parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent).map_err(|source| {
                            ConnectError::Directory {
                                path: parent.display().to_string(),
                                source,
                            }
                        })?;
                    }
                }
                let pool = SqlitePoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    .connect_with(options)
                    .await
                    .map_err(unreachable)?;
                Ok(Db::new(Pool::Sqlite(pool)))
            }
            Backend::Postgres => {
                let options =
                    PgConnectOptions::from_str(url).map_err(|source| ConnectError::InvalidUrl {
                        backend: "postgres",
                        source,
                    })?;
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    .connect_with(options)
                    .await
                    .map_err(unreachable)?;
                Ok(Db::new(Pool::Postgres(pool)))
            }
        }
    }

    fn new(pool: Pool) -> Db {
        Db {
            pool,
            caches: Caches::new(true),
            commits: Arc::new(watch::channel(0).0),
            write_gate: Arc::new(tokio::sync::Mutex::new(())),
            text_search: ticket_text::TextSearch::default(),
        }
    }

    /// The same database searching ticket text the given way (`CHAMADO_TICKET_SEARCH`).
    pub fn with_text_search(mut self, text_search: ticket_text::TextSearch) -> Db {
        self.text_search = text_search;
        self
    }

    /// How ticket lists search text.
    pub fn text_search(&self) -> ticket_text::TextSearch {
        self.text_search
    }

    /// The same database with fresh read caches, used only when `enabled`
    /// (`CHAMADO_READ_CACHE`); call before handing the handle out.
    pub fn with_read_cache(mut self, enabled: bool) -> Db {
        self.caches = Caches::new(enabled);
        self
    }

    /// The pool of the backend in use (prefer [`with_db!`] or [`Db::acquire`]).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// This application's read caches.
    pub fn caches(&self) -> &Caches {
        &self.caches
    }

    /// Tells this application's event pump that events were committed (see
    /// [`crate::backend::events::wake`]).
    pub fn signal_commit(&self) {
        self.commits.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that changes whenever [`Db::signal_commit`] is called.
    pub fn commit_signals(&self) -> watch::Receiver<u64> {
        self.commits.subscribe()
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend (`migrations/<backend>/`).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await,
        }
    }

    /// A round trip to the database, for `/readyz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        crate::with_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    /// `(connections open, connections idle)`, for `/metrics`.
    pub fn pool_stats(&self) -> (u32, usize) {
        crate::with_db!(self, pool => (pool.size(), pool.num_idle()))
    }

    pub async fn close(&self) {
        crate::with_db!(self, pool => pool.close().await)
    }
}

/// Runs `$body` with `$pool` bound to the concrete pool of the backend in use.
/// The body is compiled once per backend, so it may use any sqlx API generic over the database.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db.pool() {
            $crate::backend::db::Pool::Sqlite($pool) => $body,
            $crate::backend::db::Pool::Postgres($pool) => $body,
        }
    };
}

/// A connection of either backend, borrowed from a pool or a transaction. Query functions in
/// `db/*` take one, so the same function serves a single read and a step of a transaction.
pub enum Conn<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

impl Conn<'_> {
    /// A shorter borrow of the same connection, so one `Conn` serves several queries.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// Runs `$body` with `$conn` bound to the concrete `&mut XConnection` behind a [`Conn`].
#[macro_export]
macro_rules! on_conn {
    ($c:expr, $conn:ident => $body:expr) => {
        match $c {
            $crate::backend::db::Conn::Sqlite($conn) => $body,
            $crate::backend::db::Conn::Postgres($conn) => $body,
        }
    };
}

/// A connection checked out of the pool; returned to it on drop.
pub enum PooledConn {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl PooledConn {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PooledConn::Sqlite(c) => Conn::Sqlite(c),
            PooledConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// An open transaction; rolled back on drop unless [`Tx::commit`] is called.
pub enum Tx {
    /// With this application's turn at SQLite's write lock, given back after the transaction.
    Sqlite(
        sqlx::Transaction<'static, sqlx::Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t, _) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t, _turn) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

impl Db {
    pub async fn acquire(&self) -> Result<PooledConn, sqlx::Error> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => PooledConn::Sqlite(pool.acquire().await?),
            Pool::Postgres(pool) => PooledConn::Postgres(pool.acquire().await?),
        })
    }

    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match &self.pool {
            // Write transactions take SQLite's write lock at once: a deferred transaction that
            // read first could fail with SQLITE_BUSY on upgrade, which busy_timeout cannot wait
            // out. This application's writers take turns first (in order of arrival), holding
            // their connection, so the busy handler only waits for other processes.
            Pool::Sqlite(pool) => {
                let conn = pool.acquire().await?;
                let turn = self.write_gate.clone().lock_owned().await;
                let tx = sqlx::Transaction::begin(conn, Some("BEGIN IMMEDIATE".into())).await?;
                Tx::Sqlite(tx, turn)
            }
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_by_url_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/chamado.db"),
            Some(Backend::Sqlite)
        );
        assert_eq!(Backend::from_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://u@h/db"), None);
    }

    #[test]
    fn redaction_hides_the_password_only() {
        assert_eq!(
            redact_url("postgres://chamado:s3cret@db:5432/x"),
            "postgres://chamado:***@db:5432/x"
        );
        assert_eq!(
            redact_url("sqlite://data/chamado.db"),
            "sqlite://data/chamado.db"
        );
    }
}
