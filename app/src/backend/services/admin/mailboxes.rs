//! Mailboxes (e-mail in): the support addresses Chamado reads over IMAP or receives through
//! `POST /api/v1/inbound-email`, each mapped to a department; the e-mail channel's plans; what
//! arrived; the addresses that bounced. Admins write; admins and leads read what arrived. The
//! IMAP password is never shown back nor recorded in the audit log; the inbound token is shown
//! once, and only its hash is stored.

use chrono::{DateTime, Utc};

use crate::backend::db::{departments, settings, Conn};
use crate::backend::mail::inbox::{self, MailboxFields, MailboxRow};
use crate::backend::services::audit::{audit_save, yes_no, Audited, Change};
use crate::backend::services::mail_in::{mail_channel, MAIL_CHANNEL_KEY};
use crate::backend::services::require;
use crate::backend::services::validation::Errors;
use crate::backend::{secrets, Db};
use crate::domain::{
    AuditAction, AuditEntity, CurrentUser, InboundEmailPage, InboundEmailSummary, MailChannel,
    MailboxAdmin, MailboxInput, MailboxWithToken, NamedRef, Suppression, TicketNumber,
    IMAP_SECURITY,
};
use crate::error::{AppError, Entity};

/// Rows in one page of received mail.
pub const RECEIVED_PAGE: i64 = 50;

impl Audited for MailboxAdmin {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("address", self.address.clone()),
            ("department", self.department.name.clone()),
            ("imap_host", self.imap_host.clone().unwrap_or_default()),
            (
                "imap_port",
                self.imap_port.map(|p| p.to_string()).unwrap_or_default(),
            ),
            ("imap_security", self.imap_security.clone()),
            ("imap_user", self.imap_user.clone().unwrap_or_default()),
            ("imap_folder", self.imap_folder.clone()),
            ("active", yes_no(self.active)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

async fn view_of(c: Conn<'_>, row: MailboxRow) -> Result<MailboxAdmin, AppError> {
    let department = departments::list(c)
        .await?
        .into_iter()
        .find(|(id, _)| *id == row.department_id)
        .map(|(id, name)| NamedRef { id, name })
        .unwrap_or(NamedRef {
            id: row.department_id,
            name: String::new(),
        });
    Ok(MailboxAdmin {
        id: row.id,
        name: row.name,
        address: row.address,
        department,
        imap_host: row.imap_host,
        imap_port: row.imap_port,
        imap_security: row.imap_security,
        imap_user: row.imap_user,
        imap_password_set: row.imap_password.is_some_and(|p| !p.is_empty()),
        imap_folder: row.imap_folder,
        active: row.active,
        last_checked_at: row.last_checked_at,
        last_error: row.last_error,
        created_at: row.created_at,
    })
}

/// Every mailbox (admins).
pub async fn mailboxes(db: &Db, actor: &CurrentUser) -> Result<Vec<MailboxAdmin>, AppError> {
    require(actor.may_administer())?;
    let mut c = db.acquire().await?;
    let mut views = Vec::new();
    for row in inbox::mailboxes(c.conn()).await? {
        views.push(view_of(c.conn(), row).await?);
    }
    Ok(views)
}

/// One mailbox (admins).
pub async fn mailbox(db: &Db, actor: &CurrentUser, id: i64) -> Result<MailboxAdmin, AppError> {
    require(actor.may_administer())?;
    let mut c = db.acquire().await?;
    let row = inbox::mailbox(c.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Mailbox))?;
    view_of(c.conn(), row).await
}

/// A new inbound token: `chm_in_…`, and the hash stored for it.
fn new_token() -> (String, String) {
    let token = secrets::generate("chm_in_");
    let hash = secrets::hash(&token);
    (token, hash)
}

/// The active mailbox an inbound token belongs to.
pub async fn mailbox_for_token(db: &Db, token: &str) -> Result<Option<MailboxRow>, AppError> {
    let mut c = db.acquire().await?;
    Ok(inbox::mailbox_by_token(c.conn(), &secrets::hash(token.trim())).await?)
}

/// Checks every field at once. The password: `Some` to store, `None` to keep.
async fn checked(
    c: Conn<'_>,
    input: &MailboxInput,
    before: Option<&MailboxRow>,
) -> Result<(MailboxFields, Option<String>), AppError> {
    let mut c = c;
    let mut errors = Errors::default();
    let name = errors.name("name", &input.name, 80);
    let address = input.address.trim().to_lowercase();
    if let Err(code) = crate::domain::EmailAddress::parse(&address) {
        errors.add("address", code);
    } else if inbox::address_taken(c.reborrow(), &address, before.map(|b| b.id)).await? {
        errors.add("address", "taken");
    }
    let department_ok = departments::list_active(c.reborrow())
        .await?
        .iter()
        .any(|(id, _)| *id == input.department_id);
    if !department_ok {
        errors.add("department_id", "not_found");
    }
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(crate::domain::single_line)
            .filter(|v| !v.is_empty())
    };
    let imap_host = text(&input.imap_host);
    let security = input
        .imap_security
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("tls")
        .to_ascii_lowercase();
    if !IMAP_SECURITY.contains(&security.as_str()) {
        errors.add("imap_security", "invalid");
    }
    let imap_user = text(&input.imap_user);
    let password = input
        .imap_password
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let had_password =
        before.is_some_and(|b| b.imap_password.as_deref().is_some_and(|p| !p.is_empty()));
    let default_port = if security == "tls" { 993 } else { 143 };
    let imap_port = match (&imap_host, input.imap_port) {
        (None, _) => None,
        (Some(_), None) => Some(default_port),
        (Some(_), Some(p)) if (1..=65_535).contains(&p) => Some(p),
        (Some(_), Some(_)) => {
            errors.add("imap_port", "out_of_range");
            None
        }
    };
    if let Some(host) = &imap_host {
        if host.chars().any(|c| c.is_whitespace() || c == '/') || host.len() > 253 {
            errors.add("imap_host", "invalid");
        }
        if imap_user.is_none() {
            errors.add("imap_user", "required");
        }
        if password.is_none() && !had_password {
            errors.add("imap_password", "required");
        }
    }
    let folder = text(&input.imap_folder).unwrap_or_else(|| "INBOX".to_owned());
    errors.finish()?;
    Ok((
        MailboxFields {
            name,
            address,
            department_id: input.department_id,
            imap_host,
            imap_port,
            imap_security: security,
            imap_user,
            imap_folder: folder,
            active: input.active.unwrap_or(before.is_none_or(|b| b.active)),
        },
        password,
    ))
}

