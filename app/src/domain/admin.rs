//! What admins edit (API.md "Administration"): departments, users, organizations, ticket types
//! and their fields, priority texts, limits, and the audit log. Inputs have every field
//! optional: a `POST` needs the required ones, a `PATCH` changes only those present.

use chrono::{DateTime, Utc};

use super::{wire_enum, NamedRef, Plan, Priority, Role};

/// A department with its agents (`/api/v1/admin/departments`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DepartmentAdmin {
    pub id: i64,
    pub name: String,
    pub active: bool,
    /// New tickets go to the agents in turn.
    pub round_robin: bool,
    pub agents: Vec<NamedRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DepartmentInput {
    pub name: Option<String>,
    pub active: Option<bool>,
    pub round_robin: Option<bool>,
    /// The department's agents (support staff), replacing the current ones.
    pub agent_ids: Option<Vec<i64>>,
}

/// A person as admins see them (`/api/v1/admin/users`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserAdmin {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub organization: Option<NamedRef>,
    pub can_open_tickets: bool,
    pub active: bool,
    /// Invited but has not set a password yet.
    pub pending_invitation: bool,
    pub departments: Vec<NamedRef>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserInput {
    pub name: Option<String>,
    /// Only when inviting.
    pub email: Option<String>,
    pub role: Option<Role>,
    /// Customers and organization admins belong to one; support staff to none (`0` clears).
    pub organization_id: Option<i64>,
    pub can_open_tickets: Option<bool>,
    /// Deactivating ends the person's sessions and API tokens at once.
    pub active: Option<bool>,
    /// Support staff's departments, replacing the current ones.
    pub department_ids: Option<Vec<i64>>,
}

/// `GET /api/v1/admin/users` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct UserQuery {
    /// Matches the name or e-mail.
    pub q: Option<String>,
    pub role: Option<String>,
    pub organization_id: Option<String>,
    /// `true` or `false`.
    pub active: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserPage {
    pub items: Vec<UserAdmin>,
    pub next_cursor: Option<String>,
}

/// A person invited, or a password reset made: the single-use link to send them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserLink {
    pub user: UserAdmin,
    /// The path of the link (`/convite/…` or `/redefinir-senha/…`), on this site.
    pub link: String,
}

/// An organization (`/api/v1/admin/organizations`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationAdmin {
    pub id: i64,
    pub name: String,
    pub plan: Plan,
    /// Members see each other's tickets.
    pub shares_tickets: bool,
    pub active: bool,
    pub members: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationInput {
    pub name: Option<String>,
    pub plan: Option<Plan>,
    pub shares_tickets: Option<bool>,
    pub active: Option<bool>,
}

/// A custom field of a ticket type, as admins edit it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldAdmin {
    /// Stable key (letters, digits, `_`): values on tickets are stored under it.
    pub key: String,
    pub label: String,
    /// `text`, `long_text`, `number`, `select`, `datetime` or `checkbox`.
    pub kind: String,
    pub required: bool,
    /// The choices of a `select`.
    #[serde(default)]
    pub options: Vec<String>,
    /// Removed fields stay (inactive) so old tickets keep showing their values.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// The field kinds of PRODUCT.md.
pub const FIELD_KINDS: &[&str] = &[
    "text",
    "long_text",
    "number",
    "select",
    "datetime",
    "checkbox",
];

/// A ticket type (`/api/v1/admin/ticket-types`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketTypeAdmin {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub active: bool,
    pub position: i64,
    pub default_department: Option<NamedRef>,
    pub default_priority: Option<Priority>,
    /// The plans whose customers may open it.
    pub plans: Vec<Plan>,
    /// In order; inactive ones last.
    pub fields: Vec<FieldAdmin>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketTypeInput {
    /// Only when creating (`incidente_prod`); lowercase letters, digits and `_`.
    pub key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub active: Option<bool>,
    pub position: Option<i64>,
    /// `0` clears.
    pub default_department_id: Option<i64>,
    /// `""` clears.
    pub default_priority: Option<String>,
    pub plans: Option<Vec<Plan>>,
    /// The fields in order, replacing the list: a known key is updated, a new one added, a
    /// missing one deactivated (never deleted).
    pub fields: Option<Vec<FieldAdmin>>,
}

