//! E-mail in (issue 17): mailboxes, `POST /api/v1/inbound-email`, threading, who may write by
//! e-mail, loops and bounces, files and charsets — with mail as real clients write it
//! (`mail_fixtures/`), on SQLite and PostgreSQL.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, Browser, TestApp};
use crate::smtp::{open_question, reply, wait_for_outbox};

/// The support address of the test mailbox (the sender's domain in tests is `acme.test`).
pub(crate) const SUPPORT: &str = "suporte@acme.test";

/// A fixture with its placeholders filled (`{{NAME}}` → value), line ends as CRLF.
pub(crate) fn fixture(name: &str, fill: &[(&str, &str)]) -> Vec<u8> {
    let path = format!(
        "{}/tests/api/mail_fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut raw = std::fs::read(&path).expect("fixture");
    for (key, value) in fill {
        raw = replace(&raw, format!("{{{{{key}}}}}").as_bytes(), value.as_bytes());
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
async fn deliver(
    app: &TestApp,
    token: &str,
    name: &str,
    fill: &[(&str, &str)],
    outcome: &str,
) -> Value {
    let (status, handled) = post_mail(app, token, fixture(name, fill)).await;
    assert_eq!(status, 200, "{name}: {handled}");
    assert_eq!(handled["outcome"], outcome, "{name}: {handled}");
    handled
}

async fn ticket(browser: &Browser, id: &str) -> Value {
    let (status, ticket) = browser
        .call(Method::GET, &format!("/api/v1/tickets/{id}"), None)
        .await;
    assert_eq!(status, 200, "{ticket}");
    ticket
}

fn messages(ticket: &Value) -> Vec<Value> {
    ticket["messages"].as_array().cloned().unwrap_or_default()
}

/// The newest mail of `kind` to `to` in the outbox, whole (admin's view).
async fn mail_to(admin: &Browser, kind: &str, to: &str) -> Value {
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

    // Every wrong field at once, and nothing is created.
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
    assert_eq!(app.number("SELECT COUNT(*) FROM mailboxes").await, 0);

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
    let send = |name: &'static str, fill: Vec<(&'static str, String)>, outcome: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fill.iter().map(|(k, v)| (*k, v.as_str())).collect();
            deliver(app, &token, name, &pairs, outcome).await
        }
    };
    let handled = send("gmail_reply.eml", fill(&reply_to, &gmail), "appended").await;
    assert_eq!(handled["ticket"], id.as_str());
    // Outlook (ISO-8859-1) to the plain address, by In-Reply-To.
    send(
        "outlook_reply.eml",
        fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    // Outlook without In-Reply-To/References: the subject's tag, as the ticket's requester.
    send(
        "outlook_no_in_reply_to.eml",
        fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    send(
        "apple_mail_reply.eml",
        fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    send(
        "thunderbird_reply.eml",
        fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    // A changed subject still threads by its headers.
    send(
        "changed_subject.eml",
        fill(SUPPORT, &message_id()),
        "appended",
    )
    .await;
    // The same mail again (fetched twice, or sent to two mailboxes) makes no second message.
    let again = send("gmail_reply.eml", fill(&reply_to, &gmail), "duplicate").await;
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
async fn diegos_mailed_ticket(app: &TestApp, admin: &Browser, token: &str) -> (String, Value) {
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

fn reply_fill<'a>(
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_answer_by_mail_only_from_their_own_address_through_their_own_reply_address() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let token = geral_mailbox(&admin).await;
    let (id, receipt) = diegos_mailed_ticket(&app, &admin, &token).await;
    let diegos_address = receipt["reply_to"].as_str().expect("reply address");
    let notice = mail_to(&admin, "new_ticket", "bruno@chamado.local").await;
    let brunos_address = notice["reply_to"].as_str().expect("reply address");
    let ours = notice["message_id"].as_str().expect("id");
    let subject = format!("Re: [{id}] Relatório vazio");

    // Through someone else's reply address, or from someone else's mailbox: refused.
    let handled = deliver(
        &app,
        &token,
        "thunderbird_reply.eml",
        &reply_fill(
            "bruno@chamado.local",
            diegos_address,
            &subject,
            ours,
            &message_id(),
        ),
        "auto_answered",
    )
    .await;
    assert_eq!(handled["reason"], "staff_without_token");
    deliver(
        &app,
        &token,
        "thunderbird_reply.eml",
        &reply_fill(
            "ana@chamado.local",
            brunos_address,
            &subject,
            ours,
            &message_id(),
        ),
        "auto_answered",
    )
    .await;
    // By In-Reply-To alone, an agent's mail is not an answer either (nor answered twice a day).
    deliver(
        &app,
        &token,
        "thunderbird_reply.eml",
        &reply_fill(
            "bruno@chamado.local",
            SUPPORT,
            &subject,
            ours,
            &message_id(),
        ),
        "ignored",
    )
    .await;

    // Bruno through his own reply address: his answer, and the ticket is answered.
    let handled = deliver(
        &app,
        &token,
        "thunderbird_reply.eml",
        &reply_fill(
            "bruno@chamado.local",
            brunos_address,
            &subject,
            ours,
            &message_id(),
        ),
        "appended",
    )
    .await;
    assert_eq!(handled["ticket"], id.as_str());
    let diego = app.signed_in("diego@acme.com.br").await;
    let thread = ticket(&diego, &id).await;
    assert_eq!(messages(&thread).len(), 2);
    let answer = &messages(&thread)[1];
    assert_eq!(
        answer["author"]["id"],
        app.user_id("bruno@chamado.local").await
    );
    assert_eq!(answer["body"], "Pelo Thunderbird também deu certo.");
    assert_eq!(thread["ticket"]["status"], "answered");
    // And diego hears of it by mail, as of any answer.
    mail_to(&admin, "support_answered", "diego@acme.com.br").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn machines_trial_plans_and_floods_get_no_ticket_and_at_most_one_answer_a_day() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let token = geral_mailbox(&admin).await;
    let new_mail = |from: &'static str| {
        move |mid: String| {
            [
                ("FROM", from.to_owned()),
                ("TO", SUPPORT.to_owned()),
                ("SUBJECT", "Preciso de ajuda".to_owned()),
                ("MESSAGE_ID", mid),
            ]
        }
    };
    let post = |name: &'static str, fill: [(&'static str, String); 4], outcome: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fill.iter().map(|(k, v)| (*k, v.as_str())).collect();
            deliver(app, &token, name, &pairs, outcome).await
        }
    };

    // A trial organization's customer: told once a day that the plan has no e-mail channel.
    let gabi = new_mail("gabi@testegratis.com.br");
    let handled = post("html_only.eml", gabi(message_id()), "auto_answered").await;
    assert_eq!(handled["reason"], "plan_without_email");
    let answer = mail_to(&admin, "auto_answer", "gabi@testegratis.com.br").await;
    assert!(answer["text_body"]
        .as_str()
        .is_some_and(|t| t.contains("não inclui atendimento por e-mail")));
    let handled = post("html_only.eml", gabi(message_id()), "ignored").await;
    assert_eq!(handled["reason"], "plan_without_email");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM outbound_emails WHERE kind = 'auto_answer'")
            .await,
        1
    );

    // An out-of-office answer, a mail system: never a ticket, never answered.
    let handled = deliver(
        &app,
        &token,
        "auto_reply.eml",
        &[
            ("FROM", "diego@acme.com.br"),
            ("TO", SUPPORT),
            ("SUBJECT", "[TKT-000001] x"),
            ("MESSAGE_ID", &message_id()),
            ("IN_REPLY_TO", "<nada@acme.test>"),
        ],
        "ignored",
    )
    .await;
    assert_eq!(handled["reason"], "auto_submitted");
    let handled = post(
        "html_only.eml",
        new_mail("mailer-daemon@relay.example")(message_id()),
        "ignored",
    )
    .await;
    assert_eq!(handled["reason"], "unknown_sender");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM outbound_emails WHERE kind = 'auto_answer'")
            .await,
        1
    );

    // A flood from one address: past the hourly allowance, set aside unanswered.
    for n in 0..crate_per_sender() {
        app.execute(&format!(
            "INSERT INTO inbound_emails (message_id, from_address, from_name, subject, outcome, \
             headers, original_text, received_at) VALUES ('<flood{n}@x>', 'fabio@paoquente.com.br', \
             'Fábio', 'x', 'created', '', '', '{}')",
            chrono::Utc::now().to_rfc3339()
        ))
        .await;
    }
    let handled = post(
        "html_only.eml",
        new_mail("fabio@paoquente.com.br")(message_id()),
        "ignored",
    )
    .await;
    assert_eq!(handled["reason"], "throttled");

    // The channel follows the plans admins choose: without Enterprise, Acme is answered.
    let bruno = app.signed_in("bruno@chamado.local").await;
    let (status, _) = bruno
        .call(
            Method::PUT,
            "/api/v1/admin/mail-channel",
            Some(json!({"email_plans": ["startup"]})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, channel) = admin
        .call(
            Method::PUT,
            "/api/v1/admin/mail-channel",
            Some(json!({"email_plans": ["startup", "lite"]})),
        )
        .await;
    assert_eq!(status, 200, "{channel}");
    let handled = post(
        "html_only.eml",
        new_mail("diego@acme.com.br")(message_id()),
        "auto_answered",
    )
    .await;
    assert_eq!(handled["reason"], "plan_without_email");

    // Admins read what arrived and what became of it.
    let (status, page) = admin
        .call(Method::GET, "/api/v1/admin/inbound-emails", None)
        .await;
    assert_eq!(status, 200);
    let outcomes: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["reason"].as_str())
        .collect();
    for reason in [
        "plan_without_email",
        "auto_submitted",
        "throttled",
        "unknown_sender",
    ] {
        assert!(outcomes.contains(&reason), "{reason} in {outcomes:?}");
    }
}

