//! Configuration from the environment and command-line flags (flags win).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Options every command shares.
#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// Database URL: `sqlite://PATH` (embedded, default) or `postgres://USER:PASS@HOST:PORT/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/chamado.db",
        global = true
    )]
    pub database_url: String,

    /// Directory for attachments and other files Chamado writes.
    #[arg(long, env = "CHAMADO_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Maximum database connections in the pool.
    #[arg(
        long,
        env = "CHAMADO_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,

    /// Log format: `text` (default) or `json`. Log levels come from `RUST_LOG`.
    #[arg(long, env = "CHAMADO_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

/// Options of `chamado serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeOptions {
    /// Address to listen on.
    #[arg(long, env = "CHAMADO_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Directory of the built site (WASM, JS, CSS), as written by cargo-leptos.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Load the demo data when the database is empty.
    #[arg(long)]
    pub demo: bool,

    /// The address people use to reach Chamado (for links); default `http://<addr>`. An
    /// `https://` address also marks the session cookie `Secure`.
    #[arg(long, env = "CHAMADO_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy that sets it).
    #[arg(long, env = "CHAMADO_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// The bearer token Prometheus sends to scrape `/metrics`
    /// (`Authorization: Bearer <token>`). Unset, `/metrics` answers 404: it is never public.
    #[arg(long, env = "CHAMADO_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Serve repeated reads (token identities, ticket counters, list pages) from memory until a
    /// ticket or account changes (at most 2 s for other instances' writes). `false` reads the
    /// database every time: for measuring the uncached path, or ruling the caches out.
    #[arg(long, env = "CHAMADO_READ_CACHE", default_value_t = true, action = clap::ArgAction::Set)]
    pub read_cache: bool,

    /// How ticket lists search text (`q`): `fulltext` (the database's full-text index) or
    /// `like`, the substring scan of earlier versions that reads every message in scope, kept
    /// only as the baseline row of `bench/scaling.py`.
    #[arg(long, env = "CHAMADO_TICKET_SEARCH", default_value = "fulltext")]
    pub ticket_search: app::backend::db::ticket_text::TextSearch,

    /// Milliseconds between the event pump's looks at the event table for other instances'
    /// events. On PostgreSQL, LISTEN/NOTIFY delivers them at once and this is only the safety
    /// net; with SQLite it is how a second process's events arrive.
    #[arg(long, env = "CHAMADO_EVENT_POLL_MS", default_value_t = 500)]
    pub event_poll_ms: u64,

    /// Milliseconds between the SLA watcher's passes: how late, at most, a ticket turns amber or
    /// red (and the live `sla.breached` event goes out) after the instant passes.
    #[arg(long, env = "CHAMADO_SLA_WATCH_MS", default_value_t = 5000)]
    pub sla_watch_ms: u64,

    /// Seconds without a request after which a signed-in session ends (default 14 days). Every
    /// request moves the end forward (at most once a minute is it written down).
    #[arg(long, env = "CHAMADO_SESSION_IDLE_SECONDS", default_value_t = 14 * 86_400)]
    pub session_idle_seconds: u64,

    /// Seconds after signing in at which a session ends however active it is (default 30 days).
    #[arg(long, env = "CHAMADO_SESSION_MAX_SECONDS", default_value_t = 30 * 86_400)]
    pub session_max_seconds: u64,

    /// The SMTP relay mail goes out through: `smtp://user:pass@host:587` (STARTTLS required),
    /// `smtps://user:pass@host:465`, or `smtp://host:25?tls=none` for a relay on the same host.
    /// Unset, mail is composed and kept: admins read it in "E-mails enviados".
    #[arg(long, env = "CHAMADO_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of Chamado's mail, e.g. `Suporte ACME <suporte@acme.com.br>`. Replies go to
    /// the same mailbox with a signed `+token` per ticket and person.
    #[arg(
        long,
        env = "CHAMADO_MAIL_FROM",
        default_value = "Suporte Chamado <suporte@chamado.local>"
    )]
    pub mail_from: String,

    /// How many job workers (mail to compose and deliver) this instance runs; 0 leaves the jobs,
    /// and reading the IMAP mailboxes, to other instances.
    #[arg(long, env = "CHAMADO_JOB_WORKERS", default_value_t = 2)]
    pub job_workers: usize,

    /// Seconds to let in-flight requests finish after SIGTERM or Ctrl-C.
    #[arg(long, env = "CHAMADO_SHUTDOWN_GRACE_SECONDS", default_value_t = 10)]
    pub shutdown_grace_seconds: u64,
}
