//! Opening, listing and reading tickets through the REST API (issue 4, first part).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, urlencode, Browser, TestApp};

pub(crate) async fn open(browser: &Browser, body: Value) -> reqwest::Response {
    browser
        .send(Method::POST, "/api/v1/tickets", Some(body))
        .await
}

pub(crate) fn bug(department_id: i64, message: &str) -> Value {
    json!({
        "type": "bug", "department_id": department_id, "priority": "high",
        "subject": "Exportação falha com 500", "message": message,
        "fields": {"produto": "Relatórios", "impacto": "Alto",
                   "comportamento_esperado": "Baixar o CSV", "passos": "1. Abrir relatórios 2. Exportar"}
    })
}

pub(crate) async fn ticket_count(app: &TestApp) -> i64 {
    let mut c = app.db.acquire().await.unwrap();
    app::backend::db::tickets::count(c.conn()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_opens_a_ticket_and_finds_it() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let tecnico = diego.department("Técnico").await;
    let created = open(
        &diego,
        bug(tecnico, "Ao exportar, a página mostra erro 500."),
    )
    .await;
    assert_eq!(created.status(), 201);
    let ticket: Value = created.json().await.unwrap();
    let number = ticket["number"].as_i64().unwrap();
    let id = format!("TKT-{number:06}");
    assert_eq!(ticket["id"], id, "shown as TKT- and six digits");
    assert_eq!(ticket["status"], "open");
    assert_eq!(ticket["type"], "bug");
    assert_eq!(ticket["requester"]["name"], "Diego Alves");

    let page: Value = diego
        .get("/api/v1/tickets?q=exporta%C3%A7%C3%A3o")
        .await
        .json()
        .await
        .unwrap();
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id));
    for path in [
        format!("/api/v1/tickets/{id}"),
        format!("/api/v1/tickets/{number}"),
    ] {
        let detail: Value = diego.get(&path).await.json().await.unwrap();
        assert_eq!(
            detail["messages"][0]["body"],
            "Ao exportar, a página mostra erro 500."
        );
        assert_eq!(detail["messages"][0]["author"]["name"], "Diego Alves");
        // Signed in through the portal's session: the portal channel, whichever road
        // (server function or REST, with or without JavaScript) the page took.
        assert_eq!(detail["messages"][0]["channel"], "portal");
    }
}

