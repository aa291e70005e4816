//! E-mail in: the endpoint mail providers post received mail to, the mailboxes admins set up,
//! what arrived, the addresses that bounced, and a message's original mail.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

use app::backend::services::admin as admin_service;
use app::backend::services::{mail_in, tickets};
use app::backend::AppState;
use app::domain::{
    EmailOriginal, InboundEmailPage, MailChannel, MailboxAdmin, MailboxInput, MailboxWithToken,
    Suppression,
};
use app::error::AppError;

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;

/// The largest raw mail accepted: every attachment at the largest limit, base64-encoded.
pub const RAW_MAIL_LIMIT: usize = 48 << 20;

#[derive(Debug, Deserialize, IntoParams)]
pub struct InboundQuery {
    /// The mailbox's token, for providers that cannot send an `Authorization` header.
    pub token: Option<String>,
}

/// Receive one mail: the raw RFC 5322 message as the body (any content type), authenticated by
/// the mailbox's token (`Authorization: Bearer chm_in_…` or `?token=`). The answer says what
/// Chamado did with it; the same mail posted twice makes one message (`duplicate`).
#[utoipa::path(post, path = "/api/v1/inbound-email", tag = "e-mail",
    params(InboundQuery),
    request_body(content = String, content_type = "application/octet-stream",
        description = "The raw RFC 5322 mail, as received (sent as `message/rfc822` or any other type)"),
    responses((status = 200, description = "What happened to the mail (`outcome`, `reason`, `ticket`)"),
        (status = 401, description = "No or wrong mailbox token", body = Problem),
        (status = 413, description = "Larger than 48 MiB", body = Problem),
        (status = 422, description = "Not a mail (no sender)", body = Problem)))]
pub async fn inbound(
    State(state): State<AppState>,
    Query(query): Query<InboundQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<ApiJson<mail_in::Handled>, Problem> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let Some(token) = bearer.or(query.token).filter(|t| !t.trim().is_empty()) else {
        return Err(AppError::Unauthenticated.into());
    };
    let mailbox = admin_service::mailbox_for_token(&state.db, &token)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let handled = mail_in::receive(
        &state.db,
        &state.mail,
        &state.storage,
        &mailbox,
        &body,
        Utc::now(),
    )
    .await?;
    tracing::info!(mailbox = mailbox.id, outcome = handled.outcome, reason = ?handled.reason, ticket = ?handled.ticket, "mail received");
    Ok(ApiJson(handled))
}

/// Every mailbox (admins). The IMAP password is never shown: only whether one is set.
#[utoipa::path(get, path = "/api/v1/admin/mailboxes", tag = "administration",
    responses((status = 200, description = "The mailboxes", body = [MailboxAdmin]),
        (status = 403, description = "Not an admin", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<Vec<MailboxAdmin>>, Problem> {
    Ok(ApiJson(
        admin_service::mailboxes(&state.db, &caller.user).await?,
    ))
}

/// Create a mailbox (admins). The answer holds its inbound token, shown this once.
#[utoipa::path(post, path = "/api/v1/admin/mailboxes", tag = "administration",
    request_body = MailboxInput,
    responses((status = 201, description = "Created, with its token", body = MailboxWithToken),
        (status = 422, description = "Invalid fields", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<MailboxInput>,
) -> Result<(StatusCode, ApiJson<MailboxWithToken>), Problem> {
    let created = admin_service::create_mailbox(&state.db, &caller.user, input, Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(created)))
}

/// One mailbox (admins).
#[utoipa::path(get, path = "/api/v1/admin/mailboxes/{id}", tag = "administration",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The mailbox", body = MailboxAdmin),
        (status = 404, description = "No such mailbox", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<ApiJson<MailboxAdmin>, Problem> {
    Ok(ApiJson(
        admin_service::mailbox(&state.db, &caller.user, id).await?,
    ))
}

/// Change a mailbox (admins); an empty or absent `imap_password` keeps the stored one.
#[utoipa::path(put, path = "/api/v1/admin/mailboxes/{id}", tag = "administration",
    params(("id" = i64, Path)), request_body = MailboxInput,
    responses((status = 200, description = "The mailbox now", body = MailboxAdmin),
        (status = 422, description = "Invalid fields", body = Problem)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MailboxInput>,
) -> Result<ApiJson<MailboxAdmin>, Problem> {
    Ok(ApiJson(
        admin_service::update_mailbox(&state.db, &caller.user, id, input, Utc::now()).await?,
    ))
}

/// Replace a mailbox's inbound token (admins); the old one stops working at once.
#[utoipa::path(post, path = "/api/v1/admin/mailboxes/{id}/token", tag = "administration",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The new token, shown this once", body = MailboxWithToken),
        (status = 404, description = "No such mailbox", body = Problem)))]
