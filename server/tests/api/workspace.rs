//! The agent workspace (issue 5): merge, round-robin under concurrency, presence and the held
//! second send, tags, canned responses, queues, assignment rules; events across two server
//! processes sharing one PostgreSQL database.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::events::{open_ticket, Stream};
use crate::helpers::{demo_app, Browser};

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn detail(browser: &Browser, id: &str) -> Value {
    let (status, body) = json_of(browser.get(&format!("/api/v1/tickets/{id}")).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn newest_message(detail: &Value) -> i64 {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .max()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_merges_into_another_ticket_with_its_messages() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let duplicate = open_ticket(&carla, "Erro 500 ao emitir boleto").await;
    let target = open_ticket(&carla, "Boleto não sai").await;
    let (status, body) = json_of(
        ana.send(
            Method::POST,
            &format!("/api/v1/tickets/{duplicate}/merge"),
            Some(json!({"into": target})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], target);

    let merged = detail(&carla, &duplicate).await;
    assert_eq!(merged["ticket"]["status"], "closed");
    assert_eq!(merged["merged_into"], target);
    let into = detail(&carla, &target).await;
    let bodies: Vec<&str> = into["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert_eq!(
        bodies.iter().filter(|b| **b == "Como faço?").count(),
        2,
        "the duplicate's message moved: {bodies:?}"
    );
    assert!(bodies.iter().any(|b| b.contains(&duplicate)), "{bodies:?}");
    assert!(into["related"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| *r == duplicate));
    let as_support = detail(&ana, &target).await;
    assert!(as_support["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["field"] == "merged" && h["new_value"] == duplicate.as_str()));

    // Twice: a conflict; into another organization's ticket: a field error; nothing changes.
    let again = ana
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{duplicate}/merge"),
            Some(json!({"into": target})),
        )
        .await;
    assert_eq!(again.status(), 409);
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let other = open_ticket(&fabio, "Outra empresa").await;
    let third = open_ticket(&carla, "Mais um").await;
    let (status, body) = json_of(
        ana.send(
            Method::POST,
            &format!("/api/v1/tickets/{third}/merge"),
            Some(json!({"into": other})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "other_organization");
    assert_eq!(detail(&carla, &third).await["ticket"]["status"], "open");
    // Customers may not merge.
    let refused = carla
        .send(
            Method::POST,
            &format!("/api/v1/tickets/{third}/merge"),
            Some(json!({"into": target})),
        )
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_robin_is_fair_and_skips_people_away_invited_or_deactivated() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let ana = app.user_id("ana@chamado.local").await;
    let caio = app.user_id("caio@chamado.local").await;
    // Técnico hands out by round-robin (demo): ten tickets at once.
    let subjects: Vec<String> = (0..10).map(|i| format!("Paralelo {i}")).collect();
    let created =
        futures_util::future::join_all(subjects.iter().map(|s| open_ticket(&carla, s))).await;
    let mut numbers: Vec<i64> = created
        .iter()
        .map(|id| id.trim_start_matches("TKT-").parse().unwrap())
        .collect();
    numbers.sort();
    let mut assignees = Vec::new();
    for n in &numbers {
        let sql = format!("SELECT COALESCE(assignee_id, 0) FROM tickets WHERE id = {n}");
        assignees.push(app.number(&sql).await);
    }
    assert_eq!(
        assignees.iter().filter(|a| **a == ana).count(),
        5,
        "{assignees:?}"
    );
    assert_eq!(
        assignees.iter().filter(|a| **a == caio).count(),
        5,
        "{assignees:?}"
    );
    // In commit order the two alternate: nobody gets a second ticket while the other waits.
    for pair in assignees.windows(2) {
        assert_ne!(pair[0], pair[1], "{assignees:?}");
    }
    // Caio marks himself away: the next ones all go to Ana.
    let caio_browser = app.signed_in("caio@chamado.local").await;
    let away = caio_browser
        .send(Method::PATCH, "/api/v1/me", Some(json!({"away": true})))
        .await;
    assert_eq!(away.status(), 200);
    for i in 0..3 {
        let id = open_ticket(&carla, &format!("Com Caio ausente {i}")).await;
        let ticket = detail(&carla, &id).await;
        assert_eq!(ticket["ticket"]["assignee"]["id"], ana);
    }
    // Joana is invited to Técnico and has not accepted: no ticket waits for her. Ana is
    // deactivated: with Caio away nobody is left, and tickets stay unassigned.
    let admin = app.signed_in("admin@chamado.local").await;
    let tecnico = admin.department("Técnico").await;
    let (status, invited) = admin
        .invite_agent("joana@chamado.local", "Joana Dias", &[tecnico])
        .await;
    assert_eq!(status, 201, "{invited}");
    for i in 0..2 {
        let id = open_ticket(&carla, &format!("Com Joana convidada {i}")).await;
        let ticket = detail(&carla, &id).await;
        assert_eq!(ticket["ticket"]["assignee"]["id"], ana);
    }
    let gone = admin
        .send(Method::DELETE, &format!("/api/v1/admin/users/{ana}"), None)
        .await;
    assert_eq!(gone.status(), 204);
    let id = open_ticket(&carla, "Sem ninguém disponível").await;
    let ticket = detail(&carla, &id).await;
    assert!(ticket["ticket"]["assignee"].is_null(), "{ticket}");
    // Customers cannot mark themselves away.
    let refused = carla
        .send(Method::PATCH, "/api/v1/me", Some(json!({"away": true})))
        .await;
    assert_eq!(refused.status(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_see_each_other_and_the_second_sender_is_held() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let caio = app.signed_in("caio@chamado.local").await;
    let id = open_ticket(&carla, "Dois agentes").await;
    let mut ana_events = Stream::open(&ana, None).await;
    let mut carla_events = Stream::open(&carla, None).await;

    let path = format!("/api/v1/tickets/{id}/presence");
    let (status, body) = json_of(
        ana.send(Method::PUT, &path, Some(json!({"state": "viewing"})))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["others"], json!([]));
    let (_, body) = json_of(
        caio.send(Method::PUT, &path, Some(json!({"state": "replying"})))
            .await,
    )
    .await;
    assert_eq!(body["others"][0]["user"]["name"], "Ana Souza");
    assert_eq!(body["others"][0]["state"], "viewing");
    // Ana hears Caio start replying, live.
    let seen = ana_events
        .read_until(
            |e| e.kind == "presence" && e.data["user"]["name"] == "Caio Ramos",
            Duration::from_secs(5),
        )
        .await;
    let last = seen.last().expect("a presence event");
    assert_eq!(last.data["state"], "replying");
    assert_eq!(last.data["ticket_id"], id);
    // Her ticket page shows him.
    let page = detail(&ana, &id).await;
    assert_eq!(page["presence"][0]["user"]["name"], "Caio Ramos");
    // The customer's stream never carries presence.
    let theirs = carla_events
        .read_until(|e| e.kind == "presence", Duration::from_millis(800))
        .await;
    assert!(theirs.iter().all(|e| e.kind != "presence"), "{theirs:?}");
    assert_eq!(detail(&carla, &id).await["presence"], json!([]));

    // Ana starts typing with the conversation as it is; Caio sends first.
    let seen_by_ana = newest_message(&detail(&ana, &id).await);
    let messages = format!("/api/v1/tickets/{id}/messages");
    let first = caio
        .send(
            Method::POST,
            &messages,
            Some(json!({"body": "Já estou vendo isso."})),
        )
        .await;
    assert_eq!(first.status(), 201);
    let (status, body) = json_of(
        ana.send(
            Method::POST,
            &messages,
            Some(json!({"body": "Vou verificar.", "seen_message_id": seen_by_ana})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "new_reply_arrived");
    let after = detail(&ana, &id).await;
    assert!(!after["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["body"] == "Vou verificar."));
    // Having seen it, she sends.
    let resent = ana
        .send(
            Method::POST,
            &messages,
            Some(json!({"body": "Vou verificar.", "seen_message_id": newest_message(&after)})),
        )
        .await;
    assert_eq!(resent.status(), 201);
    // Leaving clears her presence for Caio.
    let left = ana
        .send(Method::PUT, &path, Some(json!({"state": null})))
        .await;
    assert_eq!(left.status(), 200);
    assert_eq!(detail(&caio, &id).await["presence"], json!([]));
    // Customers cannot announce presence.
    let refused = carla
        .send(Method::PUT, &path, Some(json!({"state": "viewing"})))
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_canned_responses_queues_and_assignment_rules() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let ana_id = app.user_id("ana@chamado.local").await;
    let bruno = app.user_id("bruno@chamado.local").await;
    let id = open_ticket(&carla, "Etiquetas").await;
    let ticket = format!("/api/v1/tickets/{id}");

    let (status, _) = json_of(
        ana.send(
            Method::PATCH,
            &ticket,
            Some(json!({"tags": [" Boleto ", "nota fiscal", "boleto"]})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        detail(&ana, &id).await["tags"],
        json!(["boleto", "nota-fiscal"])
    );
    let (status, body) = json_of(
        ana.send(Method::PATCH, &ticket, Some(json!({"tags": ["a,b"]})))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "tags");
    // The list filters by tag.
    let (_, page) = json_of(ana.get("/api/v1/tickets?tag=nota-fiscal").await).await;
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(ids, [id.as_str()]);

    // Canned responses of Técnico and the general ones, placeholders filled.
    let (status, canned) = json_of(ana.get(&format!("{ticket}/canned-responses")).await).await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> = canned
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["body"].as_str())
        .collect();
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("Carla Mendes") && b.contains(&id)),
        "{bodies:?}"
    );
    assert!(
        bodies.iter().all(|b| !b.contains("{{cliente")),
        "{bodies:?}"
    );
    assert!(
        !canned
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["title"] == "Proposta comercial"),
        "Vendas' response is not offered on a Técnico ticket"
    );

    // Bruno works Vendas and Geral: he cannot be given a Técnico ticket.
    let (status, body) = json_of(
        ana.send(Method::PATCH, &ticket, Some(json!({"assignee_id": bruno})))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "not_in_department");

    // Queues: unassigning and taking move the counts.
    let _ = ana
        .send(Method::PATCH, &ticket, Some(json!({"assignee_id": null})))
        .await;
    let (_, before) = json_of(ana.get("/api/v1/stats/queues").await).await;
    let taken = ana
        .send(Method::PATCH, &ticket, Some(json!({"assignee_id": ana_id})))
        .await;
    assert_eq!(taken.status(), 200);
    let (_, after) = json_of(ana.get("/api/v1/stats/queues").await).await;
    assert_eq!(
        after["mine"].as_i64().unwrap(),
        before["mine"].as_i64().unwrap() + 1
    );
    assert_eq!(
        after["unassigned"].as_i64().unwrap(),
        before["unassigned"].as_i64().unwrap() - 1
    );
    let (_, mine) = json_of(
        ana.get("/api/v1/tickets?assignee=me&status=open,answered")
            .await,
    )
    .await;
    assert_eq!(
        mine["items"].as_array().unwrap().len() as i64,
        after["mine"].as_i64().unwrap()
    );
    let history = detail(&ana, &id).await["history"].clone();
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["field"] == "assignee" && h["new_value"] == "Ana Souza"),
        "{history}"
    );
    // Customers see no timeline.
    assert_eq!(detail(&carla, &id).await["history"], json!([]));
}

/// Two `chamado serve` processes on one PostgreSQL database, with the table poll made rare:
/// an agent connected to B hears a ticket created on A at once, by LISTEN/NOTIFY.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_server_processes_on_postgres() {
    use app::backend::db::Backend;
    if crate::helpers::backend() != Backend::Postgres {
        eprintln!("skipped: needs TEST_DATABASE_URL on PostgreSQL");
        return;
    }
    let db = crate::helpers::fresh_database().await;
    let a = Instance::start(&db.url, db.dir.path(), true).await;
    let b = Instance::start(&db.url, db.dir.path(), false).await;
    let on_b = b.browser("ana@chamado.local").await;
    let on_a = a.browser("carla@acme.com.br").await;
    let mut events = Stream::open(&on_b, None).await;
    let started = std::time::Instant::now();
    let id = open_ticket(&on_a, "Criado na instância A").await;
    let seen = events
        .read_until(
            |e| e.kind == "ticket.created" && e.data["ticket_id"] == id.as_str(),
            Duration::from_secs(5),
        )
        .await;
    let elapsed = started.elapsed();
    assert!(
        seen.iter()
            .any(|e| e.kind == "ticket.created" && e.data["ticket_id"] == id.as_str()),
        "instance B never streamed the ticket created on A: {seen:?}"
    );
    // The poll is 60 s here: only a notification explains delivery within seconds.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    drop((a, b));
}

struct Instance {
    child: std::process::Child,
    base: String,
}

impl Instance {
    async fn start(url: &str, dir: &std::path::Path, demo: bool) -> Instance {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chamado"));
        cmd.arg("serve")
            .env("DATABASE_URL", url)
            .env("CHAMADO_DATA_DIR", dir.join(format!("data-{port}")))
            .env("CHAMADO_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", dir.join("site"))
            .env("CHAMADO_EVENT_POLL_MS", "60000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if demo {
            cmd.arg("--demo");
        }
        // Owned at once: Drop kills and reaps the process on every path, panics included.
        let instance = Instance {
            child: cmd.spawn().expect("start chamado"),
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{}/readyz", instance.base)).send().await {
                if r.status() == 200 {
                    return instance;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chamado did not become ready at {}", instance.base);
    }

    async fn browser(&self, email: &str) -> Browser {
        let browser = Browser::new(&self.base);
        let status = browser
            .sign_in(email, crate::helpers::PASSWORD)
            .await
            .status();
        assert_eq!(status, 200, "{email} on {}", self.base);
        browser
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The organization filter's answer to `query`: status and names.
async fn organization_names(browser: &Browser, query: &str) -> (u16, Vec<String>) {
    let (status, body) = json_of(
        browser
            .get(&format!("/api/fn/workspace/organizations?{query}"))
            .await,
    )
    .await;
    let names = body
        .as_array()
        .map(|list| {
            list.iter()
                .map(|o| o["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organization_filter_finds_names_as_typed_within_the_viewers_departments() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    // Bruno works Vendas and Geral; the bakery's tickets are all Técnico's.
    let bruno = app.signed_in("bruno@chamado.local").await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let bakery = vec!["Padaria Pão Quente".to_owned()];
    let acme = vec!["Acme Ltda".to_owned()];
    // Any case, with or without accents, part of any word.
    assert_eq!(
        organization_names(&admin, "text=pao").await,
        (200, bakery.clone())
    );
    assert_eq!(
        organization_names(&admin, "text=P%C3%83O%20q").await,
        (200, bakery.clone())
    );
    assert_eq!(
        organization_names(&admin, "text=acm").await,
        (200, acme.clone())
    );
    assert!(organization_names(&admin, "text=").await.1.len() >= 2);
    assert_eq!(organization_names(&admin, "text=zzz").await, (200, vec![]));
    // Outside the agent's departments the organization is not offered, by name or by id.
    assert_eq!(organization_names(&bruno, "text=pao").await, (200, vec![]));
    assert_eq!(organization_names(&bruno, "text=acme").await, (200, acme));
    let by_id = format!(
        "text=&id={}",
        app.organization_id("Padaria Pão Quente").await
    );
    assert_eq!(organization_names(&admin, &by_id).await, (200, bakery));
    assert_eq!(organization_names(&bruno, &by_id).await, (200, vec![]));
    // Customers have no dashboard; a novel is not a name.
    assert_eq!(organization_names(&diego, &by_id).await.0, 403);
    let long = format!("text={}", "a".repeat(201));
    assert_eq!(organization_names(&admin, &long).await.0, 422);
}
