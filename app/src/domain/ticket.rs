use std::fmt;

/// The human-facing ticket id: one global sequence shown as `TKT-000042`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TicketNumber(pub i64);

impl TicketNumber {
    /// Accepts `TKT-000042`, `tkt-42` or a bare `42` (API.md "paths accept TKT-000042 or 42").
    pub fn parse(input: &str) -> Option<Self> {
        let trimmed = input.trim();
        let digits = match trimmed.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("TKT-") => &trimmed[4..],
            _ => trimmed,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(TicketNumber)
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TKT-{:06}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_zero_padded_digits() {
        assert_eq!(TicketNumber(42).to_string(), "TKT-000042");
        assert_eq!(TicketNumber(1_234_567).to_string(), "TKT-1234567");
    }

    #[test]
    fn parses_prefixed_and_bare_forms() {
        assert_eq!(TicketNumber::parse("TKT-000042"), Some(TicketNumber(42)));
        assert_eq!(TicketNumber::parse("tkt-42"), Some(TicketNumber(42)));
        assert_eq!(TicketNumber::parse(" 42 "), Some(TicketNumber(42)));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "TKT-",
            "TKT-0",
            "-1",
            "4 2",
            "TKT-12a",
            "99999999999999999999",
            "TKT-+1",
            "١٢",
        ] {
            assert_eq!(TicketNumber::parse(bad), None, "{bad:?}");
        }
    }
}

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{CurrentUser, Priority, Role, TicketStatus};

/// Which tickets a person may see (PRODUCT.md "People"). Every list, count and lookup of
/// tickets is filtered by this one rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TicketScope {
    /// A customer in an organization that does not share tickets: their own.
    Requester { user_id: i64 },
    /// An organization admin, or a customer whose organization shares tickets.
    Organization { organization_id: i64 },
    /// An agent: the departments they belong to.
    Departments { department_ids: Vec<i64> },
    /// Leads and admins.
    All,
}

impl TicketScope {
    pub fn of(user: &CurrentUser) -> TicketScope {
        match (user.role, &user.organization) {
            (Role::OrgAdmin, Some(org)) => TicketScope::Organization {
                organization_id: org.id,
            },
            (Role::Customer, Some(org)) if org.shares_tickets => TicketScope::Organization {
                organization_id: org.id,
            },
            (Role::Customer | Role::OrgAdmin, _) => TicketScope::Requester { user_id: user.id },
            (Role::Agent, _) => TicketScope::Departments {
                department_ids: user.departments.iter().map(|d| d.id).collect(),
            },
            (Role::Lead | Role::Admin, _) => TicketScope::All,
        }
    }

    /// Whether a ticket with these owners is in scope.
    pub fn contains(&self, requester_id: i64, organization_id: i64, department_id: i64) -> bool {
        match self {
            TicketScope::Requester { user_id } => requester_id == *user_id,
            TicketScope::Organization {
                organization_id: org,
            } => organization_id == *org,
            TicketScope::Departments { department_ids } => department_ids.contains(&department_id),
            TicketScope::All => true,
        }
    }
}

/// The customer's message limit (PRODUCT.md "Limits"), in Unicode scalar values: the same
/// count as JavaScript's `[...text].length` in the browser.
pub const MESSAGE_MAX_CHARS: usize = 1000;
/// The longest message support writes.
pub const SUPPORT_MESSAGE_MAX_CHARS: usize = 10_000;
pub const SUBJECT_MAX_CHARS: usize = 200;

/// Attachments per message (PRODUCT.md "Limits").
pub const MAX_ATTACHMENTS: usize = 5;
/// Bytes per attachment: 10 MiB.
pub const MAX_ATTACHMENT_BYTES: u64 = 10_485_760;
/// The extensions the file picker offers; the server decides by content (magic bytes).
pub const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "zip",
];

/// A file name's extension, lower-case (empty without one).
pub fn file_extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether `extension` is among the `allowed` ones; jpg and jpeg are one type (the same
/// content), on the server and in the browser alike.
pub fn extension_allowed(allowed: &[String], extension: &str) -> bool {
    let has = |e: &str| allowed.iter().any(|a| a.eq_ignore_ascii_case(e));
    match extension {
        "jpg" | "jpeg" => has("jpg") || has("jpeg"),
        "" => false,
        e => has(e),
    }
}

/// Counts a text the way both sides do: Unicode scalar values (Rust `char`s).
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// A ticket as lists show it (API.md "Ticket summary").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketSummary {
    /// `TKT-000042`.
    pub id: String,
    pub number: i64,
    pub subject: String,
    /// The ticket type's key.
    #[serde(rename = "type")]
    pub ticket_type: String,
    pub department: NamedRef,
    pub status: TicketStatus,
    pub priority: Priority,
    pub requester: NamedRef,
    pub organization: NamedRef,
    pub assignee: Option<NamedRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_reply_at: Option<DateTime<Utc>>,
    pub escalated: bool,
    /// Service level: due times and where the pending target stands.
    pub sla: super::TicketSla,
}

