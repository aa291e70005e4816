//! Building and running the application: database, state, router, listener, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use chrono::Utc;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::LeptosRoutes;
use tokio::net::TcpListener;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use app::backend::db::PoolSettings;
use app::backend::services::defaults;
use app::backend::session::{AnySessionStore, COOKIE_NAME};
use app::backend::state::RuntimeSettings;
use app::backend::{AppState, Db};
use app::shell;

use crate::config::{GlobalOptions, ServeOptions};
use crate::{metrics, render, rest, security, server_fn_status, static_files};

/// Opens the database named by the options, applies migrations and the default data.
/// Errors are one line a person can act on.
pub async fn open_database(global: &GlobalOptions) -> anyhow::Result<Db> {
    let settings = PoolSettings {
        max_connections: global.db_max_connections.max(1),
        ..PoolSettings::default()
    };
    let db = Db::connect(&global.database_url, settings).await?;
    db.migrate()
        .await
        .context("cannot apply the database migrations")?;
    defaults::ensure(&db, Utc::now()).await.map_err(|e| {
        anyhow::anyhow!("cannot write the default departments and ticket types: {e}")
    })?;
    AnySessionStore::new(&db)
        .migrate()
        .await
        .context("cannot create the session table")?;
    Ok(db)
}

/// Leptos options built in code, so the binary needs no `LEPTOS_*` variable: the hashed asset
/// names are used when cargo-leptos left `hash.txt` beside the executable.
pub fn leptos_options(site_root: &Path, addr: SocketAddr) -> LeptosOptions {
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|p| p.is_file());
    LeptosOptions::builder()
        .output_name("chamado")
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(Env::PROD)
        .hash_files(hash_files)
        .build()
}

/// Which responses are compressed: tower-http's defaults (no images, gRPC or event streams)
/// from 1 KiB up. A smaller body fits in one packet either way, and setting up a brotli
/// encoder for it costs more CPU than the handler that produced it (the ticket counters).
/// Responses are compressed at the fastest level (nginx's default for gzip too): at brotli's
/// level 4 a 50-row list page (20 KB of JSON) took longer to compress than to produce.
fn compress_when() -> impl Predicate {
    SizeAbove::new(1024)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let secure_cookies = state.settings.public_url.starts_with("https://");
    let sessions = SessionManagerLayer::new(AnySessionStore::new(&state.db))
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::seconds(
                state.settings.sessions.idle.num_seconds(),
            ),
        ));
    let options = state.leptos_options.clone();
    let routes = render::routes();
    let context_state = state.clone();
    let provide_state = move || provide_context(context_state.clone());
    let pkg = static_files::pkg_router(
        Path::new(options.site_root.as_ref()),
        &options.site_pkg_dir,
        options.hash_files,
    );

    Router::new()
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .merge(rest::ops_router())
        .route("/metrics", axum::routing::get(metrics::render))
        .nest("/api/v1", rest::v1_router())
        .nest_service("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, shell))
        .layer(axum::middleware::from_fn(render::keep_arena))
        .layer(axum::middleware::from_fn(
            app::backend::session::RequestUser::layer,
        ))
        .layer(axum::middleware::from_fn(
            server_fn_status::map_server_fn_errors,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            security::AnonymousWrites::new(state.settings.trust_proxy),
            security::throttle_anonymous_writes,
        ))
        .layer(axum::middleware::from_fn(security::refuse_nul))
        .layer(axum::middleware::from_fn(security::csrf_guard))
        .layer(axum::middleware::from_fn_with_state(
            security::Transport {
                https: secure_cookies,
            },
            security::security_headers,
        ))
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(compress_when()),
        )
        .layer(metrics::layer())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    grace: Duration,
}

