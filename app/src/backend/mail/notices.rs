//! What happened, written as a `notify` job in the transaction of the change, and who hears
//! about it. The worker ([`super::worker`]) expands a notice into in-app notifications and mails
//! ([`super::letters`]) after the change committed; nothing is lost if the process dies between
//! the commit and the mail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::backend::db::Conn;
use crate::backend::jobs;
use crate::domain::{NotificationKind, Role};
use crate::on_conn;

/// The job kind of a notice to expand.
pub const NOTIFY: &str = "notify";
/// The job kind of one mail to deliver.
pub const SEND_EMAIL: &str = "send_email";

/// A change someone should hear about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// A ticket was opened (its first message).
    TicketCreated {
        ticket_id: i64,
        actor_id: i64,
        message_id: i64,
    },
    /// A message or internal note was added.
    MessageAdded {
        ticket_id: i64,
        actor_id: i64,
        message_id: i64,
        internal: bool,
    },
    Closed {
        ticket_id: i64,
        actor_id: Option<i64>,
    },
    Reopened {
        ticket_id: i64,
        actor_id: i64,
    },
    /// The ticket now has this assignee (by someone, or by round-robin when `actor_id` is none).
    Assigned {
        ticket_id: i64,
        actor_id: Option<i64>,
        assignee_id: i64,
    },
    Escalated {
        ticket_id: i64,
        actor_id: i64,
        reason: String,
    },
    SlaBreached {
        ticket_id: i64,
        /// `first_response` or `resolution`.
        target: String,
    },
    AutoCloseWarning {
        ticket_id: i64,
        closes_at: DateTime<Utc>,
    },
    /// An invitation or password-reset link for a person. The path is a secret: it lives only
    /// in the jobs' payloads, which are cleared once done.
    AccountLink {
        user_id: i64,
        /// `invitation` or `password_reset`.
        purpose: String,
        path: String,
    },
}

impl Notice {
    pub fn ticket_id(&self) -> Option<i64> {
        match self {
            Notice::TicketCreated { ticket_id, .. }
            | Notice::MessageAdded { ticket_id, .. }
            | Notice::Closed { ticket_id, .. }
            | Notice::Reopened { ticket_id, .. }
            | Notice::Assigned { ticket_id, .. }
            | Notice::Escalated { ticket_id, .. }
            | Notice::SlaBreached { ticket_id, .. }
            | Notice::AutoCloseWarning { ticket_id, .. } => Some(*ticket_id),
            Notice::AccountLink { .. } => None,
        }
    }

    pub fn actor_id(&self) -> Option<i64> {
        match self {
            Notice::TicketCreated { actor_id, .. }
            | Notice::MessageAdded { actor_id, .. }
            | Notice::Reopened { actor_id, .. }
            | Notice::Escalated { actor_id, .. } => Some(*actor_id),
            Notice::Closed { actor_id, .. } | Notice::Assigned { actor_id, .. } => *actor_id,
            _ => None,
        }
    }
}

/// Writes the notice in the caller's transaction.
pub async fn enqueue(c: Conn<'_>, notice: &Notice, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_value(notice).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    jobs::enqueue(c, NOTIFY, &payload, now).await.map(|_| ())
}

/// A person a notice may reach.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub language: String,
    pub active: bool,
}

impl Person {
    pub fn role(&self) -> Option<Role> {
        self.role.parse().ok()
    }
    pub fn language(&self) -> crate::domain::Language {
        crate::domain::Language::from_tag(&self.language).unwrap_or_default()
    }
}

const PERSON: &str = "SELECT id, name, email, role, language, active FROM users";

