//! E-mail out and notifications (issue 17), against a real SMTP server (aiosmtpd, started per
//! test on loopback, delivering into a Maildir), on SQLite and PostgreSQL.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::{Message, MessageParser};
use reqwest::Method;
use serde_json::{json, Value};

use crate::events::Stream;
use crate::helpers::{demo_app, spawn_app_with, Browser, SpawnOptions, TestApp};
use crate::tickets::open;

/// aiosmtpd on a free loopback port, storing every mail it accepts in a Maildir.
pub(crate) struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// One received mail: its raw bytes, parsed on demand.
pub(crate) struct Received {
    pub raw: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> Message<'_> {
        MessageParser::default()
            .parse(&self.raw)
            .expect("a parseable mail")
    }
    pub fn to(&self) -> String {
        let m = self.parsed();
        m.to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned()
    }
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }
    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }
    pub fn header(&self, name: &str) -> String {
        let m = self.parsed();
        m.header_raw(name).unwrap_or_default().trim().to_owned()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        Self::start_on(free_port())
    }

    pub fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().expect("maildir");
        let maildir = dir.path().join("mail");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd; scripts/test installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start (is it installed? python3 -m pip install aiosmtpd)"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpSink { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    /// Every mail received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.maildir().join(d)).ok())
            .flatten()
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|(_, p)| std::fs::read(p).ok())
            .map(|raw| Received { raw })
            .collect()
    }

    /// Waits (up to 15 s) until `count` mails match, and returns them.
    pub async fn wait_for(
        &self,
        count: usize,
        matches: impl Fn(&Received) -> bool,
    ) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let found: Vec<Received> = self.received().into_iter().filter(&matches).collect();
            if found.len() >= count {
                return found;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "expected {count} mails, got {}: {:?}",
                found.len(),
                self.received()
                    .iter()
                    .map(|r| (r.to(), r.subject()))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn demo_app_mailing_to(sink: &SmtpSink) -> TestApp {
    spawn_app_with(SpawnOptions {
        demo: true,
        smtp_url: Some(sink.url()),
        ..Default::default()
    })
    .await
}

/// Opens a question in "Geral" (bruno's department) with a subject of its own; returns its id.
async fn open_question(browser: &Browser, subject: &str, message: &str) -> String {
    let geral = browser.department("Geral").await;
    let response = open(
        browser,
        json!({"type": "duvida", "department_id": geral, "priority": "low",
               "subject": subject, "message": message, "fields": {}}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let ticket: Value = response.json().await.expect("ticket");
    ticket["id"].as_str().expect("id").to_owned()
}

async fn reply(browser: &Browser, id: &str, body: &str, internal: bool) {
    let (status, answer) = browser
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": body, "internal": internal})),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
}

fn about(subject: &'static str) -> impl Fn(&Received) -> bool {
    move |r: &Received| r.subject().contains(subject)
}

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

async fn wait_for_outbox(admin: &Browser, matches: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, page) = admin.call(Method::GET, "/api/v1/admin/emails", None).await;
        assert_eq!(status, 200);
        if let Some(found) = page["items"]
            .as_array()
            .and_then(|items| items.iter().find(|m| matches(m)))
        {
            return found.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "not in the outbox: {page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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

/// Queued jobs due at once (a literal both backends read as a timestamp).
const DUE_NOW: &str = "UPDATE jobs SET run_at = '2000-01-01T00:00:00+00:00' WHERE state = 'queued'";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_are_warned_once_a_day_before_their_answered_ticket_closes() {
    use app::backend::services::tickets::warn_before_auto_close;
    let sink = SmtpSink::start();
    let app = demo_app_mailing_to(&sink).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let subject = "Aviso de encerramento (correio 7)";
    let id = open_question(&diego, subject, "Oi").await;
    let bruno = app.signed_in("bruno@chamado.local").await;
    reply(&bruno, &id, "Feito, confirme por favor.", false).await;
    // Six days after the answer (of seven), not before.
    let soon = chrono::Utc::now() + chrono::Duration::days(6) + chrono::Duration::minutes(1);
    let number: i64 = id.trim_start_matches("TKT-").parse().expect("number");
    let warned_sql = format!(
        "SELECT CASE WHEN auto_close_warned_at IS NULL THEN 'no' ELSE 'yes' END \
         FROM tickets WHERE id = {number}"
    );
    // (The demo's older answered tickets are warned now; this one is not yet.)
    warn_before_auto_close(&app.db, chrono::Utc::now())
        .await
        .expect("warnings");
    assert_eq!(app.texts(&warned_sql, None).await, ["no"]);
    assert!(
        warn_before_auto_close(&app.db, soon)
            .await
            .expect("warnings")
            >= 1
    );
    assert_eq!(app.texts(&warned_sql, None).await, ["yes"]);
    // The notices were written for that future instant: make them due now.
    app.execute(DUE_NOW).await;
    let warned = sink
        .wait_for(1, |r| {
            about(subject)(r) && r.text().contains("closes automatically")
        })
        .await;
    assert_eq!(warned[0].to(), "diego@acme.com.br");
    // Once per waiting period.
    assert_eq!(
        warn_before_auto_close(&app.db, soon)
            .await
            .expect("warnings"),
        0
    );
    // The customer's reply and a new answer start a new period.
    reply(&diego, &id, "Ainda não funcionou.", false).await;
    reply(&bruno, &id, "Tente agora.", false).await;
    assert_eq!(
        warn_before_auto_close(&app.db, soon)
            .await
            .expect("warnings"),
        1
    );
    app.execute(DUE_NOW).await;
    sink.wait_for(2, |r| {
        about(subject)(r) && r.text().contains("closes automatically")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_jobs_old_mails_and_old_notifications_are_pruned() {
    use app::backend::jobs;
    use app::backend::mail::{bell, outbox};
    use app::domain::NotificationKind;
    let app = demo_app().await;
    let diego = app.user_id("diego@acme.com.br").await;
    let now = chrono::Utc::now();
    let long_ago = now - chrono::Duration::days(100);
    let week_ago = now - chrono::Duration::days(8);
    let mut tx = app.db.begin().await.unwrap();
    for at in [long_ago, now] {
        let mail = outbox::NewEmail {
            kind: "support_answered".to_owned(),
            to_address: "diego@acme.com.br".to_owned(),
            to_name: "Diego".to_owned(),
            subject: format!("poda {at}"),
            message_id: format!("<poda-{}@acme.test>", at.timestamp_nanos_opt().unwrap_or(0)),
            ..Default::default()
        };
        let id = outbox::insert(tx.conn(), &mail, at).await.unwrap();
        outbox::record_attempt(tx.conn(), id, outbox::SENT, "250 ok", at)
            .await
            .unwrap();
        bell::insert(
            tx.conn(),
            diego,
            NotificationKind::SupportAnswered,
            None,
            &json!({}),
            at,
        )
        .await
        .unwrap();
    }
    // A queued mail is never pruned, however old.
    let waiting = outbox::NewEmail {
        kind: "support_answered".to_owned(),
        to_address: "diego@acme.com.br".to_owned(),
        subject: "poda fila".to_owned(),
        message_id: "<poda-fila@acme.test>".to_owned(),
        ..Default::default()
    };
    outbox::insert(tx.conn(), &waiting, long_ago).await.unwrap();
    for (kind, at) in [("poda", week_ago), ("poda", now)] {
        jobs::enqueue(tx.conn(), kind, &json!({}), at)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    for at in [week_ago, now] {
        let job = jobs::claim(&app.db, &["poda"], at)
            .await
            .unwrap()
            .expect("job");
        jobs::finish(&app.db, &job, at).await.unwrap();
    }
    server::startup::prune_old_rows(&app.db).await;
    let subjects = app
        .texts(
            "SELECT subject FROM outbound_emails WHERE subject LIKE 'poda%' ORDER BY id",
            None,
        )
        .await;
    assert_eq!(subjects, [format!("poda {now}"), "poda fila".to_owned()]);
    // (This test's notifications carry no data; the demo's have their ticket's.)
    let sql =
        format!("SELECT COUNT(*) FROM notifications WHERE user_id = {diego} AND data = '{{}}'");
    assert_eq!(
        app.number(&sql).await,
        1,
        "the old one is gone, the new one kept"
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM jobs WHERE kind = 'poda'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_robin_closing_reopening_and_missed_targets_are_mailed() {
    let sink = SmtpSink::start();
    let app = demo_app_mailing_to(&sink).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let tecnico = diego.department("Técnico").await;
    let mut body = crate::tickets::bug(tecnico, "O relatório não abre.");
    let subject = "Relatório em branco (correio 8)";
    body["subject"] = json!(subject);
    let created = open(&diego, body).await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.expect("ticket")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Técnico distributes by round-robin: the agent it chose hears it was them.
    let assigned = sink
        .wait_for(1, |r| {
            about(subject)(r) && r.text().contains("distribuição automática")
        })
        .await;
    let agent = assigned[0].to();
    assert!(
        ["ana@chamado.local", "caio@chamado.local"].contains(&agent.as_str()),
        "{agent}"
    );

    // Support closes: the customer gets the rating link; then reopens and gets the confirmation.
    let support = app.signed_in(&agent).await;
    let (status, _) = support.close_ticket(&id).await;
    assert_eq!(status, 200);
    let closed = sink
        .wait_for(1, |r| about(subject)(r) && r.text().contains("was closed"))
        .await;
    assert_eq!(closed[0].to(), "diego@acme.com.br");
    assert!(closed[0]
        .text()
        .contains(&format!("/chamados/{id}#avaliacao")));
    let (status, _) = diego
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/reopen"),
            Some(json!({"reason": "Voltou a falhar."})),
        )
        .await;
    assert_eq!(status, 200);
    let reopened = sink
        .wait_for(1, |r| {
            about(subject)(r) && r.text().contains("was reopened")
        })
        .await;
    assert_eq!(reopened[0].to(), "diego@acme.com.br");

    // A month later every target is missed: the leads hear once.
    app::backend::services::sla::advance_clocks(
        &app.db,
        chrono::Utc::now() + chrono::Duration::days(30),
    )
    .await
    .expect("clocks");
    app.execute(DUE_NOW).await;
    let breached = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "lider@chamado.local")
        .await;
    assert!(
        breached[0].text().contains("perdeu o prazo"),
        "{}",
        breached[0].text()
    );
}
