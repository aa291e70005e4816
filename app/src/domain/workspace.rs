//! The agent workspace's vocabulary: queues, presence, history, tags, canned responses.

use chrono::{DateTime, Utc};

use super::{wire_enum, NamedRef};

wire_enum! {
    /// What a row of a ticket's history records.
    HistoryField, "history field" {
        /// The ticket was opened.
        Created => "created",
        Status => "status",
        Priority => "priority",
        /// The ticket type (by key).
        Type => "type",
        /// The department (by id).
        Department => "department",
        /// The agent it is assigned to (by id).
        Assignee => "assignee",
        Tags => "tags",
        Escalated => "escalated",
        /// This ticket absorbed a duplicate (its number).
        Merged => "merged",
        /// This duplicate went into another ticket (its number).
        MergedInto => "merged_into",
        /// A related ticket was linked (its number).
        Related => "related",
        Rating => "rating",
    }
}

/// Tags per ticket, and characters per tag.
pub const MAX_TAGS: usize = 20;
pub const TAG_MAX_CHARS: usize = 40;

/// How long a presence lasts without a heartbeat. Browsers beat every [`PRESENCE_BEAT_SECONDS`].
pub const PRESENCE_TTL_SECONDS: i64 = 45;
pub const PRESENCE_BEAT_SECONDS: i64 = 15;

/// The longest tag list read at all (duplicates and blanks included); more is `too_many`
/// before any work.
pub const MAX_TAG_INPUTS: usize = 5 * MAX_TAGS;

/// Normalises a tag list: trimmed, lower case, inner whitespace as one `-`, no duplicates,
/// sorted. Errors with the field code of the first bad tag. Work is linear in the input and
/// bounded: a list longer than [`MAX_TAG_INPUTS`], or one that reaches more than [`MAX_TAGS`]
/// distinct tags, stops at once.
pub fn normalize_tags(tags: &[String]) -> Result<Vec<String>, &'static str> {
    if tags.len() > MAX_TAG_INPUTS {
        return Err("too_many");
    }
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        if tag.chars().count() > 4 * TAG_MAX_CHARS {
            return Err("too_long");
        }
        let tag = tag
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-")
            .to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > TAG_MAX_CHARS {
            return Err("too_long");
        }
        if tag.chars().any(|c| c.is_control() || c == ',') {
            return Err("invalid");
        }
        if !out.contains(&tag) {
            out.push(tag);
            if out.len() > MAX_TAGS {
                return Err("too_many");
            }
        }
    }
    out.sort();
    Ok(out)
}

/// What a person is doing on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    Viewing,
    Replying,
}

impl PresenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceState::Viewing => "viewing",
            PresenceState::Replying => "replying",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "viewing" => Some(PresenceState::Viewing),
            "replying" => Some(PresenceState::Replying),
            _ => None,
        }
    }
}

/// Someone else on the ticket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PresenceEntry {
    pub user: NamedRef,
    pub state: PresenceState,
}

/// `PUT /api/v1/tickets/{id}/presence`: `viewing`, `replying`, or `null` when leaving.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PresenceUpdate {
    pub state: Option<PresenceState>,
}

/// One change in a ticket's timeline (who, when, before → after).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub actor: Option<NamedRef>,
    pub field: HistoryField,
    /// Display values (names, not ids).
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The counts of the dashboard's queues (not-closed tickets in the viewer's scope).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueueCounts {
    /// Nobody assigned (in the viewer's departments).
    pub unassigned: i64,
    /// Assigned to the viewer.
    pub mine: i64,
    pub escalated: i64,
    /// Open tickets whose service level is at risk or breached ("SLA em risco").
    pub sla_risk: i64,
}

/// A canned response; in a ticket's picker, `body` has its placeholders filled in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CannedResponse {
    pub id: i64,
    /// `None`: every department.
    pub department: Option<NamedRef>,
    pub title: String,
    pub body: String,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/canned-responses` and `PATCH …/{id}`.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CannedInput {
    pub title: Option<String>,
    pub body: Option<String>,
    /// `null` or absent: every department.
    pub department_id: Option<i64>,
    pub active: Option<bool>,
}

/// What the support side of a ticket page offers: the choices of its controls.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketTools {
    pub departments: Vec<NamedRef>,
    /// `(key, name)` of every active ticket type.
    pub types: Vec<(String, String)>,
    /// Who may take the ticket: the department's agents, leads and admins.
    pub assignable: Vec<NamedRef>,
    pub canned: Vec<CannedResponse>,
}

/// The choices of the dashboard's filters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FilterChoices {
    pub departments: Vec<NamedRef>,
    /// `(key, name)`.
    pub types: Vec<(String, String)>,
    pub assignees: Vec<NamedRef>,
}

/// `POST /api/v1/tickets/{id}/merge`: the duplicate (path) goes into `into`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MergeRequest {
    pub into: String,
}

/// `POST /api/v1/tickets/{id}/links`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkRequest {
    pub ticket: String,
}

/// Fills the placeholders of a canned response. Unknown ones stay as written.
pub fn fill_placeholders(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = after[..end].trim();
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_bounded() {
        let tags = ["  Boleto ", "boleto", "nota fiscal", ""].map(String::from);
        assert_eq!(
            normalize_tags(&tags),
            Ok(vec!["boleto".to_owned(), "nota-fiscal".to_owned()])
        );
        assert_eq!(normalize_tags(&["a,b".to_owned()]), Err("invalid"));
        assert_eq!(normalize_tags(&["x".repeat(41)]), Err("too_long"));
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert_eq!(normalize_tags(&many), Err("too_many"));
        // Input-sized lists are refused before any work; repeats within the bound are fine.
        assert_eq!(
            normalize_tags(&vec!["a".to_owned(); 50_000]),
            Err("too_many")
        );
        assert_eq!(
            normalize_tags(&vec!["a".to_owned(); MAX_TAG_INPUTS]),
            Ok(vec!["a".to_owned()])
        );
        assert_eq!(normalize_tags(&[" ".repeat(1_000_000)]), Err("too_long"));
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let values = [("cliente.nome", "Carla"), ("ticket.id", "TKT-000042")];
        assert_eq!(
            fill_placeholders(
                "Olá {{cliente.nome}}, sobre o {{ ticket.id }}: {{x}} {{",
                &values
            ),
            "Olá Carla, sobre o TKT-000042: {{x}} {{"
        );
        assert_eq!(fill_placeholders("sem nada", &values), "sem nada");
        assert_eq!(
            fill_placeholders("ação {{cliente.nome}}ção", &values),
            "ação Carlação"
        );
    }
}
