//! E-mail in: a received mail becomes a new ticket, a message on the ticket it answers, a polite
//! automatic answer, or nothing — by the rules of issue 17, whichever road it came by (IMAP or
//! `POST /api/v1/inbound-email`).
//!
//! Threading decides by, in order: the signed token of a reply address among the recipients;
//! `In-Reply-To`/`References` naming a mail Chamado sent or received about a ticket; the
//! `[TKT-000042]` subject tag when the sender took part in that ticket. Each only for a sender who
//! may write on that ticket (the service layer's own scope), and support staff only through a
//! token that names them: a stranger's mail never joins someone's ticket. The mail is recorded
//! under its Message-ID in the same transaction as the ticket or message it makes, so the same
//! mail fetched twice makes one message.

mod answer;
mod files;

use chrono::{DateTime, Duration, Utc};

use crate::backend::db::{ticket_types, tickets, users, Conn};
use crate::backend::events::{self, begin_write};
use crate::backend::mail::inbox::{self, MailboxRow, NewInbound};
use crate::backend::mail::outbox;
use crate::backend::mail::received::{self, ReceivedMail};
use crate::backend::mail::reply_text::reply_part;
use crate::backend::mail::worker::Mailer;
use crate::backend::services::access::{customer_may_act, state_in_scope};
use crate::backend::services::tickets::{create_in, reply_in, NewReply, NewTicket};
use crate::backend::storage::Storage;
use crate::backend::Db;
use crate::domain::{
    CurrentUser, Language, MailChannel, MessageChannel, NewTicketInput, Priority, RefusedFile,
    TicketNumber, TicketStatus,
};
use crate::error::AppError;

/// Mails one address may send in an hour before the rest are set aside (not answered).
pub const PER_SENDER_PER_HOUR: i64 = 30;

/// What Chamado did with a received mail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Handled {
    /// `created`, `appended`, `auto_answered`, `ignored`, `bounce` or `duplicate`.
    pub outcome: &'static str,
    pub reason: Option<String>,
    /// `TKT-000042`, when it opened or joined a ticket.
    pub ticket: Option<String>,
}

impl Handled {
    fn new(outcome: &'static str, reason: Option<&str>, ticket: Option<i64>) -> Self {
        Handled {
            outcome,
            reason: reason.map(str::to_owned),
            ticket: ticket.map(|t| TicketNumber(t).to_string()),
        }
    }
}

/// Where a mail goes, once read.
enum Route {
    Append {
        ticket_id: i64,
        author: CurrentUser,
    },
    Create {
        author: CurrentUser,
        related: Option<i64>,
    },
    /// Not taken: answered politely (unless a machine sent it), with why.
    Decline {
        reason: &'static str,
        language: Option<Language>,
    },
}

/// Receives one raw mail for `mailbox`. Errors only when it could not be recorded (the caller
/// keeps the mail and tries again); a mail that is refused by rule is recorded and `Ok`.
pub async fn receive(
    db: &Db,
    mailer: &Mailer,
    storage: &Storage,
    mailbox: &MailboxRow,
    raw: &[u8],
    now: DateTime<Utc>,
) -> Result<Handled, AppError> {
    let Some(mail) = received::read(raw) else {
        return Err(AppError::validation("message", "not_a_mail"));
    };
    {
        let mut c = db.acquire().await?;
        if inbox::received(c.conn(), &mail.message_id).await? {
            return Ok(Handled::new("duplicate", None, None));
        }
    }
    if let Some(bounce) = &mail.bounce {
        return record_bounce(db, mailbox, &mail, bounce, now).await;
    }
    if let Some(why) = mail.automated {
        return set_aside(db, mailbox, &mail, "ignored", why, None, now).await;
    }
    // The allowance, the channel's settings and the route: reads on one connection.
    let route = {
        let mut c = db.acquire().await?;
        let since = now - Duration::hours(1);
        if inbox::count_from(c.conn(), &mail.from_address, None, since).await?
            >= PER_SENDER_PER_HOUR
        {
            None
        } else {
            let channel = channel_in(c.conn()).await?;
            Some(route(c.conn(), mailer, &mail, &channel).await?)
        }
    };
    let Some(route) = route else {
        return set_aside(db, mailbox, &mail, "ignored", "throttled", None, now).await;
    };
    match route {
        Route::Decline { reason, language } => {
            decline(db, mailer, mailbox, &mail, reason, language, now).await
        }
        Route::Append { ticket_id, author } => {
            take(
                db,
                storage,
                mailbox,
                &mail,
                &author,
                Some(ticket_id),
                None,
                now,
            )
            .await
        }
        Route::Create { author, related } => {
            take(db, storage, mailbox, &mail, &author, None, related, now).await
        }
    }
}

