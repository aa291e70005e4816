//! Input nobody should be able to store (issue 16): invisible and direction-changing
//! characters, text made of nothing visible, and NUL, which PostgreSQL refuses (a 500 before).

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::demo_app;
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
    // In a server function's form.
    let response = diego
        .server_fn(
            "me/profile",
            &[("name", "Diego\u{0}"), ("language", "pt-BR")],
        )
        .await;
    assert_eq!(response.status(), 400);
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
