//! `GET/PATCH /api/v1/me` and personal API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;
use utoipa::ToSchema;

use app::backend::services::auth::{self, MeUpdate, PasswordChange};
use app::backend::{session, AppState};
use app::domain::{ApiTokenSummary, CurrentUser, Language, NewApiToken};
use app::error::{AppError, Entity};

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;
use super::session::UserEnvelope;

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses(
    (status = 200, description = "The caller", body = CurrentUser),
    (status = 401, description = "Not signed in", body = Problem)))]
pub async fn get(caller: Caller) -> ApiJson<CurrentUser> {
    ApiJson(caller.user)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChangeRequest {
    pub current: String,
    pub new: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MeUpdateRequest {
    pub name: Option<String>,
    pub language: Option<Language>,
    pub password: Option<PasswordChangeRequest>,
    /// Support staff: away from round-robin assignment.
    pub away: Option<bool>,
}

/// Change one's name, language or password (other sessions end on a password change).
#[utoipa::path(patch, path = "/api/v1/me", tag = "account", request_body = MeUpdateRequest, responses(
    (status = 200, description = "Updated", body = UserEnvelope),
    (status = 422, description = "Invalid fields (e.g. password.current wrong_password)", body = Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    session: Session,
    ApiJson(body): ApiJson<MeUpdateRequest>,
) -> Result<ApiJson<UserEnvelope>, Problem> {
    let now = Utc::now();
    let update = MeUpdate {
        name: body.name,
        language: body.language,
        password: body.password.map(|p| PasswordChange {
            current: p.current,
            new: p.new,
        }),
        away: body.away,
    };
    let (user, password_changed) = auth::update_me(&state.db, &caller.user, update, now).await?;
    if password_changed && caller.via_session {
        session::start(&session, user.id, now).await?;
    }
    Ok(ApiJson(UserEnvelope { user }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub name: String,
    /// Required when signed in with the session cookie: the person's password, asked again.
    #[serde(default)]
    pub password: Option<String>,
}

/// Create a personal API token; `token` is shown in this answer only.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "account", request_body = TokenRequest, responses(
    (status = 201, description = "Created", body = NewApiToken),
    (status = 422, description = "Invalid name; from a session, the password missing (required) or wrong (wrong_password)", body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<(StatusCode, ApiJson<NewApiToken>), Problem> {
    let password = caller
        .via_session
        .then(|| body.password.clone().unwrap_or_default());
    let token = auth::create_api_token(
        &state.db,
        &caller.user,
        &body.name,
        password.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(token)))
}

/// One's live API tokens (without their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "account", responses(
    (status = 200, description = "Tokens", body = Vec<ApiTokenSummary>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<Vec<ApiTokenSummary>>, Problem> {
    auth::list_api_tokens(&state.db, &caller.user)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Revoke one of one's tokens. Another person's token answers 404.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "account",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such token of yours", body = Problem)))]
pub async fn delete_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id: i64 = id
        .parse()
        .map_err(|_| Problem::from(AppError::not_found(Entity::Page)))?;
    auth::revoke_api_token(&state.db, &caller.user, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
