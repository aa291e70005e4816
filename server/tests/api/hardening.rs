//! Input nobody should be able to store (issue 16): invisible and direction-changing
//! characters, text made of nothing visible, and NUL, which PostgreSQL refuses (a 500 before).

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, PASSWORD};
use crate::tickets::{bug, open, ticket_count};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invisible_text_is_missing_and_misleading_characters_are_dropped() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let department = diego.department("Técnico").await;
    let before = ticket_count(&app).await;

    let mut body = bug(department, " \u{200B}\u{FEFF}\n\u{2060} ");
    body["subject"] = json!("\u{200B}\u{200B}\u{202E} ");
    let response = open(&diego, body).await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        crate::helpers::field_codes(&problem),
        [
            ("subject".to_owned(), "required".to_owned()),
            ("message".to_owned(), "required".to_owned())
        ]
    );
    assert_eq!(ticket_count(&app).await, before, "nothing was created");

    // A right-to-left override would show "Faturaexe.pdf"; it is dropped, emoji stay whole.
    let mut body = bug(department, "Segue 👩\u{200D}💻\u{202E}");
    body["subject"] = json!("Fatura\u{202E}fdp.exe\u{200B}");
    let response = open(&diego, body).await;
    let detail = diego.created_ticket(response).await;
    assert_eq!(detail["ticket"]["subject"], "Faturafdp.exe");
    assert_eq!(detail["messages"][0]["body"], "Segue 👩\u{200D}💻");

    let (status, me) = diego
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"name": "Diego\u{2066} Alves\u{7}"})),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    let me: Value = diego.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["name"], "Diego Alves");

    // A file name cannot hide its real extension either.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
    let form = Form::new()
        .text("ticket", bug(department, "Print em anexo.").to_string())
        .part(
            "attachment",
            Part::bytes(png.to_vec()).file_name("foto\u{202E}gnp.exe".to_owned()),
        );
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    let detail = diego.created_ticket(response).await;
    assert_eq!(
        detail["messages"][0]["attachments"][0]["name"],
        "fotognp.exe.png"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_anywhere_is_a_clear_400_and_changes_nothing() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let department = diego.department("Técnico").await;
    let before = ticket_count(&app).await;
    let refused = |status: u16, problem: &Value| {
        assert_eq!(status, 400, "{problem}");
        assert!(
            problem["type"].as_str().unwrap().ends_with("malformed"),
            "{problem}"
        );
        assert_eq!(problem["code"], "invalid_characters", "{problem}");
    };

    // In a custom field (no cleaning rule applies there), as JSON.
    let mut body = bug(department, "Mensagem.");
    body["fields"]["produto"] = json!("Relatórios\u{0}");
    let (status, problem) = diego
        .call(Method::POST, "/api/v1/tickets", Some(body.clone()))
        .await;
    refused(status, &problem);
    // In the ticket part of a multipart upload.
    let form = Form::new().text("ticket", body.to_string());
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    let status = response.status().as_u16();
    refused(status, &response.json().await.unwrap());
    assert_eq!(ticket_count(&app).await, before, "nothing was created");

    // In a query string.
    let (status, problem) = diego
        .call(Method::GET, "/api/v1/tickets?q=boleto%00", None)
        .await;
    refused(status, &problem);
    // In a server function's form, short (read before the handler) and long (checked as it
    // streams into the handler); and a long JSON body.
    let long = format!("{}\u{0}", "a".repeat(70 * 1024));
    for name in ["Diego\u{0}", long.as_str()] {
        let response = diego
            .server_fn("me/profile", &[("name", name), ("language", "pt-BR")])
            .await;
        assert_eq!(response.status(), 400);
    }
    let (status, problem) = diego
        .call(Method::PATCH, "/api/v1/me", Some(json!({ "name": long })))
        .await;
    refused(status, &problem);
    let me: Value = diego.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["name"], "Diego Alves", "nothing changed");

    // Text that only looks like a NUL escape is fine.
    let mut body = bug(department, "O log diz \\u0000 e %00, literalmente.");
    body["subject"] = json!("Caracteres estranhos no log");
    let response = open(&diego, body).await;
    assert_eq!(response.status(), 201);
}

