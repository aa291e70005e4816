//! Live events (issue 4): `GET /api/v1/events` streams what the viewer may see, replays after
//! `Last-Event-ID`, never carries internal notes to customers; counters follow every change.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, Browser};
use app::domain::TicketScope;

#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub id: i64,
    pub kind: String,
    pub data: Value,
}

/// An open event stream, parsed as it arrives.
pub(crate) struct Stream {
    body: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>,
    >,
    buffer: String,
}

impl Stream {
    pub(crate) async fn open(browser: &Browser, last_event_id: Option<i64>) -> Stream {
        let mut request = browser.client.get(browser.url("/api/v1/events"));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = request.send().await.expect("events");
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        let mut stream = Stream {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        };
        // The server says hello first (a comment), so the subscription exists before the test
        // acts; what follows it stays in the buffer.
        while !stream.buffer.contains(": connected") {
            let chunk = tokio::time::timeout(Duration::from_secs(5), stream.body.next())
                .await
                .expect("hello within 5 s")
                .expect("stream open")
                .expect("chunk");
            stream.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
        stream
    }

    /// Whether the server ends the stream within `within` (what arrives meanwhile is buffered).
    pub(crate) async fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Ok(Some(Ok(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(None) | Ok(Some(Err(_))) => return true,
                Err(_) => return false,
            }
        }
    }

    /// What arrived and was not read as events yet.
    pub(crate) fn buffered(&self) -> &str {
        &self.buffer
    }

    /// Events until one matches (returned last) or the time is up (then all seen so far).
    pub(crate) async fn read_until(
        &mut self,
        done: impl Fn(&Received) -> bool,
        within: Duration,
    ) -> Vec<Received> {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Received {
                    id: 0,
                    kind: String::new(),
                    data: Value::Null,
                };
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        event.id = v.trim().parse().unwrap_or(0);
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event.kind = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        event.data = serde_json::from_str(v.trim()).unwrap_or(Value::Null);
                    }
                }
                if event.id > 0 {
                    let stop = done(&event);
                    seen.push(event);
                    if stop {
                        return seen;
                    }
                }
            }
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Ok(Some(Ok(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return seen,
            }
        }
    }
}

