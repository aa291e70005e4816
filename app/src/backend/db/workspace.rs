//! SQL for the agent workspace: tags, canned responses, round-robin, presence, history,
//! merging and the queue counts.

use chrono::{DateTime, Utc};

use super::Conn;
use crate::on_conn;

pub async fn tags_of(c: Conn<'_>, ticket_id: i64) -> Result<Vec<String>, sqlx::Error> {
    const SQL: &str = "SELECT tag FROM ticket_tags WHERE ticket_id = $1 ORDER BY tag";
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(ticket_id).fetch_all(&mut *conn).await)
}

/// Replaces the ticket's tags.
pub async fn set_tags(c: Conn<'_>, ticket_id: i64, tags: &[String]) -> Result<(), sqlx::Error> {
    let mut c = c;
    const DELETE: &str = "DELETE FROM ticket_tags WHERE ticket_id = $1";
    on_conn!(c.reborrow(), conn => sqlx::query(DELETE).bind(ticket_id).execute(&mut *conn).await.map(|_| ()))?;
    const INSERT: &str = "INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)";
    for tag in tags {
        on_conn!(c.reborrow(), conn => sqlx::query(INSERT).bind(ticket_id).bind(tag).execute(&mut *conn).await.map(|_| ()))?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CannedRow {
    pub id: i64,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub title: String,
    pub body: String,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

const CANNED_SELECT: &str = r#"
    SELECT c.id, c.department_id, d.name AS department_name, c.title, c.body, c.active,
           c.updated_at
    FROM canned_responses c LEFT JOIN departments d ON d.id = c.department_id"#;

/// The active responses usable in a department (its own and the general ones), by title.
pub async fn canned_for_department(
    c: Conn<'_>,
    department_id: i64,
) -> Result<Vec<CannedRow>, sqlx::Error> {
    let sql = format!(
        "{CANNED_SELECT} WHERE c.active = TRUE AND (c.department_id IS NULL OR c.department_id = $1) \
         ORDER BY c.title, c.id"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).bind(department_id).fetch_all(&mut *conn).await)
}

/// Every response, inactive ones too, by department then title.
pub async fn canned_all(c: Conn<'_>) -> Result<Vec<CannedRow>, sqlx::Error> {
    let sql = format!("{CANNED_SELECT} ORDER BY d.name, c.title, c.id");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn canned_find(c: Conn<'_>, id: i64) -> Result<Option<CannedRow>, sqlx::Error> {
    let sql = format!("{CANNED_SELECT} WHERE c.id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

pub async fn canned_insert(
    c: Conn<'_>,
    department_id: Option<i64>,
    title: &str,
    body: &str,
    author_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO canned_responses (department_id, title, body, active, created_by_id,
                                      created_at, updated_at)
        VALUES ($1, $2, $3, TRUE, $4, $5, $5) RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(department_id).bind(title).bind(body).bind(author_id).bind(now)
        .fetch_one(&mut *conn).await)
}

pub async fn canned_update(
    c: Conn<'_>,
    row: &CannedRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE canned_responses SET department_id = $2, title = $3, body = $4, active = $5,
               updated_at = $6
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(row.id).bind(row.department_id).bind(&row.title).bind(&row.body).bind(row.active)
        .bind(now)
        .execute(&mut *conn).await.map(|_| ()))
}

/// Whether the department hands new tickets out by round-robin.
pub async fn round_robin(c: Conn<'_>, department_id: i64) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT round_robin FROM departments WHERE id = $1";
    on_conn!(c, conn => sqlx::query_scalar::<_, bool>(SQL).bind(department_id).fetch_optional(&mut *conn).await)
        .map(|r| r.unwrap_or(false))
}

pub async fn set_round_robin(
    c: Conn<'_>,
    department_id: i64,
    on: bool,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE departments SET round_robin = $2, updated_at = $3 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(department_id).bind(on).bind(now)
        .execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// The department's next agent by round-robin: an active agent who is not away and has accepted
/// the invitation (a password is set: nobody works a ticket before signing in once), the one
/// whose last turn is oldest (never first); gives them the next turn. Call inside the serialised
/// ticket-writing transaction, so concurrent tickets see each other's choice.
pub async fn take_next_agent(c: Conn<'_>, department_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let mut c = c;
    const PICK: &str = r#"
        SELECT m.user_id FROM department_members m JOIN users u ON u.id = m.user_id
        WHERE m.department_id = $1 AND u.active = TRUE AND u.away = FALSE AND u.role = 'agent'
          AND u.password_hash IS NOT NULL
        ORDER BY m.assigned_turn IS NOT NULL, m.assigned_turn, m.user_id
        LIMIT 1"#;
    let picked: Option<i64> = on_conn!(c.reborrow(), conn =>
        sqlx::query_scalar(PICK).bind(department_id).fetch_optional(&mut *conn).await)?;
    if let Some(user_id) = picked {
        const MARK: &str = r#"
            UPDATE department_members
            SET assigned_turn = (SELECT COALESCE(MAX(assigned_turn), 0) + 1
                                 FROM department_members WHERE department_id = $1)
            WHERE department_id = $1 AND user_id = $2"#;
        on_conn!(c, conn => sqlx::query(MARK).bind(department_id).bind(user_id)
            .execute(&mut *conn).await.map(|_| ()))?;
    }
    Ok(picked)
}

/// Whether the user is a member of the department.
pub async fn is_member(c: Conn<'_>, department_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    const SQL: &str = r#"
        SELECT COUNT(*) FROM department_members WHERE department_id = $1 AND user_id = $2"#;
    on_conn!(c, conn => sqlx::query_scalar::<_, i64>(SQL).bind(department_id).bind(user_id)
        .fetch_one(&mut *conn).await)
    .map(|n| n > 0)
}

/// `(id, name)` of the active staff who may take a department's tickets: its agents, and every
/// lead and admin.
pub async fn assignable(
    c: Conn<'_>,
    department_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    assignable_in(c, &[department_id]).await
}

/// `(id, name)` of the people who may take tickets of any of `department_ids` (leads and admins
/// once, agents of those departments), by name: one query for the dashboard's filter.
pub async fn assignable_in(
    c: Conn<'_>,
    department_ids: &[i64],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if department_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = super::args::id_list(department_ids);
    let sql = format!(
        "SELECT u.id, u.name FROM users u WHERE u.active = TRUE AND (u.role IN ('lead', 'admin') \
         OR (u.role = 'agent' AND EXISTS (SELECT 1 FROM department_members m \
         WHERE m.user_id = u.id AND m.department_id IN ({ids})))) ORDER BY u.name, u.id"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn set_away(
    c: Conn<'_>,
    user_id: i64,
    away: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE users SET away = $2, updated_at = $3 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(away).bind(now)
        .execute(&mut *conn).await.map(|_| ()))
}

pub async fn is_away(c: Conn<'_>, user_id: i64) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT away FROM users WHERE id = $1";
    on_conn!(c, conn => sqlx::query_scalar::<_, bool>(SQL).bind(user_id).fetch_optional(&mut *conn).await)
        .map(|a| a.unwrap_or(false))
}

/// Records that a person is on a ticket; returns their previous state if it was fresh
/// (seen after `fresh_after`), so the caller announces only changes.
pub async fn touch_presence(
    c: Conn<'_>,
    ticket_id: i64,
    user_id: i64,
    state: &str,
    now: DateTime<Utc>,
    fresh_after: DateTime<Utc>,
) -> Result<Option<(String, DateTime<Utc>)>, sqlx::Error> {
    let mut c = c;
    const FIND: &str = r#"
        SELECT state, seen_at FROM ticket_presence WHERE ticket_id = $1 AND user_id = $2"#;
    let before: Option<(String, DateTime<Utc>)> = on_conn!(c.reborrow(), conn =>
        sqlx::query_as(FIND).bind(ticket_id).bind(user_id).fetch_optional(&mut *conn).await)?;
    const UPSERT: &str = r#"
        INSERT INTO ticket_presence (ticket_id, user_id, state, seen_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (ticket_id, user_id) DO UPDATE SET state = excluded.state,
                                                       seen_at = excluded.seen_at"#;
    on_conn!(c, conn => sqlx::query(UPSERT).bind(ticket_id).bind(user_id).bind(state).bind(now)
        .execute(&mut *conn).await.map(|_| ()))?;
    Ok(before.filter(|(_, seen)| *seen > fresh_after))
}

pub async fn leave_presence(c: Conn<'_>, ticket_id: i64, user_id: i64) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM ticket_presence WHERE ticket_id = $1 AND user_id = $2";
    on_conn!(c, conn => sqlx::query(SQL).bind(ticket_id).bind(user_id)
        .execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// `(user id, name, state)` of everyone seen on the ticket after `fresh_after`.
pub async fn presence_on(
    c: Conn<'_>,
    ticket_id: i64,
    fresh_after: DateTime<Utc>,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT p.user_id, u.name, p.state FROM ticket_presence p JOIN users u ON u.id = p.user_id
        WHERE p.ticket_id = $1 AND p.seen_at > $2 ORDER BY u.name"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).bind(fresh_after).fetch_all(&mut *conn).await)
}

/// Presence on many tickets at once (the dashboard's rows): `(ticket, user id, name, state)`.
pub async fn presence_on_many(
    c: Conn<'_>,
    ticket_ids: &[i64],
    fresh_after: DateTime<Utc>,
) -> Result<Vec<(i64, i64, String, String)>, sqlx::Error> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = super::args::id_list(ticket_ids);
    let sql = format!(
        "SELECT p.ticket_id, p.user_id, u.name, p.state FROM ticket_presence p \
         JOIN users u ON u.id = p.user_id WHERE p.ticket_id IN ({ids}) AND p.seen_at > $1 \
         ORDER BY p.ticket_id, u.name"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).bind(fresh_after).fetch_all(&mut *conn).await)
}

/// Deletes presence rows last seen before `before` (housekeeping).
pub async fn prune_presence(c: Conn<'_>, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM ticket_presence WHERE seen_at < $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(before).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn history(c: Conn<'_>, ticket_id: i64) -> Result<Vec<HistoryRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT h.id, h.actor_id, u.name AS actor_name, h.field, h.old_value, h.new_value,
               h.created_at
        FROM ticket_history h LEFT JOIN users u ON u.id = h.actor_id
        WHERE h.ticket_id = $1 ORDER BY h.id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_id).fetch_all(&mut *conn).await)
}

/// The newest message on the ticket written by someone else than `author_id` after message
/// `after_id` (internal notes count: another agent answered in some way).
pub async fn newer_message_by_other(
    c: Conn<'_>,
    ticket_id: i64,
    after_id: i64,
    author_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT MAX(id) FROM ticket_messages
        WHERE ticket_id = $1 AND id > $2 AND (author_id IS NULL OR author_id <> $3)"#;
    on_conn!(c, conn => sqlx::query_scalar::<_, Option<i64>>(SQL).bind(ticket_id).bind(after_id).bind(author_id)
        .fetch_one(&mut *conn).await)
}

pub async fn merged_into(c: Conn<'_>, ticket_id: i64) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = "SELECT merged_into_id FROM tickets WHERE id = $1";
    on_conn!(c, conn => sqlx::query_scalar::<_, Option<i64>>(SQL).bind(ticket_id)
        .fetch_optional(&mut *conn).await)
    .map(Option::flatten)
}

/// Moves the duplicate's messages and files to the target and marks it merged.
pub async fn merge(
    c: Conn<'_>,
    duplicate: i64,
    target: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut c = c;
    for sql in [
        "UPDATE ticket_messages SET ticket_id = $2 WHERE ticket_id = $1",
        "UPDATE attachments SET ticket_id = $2 WHERE ticket_id = $1",
    ] {
        on_conn!(c.reborrow(), conn => sqlx::query(sql).bind(duplicate).bind(target)
            .execute(&mut *conn).await.map(|_| ()))?;
    }
    const MARK: &str = r#"
        UPDATE tickets SET merged_into_id = $2, status = 'closed', closed_at = $3, updated_at = $3
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(MARK).bind(duplicate).bind(target).bind(now)
        .execute(&mut *conn).await.map(|_| ()))
}

/// The dashboard's queue counts over a scope's where-clause (see `tickets::push_scope`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    pub unassigned: i64,
    pub mine: i64,
    pub escalated: i64,
    pub sla_risk: i64,
}

/// Counts of the dashboard's queues among the not-closed tickets in scope: unassigned, the
/// viewer's, escalated, SLA at risk; a sum over the scope's rows of `queue_counters` (kept by
/// triggers), never a count over tickets. Only departments restrict staff; any other
/// restriction has no queues.
pub async fn queue_counts(
    c: Conn<'_>,
    scope: &crate::domain::TicketScope,
    viewer_id: i64,
) -> Result<QueueRow, sqlx::Error> {
    use crate::domain::TicketOwner;
    let mut f = super::args::Filter::default();
    super::tickets::push_restriction(&mut f, scope, |owner| match owner {
        TicketOwner::Department => "q.department_id",
        TicketOwner::Requester | TicketOwner::Organization => "NULL",
    });
    let sums = [
        "CASE WHEN q.assignee_id = 0 THEN q.n_active ELSE 0 END",
        "CASE WHEN q.assignee_id = {me} THEN q.n_active ELSE 0 END",
        "q.n_escalated",
        "q.n_sla_risk",
    ];
    queue_row(c, sums, "queue_counters q", f, viewer_id).await
}

/// The same counts by a full count over the tickets: what the counter rows must always equal
/// (tests), never on a request path.
pub async fn queue_counts_by_count(
    c: Conn<'_>,
    scope: &crate::domain::TicketScope,
    viewer_id: i64,
) -> Result<QueueRow, sqlx::Error> {
    let mut f = super::args::Filter::default();
    super::tickets::push_scope(&mut f, scope);
    f.push("t.status IN ('open', 'answered')", []);
    let sums = [
        "CASE WHEN t.assignee_id IS NULL THEN 1 ELSE 0 END",
        "CASE WHEN t.assignee_id = {me} THEN 1 ELSE 0 END",
        "CASE WHEN t.escalated_at IS NOT NULL THEN 1 ELSE 0 END",
        "CASE WHEN t.sla_state IN ('at_risk', 'breached') THEN 1 ELSE 0 END",
    ];
    queue_row(c, sums, "tickets t", f, viewer_id).await
}

/// The four queue sums (unassigned, mine, escalated, SLA at risk) over `from` with a filter;
/// `{me}` in a sum is the viewer.
async fn queue_row(
    c: Conn<'_>,
    sums: [&str; 4],
    from: &str,
    f: super::args::Filter,
    viewer_id: i64,
) -> Result<QueueRow, sqlx::Error> {
    let me = format!("${}", f.next_placeholder());
    let columns = sums
        .iter()
        .zip(["unassigned", "mine", "escalated", "sla_risk"])
        .map(|(sum, name)| {
            format!(
                "CAST(COALESCE(SUM({}), 0) AS BIGINT) AS {name}",
                sum.replace("{me}", &me)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT {columns} FROM {from} {}", f.where_clause());
    let mut args = f.args;
    args.push(super::args::Arg::I64(viewer_id));
    on_conn!(c, conn => crate::bind_args!(sqlx::query_as(&sql), &args).fetch_one(&mut *conn).await)
}

pub async fn assign(c: Conn<'_>, ticket_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE tickets SET assignee_id = $2 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(ticket_id).bind(user_id)
        .execute(&mut *conn).await.map(|_| ()))
}

/// Names of users by id (for the timeline).
pub async fn user_names(c: Conn<'_>, ids: &[i64]) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = super::args::id_list(ids);
    let sql = format!("SELECT id, name FROM users WHERE id IN ({ids})");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

/// `(key, name)` of every ticket type, inactive ones too (the timeline names old types).
pub async fn type_names(c: Conn<'_>) -> Result<Vec<(String, String, bool)>, sqlx::Error> {
    const SQL: &str = "SELECT key, name, active FROM ticket_types ORDER BY position, name";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

/// `(id, name)` of the organizations with tickets in the scope's departments (the dashboard's
/// organization filter), by name, among `among` when given; at most `limit`. Each organization
/// is one probe of the `(organization_id, department_id)` index, whatever the number of tickets.
pub async fn organizations_in_scope(
    c: Conn<'_>,
    scope: &crate::domain::TicketScope,
    among: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    use super::args::Filter;
    let mut f = Filter::default();
    f.push("t.organization_id = o.id", []);
    let among = match among {
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!("o.id IN ({}) AND ", super::args::id_list(ids)),
        None => String::new(),
    };
    super::tickets::push_scope(&mut f, scope);
    let sql = format!(
        "SELECT o.id, o.name FROM organizations o WHERE {among}EXISTS (SELECT 1 FROM tickets t {}) \
         ORDER BY o.name LIMIT ${}",
        f.where_clause(),
        f.next_placeholder()
    );
    on_conn!(c, conn => crate::bind_args!(sqlx::query_as(&sql), &f.args).bind(limit).fetch_all(&mut *conn).await)
}
