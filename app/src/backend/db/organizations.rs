//! SQL for customer organizations.

use chrono::{DateTime, Utc};

use super::Conn;
use crate::domain::Plan;
use crate::on_conn;

pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub plan: Plan,
    pub shares_tickets: bool,
}

pub async fn insert(
    c: Conn<'_>,
    org: &NewOrganization<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO organizations (name, plan, shares_tickets, active, created_at, updated_at)
        VALUES ($1, $2, $3, TRUE, $4, $4)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(org.name)
        .bind(org.plan.as_str())
        .bind(org.shares_tickets)
        .bind(now)
        .fetch_one(&mut *conn)
        .await)
}

pub async fn find_id_by_name(c: Conn<'_>, name: &str) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = "SELECT id FROM organizations WHERE name = $1";
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(name).fetch_optional(&mut *conn).await)
}

pub async fn count(c: Conn<'_>) -> Result<i64, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT COUNT(*) FROM organizations").fetch_one(&mut *conn).await)
}

/// `(id, name)` of every organization, by name (the organization filter's candidates).
pub async fn names(c: Conn<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT id, name FROM organizations ORDER BY name, id";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}
