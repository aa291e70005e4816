//! The public REST API v1 (shared/API.md) and the operations endpoints. Handlers are thin: they
//! extract, call `app::server::services`, and map the result or the error.

mod admin_articles;
mod articles;
mod auth;
mod json;
mod me;
mod ops;
mod organization;
mod problem;
mod session;
mod tickets;
mod workspace;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post, put};
use axum::Router;
use utoipa::OpenApi;

use app::server::AppState;

pub use auth::Caller;
pub use ops::{healthz, readyz};
pub use problem::{Problem, RequestLanguage};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chamado API",
        version = "1",
        description = "Chamado's public REST API (v1). Errors are RFC 9457 problem documents in the caller's language."
    ),
    paths(
        ops::healthz,
        ops::readyz,
        openapi_json,
        session::create,
        session::delete,
        me::get,
        me::patch,
        me::create_token,
        me::list_tokens,
        me::delete_token,
        organization::list,
        organization::invite,
        organization::patch,
        tickets::departments,
        tickets::ticket_types,
        tickets::create,
        tickets::list,
        tickets::get,
        tickets::stats,
        tickets::reply,
        tickets::patch,
        tickets::reopen,
        tickets::escalate,
        tickets::attachment,
        crate::sse::events,
        articles::search,
        articles::get,
        articles::list,
        articles::feedback,
        articles::suggestions,
        articles::deflection_step,
        admin_articles::list,
        admin_articles::create,
        admin_articles::get,
        admin_articles::patch,
        admin_articles::delete,
        admin_articles::synonyms,
        admin_articles::put_synonyms,
        admin_articles::deflection_report,
        workspace::presence,
        workspace::merge,
        workspace::link,
        workspace::canned_for_ticket,
        workspace::queues,
        workspace::admin_list,
        workspace::admin_create,
        workspace::admin_get,
        workspace::admin_patch,
        workspace::admin_delete,
        workspace::department_patch,
    ),
    components(schemas(
        problem::Problem,
        problem::ProblemField,
        ops::Readiness,
        session::SessionRequest,
        session::UserEnvelope,
        me::MeUpdateRequest,
        me::PasswordChangeRequest,
        me::TokenRequest,
        organization::InviteRequest,
        organization::MemberPatch,
        app::server::services::tickets::NewTicketInput,
        app::server::services::tickets::TicketPage,
        app::server::services::tickets::TicketDetail,
        app::server::services::tickets::TicketUpdate,
        app::server::services::tickets::Escalation,
        app::server::services::tickets::MessageView,
        tickets::MessageRequest,
        tickets::ReasonRequest,
        tickets::NewTicketMultipart,
        tickets::MessageMultipart,
        articles::DeflectionStepRequest,
        workspace::PresenceAnswer,
        workspace::CannedList,
        workspace::DepartmentPatch,
        app::domain::PresenceUpdate,
        app::domain::PresenceEntry,
        app::domain::PresenceState,
        app::domain::MergeRequest,
        app::domain::LinkRequest,
        app::domain::CannedInput,
        app::domain::CannedResponse,
        app::domain::QueueCounts,
        app::domain::HistoryEntry,
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`: the OpenAPI document, generated from the handlers' annotations.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "This API's OpenAPI 3.1 document")))]
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// Routes under `/api/v1`. Unknown paths answer a problem document, never the HTML app.
pub fn v1_router() -> Router<AppState> {
    Router::new()
        .route("/session", post(session::create).delete(session::delete))
        .route("/me", get(me::get).patch(me::patch))
        .route("/me/tokens", get(me::list_tokens).post(me::create_token))
        .route("/me/tokens/{id}", delete(me::delete_token))
        .route(
            "/organization/members",
            get(organization::list).post(organization::invite),
        )
        .route("/organization/members/{id}", patch(organization::patch))
        .route("/departments", get(tickets::departments))
        .route("/ticket-types", get(tickets::ticket_types))
        .route(
            "/tickets",
            get(tickets::list)
                .post(tickets::create)
                .layer(DefaultBodyLimit::max(tickets::UPLOAD_BODY_LIMIT)),
        )
        .route("/tickets/{id}", get(tickets::get).patch(tickets::patch))
        .route(
            "/tickets/{id}/messages",
            post(tickets::reply).layer(DefaultBodyLimit::max(tickets::UPLOAD_BODY_LIMIT)),
        )
        .route("/attachments/{id}", get(tickets::attachment))
        .route("/events", get(crate::sse::events))
        .route("/tickets/{id}/reopen", post(tickets::reopen))
        .route("/tickets/{id}/escalations", post(tickets::escalate))
        .route("/stats/tickets", get(tickets::stats))
        .route("/stats/queues", get(workspace::queues))
        .route("/tickets/{id}/presence", put(workspace::presence))
        .route("/tickets/{id}/merge", post(workspace::merge))
        .route("/tickets/{id}/links", post(workspace::link))
        .route(
            "/tickets/{id}/canned-responses",
            get(workspace::canned_for_ticket),
        )
        .route(
            "/admin/canned-responses",
            get(workspace::admin_list).post(workspace::admin_create),
        )
        .route(
            "/admin/canned-responses/{id}",
            get(workspace::admin_get)
                .patch(workspace::admin_patch)
                .delete(workspace::admin_delete),
        )
        .route(
            "/admin/departments/{id}",
            patch(workspace::department_patch),
        )
        .route("/articles", get(articles::list))
        .route("/articles/search", get(articles::search))
        .route("/articles/{slug}", get(articles::get))
        .route("/articles/{slug}/feedback", post(articles::feedback))
        .route("/suggestions", get(articles::suggestions))
        .route(
            "/suggestions/{attempt}/steps",
            post(articles::deflection_step),
        )
        .route(
            "/admin/articles",
            get(admin_articles::list).post(admin_articles::create),
        )
        .route(
            "/admin/articles/{id}",
            get(admin_articles::get)
                .patch(admin_articles::patch)
                .delete(admin_articles::delete),
        )
        .route(
            "/admin/synonyms",
            get(admin_articles::synonyms).put(admin_articles::put_synonyms),
        )
        .route(
            "/admin/reports/deflection",
            get(admin_articles::deflection_report),
        )
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
}

/// Operations routes: health, readiness, OpenAPI.
pub fn ops_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/api/openapi.json", get(openapi_json))
        .route("/sitemap.xml", get(articles::sitemap))
}
