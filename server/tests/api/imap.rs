//! E-mail in and out against real servers on loopback: Debian's Dovecot as the IMAP server (an
//! unprivileged instance per test, with a support mailbox and a customer's mailbox) and an SMTP
//! server (aiosmtpd with `mail_router.py`) delivering into those mailboxes as an MX would.
//! Chamado reads the support mailbox with IDLE and sends through the SMTP server; the test
//! writes with a plain SMTP conversation and reads the customer's mail over IMAP.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::helpers::{spawn_app_with, Browser, SpawnOptions, TestApp};
use crate::mail_in::{fixture, message_id, SUPPORT};
use crate::smtp::free_port;

const PASSWORD: &str = "senha-de-teste";

/// Dovecot and the delivering SMTP server, stopped when dropped.
pub(crate) struct MailServers {
    dovecot: Child,
    smtp: Child,
    pub imap_port: u16,
    pub smtp_port: u16,
    dir: tempfile::TempDir,
}

impl MailServers {
    /// Starts both with one mailbox per user.
    pub fn start(users: &[&str]) -> MailServers {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        // Dovecot's own processes (its `dovecot` user) read the password file under `root`.
        std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
        let imap_port = free_port();
        let smtp_port = free_port();
        // As root the mail belongs to `nobody` (Dovecot refuses uid 0); else to whoever runs.
        let (uid, gid) = mail_owner();
        let me = whoami();
        let homes = root.join("home");
        let mut passwd = String::new();
        for user in users {
            for sub in ["new", "cur", "tmp"] {
                std::fs::create_dir_all(homes.join(user).join("Maildir").join(sub))
                    .expect("maildir");
            }
            passwd.push_str(&format!("{user}:{{PLAIN}}{PASSWORD}\n"));
        }
        chown_tree(&homes, uid, gid);
        std::fs::write(root.join("users"), passwd).expect("users");
        let unprivileged = if is_root() {
            String::new()
        } else {
            format!("default_login_user = {me}\ndefault_internal_user = {me}\ndefault_internal_group = {me}\n")
        };
        let conf = format!(
            "base_dir = {r}/run\nstate_dir = {r}/state\nlog_path = {r}/dovecot.log\n\
             protocols = imap\nlisten = 127.0.0.1\nssl = no\ndisable_plaintext_auth = no\n\
             auth_mechanisms = plain login\nfirst_valid_uid = 1\n{unprivileged}\
             mail_location = maildir:{r}/home/%n/Maildir\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {r}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={r}/home/%n\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap_port}\n  }}\n  \
             inet_listener imaps {{\n    port = 0\n  }}\n}}\n",
            r = root.display()
        );
        std::fs::write(root.join("dovecot.conf"), conf).expect("conf");
        let dovecot = Command::new("/usr/sbin/dovecot")
            .args(["-F", "-c"])
            .arg(root.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot (apt-get install dovecot-imapd)");
        let router_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api");
        let smtp = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{smtp_port}"))
            .args(["-c", "mail_router.Router"])
            .arg(&homes)
            .env("PYTHONPATH", router_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd");
        let servers = MailServers {
            dovecot,
            smtp,
            imap_port,
            smtp_port,
            dir,
        };
        for port in [imap_port, smtp_port] {
            let started = Instant::now();
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    started.elapsed() < Duration::from_secs(15),
                    "mail server on {port} did not start: {}",
                    std::fs::read_to_string(servers.dir.path().join("dovecot.log"))
                        .unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        servers
    }

    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.smtp_port)
    }

    /// Hands a raw mail to the SMTP server, as any mail client does.
    pub async fn send(&self, from: &str, to: &str, raw: &[u8]) {
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", self.smtp_port))
            .await
            .expect("smtp");
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut expect = async |code: &str| {
            // A reply may span lines (`250-…` then `250 …`).
            loop {
                let line = lines.next_line().await.expect("read").expect("a reply");
                assert!(line.starts_with(code), "expected {code}, got {line}");
                if line.as_bytes().get(3) == Some(&b' ') {
                    break;
                }
            }
        };
        expect("220").await;
        for (command, code) in [
            ("EHLO cliente.example\r\n".to_owned(), "250"),
            (format!("MAIL FROM:<{from}>\r\n"), "250"),
            (format!("RCPT TO:<{to}>\r\n"), "250"),
            ("DATA\r\n".to_owned(), "354"),
        ] {
            write.write_all(command.as_bytes()).await.expect("write");
            expect(code).await;
        }
        let mut data = Vec::with_capacity(raw.len() + 8);
        for line in raw.split_inclusive(|b| *b == b'\n') {
            if line.starts_with(b".") {
                data.push(b'.');
            }
            data.extend_from_slice(line);
        }
        if !data.ends_with(b"\r\n") {
            data.extend_from_slice(b"\r\n");
        }
        data.extend_from_slice(b".\r\n");
        write.write_all(&data).await.expect("write");
        expect("250").await;
        write.write_all(b"QUIT\r\n").await.expect("write");
    }

    /// Signs in to a user's mailbox over IMAP.
    pub async fn imap(&self, user: &str) -> async_imap::Session<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.imap_port))
            .await
            .expect("imap");
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.expect("greeting");
        let mut session = client
            .login(user, PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .expect("login");
        session.select("INBOX").await.expect("select");
        session
    }

    /// Every mail in a user's mailbox, raw, oldest first, and how many are unseen.
    pub async fn mailbox(&self, user: &str) -> (Vec<Vec<u8>>, usize) {
        let mut session = self.imap(user).await;
        let unseen = session.uid_search("UNSEEN").await.expect("search").len();
        let mut mails = Vec::new();
        {
            let mut fetches = session.fetch("1:*", "BODY.PEEK[]").await.expect("fetch");
            while let Some(fetch) = fetches.next().await {
                let fetch = fetch.expect("a mail");
                if let Some(body) = fetch.body() {
                    mails.push(body.to_vec());
                }
            }
        }
        let _ = session.logout().await;
        (mails, unseen)
    }
}

