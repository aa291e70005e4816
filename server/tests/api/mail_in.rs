//! E-mail in (issue 17): mailboxes, `POST /api/v1/inbound-email`, threading, who may write by
//! e-mail, loops and bounces, files and charsets — with mail as real clients write it
//! (`mail_fixtures/`), on SQLite and PostgreSQL.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, Browser, TestApp};
use crate::smtp::wait_for_outbox;

/// The support address of the test mailbox (the sender's domain in tests is `acme.test`).
pub(crate) const SUPPORT: &str = "suporte@acme.test";

/// A fixture with its placeholders filled (`{{NAME}}` → value), line ends as CRLF.
pub(crate) fn fixture<S: AsRef<str>>(name: &str, fill: &[(&str, S)]) -> Vec<u8> {
    let path = format!(
        "{}/tests/api/mail_fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut raw = std::fs::read(&path).expect("fixture");
    for (key, value) in fill {
        raw = replace(
            &raw,
            format!("{{{{{key}}}}}").as_bytes(),
            value.as_ref().as_bytes(),
        );
    }
    let mut crlf = Vec::with_capacity(raw.len() + raw.len() / 20);
    for (i, b) in raw.iter().enumerate() {
        if *b == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
            crlf.push(b'\r');
        }
        crlf.push(*b);
    }
    crlf
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// A fresh Message-ID.
pub(crate) fn message_id() -> String {
    format!("<{}@client.example>", app::backend::secrets::generate("m."))
}

/// Creates a mailbox for "Geral" (bruno's department) and answers its inbound token.
pub(crate) async fn geral_mailbox(admin: &Browser) -> String {
    let geral = admin.department("Geral").await;
    let (status, created) = admin
        .call(
            Method::POST,
            "/api/v1/admin/mailboxes",
            Some(json!({"name": "Suporte", "address": SUPPORT, "department_id": geral})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["token"].as_str().expect("token").to_owned()
}

/// Posts a raw mail as a mail provider would.
pub(crate) async fn post_mail(app: &TestApp, token: &str, raw: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/inbound-email"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Posts a fixture from `from` and asserts the outcome; answers Chamado's answer.
pub(crate) async fn deliver<S: AsRef<str>>(
    app: &TestApp,
    token: &str,
    name: &str,
    fill: &[(&str, S)],
    outcome: &str,
) -> Value {
    let (status, handled) = post_mail(app, token, fixture(name, fill)).await;
    assert_eq!(status, 200, "{name}: {handled}");
    assert_eq!(handled["outcome"], outcome, "{name}: {handled}");
    handled
}

pub(crate) async fn ticket(browser: &Browser, id: &str) -> Value {
    let (status, ticket) = browser
        .call(Method::GET, &format!("/api/v1/tickets/{id}"), None)
        .await;
    assert_eq!(status, 200, "{ticket}");
    ticket
}

pub(crate) fn messages(ticket: &Value) -> Vec<Value> {
    ticket["messages"].as_array().cloned().unwrap_or_default()
}

/// The newest mail of `kind` to `to` in the outbox, whole (admin's view).
pub(crate) async fn mail_to(admin: &Browser, kind: &str, to: &str) -> Value {
    let summary = wait_for_outbox(admin, |m| m["kind"] == kind && m["to_address"] == to).await;
    let (status, mail) = admin
        .call(
            Method::GET,
            &format!("/api/v1/admin/emails/{}", summary["id"]),
            None,
        )
        .await;
    assert_eq!(status, 200);
    mail
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_set_up_mailboxes_whose_password_is_never_shown_and_whose_token_authenticates() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let geral = admin.department("Geral").await;

    // Every wrong field at once, and nothing is created (the demo has its own mailbox).
    let mailboxes = app.number("SELECT COUNT(*) FROM mailboxes").await;
    let (status, problem) = admin
        .call(
            Method::POST,
            "/api/v1/admin/mailboxes",
            Some(
                json!({"name": "", "address": "não é e-mail", "department_id": 999_999,
                        "imap_host": "imap.acme.test", "imap_security": "ssl3"}),
            ),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for field in [
        "name",
        "address",
        "department_id",
        "imap_security",
        "imap_user",
        "imap_password",
    ] {
        assert!(fields.contains(&field), "{field} in {problem}");
    }
    assert_eq!(
        app.number("SELECT COUNT(*) FROM mailboxes").await,
        mailboxes
    );

    let (status, created) = admin
        .call(
            Method::POST,
            "/api/v1/admin/mailboxes",
            Some(
                json!({"name": "Suporte", "address": "Suporte@ACME.test", "department_id": geral,
                        "imap_host": "imap.acme.test", "imap_user": "suporte",
                        "imap_password": "s3nha-secreta"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("chm_in_"));
    let mailbox = &created["mailbox"];
    assert_eq!(mailbox["address"], SUPPORT);
    assert_eq!(mailbox["imap_port"], 993);
    assert_eq!(mailbox["imap_password_set"], true);
    let id = mailbox["id"].as_i64().expect("id");

    // The password is never shown back nor recorded.
    let (_, listed) = admin
        .call(Method::GET, "/api/v1/admin/mailboxes", None)
        .await;
    assert!(!listed.to_string().contains("s3nha"), "{listed}");
    assert!(!created.to_string().contains("s3nha"));
    assert_eq!(
        app.number("SELECT COUNT(*) FROM audit_log WHERE new_value LIKE '%s3nha%' OR old_value LIKE '%s3nha%'")
            .await,
        0
    );
    assert!(
        app.number("SELECT COUNT(*) FROM audit_log WHERE entity = 'mailbox'")
            .await
            > 0
    );

    // A second mailbox cannot take the address.
    let (status, problem) = admin
        .call(
            Method::POST,
            "/api/v1/admin/mailboxes",
            Some(json!({"name": "Outra", "address": SUPPORT, "department_id": geral})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "taken");

    // Changing it without a password keeps the stored one.
    let (status, changed) = admin
        .call(
            Method::PUT,
            &format!("/api/v1/admin/mailboxes/{id}"),
            Some(json!({"name": "Suporte ACME", "address": SUPPORT, "department_id": geral,
                        "imap_host": "imap.acme.test", "imap_user": "suporte", "imap_password": ""})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["imap_password_set"], true);
    assert_eq!(changed["name"], "Suporte ACME");

    // Agents and leads do not manage mailboxes.
    let bruno = app.signed_in("bruno@chamado.local").await;
    let (status, _) = bruno
        .call(Method::GET, "/api/v1/admin/mailboxes", None)
        .await;
    assert_eq!(status, 403);

    // The inbound endpoint takes the token, and nothing else.
    let mail = || {
        fixture(
            "html_only.eml",
            &[
                ("FROM", "diego@acme.com.br"),
                ("TO", SUPPORT),
                ("SUBJECT", "Relatório vazio"),
                ("MESSAGE_ID", &message_id()),
            ],
        )
    };
    let anonymous = reqwest::Client::new()
        .post(app.url("/api/v1/inbound-email"))
        .body(mail())
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    let (status, _) = post_mail(&app, "chm_in_wrong", mail()).await;
    assert_eq!(status, 401);
    let (status, handled) = post_mail(&app, &token, mail()).await;
    assert_eq!(status, 200, "{handled}");
    assert_eq!(handled["outcome"], "created");
    // Bytes that are not a mail: a clear error, nothing recorded.
    let before = app.number("SELECT COUNT(*) FROM inbound_emails").await;
    let (status, problem) = post_mail(&app, &token, b"hello".to_vec()).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM inbound_emails").await,
        before
    );

    // A new token replaces the old one at once.
    let (status, rotated) = admin
        .call(
            Method::POST,
            &format!("/api/v1/admin/mailboxes/{id}/token"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = post_mail(&app, &token, mail()).await;
    assert_eq!(status, 401);
    let (status, _) = post_mail(&app, rotated["token"].as_str().expect("token"), mail()).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_mail_opens_a_ticket_and_replies_from_every_client_join_it() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let token = geral_mailbox(&admin).await;
    let first_id = message_id();

    // A forwarded mail opens a ticket in the mailbox's department, kept whole.
    let handled = deliver(
        &app,
        &token,
        "forwarded.eml",
        &[
            ("FROM", "diego@acme.com.br"),
            ("TO", SUPPORT),
            ("SUBJECT", "Erro E204"),
            ("MESSAGE_ID", &first_id),
        ],
        "created",
    )
    .await;
    let id = handled["ticket"].as_str().expect("ticket").to_owned();
    let opened = ticket(&diego, &id).await;
    assert_eq!(opened["ticket"]["subject"], "Erro E204");
    assert_eq!(opened["ticket"]["department"]["name"], "Geral");
    let first = &messages(&opened)[0];
    assert_eq!(first["channel"], "email");
    assert!(first["body"]
        .as_str()
        .is_some_and(|b| b.contains("A nota 4021 foi rejeitada")));

    // The receipt answers in the customer's own thread.
    let receipt = mail_to(&admin, "ticket_received", "diego@acme.com.br").await;
    assert_eq!(receipt["in_reply_to"], first_id.as_str());
    let reply_to = receipt["reply_to"]
        .as_str()
        .expect("reply address")
        .to_owned();
    let ours = receipt["message_id"].as_str().expect("id").to_owned();
    let subject = format!("[{id}] Erro E204");

    // Gmail through the signed reply address: the quote is cut, the original kept.
    let gmail = message_id();
    let fill = |to: &str, mid: &str| {
        vec![
            ("FROM", "diego@acme.com.br".to_owned()),
            ("TO", to.to_owned()),
            ("SUBJECT", subject.clone()),
            ("MESSAGE_ID", mid.to_owned()),
            ("IN_REPLY_TO", ours.clone()),
        ]
    };
    let handled = deliver(
        &app,
        &token,
        "gmail_reply.eml",
        &fill(&reply_to, &gmail),
        "appended",
    )
    .await;
    assert_eq!(handled["ticket"], id.as_str());
    // Outlook (ISO-8859-1) to the plain address, by In-Reply-To.
    deliver(
        &app,
        &token,
        "outlook_reply.eml",
        &fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    // Outlook without In-Reply-To/References: the subject's tag, as the ticket's requester.
    deliver(
        &app,
        &token,
        "outlook_no_in_reply_to.eml",
        &fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    deliver(
        &app,
        &token,
        "apple_mail_reply.eml",
        &fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    deliver(
        &app,
        &token,
        "thunderbird_reply.eml",
        &fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    // A changed subject still threads by its headers.
    deliver(
        &app,
        &token,
        "changed_subject.eml",
        &fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    // The same mail again (fetched twice, or sent to two mailboxes) makes no second message.
    let again = deliver(
        &app,
        &token,
        "gmail_reply.eml",
        &fill(&reply_to, &gmail),
        "duplicate",
    )
    .await;
    assert_eq!(again["ticket"], Value::Null);

    let thread = ticket(&diego, &id).await;
    let bodies: Vec<String> = messages(&thread)
        .iter()
        .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(bodies.len(), 7, "{bodies:?}");
    assert_eq!(
        bodies[1],
        "Obrigado! Fiz o que você sugeriu e o boleto chegou."
    );
    assert_eq!(
        bodies[2],
        "Bom dia,\n\nAinda não funcionou. Segue o código do erro: NF-4021.\n\nAtenciosamente,\nDiego Souza\nFinanceiro | Acme Ltda"
    );
    assert_eq!(bodies[3], bodies[2]);
    assert_eq!(bodies[4], "Consegui pelo celular, obrigado.");
    assert_eq!(bodies[5], "Pelo Thunderbird também deu certo.");
    assert_eq!(bodies[6], "E o boleto de abril, vem junto?");
    let diego_id = app.user_id("diego@acme.com.br").await;
    for m in messages(&thread) {
        assert_eq!(m["author"]["id"], diego_id);
        assert_eq!(m["channel"], "email");
    }
    assert_eq!(thread["ticket"]["status"], "open");

    // The whole original stays readable, quote included.
    let gmail_message = &messages(&thread)[1];
    assert_eq!(gmail_message["email"]["trimmed"], true);
    let (status, original) = diego
        .call(
            Method::GET,
            &format!(
                "/api/v1/tickets/{id}/messages/{}/original",
                gmail_message["id"]
            ),
            None,
        )
        .await;
    assert_eq!(status, 200, "{original}");
    assert!(original["text"]
        .as_str()
        .is_some_and(|t| t.contains("tente gerar o boleto de novo")));
    assert!(original["headers"]
        .as_str()
        .is_some_and(|h| h.contains("From: Diego Souza <diego@acme.com.br>")));
    // Someone who may not see the ticket cannot read it either.
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let (status, _) = fabio
        .call(
            Method::GET,
            &format!(
                "/api/v1/tickets/{id}/messages/{}/original",
                gmail_message["id"]
            ),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

/// Opens a ticket by mail from diego; answers its id and diego's receipt (admin's view).
pub(crate) async fn diegos_mailed_ticket(
    app: &TestApp,
    admin: &Browser,
    token: &str,
) -> (String, Value) {
    let handled = deliver(
        app,
        token,
        "html_only.eml",
        &[
            ("FROM", "diego@acme.com.br"),
            ("TO", SUPPORT),
            ("SUBJECT", "Relatório vazio"),
            ("MESSAGE_ID", &message_id()),
        ],
        "created",
    )
    .await;
    let id = handled["ticket"].as_str().expect("ticket").to_owned();
    let receipt = mail_to(admin, "ticket_received", "diego@acme.com.br").await;
    (id, receipt)
}

pub(crate) fn reply_fill<'a>(
    from: &'a str,
    to: &'a str,
    subject: &'a str,
    refers: &'a str,
    mid: &'a str,
) -> [(&'static str, &'a str); 5] {
    [
        ("FROM", from),
        ("TO", to),
        ("SUBJECT", subject),
        ("MESSAGE_ID", mid),
        ("IN_REPLY_TO", refers),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_mail_never_joins_someone_elses_ticket_and_each_person_keeps_their_name() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let token = geral_mailbox(&admin).await;
    let (id, receipt) = diegos_mailed_ticket(&app, &admin, &token).await;
    let reply_to = receipt["reply_to"].as_str().expect("reply address");
    let ours = receipt["message_id"].as_str().expect("id");
    let subject = format!("Re: [{id}] Relatório vazio");
    let count = || async {
        app.number(&format!(
            "SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = {}",
            id.trim_start_matches("TKT-")
                .parse::<i64>()
                .expect("number")
        ))
        .await
    };
    assert_eq!(count().await, 1);

    // Someone unknown, holding every key to the thread: a polite answer, not a message.
    let handled = deliver(
        &app,
        &token,
        "gmail_reply.eml",
        &reply_fill(
            "intruso@evil.example",
            reply_to,
            &subject,
            ours,
            &message_id(),
        ),
        "auto_answered",
    )
    .await;
    assert_eq!(handled["reason"], "unknown_sender");
    assert_eq!(count().await, 1);
    let answer = mail_to(&admin, "auto_answer", "intruso@evil.example").await;
    assert_eq!(
        answer["summary"]["subject"],
        format!("Re: [{id}] Relatório vazio")
    );

    // A customer of another organization: their own new ticket, never diego's.
    let handled = deliver(
        &app,
        &token,
        "gmail_reply.eml",
        &reply_fill(
            "fabio@paoquente.com.br",
            reply_to,
            &subject,
            ours,
            &message_id(),
        ),
        "created",
    )
    .await;
    assert_ne!(handled["ticket"], id.as_str());
    assert_eq!(count().await, 1);

    // A colleague who shares the organization's tickets: joins, under her own name.
    let handled = deliver(
        &app,
        &token,
        "gmail_reply.eml",
        &reply_fill("carla@acme.com.br", reply_to, &subject, ours, &message_id()),
        "appended",
    )
    .await;
    assert_eq!(handled["ticket"], id.as_str());
    let carla = app.signed_in("carla@acme.com.br").await;
    let thread = ticket(&carla, &id).await;
    let last = messages(&thread).last().cloned().expect("a message");
    assert_eq!(last["author"]["id"], app.user_id("carla@acme.com.br").await);

    // A colleague without the right to write on tickets: told why, nothing added.
    let handled = deliver(
        &app,
        &token,
        "gmail_reply.eml",
        &reply_fill("elisa@acme.com.br", SUPPORT, &subject, ours, &message_id()),
        "auto_answered",
    )
    .await;
    assert_eq!(handled["reason"], "cannot_open_tickets");
    assert_eq!(count().await, 2);
}
