//! SQL for the admin screens: departments and their agents, people, organizations, ticket
//! types, and the audit log (admin changes and ticket history read as one stream).

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::args::{like_pattern, Arg, Filter};
use super::Conn;
use crate::on_conn;

// ---------------------------------------------------------------- departments

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DepartmentRow {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub round_robin: bool,
}

pub async fn departments(c: Conn<'_>) -> Result<Vec<DepartmentRow>, sqlx::Error> {
    const SQL: &str =
        "SELECT id, name, active, round_robin FROM departments ORDER BY active DESC, name";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

pub async fn department(c: Conn<'_>, id: i64) -> Result<Option<DepartmentRow>, sqlx::Error> {
    const SQL: &str = "SELECT id, name, active, round_robin FROM departments WHERE id = $1";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *conn).await)
}

/// `(department_id, user_id, name)` of every membership, by name.
pub async fn department_agents(c: Conn<'_>) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT m.department_id, u.id, u.name FROM department_members m
        JOIN users u ON u.id = m.user_id ORDER BY u.name, u.id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

pub async fn name_taken(
    c: Conn<'_>,
    table: &'static str,
    name: &str,
    except: i64,
) -> Result<bool, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE LOWER(name) = LOWER($1) AND id <> $2");
    let n: i64 = on_conn!(c, conn => sqlx::query_scalar(&sql).bind(name).bind(except).fetch_one(&mut *conn).await)?;
    Ok(n > 0)
}

pub async fn update_department(
    c: Conn<'_>,
    d: &DepartmentRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE departments SET name = $2, active = $3, round_robin = $4, updated_at = $5
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL).bind(d.id).bind(&d.name).bind(d.active).bind(d.round_robin).bind(now)
        .execute(&mut *conn).await.map(|_| ()))
}

/// Replaces a department's members, keeping the round-robin turns of those who stay.
pub async fn set_department_agents(
    mut c: Conn<'_>,
    department_id: i64,
    user_ids: &[i64],
) -> Result<(), sqlx::Error> {
    let keep = super::args::id_list(user_ids);
    let sql = if keep.is_empty() {
        "DELETE FROM department_members WHERE department_id = $1".to_owned()
    } else {
        format!(
            "DELETE FROM department_members WHERE department_id = $1 AND user_id NOT IN ({keep})"
        )
    };
    on_conn!(c.reborrow(), conn => sqlx::query(&sql).bind(department_id).execute(&mut *conn).await.map(|_| ()))?;
    for user_id in user_ids {
        super::departments::add_member(c.reborrow(), department_id, *user_id).await?;
    }
    Ok(())
}

/// Replaces a person's departments.
pub async fn set_user_departments(
    mut c: Conn<'_>,
    user_id: i64,
    department_ids: &[i64],
) -> Result<(), sqlx::Error> {
    let keep = super::args::id_list(department_ids);
    let sql = if keep.is_empty() {
        "DELETE FROM department_members WHERE user_id = $1".to_owned()
    } else {
        format!(
            "DELETE FROM department_members WHERE user_id = $1 AND department_id NOT IN ({keep})"
        )
    };
    on_conn!(c.reborrow(), conn => sqlx::query(&sql).bind(user_id).execute(&mut *conn).await.map(|_| ()))?;
    for department_id in department_ids {
        super::departments::add_member(c.reborrow(), *department_id, user_id).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- people

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub can_open_tickets: bool,
    pub active: bool,
    pub pending_invitation: bool,
    pub created_at: DateTime<Utc>,
}

const USER_SELECT: &str = r#"
    SELECT u.id, u.name, u.email, u.role, u.organization_id, o.name AS organization_name,
           u.can_open_tickets, u.active, (u.password_hash IS NULL) AS pending_invitation,
           u.created_at
    FROM users u LEFT JOIN organizations o ON o.id = u.organization_id"#;

pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<String>,
    pub organization_id: Option<i64>,
    pub active: Option<bool>,
    /// `(name, id)` of the previous page's last row.
    pub after: Option<(String, i64)>,
    pub limit: i64,
}

