//! Tickets (API.md "Tickets"): catalog, create, list, one ticket, counters.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;

use app::domain::{NamedRef, TicketStats, TicketSummary, TicketTypeInfo};
use app::error::AppError;
use app::server::services::tickets::{self, ListParams, NewTicketInput, TicketDetail, TicketPage};
use app::server::AppState;

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;

/// Active departments.
#[utoipa::path(get, path = "/api/v1/departments", tag = "tickets", responses(
    (status = 200, description = "Departments", body = Vec<NamedRef>),
    (status = 401, description = "Not signed in", body = Problem)))]
pub async fn departments(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<NamedRef>>, Problem> {
    tickets::departments(&state.db)
        .await
        .map(Json)
        .map_err(|e| caller.problem(&e))
}

/// The ticket types the caller may open, with their fields.
#[utoipa::path(get, path = "/api/v1/ticket-types", tag = "tickets", responses(
    (status = 200, description = "Types", body = Vec<TicketTypeInfo>)))]
pub async fn ticket_types(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TicketTypeInfo>>, Problem> {
    tickets::ticket_types_for(&state.db, &caller.user)
        .await
        .map(Json)
        .map_err(|e| caller.problem(&e))
}

/// Open a ticket (JSON). The message has at most 1000 characters (Unicode scalar values).
/// With an `Idempotency-Key` header, a retry with the same key answers the ticket the first
/// request created instead of opening a duplicate.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = NewTicketInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string per intended ticket")),
    responses(
    (status = 201, description = "Created", body = TicketSummary),
    (status = 403, description = "The caller may not open tickets (plan or grant)", body = Problem),
    (status = 422, description = "Invalid fields, e.g. message too_long", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(input): ApiJson<NewTicketInput>,
) -> Result<(StatusCode, Json<TicketSummary>), Problem> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let (ticket, _created) =
        tickets::create_ticket_once(&state.db, &caller.user, input, "api", key, Utc::now())
            .await
            .map_err(|e| caller.problem(&e))?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// Tickets the caller may see, newest activity first by default, keyset-paginated.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets",
    params(
        ("status" = Option<String>, Query, description = "Comma list: open,answered,closed"),
        ("priority" = Option<String>, Query, description = "low, medium, high or critical"),
        ("department_id" = Option<i64>, Query),
        ("type" = Option<String>, Query, description = "Ticket type key"),
        ("assignee" = Option<String>, Query, description = "me, none or a user id"),
        ("organization_id" = Option<i64>, Query),
        ("q" = Option<String>, Query, description = "Matches the id, the subject and message text"),
        ("sort" = Option<String>, Query, description = "-updated_at (default), created_at, -priority"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses(
        (status = 200, description = "A page", body = TicketPage),
        (status = 422, description = "Invalid filter", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<TicketPage>, Problem> {
    let params: ListParams = serde_urlencoded::from_str(raw.as_deref().unwrap_or_default())
        .map_err(|_| {
            caller.problem(&AppError::Malformed {
                code: "invalid_query".to_owned(),
            })
        })?;
    let (filter, sort, cursor, limit) =
        params.parse(&caller.user).map_err(|e| caller.problem(&e))?;
    tickets::list_tickets(
        &state.db,
        &caller.user,
        filter,
        sort,
        cursor.as_deref(),
        limit,
    )
    .await
    .map(Json)
    .map_err(|e| caller.problem(&e))
}

/// One ticket with its conversation. Another organization's ticket answers 404 like a missing one.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 200, description = "The ticket", body = TicketDetail),
        (status = 404, description = "No such ticket, or not visible to the caller", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<TicketDetail>, Problem> {
    tickets::get_ticket(&state.db, &caller.user, &id)
        .await
        .map(Json)
        .map_err(|e| caller.problem(&e))
}

/// Counters over what the caller may see.
#[utoipa::path(get, path = "/api/v1/stats/tickets", tag = "tickets", responses(
    (status = 200, description = "Counters", body = TicketStats)))]
pub async fn stats(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<TicketStats>, Problem> {
    tickets::stats(&state.db, &caller.user)
        .await
        .map(Json)
        .map_err(|e| caller.problem(&e))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageRequest {
    pub body: String,
    /// Support only: a note customers never see.
    #[serde(default)]
    pub internal: bool,
}

/// Reply (or, for support, add an internal note). A support answer makes the ticket
/// `answered`; a customer reply makes it `open` again.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/messages", tag = "tickets", request_body = MessageRequest,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 201, description = "Created", body = app::server::services::tickets::MessageView),
        (status = 409, description = "The ticket is closed (reopen it first)", body = Problem),
        (status = 422, description = "Empty or too long", body = Problem)))]
pub async fn reply(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MessageRequest>,
) -> Result<(StatusCode, Json<tickets::MessageView>), Problem> {
    let message = tickets::reply(
        &state.db,
        &caller.user,
        &id,
        &body.body,
        body.internal,
        "api",
        Utc::now(),
    )
    .await
    .map_err(|e| caller.problem(&e))?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Change a ticket. Customers may only close their own; support changes status, priority,
/// type, department and assignee (each change goes to the history).
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", request_body = tickets::TicketUpdate,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 200, description = "Updated", body = TicketSummary),
        (status = 403, description = "Not allowed to make this change", body = Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<tickets::TicketUpdate>,
) -> Result<Json<TicketSummary>, Problem> {
    tickets::update_ticket(&state.db, &caller.user, &id, update, Utc::now())
        .await
        .map(Json)
        .map_err(|e| caller.problem(&e))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

/// Reopen a closed ticket with a reason (within 30 days of closing).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/reopen", tag = "tickets", request_body = ReasonRequest,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 200, description = "Reopened", body = TicketSummary),
        (status = 409, description = "Not closed, or closed more than 30 days ago (reopen_window_passed)", body = Problem)))]
pub async fn reopen(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<Json<TicketSummary>, Problem> {
    tickets::reopen(&state.db, &caller.user, &id, &body.reason, Utc::now())
        .await
        .map(Json)
        .map_err(|e| caller.problem(&e))
}

/// Escalate with a justification: the ticket is flagged for the leads.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/escalations", tag = "tickets", request_body = ReasonRequest,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 201, description = "Escalated", body = tickets::Escalation),
        (status = 409, description = "The ticket is closed", body = Problem)))]
pub async fn escalate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<(StatusCode, Json<tickets::Escalation>), Problem> {
    let escalation = tickets::escalate(&state.db, &caller.user, &id, &body.reason, Utc::now())
        .await
        .map_err(|e| caller.problem(&e))?;
    Ok((StatusCode::CREATED, Json(escalation)))
}
