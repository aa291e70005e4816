//! Notifications: one's choices and bell; the outbox for admins and leads.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{
    NotificationChoice, NotificationKind, NotificationList, OutboundEmailPage, OutboundEmailView,
};
use crate::error::AppError;

/// One's choice of notifications for every kind one's role gets.
#[server(prefix = "/api/fn", endpoint = "me/notification-preferences", input = GetUrl)]
pub async fn get_notification_choices() -> Result<Vec<NotificationChoice>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::notifications::choices(&state.db, &user).await
}

/// Changes one choice (each switch saves at once); answers all of them.
#[server(prefix = "/api/fn", endpoint = "me/notification-preferences/set")]
pub async fn set_notification_choice(
    kind: NotificationKind,
    email: bool,
    in_app: bool,
) -> Result<Vec<NotificationChoice>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let choice = NotificationChoice {
        kind,
        email,
        in_app,
    };
    crate::backend::services::notifications::set_choices(&state.db, &user, &[choice]).await
}

/// The bell: one's latest notifications and the unread count.
#[server(prefix = "/api/fn", endpoint = "me/notifications", input = GetUrl)]
pub async fn get_notifications() -> Result<NotificationList, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::notifications::bell(&state.db, &user).await
}

/// Marks one notification (or all, without an id) read.
#[server(prefix = "/api/fn", endpoint = "me/notifications/read")]
pub async fn mark_notifications_read(id: Option<i64>) -> Result<NotificationList, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::notifications::mark_read(&state.db, &user, id, chrono::Utc::now())
        .await
}

/// A page of the outbox ("E-mails enviados").
#[server(prefix = "/api/fn", endpoint = "admin/emails", input = GetUrl)]
pub async fn get_outbox(
    #[server(default)] state: Option<String>,
    #[server(default)] before: Option<i64>,
) -> Result<OutboundEmailPage, AppError> {
    let (app, user) = crate::backend::auth::signed_in().await?;
    let relay = app.mail.transport.is_configured();
    crate::backend::services::notifications::outbox(&app.db, &user, state.as_deref(), before, relay)
        .await
}

/// One mail of the outbox, whole.
#[server(prefix = "/api/fn", endpoint = "admin/email", input = GetUrl)]
pub async fn get_outbound_email(id: i64) -> Result<OutboundEmailView, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::notifications::outbound_email(&state.db, &user, id).await
}

/// Sends a mail of the outbox again (admins).
#[server(prefix = "/api/fn", endpoint = "admin/email/resend")]
pub async fn resend_email(id: i64) -> Result<OutboundEmailView, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::notifications::resend(&state.db, &user, id, chrono::Utc::now()).await
}