impl Application {
    pub async fn build(
        serve: &ServeOptions,
        global: &GlobalOptions,
        db: Db,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(serve.addr)
            .await
            .with_context(|| format!("cannot listen on {} (CHAMADO_ADDR)", serve.addr))?;
        let addr = listener.local_addr()?;
        let public_url = serve
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        let mail = mailer(serve, &public_url, &db).await?;
        let state = AppState {
            leptos_options: leptos_options(&serve.site_root, addr),
            db: db
                .with_read_cache(serve.read_cache)
                .with_text_search(serve.ticket_search),
            settings: Arc::new(RuntimeSettings {
                data_dir: global.data_dir.clone(),
                public_url,
                trust_proxy: serve.trust_proxy,
                metrics_token: serve
                    .metrics_token
                    .clone()
                    .filter(|token| !token.is_empty()),
                sessions: app::backend::session::SessionPolicy {
                    idle: chrono::Duration::seconds(
                        i64::try_from(serve.session_idle_seconds.max(1)).unwrap_or(i64::MAX / 1000),
                    ),
                    lifetime: chrono::Duration::seconds(
                        i64::try_from(serve.session_max_seconds.max(1)).unwrap_or(i64::MAX / 1000),
                    ),
                },
            }),
            events: app::backend::events::EventBus::with_poll(Duration::from_millis(
                serve.event_poll_ms.max(10),
            )),
            storage: app::backend::storage::Storage::new(&global.data_dir),
            search: app::backend::search::SearchIndex::new()?,
            mail: mail.clone(),
        };
        state
            .search
            .set_synonyms(app::backend::search::Synonyms::defaults());
        let mut mark = app::backend::services::help_center::SearchMark::default();
        app::backend::services::help_center::sync_search(&state.db, &state.search, &mut mark)
            .await
            .map_err(|e| anyhow::anyhow!("building the search index: {e}"))?;
        spawn_search_sync(&state, mark);
        tokio::spawn(state.events.clone().run_pump(state.db.clone()));
        spawn_housekeeping(&state);
        spawn_sla_watcher(&state, Duration::from_millis(serve.sla_watch_ms.max(100)));
        for _ in 0..serve.job_workers {
            tokio::spawn(app::backend::mail::worker::run(
                state.db.clone(),
                mail.clone(),
            ));
        }
        if serve.job_workers > 0 {
            // Mailboxes with an IMAP server are read by every instance that works jobs.
            tokio::spawn(app::backend::mail::imap::supervise(
                state.db.clone(),
                mail.clone(),
                state.storage.clone(),
            ));
        }
        Ok(Application {
            router: router(state.clone()),
            listener,
            state,
            grace: Duration::from_secs(serve.shutdown_grace_seconds),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish for the grace
    /// period, closes the database pool and returns.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            let _ = stopping_tx.send(true);
        };
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(self.listener, service).with_graceful_shutdown(signal);
        let grace = self.grace;
        let forced = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = server => result.context("the HTTP server failed")?,
            () = forced => tracing::warn!(?grace, "grace period over: closing remaining connections"),
        }
        self.state.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Background work: answered tickets that waited too long close themselves (every ten
/// minutes); expired sessions and old sign-in failures are removed (hourly).
/// Keeps the search index in step with the articles table: a published (or withdrawn)
/// article, here or on another instance, is searchable within half a second.
/// How often every instance checks the articles table for changes to index.
pub const SEARCH_SYNC_INTERVAL: Duration = Duration::from_millis(500);

/// The mail settings of `CHAMADO_SMTP_URL` and `CHAMADO_MAIL_FROM`, with the installation's
/// signing key (made at the first start).
async fn mailer(
    serve: &ServeOptions,
    public_url: &str,
    db: &Db,
) -> anyhow::Result<Arc<app::backend::mail::worker::Mailer>> {
    use app::backend::mail::{compose::MailContext, signing::Keys, transport::Transport};
    let from: app::backend::mail::compose::Mailbox = serve.mail_from.parse().map_err(|e| {
        anyhow::anyhow!(
            "CHAMADO_MAIL_FROM is not an address such as `Suporte <suporte@example.com>`: {e}"
        )
    })?;
    let transport = Transport::from_url(serve.smtp_url.as_deref()).map_err(anyhow::Error::msg)?;
    if !transport.is_configured() {
        tracing::info!(
            "no CHAMADO_SMTP_URL: mail is composed and kept (Administração › E-mails enviados)"
        );
    }
    let keys = Keys::load(db, chrono::Utc::now())
        .await
        .context("reading the mail signing key")?;
    let product = from.name.clone().unwrap_or_else(|| "Chamado".to_owned());
    Ok(Arc::new(app::backend::mail::worker::Mailer {
        ctx: MailContext {
            public_url: public_url.to_owned(),
            from,
            product,
            keys,
        },
        transport,
    }))
}

fn spawn_search_sync(state: &AppState, mut mark: app::backend::services::help_center::SearchMark) {
    let (db, index) = (state.db.clone(), state.search.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SEARCH_SYNC_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::backend::services::help_center::sync_search(&db, &index, &mut mark).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(articles = n, "search index updated"),
                Err(error) => tracing::warn!(%error, "search index update failed"),
            }
        }
    });
}