pub async fn person(c: Conn<'_>, id: i64) -> Result<Option<Person>, sqlx::Error> {
    let sql = format!("{PERSON} WHERE id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

/// Active agents and leads who are members of a department.
async fn department_staff(c: Conn<'_>, department_id: i64) -> Result<Vec<Person>, sqlx::Error> {
    let sql = format!(
        "{PERSON} WHERE active = TRUE AND role IN ('agent', 'lead') AND id IN \
         (SELECT user_id FROM department_members WHERE department_id = $1) ORDER BY id"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).bind(department_id).fetch_all(&mut *conn).await)
}

/// Who hears of escalations and missed targets: the active leads, or the admins when there is
/// no lead.
async fn leads(c: Conn<'_>) -> Result<Vec<Person>, sqlx::Error> {
    let sql = format!(
        "{PERSON} WHERE active = TRUE AND (role = 'lead' OR (role = 'admin' AND NOT EXISTS \
         (SELECT 1 FROM users WHERE role = 'lead' AND active = TRUE))) ORDER BY id"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

/// Active support staff, to resolve `@mentions`.
async fn staff(c: Conn<'_>) -> Result<Vec<Person>, sqlx::Error> {
    let sql =
        format!("{PERSON} WHERE active = TRUE AND role IN ('agent', 'lead', 'admin') ORDER BY id");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

/// The words of a note written `@name`, lowercased, without trailing punctuation.
pub fn mentions(body: &str) -> Vec<String> {
    let mut found: Vec<String> = body
        .split(|c: char| c.is_whitespace() || c == '(' || c == '[')
        .filter_map(|word| word.strip_prefix('@'))
        .map(|w| {
            w.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Whether `handle` names this person: the part of their address before `@`, or their first
/// name without accents.
fn is_named(person: &Person, handle: &str) -> bool {
    let local = person
        .email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let first = person
        .name
        .split_whitespace()
        .next()
        .map(crate::backend::search::fold)
        .unwrap_or_default();
    local == handle || first == crate::backend::search::fold(handle)
}

/// The ticket facts recipients are chosen by.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TicketFacts {
    pub id: i64,
    pub subject: String,
    pub status: String,
    pub requester_id: i64,
    pub assignee_id: Option<i64>,
    pub department_id: i64,
    pub department: String,
    pub organization: String,
    pub merged_into_id: Option<i64>,
}

pub async fn ticket_facts(c: Conn<'_>, id: i64) -> Result<Option<TicketFacts>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT t.id, t.subject, t.status, t.requester_id, t.assignee_id, t.department_id,
               d.name AS department, o.name AS organization, t.merged_into_id
        FROM tickets t JOIN departments d ON d.id = t.department_id
             JOIN organizations o ON o.id = t.organization_id
        WHERE t.id = $1"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *conn).await)
}

/// Who hears of a notice about a ticket, and as what. The person who did it does not, but for
/// the receipt of their ticket and the confirmation that it reopened.
pub async fn recipients(
    c: Conn<'_>,
    notice: &Notice,
    ticket: &TicketFacts,
) -> Result<Vec<(Person, NotificationKind)>, sqlx::Error> {
    use NotificationKind as K;
    let mut c = c;
    let mut out: Vec<(Person, NotificationKind)> = Vec::new();
    let requester = person(c.reborrow(), ticket.requester_id).await?;
    let assignee = match ticket.assignee_id {
        Some(id) => person(c.reborrow(), id).await?,
        None => None,
    };
    match notice {
        Notice::TicketCreated { .. } => {
            out.extend(requester.map(|p| (p, K::TicketReceived)));
            if let Some(a) = &assignee {
                out.push((a.clone(), K::TicketAssigned));
            }
            for p in department_staff(c.reborrow(), ticket.department_id).await? {
                if Some(p.id) != ticket.assignee_id {
                    out.push((p, K::NewTicket));
                }
            }
        }
        Notice::MessageAdded {
            internal: false,
            actor_id,
            ..
        } => {
            let by_support = person(c.reborrow(), *actor_id)
                .await?
                .and_then(|p| p.role())
                .is_some_and(Role::is_staff);
            if by_support {
                out.extend(requester.map(|p| (p, K::SupportAnswered)));
            } else {
                out.extend(assignee.map(|p| (p, K::CustomerReplied)));
            }
        }
        Notice::MessageAdded {
            internal: true,
            message_id,
            ..
        } => {
            let body = message_body(c.reborrow(), *message_id).await?;
            let handles = mentions(&body);
            if !handles.is_empty() {
                for p in staff(c.reborrow()).await? {
                    if handles.iter().any(|h| is_named(&p, h)) {
                        out.push((p, K::Mentioned));
                    }
                }
            }
        }
        Notice::Closed { .. } if ticket.merged_into_id.is_none() => {
            out.extend(requester.map(|p| (p, K::TicketClosed)));
        }
        Notice::Closed { .. } => {}
        Notice::Reopened { .. } => {
            out.extend(requester.map(|p| (p, K::TicketReopened)));
        }
        Notice::Assigned { assignee_id, .. } => {
            out.extend(
                person(c.reborrow(), *assignee_id)
                    .await?
                    .map(|p| (p, K::TicketAssigned)),
            );
        }
        Notice::Escalated { .. } => {
            out.extend(
                leads(c.reborrow())
                    .await?
                    .into_iter()
                    .map(|p| (p, K::Escalated)),
            );
        }
        Notice::SlaBreached { .. } => {
            out.extend(
                leads(c.reborrow())
                    .await?
                    .into_iter()
                    .map(|p| (p, K::SlaBreached)),
            );
        }
        Notice::AutoCloseWarning { .. } => {
            out.extend(requester.map(|p| (p, K::AutoCloseWarning)));
        }
        Notice::AccountLink { .. } => {}
    }
    let actor = notice.actor_id();
    let mut seen = std::collections::HashSet::new();
    // A receipt and a reopen confirmation are for the one who acted; nothing else is.
    let confirms = |kind: &NotificationKind| matches!(kind, K::TicketReceived | K::TicketReopened);
    out.retain(|(p, kind)| {
        p.active
            && (Some(p.id) != actor || confirms(kind))
            && p.role().is_some_and(|r| kind.applies_to(r))
            && seen.insert(p.id)
    });
    Ok(out)
}

pub async fn message_body(c: Conn<'_>, id: i64) -> Result<String, sqlx::Error> {
    const SQL: &str = "SELECT body FROM ticket_messages WHERE id = $1";
    let body: Option<String> =
        on_conn!(c, conn => sqlx::query_scalar(SQL).bind(id).fetch_optional(&mut *conn).await)?;
    Ok(body.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_words_after_an_at_sign() {
        assert_eq!(
            mentions("@Ana, veja isto com @lider. E-mail: ana@acme.com (@joão)"),
            vec!["ana", "joão", "lider"]
        );
        assert!(mentions("sem menção; a@b").is_empty());
    }

    #[test]
    fn a_handle_is_the_address_or_first_name() {
        let p = Person {
            id: 1,
            name: "João Silva".to_owned(),
            email: "jsilva@chamado.local".to_owned(),
            role: "agent".to_owned(),
            language: "pt-BR".to_owned(),
            active: true,
        };
        assert!(is_named(&p, "jsilva"));
        assert!(is_named(&p, "joao"));
        assert!(is_named(&p, "joão"));
        assert!(!is_named(&p, "silva"));
    }

    #[test]
    fn notices_round_trip_as_job_payloads() {
        let n = Notice::Assigned {
            ticket_id: 4,
            actor_id: None,
            assignee_id: 9,
        };
        let v = serde_json::to_value(&n).expect("serialises");
        assert_eq!(v["notice"], "assigned");
        assert_eq!(serde_json::from_value::<Notice>(v).ok(), Some(n));
    }
}
