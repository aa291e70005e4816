//! Service levels on tickets (issue 7): due times from the plan and priority, the clock that
//! pauses while waiting for the customer, recomputation on priority changes, and the watcher
//! that turns clocks amber and red and tells support staff live.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::events::Stream;
use crate::helpers::{demo_app, Browser};

async fn open(browser: &Browser, priority: &str) -> Value {
    let department = browser.department("Técnico").await;
    let response = browser
        .send(
            Method::POST,
            "/api/v1/tickets",
            Some(
                json!({"type": "duvida", "department_id": department, "priority": priority,
                        "subject": "Prazo", "message": "Quando?", "fields": {}}),
            ),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn summary(browser: &Browser, id: &str) -> Value {
    let body: Value = browser
        .get(&format!("/api/v1/tickets/{id}"))
        .await
        .json()
        .await
        .unwrap();
    body["ticket"].clone()
}

async fn sla_risk_count(browser: &Browser) -> i64 {
    let q: Value = browser
        .get("/api/v1/stats/queues")
        .await
        .json()
        .await
        .unwrap();
    q["sla_risk"].as_i64().unwrap_or_else(|| panic!("{q}"))
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("not a time: {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_ticket_is_due_by_its_plans_targets() {
    let app = demo_app().await;
    // Acme is Enterprise: Crítica is 60 minutes to first response, 240 to solve, 24x7.
    let diego = app.signed_in("diego@acme.com.br").await;
    let ticket = open(&diego, "critical").await;
    let sla = &ticket["sla"];
    let created = time(&ticket["created_at"]);
    assert_eq!(
        time(&sla["first_response_due"]) - created,
        chrono::Duration::minutes(60)
    );
    assert_eq!(
        time(&sla["resolution_due"]) - created,
        chrono::Duration::minutes(240)
    );
    assert_eq!(sla["state"], "on_track");
    assert_eq!(sla["breached"], false);
    assert_eq!(sla["due_at"], sla["first_response_due"]);
    // Three quarters of the hour in, it turns amber.
    assert_eq!(
        time(&sla["risk_at"]) - created,
        chrono::Duration::minutes(45)
    );

    // A priority change recomputes: Baixa on Enterprise is 480 business minutes.
    let ana = app.signed_in("ana@chamado.local").await;
    let id = ticket["id"].as_str().unwrap();
    let patched = ana
        .send(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"priority": "low"})),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let after: Value = patched.json().await.unwrap();
    assert!(
        time(&after["sla"]["first_response_due"]) - created >= chrono::Duration::minutes(480),
        "{after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_stops_while_the_ticket_waits_for_the_customer() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let ticket = open(&diego, "critical").await;
    let id = ticket["id"].as_str().unwrap();
    let resolution_before = time(&ticket["sla"]["resolution_due"]);

    let reply = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Pode enviar o log?"})),
        )
        .await;
    assert_eq!(reply.status(), 201);
    let waiting = summary(&ana, id).await;
    assert_eq!(waiting["status"], "answered");
    assert_eq!(waiting["sla"]["state"], "paused", "{waiting}");
    assert_eq!(waiting["sla"]["due_at"], Value::Null);
    // First response came in time: the first-response due time stays on record.
    assert_eq!(
        waiting["sla"]["first_response_due"],
        ticket["sla"]["first_response_due"]
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let answer = diego
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Segue o log."})),
        )
        .await;
    assert_eq!(answer.status(), 201);
    let running = summary(&ana, id).await;
    assert_eq!(running["status"], "open");
    assert_eq!(running["sla"]["state"], "on_track", "{running}");
    // The pending target is now the resolution, moved on by the time spent waiting.
    let resolution_after = time(&running["sla"]["resolution_due"]);
    assert_eq!(running["sla"]["due_at"], running["sla"]["resolution_due"]);
    assert!(
        resolution_after - resolution_before >= chrono::Duration::seconds(1),
        "{resolution_before} → {resolution_after}"
    );

    // Closed: nothing pending.
    let closed = diego
        .send(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"status": "closed"})),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let closed = summary(&ana, id).await;
    assert_eq!(closed["sla"]["state"], Value::Null);
    assert_eq!(closed["sla"]["breached"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_turns_clocks_amber_then_red_and_tells_support_live() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let ticket = open(&diego, "critical").await;
    let id = ticket["id"].as_str().unwrap().to_owned();
    let created = time(&ticket["created_at"]);
    let mut support = Stream::open(&ana, None).await;
    let mut customer = Stream::open(&diego, None).await;
    let at_risk_before = sla_risk_count(&ana).await;

    // 50 minutes in: amber.
    let moved = app::backend::services::sla::advance_clocks(
        &app.db,
        created + chrono::Duration::minutes(50),
    )
    .await
    .unwrap();
    assert!(moved >= 1);
    let seen = support
        .read_until(
            |e| e.kind == "ticket.updated" && e.data["ticket_id"] == id.as_str(),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(
        seen.last().map(|e| e.data["sla"].clone()),
        Some(json!("at_risk"))
    );
    assert_eq!(summary(&ana, &id).await["sla"]["state"], "at_risk");
    assert_eq!(sla_risk_count(&ana).await, at_risk_before + 1);
    let listed: Value = ana
        .get("/api/v1/tickets?sla_risk=true&sort=sla_due")
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id.as_str()));

    // Past the hour: breached, with the breach event.
    app::backend::services::sla::advance_clocks(&app.db, created + chrono::Duration::minutes(61))
        .await
        .unwrap();
    let seen = support
        .read_until(
            |e| e.kind == "sla.breached" && e.data["ticket_id"] == id.as_str(),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(seen.last().map(|e| e.kind.as_str()), Some("sla.breached"));
    let breached = summary(&ana, &id).await;
    assert_eq!(breached["sla"]["state"], "breached");
    assert_eq!(breached["sla"]["breached"], true);
    // A second pass finds nothing new to say.
    assert_eq!(
        app::backend::services::sla::advance_clocks(
            &app.db,
            created + chrono::Duration::minutes(62)
        )
        .await
        .unwrap(),
        0
    );
    // The customer's stream never carries service-level news.
    let theirs = customer
        .read_until(|e| e.kind == "sla.breached", Duration::from_millis(1500))
        .await;
    assert!(
        theirs
            .iter()
            .all(|e| e.kind != "sla.breached" && e.data.get("sla").is_none()),
        "{theirs:?}"
    );

    // A late first response keeps the breach on record.
    let reply = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": "Desculpe a demora."})),
        )
        .await;
    assert_eq!(reply.status(), 201);
    assert_eq!(summary(&ana, &id).await["sla"]["breached"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_times_survive_a_restart_and_resume_after_it() {
    let app = demo_app().await;
    let ana = app.signed_in("ana@chamado.local").await;
    // A 24x7 clock (Enterprise), a business-hours one (Startup) and a paused one.
    let diego = app.signed_in("diego@acme.com.br").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let enterprise = open(&diego, "critical").await;
    let startup = open(&fabio, "low").await;
    let waiting = open(&diego, "high").await;
    let waiting_id = waiting["id"].as_str().unwrap().to_owned();
    let reply = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{waiting_id}/messages"),
            Some(json!({"body": "Pode confirmar o horário?"})),
        )
        .await;
    assert_eq!(reply.status(), 201);
    let ids: Vec<String> = [&enterprise, &startup, &waiting]
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let mut before = Vec::new();
    for id in &ids {
        before.push(summary(&ana, id).await["sla"].clone());
    }
    assert_eq!(before[0]["state"], "on_track", "{}", before[0]);
    assert_eq!(before[1]["state"], "on_track", "{}", before[1]);
    assert_eq!(before[2]["state"], "paused", "{}", before[2]);
    assert!(before[1]["resolution_due"].is_string(), "{}", before[1]);
    let resolution_before = time(&waiting["sla"]["resolution_due"]);

    let app = app.restart().await;
    // The new process's watcher has had time to look at every clock (it runs every second).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let ana = app.signed_in("ana@chamado.local").await;
    for (id, was) in ids.iter().zip(&before) {
        let now = summary(&ana, id).await["sla"].clone();
        assert_eq!(&now, was, "{id}: the clock changed across the restart");
    }

    // The paused clock resumes after the restart from the stored history: the time spent
    // waiting (restart included) moves the resolution due time on.
    let diego = app.signed_in("diego@acme.com.br").await;
    let answer = diego
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{waiting_id}/messages"),
            Some(json!({"body": "Às 14h."})),
        )
        .await;
    assert_eq!(answer.status(), 201);
    let running = summary(&ana, &waiting_id).await;
    assert_eq!(running["sla"]["state"], "on_track", "{running}");
    assert!(
        time(&running["sla"]["resolution_due"]) - resolution_before
            >= chrono::Duration::milliseconds(1500),
        "{resolution_before} → {}",
        running["sla"]["resolution_due"]
    );
}
