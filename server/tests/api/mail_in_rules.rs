//! E-mail in (issue 17), continued: who may answer by e-mail, what is never taken or answered,
//! bounces, and files and charsets — on SQLite and PostgreSQL.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{demo_app, Browser, TestApp};
use crate::mail_in::{
    deliver, diegos_mailed_ticket, geral_mailbox, mail_to, message_id, messages, post_mail,
    reply_fill, ticket, SUPPORT,
};
use crate::smtp::{open_question, reply, wait_for_outbox};
use serde_json::Value;

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

    // A trial organization's customer: told once a day that the plan has no e-mail channel.
    let gabi = new_mail("gabi@testegratis.com.br");
    let handled = deliver(
        &app,
        &token,
        "html_only.eml",
        &gabi(message_id()),
        "auto_answered",
    )
    .await;
    assert_eq!(handled["reason"], "plan_without_email");
    let answer = mail_to(&admin, "auto_answer", "gabi@testegratis.com.br").await;
    assert!(answer["text_body"]
        .as_str()
        .is_some_and(|t| t.contains("não inclui atendimento por e-mail")));
    let handled = deliver(
        &app,
        &token,
        "html_only.eml",
        &gabi(message_id()),
        "ignored",
    )
    .await;
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
    let handled = deliver(
        &app,
        &token,
        "html_only.eml",
        &new_mail("mailer-daemon@relay.example")(message_id()),
        "ignored",
    )
    .await;
    assert_eq!(handled["reason"], "unknown_sender");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM outbound_emails WHERE kind = 'auto_answer'")
            .await,
        1
    );

    // A sender the receiving server found forged: not taken as Diego, and not answered.
    let forged = format!(
        "Authentication-Results: mx.acme.test; spf=fail smtp.mailfrom=acme.com.br;\r\n dkim=none; dmarc=fail header.from=acme.com.br\r\n\
         From: diego@acme.com.br\r\nTo: {SUPPORT}\r\nSubject: Troque minha senha\r\nMessage-ID: {}\r\n\r\nUrgente.\r\n",
        message_id()
    );
    let (status, handled) = post_mail(&app, &token, forged.into_bytes()).await;
    assert_eq!(status, 200, "{handled}");
    assert_eq!(handled["outcome"], "ignored");
    assert_eq!(handled["reason"], "forged_sender");

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
    let handled = deliver(
        &app,
        &token,
        "html_only.eml",
        &new_mail("fabio@paoquente.com.br")(message_id()),
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
    let handled = deliver(
        &app,
        &token,
        "html_only.eml",
        &new_mail("diego@acme.com.br")(message_id()),
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

/// Posts a new mail that must open a ticket; answers the ticket as its requester sees it.
async fn opened_by_mail<S: AsRef<str>>(
    app: &TestApp,
    token: &str,
    requester: &Browser,
    name: &str,
    fill: &[(&str, S)],
) -> Value {
    let handled = deliver(app, token, name, fill, "created").await;
    ticket(requester, handled["ticket"].as_str().expect("ticket")).await
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

    // An inline image and a PDF are attached; an executable named .pdf is refused by content.
    let opened = opened_by_mail(
        &app,
        &token,
        &diego,
        "attachments.eml",
        &new("Prints")(message_id()),
    )
    .await;
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
    let opened = opened_by_mail(
        &app,
        &token,
        &diego,
        "windows_1252.eml",
        &new("unused")(message_id()),
    )
    .await;
    assert_eq!(opened["ticket"]["subject"], "Nota fiscal não é emitida");
    assert!(messages(&opened)[0]["body"]
        .as_str()
        .is_some_and(|b| b
            .contains("A emissão da nota fiscal não funciona desde ontem – aparece “erro 500”.")));

    // HTML-only mail becomes text.
    let opened = opened_by_mail(
        &app,
        &token,
        &diego,
        "html_only.eml",
        &new("Relatório")(message_id()),
    )
    .await;
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