pub async fn users(c: Conn<'_>, f: &UserFilter) -> Result<Vec<UserRow>, sqlx::Error> {
    let mut w = Filter::default();
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = like_pattern(q);
        w.push(
            "(LOWER(u.name) LIKE ? ESCAPE '\\' OR LOWER(u.email) LIKE ? ESCAPE '\\')",
            [Arg::Text(p.clone()), Arg::Text(p)],
        );
    }
    if let Some(role) = &f.role {
        w.push("u.role = ?", [Arg::Text(role.clone())]);
    }
    if let Some(org) = f.organization_id {
        w.push("u.organization_id = ?", [Arg::I64(org)]);
    }
    if let Some(active) = f.active {
        w.push(
            if active {
                "u.active = TRUE"
            } else {
                "u.active = FALSE"
            },
            [],
        );
    }
    if let Some((name, id)) = &f.after {
        w.push(
            "(u.name > ? OR (u.name = ? AND u.id > ?))",
            [
                Arg::Text(name.clone()),
                Arg::Text(name.clone()),
                Arg::I64(*id),
            ],
        );
    }
    let limit = w.next_placeholder();
    let sql = format!(
        "{USER_SELECT} {} ORDER BY u.name, u.id LIMIT ${limit}",
        w.where_clause()
    );
    let mut args = w.args;
    args.push(Arg::I64(f.limit));
    on_conn!(c, conn => crate::bind_args!(sqlx::query_as(&sql), &args).fetch_all(&mut *conn).await)
}