/// The e-mail channel's settings in force.
pub async fn mail_channel(db: &Db) -> Result<MailChannel, AppError> {
    let mut c = db.acquire().await?;
    channel_in(c.conn()).await
}

async fn channel_in(c: Conn<'_>) -> Result<MailChannel, AppError> {
    Ok(crate::backend::db::settings::get(c, MAIL_CHANNEL_KEY)
        .await?
        .and_then(|(v, _)| serde_json::from_value(v.0).ok())
        .unwrap_or_default())
}

/// Where the e-mail channel's settings are stored.
pub const MAIL_CHANNEL_KEY: &str = "mail_channel";

/// Decides where the mail goes (nothing is written).
async fn route(
    c: Conn<'_>,
    mailer: &Mailer,
    mail: &ReceivedMail,
    channel: &MailChannel,
) -> Result<Route, AppError> {
    let mut c = c;
    if mail.forged {
        return Ok(Route::Decline {
            reason: "forged_sender",
            language: None,
        });
    }
    let sender = match users::find_by_email(c.reborrow(), &mail.from_address).await? {
        Some(row) => crate::backend::services::auth::current_user(c.reborrow(), row.id).await?,
        None => None,
    };
    let Some(sender) = sender else {
        return Ok(Route::Decline {
            reason: "unknown_sender",
            language: None,
        });
    };
    let language = Some(sender.language);
    if let Some(ticket_id) = thread(c.reborrow(), mailer, mail, &sender).await? {
        let state = tickets::find_state(c.reborrow(), ticket_id).await?;
        let closed = state.is_some_and(|s| s.status == TicketStatus::Closed.as_str());
        if !closed {
            return Ok(Route::Append {
                ticket_id,
                author: sender,
            });
        }
        // A reply to a closed ticket opens a new one that continues it (Zendesk's follow-up).
        return Ok(match may_open_by_email(&sender, channel) {
            Ok(()) => Route::Create {
                author: sender,
                related: Some(ticket_id),
            },
            Err(reason) => Route::Decline { reason, language },
        });
    }
    if sender.is_staff() {
        // Support answers by e-mail only through the reply address of their own notification.
        return Ok(Route::Decline {
            reason: "staff_without_token",
            language,
        });
    }
    Ok(match may_open_by_email(&sender, channel) {
        Ok(()) => Route::Create {
            author: sender,
            related: None,
        },
        Err(reason) => Route::Decline { reason, language },
    })
}

/// Whether this customer may open tickets by e-mail: their right to open tickets, and their
/// plan's e-mail channel.
fn may_open_by_email(user: &CurrentUser, channel: &MailChannel) -> Result<(), &'static str> {
    let Some(organization) = &user.organization else {
        return Err("unknown_sender");
    };
    if !channel.email_plans.contains(&organization.plan) {
        return Err("plan_without_email");
    }
    if !user.can_open_tickets {
        return Err("cannot_open_tickets");
    }
    Ok(())
}

/// The ticket this mail answers, for this sender, if any.
async fn thread(
    c: Conn<'_>,
    mailer: &Mailer,
    mail: &ReceivedMail,
    sender: &CurrentUser,
) -> Result<Option<i64>, AppError> {
    let mut c = c;
    // 1. A signed reply address among the recipients (whatever the mailbox's address).
    let token_ids = mail.recipients.iter().find_map(|address| {
        let local = address.rsplit_once('@')?.0;
        let token = local.split_once('+')?.1;
        mailer.ctx.keys.check_reply_token(token)
    });
    if let Some((ticket_id, user_id)) = token_ids {
        let allowed = if sender.is_staff() {
            user_id == sender.id && may_write(c.reborrow(), sender, ticket_id).await?
        } else {
            may_write(c.reborrow(), sender, ticket_id).await?
        };
        if allowed {
            return Ok(Some(ticket_id));
        }
    }
    if sender.is_staff() {
        return Ok(None);
    }
    // 2. The thread's Message-IDs.
    if let Some(ticket_id) = inbox::ticket_of_message_ids(c.reborrow(), &mail.refers_to).await? {
        if may_write(c.reborrow(), sender, ticket_id).await? {
            return Ok(Some(ticket_id));
        }
    }
    // 3. The subject's tag, for someone who took part in that ticket.
    if let Some(number) = subject_tag(&mail.subject) {
        if took_part(c.reborrow(), number.0, sender.id).await?
            && may_write(c.reborrow(), sender, number.0).await?
        {
            return Ok(Some(number.0));
        }
    }
    Ok(None)
}