/// `{id, name}` of a related record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// The counters above ticket lists (seed 002), over what the viewer may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketStats {
    pub total: i64,
    pub open: i64,
    pub answered: i64,
    pub closed: i64,
    /// High and critical.
    pub high_priority: i64,
}

#[cfg(test)]
mod scope_tests {
    use super::*;
    use crate::domain::{DepartmentRef, Language, OrganizationRef, Plan};

    fn user(role: Role, shares: Option<bool>, departments: &[i64]) -> CurrentUser {
        CurrentUser {
            id: 7,
            name: "x".into(),
            email: "x@y.z".into(),
            role,
            language: Language::PtBr,
            organization: shares.map(|s| OrganizationRef {
                id: 3,
                name: "Org".into(),
                plan: Plan::Plus,
                shares_tickets: s,
            }),
            can_open_tickets: true,
            departments: departments
                .iter()
                .map(|&id| DepartmentRef {
                    id,
                    name: String::new(),
                })
                .collect(),
            can_edit_articles: false,
            away: false,
        }
    }

    #[test]
    fn customers_see_their_own_unless_the_organization_shares() {
        let alone = TicketScope::of(&user(Role::Customer, Some(false), &[]));
        assert!(alone.contains(7, 3, 1));
        assert!(!alone.contains(8, 3, 1), "a co-worker's ticket");
        let shared = TicketScope::of(&user(Role::Customer, Some(true), &[]));
        assert!(shared.contains(8, 3, 1));
        assert!(!shared.contains(8, 4, 1), "another organization");
    }

    #[test]
    fn organization_admins_see_their_whole_organization_only() {
        let scope = TicketScope::of(&user(Role::OrgAdmin, Some(false), &[]));
        assert!(scope.contains(8, 3, 1));
        assert!(!scope.contains(7, 4, 1));
    }

    #[test]
    fn agents_see_their_departments_and_leads_everything() {
        let agent = TicketScope::of(&user(Role::Agent, None, &[1, 2]));
        assert!(agent.contains(1, 9, 2) && !agent.contains(1, 9, 3));
        assert_eq!(
            TicketScope::of(&user(Role::Lead, None, &[])),
            TicketScope::All
        );
        assert_eq!(
            TicketScope::of(&user(Role::Admin, None, &[])),
            TicketScope::All
        );
    }

    #[test]
    fn characters_are_counted_as_unicode_scalar_values() {
        assert_eq!(char_count("ação"), 4);
        assert_eq!(char_count("😀😀"), 2);
        assert_eq!(char_count(&"𝄞".repeat(1000)), 1000);
    }
}

/// A custom field of a ticket type (API.md `GET /api/v1/ticket-types`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketField {
    pub key: String,
    pub label: String,
    /// `text`, `long_text`, `number`, `select`, `datetime` or `checkbox`.
    pub kind: String,
    pub required: bool,
    pub options: Vec<String>,
}

/// A ticket type the caller may open.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketTypeInfo {
    pub key: String,
    pub name: String,
    pub description: String,
    pub fields: Vec<TicketField>,
}

