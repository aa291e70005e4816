//! Attachments (issue 4): multipart uploads checked by size, count and content, stored under
//! generated names, fsynced with the ticket's transaction and served only as downloads.

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::helpers::{demo_app, TestApp};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
const LIMIT: usize = 10_485_760;

fn ticket_json(department_id: i64, message: &str) -> String {
    json!({
        "type": "bug", "department_id": department_id, "priority": "high",
        "subject": "Tela branca ao exportar", "message": message,
        "fields": {"produto": "Relatórios", "impacto": "Alto",
                   "comportamento_esperado": "Baixar o CSV", "passos": "Exportar"}
    })
    .to_string()
}

fn file(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_owned())
}

/// Every file under the attachments directory except the (empty) staging area.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&app._test_db.dir.path().join("data/attachments"), &mut out);
    out
}

async fn counts(app: &TestApp) -> (i64, i64, i64) {
    (
        app.number("SELECT COUNT(*) FROM tickets").await,
        app.number("SELECT COUNT(*) FROM ticket_messages").await,
        app.number("SELECT COUNT(*) FROM attachments").await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_with_two_attachments_is_stored_and_downloaded_safely() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let department = diego.department("Técnico").await;
    let log = "2026-11-21 14:03 ERRO exportação: timeout ✓\n".repeat(50);
    let form = Form::new()
        .text("ticket", ticket_json(department, "Segue o print e o log."))
        .part("attachment", file("../../tela branca.png", PNG))
        .part("attachment", file("erro.log", log.as_bytes()));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 201);
    let ticket: Value = response.json().await.unwrap();
    let id = ticket["id"].as_str().unwrap().to_owned();

    let detail: Value = diego
        .get(&format!("/api/v1/tickets/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let files = detail["messages"][0]["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["name"], "tela branca.png", "no path survives");
    assert_eq!(files[0]["content_type"], "image/png");
    assert_eq!(files[0]["size"], PNG.len());
    assert_eq!(files[1]["name"], "erro.log");
    assert_eq!(files[1]["size"], log.len());

    let download = diego
        .get(&format!("/api/v1/attachments/{}", files[0]["id"]))
        .await;
    assert_eq!(download.status(), 200);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''tela%20branca%2Epng"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), PNG);
    let text = diego
        .get(&format!("/api/v1/attachments/{}", files[1]["id"]))
        .await;
    assert_eq!(text.text().await.unwrap(), log);

    // Stored under generated names, never the uploader's.
    let stored = stored_files(&app);
    assert_eq!(stored.len(), 2, "{stored:?}");
    for path in &stored {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(
            name.len() == 32 && name.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}"
        );
    }

    // Another organization cannot fetch it; neither can a visitor.
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let foreign = fabio
        .get(&format!("/api/v1/attachments/{}", files[0]["id"]))
        .await;
    assert_eq!(foreign.status(), 404);
    let visitor = app
        .get(&format!("/api/v1/attachments/{}", files[0]["id"]))
        .await;
    assert_eq!(visitor.status(), 401);
    assert_eq!(diego.get("/api/v1/attachments/999999").await.status(), 404);
    assert_eq!(diego.get("/api/v1/attachments/abc").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_refuse_the_request_and_leave_nothing_behind() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let department = diego.department("Técnico").await;
    let before = counts(&app).await;

    // Exactly 10 MiB is accepted…
    let mut exact = vec![b'a'; LIMIT];
    exact[LIMIT - 1] = b'\n';
    let form = Form::new()
        .text("ticket", ticket_json(department, "Arquivo no limite."))
        .part("attachment", file("grande.txt", &exact));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 201);
    let after_exact = counts(&app).await;
    assert_eq!(after_exact.2, before.2 + 1);
    assert_eq!(stored_files(&app).len(), 1);

    // …one byte more is 413.
    let over = vec![b'a'; LIMIT + 1];
    let form = Form::new()
        .text("ticket", ticket_json(department, "Arquivo grande demais."))
        .part("attachment", file("grande.txt", &over));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 413);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );

    // A sixth file is 422 on the attachments field.
    let mut form = Form::new().text("ticket", ticket_json(department, "Seis arquivos."));
    for i in 0..6 {
        form = form.part("attachment", file(&format!("print{i}.png"), PNG));
    }
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "attachments");
    assert_eq!(problem["errors"][0]["code"], "too_many");

    // Content that is not an allowed type is 415, whatever its name says.
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".as_slice();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.as_slice();
    let exe =
        b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0\0\0\0\0\0\0".as_slice();
    for (name, bytes) in [
        ("foto.png", html),
        ("logo.svg", svg),
        ("logo.png", svg),
        ("setup.exe", exe),
        ("leia.txt", exe),
    ] {
        let form = Form::new()
            .text("ticket", ticket_json(department, "Arquivo suspeito."))
            .part("attachment", file(name, PNG))
            .part("attachment", file(name, bytes));
        let response = diego.post_multipart("/api/v1/tickets", form).await;
        assert_eq!(response.status(), 415, "{name}");
    }

    // A ticket that fails validation with files attached leaves no file either.
    let form = Form::new()
        .text("ticket", ticket_json(department, &"x".repeat(1001)))
        .part("attachment", file("print.png", PNG));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 422);

    assert_eq!(
        counts(&app).await,
        after_exact,
        "refused requests changed nothing"
    );
    assert_eq!(
        stored_files(&app).len(),
        1,
        "no file left by refused requests"
    );

    // A multipart body without the ticket part is a field error, not a 500.
    let form = Form::new().part("attachment", file("print.png", PNG));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 422);
    let form = Form::new()
        .text("ticket", "{not json")
        .part("attachment", file("print.png", PNG));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    assert_eq!(response.status(), 422);
    assert_eq!(stored_files(&app).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_on_internal_notes_stay_with_support() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let department = diego.department("Técnico").await;
    let created: Value = diego
        .send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            Some(serde_json::from_str(&ticket_json(department, "Sem anexo.")).unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let ana = app.signed_in("ana@chamado.local").await;
    let form = Form::new()
        .text(
            "message",
            json!({"body": "Dump interno", "internal": true}).to_string(),
        )
        .part("attachment", file("dump.json", br#"{"heap": 1}"#));
    let note = ana
        .post_multipart(&format!("/api/v1/tickets/{id}/messages"), form)
        .await;
    assert_eq!(note.status(), 201);
    let note: Value = note.json().await.unwrap();
    let internal_file = note["attachments"][0]["id"].as_i64().unwrap();
    assert_eq!(note["attachments"][0]["content_type"], "application/json");

    let form = Form::new()
        .text(
            "message",
            json!({"body": "Segue o print corrigido."}).to_string(),
        )
        .part("attachment", file("corrigido.png", PNG));
    let reply = ana
        .post_multipart(&format!("/api/v1/tickets/{id}/messages"), form)
        .await;
    assert_eq!(reply.status(), 201);
    let reply: Value = reply.json().await.unwrap();
    let public_file = reply["attachments"][0]["id"].as_i64().unwrap();

    let seen: Value = diego
        .get(&format!("/api/v1/tickets/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap())
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["corrigido.png"]);
    assert_eq!(
        diego
            .get(&format!("/api/v1/attachments/{internal_file}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        diego
            .get(&format!("/api/v1/attachments/{public_file}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        ana.get(&format!("/api/v1/attachments/{internal_file}"))
            .await
            .status(),
        200
    );
}

/// A file keeps a name that matches its content: a PDF uploaded as `relatorio.hta` is offered
/// for download as `relatorio.hta.pdf`, not as an HTML application.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binary_file_is_named_for_its_content() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let department = diego.department("Técnico").await;
    let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    let form = Form::new()
        .text("ticket", ticket_json(department, "Relatório em anexo."))
        .part("attachment", file("relatorio.hta", pdf))
        .part("attachment", file("tela.png", PNG));
    let response = diego.post_multipart("/api/v1/tickets", form).await;
    let detail = diego.created_ticket(response).await;
    let files = &detail["messages"][0]["attachments"];
    assert_eq!(files[0]["name"], "relatorio.hta.pdf", "{files}");
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(files[1]["name"], "tela.png");
    let download = diego
        .get(&format!("/api/v1/attachments/{}", files[0]["id"]))
        .await;
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("relatorio%2Ehta%2Epdf"),
        "{disposition}"
    );
}
