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

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{
    CurrentUser, FieldValue, MessageView, NamedRef, Priority, ReadMarks, Role, TicketStatus,
};

/// What a restricted scope is about: a ticket's requester, organization or department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketOwner {
    Requester,
    Organization,
    Department,
}

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

    /// The one visibility rule, as data every reader applies (this process's events, the SQL
    /// of lists and lookups, the counters): `None` sees every ticket; otherwise a ticket is
    /// visible when its owner of that kind is one of the ids (no id at all: none).
    pub fn restriction(&self) -> Option<(TicketOwner, &[i64])> {
        match self {
            TicketScope::Requester { user_id } => {
                Some((TicketOwner::Requester, std::slice::from_ref(user_id)))
            }
            TicketScope::Organization { organization_id } => Some((
                TicketOwner::Organization,
                std::slice::from_ref(organization_id),
            )),
            TicketScope::Departments { department_ids } => {
                Some((TicketOwner::Department, department_ids))
            }
            TicketScope::All => None,
        }
    }

    /// Whether a ticket with these owners is in scope.
    pub fn contains(&self, requester_id: i64, organization_id: i64, department_id: i64) -> bool {
        self.restriction().is_none_or(|(owner, ids)| {
            ids.contains(&match owner {
                TicketOwner::Requester => requester_id,
                TicketOwner::Organization => organization_id,
                TicketOwner::Department => department_id,
            })
        })
    }
}

pub const SUBJECT_MAX_CHARS: usize = 200;

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
    fn the_restriction_is_the_rule_every_reader_applies() {
        let agent = TicketScope::of(&user(Role::Agent, None, &[2, 5]));
        assert_eq!(
            agent.restriction(),
            Some((TicketOwner::Department, &[2, 5][..]))
        );
        let alone = TicketScope::of(&user(Role::Customer, Some(false), &[]));
        assert_eq!(
            alone.restriction(),
            Some((TicketOwner::Requester, &[7][..]))
        );
        assert_eq!(
            TicketScope::of(&user(Role::Lead, None, &[])).restriction(),
            None
        );
        // An agent without departments sees nothing, not everything.
        let none = TicketScope::of(&user(Role::Agent, None, &[]));
        assert_eq!(none.restriction(), Some((TicketOwner::Department, &[][..])));
        assert!(!none.contains(1, 1, 1));
    }

    #[test]
    fn admins_administer_and_leads_supervise() {
        let may = |role| {
            let u = user(role, None, &[]);
            (u.may_administer(), u.may_supervise())
        };
        assert_eq!(may(Role::Admin), (true, true));
        assert_eq!(may(Role::Lead), (false, true));
        assert_eq!(may(Role::Agent), (false, false));
        assert_eq!(may(Role::OrgAdmin), (false, false));
        assert_eq!(may(Role::Customer), (false, false));
    }

    #[test]
    fn internal_notes_are_for_support_staff_only() {
        assert!(user(Role::Agent, None, &[1]).sees_internal_notes());
        assert!(user(Role::Admin, None, &[]).sees_internal_notes());
        assert!(!user(Role::Customer, Some(true), &[]).sees_internal_notes());
        assert!(!user(Role::OrgAdmin, Some(true), &[]).sees_internal_notes());
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

/// The order of ticket lists (API.md `sort`). The SQL of a page and the dashboard placing a
/// row that changed live both follow [`ListSort::goes_before`]; ties go by ticket number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ListSort {
    /// Newest activity first (`-updated_at`).
    #[default]
    UpdatedDesc,
    /// Oldest first (`created_at`).
    CreatedAsc,
    /// Most urgent first (`-priority`).
    PriorityDesc,
    /// The pending target falling due soonest first; tickets without one last (`sla_due`).
    SlaDue,
}

impl ListSort {
    pub fn parse(s: &str) -> Option<ListSort> {
        match s {
            "-updated_at" => Some(ListSort::UpdatedDesc),
            "created_at" => Some(ListSort::CreatedAsc),
            "-priority" => Some(ListSort::PriorityDesc),
            "sla_due" => Some(ListSort::SlaDue),
            _ => None,
        }
    }

    /// Whether `a` is listed before `b` in this order.
    pub fn goes_before(self, a: &TicketSummary, b: &TicketSummary) -> bool {
        match self {
            ListSort::CreatedAsc => (a.created_at, a.number) < (b.created_at, b.number),
            ListSort::PriorityDesc => (a.priority.rank(), a.number) > (b.priority.rank(), b.number),
            ListSort::SlaDue => {
                let key = |t: &TicketSummary| (t.sla.due_at.is_none(), t.sla.due_at, t.number);
                key(a) < key(b)
            }
            ListSort::UpdatedDesc => (a.updated_at, a.number) > (b.updated_at, b.number),
        }
    }
}

/// A page of tickets and the cursor of the next one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketPage {
    pub items: Vec<TicketSummary>,
    pub next_cursor: Option<String>,
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

/// A dashboard row that changed: the ticket if it is (still) in the view, else `None`.
pub type LiveRow = Option<TicketSummary>;

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

    fn summary(number: i64, minute: u32, priority: Priority, due: Option<u32>) -> TicketSummary {
        use chrono::TimeZone;
        let at = |m: u32| Utc.with_ymd_and_hms(2026, 11, 21, 10, m, 0).unwrap();
        let named = NamedRef {
            id: 1,
            name: String::new(),
        };
        TicketSummary {
            id: TicketNumber(number).to_string(),
            number,
            subject: String::new(),
            ticket_type: "duvida".into(),
            department: named.clone(),
            status: TicketStatus::Open,
            priority,
            requester: named.clone(),
            organization: named,
            assignee: None,
            created_at: at(minute),
            updated_at: at(minute),
            last_reply_at: None,
            escalated: false,
            sla: crate::domain::TicketSla {
                due_at: due.map(at),
                ..Default::default()
            },
        }
    }

    #[test]
    fn each_sort_orders_rows_as_its_sql_does() {
        let old = summary(1, 10, Priority::Critical, None);
        let new = summary(2, 20, Priority::Low, Some(50));
        let soon = summary(3, 5, Priority::Low, Some(30));
        assert!(ListSort::UpdatedDesc.goes_before(&new, &old));
        assert!(ListSort::CreatedAsc.goes_before(&old, &new));
        assert!(ListSort::PriorityDesc.goes_before(&old, &new));
        // Due soonest first, tickets without a due time last.
        assert!(ListSort::SlaDue.goes_before(&soon, &new));
        assert!(ListSort::SlaDue.goes_before(&new, &old));
        assert_eq!(ListSort::parse("sla_due"), Some(ListSort::SlaDue));
        assert_eq!(ListSort::parse("-subject"), None);
    }
}