pub(crate) async fn open_ticket(browser: &Browser, subject: &str) -> String {
    let department = browser.department("Técnico").await;
    let created: Value = browser
        .send(
            Method::POST,
            "/api/v1/tickets",
            Some(
                json!({"type": "duvida", "department_id": department, "priority": "low",
                        "subject": subject, "message": "Como faço?", "fields": {}}),
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_hear_support_answers_but_never_internal_notes() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let id = open_ticket(&diego, "Dúvida sobre faturas").await;
    let mut diego_stream = Stream::open(&diego, None).await;
    let mut fabio_stream = Stream::open(&fabio, None).await;

    let ana = app.signed_in("lider@chamado.local").await;
    let note = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Cliente difícil, cuidado", "internal": true})),
        )
        .await;
    assert_eq!(note.status(), 201);
    let reply = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Olá Diego, veja Financeiro > Faturas."})),
        )
        .await;
    assert_eq!(reply.status(), 201);

    let seen = diego_stream
        .read_until(
            |e| e.kind == "stats.changed" && e.data["ticket_id"] == id,
            Duration::from_secs(10),
        )
        .await;
    // (The reader's own bell events interleave as the job worker gets to them: not these.)
    let seen: Vec<_> = seen
        .into_iter()
        .filter(|e| e.kind != "notification.created")
        .collect();
    let kinds: Vec<&str> = seen.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["message.created", "ticket.updated", "stats.changed"],
        "one public message, the status change, the counters: {seen:?}"
    );
    assert!(seen.iter().all(|e| e.data["ticket_id"] == id));
    assert_eq!(seen[0].data["internal"], false);
    assert_eq!(seen[1].data["status"], "answered");
    assert!(seen.windows(2).all(|w| w[0].id < w[1].id), "ids grow");

    // Another organization hears nothing of it: its first event is about its own ticket.
    let own = open_ticket(&fabio, "Pão de queijo no sistema").await;
    let first = fabio_stream
        .read_until(|_| true, Duration::from_secs(10))
        .await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].kind, "ticket.created");
    assert_eq!(first[0].data["ticket_id"], own);

    // Support hears the internal note.
    let mut support_stream = Stream::open(&ana, None).await;
    let note = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Outra nota", "internal": true})),
        )
        .await;
    assert_eq!(note.status(), 201);
    let seen = support_stream
        .read_until(|e| e.kind == "message.created", Duration::from_secs(10))
        .await;
    assert_eq!(
        seen.last().map(|e| e.data["internal"].clone()),
        Some(json!(true))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnecting_client_gets_what_it_missed() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let mut stream = Stream::open(&diego, None).await;
    let id = open_ticket(&diego, "Primeiro").await;
    let seen = stream
        .read_until(|e| e.kind == "stats.changed", Duration::from_secs(10))
        .await;
    let last = seen.last().map(|e| e.id).unwrap();
    drop(stream);

    // While disconnected: support answers and Diego's co-worker's ticket appears.
    let ana = app.signed_in("lider@chamado.local").await;
    let reply = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Respondido enquanto você estava fora."})),
        )
        .await;
    assert_eq!(reply.status(), 201);

    let mut resumed = Stream::open(&diego, Some(last)).await;
    let seen = resumed
        .read_until(|e| e.kind == "stats.changed", Duration::from_secs(10))
        .await;
    // (The reader's own bell events interleave as the job worker gets to them: not these.)
    let kinds: Vec<&str> = seen
        .iter()
        .map(|e| e.kind.as_str())
        .filter(|k| *k != "notification.created")
        .collect();
    assert_eq!(
        kinds,
        ["message.created", "ticket.updated", "stats.changed"]
    );
    assert!(seen.iter().all(|e| e.id > last));

    // The visitor gets 401, not a stream.
    assert_eq!(app.get("/api/v1/events").await.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_equal_a_full_count_after_every_kind_of_change() {
    use app::backend::db::tickets::{stats, stats_by_count};
    use app::backend::db::workspace::{queue_counts, queue_counts_by_count};
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let ana = app.signed_in("lider@chamado.local").await;
    let id = open_ticket(&diego, "Contadores").await;
    ana.send(
        Method::POST,
        &format!("/api/v1/tickets/{id}/messages"),
        Some(json!({"body": "Resposta"})),
    )
    .await;
    let geral = app.number("SELECT MAX(id) FROM departments").await;
    let patched = ana
        .send(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"priority": "critical", "department_id": geral})),
        )
        .await;
    assert_eq!(patched.status(), 200);
    // Assigned, then escalated, and a second ticket left in the unassigned queue.
    let lead_id = app
        .number("SELECT id FROM users WHERE email = 'lider@chamado.local'")
        .await;
    let assigned = ana
        .send(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"assignee_id": lead_id})),
        )
        .await;
    assert_eq!(assigned.status(), 200);
    let escalated = diego
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/escalations"),
            Some(json!({"reason": "Urgente"})),
        )
        .await;
    assert_eq!(escalated.status(), 201);
    open_ticket(&diego, "Fila").await;
    let staff: Vec<i64> = app::with_db!(&app.db, pool => sqlx::query_scalar(
        "SELECT id FROM users WHERE role IN ('agent', 'lead', 'admin')").fetch_all(pool).await.unwrap());
    {
        let mut c = app.db.acquire().await.unwrap();
        let before = queue_counts(c.conn(), &TicketScope::All, lead_id)
            .await
            .unwrap();
        assert!(
            before.mine >= 1 && before.escalated >= 1 && before.unassigned >= 1,
            "{before:?}"
        );
    }
    diego
        .send(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"status": "closed"})),
        )
        .await;
    let reopened = diego
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/reopen"),
            Some(json!({"reason": "Voltou a acontecer"})),
        )
        .await;
    assert_eq!(reopened.status(), 200);
    app::backend::services::tickets::auto_close_answered(
        &app.db,
        chrono::Utc::now() + chrono::Duration::days(30),
    )
    .await
    .unwrap();

    let mut scopes = vec![TicketScope::All];
    for (sql, make) in [
        ("SELECT id FROM users", 0),
        ("SELECT id FROM organizations", 1),
        ("SELECT id FROM departments", 2),
    ] {
        let ids: Vec<i64> =
            app::with_db!(&app.db, pool => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap());
        for id in ids {
            scopes.push(match make {
                0 => TicketScope::Requester { user_id: id },
                1 => TicketScope::Organization {
                    organization_id: id,
                },
                _ => TicketScope::Departments {
                    department_ids: vec![id],
                },
            });
        }
    }
    let mut c = app.db.acquire().await.unwrap();
    let all = stats(c.conn(), &TicketScope::All).await.unwrap();
    assert_eq!(all.total, app.number("SELECT COUNT(*) FROM tickets").await);
    assert!(all.closed > 0 && all.open > 0);
    for scope in scopes {
        assert_eq!(
            stats(c.conn(), &scope).await.unwrap(),
            stats_by_count(c.conn(), &scope).await.unwrap(),
            "{scope:?}"
        );
        if matches!(scope, TicketScope::All | TicketScope::Departments { .. }) {
            for viewer in &staff {
                assert_eq!(
                    queue_counts(c.conn(), &scope, *viewer).await.unwrap(),
                    queue_counts_by_count(c.conn(), &scope, *viewer)
                        .await
                        .unwrap(),
                    "{scope:?} {viewer}"
                );
            }
        }
    }
}