/// Creates a mailbox; its inbound token is in the answer, this once.
pub async fn create_mailbox(
    db: &Db,
    actor: &CurrentUser,
    input: MailboxInput,
    now: DateTime<Utc>,
) -> Result<MailboxWithToken, AppError> {
    require(actor.may_administer())?;
    let mut tx = db.begin().await?;
    let (fields, password) = checked(tx.conn(), &input, None).await?;
    let (token, hash) = new_token();
    let id = inbox::insert_mailbox(tx.conn(), &fields, password.as_deref(), &hash, now).await?;
    let after = saved(tx.conn(), id).await?;
    let change = Change::new(AuditEntity::Mailbox, id, &after.name);
    audit_save::<MailboxAdmin>(tx.conn(), actor, &change, None, &after, now).await?;
    tx.commit().await?;
    db.signal_commit();
    Ok(MailboxWithToken {
        mailbox: after,
        token,
    })
}

/// Changes a mailbox (an empty password keeps the stored one).
pub async fn update_mailbox(
    db: &Db,
    actor: &CurrentUser,
    id: i64,
    input: MailboxInput,
    now: DateTime<Utc>,
) -> Result<MailboxAdmin, AppError> {
    require(actor.may_administer())?;
    let mut tx = db.begin().await?;
    let row = inbox::mailbox(tx.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Mailbox))?;
    let before = view_of(tx.conn(), row.clone()).await?;
    let (fields, password) = checked(tx.conn(), &input, Some(&row)).await?;
    inbox::update_mailbox(tx.conn(), id, &fields, password.as_deref(), now).await?;
    let after = saved(tx.conn(), id).await?;
    let change = Change::new(AuditEntity::Mailbox, id, &after.name);
    audit_save(tx.conn(), actor, &change, Some(&before), &after, now).await?;
    if password.is_some() {
        // Recorded without the value.
        change
            .record_fields(
                tx.conn(),
                actor,
                AuditAction::Update,
                &[("imap_password", String::new(), "••••".to_owned())],
                now,
            )
            .await?;
    }
    tx.commit().await?;
    db.signal_commit();
    Ok(after)
}

