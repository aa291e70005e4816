//! E-mail in: the mailboxes admins set up, the channel's settings, and what people see of a
//! message that arrived by e-mail.

use chrono::{DateTime, Utc};

use super::{NamedRef, Plan};

/// How Chamado connects to a mailbox's IMAP server.
pub const IMAP_SECURITY: &[&str] = &["tls", "starttls", "none"];

/// A mailbox as admins see it. The IMAP password is never shown back: only whether one is set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MailboxAdmin {
    pub id: i64,
    pub name: String,
    /// The support address customers write to (`suporte@empresa.com.br`).
    pub address: String,
    /// Where tickets it opens go.
    pub department: NamedRef,
    pub imap_host: Option<String>,
    pub imap_port: Option<i64>,
    /// `tls`, `starttls` or `none`.
    pub imap_security: String,
    pub imap_user: Option<String>,
    pub imap_password_set: bool,
    pub imap_folder: String,
    pub active: bool,
    pub last_checked_at: Option<DateTime<Utc>>,
    /// Why the last IMAP check failed, if it did.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Creates or changes a mailbox. Without IMAP host the mailbox only takes mail posted to
/// `POST /api/v1/inbound-email`. `imap_password`: absent or empty keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MailboxInput {
    pub name: String,
    pub address: String,
    pub department_id: i64,
    #[serde(default)]
    pub imap_host: Option<String>,
    #[serde(default)]
    pub imap_port: Option<i64>,
    #[serde(default)]
    pub imap_security: Option<String>,
    #[serde(default)]
    pub imap_user: Option<String>,
    #[serde(default)]
    pub imap_password: Option<String>,
    #[serde(default)]
    pub imap_folder: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// A new mailbox, or a new token: the token that authenticates `POST /api/v1/inbound-email`
/// for it is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MailboxWithToken {
    pub mailbox: MailboxAdmin,
    pub token: String,
}

/// The e-mail channel's settings (seed 000: e-mail is a channel of the paid plans).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MailChannel {
    /// Plans whose customers open tickets by e-mail; others get a polite automatic answer.
    pub email_plans: Vec<Plan>,
}

impl Default for MailChannel {
    fn default() -> Self {
        MailChannel {
            email_plans: Plan::ALL
                .iter()
                .copied()
                .filter(|p| *p != Plan::Trial)
                .collect(),
        }
    }
}

/// What happened to a received mail.
pub const INBOUND_OUTCOMES: &[&str] =
    &["created", "appended", "auto_answered", "ignored", "bounce"];

/// A received mail, as admins list it ("E-mails recebidos").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboundEmailSummary {
    pub id: i64,
    pub mailbox_id: Option<i64>,
    pub from_name: String,
    pub from_address: String,
    pub subject: String,
    /// One of [`INBOUND_OUTCOMES`].
    pub outcome: String,
    /// Why (`unknown_sender`, `plan_without_email`, `auto_submitted`, `throttled`, …).
    pub reason: Option<String>,
    /// `TKT-000042`, when it opened or joined a ticket.
    pub ticket_id: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// A page of received mail, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboundEmailPage {
    pub items: Vec<InboundEmailSummary>,
    pub next_before: Option<i64>,
}

/// An address Chamado stopped mailing after a hard bounce.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suppression {
    pub address: String,
    pub reason: String,
    pub since: DateTime<Utc>,
}

/// A file that came with a mail and did not pass the limits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefusedFile {
    pub name: String,
    /// `too_large`, `type_not_allowed` or `too_many`.
    pub reason: String,
}

/// What the conversation shows of a message that arrived by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageEmail {
    /// The mail's text was trimmed (quoted history, signature): the original can be read.
    pub trimmed: bool,
    pub refused_files: Vec<RefusedFile>,
}

/// A received mail whole: its headers and all of its text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EmailOriginal {
    pub headers: String,
    pub text: String,
}