pub async fn user(c: Conn<'_>, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("{USER_SELECT} WHERE u.id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

/// `(user id, department id, department name)` of the given people's departments, by name.
pub async fn departments_of_users(
    c: Conn<'_>,
    user_ids: &[i64],
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = super::args::id_list(user_ids);
    let sql = format!(
        "SELECT m.user_id, d.id, d.name FROM department_members m \
         JOIN departments d ON d.id = m.department_id WHERE m.user_id IN ({ids}) ORDER BY d.name"
    );
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn update_user(c: Conn<'_>, u: &UserRow, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE users SET name = $2, role = $3, organization_id = $4, can_open_tickets = $5,
               updated_at = $6
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(u.id)
        .bind(&u.name)
        .bind(&u.role)
        .bind(u.organization_id)
        .bind(u.can_open_tickets)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

/// Ends every session of a person now (a role change, like deactivation, takes effect at once).
pub async fn end_sessions(c: Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE users SET sessions_valid_after = $2 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(now).execute(&mut *conn).await.map(|_| ()))
}

// ---------------------------------------------------------------- organizations

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRow {
    pub id: i64,
    pub name: String,
    pub plan: String,
    pub shares_tickets: bool,
    pub active: bool,
    pub members: i64,
}

const ORGANIZATION_SELECT: &str = r#"
    SELECT o.id, o.name, o.plan, o.shares_tickets, o.active,
           (SELECT COUNT(*) FROM users u WHERE u.organization_id = o.id) AS members
    FROM organizations o"#;

pub async fn organizations(c: Conn<'_>) -> Result<Vec<OrganizationRow>, sqlx::Error> {
    let sql = format!("{ORGANIZATION_SELECT} ORDER BY o.active DESC, o.name");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn organization(c: Conn<'_>, id: i64) -> Result<Option<OrganizationRow>, sqlx::Error> {
    let sql = format!("{ORGANIZATION_SELECT} WHERE o.id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

pub async fn update_organization(
    c: Conn<'_>,
    o: &OrganizationRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE organizations SET name = $2, plan = $3, shares_tickets = $4, active = $5,
               updated_at = $6
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL).bind(o.id).bind(&o.name).bind(&o.plan).bind(o.shares_tickets)
        .bind(o.active).bind(now).execute(&mut *conn).await.map(|_| ()))
}

/// Member ids of an organization (to end their sessions when it is deactivated).
pub async fn member_ids(c: Conn<'_>, organization_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    const SQL: &str = "SELECT id FROM users WHERE organization_id = $1";
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(organization_id).fetch_all(&mut *conn).await)
}

// ---------------------------------------------------------------- ticket types

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TypeRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub active: bool,
    pub position: i64,
    pub default_department_id: Option<i64>,
    pub default_department_name: Option<String>,
    pub default_priority: Option<String>,
}

const TYPE_SELECT: &str = r#"
    SELECT t.id, t.key, t.name, t.description, t.active, t.position, t.default_department_id,
           d.name AS default_department_name, t.default_priority
    FROM ticket_types t LEFT JOIN departments d ON d.id = t.default_department_id"#;

pub async fn ticket_types(c: Conn<'_>) -> Result<Vec<TypeRow>, sqlx::Error> {
    let sql = format!("{TYPE_SELECT} ORDER BY t.active DESC, t.position, t.id");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

pub async fn ticket_type(c: Conn<'_>, id: i64) -> Result<Option<TypeRow>, sqlx::Error> {
    let sql = format!("{TYPE_SELECT} WHERE t.id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

pub async fn type_key_taken(c: Conn<'_>, key: &str) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT COUNT(*) FROM ticket_types WHERE key = $1";
    let n: i64 =
        on_conn!(c, conn => sqlx::query_scalar(SQL).bind(key).fetch_one(&mut *conn).await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FieldRow {
    pub ticket_type_id: i64,
    pub key: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub options: Json<Vec<String>>,
    pub active: bool,
}

/// Every field of every type, active ones first, in order.
pub async fn fields(c: Conn<'_>) -> Result<Vec<FieldRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT ticket_type_id, key, label, kind, required, options, active FROM ticket_type_fields
        ORDER BY ticket_type_id, active DESC, position, id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

/// `(ticket_type_id, plan)` of every grant.
pub async fn type_plans(c: Conn<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT ticket_type_id, plan FROM ticket_type_plans";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

pub async fn update_ticket_type(
    c: Conn<'_>,
    t: &TypeRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        UPDATE ticket_types SET name = $2, description = $3, active = $4, position = $5,
               default_department_id = $6, default_priority = $7, updated_at = $8
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(t.id)
        .bind(&t.name)
        .bind(&t.description)
        .bind(t.active)
        .bind(t.position)
        .bind(t.default_department_id)
        .bind(t.default_priority.as_deref())
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

pub async fn set_type_plans(
    mut c: Conn<'_>,
    type_id: i64,
    plans: &[crate::domain::Plan],
) -> Result<(), sqlx::Error> {
    const SQL: &str = "DELETE FROM ticket_type_plans WHERE ticket_type_id = $1";
    on_conn!(c.reborrow(), conn => sqlx::query(SQL).bind(type_id).execute(&mut *conn).await.map(|_| ()))?;
    for plan in plans {
        super::ticket_types::allow_plan(c.reborrow(), type_id, *plan).await?;
    }
    Ok(())
}

/// Writes a type's fields in order: known keys updated (and reactivated), new ones inserted,
/// the others deactivated.
pub async fn set_type_fields(
    mut c: Conn<'_>,
    type_id: i64,
    fields: &[crate::domain::FieldAdmin],
) -> Result<(), sqlx::Error> {
    const DEACTIVATE: &str =
        "UPDATE ticket_type_fields SET active = FALSE WHERE ticket_type_id = $1";
    on_conn!(c.reborrow(), conn => sqlx::query(DEACTIVATE).bind(type_id).execute(&mut *conn).await.map(|_| ()))?;
    const UPSERT: &str = r#"
        INSERT INTO ticket_type_fields (ticket_type_id, key, label, kind, required, options, position, active)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (ticket_type_id, key) DO UPDATE SET label = excluded.label, kind = excluded.kind,
            required = excluded.required, options = excluded.options, position = excluded.position,
            active = excluded.active"#;
    for (position, f) in (1_i64..).zip(fields) {
        on_conn!(c.reborrow(), conn => sqlx::query(UPSERT)
            .bind(type_id)
            .bind(&f.key)
            .bind(&f.label)
            .bind(&f.kind)
            .bind(f.required)
            .bind(Json(&f.options))
            .bind(position)
            .bind(f.active)
            .execute(&mut *conn)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- audit

pub struct AuditWrite<'a> {
    pub actor_id: Option<i64>,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub entity_name: &'a str,
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
}

pub async fn insert_audit(
    c: Conn<'_>,
    a: &AuditWrite<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO audit_log (actor_id, entity, entity_id, entity_name, action, field, old_value,
                               new_value, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(a.actor_id)
        .bind(a.entity)
        .bind(a.entity_id)
        .bind(a.entity_name)
        .bind(a.action)
        .bind(a.field)
        .bind(a.old_value)
        .bind(a.new_value)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// `a` (admin change) or `t` (ticket history): with `id`, the row's identity.
    pub source: String,
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub entity_name: String,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

pub struct AuditFilter {
    /// `Some("ticket")`: ticket history only; another entity: admin changes of it only.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    /// `(created_at, source, id)` of the previous page's last row.
    pub after: Option<(DateTime<Utc>, String, i64)>,
    pub limit: i64,
}

/// Newest first. Each source is read newest first up to the limit on its own index, then the
/// two are merged: a page never sorts the whole history.
pub async fn audit(c: Conn<'_>, f: &AuditFilter) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut branches = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let wants = |source: &str| match (source, f.entity.as_deref()) {
        (_, None) => true,
        ("t", Some(e)) => e == "ticket",
        (_, Some(e)) => e != "ticket",
    };
    for source in ["a", "t"] {
        if !wants(source) {
            continue;
        }
        // Continue numbering after the previous branch's placeholders.
        let mut w = Filter {
            args: std::mem::take(&mut args),
            ..Filter::default()
        };
        let (table, time, entity_id) = if source == "a" {
            ("audit_log x", "x.created_at", "x.entity_id")
        } else {
            (
                "ticket_history x",
                "x.created_at",
                "CAST(x.ticket_id AS TEXT)",
            )
        };
        if source == "a" {
            if let Some(e) = &f.entity {
                w.push("x.entity = ?", [Arg::Text(e.clone())]);
            }
        }
        if let Some(id) = &f.entity_id {
            if source == "t" {
                match id.parse::<i64>() {
                    Ok(n) => w.push("x.ticket_id = ?", [Arg::I64(n)]),
                    Err(_) => w.push("1 = 0", []),
                }
            } else {
                w.push(&format!("{entity_id} = ?"), [Arg::Text(id.clone())]);
            }
        }
        if let Some(actor) = f.actor_id {
            w.push("x.actor_id = ?", [Arg::I64(actor)]);
        }
        if let Some(from) = f.from {
            w.push(&format!("{time} >= ?"), [Arg::Time(from)]);
        }
        if let Some(before) = f.before {
            w.push(&format!("{time} < ?"), [Arg::Time(before)]);
        }
        if let Some((at, last_source, id)) = &f.after {
            match source.cmp(last_source.as_str()) {
                std::cmp::Ordering::Less => w.push(&format!("{time} <= ?"), [Arg::Time(*at)]),
                std::cmp::Ordering::Greater => w.push(&format!("{time} < ?"), [Arg::Time(*at)]),
                std::cmp::Ordering::Equal => w.push(
                    &format!("({time} < ? OR ({time} = ? AND x.id < ?))"),
                    [Arg::Time(*at), Arg::Time(*at), Arg::I64(*id)],
                ),
            }
        }
        let limit = w.next_placeholder();
        let select = if source == "a" {
            "SELECT 'a' AS source, x.id, x.created_at, x.actor_id, u.name AS actor_name, x.entity, \
             x.entity_id, x.entity_name, x.action, x.field, x.old_value, x.new_value"
        } else {
            "SELECT 't' AS source, x.id, x.created_at, x.actor_id, u.name AS actor_name, \
             'ticket' AS entity, CAST(x.ticket_id AS TEXT) AS entity_id, \
             COALESCE(tk.subject, '') AS entity_name, \
             CASE WHEN x.field = 'created' THEN 'create' ELSE 'update' END AS action, \
             x.field, x.old_value, x.new_value"
        };
        let joins = if source == "a" {
            "LEFT JOIN users u ON u.id = x.actor_id"
        } else {
            "LEFT JOIN users u ON u.id = x.actor_id LEFT JOIN tickets tk ON tk.id = x.ticket_id"
        };
        branches.push(format!(
            "SELECT * FROM ({select} FROM {table} {joins} {} ORDER BY x.created_at DESC, x.id DESC LIMIT ${limit}) AS {source}_rows",
            w.where_clause()
        ));
        args = w.args;
        args.push(Arg::I64(f.limit));
    }
    if branches.is_empty() {
        return Ok(Vec::new());
    }
    let limit = args.len() + 1;
    args.push(Arg::I64(f.limit));
    let sql = format!(
        "SELECT * FROM ({}) AS merged ORDER BY created_at DESC, source DESC, id DESC LIMIT ${limit}",
        branches.join(" UNION ALL ")
    );
    on_conn!(c, conn => crate::bind_args!(sqlx::query_as(&sql), &args).fetch_all(&mut *conn).await)
}