/// The SLA watcher: every few seconds, clocks whose amber or due instant passed move on, and
/// staff are told live. With several instances each runs it; the writes are serialised and a
/// clock already moved is not found again.
fn spawn_sla_watcher(state: &AppState, period: Duration) {
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::backend::services::sla::advance_clocks(&db, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::debug!(tickets = n, "service-level clocks advanced");
                    app::backend::events::wake(&db);
                }
                Err(error) => tracing::warn!(%error, "SLA watcher failed"),
            }
        }
    });
}

fn spawn_housekeeping(state: &AppState) {
    let db = state.db.clone();
    let tickets_db = state.db.clone();
    tokio::spawn(async move {
        // Every ten minutes, starting ten minutes after start-up.
        let period = Duration::from_secs(600);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tick.tick().await;
            match app::backend::services::tickets::auto_close_answered(&tickets_db, Utc::now())
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    closed = n,
                    "answered tickets closed after waiting for the customer"
                ),
                Err(error) => tracing::warn!(%error, "auto-close failed"),
            }
            if let Err(error) =
                app::backend::services::tickets::warn_before_auto_close(&tickets_db, Utc::now())
                    .await
            {
                tracing::warn!(%error, "auto-close warnings failed");
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            prune_old_rows(&db).await;
        }
    });
}

/// Rows deleted per statement by the hourly clean-up: each batch is its own short write, so
/// requests get the write lock between batches however much there is to delete.
pub const PRUNE_BATCH: i64 = 1000;

/// Deletes old events, expired sessions, old sign-in failures, finished jobs (7 days; dead ones
/// 28), mails of the outbox and bell notifications (90 days), in batches; merges the SQLite
/// text index's segments.
pub async fn prune_old_rows(db: &Db) -> u64 {
    use app::backend::{db::tokens, events, session};
    let now = Utc::now();
    let events_before = now - chrono::Duration::from_std(events::RETENTION).unwrap_or_default();
    let failures_before = now - app::backend::services::auth::THROTTLE_WINDOW;
    let old_events = in_batches("events", || async {
        let mut c = db.acquire().await?;
        events::prune(c.conn(), events_before, PRUNE_BATCH).await
    })
    .await;
    let sessions = in_batches("sessions", || {
        session::delete_expired_sessions(db, PRUNE_BATCH)
    })
    .await;
    let failures = in_batches("sign-in failures", || async {
        let mut c = db.acquire().await?;
        tokens::prune_login_failures(c.conn(), failures_before, PRUNE_BATCH).await
    })
    .await;
    let jobs = in_batches("jobs", || async {
        let mut c = db.acquire().await?;
        app::backend::jobs::prune(c.conn(), now, PRUNE_BATCH).await
    })
    .await;
    let mails = in_batches("outbox", || async {
        let mut c = db.acquire().await?;
        app::backend::mail::outbox::prune(c.conn(), now, PRUNE_BATCH).await
    })
    .await;
    let bells = in_batches("notifications", || async {
        let mut c = db.acquire().await?;
        app::backend::mail::bell::prune(c.conn(), now, PRUNE_BATCH).await
    })
    .await;
    let received = in_batches("received mail", || async {
        let mut c = db.acquire().await?;
        app::backend::mail::inbox::prune(c.conn(), now, PRUNE_BATCH).await
    })
    .await;
    if let Err(error) = app::backend::db::ticket_text::merge_segments(db).await {
        tracing::warn!(%error, job = "text index", "housekeeping failed");
    }
    old_events + sessions + failures + jobs + mails + bells + received
}

/// Runs one batch of a clean-up after another until a batch is not full; returns the rows deleted.
async fn in_batches<F, Fut>(job: &str, mut batch: F) -> u64
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<u64, sqlx::Error>>,
{
    let mut total = 0;
    loop {
        match batch().await {
            Ok(n) => {
                total += n;
                if n < PRUNE_BATCH as u64 {
                    return total;
                }
                tokio::task::yield_now().await;
            }
            Err(error) => {
                tracing::warn!(%error, job, "housekeeping failed");
                return total;
            }
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
