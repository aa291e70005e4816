//! The authorization matrix: every REST route and every server function, called as each demo
//! role and as a visitor, against own and foreign ids. Each row states the expected status for
//! every actor; a forbidden write must leave the database as it was. A route or server function
//! without a row fails the test, so new routes must be added here.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::Value;

mod expect;
mod notification_rows;
mod rows;

use crate::helpers::{spawn_app_with, Browser, SpawnOptions, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Visitor,
    Customer,
    CustomerWithoutTickets,
    OrgAdmin,
    OtherOrgAdmin,
    TrialCustomer,
    Agent,
    Lead,
    Admin,
}
use Actor::*;

const ACTORS: [Actor; 9] = [
    Visitor,
    Customer,
    CustomerWithoutTickets,
    OrgAdmin,
    OtherOrgAdmin,
    TrialCustomer,
    Agent,
    Lead,
    Admin,
];

impl Actor {
    fn email(self) -> Option<&'static str> {
        match self {
            Visitor => None,
            Customer => Some("diego@acme.com.br"),
            CustomerWithoutTickets => Some("elisa@acme.com.br"),
            OrgAdmin => Some("carla@acme.com.br"),
            OtherOrgAdmin => Some("fabio@paoquente.com.br"),
            TrialCustomer => Some("gabi@testegratis.com.br"),
            Agent => Some("ana@chamado.local"),
            Lead => Some("lider@chamado.local"),
            Admin => Some("admin@chamado.local"),
        }
    }
}

/// `{acme_member}`: Elisa's id (a customer of Acme, Carla's organization).
/// `{own_token}`: an API token the actor just created. `{foreign_token}`: a token of Bruno's.
/// `{actor}`: a word unique to the actor (for e-mails that must not collide).
#[derive(Clone, Copy)]
enum Call {
    Rest {
        method: &'static str,
        path: &'static str,
        body: Option<&'static str>,
    },
    Fn {
        endpoint: &'static str,
        get: bool,
        form: &'static [(&'static str, &'static str)],
    },
    /// A server function whose arguments travel as JSON (the admin forms' nested inputs).
    FnJson {
        endpoint: &'static str,
        body: &'static str,
    },
}

struct Row {
    call: Call,
    expect: fn(Actor) -> u16,
}