/// Whether this person may write on the ticket: the same scope and rule as the portal's.
async fn may_write(c: Conn<'_>, user: &CurrentUser, ticket_id: i64) -> Result<bool, AppError> {
    let id = TicketNumber(ticket_id).to_string();
    match state_in_scope(c, user, &id).await {
        Ok(state) => Ok(customer_may_act(user, &state)),
        Err(AppError::NotFound { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// `[TKT-000042]` in a subject.
fn subject_tag(subject: &str) -> Option<TicketNumber> {
    let upper = subject.to_ascii_uppercase();
    let start = upper.find("[TKT-")?;
    let rest = &subject[start + 1..];
    let end = rest.find(']')?;
    TicketNumber::parse(&rest[..end])
}

/// The requester, or someone who wrote a public message on the ticket.
async fn took_part(c: Conn<'_>, ticket_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT COUNT(*) FROM tickets t WHERE t.id = $1 AND (t.requester_id = $2 \
        OR EXISTS (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id AND m.author_id = $2 \
        AND m.internal = FALSE))";
    let n: i64 = crate::on_conn!(c, conn => sqlx::query_scalar(SQL).bind(ticket_id).bind(user_id).fetch_one(&mut *conn).await)?;
    Ok(n > 0)
}

/// What a mail's message says: the reply without quoted history and signature (a new mail is
/// kept whole: it may carry a forwarded message), at most the e-mail limit.
fn message_text(
    mail: &ReceivedMail,
    reply: bool,
    max_chars: usize,
    language: Language,
) -> (String, bool) {
    let whole = mail.text.trim();
    let text = if reply {
        reply_part(whole)
    } else {
        whole.to_owned()
    };
    let mut trimmed = text.len() < whole.len();
    let mut text = text;
    if crate::domain::char_count(&text) > max_chars {
        text = text
            .chars()
            .take(max_chars.saturating_sub(1))
            .collect::<String>()
            + "…";
        trimmed = true;
    }
    if !crate::domain::has_visible(&text) {
        text = answer::words(language, "no_text");
    }
    (text, trimmed)
}

/// Takes the mail as a new ticket or a message on `ticket_id`, recording it in the same
/// transaction.
#[allow(clippy::too_many_arguments)]
async fn take(
    db: &Db,
    storage: &Storage,
    mailbox: &MailboxRow,
    mail: &ReceivedMail,
    author: &CurrentUser,
    ticket_id: Option<i64>,
    related: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Handled, AppError> {
    let limits = crate::backend::services::settings::limits(db).await?;
    let (staged, refused) = files::stage(storage, &mail.files, &limits).await?;
    let refused_json = serde_json::to_string(&refused).unwrap_or_else(|_| "[]".to_owned());
    let max_chars = limits.message_max_chars_via(author.is_staff(), MessageChannel::Email);
    let (text, trimmed) = message_text(mail, ticket_id.is_some(), max_chars, author.language);
    let uploads = (!staged.is_empty()).then(|| crate::backend::services::tickets::Uploads {
        storage,
        files: staged,
    });
    let mut persisted = Vec::new();
    let mut tx = begin_write(db).await?;
    let made = match ticket_id {
        Some(ticket_id) => {
            let mut reply = NewReply::new(&text, false, MessageChannel::Email);
            reply.uploads = uploads;
            let id = TicketNumber(ticket_id).to_string();
            reply_in(&mut tx, author, &id, reply, &limits, now, &mut persisted)
                .await
                .map(|m| ("appended", ticket_id, m.id))
        }
        None => {
            let input = new_ticket_input(&mut tx, author, mailbox, mail, &text, related).await?;
            let mut ticket = NewTicket::new(input, MessageChannel::Email);
            ticket.uploads = uploads;
            create_in(&mut tx, author, ticket, None, &limits, now, &mut persisted)
                .await
                .map(|(summary, message_id)| ("created", summary.number, message_id))
        }
    };
    let (outcome, ticket_id, message_id) = match made {
        Ok(made) => made,
        Err(
            error
            @ (AppError::Internal | AppError::Unavailable { .. } | AppError::Transport { .. }),
        ) => {
            drop(tx);
            storage.remove(&persisted).await;
            return Err(error);
        }
        Err(refusal) => {
            // Refused by a rule of the ticket itself (an inactive department, no ticket type
            // for the plan): recorded with why, so the mail is not fetched forever.
            drop(tx);
            storage.remove(&persisted).await;
            let reason = refusal_code(&refusal);
            return set_aside(db, mailbox, mail, "ignored", &reason, ticket_id, now).await;
        }
    };
    let recorded = inbox::record(
        tx.conn(),
        &NewInbound {
            ticket_id: Some(ticket_id),
            chamado_message_id: Some(message_id),
            refused_files: &refused_json,
            trimmed: trimmed || !refused.is_empty(),
            ..row_of(mailbox, mail, outcome)
        },
        now,
    )
    .await?;
    if !recorded {
        // The same mail, taken by another instance or mailbox meanwhile.
        drop(tx);
        storage.remove(&persisted).await;
        return Ok(Handled::new("duplicate", None, None));
    }
    tx.commit().await?;
    events::wake(db);
    Ok(Handled::new(outcome, None, Some(ticket_id)))
}

fn refusal_code(error: &AppError) -> String {
    match error {
        AppError::Validation { errors } => errors
            .first()
            .map(|e| format!("{}_{}", e.field.replace('.', "_"), e.code))
            .unwrap_or_else(|| "invalid".to_owned()),
        AppError::Conflict { code } => code.clone(),
        AppError::Forbidden => "forbidden".to_owned(),
        AppError::PayloadTooLarge => "too_large".to_owned(),
        AppError::UnsupportedMediaType => "type_not_allowed".to_owned(),
        _ => "refused".to_owned(),
    }
}

/// A new ticket from a mail: its subject (or "(sem assunto)"), the mailbox's department, the
/// first ticket type the customer's plan has and that type's priority.
async fn new_ticket_input(
    tx: &mut crate::backend::db::Tx,
    author: &CurrentUser,
    mailbox: &MailboxRow,
    mail: &ReceivedMail,
    text: &str,
    related: Option<i64>,
) -> Result<NewTicketInput, AppError> {
    let plan = author.organization.as_ref().map(|o| o.plan);
    let first_type = ticket_types::list_for_plan(tx.conn(), plan)
        .await?
        .into_iter()
        .next();
    let priority = first_type
        .as_ref()
        .and_then(|t| t.default_priority.as_deref())
        .and_then(|p| p.parse().ok())
        .unwrap_or(Priority::Medium);
    let subject = strip_reply_prefixes(&mail.subject);
    let subject = if crate::domain::has_visible(&subject) {
        subject
            .chars()
            .take(crate::domain::SUBJECT_MAX_CHARS)
            .collect()
    } else {
        answer::words(author.language, "no_subject")
    };
    Ok(NewTicketInput {
        type_key: first_type.map(|t| t.key).unwrap_or_default(),
        department_id: mailbox.department_id,
        priority,
        subject,
        message: text.to_owned(),
        fields: Default::default(),
        related: related.map(|r| TicketNumber(r).to_string()),
        deflection_attempt: None,
    })
}

/// A subject without the `Re:`/`Fwd:`/`RES:`/`ENC:`/`TR:` its mail clients put before it.
fn strip_reply_prefixes(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let Some(prefix) = ["re:", "fw:", "fwd:", "res:", "enc:", "tr:", "aw:", "wg:"]
            .iter()
            .find(|p| lower.starts_with(**p))
        else {
            return s.to_owned();
        };
        s = s[prefix.len()..].trim_start();
    }
}

/// Records a mail that makes no ticket or message.
async fn set_aside(
    db: &Db,
    mailbox: &MailboxRow,
    mail: &ReceivedMail,
    outcome: &'static str,
    reason: &str,
    ticket_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Handled, AppError> {
    let mut tx = db.begin().await?;
    let recorded = record_plain(tx.conn(), mailbox, mail, outcome, reason, ticket_id, now).await?;
    tx.commit().await?;
    Ok(if recorded {
        Handled::new(outcome, Some(reason), ticket_id)
    } else {
        Handled::new("duplicate", None, None)
    })
}

async fn record_plain(
    c: Conn<'_>,
    mailbox: &MailboxRow,
    mail: &ReceivedMail,
    outcome: &str,
    reason: &str,
    ticket_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    inbox::record(
        c,
        &NewInbound {
            reason: Some(reason),
            ticket_id,
            ..row_of(mailbox, mail, outcome)
        },
        now,
    )
    .await
}

/// The record of a received mail: what it was and where it came in, with `outcome`.
fn row_of<'a>(mailbox: &MailboxRow, mail: &'a ReceivedMail, outcome: &'a str) -> NewInbound<'a> {
    NewInbound {
        mailbox_id: Some(mailbox.id),
        message_id: &mail.message_id,
        from_address: &mail.from_address,
        from_name: &mail.from_name,
        subject: &mail.subject,
        outcome,
        headers: &mail.headers,
        original_text: &mail.text,
        refused_files: "[]",
        ..NewInbound::default()
    }
}

/// A delivery report: the mail it names is marked bounced; a permanent failure stops mail to
/// the address.
async fn record_bounce(
    db: &Db,
    mailbox: &MailboxRow,
    mail: &ReceivedMail,
    bounce: &received::Bounce,
    now: DateTime<Utc>,
) -> Result<Handled, AppError> {
    let mut tx = db.begin().await?;
    let diagnostic = format!("{} {}", bounce.status, bounce.diagnostic);
    let email_id = match &bounce.original_message_id {
        Some(id) if bounce.is_hard() => {
            outbox::mark_bounced(tx.conn(), id, &diagnostic, now).await?
        }
        _ => None,
    };
    if bounce.is_hard() {
        inbox::suppress(tx.conn(), &bounce.recipient, &diagnostic, email_id, now).await?;
    }
    let reason = if bounce.is_hard() {
        "hard_bounce"
    } else {
        "soft_bounce"
    };
    let recorded = record_plain(tx.conn(), mailbox, mail, "bounce", reason, None, now).await?;
    if !recorded {
        return Ok(Handled::new("duplicate", None, None));
    }
    tx.commit().await?;
    Ok(Handled::new("bounce", Some(reason), None))
}

/// A mail Chamado does not take: answered once a day per address with why and where to go,
/// unless a mail system sent it.
async fn decline(
    db: &Db,
    mailer: &Mailer,
    mailbox: &MailboxRow,
    mail: &ReceivedMail,
    reason: &'static str,
    language: Option<Language>,
    now: DateTime<Utc>,
) -> Result<Handled, AppError> {
    let mut tx = db.begin().await?;
    let answered_today = inbox::count_from(
        tx.conn(),
        &mail.from_address,
        Some("auto_answered"),
        now - Duration::hours(24),
    )
    .await?
        > 0;
    let answer = !mail.system_sender && !mail.forged && !answered_today;
    let outcome = if answer { "auto_answered" } else { "ignored" };
    let recorded = record_plain(tx.conn(), mailbox, mail, outcome, reason, None, now).await?;
    if !recorded {
        return Ok(Handled::new("duplicate", None, None));
    }
    if answer {
        let letter = answer::letter(&mailer.ctx, mailbox, mail, reason, language);
        crate::backend::mail::worker::queue_mail(tx.conn(), mailer, &letter, None, now).await?;
    }
    tx.commit().await?;
    if answer {
        db.signal_commit();
    }
    Ok(Handled::new(outcome, Some(reason), None))
}

/// Files a mail brought that did not pass, as the conversation lists them.
pub fn refused(json: &str) -> Vec<RefusedFile> {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tags_and_reply_prefixes() {
        assert_eq!(
            subject_tag("RES: Re: [TKT-000042] Erro").map(|n| n.0),
            Some(42)
        );
        assert_eq!(subject_tag("[tkt-7] x").map(|n| n.0), Some(7));
        assert_eq!(subject_tag("TKT-000042 sem colchetes"), None);
        assert_eq!(strip_reply_prefixes("RES: Fwd: Re:  Boleto"), "Boleto");
        assert_eq!(strip_reply_prefixes("Resumo do mês"), "Resumo do mês");
    }
}
