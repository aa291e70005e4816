//! SQL for ticket types, their custom fields and the plans that may use them.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::Conn;
use crate::domain::{Plan, Priority};
use crate::on_conn;

pub struct NewTicketType<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub position: i64,
    pub default_priority: Option<Priority>,
}

pub struct NewField<'a> {
    pub key: &'a str,
    pub label: &'a str,
    /// `text`, `long_text`, `number`, `select`, `datetime` or `checkbox`.
    pub kind: &'a str,
    pub required: bool,
    pub options: &'a [&'a str],
    pub position: i64,
}

pub async fn insert(
    c: Conn<'_>,
    t: &NewTicketType<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_types (key, name, description, active, position, default_priority,
                                  created_at, updated_at)
        VALUES ($1, $2, $3, TRUE, $4, $5, $6, $6)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(t.key)
        .bind(t.name)
        .bind(t.description)
        .bind(t.position)
        .bind(t.default_priority.map(Priority::as_str))
        .bind(now)
        .fetch_one(&mut *conn)
        .await)
}

pub async fn insert_field(
    c: Conn<'_>,
    ticket_type_id: i64,
    f: &NewField<'_>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_type_fields (ticket_type_id, key, label, kind, required, options, position, active)
        VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE)"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(ticket_type_id)
        .bind(f.key)
        .bind(f.label)
        .bind(f.kind)
        .bind(f.required)
        .bind(Json(f.options))
        .bind(f.position)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn allow_plan(c: Conn<'_>, ticket_type_id: i64, plan: Plan) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO ticket_type_plans (ticket_type_id, plan) VALUES ($1, $2)
        ON CONFLICT (ticket_type_id, plan) DO NOTHING"#;
    on_conn!(c, conn => sqlx::query(SQL).bind(ticket_type_id).bind(plan.as_str()).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// `(id, key)` of every ticket type.
pub async fn list_keys(c: Conn<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT id, key FROM ticket_types ORDER BY position, id";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TypeRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub description: String,
    pub default_priority: Option<String>,
}

/// Active types a plan may use (`None`: every active type, for support staff).
pub async fn list_for_plan(c: Conn<'_>, plan: Option<Plan>) -> Result<Vec<TypeRow>, sqlx::Error> {
    match plan {
        Some(plan) => {
            const SQL: &str = r#"
                SELECT t.id, t.key, t.name, t.description, t.default_priority FROM ticket_types t
                JOIN ticket_type_plans p ON p.ticket_type_id = t.id
                WHERE t.active = TRUE AND p.plan = $1 ORDER BY t.position, t.id"#;
            on_conn!(c, conn => sqlx::query_as(SQL).bind(plan.as_str()).fetch_all(&mut *conn).await)
        }
        None => {
            const SQL: &str = r#"
                SELECT id, key, name, description, default_priority FROM ticket_types
                WHERE active = TRUE ORDER BY position, id"#;
            on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FieldRow {
    pub ticket_type_id: i64,
    pub key: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub options: Json<Vec<String>>,
}

/// The active fields of one type, in order.
pub async fn fields_of(c: Conn<'_>, ticket_type_id: i64) -> Result<Vec<FieldRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT ticket_type_id, key, label, kind, required, options FROM ticket_type_fields
        WHERE ticket_type_id = $1 AND active = TRUE ORDER BY position, id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_type_id).fetch_all(&mut *conn).await)
}

/// Every field of one type, inactive ones too (labels for old values), in order.
pub async fn all_fields_of(c: Conn<'_>, ticket_type_id: i64) -> Result<Vec<FieldRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT ticket_type_id, key, label, kind, required, options FROM ticket_type_fields
        WHERE ticket_type_id = $1 ORDER BY active DESC, position, id"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(ticket_type_id).fetch_all(&mut *conn).await)
}
