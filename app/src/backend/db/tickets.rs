//! SQL for tickets, their messages and their history.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::Conn;
use crate::domain::{HistoryField, Priority, TicketStatus};
use crate::on_conn;

pub struct NewTicket<'a> {
    pub subject: &'a str,
    pub ticket_type_id: i64,
    pub department_id: i64,
    pub priority: Priority,
    pub status: TicketStatus,
    pub requester_id: i64,
    pub organization_id: i64,
    pub assignee_id: Option<i64>,
    pub fields: &'a serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Inserts a ticket and returns its number (the global sequence).
pub async fn insert(c: Conn<'_>, t: &NewTicket<'_>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO tickets (subject, ticket_type_id, department_id, priority, priority_rank, status,
                             requester_id, organization_id, assignee_id, fields, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(t.subject)
        .bind(t.ticket_type_id)
        .bind(t.department_id)
        .bind(t.priority.as_str())
        .bind(t.priority.rank() as i64)
        .bind(t.status.as_str())
        .bind(t.requester_id)
        .bind(t.organization_id)
        .bind(t.assignee_id)
        .bind(Json(t.fields))
        .bind(t.created_at)
        .fetch_one(&mut *conn)
        .await)
}

/// Records one change of a ticket (who, when, before → after).
pub async fn insert_history(
    c: Conn<'_>,
    ticket_id: i64,
    actor_id: Option<i64>,
    field: HistoryField,
    old_value: Option<&str>,
    new_value: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_history (ticket_id, actor_id, field, old_value, new_value, created_at)
        VALUES ($1, $2, $3, $4, $5, $6)"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(ticket_id)
        .bind(actor_id)
        .bind(field.as_str())
        .bind(old_value)
        .bind(new_value)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The timeline fields a conversation sets on its ticket after the fact.
pub struct TicketTimes {
    pub status: TicketStatus,
    pub updated_at: DateTime<Utc>,
    pub last_reply_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub read_by_support_at: Option<DateTime<Utc>>,
    pub read_by_requester_at: Option<DateTime<Utc>>,
}

pub async fn set_times(c: Conn<'_>, ticket_id: i64, t: &TicketTimes) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE tickets
        SET status = $2, updated_at = $3, last_reply_at = $4, first_response_at = $5,
            closed_at = $6, read_by_support_at = $7, read_by_requester_at = $8
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(ticket_id)
        .bind(t.status.as_str())
        .bind(t.updated_at)
        .bind(t.last_reply_at)
        .bind(t.first_response_at)
        .bind(t.closed_at)
        .bind(t.read_by_support_at)
        .bind(t.read_by_requester_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn count(c: Conn<'_>) -> Result<i64, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT COUNT(*) FROM tickets").fetch_one(&mut *conn).await)
}

/// `(status, count)` over all tickets.
pub async fn count_by_status(c: Conn<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    const SQL: &str = "SELECT status, COUNT(*) FROM tickets GROUP BY status ORDER BY status";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

use super::args::{like_pattern, Arg, Filter};
use super::ticket_text::{TextQuery, TextScope, TextSearch, FEW_MATCHES, MANY_MATCHES};
use crate::domain::{
    ListSort, NamedRef, TicketNumber, TicketOwner, TicketScope, TicketStats, TicketSummary,
};

/// Adds the viewer's scope to a filter over `tickets t` (the visibility rule in SQL).
pub fn push_scope(filter: &mut Filter, scope: &TicketScope) {
    push_restriction(filter, scope, |owner| match owner {
        TicketOwner::Requester => "t.requester_id",
        TicketOwner::Organization => "t.organization_id",
        TicketOwner::Department => "t.department_id",
    })
}

/// [`TicketScope::restriction`] as SQL: the owner's column (`column` names it) among the ids;
/// nothing for an unrestricted scope, no row for a restriction without ids.
pub(super) fn push_restriction(
    filter: &mut Filter,
    scope: &TicketScope,
    column: fn(TicketOwner) -> &'static str,
) {
    match scope.restriction() {
        None => {}
        Some((_, [])) => filter.push("1 = 0", []),
        Some((owner, ids)) => {
            let marks = vec!["?"; ids.len()].join(", ");
            filter.push(
                &format!("{} IN ({marks})", column(owner)),
                ids.iter().map(|id| Arg::I64(*id)),
            );
        }
    }
}

const SUMMARY_SELECT: &str = r#"
    SELECT t.id, t.subject, tt.key AS type_key, d.id AS department_id, d.name AS department_name,
           t.status, t.priority, t.priority_rank, r.id AS requester_id, r.name AS requester_name,
           o.id AS organization_id, o.name AS organization_name, a.id AS assignee_id,
           a.name AS assignee_name, t.created_at, t.updated_at, t.last_reply_at, t.escalated_at,
           t.first_response_due_at, t.resolution_due_at, t.sla_state, t.sla_due_at, t.sla_risk_at,
           t.sla_breached_at
    FROM tickets t
    JOIN ticket_types tt ON tt.id = t.ticket_type_id
    JOIN departments d ON d.id = t.department_id
    JOIN users r ON r.id = t.requester_id
    JOIN organizations o ON o.id = t.organization_id
    LEFT JOIN users a ON a.id = t.assignee_id"#;

/// The columns of [`SUMMARY_SELECT`], for SQLite's one-row (JSON) form of a list.
const SUMMARY_COLUMNS: [&str; 24] = [
    "id",
    "subject",
    "type_key",
    "department_id",
    "department_name",
    "status",
    "priority",
    "priority_rank",
    "requester_id",
    "requester_name",
    "organization_id",
    "organization_name",
    "assignee_id",
    "assignee_name",
    "created_at",
    "updated_at",
    "last_reply_at",
    "escalated_at",
    "first_response_due_at",
    "resolution_due_at",
    "sla_state",
    "sla_due_at",
    "sla_risk_at",
    "sla_breached_at",
];

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct SummaryRow {
    pub id: i64,
    pub subject: String,
    pub type_key: String,
    pub department_id: i64,
    pub department_name: String,
    pub status: String,
    pub priority: String,
    pub priority_rank: i64,
    pub requester_id: i64,
    pub requester_name: String,
    pub organization_id: i64,
    pub organization_name: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_reply_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub sla_state: Option<String>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub sla_risk_at: Option<DateTime<Utc>>,
    pub sla_breached_at: Option<DateTime<Utc>>,
}

impl SummaryRow {
    pub fn into_summary(self) -> Result<TicketSummary, crate::error::AppError> {
        let bad = |e: crate::domain::UnknownVariant| {
            crate::error::AppError::from(anyhow::anyhow!("bad ticket row: {e}"))
        };
        Ok(TicketSummary {
            id: TicketNumber(self.id).to_string(),
            number: self.id,
            subject: self.subject,
            ticket_type: self.type_key,
            department: NamedRef {
                id: self.department_id,
                name: self.department_name,
            },
            status: self.status.parse().map_err(bad)?,
            priority: self.priority.parse().map_err(bad)?,
            requester: NamedRef {
                id: self.requester_id,
                name: self.requester_name,
            },
            organization: NamedRef {
                id: self.organization_id,
                name: self.organization_name,
            },
            assignee: self
                .assignee_id
                .zip(self.assignee_name)
                .map(|(id, name)| NamedRef { id, name }),
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_reply_at: self.last_reply_at,
            escalated: self.escalated_at.is_some(),
            sla: crate::domain::TicketSla {
                first_response_due: self.first_response_due_at,
                resolution_due: self.resolution_due_at,
                breached: self.sla_breached_at.is_some(),
                state: self
                    .sla_state
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(bad)?,
                due_at: self.sla_due_at,
                risk_at: self.sla_risk_at,
            },
        })
    }
}

/// Where the previous page ended: the sort key and id of its last row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cursor {
    Time(DateTime<Utc>, i64),
    Rank(i64, i64),
    Due(Option<DateTime<Utc>>, i64),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ListFilter {
    pub statuses: Vec<TicketStatus>,
    pub priority: Option<Priority>,
    pub department_id: Option<i64>,
    pub type_key: Option<String>,
    /// `Some(None)`: unassigned; `Some(Some(id))`: that agent.
    pub assignee: Option<Option<i64>>,
    pub organization_id: Option<i64>,
    pub query: Option<String>,
    /// Whether internal notes count for the text search (support staff only).
    pub search_internal: bool,
    /// How the text search is done (the database's full-text index, or the old scan).
    pub text_search: TextSearch,
    /// Only escalated tickets (the "Escalados" queue).
    pub escalated: bool,
    /// Only tickets whose pending target is amber or red (the "SLA em risco" queue).
    pub sla_risk: bool,
    /// Only tickets with this tag.
    pub tag: Option<String>,
    /// Only this ticket (a live dashboard asks whether one changed ticket is in its view).
    pub number: Option<i64>,
}

/// One page of tickets in scope, plus whether there is a next page.
pub async fn list(
    mut c: Conn<'_>,
    scope: &TicketScope,
    filter: &ListFilter,
    sort: ListSort,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<SummaryRow>, sqlx::Error> {
    let mut f = Filter::default();
    push_scope(&mut f, scope);
    if !filter.statuses.is_empty() {
        let marks = vec!["?"; filter.statuses.len()].join(", ");
        f.push(
            &format!("t.status IN ({marks})"),
            filter
                .statuses
                .iter()
                .map(|s| Arg::Text(s.as_str().to_owned())),
        );
    }
    if let Some(p) = filter.priority {
        f.push("t.priority = ?", [Arg::Text(p.as_str().to_owned())]);
    }
    if let Some(d) = filter.department_id {
        f.push("t.department_id = ?", [Arg::I64(d)]);
    }
    if let Some(k) = &filter.type_key {
        f.push("tt.key = ?", [Arg::Text(k.clone())]);
    }
    match filter.assignee {
        Some(Some(id)) => f.push("t.assignee_id = ?", [Arg::I64(id)]),
        Some(None) => f.push("t.assignee_id IS NULL", []),
        None => {}
    }
    if let Some(o) = filter.organization_id {
        f.push("t.organization_id = ?", [Arg::I64(o)]);
    }
    if filter.escalated {
        f.push("t.escalated_at IS NOT NULL", []);
    }
    if filter.sla_risk {
        f.push("t.sla_state IN ('at_risk', 'breached')", []);
    }
    if let Some(tag) = &filter.tag {
        f.push(
            "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = ?)",
            [Arg::Text(tag.clone())],
        );
    }
    if let Some(n) = filter.number {
        f.push("t.id = ?", [Arg::I64(n)]);
    }
    if let Some(q) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        push_text(&mut c, &mut f, q, filter).await?;
    }
    // A text search is planned with its values (PostgreSQL's choice between reading the list's
    // index in order and reading the text index first depends on how common the words are).
    let plan_with_values = filter.query.is_some();
    let order = match sort {
        ListSort::UpdatedDesc => "t.updated_at DESC, t.id DESC",
        ListSort::CreatedAsc => "t.created_at ASC, t.id ASC",
        ListSort::PriorityDesc => "t.priority_rank DESC, t.id DESC",
        ListSort::SlaDue => "(t.sla_due_at IS NULL), t.sla_due_at, t.id",
    };
    match (sort, cursor) {
        (ListSort::UpdatedDesc, Some(Cursor::Time(t, id))) => f.push(
            "(t.updated_at < ? OR (t.updated_at = ? AND t.id < ?))",
            [Arg::Time(*t), Arg::Time(*t), Arg::I64(*id)],
        ),
        (ListSort::CreatedAsc, Some(Cursor::Time(t, id))) => f.push(
            "(t.created_at > ? OR (t.created_at = ? AND t.id > ?))",
            [Arg::Time(*t), Arg::Time(*t), Arg::I64(*id)],
        ),
        (ListSort::PriorityDesc, Some(Cursor::Rank(r, id))) => f.push(
            "(t.priority_rank < ? OR (t.priority_rank = ? AND t.id < ?))",
            [Arg::I64(*r), Arg::I64(*r), Arg::I64(*id)],
        ),
        (ListSort::SlaDue, Some(Cursor::Due(Some(t), id))) => f.push(
            "(t.sla_due_at IS NULL OR t.sla_due_at > ? OR (t.sla_due_at = ? AND t.id > ?))",
            [Arg::Time(*t), Arg::Time(*t), Arg::I64(*id)],
        ),
        (ListSort::SlaDue, Some(Cursor::Due(None, id))) => {
            f.push("(t.sla_due_at IS NULL AND t.id > ?)", [Arg::I64(*id)])
        }
        _ => {}
    }
    let sql = format!(
        "{SUMMARY_SELECT} {} ORDER BY {order} LIMIT ${}",
        f.where_clause(),
        f.next_placeholder()
    );
    match c {
        // sqlx runs each SQLite connection on its own thread and hands every row over a
        // channel, waking the reading task each time: for a page of 51 rows those wake-ups
        // cost more than the query. SQLite builds the page as one JSON value instead (one
        // hand-over), decoded here into the same rows.
        Conn::Sqlite(conn) => {
            static FIELDS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                SUMMARY_COLUMNS
                    .iter()
                    .map(|c| format!("'{c}', {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let sql = format!(
                "SELECT json_group_array(json_object({}) ORDER BY {}) FROM ({sql})",
                *FIELDS,
                order.replace("t.", "")
            );
            let query = crate::bind_args!(sqlx::query_scalar::<_, String>(&sql), &f.args);
            let page = query.bind(limit).fetch_one(&mut *conn).await?;
            serde_json::from_str(&page).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        }
        Conn::Postgres(conn) => {
            let query = crate::bind_args!(sqlx::query_as::<_, SummaryRow>(&sql), &f.args);
            query
                .bind(limit)
                .persistent(!plan_with_values)
                .fetch_all(&mut *conn)
                .await
        }
    }
}

/// The text search condition of a list: the ticket of that number, or tickets whose subject or
/// messages the viewer may read contain every word (see [`ticket_text`](super::ticket_text)).
async fn push_text(
    c: &mut Conn<'_>,
    f: &mut Filter,
    q: &str,
    filter: &ListFilter,
) -> Result<(), sqlx::Error> {
    let scope = if filter.search_internal {
        TextScope::WithNotes
    } else {
        TextScope::Public
    };
    let (condition, args): (String, Vec<Arg>) = match (filter.text_search, TextQuery::parse(q)) {
        (TextSearch::Like, _) => {
            let pattern = like_pattern(q);
            let internal = match scope {
                TextScope::WithNotes => "",
                TextScope::Public => " AND m.internal = FALSE",
            };
            (
                format!(
                    "(LOWER(t.subject) LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM ticket_messages m \
                     WHERE m.ticket_id = t.id{internal} AND LOWER(m.body) LIKE ? ESCAPE '\\'))"
                ),
                vec![Arg::Text(pattern.clone()), Arg::Text(pattern)],
            )
        }
        // Nothing to look for in the text: only a ticket number can match.
        (TextSearch::FullText | TextSearch::FullTextRowByRow, None) => {
            ("1 = 0".to_owned(), Vec::new())
        }
        (search, Some(text)) => match c {
            Conn::Sqlite(conn) => {
                let query = text.fts5(scope);
                const COUNT: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM ticket_text \
                                     WHERE ticket_text MATCH $1 LIMIT $2)";
                let matches: i64 = if search == TextSearch::FullTextRowByRow {
                    MANY_MATCHES
                } else {
                    sqlx::query_scalar(COUNT)
                        .bind(&query)
                        .bind(MANY_MATCHES)
                        .fetch_one(&mut **conn)
                        .await?
                };
                // Documents are messages (rowid = message id); a ticket matches when one of
                // its messages (with the subject) does. See FEW_MATCHES for the three ways.
                let condition = if matches < FEW_MATCHES {
                    "t.id IN (SELECT m.ticket_id FROM ticket_text \
                     JOIN ticket_messages m ON m.id = ticket_text.rowid WHERE ticket_text MATCH ?)"
                } else if matches < MANY_MATCHES {
                    // `+m.id`: the set is read from the index once, not probed by message id.
                    "EXISTS (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id AND \
                     +m.id IN (SELECT rowid FROM ticket_text WHERE ticket_text MATCH ?))"
                } else {
                    "EXISTS (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id AND \
                     EXISTS (SELECT 1 FROM ticket_text WHERE ticket_text MATCH ? AND rowid = m.id))"
                };
                (condition.to_owned(), vec![Arg::Text(query)])
            }
            Conn::Postgres(_) => {
                let query = text.tsquery(scope);
                (
                    "EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = t.id AND s.document @@ \
                     (to_tsquery('chamado_pt', ?) || to_tsquery('chamado_en', ?)))"
                        .to_owned(),
                    vec![Arg::Text(query.clone()), Arg::Text(query)],
                )
            }
        },
    };
    match TicketNumber::parse(q) {
        Some(number) => f.push(
            &format!("(t.id = ? OR {condition})"),
            std::iter::once(Arg::I64(number.0)).chain(args),
        ),
        None => f.push(&condition, args),
    }
    Ok(())
}

/// One ticket, only if it is in the viewer's scope.
pub async fn find_summary(
    c: Conn<'_>,
    scope: &TicketScope,
    number: i64,
) -> Result<Option<SummaryRow>, sqlx::Error> {
    let mut f = Filter::default();
    f.push("t.id = ?", [Arg::I64(number)]);
    push_scope(&mut f, scope);
    let sql = format!("{SUMMARY_SELECT} {}", f.where_clause());
    on_conn!(c, conn => crate::bind_args!(sqlx::query_as::<_, SummaryRow>(&sql), &f.args).fetch_optional(&mut *conn).await)
}

/// Counters over the viewer's scope.
/// The counters of a scope: a sum over its rows of `ticket_counters` (kept by triggers), one
/// row for a requester, an organization or everyone, one per department for an agent.
pub async fn stats(c: Conn<'_>, scope: &TicketScope) -> Result<TicketStats, sqlx::Error> {
    let mut f = Filter::default();
    match scope.restriction() {
        None => f.push("scope = 'all' AND scope_id = 0", []),
        Some((owner, _)) => {
            f.push(
                match owner {
                    TicketOwner::Requester => "scope = 'requester'",
                    TicketOwner::Organization => "scope = 'organization'",
                    TicketOwner::Department => "scope = 'department'",
                },
                [],
            );
            push_restriction(&mut f, scope, |_| "scope_id");
        }
    }
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT), CAST(COALESCE(SUM(n_open), 0) AS BIGINT), \
         CAST(COALESCE(SUM(n_answered), 0) AS BIGINT), CAST(COALESCE(SUM(n_closed), 0) AS BIGINT), \
         CAST(COALESCE(SUM(n_high), 0) AS BIGINT) FROM ticket_counters {}",
        f.where_clause()
    );
    fetch_stats(c, &sql, &f).await
}

/// The same counters by a full count over the tickets: what the counter rows must always
/// equal (used by tests and `chamado check`), never on a request path.
pub async fn stats_by_count(c: Conn<'_>, scope: &TicketScope) -> Result<TicketStats, sqlx::Error> {
    let mut f = Filter::default();
    push_scope(&mut f, scope);
    let sql = format!(
        "SELECT COUNT(*), \
         COALESCE(SUM(CASE WHEN t.status = 'open' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN t.status = 'answered' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN t.status = 'closed' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN t.priority_rank >= 3 THEN 1 ELSE 0 END), 0) \
         FROM tickets t {}",
        f.where_clause()
    );
    fetch_stats(c, &sql, &f).await
}

/// Runs a query of the five counters (total, open, answered, closed, high priority) in that order.
async fn fetch_stats(c: Conn<'_>, sql: &str, f: &Filter) -> Result<TicketStats, sqlx::Error> {
    let (total, open, answered, closed, high_priority): (i64, i64, i64, i64, i64) = on_conn!(c, conn => crate::bind_args!(sqlx::query_as(sql), &f.args).fetch_one(&mut *conn).await)?;
    Ok(TicketStats {
        total,
        open,
        answered,
        closed,
        high_priority,
    })
}

/// The fields the lifecycle rules read and write.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StateRow {
    pub id: i64,
    pub status: String,
    pub priority: String,
    pub requester_id: i64,
    pub organization_id: i64,
    pub department_id: i64,
    pub ticket_type_id: i64,
    pub assignee_id: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
}

pub async fn find_state(c: Conn<'_>, id: i64) -> Result<Option<StateRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id, status, priority, requester_id, organization_id, department_id, ticket_type_id,
               assignee_id, closed_at, first_response_at, escalated_at
        FROM tickets WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *conn).await)
}

