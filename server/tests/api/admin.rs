//! Administration (issue 7) over REST: who may read and write, field errors that change
//! nothing, departments with agents, ticket types whose old values stay readable, service
//! levels recomputed on policy and plan changes, people invited and deactivated, limits, and
//! the audit log with its CSV.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, field_codes, Browser};

async fn audit(browser: &Browser, query: &str) -> Vec<Value> {
    let (status, page) = browser
        .call(Method::GET, &format!("/api/v1/admin/audit?{query}"), None)
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_write_leads_read_and_others_are_refused() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let lead = app.signed_in("lider@chamado.local").await;
    let agent = app.signed_in("ana@chamado.local").await;
    let customer = app.signed_in("diego@acme.com.br").await;
    for path in [
        "/api/v1/admin/departments",
        "/api/v1/admin/organizations",
        "/api/v1/admin/ticket-types",
        "/api/v1/admin/sla-policies",
        "/api/v1/admin/calendars",
        "/api/v1/admin/users",
        "/api/v1/admin/priorities",
        "/api/v1/admin/settings",
        "/api/v1/admin/audit",
    ] {
        assert_eq!(admin.get(path).await.status(), 200, "admin reads {path}");
        assert_eq!(lead.get(path).await.status(), 200, "lead reads {path}");
        assert_eq!(agent.get(path).await.status(), 403, "agent {path}");
        assert_eq!(customer.get(path).await.status(), 403, "customer {path}");
    }
    let (status, _) = lead
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(json!({"name": "Financeiro"})),
        )
        .await;
    assert_eq!(status, 403, "leads only read");
    let names: Vec<Value> = admin
        .get("/api/v1/admin/departments")
        .await
        .json()
        .await
        .unwrap();
    assert!(names.iter().all(|d| d["name"] != "Financeiro"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_with_an_agent_and_its_history() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let caio = app.user_id("caio@chamado.local").await;
    let diego = app.user_id("diego@acme.com.br").await;

    // Every wrong field at once, and nothing written.
    let (status, problem) = admin
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(json!({"name": "técnico", "agent_ids": [diego]})),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        field_codes(&problem),
        [
            ("name".to_owned(), "taken".to_owned()),
            ("agent_ids".to_owned(), "invalid".to_owned())
        ]
    );
    let (status, created) = admin
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(json!({"name": "Plantão PROD", "agent_ids": [caio]})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["agents"][0]["name"], "Caio Ramos");

    // The agent now works the department's tickets.
    let carla = app.signed_in("carla@acme.com.br").await;
    let (status, ticket) = carla
        .call(
            Method::POST,
            "/api/v1/tickets",
            Some(
                json!({"type": "duvida", "department_id": id, "priority": "low",
                    "subject": "Deploy travado", "message": "Travou.", "fields": {}}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{ticket}");
    let number = ticket["id"].as_str().unwrap();
    let caio_browser = app.signed_in("caio@chamado.local").await;
    assert_eq!(
        caio_browser
            .get(&format!("/api/v1/tickets/{number}"))
            .await
            .status(),
        200
    );

    // Renamed, then deactivated: the ticket keeps showing the department.
    let (status, renamed) = admin
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/departments/{id}"),
            Some(json!({"name": "Plantão"})),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    let deleted = admin
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/departments/{id}"),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    let open: Vec<Value> = carla.get("/api/v1/departments").await.json().await.unwrap();
    assert!(open.iter().all(|d| d["id"] != id), "inactive: not offered");
    let detail: Value = carla
        .get(&format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["ticket"]["department"]["name"], "Plantão");

    let entries = audit(&admin, &format!("entity=department&entity_id={id}")).await;
    let described: Vec<(String, String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["before"].as_str().unwrap_or_default().to_owned(),
                e["after"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        described.contains(&("create".into(), "".into(), "".into(), "".into())),
        "{described:?}"
    );
    assert!(described.contains(&(
        "update".into(),
        "agents".into(),
        "".into(),
        "Caio Ramos".into()
    )));
    assert!(described.contains(&(
        "update".into(),
        "name".into(),
        "Plantão PROD".into(),
        "Plantão".into()
    )));
    assert!(described.contains(&(
        "delete".into(),
        "active".into(),
        "true".into(),
        "false".into()
    )));
    assert!(
        entries
            .iter()
            .all(|e| e["actor"]["name"] == "Admin Chamado"),
        "{entries:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_type_for_enterprise_with_a_select_field_and_old_values_kept() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let (status, problem) = admin.call(Method::POST,
        "/api/v1/admin/ticket-types",
        Some(json!({"key": "Incidente PROD", "name": "", "fields": [
            {"key": "ambiente", "label": "Ambiente", "kind": "select", "required": true, "options": []}
        ]})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [
            ("key".to_owned(), "invalid_key".to_owned()),
            ("name".to_owned(), "required".to_owned()),
            ("fields[0].options".to_owned(), "required".to_owned()),
        ]
    );
    let (status, created) = admin.call(Method::POST,
        "/api/v1/admin/ticket-types",
        Some(
            json!({"key": "incidente_prod", "name": "Incidente PROD", "plans": ["enterprise"],
                        "default_priority": "critical", "fields": [
                {"key": "ambiente", "label": "Ambiente", "kind": "select", "required": true,
                 "options": ["PROD", "TEST"]},
                {"key": "servico", "label": "Serviço afetado", "kind": "text", "required": false}
            ]}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let type_id = created["id"].as_i64().unwrap();

    let diego = app.signed_in("diego@acme.com.br").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let offered = |list: &Vec<Value>| list.iter().any(|t| t["key"] == "incidente_prod");
    let enterprise: Vec<Value> = diego
        .get("/api/v1/ticket-types")
        .await
        .json()
        .await
        .unwrap();
    assert!(offered(&enterprise), "Enterprise sees it");
    let startup: Vec<Value> = fabio
        .get("/api/v1/ticket-types")
        .await
        .json()
        .await
        .unwrap();
    assert!(!offered(&startup), "Startup does not");

    let department = diego.department("Técnico").await;
    let new_ticket = |env: &str| {
        json!({"type": "incidente_prod", "department_id": department, "priority": "critical",
               "subject": "Pagamentos fora do ar", "message": "Erro 503.",
               "fields": {"ambiente": env, "servico": "checkout"}})
    };
    let (status, problem) = diego
        .call(Method::POST, "/api/v1/tickets", Some(new_ticket("HOMOLOG")))
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [("fields.ambiente".to_owned(), "invalid_option".to_owned())]
    );
    let (status, ticket) = diego
        .call(Method::POST, "/api/v1/tickets", Some(new_ticket("PROD")))
        .await;
    assert_eq!(status, 201, "{ticket}");
    let number = ticket["id"].as_str().unwrap();
    let (status, _) = fabio
        .call(Method::POST, "/api/v1/tickets", Some(new_ticket("PROD")))
        .await;
    assert_eq!(status, 422, "Startup may not open it");

    // The field leaves the type: the ticket still shows what was filled in.
    let (status, changed) = admin.call(Method::PATCH,
        &format!("/api/v1/admin/ticket-types/{type_id}"),
        Some(json!({"fields": [
            {"key": "ambiente", "label": "Ambiente", "kind": "select", "required": true, "options": ["PROD", "TEST"]}
        ]})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    let servico = changed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "servico")
        .cloned()
        .unwrap();
    assert_eq!(servico["active"], false);
    let detail: Value = diego
        .get(&format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .unwrap();
    let shown: Vec<(String, String)> = detail["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["label"].as_str().unwrap().to_owned(),
                f["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Ambiente".to_owned(), "PROD".to_owned()),
            ("Serviço afetado".to_owned(), "checkout".to_owned())
        ]
    );
    let entries = audit(&admin, &format!("entity=ticket_type&entity_id={type_id}")).await;
    assert!(entries.iter().any(|e| e["field"] == "fields"
        && e["before"].as_str().unwrap_or_default().contains("servico")
        && !e["after"].as_str().unwrap_or_default().contains("servico")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_levels_are_recomputed_when_policies_and_plans_change() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let department = fabio.department("Técnico").await;
    let (status, ticket) = fabio
        .call(
            Method::POST,
            "/api/v1/tickets",
            Some(
                json!({"type": "duvida", "department_id": department, "priority": "high",
                    "subject": "Lento", "message": "Muito lento.", "fields": {}}),
            ),
        )
        .await;
    assert_eq!(status, 201);
    let number = ticket["id"].as_str().unwrap().to_owned();
    let due = |v: &Value| {
        v["sla"]["first_response_due"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let before = due(&ticket);

    let calendars: Vec<Value> = admin
        .get("/api/v1/admin/calendars")
        .await
        .json()
        .await
        .unwrap();
    let always = calendars
        .iter()
        .find(|c| c["name"] == "24x7")
        .and_then(|c| c["id"].as_i64())
        .unwrap();
    let policies: Vec<Value> = admin
        .get("/api/v1/admin/sla-policies")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(policies.len(), 20, "five paid plans × four priorities");
    let startup_high = policies
        .iter()
        .find(|p| p["plan"] == "startup" && p["priority"] == "high")
        .unwrap();
    let policy_id = startup_high["id"].as_i64().unwrap();

    // A second active policy for the same pair is refused; minutes are checked.
    let (status, problem) = admin
        .call(
            Method::POST,
            "/api/v1/admin/sla-policies",
            Some(
                json!({"plan": "startup", "priority": "high", "first_response_minutes": 0,
                    "resolution_minutes": 60, "calendar_id": always}),
            ),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [
            (
                "first_response_minutes".to_owned(),
                "out_of_range".to_owned()
            ),
            ("priority".to_owned(), "taken".to_owned())
        ]
    );

    // 30 minutes around the clock: the open ticket's clock follows at once.
    let (status, changed) = admin
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/sla-policies/{policy_id}"),
            Some(json!({"first_response_minutes": 30, "calendar_id": always})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    let now: Value = fabio
        .get(&format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .unwrap();
    let created =
        chrono::DateTime::parse_from_rfc3339(ticket["created_at"].as_str().unwrap()).unwrap();
    let after = chrono::DateTime::parse_from_rfc3339(&due(&now["ticket"])).unwrap();
    assert_eq!(
        after - created,
        chrono::Duration::minutes(30),
        "was {before}"
    );

    // The organization moves to Enterprise: Alta there is 120 minutes, 24x7.
    let orgs: Vec<Value> = admin
        .get("/api/v1/admin/organizations")
        .await
        .json()
        .await
        .unwrap();
    let padaria = orgs
        .iter()
        .find(|o| o["name"] == "Padaria Pão Quente")
        .and_then(|o| o["id"].as_i64())
        .unwrap();
    let (status, org) = admin
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/organizations/{padaria}"),
            Some(json!({"plan": "enterprise"})),
        )
        .await;
    assert_eq!(status, 200, "{org}");
    let now: Value = fabio
        .get(&format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .unwrap();
    let after = chrono::DateTime::parse_from_rfc3339(&due(&now["ticket"])).unwrap();
    assert_eq!(after - created, chrono::Duration::minutes(120));
    let entries = audit(&admin, "entity=organization").await;
    assert!(entries
        .iter()
        .any(|e| e["field"] == "plan" && e["before"] == "startup" && e["after"] == "enterprise"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_invited_filtered_and_deactivated_at_once() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let tecnico = admin.department("Técnico").await;
    let (status, problem) = admin
        .call(
            Method::POST,
            "/api/v1/admin/users",
            Some(
                json!({"email": "ana@chamado.local", "name": "Outra Ana", "role": "agent",
                    "organization_id": 1}),
            ),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [
            (
                "organization_id".to_owned(),
                "not_allowed_for_role".to_owned()
            ),
            ("email".to_owned(), "taken".to_owned())
        ]
    );
    let (status, invited) = admin
        .invite_agent("Joana@Chamado.local", "Joana Dias", &[tecnico])
        .await;
    assert_eq!(status, 201, "{invited}");
    let link = invited["link"].as_str().unwrap();
    assert!(link.starts_with("/convite/"), "{link}");
    let joana = invited["user"]["id"].as_i64().unwrap();
    assert_eq!(invited["user"]["pending_invitation"], true);
    assert_eq!(invited["user"]["departments"][0]["name"], "Técnico");

    let page: Value = admin
        .get("/api/v1/admin/users?role=agent&q=joana")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["email"], "joana@chamado.local");
    let page: Value = admin
        .get("/api/v1/admin/users?limit=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next_cursor"].as_str().unwrap();
    let second: Value = admin
        .get(&format!("/api/v1/admin/users?limit=2&cursor={next}"))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(second["items"][0]["id"], page["items"][0]["id"]);
    assert_eq!(
        admin.get("/api/v1/admin/users?role=boss").await.status(),
        422
    );

    // Ana is deactivated: her session and her token stop working at once.
    let ana = app.signed_in("ana@chamado.local").await;
    let (_, token) = ana
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "cli", "password": crate::helpers::PASSWORD})),
        )
        .await;
    let token = token["token"].as_str().unwrap().to_owned();
    let ana_id = app.user_id("ana@chamado.local").await;
    let gone = admin
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/users/{ana_id}"),
            None,
        )
        .await;
    assert_eq!(gone.status(), 204);
    assert_eq!(ana.get("/api/v1/me").await.status(), 401);
    let by_token = app.get_as("/api/v1/me", &token).await;
    assert_eq!(by_token.status(), 401);

    // Admins cannot lock themselves out.
    let me: Value = admin.get("/api/v1/me").await.json().await.unwrap();
    let (status, problem) = admin
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/users/{}", me["id"]),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [("active".to_owned(), "cannot_change_self".to_owned())]
    );

    // A reset link for someone who never accepted is a new invitation.
    let (status, again) = admin
        .call(
            Method::POST,
            &format!("/api/v1/admin/users/{joana}/password-link"),
            None,
        )
        .await;
    assert_eq!(status, 201, "{again}");
    assert!(again["link"].as_str().unwrap().starts_with("/convite/"));
    assert_ne!(again["link"].as_str(), Some(link));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_priorities_and_the_audit_csv() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let lead = app.signed_in("lider@chamado.local").await;
    let (status, problem) = admin
        .call(
            Method::PATCH,
            "/api/v1/admin/settings",
            Some(json!({"message_max_chars": 5, "allowed_types": ["png", "svg"]})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [
            ("message_max_chars".to_owned(), "out_of_range".to_owned()),
            ("allowed_types".to_owned(), "invalid".to_owned())
        ]
    );
    let unchanged: Value = admin
        .get("/api/v1/admin/settings")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["message_max_chars"], 1000);
    let (status, saved) = admin
        .call(
            Method::PATCH,
            "/api/v1/admin/settings",
            Some(json!({"auto_close_days": 10, "allowed_types": ["png", "pdf"]})),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["auto_close_days"], 10);
    assert_eq!(saved["allowed_types"], json!(["png", "pdf"]));

    // The limits take effect at once: message length, file types, the reopen window.
    let (status, _) = admin
        .call(
            Method::PATCH,
            "/api/v1/admin/settings",
            Some(json!({"message_max_chars": 200, "reopen_window_days": 0})),
        )
        .await;
    assert_eq!(status, 200);
    let carla = app.signed_in("carla@acme.com.br").await;
    let department = carla.department("Técnico").await;
    let ticket = |message: String| {
        json!({"type": "duvida", "department_id": department, "priority": "low",
               "subject": "Limites", "message": message, "fields": {}})
    };
    let (status, problem) = carla
        .call(
            Method::POST,
            "/api/v1/tickets",
            Some(ticket("x".repeat(201))),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [("message".to_owned(), "too_long".to_owned())]
    );
    let (status, created) = carla
        .call(
            Method::POST,
            "/api/v1/tickets",
            Some(ticket("x".repeat(200))),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let form = reqwest::multipart::Form::new()
        .text("message", json!({"body": "Segue o log"}).to_string())
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(b"linha de log\n".to_vec()).file_name("erro.log"),
        );
    let refused = carla
        .post_multipart(&format!("/api/v1/tickets/{id}/messages"), form)
        .await;
    assert_eq!(refused.status(), 415, "logs are no longer allowed");
    let (status, _) = carla.close_ticket(&id).await;
    assert_eq!(status, 200);
    let (status, problem) = carla
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/reopen"),
            Some(json!({"reason": "Voltou a falhar"})),
        )
        .await;
    assert_eq!(status, 409, "a zero-day window: {problem}");

    let mut texts: Vec<Value> = admin
        .get("/api/v1/admin/priorities")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(texts[3]["label_pt"], "Crítica");
    texts[3]["guidance_pt"] = json!("Produção parada para todos os clientes.");
    let (status, _) = admin
        .call(
            Method::PUT,
            "/api/v1/admin/priorities",
            Some(Value::Array(texts.clone())),
        )
        .await;
    assert_eq!(status, 200);
    texts[0]["label_pt"] = json!("");
    let (status, problem) = admin
        .call(
            Method::PUT,
            "/api/v1/admin/priorities",
            Some(Value::Array(texts)),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        field_codes(&problem),
        [("priorities[0].label_pt".to_owned(), "required".to_owned())]
    );

    let csv = lead.get("/api/v1/admin/audit.csv?entity=settings").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("at;actor_id;actor;entity;entity_id;entity_name;action;field;before;after")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter().any(|r| r.contains(";auto_close_days;7;10")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|r| r.contains("allowed_types")), "{rows:?}");
    // Ticket changes are in the same log.
    let entries = audit(&lead, "entity=ticket&limit=5").await;
    assert!(!entries.is_empty());
    assert!(entries
        .iter()
        .all(|e| e["entity"] == "ticket" && e["entity_id"].as_str().unwrap().starts_with("TKT-")));
    assert_eq!(
        admin.get("/api/v1/admin/audit?from=ontem").await.status(),
        422
    );
}
