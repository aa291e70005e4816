//! Reading mailboxes over IMAP (async-imap): one task per active mailbox with an IMAP server,
//! on every instance. It takes the unseen mail (`BODY.PEEK[]`, so nothing is marked read by
//! fetching it), hands each to [`crate::backend::services::mail_in::receive`] and marks it
//! `\Seen` only once that transaction committed; a mail seen twice (a crash in between, or two
//! instances) is one message, by its Message-ID. Between rounds it waits with IDLE where the
//! server has it (new mail starts the next round at once), else it polls.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};

use super::inbox::{self, MailboxRow};
use super::worker::Mailer;
use crate::backend::storage::Storage;
use crate::backend::Db;
use crate::error::AppError;

/// How often the supervisor looks for mailboxes added, changed or removed by admins.
const SUPERVISE: Duration = Duration::from_secs(5);
/// How long one IDLE lasts before the round starts again (RFC 2177 asks for under 29 minutes).
const IDLE_FOR: Duration = Duration::from_secs(5 * 60);
/// Without IDLE, the pause between rounds.
const POLL: Duration = Duration::from_secs(30);
/// Connecting, signing in and each command wait at most this long.
const NETWORK: Duration = Duration::from_secs(30);
/// Mails fetched in one command.
const BATCH: usize = 50;

/// A connection's byte stream, plain or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}
type Stream = Box<dyn Io>;
type Session = async_imap::Session<Stream>;

/// What a mailbox's task connects with: a change restarts it.
fn settings_of(
    m: &MailboxRow,
) -> (
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    String,
) {
    (
        m.imap_host.clone(),
        m.imap_port,
        m.imap_security.clone(),
        m.imap_user.clone(),
        m.imap_password.clone(),
        m.imap_folder.clone(),
    )
}

/// Runs until the process ends: keeps one task per active mailbox with an IMAP server.
pub async fn supervise(db: Db, mailer: Arc<Mailer>, storage: Storage) {
    type Settings = (
        Option<String>,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
        String,
    );
    let mut running: HashMap<i64, (Settings, tokio::task::JoinHandle<()>)> = HashMap::new();
    loop {
        let wanted = match mailboxes(&db).await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!(%error, "mailboxes: cannot read them, will try again");
                tokio::time::sleep(SUPERVISE).await;
                continue;
            }
        };
        let wanted: HashMap<i64, MailboxRow> = wanted
            .into_iter()
            .filter(|m| m.active && m.imap_host.is_some())
            .map(|m| (m.id, m))
            .collect();
        running.retain(|id, (settings, task)| {
            let keep =
                wanted.get(id).is_some_and(|m| settings_of(m) == *settings) && !task.is_finished();
            if !keep {
                task.abort();
            }
            keep
        });
        for (id, mailbox) in wanted {
            if running.contains_key(&id) {
                continue;
            }
            let settings = settings_of(&mailbox);
            let task = tokio::spawn(watch(db.clone(), mailer.clone(), storage.clone(), mailbox));
            running.insert(id, (settings, task));
        }
        tokio::time::sleep(SUPERVISE).await;
    }
}

async fn mailboxes(db: &Db) -> Result<Vec<MailboxRow>, sqlx::Error> {
    let mut c = db.acquire().await?;
    inbox::mailboxes(c.conn()).await
}

/// Reads one mailbox until its task is stopped: reconnects after a failure, waiting longer
/// each time (5 s doubling up to 5 minutes), and records how each attempt went.
async fn watch(db: Db, mailer: Arc<Mailer>, storage: Storage, mailbox: MailboxRow) {
    let mut wait = Duration::from_secs(5);
    loop {
        let outcome = session(&db, &mailer, &storage, &mailbox, &mut wait).await;
        let error = match outcome {
            Ok(()) => continue,
            Err(error) => error,
        };
        tracing::warn!(mailbox = mailbox.id, %error, "mailbox: will try again");
        if let Ok(mut c) = db.acquire().await {
            let _ =
                inbox::record_check(c.conn(), mailbox.id, Some(&error), chrono::Utc::now()).await;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(300));
    }
}

/// One connection: rounds of fetching, with IDLE (or a pause) between them, until an error.
async fn session(
    db: &Db,
    mailer: &Mailer,
    storage: &Storage,
    mailbox: &MailboxRow,
    wait: &mut Duration,
) -> Result<(), String> {
    let mut session = connect(mailbox).await?;
    let idle = timed(session.capabilities()).await?.has_str("IDLE");
    timed(session.select(&mailbox.imap_folder)).await?;
    loop {
        while fetch_round(db, mailer, storage, mailbox, &mut session).await? {}
        *wait = Duration::from_secs(5);
        if let Ok(mut c) = db.acquire().await {
            let _ = inbox::record_check(c.conn(), mailbox.id, None, chrono::Utc::now()).await;
        }
        if idle {
            let mut handle = session.idle();
            timed(handle.init()).await?;
            let (until, _stop) = handle.wait_with_timeout(IDLE_FOR);
            until.await.map_err(|e| e.to_string())?;
            session = timed(handle.done()).await?;
        } else {
            tokio::time::sleep(POLL).await;
            timed(session.noop()).await?;
        }
    }
}