/// A list input is bounded before any work (and outside the write lock): 50,000 tags are
/// refused at once and change nothing (they were accepted, deduplicated in quadratic time
/// while every other write of the installation waited).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_tag_list_is_refused_before_any_work() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let department = diego.department("Técnico").await;
    let ticket: Value = open(&diego, bug(department, "Tags"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap());
    let tags: Vec<String> = vec!["boleto".to_owned(); 50_000];
    let (status, problem) = ana
        .call(Method::PATCH, &path, Some(json!({"tags": tags})))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        crate::helpers::field_codes(&problem),
        [("tags".to_owned(), "too_many".to_owned())]
    );
    let detail: Value = ana.get(&path).await.json().await.unwrap();
    assert_eq!(detail["tags"], json!([]));
}

/// A body that announces `length` bytes, sends the first 64 KiB and then nothing: a server that
/// reads it before deciding never answers.
fn stalled_body() -> reqwest::Body {
    use futures_util::StreamExt;
    let first = futures_util::stream::once(async { Ok::<_, std::io::Error>(bytes_of(64 * 1024)) });
    reqwest::Body::wrap_stream(first.chain(futures_util::stream::pending()))
}

fn bytes_of(n: usize) -> Vec<u8> {
    vec![b'a'; n]
}

/// A POST whose body announces `length` bytes of `content_type` and stalls after 64 KiB; the
/// answer must come without the rest.
async fn stalled_post(
    browser: &crate::helpers::Browser,
    path: &str,
    content_type: &str,
    length: u64,
) -> reqwest::Response {
    let request = browser
        .client
        .post(browser.url(path))
        .header("origin", &browser.base)
        .header("content-type", content_type)
        .header("content-length", length.to_string())
        .body(stalled_body())
        .send();
    tokio::time::timeout(std::time::Duration::from_secs(10), request)
        .await
        .expect("answered without waiting for the body")
        .expect("response")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_json_body_is_not_read_before_sign_in() {
    let app = demo_app().await;
    let visitor = app.browser();
    for path in ["/api/v1/tickets", "/api/v1/me/tokens"] {
        let response = stalled_post(&visitor, path, "application/json", 2_000_000).await;
        assert_eq!(response.status(), 401, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_before_their_body_is_read() {
    let app = demo_app().await;
    // A customer who may not open tickets: refused before a byte of the 200 MB is read.
    let elisa = app.signed_in("elisa@acme.com.br").await;
    assert_eq!(
        stalled_upload(&elisa, "/api/v1/tickets").await.status(),
        403
    );
    // A made-up ticket: 404 the same way.
    let diego = app.signed_in("diego@acme.com.br").await;
    let missing = stalled_upload(&diego, "/api/v1/tickets/TKT-999999/messages").await;
    assert_eq!(missing.status(), 404);
    // Someone who may write, announcing more than five files at the admins' limit: 413 at once.
    let too_big = stalled_upload(&diego, "/api/v1/tickets").await;
    assert_eq!(too_big.status(), 413);
    let problem: Value = too_big.json().await.unwrap();
    assert_eq!(problem["status"], 413);

    // The JSON part is capped while it streams, far below the file limit.
    let before = ticket_count(&app).await;
    let department = diego.department("Técnico").await;
    let mut ticket = bug(department, "ok");
    ticket["fields"]["passos"] = json!("x".repeat(200 * 1024));
    let form = Form::new().part("ticket", Part::text(ticket.to_string()));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 413);
    // And a plain JSON body on the same route too.
    let response = open(&diego, ticket).await;
    assert_eq!(response.status(), 413);
    assert_eq!(ticket_count(&app).await, before, "nothing was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_get_no_more_than_the_limit_through() {
    let app = demo_app().await;
    let browser = app.browser();
    let attempts = (0..30).map(|_| browser.sign_in("diego@acme.com.br", "wrong-password-xx"));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 30, "{statuses:?}");
    assert!(
        checked <= app::backend::services::auth::THROTTLE_LIMIT as usize,
        "{checked} passwords were checked: {statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_from_elsewhere_do_not_lock_the_owner_out() {
    let app = demo_app().await;
    // The admin signed in from 127.0.0.1 before.
    let own = app.browser();
    assert_eq!(
        own.sign_in("admin@chamado.local", PASSWORD).await.status(),
        200
    );
    // Someone at another address guesses until the account is locked for them.
    let stranger = app.browser_at(2);
    for _ in 0..10 {
        let r = stranger
            .sign_in("admin@chamado.local", "wrong-password-xx")
            .await;
        assert_eq!(r.status(), 401);
    }
    let locked = stranger.sign_in("admin@chamado.local", PASSWORD).await;
    assert_eq!(
        locked.status(),
        429,
        "an unknown address waits, even with the password"
    );
    let third = app.browser_at(3);
    assert_eq!(
        third
            .sign_in("admin@chamado.local", PASSWORD)
            .await
            .status(),
        429
    );
    // The owner, from the address they signed in from, is not locked out.
    let again = app.browser();
    assert_eq!(
        again
            .sign_in("admin@chamado.local", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_slide_while_used_and_end_when_idle_or_too_old() {
    let app = crate::helpers::spawn_app_with(crate::helpers::SpawnOptions {
        demo: true,
        session_idle_seconds: Some(3),
        session_max_seconds: Some(9),
        ..Default::default()
    })
    .await;
    let tick = std::time::Duration::from_millis(1000);
    let idle_after_use = async {
        let browser = app.signed_in("diego@acme.com.br").await;
        // Used every second for 5 s: longer than the idle time, still signed in.
        for second in 0..5 {
            tokio::time::sleep(tick).await;
            assert_eq!(
                browser.get("/api/v1/me").await.status(),
                200,
                "second {second}"
            );
        }
        // Then left alone longer than the idle time: signed out.
        tokio::time::sleep(std::time::Duration::from_millis(4000)).await;
        assert_eq!(browser.get("/api/v1/me").await.status(), 401);
    };
    let always_used = async {
        let browser = app.signed_in("carla@acme.com.br").await;
        let started = std::time::Instant::now();
        let mut last = 200;
        while started.elapsed() < std::time::Duration::from_secs(11) {
            tokio::time::sleep(tick).await;
            let status = browser.get("/api/v1/me").await.status().as_u16();
            if started.elapsed() < std::time::Duration::from_secs(8) {
                assert_eq!(status, 200, "at {:?}", started.elapsed());
            }
            last = status;
        }
        assert_eq!(
            last, 401,
            "the absolute lifetime ends even an active session"
        );
    };
    tokio::join!(idle_after_use, always_used);
}

/// `(helpful, not helpful)` votes of a published article, as the admins' list shows them.
pub(crate) async fn votes_of(app: &crate::helpers::TestApp, slug: &str) -> (i64, i64) {
    let admin = app.signed_in("admin@chamado.local").await;
    let authored: Value = admin
        .get("/api/v1/admin/articles?status=published&limit=100")
        .await
        .json()
        .await
        .unwrap();
    let row = authored["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == slug)
        .cloned()
        .expect("listed");
    (
        row["helpful"].as_i64().unwrap(),
        row["not_helpful"].as_i64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_counts_once_per_person_or_visitor() {
    let app = demo_app().await;
    let path = "/api/v1/articles/redefinir-senha/feedback";
    let before = votes_of(&app, "redefinir-senha").await;
    let visitor = app.browser();
    for _ in 0..3 {
        let r = visitor
            .send(Method::POST, path, Some(json!({"helpful": true})))
            .await;
        assert_eq!(r.status(), 204);
    }
    assert_eq!(
        votes_of(&app, "redefinir-senha").await,
        (before.0 + 1, before.1)
    );
    // Changing one's mind moves the vote; it does not add one.
    visitor
        .send(Method::POST, path, Some(json!({"helpful": false})))
        .await;
    let diego = app.signed_in("diego@acme.com.br").await;
    for _ in 0..2 {
        diego
            .send(Method::POST, path, Some(json!({"helpful": true})))
            .await;
    }
    assert_eq!(
        votes_of(&app, "redefinir-senha").await,
        (before.0 + 1, before.1 + 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_writes_are_throttled_per_address() {
    let app = demo_app().await;
    let here = app.browser();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let r = here
            .server_fn("auth/forgot-password", &[("email", "nobody@example.com")])
            .await;
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=10).contains(&retry), "{retry}");
        }
    }
    assert_eq!(statuses[..10], [200; 10], "{statuses:?}");
    assert_eq!(statuses[10..], [429, 429], "{statuses:?}");
    // Votes from here wait too; another address is not affected.
    let vote = here
        .send(
            Method::POST,
            "/api/v1/articles/redefinir-senha/feedback",
            Some(json!({"helpful": true})),
        )
        .await;
    assert_eq!(vote.status(), 429);
    let elsewhere = app.browser_at(2);
    let r = elsewhere
        .server_fn("auth/forgot-password", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_answers_503_with_retry_after() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    assert_eq!(diego.get("/api/v1/tickets").await.status(), 200);
    app.db.close().await;
    // Another page than the one just read (the read caches may still hold that one, and the
    // session for a second).
    let response = diego.get("/api/v1/tickets?limit=7").await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["type"], "https://chamado.dev/problems/unavailable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_end_when_access_ends() {
    use crate::events::Stream;
    use std::time::Duration;
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    // Deactivated while listening: the stream ends.
    let ana = app.signed_in("ana@chamado.local").await;
    let mut deactivated = Stream::open(&ana, None).await;
    // Signed out in another tab of the same browser: the stream ends.
    let diego = app.signed_in("diego@acme.com.br").await;
    let mut signed_out = Stream::open(&diego, None).await;
    // A revoked token's stream ends.
    let carla = app.signed_in("carla@acme.com.br").await;
    let token = crate::helpers::api_token(&carla).await;
    let tokens: Value = carla.get("/api/v1/me/tokens").await.json().await.unwrap();
    let token_id = tokens[0]["id"].as_i64().unwrap();
    let response = app
        .client
        .get(app.url("/api/v1/events"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut by_token = response.bytes_stream();
    // A stream of someone whose access stays keeps going.
    let lider = app.signed_in("lider@chamado.local").await;
    let mut unaffected = Stream::open(&lider, None).await;

    let ana_id = app.user_id("ana@chamado.local").await;
    let (status, _) = admin
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/users/{ana_id}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        diego
            .send(Method::DELETE, "/api/v1/session", None)
            .await
            .status(),
        204
    );
    let revoked = carla
        .send(
            Method::DELETE,
            &format!("/api/v1/me/tokens/{token_id}"),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);

    assert!(deactivated.ends_within(Duration::from_secs(5)).await);
    assert!(signed_out.ends_within(Duration::from_secs(5)).await);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        use futures_util::StreamExt;
        while let Some(Ok(_)) = by_token.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the revoked token's stream ended");
    assert!(!unaffected.ends_within(Duration::from_secs(1)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_are_capped_per_person() {
    use crate::events::Stream;
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let mut open = Vec::new();
    for _ in 0..app::backend::events::MAX_STREAMS_PER_USER {
        open.push(Stream::open(&diego, None).await);
    }
    let refused = diego.get("/api/v1/events").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    // Another person is not affected; a closed stream frees its slot.
    let carla = app.signed_in("carla@acme.com.br").await;
    let _carla = Stream::open(&carla, None).await;
    drop(open.pop());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let _again = Stream::open(&diego, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_last_event_id_gets_a_resync_not_a_table_scan() {
    use crate::events::Stream;
    use app::backend::events::{record, EventKind};
    let app = demo_app().await;
    let lider = app.signed_in("lider@chamado.local").await;
    {
        let mut tx = app.db.begin().await.unwrap();
        let audience = staff_event();
        for _ in 0..(server::rest::events::REPLAY_WINDOW + 50) {
            record(
                tx.conn(),
                EventKind::StatsChanged,
                audience,
                json!({}),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let mut from_zero = Stream::open(&lider, Some(0)).await;
    let _ = from_zero
        .ends_within(std::time::Duration::from_millis(500))
        .await;
    assert!(from_zero.buffered().contains("event: resync"));
    assert!(
        !from_zero.buffered().contains("id: 1\n"),
        "nothing from the start of the table"
    );
    // A recent id is replayed exactly, without a resync.
    let mut c = app.db.acquire().await.unwrap();
    let latest = app::backend::events::latest_id(c.conn()).await.unwrap();
    drop(c);
    let mut recent = Stream::open(&lider, Some(latest - 3)).await;
    let seen = recent
        .read_until(|e| e.id == latest, std::time::Duration::from_secs(3))
        .await;
    assert_eq!(
        seen.iter().map(|e| e.id).collect::<Vec<_>>(),
        [latest - 2, latest - 1, latest]
    );
    assert!(!recent.buffered().contains("resync"));
}

/// Everything the application logs at INFO and above, from the first call on (one subscriber
/// for the whole test process).
fn captured_logs() -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    use std::sync::{Arc, Mutex, OnceLock};
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        #[derive(Clone)]
        struct Capture(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Capture {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                if let Ok(mut logs) = self.0.lock() {
                    logs.extend_from_slice(bytes);
                }
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let logs = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(logs.clone());
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init();
        logs
    })
    .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_and_reset_links_never_reach_the_log() {
    let logs = captured_logs();
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let invited = carla
        .send(
            Method::POST,
            "/api/v1/organization/members",
            Some(json!({"name": "Nova", "email": "nova-log@acme.com.br"})),
        )
        .await;
    assert_eq!(invited.status(), 202);
    let reset = app
        .browser()
        .server_fn("auth/forgot-password", &[("email", "diego@acme.com.br")])
        .await;
    assert_eq!(reset.status(), 200);
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(text.contains("invitation link made"), "the event is logged");
    assert!(
        text.contains("password reset link made"),
        "the event is logged"
    );
    assert!(!text.contains("/convite/"), "no invitation link in the log");
    assert!(
        !text.contains("/redefinir-senha/"),
        "no reset link in the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_rows_are_pruned_in_batches_and_recent_ones_kept() {
    use app::backend::events::{prune, record, EventKind};
    use chrono::{Duration, Utc};
    use server::startup::PRUNE_BATCH;
    let app = demo_app().await;
    let add = |count: i64, at: chrono::DateTime<Utc>| {
        let db = app.db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            for _ in 0..count {
                record(
                    tx.conn(),
                    EventKind::StatsChanged,
                    staff_event(),
                    json!({}),
                    at,
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        }
    };
    // Half an hour old: within the retention, so the application's own clean-up (which starts
    // with it) leaves them; a prune with a ten-minute cutoff takes them batch by batch.
    add(2 * PRUNE_BATCH + 17, Utc::now() - Duration::minutes(30)).await;
    let cutoff = Utc::now() - Duration::minutes(10);
    let mut batches = Vec::new();
    loop {
        let mut c = app.db.acquire().await.unwrap();
        let deleted = prune(c.conn(), cutoff, PRUNE_BATCH).await.unwrap();
        batches.push(deleted);
        if deleted == 0 {
            break;
        }
    }
    let full = PRUNE_BATCH as u64;
    assert_eq!(batches, [full, full, 17, 0]);

    // The hourly clean-up leaves nothing older than the retention, and the recent events.
    add(3, Utc::now() - Duration::hours(3)).await;
    add(5, Utc::now()).await;
    let retention = Utc::now() - Duration::from_std(app::backend::events::RETENTION).unwrap();
    let count = |older: bool| {
        let db = app.db.clone();
        async move {
            let sql = if older {
                "SELECT COUNT(*) FROM events WHERE created_at < $1"
            } else {
                "SELECT COUNT(*) FROM events WHERE created_at >= $1"
            };
            let mut c = db.acquire().await.unwrap();
            match c.conn() {
                app::backend::db::Conn::Sqlite(conn) => {
                    sqlx::query_scalar::<_, i64>(sql)
                        .bind(retention)
                        .fetch_one(&mut *conn)
                        .await
                }
                app::backend::db::Conn::Postgres(conn) => {
                    sqlx::query_scalar::<_, i64>(sql)
                        .bind(retention)
                        .fetch_one(&mut *conn)
                        .await
                }
            }
            .unwrap()
        }
    };
    let recent = count(false).await;
    assert!(recent >= 5);
    server::startup::prune_old_rows(&app.db).await;
    assert_eq!(count(true).await, 0, "every old event went");
    assert!(count(false).await >= recent, "the recent ones stayed");
}

async fn stalled_upload(browser: &crate::helpers::Browser, path: &str) -> reqwest::Response {
    stalled_post(
        browser,
        path,
        "multipart/form-data; boundary=xyz",
        200_000_000,
    )
    .await
}

/// Whom a made-up event is for: support staff, about ticket 1.
fn staff_event() -> app::backend::events::Audience {
    app::backend::events::Audience {
        ticket_id: 1,
        requester_id: 1,
        organization_id: 1,
        department_id: 1,
        staff_only: true,
    }
}
