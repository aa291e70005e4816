//! The agent workspace over REST: presence, merge, links, canned responses, queue counts, and
//! the admin side of canned responses (round-robin is a department setting: `admin.rs`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use app::backend::services::workspace;
use app::backend::AppState;
use app::domain::{
    CannedInput, CannedResponse, LinkRequest, MergeRequest, PresenceEntry, PresenceUpdate,
    QueueCounts, TicketSummary,
};

use super::json::ApiJson;
use super::{Caller, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceAnswer {
    /// Other support staff on the ticket now.
    pub others: Vec<PresenceEntry>,
}

/// Say that one is viewing or replying on a ticket (`state: null` when leaving). Support staff
/// only; others on the ticket get a live `presence` event. Browsers repeat it every 15 s; a
/// presence lasts 45 s without it.
#[utoipa::path(put, path = "/api/v1/tickets/{id}/presence", tag = "workspace", request_body = PresenceUpdate,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 200, description = "Who else is on the ticket", body = PresenceAnswer),
        (status = 403, description = "Not support staff", body = Problem),
        (status = 404, description = "No such ticket in the caller's scope", body = Problem)))]
pub async fn presence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PresenceUpdate>,
) -> Result<ApiJson<PresenceAnswer>, Problem> {
    app::backend::services::presence::set_presence(
        &state.db,
        &caller.user,
        &id,
        body.state,
        Utc::now(),
    )
    .await
    .map(|others| ApiJson(PresenceAnswer { others }))
    .map_err(Problem::from)
}

/// Merge this ticket (a duplicate) into another of the same organization: its messages and files
/// move, it closes with a link to the other. Answers the ticket merged into.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/merge", tag = "workspace", request_body = MergeRequest,
    params(("id" = String, Path, description = "The duplicate: TKT-000042 or 42")),
    responses(
        (status = 200, description = "Merged", body = TicketSummary),
        (status = 409, description = "Already merged", body = Problem),
        (status = 422, description = "into: not_found, same_ticket, merged, other_organization", body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MergeRequest>,
) -> Result<ApiJson<TicketSummary>, Problem> {
    workspace::merge(&state.db, &caller.user, &id, &body.into, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Link a related ticket (both in the caller's scope).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/links", tag = "workspace", request_body = LinkRequest,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 204, description = "Linked"),
        (status = 422, description = "ticket: not_found or same_ticket", body = Problem)))]
pub async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LinkRequest>,
) -> Result<StatusCode, Problem> {
    workspace::link(&state.db, &caller.user, &id, &body.ticket, Utc::now())
        .await
        .map(|()| StatusCode::NO_CONTENT)
        .map_err(Problem::from)
}

/// The canned responses usable on this ticket (its department's and the general ones), with
/// the placeholders (`{{cliente.nome}}`, `{{ticket.id}}`, …) filled in.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/canned-responses", tag = "workspace",
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses((status = 200, description = "Responses", body = Vec<CannedResponse>)))]
pub async fn canned_for_ticket(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<ApiJson<Vec<CannedResponse>>, Problem> {
    workspace::tools(&state.db, &caller.user, &id)
        .await
        .map(|t| ApiJson(t.canned))
        .map_err(Problem::from)
}

/// The dashboard's queue counts: unassigned (in the caller's departments), the caller's own,
/// escalated; over tickets not closed.
#[utoipa::path(get, path = "/api/v1/stats/queues", tag = "workspace",
    responses((status = 200, description = "Counts", body = QueueCounts)))]
pub async fn queues(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<QueueCounts>, Problem> {
    workspace::queue_counts(&state.db, &caller.user)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CannedList {
    pub items: Vec<CannedResponse>,
}

/// Every canned response (admins; leads read).
#[utoipa::path(get, path = "/api/v1/admin/canned-responses", tag = "admin",
    responses((status = 200, description = "Responses", body = CannedList)))]
pub async fn admin_list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<CannedList>, Problem> {
    workspace::canned_list(&state.db, &caller.user)
        .await
        .map(|items| ApiJson(CannedList { items }))
        .map_err(Problem::from)
}

/// Create a canned response: `{title, body, department_id?}` (no department: all of them).
#[utoipa::path(post, path = "/api/v1/admin/canned-responses", tag = "admin", request_body = CannedInput,
    responses(
        (status = 201, description = "Created", body = CannedResponse),
        (status = 422, description = "Invalid fields", body = Problem)))]
pub async fn admin_create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CannedInput>,
) -> Result<(StatusCode, ApiJson<CannedResponse>), Problem> {
    workspace::canned_create(&state.db, &caller.user, body, Utc::now())
        .await
        .map(|c| (StatusCode::CREATED, ApiJson(c)))
        .map_err(Problem::from)
}

#[utoipa::path(get, path = "/api/v1/admin/canned-responses/{id}", tag = "admin",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The response", body = CannedResponse)))]
pub async fn admin_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<ApiJson<CannedResponse>, Problem> {
    workspace::canned_get(&state.db, &caller.user, id)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Change a canned response (`department_id: 0` makes it general; `active: false` hides it).
#[utoipa::path(patch, path = "/api/v1/admin/canned-responses/{id}", tag = "admin", request_body = CannedInput,
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Updated", body = CannedResponse),
        (status = 422, description = "Invalid fields", body = Problem)))]
pub async fn admin_patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CannedInput>,
) -> Result<ApiJson<CannedResponse>, Problem> {
    workspace::canned_update(&state.db, &caller.user, id, body, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Delete (deactivate) a canned response.
#[utoipa::path(delete, path = "/api/v1/admin/canned-responses/{id}", tag = "admin",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deactivated")))]
pub async fn admin_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    let input = CannedInput {
        active: Some(false),
        ..CannedInput::default()
    };
    workspace::canned_update(&state.db, &caller.user, id, input, Utc::now())
        .await
        .map(|_| StatusCode::NO_CONTENT)
        .map_err(Problem::from)
}
