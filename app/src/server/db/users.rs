//! SQL for users (customers, organization admins and support staff).

use chrono::{DateTime, Utc};

use super::Conn;
use crate::domain::{Language, Role};
use crate::on_conn;

pub struct NewUser<'a> {
    /// Already normalised (trimmed, lowercase).
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub organization_id: Option<i64>,
    pub can_open_tickets: bool,
    pub language: Language,
    pub password_hash: Option<&'a str>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub organization_id: Option<i64>,
    pub can_open_tickets: bool,
    pub language: String,
    pub active: bool,
}

pub async fn insert(
    c: Conn<'_>,
    user: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO users (email, name, role, organization_id, can_open_tickets, language,
                           password_hash, active, away, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, FALSE, $8, $8)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL)
        .bind(user.email)
        .bind(user.name)
        .bind(user.role.as_str())
        .bind(user.organization_id)
        .bind(user.can_open_tickets)
        .bind(user.language.code())
        .bind(user.password_hash)
        .bind(now)
        .fetch_one(&mut *conn)
        .await)
}

pub async fn find_by_email(c: Conn<'_>, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id, email, name, role, organization_id, can_open_tickets, language, active
        FROM users WHERE email = $1"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(email).fetch_optional(&mut *conn).await)
}

pub async fn count(c: Conn<'_>) -> Result<i64, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *conn).await)
}