/// Takes up to [`BATCH`] unseen mails. Returns whether there may be more.
async fn fetch_round(
    db: &Db,
    mailer: &Mailer,
    storage: &Storage,
    mailbox: &MailboxRow,
    session: &mut Session,
) -> Result<bool, String> {
    let mut unseen: Vec<u32> = timed(session.uid_search("UNSEEN"))
        .await?
        .into_iter()
        .collect();
    if unseen.is_empty() {
        return Ok(false);
    }
    unseen.sort_unstable();
    let more = unseen.len() > BATCH;
    unseen.truncate(BATCH);
    let set = unseen
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut mails: Vec<(u32, Vec<u8>)> = Vec::with_capacity(unseen.len());
    {
        let mut fetches = timed(session.uid_fetch(&set, "(UID BODY.PEEK[])")).await?;
        while let Some(fetch) = tokio::time::timeout(NETWORK, fetches.next())
            .await
            .map_err(|_| "the IMAP server stopped answering".to_owned())?
        {
            let fetch = fetch.map_err(|e| e.to_string())?;
            if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
                mails.push((uid, body.to_vec()));
            }
        }
    }
    let mut seen = Vec::with_capacity(mails.len());
    for (uid, raw) in mails {
        match crate::backend::services::mail_in::receive(
            db,
            mailer,
            storage,
            mailbox,
            &raw,
            chrono::Utc::now(),
        )
        .await
        {
            Ok(handled) => {
                tracing::info!(mailbox = mailbox.id, uid, outcome = handled.outcome, reason = ?handled.reason, ticket = ?handled.ticket, "mail received");
                seen.push(uid);
            }
            Err(AppError::Validation { .. }) => {
                // Not a mail Chamado can read (no sender): nothing to take, marked seen.
                tracing::warn!(mailbox = mailbox.id, uid, "mail without a sender: skipped");
                seen.push(uid);
            }
            Err(error) => {
                // Left unseen: the next round takes it again.
                mark_seen(session, &seen).await?;
                return Err(format!("receiving a mail: {error}"));
            }
        }
    }
    mark_seen(session, &seen).await?;
    Ok(more)
}

/// `\Seen` on the mails whose transactions committed.
async fn mark_seen(session: &mut Session, uids: &[u32]) -> Result<(), String> {
    if uids.is_empty() {
        return Ok(());
    }
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut answers = timed(session.uid_store(&set, "+FLAGS.SILENT (\\Seen)")).await?;
    while let Some(answer) = tokio::time::timeout(NETWORK, answers.next())
        .await
        .map_err(|_| "the IMAP server stopped answering".to_owned())?
    {
        answer.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Connects and signs in: `tls` (implicit TLS, port 993), `starttls` (port 143, TLS required)
/// or `none` (a server on the same machine).
async fn connect(mailbox: &MailboxRow) -> Result<Session, String> {
    let host = mailbox.imap_host.clone().ok_or("no IMAP server")?;
    let port = u16::try_from(mailbox.imap_port.unwrap_or(993)).map_err(|_| "bad port")?;
    let tcp = timed(tokio::net::TcpStream::connect((host.as_str(), port))).await?;
    let _ = tcp.set_nodelay(true);
    let stream: Stream = match mailbox.imap_security.as_str() {
        "tls" => Box::new(tls(&host, tcp).await?),
        "starttls" => {
            let mut client = async_imap::Client::new(tcp);
            greeting(&mut client).await?;
            timed(client.run_command_and_check_ok("STARTTLS", None)).await?;
            Box::new(tls(&host, client.into_inner()).await?)
        }
        _ => Box::new(tcp),
    };
    let mut client = async_imap::Client::new(stream);
    if mailbox.imap_security != "starttls" {
        greeting(&mut client).await?;
    }
    let user = mailbox.imap_user.clone().unwrap_or_default();
    let password = mailbox.imap_password.clone().unwrap_or_default();
    match tokio::time::timeout(NETWORK, client.login(user, password)).await {
        Err(_) => Err("the IMAP server did not answer the sign-in".to_owned()),
        // The server's words, never the password.
        Ok(Err((error, _))) => Err(format!("sign-in refused: {error}")),
        Ok(Ok(session)) => Ok(session),
    }
}

async fn greeting<T: AsyncRead + AsyncWrite + Unpin + Send + Debug>(
    client: &mut async_imap::Client<T>,
) -> Result<(), String> {
    match tokio::time::timeout(NETWORK, client.read_response()).await {
        Ok(Ok(Some(_))) => Ok(()),
        Ok(Ok(None)) => Err("the IMAP server closed the connection".to_owned()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the IMAP server sent no greeting".to_owned()),
    }
}

async fn tls(
    host: &str,
    tcp: tokio::net::TcpStream,
) -> Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name =
        rustls::pki_types::ServerName::try_from(host.to_owned()).map_err(|e| e.to_string())?;
    timed(connector.connect(name, tcp)).await
}

/// A network step within [`NETWORK`], its error as text.
async fn timed<T, E: std::fmt::Display>(
    step: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(NETWORK, step).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("the IMAP server did not answer in time".to_owned()),
    }
}
