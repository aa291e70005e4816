//! Each person's choice of notifications: one row per kind they changed from the default
//! ([`default_choice`]).

use std::collections::HashMap;

use crate::backend::db::Conn;
use crate::domain::{default_choice, NotificationChoice, NotificationKind, Role};
use crate::on_conn;

/// The choices of one person for every kind their role receives.
pub async fn choices(
    c: Conn<'_>,
    user_id: i64,
    role: Role,
) -> Result<Vec<NotificationChoice>, sqlx::Error> {
    const SQL: &str = "SELECT kind, email, in_app FROM notification_preferences WHERE user_id = $1";
    let rows: Vec<(String, bool, bool)> =
        on_conn!(c, conn => sqlx::query_as(SQL).bind(user_id).fetch_all(&mut *conn).await)?;
    let stored: HashMap<String, (bool, bool)> = rows
        .into_iter()
        .map(|(kind, email, in_app)| (kind, (email, in_app)))
        .collect();
    Ok(NotificationKind::for_role(role)
        .into_iter()
        .map(|kind| match stored.get(kind.as_str()) {
            Some(&(email, in_app)) => NotificationChoice {
                kind,
                email,
                in_app,
            },
            None => default_choice(kind),
        })
        .collect())
}

/// Stores one choice.
pub async fn set(
    c: Conn<'_>,
    user_id: i64,
    choice: &NotificationChoice,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO notification_preferences (user_id, kind, email, in_app) \
                       VALUES ($1, $2, $3, $4) \
                       ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email, in_app = excluded.in_app";
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(user_id)
        .bind(choice.kind.as_str())
        .bind(choice.email)
        .bind(choice.in_app)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

/// Turns e-mail off for one kind (the one-click unsubscribe), keeping the in-app choice.
pub async fn stop_email(
    c: Conn<'_>,
    user_id: i64,
    kind: NotificationKind,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO notification_preferences (user_id, kind, email, in_app) \
                       VALUES ($1, $2, false, true) \
                       ON CONFLICT (user_id, kind) DO UPDATE SET email = false";
    on_conn!(c, conn => sqlx::query(SQL).bind(user_id).bind(kind.as_str()).execute(&mut *conn).await.map(|_| ()))
}

/// The choice of one person for one kind.
pub async fn choice(
    c: Conn<'_>,
    user_id: i64,
    kind: NotificationKind,
) -> Result<NotificationChoice, sqlx::Error> {
    const SQL: &str = "SELECT email, in_app FROM notification_preferences \
                       WHERE user_id = $1 AND kind = $2";
    let row: Option<(bool, bool)> = on_conn!(c, conn => sqlx::query_as(SQL).bind(user_id).bind(kind.as_str()).fetch_optional(&mut *conn).await)?;
    Ok(match row {
        Some((email, in_app)) => NotificationChoice {
            kind,
            email,
            in_app,
        },
        None => default_choice(kind),
    })
}