/// A priority's label and guidance (seeds 002 and 004), per language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PriorityText {
    pub priority: Priority,
    pub label_pt: String,
    pub label_en: String,
    pub guidance_pt: String,
    pub guidance_en: String,
}

impl PriorityText {
    pub fn label(&self, language: super::Language) -> &str {
        match language {
            super::Language::PtBr => &self.label_pt,
            super::Language::En => &self.label_en,
        }
    }

    pub fn guidance(&self, language: super::Language) -> &str {
        match language {
            super::Language::PtBr => &self.guidance_pt,
            super::Language::En => &self.guidance_en,
        }
    }
}

/// Limits and settings (`/api/v1/admin/settings`): defaults of PRODUCT.md.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Limits {
    /// A customer's message, in characters (Unicode scalar values).
    pub message_max_chars: i64,
    /// Attachments per message.
    pub max_attachments: i64,
    /// Bytes per attachment.
    pub max_attachment_bytes: i64,
    /// File extensions allowed (checked by content): a subset of
    /// [`super::ATTACHMENT_EXTENSIONS`].
    pub allowed_types: Vec<String>,
    /// Answered tickets close after this many days without a customer reply.
    pub auto_close_days: i64,
    /// A customer may reopen a closed ticket within this many days.
    pub reopen_window_days: i64,
    /// A message that arrives by e-mail, in characters: mail is longer than the portal's form
    /// (the whole original is kept besides).
    #[serde(default = "default_email_message_max_chars")]
    pub email_message_max_chars: i64,
}

fn default_email_message_max_chars() -> i64 {
    super::EMAIL_MESSAGE_MAX_CHARS as i64
}

impl Limits {
    /// The one message length rule: the longest message (reply, note, reason or first message)
    /// one person may write, in characters. Customers have the admins' limit; support writes
    /// up to [`super::SUPPORT_MESSAGE_MAX_CHARS`].
    pub fn message_max_chars_for(&self, staff: bool) -> usize {
        if staff {
            super::SUPPORT_MESSAGE_MAX_CHARS
        } else {
            self.message_max_chars.max(0) as usize
        }
    }

    /// The longest message that may arrive through `channel`: by e-mail, the e-mail limit (never
    /// less than the portal's).
    pub fn message_max_chars_via(&self, staff: bool, channel: super::MessageChannel) -> usize {
        let portal = self.message_max_chars_for(staff);
        match channel {
            super::MessageChannel::Email => {
                portal.max(self.email_message_max_chars.max(0) as usize)
            }
            _ => portal,
        }
    }

    /// A message text checked against [`Limits::message_max_chars_for`]: trimmed, not empty,
    /// not too long. Error: a field code (`required`, `too_long`).
    pub fn message_text(&self, staff: bool, text: &str) -> Result<String, &'static str> {
        self.message_text_via(staff, super::MessageChannel::Portal, text)
    }

    /// [`Limits::message_text`] for a message that arrives through `channel`.
    pub fn message_text_via(
        &self,
        staff: bool,
        channel: super::MessageChannel,
        text: &str,
    ) -> Result<String, &'static str> {
        let text = super::multi_line(text);
        super::text_within(&text, self.message_max_chars_via(staff, channel)).map(|()| text)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            message_max_chars: super::MESSAGE_MAX_CHARS as i64,
            max_attachments: super::MAX_ATTACHMENTS as i64,
            max_attachment_bytes: super::MAX_ATTACHMENT_BYTES as i64,
            allowed_types: super::ATTACHMENT_EXTENSIONS
                .iter()
                .map(|e| (*e).to_owned())
                .collect(),
            auto_close_days: super::AUTO_CLOSE_DAYS,
            reopen_window_days: super::REOPEN_WINDOW_DAYS,
            email_message_max_chars: default_email_message_max_chars(),
        }
    }
}