impl Drop for MailServers {
    fn drop(&mut self) {
        for child in [&mut self.dovecot, &mut self.smtp] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn is_root() -> bool {
    whoami() == "root"
}

fn whoami() -> String {
    Command::new("id")
        .arg("-un")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The owner of the mail: `nobody` when running as root, else oneself.
fn mail_owner() -> (u32, u32) {
    let id = |flag: &str| {
        Command::new("id")
            .arg(flag)
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(0)
    };
    let (uid, gid) = (id("-u"), id("-g"));
    if uid == 0 {
        (65_534, 65_534)
    } else {
        (uid, gid)
    }
}

fn chown_tree(path: &Path, uid: u32, gid: u32) {
    let status = Command::new("chown")
        .arg("-R")
        .arg(format!("{uid}:{gid}"))
        .arg(path)
        .status()
        .expect("chown");
    assert!(status.success(), "chown {}", path.display());
}

/// The mailbox Chamado reads: the support user's, over IMAP without TLS (same machine), with
/// this password. Answers its id.
async fn imap_mailbox(admin: &Browser, servers: &MailServers, password: &str) -> i64 {
    let geral = admin.department("Geral").await;
    let (status, created) = admin
        .call(
            Method::POST,
            "/api/v1/admin/mailboxes",
            Some(
                json!({"name": "Suporte", "address": SUPPORT, "department_id": geral,
                        "imap_host": "127.0.0.1", "imap_port": servers.imap_port,
                        "imap_security": "none", "imap_user": "suporte",
                        "imap_password": password}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["mailbox"]["id"].as_i64().expect("id")
}

/// Waits (up to 20 s) for a condition on the app's database.
async fn eventually(app: &TestApp, sql: &str, want: i64) -> Duration {
    let started = Instant::now();
    loop {
        if app.number(sql).await == want {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{sql} never reached {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn parsed(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a mail")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_writes_in_over_smtp_reads_the_receipt_over_imap_and_replies_to_it() {
    let servers = MailServers::start(&["suporte", "diego"]);
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        smtp_url: Some(servers.smtp_url()),
        ..Default::default()
    })
    .await;
    let admin = app.signed_in("admin@chamado.local").await;
    let mailbox = imap_mailbox(&admin, &servers, PASSWORD).await;

    // Diego mails the support address from his own client.
    let first = message_id();
    let raw = fixture(
        "html_only.eml",
        &[
            ("FROM", "diego@acme.com.br"),
            ("TO", SUPPORT),
            ("SUBJECT", "Relatório vazio (IMAP)"),
            ("MESSAGE_ID", &first),
        ],
    );
    servers.send("diego@acme.com.br", SUPPORT, &raw).await;
    // IDLE: the ticket exists within seconds, not a polling interval.
    let took = eventually(
        &app,
        "SELECT COUNT(*) FROM tickets WHERE subject = 'Relatório vazio (IMAP)'",
        1,
    )
    .await;
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // Marked seen once taken; the check is recorded on the mailbox.
    let (_, unseen) = servers.mailbox("suporte").await;
    assert_eq!(unseen, 0);
    let started = Instant::now();
    loop {
        let (_, listed) = admin
            .call(
                Method::GET,
                &format!("/api/v1/admin/mailboxes/{mailbox}"),
                None,
            )
            .await;
        assert_eq!(listed["last_error"], Value::Null, "{listed}");
        if listed["last_checked_at"].is_string() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no check recorded: {listed}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The receipt reaches Diego's mailbox, in his thread, with the signed reply address.
    let started = Instant::now();
    let receipt = loop {
        let (mails, _) = servers.mailbox("diego").await;
        if let Some(raw) = mails.into_iter().find(|m| {
            parsed(m)
                .subject()
                .is_some_and(|s| s.contains("Relatório vazio (IMAP)"))
        }) {
            break raw;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no receipt in diego's mailbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let receipt = parsed(&receipt);
    assert_eq!(
        receipt.in_reply_to().as_text(),
        Some(first.trim_matches(['<', '>']))
    );
    let reply_to = receipt
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .expect("reply address")
        .to_owned();
    assert!(reply_to.starts_with("suporte+t"), "{reply_to}");
    let ours = format!("<{}>", receipt.message_id().expect("id"));
    let subject = receipt.subject().expect("subject").to_owned();

    // He answers from Gmail; the answer joins the ticket, quote cut.
    let answer = fixture(
        "gmail_reply.eml",
        &[
            ("FROM", "diego@acme.com.br"),
            ("TO", &reply_to),
            ("SUBJECT", &subject),
            ("MESSAGE_ID", &message_id()),
            ("IN_REPLY_TO", &ours),
        ],
    );
    servers.send("diego@acme.com.br", &reply_to, &answer).await;
    eventually(
        &app,
        "SELECT COUNT(*) FROM ticket_messages WHERE body = 'Obrigado! Fiz o que você sugeriu e o boleto chegou.'",
        1,
    )
    .await;

    // A mail seen again (the flag cleared, as after a crash before it was set) is one message.
    let messages = app.number("SELECT COUNT(*) FROM ticket_messages").await;
    let mut session = servers.imap("suporte").await;
    {
        let mut cleared = session
            .store("1:*", "-FLAGS.SILENT (\\Seen)")
            .await
            .expect("store");
        while cleared.next().await.is_some() {}
    }
    let _ = session.logout().await;
    let started = Instant::now();
    loop {
        let (_, unseen) = servers.mailbox("suporte").await;
        if unseen == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "not taken again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.number("SELECT COUNT(*) FROM ticket_messages").await,
        messages
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM inbound_emails").await,
        2,
        "two mails received, each once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_imap_password_is_shown_to_admins_and_never_logged_in_clear() {
    let servers = MailServers::start(&["suporte"]);
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let admin = app.signed_in("admin@chamado.local").await;
    let id = imap_mailbox(&admin, &servers, "senha-errada-xyz").await;
    let started = Instant::now();
    let error = loop {
        let (_, mailbox) = admin
            .call(Method::GET, &format!("/api/v1/admin/mailboxes/{id}"), None)
            .await;
        if let Some(error) = mailbox["last_error"].as_str() {
            break error.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no error recorded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(error.contains("sign-in refused"), "{error}");
    assert!(!error.contains("senha-errada"), "{error}");
}