/// Checks one custom-field value against its definition. Error: a field code.
pub fn validate_field_value(
    field: &TicketField,
    value: &serde_json::Value,
) -> Result<serde_json::Value, &'static str> {
    use serde_json::Value;
    let text = |max: usize| match value {
        Value::String(s) if s.trim().is_empty() => Err("required"),
        Value::String(s) if s.chars().count() > max => Err("too_long"),
        Value::String(s) => Ok(Value::String(s.trim().to_owned())),
        _ => Err("invalid"),
    };
    match field.kind.as_str() {
        "text" => text(500),
        "long_text" => text(4000),
        "number" => match value {
            Value::Number(n) => Ok(Value::Number(n.clone())),
            Value::String(s) => s
                .trim()
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or("invalid"),
            _ => Err("invalid"),
        },
        "select" => match value {
            Value::String(s) if field.options.iter().any(|o| o == s) => Ok(value.clone()),
            _ => Err("invalid_option"),
        },
        "datetime" => match value {
            Value::String(s) => {
                let s = s.trim();
                let ok = DateTime::parse_from_rfc3339(s).is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok();
                if ok {
                    Ok(Value::String(s.to_owned()))
                } else {
                    Err("invalid_datetime")
                }
            }
            _ => Err("invalid_datetime"),
        },
        "checkbox" => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) if s == "on" || s == "true" => Ok(Value::Bool(true)),
            Value::String(s) if s == "false" || s.is_empty() => Ok(Value::Bool(false)),
            _ => Err("invalid"),
        },
        _ => Err("invalid"),
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;
    use serde_json::json;

    fn field(kind: &str, options: &[&str]) -> TicketField {
        TicketField {
            key: "k".into(),
            label: "K".into(),
            kind: kind.into(),
            required: true,
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn select_values_must_be_one_of_the_options() {
        let f = field("select", &["PROD", "TEST"]);
        assert_eq!(validate_field_value(&f, &json!("PROD")), Ok(json!("PROD")));
        assert_eq!(
            validate_field_value(&f, &json!("prod")),
            Err("invalid_option")
        );
    }

    #[test]
    fn numbers_datetimes_and_checkboxes_are_parsed() {
        assert_eq!(
            validate_field_value(&field("number", &[]), &json!("3,5")),
            Ok(json!(3.5))
        );
        assert_eq!(
            validate_field_value(&field("number", &[]), &json!("abc")),
            Err("invalid")
        );
        assert!(validate_field_value(&field("datetime", &[]), &json!("2026-11-21T14:03")).is_ok());
        assert!(validate_field_value(&field("datetime", &[]), &json!("ontem")).is_err());
        assert_eq!(
            validate_field_value(&field("checkbox", &[]), &json!("on")),
            Ok(json!(true))
        );
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(
            validate_field_value(&field("text", &[]), &json!("  x ")),
            Ok(json!("x"))
        );
        assert_eq!(
            validate_field_value(&field("text", &[]), &json!(" ")),
            Err("required")
        );
        assert_eq!(
            validate_field_value(&field("text", &[]), &json!("a".repeat(501))),
            Err("too_long")
        );
    }
}

/// What a customer submits to open a ticket.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTicketInput {
    /// The ticket type's key.
    #[serde(rename = "type")]
    pub type_key: String,
    pub department_id: i64,
    pub priority: Priority,
    pub subject: String,
    pub message: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub fields: Map<String, Value>,
    /// An earlier ticket this one continues (`TKT-000012`), e.g. after the reopen window.
    #[serde(default)]
    pub related: Option<String>,
    /// The new-ticket form's deflection attempt (the `attempt` of `GET /api/v1/suggestions`):
    /// the attempt ends with this ticket.
    #[serde(default)]
    pub deflection_attempt: Option<String>,
}

/// A page of tickets and the cursor of the next one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketPage {
    pub items: Vec<TicketSummary>,
    pub next_cursor: Option<String>,
}

/// A message of the conversation as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: i64,
    pub author: Option<AuthorRef>,
    pub body: String,
    pub internal: bool,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthorRef {
    pub id: i64,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentRef {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadMarks {
    pub by_support_at: Option<DateTime<Utc>>,
    pub by_requester_at: Option<DateTime<Utc>>,
}

/// One ticket with its conversation (API.md `GET /api/v1/tickets/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketDetail {
    pub ticket: TicketSummary,
    pub messages: Vec<MessageView>,
    pub read: ReadMarks,
    /// Linked tickets the caller may see (`TKT-…`).
    pub related: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The ticket this duplicate was merged into (`TKT-…`).
    #[serde(default)]
    pub merged_into: Option<String>,
    /// The timeline of changes (support staff only; empty for customers).
    #[serde(default)]
    pub history: Vec<super::HistoryEntry>,
    /// Other support staff on the ticket now (support staff only).
    #[serde(default)]
    pub presence: Vec<super::PresenceEntry>,
    /// The custom fields filled in, in the type's order, labelled as the type names them now
    /// (a field since removed from the type keeps its value and label).
    #[serde(default)]
    pub fields: Vec<FieldValue>,
    /// The requester's satisfaction rating (shown to them and to support).
    #[serde(default)]
    pub rating: Option<super::TicketRating>,
}

/// One custom field's value on a ticket, as text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldValue {
    pub key: String,
    pub label: String,
    pub kind: String,
    pub value: String,
}

/// `PATCH /api/v1/tickets/{id}`. Customers may only close their own (or, as organization admin,
/// their organization's) tickets; support may change status, priority, type, department and
/// assignee. Every change is recorded in the history.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketUpdate {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    /// A ticket type key (re-classification, seed 003).
    #[serde(rename = "type")]
    pub type_key: Option<String>,
    pub department_id: Option<i64>,
    /// `null` unassigns.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub assignee_id: Option<Option<i64>>,
    /// Replaces the ticket's tags (support only).
    pub tags: Option<Vec<String>>,
}

fn double_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    use serde::Deserialize;
    Option::<i64>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Escalation {
    pub id: i64,
    pub ticket_id: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// Ticket-list parameters as they arrive (query string or server-function arguments), all text.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct TicketListQuery {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub department_id: Option<String>,
    #[serde(rename = "type")]
    pub ticket_type: Option<String>,
    pub assignee: Option<String>,
    pub organization_id: Option<String>,
    /// `true`: only escalated tickets.
    pub escalated: Option<String>,
    /// `true`: only tickets whose service level is at risk or breached.
    pub sla_risk: Option<String>,
    pub tag: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}