/// Replaces a mailbox's inbound token (the old one stops working at once).
pub async fn rotate_token(
    db: &Db,
    actor: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<MailboxWithToken, AppError> {
    require(actor.may_administer())?;
    let mut tx = db.begin().await?;
    let after = saved(tx.conn(), id).await?;
    let (token, hash) = new_token();
    inbox::set_token(tx.conn(), id, &hash, now).await?;
    Change::new(AuditEntity::Mailbox, id, &after.name)
        .record_fields(
            tx.conn(),
            actor,
            AuditAction::Update,
            &[("inbound_token", String::new(), "••••".to_owned())],
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(MailboxWithToken {
        mailbox: after,
        token,
    })
}

async fn saved(c: Conn<'_>, id: i64) -> Result<MailboxAdmin, AppError> {
    let mut c = c;
    let row = inbox::mailbox(c.reborrow(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Mailbox))?;
    view_of(c, row).await
}

/// The e-mail channel's settings (admins and leads read).
pub async fn channel(db: &Db, actor: &CurrentUser) -> Result<MailChannel, AppError> {
    require(actor.may_supervise())?;
    mail_channel(db).await
}

/// Sets which plans open tickets by e-mail (admins).
pub async fn set_channel(
    db: &Db,
    actor: &CurrentUser,
    input: MailChannel,
    now: DateTime<Utc>,
) -> Result<MailChannel, AppError> {
    require(actor.may_administer())?;
    let before = mail_channel(db).await?;
    let mut after = input;
    after
        .email_plans
        .sort_by_key(|p| crate::domain::Plan::ALL.iter().position(|x| x == p));
    after.email_plans.dedup();
    let value = serde_json::to_value(&after).map_err(|e| AppError::from(anyhow::anyhow!(e)))?;
    let plans = |c: &MailChannel| {
        c.email_plans
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut tx = db.begin().await?;
    settings::put(tx.conn(), MAIL_CHANNEL_KEY, &value, now).await?;
    Change::new(AuditEntity::Settings, MAIL_CHANNEL_KEY, "E-mail")
        .record_fields(
            tx.conn(),
            actor,
            AuditAction::Update,
            &[("email_plans", plans(&before), plans(&after))],
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(after)
}

/// A page of received mail, newest first (admins and leads).
pub async fn received(
    db: &Db,
    actor: &CurrentUser,
    before: Option<i64>,
) -> Result<InboundEmailPage, AppError> {
    require(actor.may_supervise())?;
    let mut c = db.acquire().await?;
    let mut rows = inbox::list_received(c.conn(), before, RECEIVED_PAGE + 1).await?;
    let next_before = if rows.len() as i64 > RECEIVED_PAGE {
        rows.truncate(RECEIVED_PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(InboundEmailPage {
        items: rows
            .into_iter()
            .map(|r| InboundEmailSummary {
                id: r.id,
                mailbox_id: r.mailbox_id,
                from_name: r.from_name,
                from_address: r.from_address,
                subject: r.subject,
                outcome: r.outcome,
                reason: r.reason,
                ticket_id: r.ticket_id.map(|t| TicketNumber(t).to_string()),
                received_at: r.received_at,
            })
            .collect(),
        next_before,
    })
}

/// Addresses Chamado stopped mailing (admins and leads).
pub async fn suppressions(db: &Db, actor: &CurrentUser) -> Result<Vec<Suppression>, AppError> {
    require(actor.may_supervise())?;
    let mut c = db.acquire().await?;
    Ok(inbox::suppressions(c.conn())
        .await?
        .into_iter()
        .map(|(address, reason, since)| Suppression {
            address,
            reason,
            since,
        })
        .collect())
}

/// Lets an address be mailed again (admins): 404 when it was not suppressed.
pub async fn lift_suppression(
    db: &Db,
    actor: &CurrentUser,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    require(actor.may_administer())?;
    let mut tx = db.begin().await?;
    if !inbox::unsuppress(tx.conn(), address.trim()).await? {
        return Err(AppError::not_found(Entity::User));
    }
    Change::new(AuditEntity::Settings, "email_suppressions", "E-mail")
        .record_fields(
            tx.conn(),
            actor,
            AuditAction::Delete,
            &[(
                "suppressed_address",
                address.trim().to_lowercase(),
                String::new(),
            )],
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(())
}
