//! A ticket's life after it opened, through the REST API: answers and replies move the status,
//! closing, reopening and escalating, reclassification with its history, idempotent creation,
//! auto-close, continuing an old ticket, and cached pages that never outlive a change.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, Browser};
use crate::tickets::{bug, open, ticket_count};

async fn first_ticket(browser: &Browser, status: &str) -> String {
    let page: Value = browser
        .get(&format!("/api/v1/tickets?status={status}&limit=100"))
        .await
        .json()
        .await
        .unwrap();
    page["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn status_of(browser: &Browser, id: &str) -> String {
    let detail: Value = browser
        .get(&format!("/api/v1/tickets/{id}"))
        .await
        .json()
        .await
        .unwrap();
    detail["ticket"]["status"].as_str().unwrap().to_owned()
}

/// Opens a low-priority question in "Geral" as `browser`; returns its id.
async fn open_question(browser: &Browser) -> String {
    let geral = browser.department("Geral").await;
    let created: Value = open(
        browser,
        json!({"type": "duvida", "department_id": geral, "priority": "low",
        "subject": "Dúvida", "message": "Como faço?", "fields": {}}),
    )
    .await
    .json()
    .await
    .unwrap();
    created["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_and_replies_move_the_status_and_notes_do_not() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let tecnico = carla.department("Técnico").await;
    let created: Value = open(&carla, bug(tecnico, "Falha ao exportar"))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let messages = format!("/api/v1/tickets/{id}/messages");

    let note = ana
        .send(
            Method::POST,
            &messages,
            Some(json!({"body": "Verificar logs", "internal": true})),
        )
        .await;
    assert_eq!(note.status(), 201);
    assert_eq!(
        status_of(&carla, &id).await,
        "open",
        "an internal note changes nothing"
    );

    assert_eq!(
        ana.send(
            Method::POST,
            &messages,
            Some(json!({"body": "Corrigido, pode testar?"}))
        )
        .await
        .status(),
        201
    );
    assert_eq!(status_of(&carla, &id).await, "answered");
    let detail: Value = carla
        .get(&format!("/api/v1/tickets/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(detail["read"]["by_support_at"].is_string());
    assert_eq!(
        detail["messages"].as_array().unwrap().len(),
        2,
        "the note is not shown to the customer"
    );

    assert_eq!(
        carla
            .send(
                Method::POST,
                &messages,
                Some(json!({"body": "Ainda falha"}))
            )
            .await
            .status(),
        201
    );
    assert_eq!(status_of(&carla, &id).await, "open");

    let sneaky = carla
        .send(
            Method::POST,
            &messages,
            Some(json!({"body": "x", "internal": true})),
        )
        .await;
    assert_eq!(
        sneaky.status(),
        403,
        "customers cannot write internal notes"
    );
    let long = carla
        .send(
            Method::POST,
            &messages,
            Some(json!({"body": "a".repeat(1001)})),
        )
        .await;
    assert_eq!(long.status(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_closes_reopens_with_a_reason_and_escalates() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let id = open_question(&diego).await;
    let path = format!("/api/v1/tickets/{id}");

    // Customers may close, and nothing else.
    let promote = diego
        .send(Method::PATCH, &path, Some(json!({"priority": "critical"})))
        .await;
    assert_eq!(promote.status(), 403);
    let closed = diego
        .send(Method::PATCH, &path, Some(json!({"status": "closed"})))
        .await;
    assert_eq!(closed.status(), 200);
    assert_eq!(status_of(&diego, &id).await, "closed");
    let reply = diego
        .send(
            Method::POST,
            &format!("{path}/messages"),
            Some(json!({"body": "oi"})),
        )
        .await;
    assert_eq!(
        reply.status(),
        409,
        "a closed ticket is reopened, not answered"
    );

    let no_reason = diego
        .send(
            Method::POST,
            &format!("{path}/reopen"),
            Some(json!({"reason": "  "})),
        )
        .await;
    assert_eq!(no_reason.status(), 422);
    let reopened = diego
        .send(
            Method::POST,
            &format!("{path}/reopen"),
            Some(json!({"reason": "O problema voltou"})),
        )
        .await;
    assert_eq!(reopened.status(), 200);
    assert_eq!(status_of(&diego, &id).await, "open");
    let detail: Value = diego.get(&path).await.json().await.unwrap();
    assert_eq!(
        detail["messages"].as_array().unwrap().last().unwrap()["body"],
        "O problema voltou"
    );

    let escalated = diego
        .send(
            Method::POST,
            &format!("{path}/escalations"),
            Some(json!({"reason": "Parado há dois dias"})),
        )
        .await;
    assert_eq!(escalated.status(), 201);
    let summary: Value = diego.get(&path).await.json().await.unwrap();
    assert_eq!(summary["ticket"]["escalated"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_after_thirty_days_is_refused() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let carla_user = {
        let id = app.user_id("carla@acme.com.br").await;
        let mut c = app.db.acquire().await.unwrap();
        app::backend::services::auth::current_user(c.conn(), id)
            .await
            .unwrap()
            .unwrap()
    };
    let id = open_question(&carla).await;
    let closed = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"status": "closed"})),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let now = chrono::Utc::now();
    let late = app::backend::services::tickets::reopen(
        &app.db,
        &carla_user,
        &id,
        "voltou",
        app::domain::MessageChannel::Portal,
        now + chrono::Duration::days(31),
    )
    .await;
    assert_eq!(
        late.err(),
        Some(app::error::AppError::Conflict {
            code: "reopen_window_passed".into()
        })
    );
    let in_time = app::backend::services::tickets::reopen(
        &app.db,
        &carla_user,
        &id,
        "voltou",
        app::domain::MessageChannel::Portal,
        now + chrono::Duration::days(29),
    )
    .await;
    assert!(in_time.is_ok(), "{in_time:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_reclassifies_and_every_change_is_in_the_history() {
    let app = demo_app().await;
    let ana = app.signed_in("ana@chamado.local").await;
    let id = first_ticket(&ana, "open").await;
    let vendas = ana.department("Vendas").await;
    let ana_id = app.user_id("ana@chamado.local").await;
    let response = ana
        .send(Method::PATCH, &format!("/api/v1/tickets/{id}"),
            Some(json!({"priority": "critical", "type": "incidente", "assignee_id": ana_id, "department_id": vendas})))
        .await;
    assert_eq!(response.status(), 200);
    let ticket: Value = response.json().await.unwrap();
    assert_eq!(ticket["priority"], "critical");
    assert_eq!(ticket["type"], "incidente");
    assert_eq!(ticket["assignee"]["id"], ana_id);
    assert_eq!(ticket["department"]["name"], "Vendas");
    // Ana works Técnico only: the ticket left her scope with the move.
    assert_eq!(
        ana.get(&format!("/api/v1/tickets/{id}")).await.status(),
        404
    );

    let number = app::domain::TicketNumber::parse(&id).unwrap().0;
    let fields = app
        .texts(
            "SELECT field FROM ticket_history WHERE ticket_id = $1 ORDER BY id",
            Some(number),
        )
        .await;
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    for f in ["priority", "type", "department", "assignee"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let bad = app
        .signed_in("lider@chamado.local")
        .await
        .send(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"assignee_id": app.user_id("diego@acme.com.br").await})),
        )
        .await;
    assert_eq!(bad.status(), 422, "only support staff can be assigned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_request_with_the_same_idempotency_key_returns_the_same_ticket() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let tecnico = diego.department("Técnico").await;
    let before = ticket_count(&app).await;
    let send = |key: &'static str| {
        diego
            .client
            .post(diego.url("/api/v1/tickets"))
            .header("origin", &diego.base)
            .header("idempotency-key", key)
            .json(&bug(tecnico, "Falha ao exportar"))
            .send()
    };
    let first: Value = send("pedido-123").await.unwrap().json().await.unwrap();
    let retry = send("pedido-123").await.unwrap();
    assert_eq!(retry.status(), 201);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(first["id"], retry["id"]);
    assert_eq!(ticket_count(&app).await, before + 1, "no duplicate");
    let other: Value = send("pedido-124").await.unwrap().json().await.unwrap();
    assert_ne!(other["id"], first["id"]);
    assert_eq!(ticket_count(&app).await, before + 2);

    // Concurrent retries still produce one ticket.
    let (a, b) = tokio::join!(send("pedido-125"), send("pedido-125"));
    let (a, b) = (a.unwrap(), b.unwrap());
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(statuses.contains(&201), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(ticket_count(&app).await, before + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_tickets_close_themselves_after_seven_days_without_a_reply() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let tecnico = diego.department("Técnico").await;
    let waiting: Value = open(&diego, bug(tecnico, "Falha A"))
        .await
        .json()
        .await
        .unwrap();
    let untouched: Value = open(&diego, bug(tecnico, "Falha B"))
        .await
        .json()
        .await
        .unwrap();
    let waiting = waiting["id"].as_str().unwrap().to_owned();
    let untouched = untouched["id"].as_str().unwrap().to_owned();
    let answer = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{waiting}/messages"),
            Some(json!({"body": "Pode testar?"})),
        )
        .await;
    assert_eq!(answer.status(), 201);
    // (Demo tickets answered days ago close along the way; only ours is asserted.)
    let now = chrono::Utc::now();
    app::backend::services::tickets::auto_close_answered(&app.db, now + chrono::Duration::days(6))
        .await
        .unwrap();
    assert_eq!(
        status_of(&diego, &waiting).await,
        "answered",
        "six days is not enough"
    );

    let closed = app::backend::services::tickets::auto_close_answered(
        &app.db,
        now + chrono::Duration::days(8),
    )
    .await
    .unwrap();
    assert!(closed >= 1);
    assert_eq!(status_of(&diego, &waiting).await, "closed");
    assert_eq!(
        status_of(&diego, &untouched).await,
        "open",
        "tickets waiting for support stay open"
    );
    let detail: Value = diego
        .get(&format!("/api/v1/tickets/{waiting}"))
        .await
        .json()
        .await
        .unwrap();
    let last = detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["channel"], "system");
    assert!(
        last["body"]
            .as_str()
            .unwrap()
            .starts_with("Ticket closed automatically"),
        "Diego reads English: {last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_ticket_can_continue_an_old_one_the_customer_can_see() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let old = first_ticket(&carla, "closed").await;
    let geral = carla.department("Geral").await;
    let body = |related: &str| {
        json!({"type": "duvida", "department_id": geral, "priority": "low", "subject": "De novo",
               "message": "O problema voltou depois de 40 dias.", "fields": {}, "related": related})
    };
    let created = open(&carla, body(&old)).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let new_id = created["id"].as_str().unwrap();
    let detail: Value = carla
        .get(&format!("/api/v1/tickets/{new_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["related"], json!([old]));
    let back: Value = carla
        .get(&format!("/api/v1/tickets/{old}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        back["related"],
        json!([new_id]),
        "the link shows from both sides"
    );

    // Someone else's ticket cannot be linked (and its existence is not revealed).
    let before = ticket_count(&app).await;
    let refused = open(&fabio, body(&old)).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "related");
    assert_eq!(ticket_count(&app).await, before);
}

/// Pages of lists are kept in memory (`cache.rs`): a co-worker's new ticket, a status change
/// and a renamed requester must show on the next read, never a page from before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_page_never_outlives_a_change() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let elisa = app.signed_in("elisa@acme.com.br").await;
    let list = "/api/v1/tickets?status=open&limit=100";
    let ids = crate::helpers::listed_ids;
    let before: Value = elisa.get(list).await.json().await.unwrap();
    let again: Value = elisa.get(list).await.json().await.unwrap();
    assert_eq!(before, again);

    let tecnico = diego.department("Técnico").await;
    let created: Value = open(&diego, bug(tecnico, "Novo chamado do Diego."))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let after: Value = elisa.get(list).await.json().await.unwrap();
    assert_eq!(ids(&after)[0], id, "the new ticket leads the list at once");
    assert_eq!(ids(&after).len(), ids(&before).len() + 1);

    let renamed = diego
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"name": "Diego A. Alves"})),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let page: Value = elisa.get(list).await.json().await.unwrap();
    assert_eq!(page["items"][0]["requester"]["name"], "Diego A. Alves");

    let agent = app.signed_in("lider@chamado.local").await;
    let answered = agent
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Olá! Estamos vendo."})),
        )
        .await;
    assert_eq!(answered.status(), 201);
    let page: Value = elisa.get(list).await.json().await.unwrap();
    assert!(
        !ids(&page).contains(&id),
        "answered, the ticket leaves the list of open ones"
    );
}

/// Auto-close works in batches (one write transaction each, the write lock let go between
/// them): with a batch of one, every due ticket still closes, each with its message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_close_takes_due_tickets_a_batch_at_a_time() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let tecnico = diego.department("Técnico").await;
    for n in 0..3 {
        let ticket: Value = open(&diego, bug(tecnico, &format!("Falha {n}")))
            .await
            .json()
            .await
            .unwrap();
        let answer = ana
            .send(
                Method::POST,
                &format!(
                    "/api/v1/tickets/{}/messages",
                    ticket["id"].as_str().unwrap()
                ),
                Some(json!({"body": "Pode testar?"})),
            )
            .await;
        assert_eq!(answer.status(), 201);
    }
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let due = app
        .number("SELECT COUNT(*) FROM tickets WHERE status = 'answered'")
        .await;
    assert!(due >= 3, "{due}");
    let system_before = app
        .number("SELECT COUNT(*) FROM ticket_messages WHERE channel = 'system'")
        .await;
    let closed = app::backend::services::tickets::auto_close_in_batches(&app.db, later, 1)
        .await
        .unwrap();
    assert_eq!(closed as i64, due);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM tickets WHERE status = 'answered'")
            .await,
        0
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM ticket_messages WHERE channel = 'system'")
            .await,
        system_before + due
    );
}
