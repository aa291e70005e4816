use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use app::backend::db::{Backend, Pool, PoolSettings};
use app::backend::Db;
use server::config::{GlobalOptions, LogFormat, ServeOptions};
use server::startup::Application;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// A database created for one test, dropped with it (PostgreSQL databases are dropped by the
/// suite's cluster teardown; names are unique per test).
#[derive(Clone)]
pub struct TestDb {
    pub url: String,
    /// Shared by the applications started on this database (see [`TestApp::second_instance`]).
    pub dir: std::sync::Arc<TempDir>,
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
            if let Pool::Postgres(pool) = admin.pool() {
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
                dir: dir.into(),
            }
        }
        _ => {
            let path = dir.path().join("chamado.db");
            TestDb {
                url: format!("sqlite://{}", path.display()),
                dir: dir.into(),
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

    /// A GET with `Authorization: Bearer <token>` (no cookie, no Origin).
    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
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

impl TestApp {
    /// A process restart within the test: stops the server, closes its pool and starts a new
    /// application (fresh caches, watchers and pool) on the same database.
    pub async fn restart(self) -> TestApp {
        self.restart_with(SpawnOptions::default()).await
    }

    /// Another instance of Chamado on the same database, running beside this one (its own
    /// caches, event pump and pool), as behind a load balancer.
    pub async fn second_instance(&self) -> TestApp {
        start_on(self._test_db.clone(), SpawnOptions::default()).await
    }

    /// [`TestApp::restart`] with other options.
    pub async fn restart_with(mut self, options: SpawnOptions) -> TestApp {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.expect("server task").expect("server stopped");
        }
        self.db.close().await;
        start_on(self._test_db, options).await
    }
}

#[derive(Default)]
pub struct SpawnOptions {
    pub demo: bool,
    /// `CHAMADO_PUBLIC_URL` (default: the listening address over http).
    pub public_url: Option<String>,
    /// `CHAMADO_SESSION_IDLE_SECONDS` / `CHAMADO_SESSION_MAX_SECONDS` (defaults: 14 and 30 days).
    pub session_idle_seconds: Option<u64>,
    pub session_max_seconds: Option<u64>,
    /// `CHAMADO_SMTP_URL` (default: none, mail is kept).
    pub smtp_url: Option<String>,
    /// `CHAMADO_JOB_WORKERS` (default 2; 0: this instance leaves jobs to others).
    pub job_workers: Option<usize>,
}

/// Starts the real application on a free loopback port with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(SpawnOptions::default()).await
}

pub async fn spawn_app_with(options: SpawnOptions) -> TestApp {
    // `CHAMADO_TEST_LOG=warn` (an `EnvFilter`) prints the servers' logs while debugging a test.
    static LOG: std::sync::Once = std::sync::Once::new();
    if let Ok(filter) = std::env::var("CHAMADO_TEST_LOG") {
        LOG.call_once(|| {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        });
    }
    start_on(fresh_database().await, options).await
}

