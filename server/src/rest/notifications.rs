//! Notifications: one's choices and bell, the one-click unsubscribe of mails, and the outbox
//! for admins ("E-mails enviados").

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use app::backend::mail::compose::escape;
use app::backend::mail::texts::text;
use app::backend::services::notifications;
use app::backend::AppState;
use app::domain::{
    Language, NotificationChoice, NotificationList, OutboundEmailPage, OutboundEmailView,
};
use app::error::AppError;

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;

#[derive(Debug, serde::Serialize, Deserialize, ToSchema)]
pub struct NotificationChoices {
    pub choices: Vec<NotificationChoice>,
}

/// One's choice of notifications, by e-mail and in the app, for every kind one's role gets.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "account",
    responses((status = 200, description = "The choices", body = NotificationChoices),
        (status = 401, description = "Not signed in", body = Problem)))]
pub async fn get_choices(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<NotificationChoices>, Problem> {
    notifications::choices(&state.db, &caller.user)
        .await
        .map(|choices| ApiJson(NotificationChoices { choices }))
        .map_err(Problem::from)
}

/// Change some of one's choices: `{choices: [{kind, email, in_app}]}`. A kind one's role does
/// not get is 422 and nothing changes.
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "account",
    request_body = NotificationChoices,
    responses((status = 200, description = "The choices now", body = NotificationChoices),
        (status = 422, description = "A kind not for this role", body = Problem)))]
pub async fn put_choices(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NotificationChoices>,
) -> Result<ApiJson<NotificationChoices>, Problem> {
    notifications::set_choices(&state.db, &caller.user, &body.choices)
        .await
        .map(|choices| ApiJson(NotificationChoices { choices }))
        .map_err(Problem::from)
}

/// The bell: one's latest notifications and the unread count.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "account",
    responses((status = 200, description = "The notifications", body = NotificationList),
        (status = 401, description = "Not signed in", body = Problem)))]
pub async fn bell(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<NotificationList>, Problem> {
    notifications::bell(&state.db, &caller.user)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkRead {
    /// One notification; absent: all of them.
    pub id: Option<i64>,
}

/// Mark one notification (or all) read; answers the bell as it is now.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "account",
    request_body = MarkRead,
    responses((status = 200, description = "The notifications", body = NotificationList)))]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<ApiJson<NotificationList>, Problem> {
    notifications::mark_read(&state.db, &caller.user, body.id, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UnsubscribeQuery {
    /// The signed token of the mail's link.
    pub token: Option<String>,
}

/// The page behind a mail's unsubscribe link: asks to confirm (a link scanner following it
/// changes nothing).
#[utoipa::path(get, path = "/api/v1/notifications/unsubscribe", tag = "account",
    params(UnsubscribeQuery),
    responses((status = 200, description = "A page asking to confirm"),
        (status = 404, description = "Not a genuine link")))]
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    Query(query): Query<UnsubscribeQuery>,
) -> Response {
    let token = query.token.unwrap_or_default();
    let Some((user_id, kind)) = state.mail.ctx.keys.check_unsubscribe_token(&token) else {
        return invalid_link();
    };
    let language = language_of(&state, user_id).await;
    let kind_name = text(language, &format!("kind.{kind}"), &[]);
    let title = text(language, "unsubscribe.title", &[]);
    let question = text(language, "unsubscribe.question", &[("kind", &kind_name)]);
    let button = text(language, "unsubscribe.confirm", &[]);
    page(
        language,
        &title,
        &format!(
            "<p>{}</p><form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\"><button type=\"submit\">{}</button></form>",
            escape(&question),
            escape(&button)
        ),
    )
}

/// One-click unsubscribe (RFC 8058): mail providers POST here; so does the confirm button.
#[utoipa::path(post, path = "/api/v1/notifications/unsubscribe", tag = "account",
    params(UnsubscribeQuery),
    responses((status = 200, description = "Unsubscribed"),
        (status = 404, description = "Not a genuine link")))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    Query(query): Query<UnsubscribeQuery>,
) -> Response {
    let token = query.token.unwrap_or_default();
    match notifications::unsubscribe(&state.db, &state.mail.ctx.keys, &token).await {
        Ok((user_id, kind)) => {
            let language = language_of(&state, user_id).await;
            let kind_name = text(language, &format!("kind.{}", kind.as_str()), &[]);
            let title = text(language, "unsubscribe.title", &[]);
            let done = text(language, "unsubscribe.done", &[("kind", &kind_name)]);
            page(
                language,
                &title,
                &format!("<p role=\"status\">{}</p>", escape(&done)),
            )
        }
        Err(AppError::NotFound { .. }) => invalid_link(),
        Err(error) => Problem::from(error).into_response(),
    }
}

async fn language_of(state: &AppState, user_id: i64) -> Language {
    let Ok(mut c) = state.db.acquire().await else {
        return Language::default();
    };
    app::backend::mail::notices::person(c.conn(), user_id)
        .await
        .ok()
        .flatten()
        .map(|p| p.language())
        .unwrap_or_default()
}

fn invalid_link() -> Response {
    let language = Language::default();
    let message = text(language, "unsubscribe.invalid", &[]);
    let title = text(language, "unsubscribe.title", &[]);
    let mut response = page(language, &title, &format!("<p>{}</p>", escape(&message)));
    *response.status_mut() = axum::http::StatusCode::NOT_FOUND;
    response
}

fn page(language: Language, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/pkg/chamado.css\"></head><body><main class=\"page narrow\"><h1>{}</h1>{body}</main></body></html>",
        language.code(),
        escape(title),
        escape(title)
    );
    ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// `queued`, `sent`, `kept` or `failed`.
    pub state: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

/// The outbox (admins): every mail Chamado composed, newest first, with where it stands.
#[utoipa::path(get, path = "/api/v1/admin/emails", tag = "administration",
    params(OutboxQuery),
    responses((status = 200, description = "A page", body = OutboundEmailPage),
        (status = 403, description = "Not an admin", body = Problem)))]
pub async fn outbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<OutboxQuery>,
) -> Result<ApiJson<OutboundEmailPage>, Problem> {
    notifications::outbox(
        &state.db,
        &caller.user,
        query.state.as_deref(),
        query.before,
        state.mail.transport.is_configured(),
    )
    .await
    .map(ApiJson)
    .map_err(Problem::from)
}

/// One mail, whole (admins). A single-use link shows as a placeholder.
#[utoipa::path(get, path = "/api/v1/admin/emails/{id}", tag = "administration",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The mail", body = OutboundEmailView),
        (status = 404, description = "No such mail", body = Problem)))]
pub async fn outbound_email(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<ApiJson<OutboundEmailView>, Problem> {
    notifications::outbound_email(&state.db, &caller.user, id)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Send a mail again (admins). A mail with a single-use link cannot be: 409.
#[utoipa::path(post, path = "/api/v1/admin/emails/{id}/resend", tag = "administration",
    params(("id" = i64, Path)),
    responses((status = 200, description = "Queued again", body = OutboundEmailView),
        (status = 409, description = "Holds a single-use link, or is queued already", body = Problem)))]
pub async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<ApiJson<OutboundEmailView>, Problem> {
    notifications::resend(&state.db, &caller.user, id, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}
