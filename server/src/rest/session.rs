//! `POST /api/v1/session` (sign in) and `DELETE /api/v1/session` (sign out).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;

use app::backend::auth::client_ip_from;
use app::backend::services::auth::{self, Credentials};
use app::backend::{session, AppState};
use app::domain::CurrentUser;

use super::json::ApiJson;
use super::problem::{Problem, RequestLanguage};

#[derive(Debug, Deserialize, ToSchema)]
pub struct SessionRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserEnvelope {
    pub user: CurrentUser,
}

/// Sign in: sets the session cookie (a new session id every time).
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SessionRequest, responses(
    (status = 200, description = "Signed in", body = UserEnvelope),
    (status = 401, description = "Wrong e-mail or password (the same answer for both)", body = Problem),
    (status = 429, description = "Too many failures for this account or address; see Retry-After", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    RequestLanguage(lang): RequestLanguage,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    ApiJson(body): ApiJson<SessionRequest>,
) -> Result<ApiJson<UserEnvelope>, Problem> {
    let now = Utc::now();
    let client_ip = client_ip_from(&headers, Some(peer), state.settings.trust_proxy);
    let credentials = Credentials {
        email: &body.email,
        password: &body.password,
        client_ip,
    };
    let user = auth::sign_in(&state.db, credentials, now)
        .await
        .map_err(|e| Problem::from_error(&e, lang))?;
    session::start(&session, user.id, now)
        .await
        .map_err(|e| Problem::from_error(&e, lang))?;
    Ok(ApiJson(UserEnvelope { user }))
}

/// Sign out: the session is destroyed on the server and the cookie cleared.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "Signed out")))]
pub async fn delete(
    State(state): State<AppState>,
    RequestLanguage(lang): RequestLanguage,
    session: Session,
) -> Result<StatusCode, Problem> {
    session::end(&session, &state.db)
        .await
        .map_err(|e| Problem::from_error(&e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}