pub async fn rotate_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<ApiJson<MailboxWithToken>, Problem> {
    Ok(ApiJson(
        admin_service::rotate_token(&state.db, &caller.user, id, Utc::now()).await?,
    ))
}

/// The e-mail channel: which plans open tickets by e-mail (admins and leads read).
#[utoipa::path(get, path = "/api/v1/admin/mail-channel", tag = "administration",
    responses((status = 200, description = "The settings", body = MailChannel)))]
pub async fn channel(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<MailChannel>, Problem> {
    Ok(ApiJson(
        admin_service::channel(&state.db, &caller.user).await?,
    ))
}

/// Set which plans open tickets by e-mail (admins).
#[utoipa::path(put, path = "/api/v1/admin/mail-channel", tag = "administration",
    request_body = MailChannel,
    responses((status = 200, description = "The settings now", body = MailChannel)))]
pub async fn put_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<MailChannel>,
) -> Result<ApiJson<MailChannel>, Problem> {
    Ok(ApiJson(
        admin_service::set_channel(&state.db, &caller.user, input, Utc::now()).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReceivedQuery {
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

/// Received mail, newest first, with what Chamado did with each (admins and leads).
#[utoipa::path(get, path = "/api/v1/admin/inbound-emails", tag = "administration",
    params(ReceivedQuery),
    responses((status = 200, description = "A page", body = InboundEmailPage)))]
pub async fn received(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ReceivedQuery>,
) -> Result<ApiJson<InboundEmailPage>, Problem> {
    Ok(ApiJson(
        admin_service::received(&state.db, &caller.user, query.before).await?,
    ))
}

/// Addresses Chamado stopped mailing after a hard bounce (admins and leads).
#[utoipa::path(get, path = "/api/v1/admin/email-suppressions", tag = "administration",
    responses((status = 200, description = "The addresses", body = [Suppression])))]
pub async fn suppressions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<Vec<Suppression>>, Problem> {
    Ok(ApiJson(
        admin_service::suppressions(&state.db, &caller.user).await?,
    ))
}

/// Mail an address again (admins).
#[utoipa::path(delete, path = "/api/v1/admin/email-suppressions/{address}", tag = "administration",
    params(("address" = String, Path)),
    responses((status = 204, description = "Lifted"),
        (status = 404, description = "Not suppressed", body = Problem)))]
pub async fn lift(
    State(state): State<AppState>,
    caller: Caller,
    Path(address): Path<String>,
) -> Result<StatusCode, Problem> {
    admin_service::lift_suppression(&state.db, &caller.user, &address, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The mail a message came from, whole: its headers and all its text (quoted history and
/// signature included). For whoever may see the ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/messages/{message_id}/original", tag = "tickets",
    params(("id" = String, Path), ("message_id" = i64, Path)),
    responses((status = 200, description = "The original mail", body = EmailOriginal),
        (status = 404, description = "No such ticket or e-mail message", body = Problem)))]
pub async fn original(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, message_id)): Path<(String, i64)>,
) -> Result<ApiJson<EmailOriginal>, Problem> {
    Ok(ApiJson(
        tickets::email_original(&state.db, &caller.user, &id, message_id).await?,
    ))
}
