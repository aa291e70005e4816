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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CredentialsRow {
    pub id: i64,
    pub password_hash: Option<String>,
    pub active: bool,
}

pub async fn find_credentials(
    c: Conn<'_>,
    email: &str,
) -> Result<Option<CredentialsRow>, sqlx::Error> {
    const SQL: &str = "SELECT id, password_hash, active FROM users WHERE email = $1";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(email).fetch_optional(&mut *conn).await)
}

pub async fn find_password_hash(c: Conn<'_>, id: i64) -> Result<Option<String>, sqlx::Error> {
    const SQL: &str = "SELECT password_hash FROM users WHERE id = $1";
    let row: Option<(Option<String>,)> =
        on_conn!(c, conn => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *conn).await)?;
    Ok(row.and_then(|(h,)| h))
}

/// A user with their organization, for building a `CurrentUser`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub language: String,
    pub can_open_tickets: bool,
    pub can_edit_articles: bool,
    pub away: bool,
    pub active: bool,
    pub has_password: bool,
    pub sessions_valid_after: Option<DateTime<Utc>>,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub organization_plan: Option<String>,
    pub organization_shares_tickets: Option<bool>,
}

pub async fn find_profile(c: Conn<'_>, id: i64) -> Result<Option<ProfileRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT u.id, u.email, u.name, u.role, u.language, u.can_open_tickets,
               u.can_edit_articles, u.away, u.active,
               (u.password_hash IS NOT NULL) AS has_password, u.sessions_valid_after,
               o.id AS organization_id, o.name AS organization_name, o.plan AS organization_plan,
               o.shares_tickets AS organization_shares_tickets
        FROM users u LEFT JOIN organizations o ON o.id = u.organization_id
        WHERE u.id = $1"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *conn).await)
}

/// `(id, name)` of the departments a user belongs to, by name.
pub async fn departments_of(c: Conn<'_>, user_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT d.id, d.name FROM departments d
        JOIN department_members m ON m.department_id = d.id
        WHERE m.user_id = $1 ORDER BY d.name"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(user_id).fetch_all(&mut *conn).await)
}

pub async fn set_name(
    c: Conn<'_>,
    id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE users SET name = $2, updated_at = $3 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(name).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

pub async fn set_language(
    c: Conn<'_>,
    id: i64,
    language: Language,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE users SET language = $2, updated_at = $3 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(language.code()).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Sets a new password hash; sessions signed in before `now` stop working.
pub async fn set_password(
    c: Conn<'_>,
    id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE users SET password_hash = $2, sessions_valid_after = $3, updated_at = $3 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(hash).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

pub async fn set_can_open_tickets(
    c: Conn<'_>,
    id: i64,
    value: bool,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "UPDATE users SET can_open_tickets = $2, updated_at = $3 WHERE id = $1";
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(value).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Activates or deactivates; deactivation ends every session of the user at once.
/// Activates or deactivates an account; `by_staff` records that support (not the organization's
/// admin) deactivated it.
pub async fn set_active(
    c: Conn<'_>,
    id: i64,
    active: bool,
    by_staff: bool,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = r#"
        UPDATE users SET active = $2, updated_at = $3,
               sessions_valid_after = CASE WHEN $2 THEN sessions_valid_after ELSE $3 END,
               deactivated_by_staff = CASE WHEN $2 THEN FALSE
                                           WHEN NOT active THEN deactivated_by_staff
                                           ELSE $4 END
        WHERE id = $1"#;
    on_conn!(c, conn => sqlx::query(SQL).bind(id).bind(active).bind(now).bind(by_staff).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Whether support deactivated this account (then only support re-activates it).
pub async fn deactivated_by_staff(c: Conn<'_>, id: i64) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT deactivated_by_staff FROM users WHERE id = $1";
    let row: Option<bool> =
        on_conn!(c, conn => sqlx::query_scalar(SQL).bind(id).fetch_optional(&mut *conn).await)?;
    Ok(row.unwrap_or(false))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub can_open_tickets: bool,
    pub active: bool,
    pub pending_invitation: bool,
}

const MEMBER_COLUMNS: &str =
    "id, name, email, role, can_open_tickets, active, (password_hash IS NULL) AS pending_invitation";

/// The members of one organization, by name.
pub async fn list_members(
    c: Conn<'_>,
    organization_id: i64,
) -> Result<Vec<MemberRow>, sqlx::Error> {
    let sql =
        format!("SELECT {MEMBER_COLUMNS} FROM users WHERE organization_id = $1 ORDER BY name, id");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(organization_id).fetch_all(&mut *conn).await)
}

/// One member, only if they belong to that organization.
pub async fn find_member(
    c: Conn<'_>,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<MemberRow>, sqlx::Error> {
    let sql = format!("SELECT {MEMBER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(organization_id).bind(user_id).fetch_optional(&mut *conn).await)
}

/// Grants or removes the editor right (help-center articles).
pub async fn set_can_edit_articles(
    c: Conn<'_>,
    id: i64,
    can_edit: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = "UPDATE users SET can_edit_articles = $2, updated_at = $3 WHERE id = $1";
    let n = on_conn!(c, conn => sqlx::query(SQL)
        .bind(id)
        .bind(can_edit)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
