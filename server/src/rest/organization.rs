//! An organization admin's members: `/api/v1/organization/members`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use app::backend::services::organization;
use app::backend::AppState;
use app::domain::{InvitationReceipt, Member};
use app::error::{AppError, Entity};

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;

/// The members of the caller's organization (organization admins only).
#[utoipa::path(get, path = "/api/v1/organization/members", tag = "organization", responses(
    (status = 200, description = "Members", body = Vec<Member>),
    (status = 403, description = "Not an organization admin", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<Vec<Member>>, Problem> {
    organization::list_members(&state.db, &caller.user)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    pub email: String,
    pub name: String,
    #[serde(default)]
    pub can_open_tickets: bool,
}

/// Invite a person as a customer. The answer is the same whether the address could be invited
/// or belongs to someone outside the organization (who has an account is never revealed); the
/// new member shows in the member list. Until e-mail is configured, an admin passes the
/// single-use link on (it is never written to a log).
#[utoipa::path(post, path = "/api/v1/organization/members", tag = "organization", request_body = InviteRequest, responses(
    (status = 202, description = "Invitation sent if the address can be invited", body = InvitationReceipt),
    (status = 422, description = "Invalid e-mail or name, or already a member (already_member)", body = Problem)))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, ApiJson<InvitationReceipt>), Problem> {
    let outcome = organization::invite_member(
        &state.db,
        &caller.user,
        &body.email,
        &body.name,
        body.can_open_tickets,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, ApiJson(outcome.receipt(&body.email))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberPatch {
    pub can_open_tickets: Option<bool>,
    pub active: Option<bool>,
}

/// Grant or withdraw the right to open tickets; deactivate or reactivate.
#[utoipa::path(patch, path = "/api/v1/organization/members/{id}", tag = "organization", request_body = MemberPatch,
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Updated", body = Member),
        (status = 404, description = "Not a member of the caller's organization", body = Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MemberPatch>,
) -> Result<ApiJson<Member>, Problem> {
    let id: i64 = id
        .parse()
        .map_err(|_| Problem::from(AppError::not_found(Entity::User)))?;
    let change = organization::MemberChange {
        can_open_tickets: body.can_open_tickets,
        active: body.active,
    };
    organization::update_member(&state.db, &caller.user, id, change, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}