fn rows() -> Vec<Row> {
    [
        rows::accounts(),
        notification_rows::notifications(),
        notification_rows::mail_in(),
        rows::tickets(),
        rows::administration(),
        rows::server_functions(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Everything a forbidden write could have touched, as text.
async fn snapshot(app: &TestApp) -> String {
    const SQL: &str = r#"
        SELECT 'u' || id || ':' || name || ':' || language || ':' || CAST(can_open_tickets AS TEXT) || ':'
               || CAST(active AS TEXT) || ':' || CAST(away AS TEXT) || ':' || COALESCE(password_hash, '') FROM users
        UNION ALL SELECT 't' || id || ':' || COALESCE(CAST(revoked_at AS TEXT), '') FROM api_tokens
        UNION ALL SELECT 'l' || id || ':' || COALESCE(CAST(used_at AS TEXT), '') FROM user_links
        UNION ALL SELECT 'k' || id || ':' || status || ':' || priority || ':' || COALESCE(CAST(assignee_id AS TEXT), '')
               || ':' || COALESCE(CAST(merged_into_id AS TEXT), '') FROM tickets
        UNION ALL SELECT 'g' || ticket_id || ':' || tag FROM ticket_tags
        UNION ALL SELECT 'r' || ticket_id || ':' || related_ticket_id FROM ticket_links
        UNION ALL SELECT 'p' || ticket_id || ':' || user_id || ':' || state FROM ticket_presence
        UNION ALL SELECT 'c' || id || ':' || title || ':' || CAST(active AS TEXT) FROM canned_responses
        UNION ALL SELECT 'd' || id || ':' || name || ':' || CAST(active AS TEXT) || ':' || CAST(round_robin AS TEXT) FROM departments
        UNION ALL SELECT 'dm' || department_id || ':' || user_id FROM department_members
        UNION ALL SELECT 'o' || id || ':' || name || ':' || plan || ':' || CAST(shares_tickets AS TEXT) || ':' || CAST(active AS TEXT) FROM organizations
        UNION ALL SELECT 'ur' || id || ':' || role || ':' || COALESCE(CAST(organization_id AS TEXT), '') FROM users
        UNION ALL SELECT 'y' || id || ':' || key || ':' || name || ':' || CAST(active AS TEXT) FROM ticket_types
        UNION ALL SELECT 'yf' || id || ':' || label || ':' || CAST(active AS TEXT) FROM ticket_type_fields
        UNION ALL SELECT 'sc' || id || ':' || name || ':' || CAST(active AS TEXT) || ':' || CAST(updated_at AS TEXT) FROM sla_calendars
        UNION ALL SELECT 'sp' || id || ':' || CAST(first_response_minutes AS TEXT) || ':' || CAST(active AS TEXT) FROM sla_policies
        UNION ALL SELECT 'al' || id FROM audit_log
        UNION ALL SELECT 'rt' || ticket_id || ':' || CAST(score AS TEXT) FROM ticket_ratings
        UNION ALL SELECT 'm' || id FROM ticket_messages
        UNION ALL SELECT 'a' || id || ':' || status || ':' || slug || ':' || title FROM articles
        UNION ALL SELECT 's' || key || ':' || CAST(updated_at AS TEXT) FROM settings
        UNION ALL SELECT 'mb' || id || ':' || name || ':' || address || ':' || token_hash FROM mailboxes
        UNION ALL SELECT 'es' || address FROM email_suppressions
        ORDER BY 1"#;
    app.texts(SQL, None).await.join("\n")
}

/// One integer from the database, as text.
async fn scalar(app: &TestApp, sql: &str) -> String {
    app.number(sql).await.to_string()
}

/// A message with one text file on a ticket; answers the attachment's id.
async fn attach(browser: &Browser, ticket: &str, internal: bool) -> String {
    let form = reqwest::multipart::Form::new()
        .text(
            "message",
            serde_json::json!({"body": "Anexo", "internal": internal}).to_string(),
        )
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(b"linha de log\n".to_vec()).file_name("log.txt"),
        );
    let response = browser
        .post_multipart(&format!("/api/v1/tickets/{ticket}/messages"), form)
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["attachments"][0]["id"].as_i64().unwrap().to_string()
}

async fn new_token(browser: &Browser) -> String {
    let r = browser
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(serde_json::json!({"name": "fixture", "password": crate::helpers::PASSWORD})),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    body["id"].as_i64().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_server_function_has_a_row() {
    let rows = rows();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| match r.call {
            Call::Rest { method, path, .. } => (method.to_owned(), template(path)),
            Call::Fn { endpoint, get, .. } => (
                (if get { "GET" } else { "POST" }).to_owned(),
                format!("/api/fn/{endpoint}"),
            ),
            Call::FnJson { endpoint, .. } => ("POST".to_owned(), format!("/api/fn/{endpoint}")),
        })
        .collect();
    let doc = serde_json::to_value(<server::rest::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
    let mut registered = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            registered.insert((method.to_uppercase(), path.clone()));
        }
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        registered.insert((method.to_string(), path.to_owned()));
    }
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that do not exist: {stale:?}"
    );
}

fn row_label(row: &Row) -> String {
    match row.call {
        Call::Rest { method, path, .. } => format!("{method} {path}"),
        Call::Fn { endpoint, .. } | Call::FnJson { endpoint, .. } => format!("fn {endpoint}"),
    }
}

