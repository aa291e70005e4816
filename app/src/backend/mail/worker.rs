//! The worker: takes `notify` and `send_email` jobs, on every instance, as they are committed.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::compose::{to_message, MailContext};
use super::letters::{account_letter, TicketNotice};
use super::notices::{person, recipients, ticket_facts, Notice, NOTIFY, SEND_EMAIL};
use super::outbox::{self, NewEmail};
use super::transport::{Delivery, Transport};
use super::{bell, prefs};
use crate::backend::db::Conn;
use crate::backend::events;
use crate::backend::jobs::{self, Job, MAX_ATTEMPTS};
use crate::backend::Db;
use crate::error::AppError;

/// How often a worker looks for jobs when nothing woke it (other instances' commits).
pub const POLL: Duration = Duration::from_secs(1);

/// What a worker needs: how mail looks and where it goes.
#[derive(Debug, Clone)]
pub struct Mailer {
    pub ctx: MailContext,
    pub transport: Transport,
}

/// The payload of a `send_email` job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendJob {
    pub email_id: i64,
    /// The one-use link of a sensitive mail.
    #[serde(default)]
    pub link: Option<String>,
}

/// Runs until the process ends: a job as soon as a commit signals one, else every [`POLL`].
pub async fn run(db: Db, mailer: Arc<Mailer>) {
    let mut signals = db.commit_signals();
    loop {
        match step(&db, &mailer, Utc::now()).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "job worker: will try again"),
        }
        tokio::select! {
            _ = signals.changed() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Jobs a worker takes at once: one write claims them all. Each may take up to the relay's
/// timeout, and all must be done within the lease.
const BATCH: i64 = 8;

/// Does the due jobs of one batch, if there are any. Returns whether it found some.
pub async fn step(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> Result<bool, AppError> {
    let batch = jobs::claim_batch(db, &[NOTIFY, SEND_EMAIL], now, BATCH).await?;
    if batch.is_empty() {
        return Ok(false);
    }
    for job in batch {
        run_job(db, mailer, job, Utc::now().max(now)).await?;
    }
    Ok(true)
}

async fn run_job(db: &Db, mailer: &Mailer, job: Job, now: DateTime<Utc>) -> Result<(), AppError> {
    let outcome = match job.kind.as_str() {
        NOTIFY => expand(db, mailer, &job, now).await,
        _ => send(db, mailer, &job, now).await,
    };
    if let Err(error) = outcome {
        let error = format!("{error:?}");
        let dead = jobs::fail(db, &job, &error, now).await?;
        tracing::warn!(job_id = job.id, kind = %job.kind, attempt = job.attempts, dead, %error, "job failed");
    }
    Ok(())
}

/// Stores a mail and queues its delivery; with no relay configured it is kept at once (no job:
/// there is nothing to deliver), and to an address that bounced for good it is not sent.
pub async fn queue_mail(
    c: Conn<'_>,
    mailer: &Mailer,
    mail: &NewEmail,
    link: Option<String>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut c = c;
    let email_id = outbox::insert(c.reborrow(), mail, now).await?;
    if let Some(reason) = super::inbox::suppression(c.reborrow(), &mail.to_address).await? {
        // The address bounced for good: the mail is kept, with why, and not sent.
        outbox::record_attempt(c, email_id, outbox::SUPPRESSED, &reason, now).await?;
        return Ok(email_id);
    }
    if !mailer.transport.is_configured() {
        outbox::record_attempt(c, email_id, outbox::KEPT, "", now).await?;
        return Ok(email_id);
    }
    queue_delivery(c, email_id, link, now).await?;
    Ok(email_id)
}

/// Queues the delivery of a stored mail (`link`: a sensitive mail's single-use link).
pub async fn queue_delivery(
    c: Conn<'_>,
    email_id: i64,
    link: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_value(SendJob { email_id, link })
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    jobs::enqueue(c, SEND_EMAIL, &payload, now)
        .await
        .map(|_| ())
}

/// A job's payload, read as what its kind carries; one that does not parse is a bug, logged.
fn payload_of<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, AppError> {
    serde_json::from_str(&job.payload).map_err(|e| {
        tracing::error!(job_id = job.id, kind = %job.kind, %e, "a job payload that does not parse");
        AppError::Internal
    })
}

/// A notice becomes notifications and mails, in one transaction with the job's end.
async fn expand(db: &Db, mailer: &Mailer, job: &Job, now: DateTime<Utc>) -> Result<(), AppError> {
    let notice: Notice = payload_of(job)?;
    let ctx = &mailer.ctx;
    let mut tx = db.begin().await?;
    // The people whose bells ring, told last (see below).
    let mut rung = Vec::new();
    match (&notice, notice.ticket_id()) {
        (_, Some(ticket_id)) => {
            if let Some(ticket) = ticket_facts(tx.conn(), ticket_id).await? {
                let people = recipients(tx.conn(), &notice, &ticket).await?;
                let facts = TicketNotice::gather(tx.conn(), ctx, &notice, &ticket).await?;
                for (to, kind) in people {
                    let choice = prefs::choice(tx.conn(), to.id, kind).await?;
                    if choice.in_app {
                        bell::insert(
                            tx.conn(),
                            to.id,
                            kind,
                            Some(ticket_id),
                            &facts.entry_data(),
                            now,
                        )
                        .await?;
                        rung.push((to.id, ticket_id));
                    }
                    if choice.email {
                        let mail = facts.letter(tx.conn(), ctx, &to, kind).await?;
                        queue_mail(tx.conn(), mailer, &mail, None, now).await?;
                    }
                }
            }
        }
        (
            Notice::AccountLink {
                user_id,
                purpose,
                path,
            },
            None,
        ) => {
            if let Some(to) = person(tx.conn(), *user_id).await?.filter(|p| p.active) {
                let organization = organization_of(tx.conn(), to.id).await?;
                let mail = account_letter(ctx, &to, purpose, organization.as_deref());
                queue_mail(tx.conn(), mailer, &mail, Some(ctx.url(path)), now).await?;
            }
        }
        (_, None) => {}
    }
    if !rung.is_empty() {
        // Event ids must commit in order (the writers' lock), taken only now: composing mail
        // does not hold up ticket writes. Nothing this transaction wrote is locked by them.
        events::serialize_writers(tx.conn()).await?;
        for (user_id, ticket_id) in rung {
            events::record_for_person(tx.conn(), user_id, Some(ticket_id), now).await?;
        }
    }
    if jobs::finish_in(tx.conn(), job, now).await? {
        tx.commit().await?;
        // The pump streams the bells' events; no ticket changed.
        db.signal_commit();
    }
    Ok(())
}

async fn organization_of(c: Conn<'_>, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    const SQL: &str =
        "SELECT o.name FROM users u JOIN organizations o ON o.id = u.organization_id \
                       WHERE u.id = $1";
    crate::on_conn!(c, conn => sqlx::query_scalar(SQL).bind(user_id).fetch_optional(&mut *conn).await)
}

/// Delivers one mail; records the relay's answer on it and the job's end (or next attempt) in
/// one transaction.
async fn send(db: &Db, mailer: &Mailer, job: &Job, now: DateTime<Utc>) -> Result<(), AppError> {
    let payload: SendJob = payload_of(job)?;
    let row = {
        let mut c = db.acquire().await?;
        outbox::find(c.conn(), payload.email_id).await?
    };
    let Some(row) = row.filter(|r| r.state != outbox::SENT) else {
        jobs::finish(db, job, now).await?;
        return Ok(());
    };
    let delivery = match to_message(&mailer.ctx, &row, payload.link.as_deref()) {
        Ok(message) => mailer.transport.deliver(message).await,
        Err(reason) => Delivery::Refused(reason),
    };
    let (state, answer, retry) = match delivery {
        Delivery::Accepted(answer) => (outbox::SENT, answer, false),
        Delivery::Kept => (outbox::KEPT, String::new(), false),
        Delivery::Refused(answer) => (outbox::FAILED, answer, false),
        Delivery::Deferred(answer) if job.attempts >= MAX_ATTEMPTS => {
            (outbox::FAILED, answer, false)
        }
        Delivery::Deferred(answer) => (outbox::QUEUED, answer, true),
    };
    let now = Utc::now().max(now);
    let mut tx = db.begin().await?;
    outbox::record_attempt(tx.conn(), row.id, state, &answer, now).await?;
    if retry {
        tracing::info!(email_id = row.id, %answer, "mail deferred: will try again");
        jobs::fail_in(tx.conn(), job, &answer, now).await?;
    } else {
        jobs::finish_in(tx.conn(), job, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
