//! SQL for admin settings: one JSON value per key.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use super::Conn;
use crate::on_conn;

/// A setting's value and when it last changed.
pub async fn get(
    c: Conn<'_>,
    key: &str,
) -> Result<Option<(Json<Value>, DateTime<Utc>)>, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_as("SELECT value, updated_at FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await)
}

/// When a setting last changed (`None`: never set).
pub async fn changed_at(c: Conn<'_>, key: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT updated_at FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await)
}

pub async fn put(
    c: Conn<'_>,
    key: &str,
    value: &Value,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(key)
        .bind(Json(value))
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    Ok(())
}