/// The channel comes from the kind of caller: a bearer token is the API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_opened_with_a_token_comes_through_the_api_channel() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let tecnico = diego.department("Técnico").await;
    let (status, token) = diego
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "integração", "password": crate::helpers::PASSWORD})),
        )
        .await;
    assert_eq!(status, 201);
    let token = token["token"].as_str().unwrap().to_owned();
    let created = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .json(&bug(tecnico, "Aberto pela integração."))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let ticket: Value = created.json().await.unwrap();
    let path = format!("/api/v1/tickets/{}", ticket["id"].as_str().unwrap());
    let (_, detail) = diego.call(Method::GET, &path, None).await;
    assert_eq!(detail["messages"][0]["channel"], "api");
    // A reply with the token is the API too; one from the signed-in page is the portal.
    let reply = app
        .client
        .post(app.url(&format!("{path}/messages")))
        .bearer_auth(&token)
        .json(&json!({"body": "Mais um detalhe."}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
    let (status, _) = diego
        .call(
            Method::POST,
            &format!("{path}/messages"),
            Some(json!({"body": "Pelo portal."})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, detail) = diego.call(Method::GET, &path, None).await;
    let channels: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels, ["api", "api", "portal"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_limit_counts_characters_not_bytes() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let tecnico = diego.department("Técnico").await;
    let before = ticket_count(&app).await;

    let too_long = open(&diego, bug(tecnico, &"a".repeat(1001))).await;
    assert_eq!(too_long.status(), 422);
    let problem: Value = too_long.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "message");
    assert_eq!(problem["errors"][0]["code"], "too_long");
    assert_eq!(ticket_count(&app).await, before, "nothing was written");

    // 1000 four-byte characters: 4000 bytes, exactly at the limit.
    let clef = "𝄞".repeat(1000);
    assert_eq!(clef.len(), 4000);
    assert_eq!(open(&diego, bug(tecnico, &clef)).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_fields_are_validated_against_the_type() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let tecnico = diego.department("Técnico").await;
    let mut body = bug(tecnico, "Falha");
    body["fields"] = json!({"impacto": "Enorme", "cor": "azul"});
    let response = open(&diego, body).await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    let codes: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("fields.cor", "unknown_field"),
        ("fields.produto", "required"),
        ("fields.impacto", "invalid_option"),
        ("fields.passos", "required"),
    ] {
        assert!(
            codes.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {codes:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn types_follow_the_plan_and_only_entitled_people_open_tickets() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let carla_types: Vec<Value> = carla
        .get("/api/v1/ticket-types")
        .await
        .json()
        .await
        .unwrap();
    let fabio_types: Vec<Value> = fabio
        .get("/api/v1/ticket-types")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        carla_types.iter().any(|t| t["key"] == "consultivo"),
        "Enterprise has the consultive type"
    );
    assert!(
        !fabio_types.iter().any(|t| t["key"] == "consultivo"),
        "Startup does not"
    );
    let incidente = fabio_types
        .iter()
        .find(|t| t["key"] == "incidente")
        .unwrap();
    let ambiente = incidente["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "ambiente")
        .unwrap();
    assert_eq!(ambiente["options"], json!(["PROD", "TEST"]));

    let geral = fabio.department("Geral").await;
    let consult = json!({"type": "consultivo", "department_id": geral, "priority": "medium",
        "subject": "Sessão", "message": "Queremos ajuda", "fields": {"assistencia": "Arquitetura"}});
    let refused = open(&fabio, consult.clone()).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "type");
    assert_eq!(open(&carla, consult.clone()).await.status(), 201);

    let before = ticket_count(&app).await;
    for email in [
        "elisa@acme.com.br",
        "gabi@testegratis.com.br",
        "ana@chamado.local",
    ] {
        let browser = app.signed_in(email).await;
        assert_eq!(
            open(&browser, consult.clone()).await.status(),
            403,
            "{email}"
        );
    }
    assert_eq!(ticket_count(&app).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_sees_another_organizations_tickets_or_internal_notes() {
    let app = demo_app().await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let carla_page: Value = carla
        .get("/api/v1/tickets?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let acme_ids: Vec<String> = carla_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(carla_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["organization"]["name"] == "Acme Ltda"));

    let foreign = fabio.get(&format!("/api/v1/tickets/{}", acme_ids[0])).await;
    let missing = fabio.get("/api/v1/tickets/TKT-999999").await;
    assert_eq!(foreign.status(), 404);
    assert_eq!(missing.status(), 404);
    assert_eq!(foreign.text().await.unwrap(), missing.text().await.unwrap());
    let fabio_page: Value = fabio
        .get("/api/v1/tickets?limit=100")
        .await
        .json()
        .await
        .unwrap();
    assert!(fabio_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| !acme_ids.contains(&t["id"].as_str().unwrap().to_owned())));

    // Demo tickets that support answered carry an internal note: staff see it, customers never.
    let answered = carla_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "answered")
        .unwrap();
    let path = format!("/api/v1/tickets/{}", answered["id"].as_str().unwrap());
    let as_customer: Value = carla.get(&path).await.json().await.unwrap();
    assert!(as_customer["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["internal"] == false));
    let lead = app.signed_in("lider@chamado.local").await;
    let as_staff: Value = lead.get(&path).await.json().await.unwrap();
    assert!(as_staff["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["internal"] == true));
    // Nor can a customer find a note's words through search.
    let found: Value = carla
        .get("/api/v1/tickets?q=Nota%20interna")
        .await
        .json()
        .await
        .unwrap();
    assert!(found["items"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn co_workers_see_each_other_only_where_the_organization_shares() {
    let app = demo_app().await;
    let now = chrono::Utc::now();
    // A second customer at Padaria, which does not share tickets.
    app::backend::services::accounts::create_user(
        &app.db,
        app::backend::services::accounts::CreateUser {
            email: "gil@paoquente.com.br".into(),
            name: "Gil".into(),
            role: app::domain::Role::Customer,
            organization: Some("Padaria Pão Quente".into()),
            password: "uma-senha-longa".into(),
            language: app::domain::Language::PtBr,
        },
        now,
    )
    .await
    .unwrap();
    let gil = app.browser();
    assert_eq!(
        gil.sign_in("gil@paoquente.com.br", "uma-senha-longa")
            .await
            .status(),
        200
    );
    let page: Value = gil.get("/api/v1/tickets").await.json().await.unwrap();
    assert!(
        page["items"].as_array().unwrap().is_empty(),
        "Fábio's tickets are his own"
    );
    let stats: Value = gil.get("/api/v1/stats/tickets").await.json().await.unwrap();
    assert_eq!(stats["total"], 0);
    // At Acme (shares), Elisa sees Carla's and Diego's tickets.
    let elisa = app.signed_in("elisa@acme.com.br").await;
    let page: Value = elisa
        .get("/api/v1/tickets?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let requesters: std::collections::BTreeSet<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["requester"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        requesters.into_iter().collect::<Vec<_>>(),
        ["Carla Mendes", "Diego Alves"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_treats_input_as_data() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let matches = |q: &'static str| {
        let url = format!("/api/v1/tickets?limit=100&q={}", urlencode(q));
        let diego = &diego;
        async move {
            let response = diego.get(&url).await;
            assert_eq!(response.status(), 200, "{q}");
            let page: Value = response.json().await.unwrap();
            page["items"].as_array().unwrap().len()
        }
    };
    // Words are looked for; the engines' own syntax (quotes, operators, wildcards, column
    // filters) typed by a person is text, never a query.
    let queries: [(&'static str, usize); 8] = [
        ("50%", 1),
        ("desconto*", 1),
        ("O_desconto", 1),
        ("subject:fatura", 0),
        ("fatura OR boleto", 0),
        ("NEAR(desconto fatura)", 0),
        ("' OR 1=1 --", 0),
        ("\\", 0),
    ];
    let mut before = Vec::new();
    for (q, _) in queries {
        before.push(matches(q).await);
    }
    let geral = diego.department("Geral").await;
    let with_percent = json!({"type": "duvida", "department_id": geral, "priority": "low",
        "subject": "Desconto de 50% na fatura 😀", "message": "O_desconto não aparece", "fields": {}});
    assert_eq!(open(&diego, with_percent).await.status(), 201);
    for ((q, added), was) in queries.into_iter().zip(before) {
        assert_eq!(matches(q).await - was, added, "q={q:?}");
    }
    // A wildcard typed by the person is not "everything".
    let all = matches("").await;
    assert!(matches("%").await < all);
    assert!(matches("*").await < all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_by_keyset_without_gaps_or_repeats() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    for sort in ["-updated_at", "created_at", "-priority"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("/api/v1/tickets?limit=7&sort={sort}&cursor={c}"),
                None => format!("/api/v1/tickets?limit=7&sort={sort}"),
            };
            let page: Value = admin.get(&url).await.json().await.unwrap();
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["number"].as_i64().unwrap()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        let total = app.number("SELECT COUNT(*) FROM tickets").await as usize;
        assert_eq!(unique.len(), total, "{sort}: {seen:?}");
        assert_eq!(seen.len(), total, "{sort}: repeats in {seen:?}");
    }
    let bad = admin.get("/api/v1/tickets?cursor=garbage").await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_counters_agree() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let stats: Value = carla
        .get("/api/v1/stats/tickets")
        .await
        .json()
        .await
        .unwrap();
    let count = |page: Value| page["items"].as_array().unwrap().len() as i64;
    let all = count(
        carla
            .get("/api/v1/tickets?limit=100")
            .await
            .json()
            .await
            .unwrap(),
    );
    let open = count(
        carla
            .get("/api/v1/tickets?limit=100&status=open")
            .await
            .json()
            .await
            .unwrap(),
    );
    let answered = count(
        carla
            .get("/api/v1/tickets?limit=100&status=answered")
            .await
            .json()
            .await
            .unwrap(),
    );
    let closed = count(
        carla
            .get("/api/v1/tickets?limit=100&status=closed")
            .await
            .json()
            .await
            .unwrap(),
    );
    let high = count(
        carla
            .get("/api/v1/tickets?limit=100&priority=high")
            .await
            .json()
            .await
            .unwrap(),
    ) + count(
        carla
            .get("/api/v1/tickets?limit=100&priority=critical")
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(
        stats,
        json!({"total": all, "open": open, "answered": answered, "closed": closed, "high_priority": high})
    );
    assert_eq!(open + answered + closed, all);
    let both = count(
        carla
            .get("/api/v1/tickets?limit=100&status=open,answered")
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(both, open + answered);
    let admin: Value = app
        .signed_in("admin@chamado.local")
        .await
        .get("/api/v1/stats/tickets")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        admin["total"],
        app.number("SELECT COUNT(*) FROM tickets").await
    );

    let invalid = carla.get("/api/v1/tickets?status=pending&limit=1000").await;
    assert_eq!(invalid.status(), 422);
    let problem: Value = invalid.json().await.unwrap();
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
}