/// Starts the application on `test_db` as it is (loading the demo data first if asked).
async fn start_on(test_db: TestDb, options: SpawnOptions) -> TestApp {
    let global = global_options(&test_db);
    let db = server::startup::open_database(&global)
        .await
        .expect("open database");
    if options.demo {
        app::backend::demo::load(&db, chrono::Utc::now())
            .await
            .expect("demo data");
    }
    let serve = ServeOptions {
        addr: "127.0.0.1:0".parse().expect("addr"),
        site_root: PathBuf::from(test_db.dir.path()).join("site"),
        demo: false,
        shutdown_grace_seconds: 2,
        public_url: options.public_url.clone(),
        trust_proxy: false,
        metrics_token: Some(METRICS_TOKEN.to_owned()),
        read_cache: true,
        ticket_search: app::backend::db::ticket_text::TextSearch::FullText,
        event_poll_ms: 500,
        sla_watch_ms: 1000,
        session_idle_seconds: options.session_idle_seconds.unwrap_or(14 * 86_400),
        session_max_seconds: options.session_max_seconds.unwrap_or(30 * 86_400),
        smtp_url: options.smtp_url.clone(),
        mail_from: "Suporte ACME <suporte@acme.test>".to_owned(),
        job_workers: options.job_workers.unwrap_or(2),
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
        .timeout(std::time::Duration::from_secs(30))
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

/// A browser-like client: keeps cookies and sends this app's `Origin` on writes, as pages do.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

pub const PASSWORD: &str = app::backend::demo::DEMO_PASSWORD;

impl TestApp {
    pub fn browser(&self) -> Browser {
        Browser::new(&format!("http://{}", self.addr))
    }

    /// A fresh browser whose connections come from another loopback address (`127.0.0.n`), as
    /// a person elsewhere would.
    pub fn browser_at(&self, n: u8) -> Browser {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(std::net::IpAddr::from([127, 0, 0, n]))
            .build()
            .expect("client");
        Browser {
            client,
            base: format!("http://{}", self.addr),
        }
    }

    /// A browser signed in as a demo account (through the REST API).
    pub async fn signed_in(&self, email: &str) -> Browser {
        let browser = self.browser();
        let response = browser.sign_in(email, PASSWORD).await;
        assert_eq!(response.status(), 200, "sign-in of {email} failed");
        browser
    }

    /// The id of a user by e-mail.
    pub async fn user_id(&self, email: &str) -> i64 {
        let mut c = self.db.acquire().await.unwrap();
        app::backend::db::users::find_by_email(c.conn(), email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// The id of an organization by name.
    pub async fn organization_id(&self, name: &str) -> i64 {
        let mut c = self.db.acquire().await.unwrap();
        app::backend::db::organizations::find_id_by_name(c.conn(), name)
            .await
            .unwrap()
            .unwrap()
    }
}

impl Browser {
    /// A fresh browser (its own cookies) for the server at `base` (`http://host:port`).
    pub fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser {
            client,
            base: base.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// A JSON write with this site's Origin.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("origin", &self.base);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.send(
            reqwest::Method::POST,
            "/api/v1/session",
            Some(serde_json::json!({"email": email, "password": password})),
        )
        .await
    }

    /// Calls a server function the way `<ActionForm>` does (form-encoded POST with Origin).
    pub async fn server_fn(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/fn/{endpoint}")))
            .header("origin", &self.base)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request")
    }
}

/// The `chamado_session` value set by a response, if it set one.
pub fn set_session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("chamado_session="))
        .map(str::to_owned)
}

/// The cookie pair (`chamado_session=…`) of a `Set-Cookie` header.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

impl TestApp {
    /// The text column of each row of a query, on whichever backend the test runs
    /// (`$1` is bound to `arg` when given).
    pub async fn texts(&self, sql: &str, arg: Option<i64>) -> Vec<String> {
        let rows: Vec<(String,)> = app::with_db!(&self.db, pool => {
            let mut query = sqlx::query_as(sql);
            if let Some(arg) = arg {
                query = query.bind(arg);
            }
            query.fetch_all(pool).await.unwrap()
        });
        rows.into_iter().map(|(text,)| text).collect()
    }

    /// Runs one statement.
    pub async fn execute(&self, sql: &str) {
        app::with_db!(&self.db, pool => sqlx::query(sql).execute(pool).await.map(|_| ()).unwrap());
    }

    /// One integer a query returns.
    pub async fn number(&self, sql: &str) -> i64 {
        let row: (i64,) =
            app::with_db!(&self.db, pool => sqlx::query_as(sql).fetch_one(pool).await.unwrap());
        row.0
    }
}

/// A fresh application with the demo data.
pub async fn demo_app() -> TestApp {
    spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await
}

impl Browser {
    /// A JSON call: the status and the body (`null` when it is not JSON).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let response = self.send(method, path, body).await;
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// Closes a ticket (`PATCH` its status): the status and the body, as [`Browser::call`].
    pub async fn close_ticket(&self, id: impl std::fmt::Display) -> (u16, serde_json::Value) {
        self.call(
            reqwest::Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(serde_json::json!({"status": "closed"})),
        )
        .await
    }

    /// The ticket a creation answered with (201), as its detail (`GET /api/v1/tickets/{id}`).
    pub async fn created_ticket(&self, response: reqwest::Response) -> serde_json::Value {
        assert_eq!(response.status(), 201);
        let ticket: serde_json::Value = response.json().await.expect("ticket json");
        let id = ticket["id"].as_str().expect("ticket id");
        self.get(&format!("/api/v1/tickets/{id}"))
            .await
            .json()
            .await
            .expect("detail json")
    }

    /// The id of an active department by name.
    pub async fn department(&self, name: &str) -> i64 {
        let list: Vec<serde_json::Value> = self
            .get("/api/v1/departments")
            .await
            .json()
            .await
            .expect("departments");
        list.iter()
            .find(|d| d["name"] == name)
            .and_then(|d| d["id"].as_i64())
            .unwrap_or_else(|| panic!("no department {name}"))
    }

    /// Invites an agent into departments (`POST /api/v1/admin/users`, as an admin): the status
    /// and the body, as [`Browser::call`].
    pub async fn invite_agent(
        &self,
        email: &str,
        name: &str,
        department_ids: &[i64],
    ) -> (u16, serde_json::Value) {
        self.call(
            reqwest::Method::POST,
            "/api/v1/admin/users",
            Some(
                serde_json::json!({"email": email, "name": name, "role": "agent",
                "department_ids": department_ids}),
            ),
        )
        .await
    }

    /// A multipart POST with this site's Origin (uploads).
    pub async fn post_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.base)
            .multipart(form)
            .send()
            .await
            .expect("request")
    }
}

/// The token the test applications accept on `/metrics`.
pub const METRICS_TOKEN: &str = "scrape-me";

/// A new API token of the signed-in person.
pub async fn api_token(browser: &Browser) -> String {
    let created = browser
        .send(
            reqwest::Method::POST,
            "/api/v1/me/tokens",
            Some(serde_json::json!({"name": "test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.expect("token json");
    created["token"].as_str().expect("token").to_owned()
}

/// The `(field, code)` pairs of a validation problem's errors.
pub fn field_codes(problem: &serde_json::Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_owned(),
                        e["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Percent-encodes every byte but ASCII letters and digits (a query string value).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Opens a question in Técnico as this person; answers its `TKT-…` id.
pub async fn open_question(
    browser: &Browser,
    priority: &str,
    subject: &str,
    message: &str,
) -> String {
    let department = browser.department("Técnico").await;
    let (status, ticket) = browser
        .call(
            reqwest::Method::POST,
            "/api/v1/tickets",
            Some(
                serde_json::json!({"type": "duvida", "department_id": department,
                "priority": priority, "subject": subject, "message": message, "fields": {}}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{ticket}");
    ticket["id"].as_str().unwrap().to_owned()
}

/// The `TKT-…` ids of a listed page (`{items: [...]}`), in order.
pub fn listed_ids(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["id"].as_str().expect("id").to_owned())
        .collect()
}
