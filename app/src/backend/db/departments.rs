//! SQL for departments (the queues agents work) and their members.

use chrono::{DateTime, Utc};

use super::Conn;
use crate::on_conn;

pub async fn insert(c: Conn<'_>, name: &str, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO departments (name, active, created_at, updated_at)
        VALUES ($1, TRUE, $2, $2)
        RETURNING id"#;
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(name).bind(now).fetch_one(&mut *conn).await)
}

pub async fn add_member(c: Conn<'_>, department_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO department_members (department_id, user_id) VALUES ($1, $2)
        ON CONFLICT (department_id, user_id) DO NOTHING"#;
    on_conn!(c, conn => sqlx::query(SQL).bind(department_id).bind(user_id).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// `(id, name)` of every department, active or not, by name.
pub async fn list(c: Conn<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT id, name FROM departments ORDER BY name";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}

/// `(id, name)` of the active departments, by name.
pub async fn list_active(c: Conn<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT id, name FROM departments WHERE active = TRUE ORDER BY name";
    on_conn!(c, conn => sqlx::query_as(SQL).fetch_all(&mut *conn).await)
}