/// Writes the lifecycle fields back.
pub async fn save_state(c: Conn<'_>, s: &StateRow, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    const SQL: &str = r#"
        UPDATE tickets SET status = $2, priority = $3, priority_rank = $4, department_id = $5,
               ticket_type_id = $6, assignee_id = $7, closed_at = $8, first_response_at = $9,
               escalated_at = $10, updated_at = $11
        WHERE id = $1"#;
    let rank = s
        .priority
        .parse::<Priority>()
        .map(Priority::rank)
        .unwrap_or(2);
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(s.id).bind(&s.status).bind(&s.priority).bind(rank).bind(s.department_id)
        .bind(s.ticket_type_id).bind(s.assignee_id).bind(s.closed_at).bind(s.first_response_at)
        .bind(s.escalated_at).bind(now)
        .execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// A public message was written: the ticket's last reply and the author side's read time.
pub async fn touch_reply(
    c: Conn<'_>,
    id: i64,
    by_support: bool,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let sql = if by_support {
        "UPDATE tickets SET last_reply_at = $2, read_by_support_at = $2, updated_at = $2 WHERE id = $1"
    } else {
        "UPDATE tickets SET last_reply_at = $2, read_by_requester_at = $2, updated_at = $2 WHERE id = $1"
    };
    on_conn!(c, conn => sqlx::query(sql).bind(id).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

pub async fn insert_escalation(
    c: Conn<'_>,
    ticket_id: i64,
    user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO escalations (ticket_id, user_id, reason, created_at) VALUES ($1, $2, $3, $4)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(ticket_id).bind(user_id).bind(reason).bind(now).fetch_one(&mut *conn).await)
}

/// Claims an idempotency key for a user; `false` when it was claimed before.
pub async fn claim_idempotency_key(
    c: Conn<'_>,
    user_id: i64,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO idempotency_keys (user_id, key, created_at) VALUES ($1, $2, $3)
        ON CONFLICT (user_id, key) DO NOTHING"#;
    let inserted = on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(key).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}

pub async fn set_idempotency_ticket(
    c: Conn<'_>,
    user_id: i64,
    key: &str,
    ticket_id: i64,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE idempotency_keys SET ticket_id = $3 WHERE user_id = $1 AND key = $2";
    on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(key).bind(ticket_id).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

pub async fn idempotency_ticket(
    c: Conn<'_>,
    user_id: i64,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = "SELECT ticket_id FROM idempotency_keys WHERE user_id = $1 AND key = $2";
    let row: Option<(Option<i64>,)> = on_conn!(c, conn => sqlx::query_as(SQL).bind(user_id).bind(key).fetch_optional(&mut *conn).await)?;
    Ok(row.and_then(|(t,)| t))
}

/// `(ticket id, requester language)` of answered tickets whose last reply is older than `before`.
pub async fn answered_before(
    c: Conn<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT t.id, u.language FROM tickets t JOIN users u ON u.id = t.requester_id
        WHERE t.status = 'answered' AND t.last_reply_at < $1
        ORDER BY t.id LIMIT $2"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(before).bind(limit).fetch_all(&mut *conn).await)
}

/// Answered tickets whose last answer is older than `before` and whose customer was not warned
/// since: `(id, last_reply_at)`, at most `limit`.
pub async fn waiting_for_warning(
    c: Conn<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id, last_reply_at FROM tickets
        WHERE status = 'answered' AND last_reply_at < $1
          AND (auto_close_warned_at IS NULL OR auto_close_warned_at < last_reply_at)
        ORDER BY id LIMIT $2"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(before).bind(limit).fetch_all(&mut *conn).await)
}

/// Records that the customer was warned about the answer of `last_reply_at` (a later answer
/// makes a new warning due).
pub async fn mark_warned(
    c: Conn<'_>,
    id: i64,
    last_reply_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE tickets SET auto_close_warned_at = $2 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(last_reply_at).execute(&mut *conn).await.map(|_| ()))
}

/// Marks the ticket as changed now (lists sort by it).
pub async fn touch_updated(
    c: Conn<'_>,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE tickets SET updated_at = $2 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(ticket_id).bind(now).execute(&mut *conn).await.map(|_| ()))
}

pub async fn insert_link(
    c: Conn<'_>,
    ticket_id: i64,
    related_ticket_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_links (ticket_id, related_ticket_id, created_by_id, created_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (ticket_id, related_ticket_id) DO NOTHING"#;
    on_conn!(c, conn => sqlx::query(SQL).bind(ticket_id).bind(related_ticket_id).bind(by).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// The tickets linked to one, in either direction.
pub async fn linked(c: Conn<'_>, ticket_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT related_ticket_id FROM ticket_links WHERE ticket_id = $1
        UNION SELECT ticket_id FROM ticket_links WHERE related_ticket_id = $1
        ORDER BY 1"#;
    let rows: Vec<(i64,)> =
        on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_all(&mut *conn).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A ticket's type and custom field values.
pub async fn fields_of_ticket(
    c: Conn<'_>,
    ticket_id: i64,
) -> Result<Option<(i64, Json<serde_json::Value>)>, sqlx::Error> {
    const SQL: &str = "SELECT ticket_type_id, fields FROM tickets WHERE id = $1";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_optional(&mut *conn).await)
}
