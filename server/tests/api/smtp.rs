//! What the mail tests share: a real SMTP server (aiosmtpd on loopback, delivering into a
//! Maildir), the mails it received, and the steps of a ticket's life the tests repeat.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::{Message, MessageParser};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, Browser, SpawnOptions, TestApp};
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

pub(crate) fn free_port() -> u16 {
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

pub(crate) async fn demo_app_mailing_to(sink: &SmtpSink) -> TestApp {
    spawn_app_with(SpawnOptions {
        demo: true,
        smtp_url: Some(sink.url()),
        ..Default::default()
    })
    .await
}

/// Opens a question in "Geral" (bruno's department) with a subject of its own; returns its id.
pub(crate) async fn open_question(browser: &Browser, subject: &str, message: &str) -> String {
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

pub(crate) async fn reply(browser: &Browser, id: &str, body: &str, internal: bool) {
    let (status, answer) = browser
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/messages"),
            Some(json!({"body": body, "internal": internal})),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
}

pub(crate) fn about(subject: &'static str) -> impl Fn(&Received) -> bool {
    move |r: &Received| r.subject().contains(subject)
}

pub(crate) async fn wait_for_outbox(admin: &Browser, matches: impl Fn(&Value) -> bool) -> Value {
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

/// Queued jobs due at once (a literal both backends read as a timestamp).
pub(crate) const DUE_NOW: &str =
    "UPDATE jobs SET run_at = '2000-01-01T00:00:00+00:00' WHERE state = 'queued'";
