use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use app::server::db::{Backend, PoolSettings};
use app::server::Db;
use server::config::{GlobalOptions, LogFormat, ServeOptions};
use server::startup::Application;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// A database created for one test, dropped with it (PostgreSQL databases are dropped by the
/// suite's cluster teardown; names are unique per test).
pub struct TestDb {
    pub url: String,
    pub dir: TempDir,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "chamado_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

pub fn backend() -> Backend {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if Backend::from_url(&url) == Some(Backend::Postgres) => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// A fresh, empty database URL for the backend under test.
pub async fn fresh_database() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if Backend::from_url(&admin_url) == Some(Backend::Postgres) => {
            let name = unique_name();
            let admin = Db::connect(
                &admin_url,
                PoolSettings {
                    max_connections: 1,
                    ..Default::default()
                },
            )
            .await
            .expect("connect to TEST_DATABASE_URL");
            if let Db::Postgres(pool) = &admin {
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(pool)
                    .await
                    .expect("create database");
            }
            admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            TestDb {
                url: format!("{base}/{name}"),
                dir,
            }
        }
        _ => {
            let path = dir.path().join("chamado.db");
            TestDb {
                url: format!("sqlite://{}", path.display()),
                dir,
            }
        }
    }
}

pub fn global_options(db: &TestDb) -> GlobalOptions {
    GlobalOptions {
        database_url: db.url.clone(),
        data_dir: db.dir.path().join("data"),
        db_max_connections: 5,
        log_format: LogFormat::Text,
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub client: reqwest::Client,
    /// Kept so the database (and its temporary directory) lives as long as the app.
    pub _test_db: TestDb,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_with_language(&self, path: &str, accept_language: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept-language", accept_language)
            .send()
            .await
            .expect("request")
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.handle.take() {
            Some(handle) => handle.await?,
            None => Ok(()),
        }
    }
}

pub struct SpawnOptions {
    pub demo: bool,
}

/// Starts the real application on a free loopback port with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(SpawnOptions { demo: false }).await
}

pub async fn spawn_app_with(options: SpawnOptions) -> TestApp {
    let test_db = fresh_database().await;
    let global = global_options(&test_db);
    let db = server::startup::open_database(&global)
        .await
        .expect("open database");
    if options.demo {
        app::server::demo::load(&db, chrono::Utc::now())
            .await
            .expect("demo data");
    }
    let serve = ServeOptions {
        addr: "127.0.0.1:0".parse().expect("addr"),
        site_root: PathBuf::from(test_db.dir.path()).join("site"),
        demo: false,
        shutdown_grace_seconds: 2,
    };
    let application = Application::build(&serve, &global, db.clone())
        .await
        .expect("build app");
    let addr = application.local_addr().expect("local addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(application.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        addr,
        db,
        client,
        _test_db: test_db,
        stop: Some(stop),
        handle: Some(handle),
    }
}
