//! E-mail out and notifications (issue 17), against a real SMTP server (aiosmtpd, started per
//! test on loopback, delivering into a Maildir), on SQLite and PostgreSQL.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::events::Stream;
use crate::helpers::{demo_app, spawn_app_with, Browser, SpawnOptions};
use crate::smtp::{
    about, demo_app_mailing_to, free_port, open_question, reply, wait_for_outbox, SmtpSink,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_mail_goes_out_threaded_signed_and_in_each_persons_language() {
    let sink = SmtpSink::start();
    let app = demo_app_mailing_to(&sink).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let subject = "Boleto não chega (correio 1)";
    let id = open_question(&diego, subject, "O boleto de <b>março</b> não chegou.").await;

    // The customer's receipt and the department's agent, each once; never the author.
    let to_diego = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "diego@acme.com.br")
        .await;
    let receipt = &to_diego[0];
    assert_eq!(receipt.subject(), format!("[{id}] {subject}"));
    // Diego reads English (his language in the demo).
    assert!(
        receipt
            .text()
            .contains(&format!("We received your ticket {id}")),
        "{}",
        receipt.text()
    );
    assert!(receipt
        .text()
        .contains("O boleto de <b>março</b> não chegou."));
    assert!(receipt
        .html()
        .contains("O boleto de &lt;b&gt;março&lt;/b&gt; não chegou."));
    assert!(
        !receipt.html().contains("<b>março"),
        "typed markup is escaped"
    );
    let diego_id = app.user_id("diego@acme.com.br").await;
    let number: i64 = id.trim_start_matches("TKT-").parse().expect("number");
    let reply_to = receipt.header("Reply-To");
    assert!(
        reply_to.contains(&format!("suporte+t{number}u{diego_id}k")),
        "{reply_to}"
    );
    let root = format!("<chamado.ticket-{number}@acme.test>");
    assert_eq!(receipt.header("In-Reply-To"), root);
    assert!(receipt
        .header("List-Unsubscribe")
        .contains("/api/v1/notifications/unsubscribe?token="));
    assert_eq!(
        receipt.header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(receipt.header("Auto-Submitted"), "auto-generated");
    let first_id = receipt.header("Message-ID");
    let to_bruno = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "bruno@chamado.local")
        .await;
    assert!(
        to_bruno[0].text().contains("abriu o chamado"),
        "{}",
        to_bruno[0].text()
    );

    // The agent answers: the customer hears, in the same thread; the agent does not.
    let bruno = app.signed_in("bruno@chamado.local").await;
    reply(&bruno, &id, "Reenviamos o boleto agora.", false).await;
    let to_diego = sink
        .wait_for(2, |r| about(subject)(r) && r.to() == "diego@acme.com.br")
        .await;
    let answer = &to_diego[1];
    assert!(answer.text().contains("Reenviamos o boleto agora."));
    assert!(answer.text().contains("answered your ticket"));
    assert_eq!(answer.header("In-Reply-To"), first_id);
    let references = answer.header("References");
    assert!(
        references.contains(&root) && references.contains(&first_id),
        "{references}"
    );
    assert_ne!(answer.header("Message-ID"), first_id);

    // In Portuguese once the customer chooses Portuguese.
    let (status, _) = diego
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"language": "pt-BR"})),
        )
        .await;
    assert_eq!(status, 200);
    reply(&bruno, &id, "Did it arrive?", false).await;
    let to_diego = sink
        .wait_for(3, |r| about(subject)(r) && r.to() == "diego@acme.com.br")
        .await;
    assert!(
        to_diego[2].text().contains("respondeu ao seu chamado"),
        "{}",
        to_diego[2].text()
    );

    // The customer replies: the assignee (none here) — nobody but support's department
    // hears of new tickets, and bruno got no mail for his own answers.
    let own = sink
        .received()
        .into_iter()
        .filter(|r| about(subject)(r) && r.to() == "bruno@chamado.local")
        .count();
    assert_eq!(own, 1, "only the new-ticket mail");
    // The outbox says sent, with the relay's answer.
    let admin = app.signed_in("admin@chamado.local").await;
    let (status, page) = admin
        .call(Method::GET, "/api/v1/admin/emails?state=sent", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["relay_configured"], true);
    let sent = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["to_address"] == "diego@acme.com.br" && m["ticket_id"] == id.as_str())
        .expect("a sent mail to diego");
    assert!(
        sent["smtp_response"]
            .as_str()
            .unwrap_or_default()
            .starts_with("250"),
        "{sent}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_relay_mail_is_kept_for_admins_without_single_use_links() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let (status, _) = carla
        .call(
            Method::POST,
            "/api/v1/organization/members",
            Some(json!({"email": "nova@acme.com.br", "name": "Nova Pessoa"})),
        )
        .await;
    assert_eq!(status, 202);
    let admin = app.signed_in("admin@chamado.local").await;
    let mail = wait_for_outbox(&admin, |m| {
        m["to_address"] == "nova@acme.com.br" && m["state"] == "kept"
    })
    .await;
    assert_eq!(mail["kind"], "invitation");
    let id = mail["id"].as_i64().expect("id");
    let (status, whole) = admin
        .call(Method::GET, &format!("/api/v1/admin/emails/{id}"), None)
        .await;
    assert_eq!(status, 200);
    let text = whole["text_body"].as_str().expect("text");
    assert!(text.contains("link de uso único"), "{text}");
    assert!(
        !text.contains("/convite/"),
        "the link is the recipient's only"
    );
    assert_eq!(whole["resendable"], false);
    // Nor does the link stay in the job queue once the mail is out of it.
    let leftover = app
        .texts(
            "SELECT payload FROM jobs WHERE payload LIKE '%convite%'",
            None,
        )
        .await;
    assert!(leftover.is_empty(), "{leftover:?}");
    let (status, problem) = admin
        .call(
            Method::POST,
            &format!("/api/v1/admin/emails/{id}/resend"),
            None,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("secret_link_gone"))
    );

    // A ticket mail can be sent again; customers never see the outbox.
    let diego = app.signed_in("diego@acme.com.br").await;
    let ticket = open_question(&diego, "Outra dúvida (correio 2)", "Pergunta.").await;
    let receipt = wait_for_outbox(&admin, |m| {
        m["ticket_id"] == ticket.as_str() && m["kind"] == "ticket_received"
    })
    .await;
    let rid = receipt["id"].as_i64().expect("id");
    wait_for_outbox(&admin, |m| m["id"] == rid && m["state"] == "kept").await;
    let (status, again) = admin
        .call(
            Method::POST,
            &format!("/api/v1/admin/emails/{rid}/resend"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["summary"]["state"], "queued");
    let kept = wait_for_outbox(&admin, |m| m["id"] == rid && m["state"] == "kept").await;
    assert_eq!(kept["attempts"], 2);
    let (status, _) = diego.call(Method::GET, "/api/v1/admin/emails", None).await;
    assert_eq!(status, 403);
    let (status, _) = admin
        .call(Method::GET, "/api/v1/admin/emails?state=nonsense", None)
        .await;
    assert_eq!(status, 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_choose_what_they_get_and_unsubscribe_in_one_click() {
    let sink = SmtpSink::start();
    let app = demo_app_mailing_to(&sink).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let (status, body) = diego
        .call(Method::GET, "/api/v1/me/notification-preferences", None)
        .await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = body["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"support_answered") && !kinds.contains(&"new_ticket"),
        "{kinds:?}"
    );
    // A kind that is not a customer's is refused, and nothing changes.
    let (status, _) = diego
        .call(
            Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(json!({"choices": [
                {"kind": "support_answered", "email": false, "in_app": true},
                {"kind": "new_ticket", "email": false, "in_app": false}]})),
        )
        .await;
    assert_eq!(status, 422);
    let subject = "Pergunta sem e-mail (correio 3)";
    let id = open_question(&diego, subject, "Oi").await;
    sink.wait_for(1, |r| about(subject)(r) && r.to() == "diego@acme.com.br")
        .await;
    let (status, body) = diego
        .call(
            Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(
                json!({"choices": [{"kind": "support_answered", "email": false, "in_app": true}]}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let bruno = app.signed_in("bruno@chamado.local").await;
    reply(&bruno, &id, "Resposta que não vai por e-mail.", false).await;
    // The bell has it; the mailbox does not.
    let started = Instant::now();
    let bell = loop {
        let (_, bell) = diego
            .call(Method::GET, "/api/v1/me/notifications", None)
            .await;
        if bell["items"].as_array().is_some_and(|items| {
            items
                .iter()
                .any(|n| n["kind"] == "support_answered" && n["ticket_id"] == id.as_str())
        }) {
            break bell;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{bell}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(bell["unread"].as_i64().unwrap_or_default() >= 1);
    let entry = bell["items"]
        .as_array()
        .and_then(|items| items.iter().find(|n| n["kind"] == "support_answered"))
        .expect("entry");
    assert_eq!(entry["actor"], "Bruno Lima");
    assert_eq!(entry["read"], false);
    // Nobody marks another person's notifications read.
    let (_, others) = bruno
        .call(
            Method::POST,
            "/api/v1/me/notifications/read",
            Some(json!({"id": entry["id"]})),
        )
        .await;
    assert_eq!(others["unread"].as_i64(), bruno_unread(&bruno).await.into());
    let (_, after) = diego
        .call(
            Method::POST,
            "/api/v1/me/notifications/read",
            Some(json!({"id": entry["id"]})),
        )
        .await;
    assert_eq!(
        after["unread"].as_i64(),
        Some(bell["unread"].as_i64().unwrap_or(0) - 1)
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sink.received()
            .iter()
            .filter(|r| about(subject)(r) && r.to() == "diego@acme.com.br")
            .count(),
        1,
        "only the receipt went by mail"
    );

    // One click in the receipt's header stops "ticket received" mail.
    let receipt = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "diego@acme.com.br")
        .await;
    let link = receipt[0].header("List-Unsubscribe");
    let url = link
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    let page = reqwest::get(&url).await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Stop these notifications"), "{html}");
    let done = reqwest::Client::new()
        .post(&url)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("one click");
    assert_eq!(done.status(), 200);
    let (_, body) = diego
        .call(Method::GET, "/api/v1/me/notification-preferences", None)
        .await;
    let received = body["choices"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["kind"] == "ticket_received"))
        .cloned()
        .expect("choice");
    assert_eq!(
        (received["email"].as_bool(), received["in_app"].as_bool()),
        (Some(false), Some(true))
    );
    let forged = url.replace("ticket_received", "support_answered");
    let refused = reqwest::Client::new()
        .post(&forged)
        .send()
        .await
        .expect("forged");
    assert_eq!(refused.status(), 404);
}

async fn bruno_unread(bruno: &Browser) -> i64 {
    let (_, bell) = bruno
        .call(Method::GET, "/api/v1/me/notifications", None)
        .await;
    bell["unread"].as_i64().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_hear_of_mentions_assignments_and_escalations() {
    let sink = SmtpSink::start();
    let app = demo_app_mailing_to(&sink).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let subject = "Integração parou (correio 4)";
    let id = open_question(&diego, subject, "A integração parou ontem.").await;
    let lider = app.signed_in("lider@chamado.local").await;
    let bruno_id = app.user_id("bruno@chamado.local").await;
    let (status, body) = lider
        .call(
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"assignee_id": bruno_id})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let assigned = sink
        .wait_for(2, |r| about(subject)(r) && r.to() == "bruno@chamado.local")
        .await;
    assert!(
        assigned
            .iter()
            .any(|r| r.text().contains("atribuiu a você")),
        "assignment mail"
    );
    reply(&lider, &id, "@ana pode olhar os logs? @Bruno também.", true).await;
    let to_ana = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "ana@chamado.local")
        .await;
    assert!(
        to_ana[0].text().contains("mencionou você"),
        "{}",
        to_ana[0].text()
    );
    sink.wait_for(3, |r| about(subject)(r) && r.to() == "bruno@chamado.local")
        .await;
    // An internal note never reaches the customer.
    assert!(!sink.received().iter().any(|r| about(subject)(r)
        && r.text().contains("pode olhar os logs")
        && r.to() == "diego@acme.com.br"));
    let (status, _) = diego
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/escalations"),
            Some(json!({"reason": "Parou a operação inteira."})),
        )
        .await;
    assert_eq!(status, 201);
    let to_lead = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "lider@chamado.local")
        .await;
    assert!(to_lead[0].text().contains("Parou a operação inteira."));
    // The customer replies: the assignee hears.
    reply(&diego, &id, "Alguma novidade?", false).await;
    let to_bruno = sink
        .wait_for(4, |r| about(subject)(r) && r.to() == "bruno@chamado.local")
        .await;
    assert!(to_bruno
        .iter()
        .any(|r| r.text().contains("Alguma novidade?")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_committed_before_a_crash_is_sent_after_and_a_down_relay_is_retried() {
    // The first process commits tickets but runs no worker (as if killed right after commit).
    let port = free_port();
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        smtp_url: Some(format!("smtp://127.0.0.1:{port}?tls=none")),
        job_workers: Some(0),
        ..Default::default()
    })
    .await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let subject = "Depois da queda (correio 5)";
    let id = open_question(&diego, subject, "Oi").await;
    // The next process works the queue, but the relay is down: the mail waits, with the reason.
    let app = app
        .restart_with(SpawnOptions {
            smtp_url: Some(format!("smtp://127.0.0.1:{port}?tls=none")),
            ..Default::default()
        })
        .await;
    let admin = app.signed_in("admin@chamado.local").await;
    let waiting = wait_for_outbox(&admin, |m| {
        m["ticket_id"] == id.as_str()
            && m["to_address"] == "diego@acme.com.br"
            && m["attempts"] == 1
    })
    .await;
    assert_eq!(waiting["state"], "queued");
    assert!(
        waiting["smtp_response"]
            .as_str()
            .is_some_and(|r| !r.is_empty()),
        "{waiting}"
    );
    // The relay comes back; the retry (made due now instead of in 30 s) delivers it.
    let sink = SmtpSink::start_on(port);
    app.execute("UPDATE jobs SET run_at = created_at WHERE state = 'queued'")
        .await;
    let to_diego = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "diego@acme.com.br")
        .await;
    assert_eq!(to_diego.len(), 1);
    wait_for_outbox(&admin, |m| m["id"] == waiting["id"] && m["state"] == "sent").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bell_event_reaches_its_person_live_and_nobody_else() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let mut mine = Stream::open(&diego, None).await;
    let mut colleague = Stream::open(&carla, None).await;
    let id = open_question(&diego, "Ao vivo (correio 6)", "Oi").await;
    let seen = mine
        .read_until(
            |e| e.kind == "notification.created",
            Duration::from_secs(10),
        )
        .await;
    let bell = seen.last().expect("an event");
    assert_eq!(bell.kind, "notification.created");
    assert_eq!(bell.data["ticket_id"], id.as_str());
    // Carla sees Acme's tickets, so the ticket's own events, but never Diego's bell.
    let theirs = colleague
        .read_until(|e| e.kind == "notification.created", Duration::from_secs(3))
        .await;
    assert!(
        theirs.iter().any(|e| e.kind == "ticket.created"),
        "the ticket's events reach her"
    );
    assert!(
        !theirs.iter().any(|e| e.kind == "notification.created"),
        "{:?}",
        theirs.iter().map(|e| &e.kind).collect::<Vec<_>>()
    );
}