/// `/api/v1/me/tokens/{own_token}` → `/api/v1/me/tokens/{id}` (the OpenAPI template).
fn template(path: &str) -> String {
    let path = path.replace("{member_user}", "{user_id}");
    [
        "{own_token}",
        "{foreign_token}",
        "{acme_member}",
        "{acme_ticket}",
        "{padaria_ticket}",
        "{acme_attachment}",
        "{internal_attachment}",
        "{article_id}",
        "{canned_id}",
        "{geral}",
        "{acme_org}",
        "{duvida_type}",
        "{policy_id}",
        "{calendar_id}",
        "{missing_id}",
    ]
    .iter()
    .fold(
        path.split('?').next().unwrap_or(&path).to_owned(),
        |p, placeholder| p.replace(placeholder, "{id}"),
    )
    .replace("{article}", "{slug}")
    .replace("{missing_address}", "{address}")
    .replace("{missing_message}", "{message_id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_actor_gets_exactly_what_their_role_allows() {
    // Server functions render through Leptos too: not at the same time as the page tests.
    let mut failures = Vec::new();
    for row in rows() {
        // A fresh installation per row: what one actor's call changes cannot hide another's.
        let app = spawn_app_with(SpawnOptions {
            demo: true,
            ..Default::default()
        })
        .await;
        let acme_member = app.user_id("elisa@acme.com.br").await.to_string();
        let geral = scalar(&app, "SELECT id FROM departments WHERE name = 'Geral'").await;
        let acme_ticket = scalar(
            &app,
            "SELECT MIN(t.id) FROM tickets t JOIN users u ON u.id = t.requester_id JOIN departments d ON d.id = t.department_id \
             WHERE u.email = 'carla@acme.com.br' AND d.name = 'Técnico'",
        )
        .await;
        let padaria_ticket = scalar(
            &app,
            "SELECT MIN(t.id) FROM tickets t JOIN users u ON u.id = t.requester_id JOIN departments d ON d.id = t.department_id \
             WHERE u.email = 'fabio@paoquente.com.br' AND d.name = 'Técnico'",
        )
        .await;
        let article_id = scalar(
            &app,
            "SELECT id FROM articles WHERE slug = 'redefinir-senha'",
        )
        .await;
        let canned_id = scalar(&app, "SELECT MIN(id) FROM canned_responses").await;
        let acme_org = scalar(
            &app,
            "SELECT id FROM organizations WHERE name = 'Acme Ltda'",
        )
        .await;
        let duvida_type = scalar(&app, "SELECT id FROM ticket_types WHERE key = 'duvida'").await;
        let policy_id = scalar(
            &app,
            "SELECT id FROM sla_policies WHERE plan = 'enterprise' AND priority = 'high'",
        )
        .await;
        let calendar_id = scalar(&app, "SELECT MIN(id) FROM sla_calendars").await;
        let bruno = app.signed_in("bruno@chamado.local").await;
        let foreign_token = new_token(&bruno).await;
        let carla = app.signed_in("carla@acme.com.br").await;
        let acme_attachment = attach(&carla, &acme_ticket, false).await;
        let ana = app.signed_in("ana@chamado.local").await;
        let internal_attachment = attach(&ana, &acme_ticket, true).await;
        for actor in ACTORS {
            let browser = app.browser();
            if let Some(email) = actor.email() {
                let status = browser
                    .sign_in(email, crate::helpers::PASSWORD)
                    .await
                    .status();
                if status != 200 {
                    failures.push(format!(
                        "{:?}: {actor:?} could not sign in ({status})",
                        row_label(&row)
                    ));
                    continue;
                }
            }
            let own_token = if actor == Visitor {
                foreign_token.clone()
            } else {
                new_token(&browser).await
            };
            let fill = |s: &str| {
                s.replace("{acme_member}", &acme_member)
                    .replace("{geral}", &geral)
                    .replace("{acme_ticket}", &acme_ticket)
                    .replace("{padaria_ticket}", &padaria_ticket)
                    .replace("{acme_attachment}", &acme_attachment)
                    .replace("{internal_attachment}", &internal_attachment)
                    .replace("{own_token}", &own_token)
                    .replace("{foreign_token}", &foreign_token)
                    .replace("{article}", "redefinir-senha")
                    .replace("{article_id}", &article_id)
                    .replace("{canned_id}", &canned_id)
                    .replace("{acme_org}", &acme_org)
                    .replace("{duvida_type}", &duvida_type)
                    .replace("{policy_id}", &policy_id)
                    .replace("{calendar_id}", &calendar_id)
                    .replace("{missing_id}", "999999")
                    .replace("{missing_address}", "ninguem@example.com")
                    .replace("{missing_message}", "999999")
                    .replace("{member_user}", &acme_member)
                    .replace("{attempt}", "matriz-tentativa")
                    .replace("{actor}", &format!("{actor:?}").to_lowercase())
            };
            let before = snapshot(&app).await;
            let (label, response) = match row.call {
                Call::Rest { method, path, body } => {
                    let method = Method::from_bytes(method.as_bytes()).unwrap();
                    let body = body.map(|b| serde_json::from_str::<Value>(&fill(b)).unwrap());
                    (
                        format!("{method} {path}"),
                        browser.send(method, &fill(path), body).await,
                    )
                }
                Call::Fn {
                    endpoint,
                    get,
                    form,
                } => {
                    let form: Vec<(String, String)> = form
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), fill(v)))
                        .collect();
                    let response = if get {
                        browser
                            .client
                            .get(browser.url(&format!("/api/fn/{endpoint}")))
                            .query(&form)
                            .send()
                            .await
                            .unwrap()
                    } else {
                        let pairs: Vec<(&str, &str)> =
                            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                        browser.server_fn(endpoint, &pairs).await
                    };
                    (format!("fn {endpoint}"), response)
                }
                Call::FnJson { endpoint, body } => {
                    let response = browser
                        .client
                        .post(browser.url(&format!("/api/fn/{endpoint}")))
                        .header("origin", &browser.base)
                        .header("content-type", "application/json")
                        .header("accept", "application/json")
                        .body(fill(body))
                        .send()
                        .await
                        .unwrap();
                    (format!("fn {endpoint}"), response)
                }
            };
            let expected = (row.expect)(actor);
            let status = response.status().as_u16();
            if status != expected {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{label} as {actor:?}: expected {expected}, got {status} {body}"
                ));
            } else if status >= 400 && snapshot(&app).await != before {
                failures.push(format!(
                    "{label} as {actor:?}: refused with {status} but changed the database"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}