fn crate_per_sender() -> i64 {
    app::backend::services::mail_in::PER_SENDER_PER_HOUR
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hard_bounce_marks_the_mail_and_stops_mail_to_the_address_until_an_admin_lifts_it() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let token = geral_mailbox(&admin).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let bruno = app.signed_in("bruno@chamado.local").await;
    let id = open_question(&diego, "Boleto (devolução)", "Não chegou.").await;
    let receipt = mail_to(&admin, "ticket_received", "diego@acme.com.br").await;
    let ours = receipt["message_id"].as_str().expect("id");

    let handled = deliver(
        &app,
        &token,
        "dsn_bounce.eml",
        &[
            ("FROM", "diego@acme.com.br"),
            ("TO", SUPPORT),
            ("MESSAGE_ID", &message_id()),
            ("IN_REPLY_TO", ours),
        ],
        "bounce",
    )
    .await;
    assert_eq!(handled["reason"], "hard_bounce");
    let (_, bounced) = admin
        .call(
            Method::GET,
            &format!("/api/v1/admin/emails/{}", receipt["summary"]["id"]),
            None,
        )
        .await;
    assert_eq!(bounced["summary"]["state"], "bounced");
    assert!(bounced["summary"]["smtp_response"]
        .as_str()
        .is_some_and(|r| r.contains("5.1.1")));
    let (_, suppressed) = admin
        .call(Method::GET, "/api/v1/admin/email-suppressions", None)
        .await;
    assert_eq!(suppressed[0]["address"], "diego@acme.com.br");

    // The next notice to the address is not sent.
    reply(&bruno, &id, "Tente de novo, por favor.", false).await;
    let next = wait_for_outbox(&admin, |m| {
        m["kind"] == "support_answered" && m["to_address"] == "diego@acme.com.br"
    })
    .await;
    assert_eq!(next["state"], "suppressed");

    // Only admins lift it; then mail flows again.
    let (status, _) = bruno
        .call(
            Method::DELETE,
            "/api/v1/admin/email-suppressions/diego@acme.com.br",
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = admin
        .call(
            Method::DELETE,
            "/api/v1/admin/email-suppressions/diego@acme.com.br",
            None,
        )
        .await;
    assert_eq!(status, 204);
    reply(&bruno, &id, "Conseguiu?", false).await;
    let started = std::time::Instant::now();
    loop {
        let kept = app
            .number(
                "SELECT COUNT(*) FROM outbound_emails WHERE kind = 'support_answered' \
                 AND to_address = 'diego@acme.com.br' AND state = 'kept'",
            )
            .await;
        if kept == 1 {
            break;
        }
        assert!(started.elapsed().as_secs() < 15, "the mail after lifting");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_pass_the_portal_limits_charsets_decode_and_long_mail_is_kept_whole() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let token = geral_mailbox(&admin).await;
    let new = |subject: &'static str| {
        move |mid: String| {
            [
                ("FROM", "diego@acme.com.br".to_owned()),
                ("TO", SUPPORT.to_owned()),
                ("SUBJECT", subject.to_owned()),
                ("MESSAGE_ID", mid),
            ]
        }
    };
    let open_by_mail = |name: &'static str, fill: [(&'static str, String); 4]| {
        let app = &app;
        let token = token.clone();
        let diego = &diego;
        async move {
            let pairs: Vec<(&str, &str)> = fill.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let handled = deliver(app, &token, name, &pairs, "created").await;
            let id = handled["ticket"].as_str().expect("ticket").to_owned();
            ticket(diego, &id).await
        }
    };

    // An inline image and a PDF are attached; an executable named .pdf is refused by content.
    let opened = open_by_mail("attachments.eml", new("Prints")(message_id())).await;
    let first = &messages(&opened)[0];
    let names: Vec<&str> = first["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["image001.png", "boleto.pdf"]);
    assert_eq!(
        first["email"]["refused_files"],
        json!([{"name": "fatura.pdf", "reason": "type_not_allowed"}])
    );

    // Windows-1252 text and an ISO-8859-1 encoded-word subject.
    let opened = open_by_mail("windows_1252.eml", new("unused")(message_id())).await;
    assert_eq!(opened["ticket"]["subject"], "Nota fiscal não é emitida");
    assert!(messages(&opened)[0]["body"]
        .as_str()
        .is_some_and(|b| b
            .contains("A emissão da nota fiscal não funciona desde ontem – aparece “erro 500”.")));

    // HTML-only mail becomes text.
    let opened = open_by_mail("html_only.eml", new("Relatório")(message_id())).await;
    assert_eq!(
        messages(&opened)[0]["body"],
        "Olá,\no relatório de vendas está vazio desde segunda.\nObrigado,\nDiego"
    );

    // A 9 MiB attachment passes (the limit is 10 MiB); an 11 MiB one is refused, the mail taken.
    let big = |mib: usize| {
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.resize(mib << 20, b'x');
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)
    };
    let mut raw = format!(
        "From: diego@acme.com.br\r\nTo: {SUPPORT}\r\nSubject: Arquivos grandes\r\nMessage-ID: {}\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nSeguem os arquivos.\r\n",
        message_id()
    );
    for (name, mib) in [("nove.pdf", 9), ("onze.pdf", 11)] {
        raw.push_str(&format!(
            "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n"
        ));
        let encoded = big(mib);
        for line in encoded.as_bytes().chunks(76) {
            raw.push_str(std::str::from_utf8(line).expect("base64"));
            raw.push_str("\r\n");
        }
    }
    raw.push_str("--b--\r\n");
    let (status, handled) = post_mail(&app, &token, raw.into_bytes()).await;
    assert_eq!(status, 200, "{handled}");
    let opened = ticket(&diego, handled["ticket"].as_str().expect("ticket")).await;
    let first = &messages(&opened)[0];
    assert_eq!(first["attachments"][0]["name"], "nove.pdf");
    assert_eq!(first["attachments"][0]["size"], 9 << 20);
    assert_eq!(
        first["email"]["refused_files"],
        json!([{"name": "onze.pdf", "reason": "too_large"}])
    );

    // Mail is longer than the portal's 1000 characters: kept up to the e-mail limit.
    let long = "Linha de log com detalhes do erro. ".repeat(150);
    let raw = format!(
        "From: diego@acme.com.br\r\nTo: {SUPPORT}\r\nSubject: Log\r\nMessage-ID: {}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{long}\r\n",
        message_id()
    );
    let (status, handled) = post_mail(&app, &token, raw.into_bytes()).await;
    assert_eq!(status, 200, "{handled}");
    let opened = ticket(&diego, handled["ticket"].as_str().expect("ticket")).await;
    assert_eq!(messages(&opened)[0]["body"], long.trim());
}