/// What the new-ticket form needs: the caller's ticket types, the departments, the limits in
/// force and the priorities' texts as admins left them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketFormData {
    pub types: Vec<super::TicketTypeInfo>,
    pub departments: Vec<NamedRef>,
    pub limits: Limits,
    pub priorities: Vec<PriorityText>,
}

/// Change limits; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LimitsInput {
    pub message_max_chars: Option<i64>,
    pub max_attachments: Option<i64>,
    pub max_attachment_bytes: Option<i64>,
    pub allowed_types: Option<Vec<String>>,
    pub auto_close_days: Option<i64>,
    pub reopen_window_days: Option<i64>,
    #[serde(default)]
    pub email_message_max_chars: Option<i64>,
}

/// The most attachments a message may ever carry (admins choose up to this).
pub const MAX_ATTACHMENTS_BOUND: usize = 10;
/// The largest attachment ever accepted (admins choose up to this): 25 MiB.
pub const MAX_ATTACHMENT_BYTES_BOUND: u64 = 26_214_400;

/// Bounds admins may set limits within.
pub const LIMIT_BOUNDS: &[(&str, i64, i64)] = &[
    ("message_max_chars", 100, 100_000),
    ("max_attachments", 0, MAX_ATTACHMENTS_BOUND as i64),
    (
        "max_attachment_bytes",
        1024,
        MAX_ATTACHMENT_BYTES_BOUND as i64,
    ),
    ("auto_close_days", 1, 365),
    ("reopen_window_days", 0, 365),
    ("email_message_max_chars", 1000, 100_000),
];

/// One recorded change (`/api/v1/admin/audit`): an admin's or a ticket's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Absent: the system (auto-close, round-robin, the SLA watcher).
    pub actor: Option<NamedRef>,
    pub entity: AuditEntity,
    pub entity_id: String,
    pub entity_name: String,
    pub action: AuditAction,
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEntry {
    pub fn actor_name(&self) -> Option<&str> {
        self.actor.as_ref().map(|a| a.name.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/admin/audit` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
    /// A date (`2026-11-01`) or instant; from its start.
    pub from: Option<String>,
    /// A date or instant; through the end of that date.
    pub to: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

wire_enum! {
    /// What an audit row is about: a ticket (its own history) or a thing admins edit.
    AuditEntity, "audit entity" {
        Ticket => "ticket",
        Department => "department",
        User => "user",
        Organization => "organization",
        TicketType => "ticket_type",
        SlaPolicy => "sla_policy",
        Calendar => "calendar",
        Priorities => "priorities",
        Settings => "settings",
        CannedResponse => "canned_response",
        Mailbox => "mailbox",
    }
}

wire_enum! {
    /// What a change did; deactivating counts as deleting (nothing referred to is deleted).
    AuditAction, "audit action" {
        Create => "create",
        Update => "update",
        Delete => "delete",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_write_up_to_the_admins_limit_and_support_longer() {
        let limits = Limits {
            message_max_chars: 10,
            ..Limits::default()
        };
        assert_eq!(limits.message_max_chars_for(false), 10);
        assert_eq!(
            limits.message_max_chars_for(true),
            super::super::SUPPORT_MESSAGE_MAX_CHARS
        );
        assert_eq!(limits.message_text(false, "  olá  "), Ok("olá".to_owned()));
        assert_eq!(limits.message_text(false, "   "), Err("required"));
        assert_eq!(limits.message_text(false, &"é".repeat(11)), Err("too_long"));
        assert!(limits.message_text(true, &"é".repeat(11)).is_ok());
    }
}
