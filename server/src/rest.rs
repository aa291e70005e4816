//! The public REST API v1 (shared/API.md) and the operations endpoints. Handlers are thin: they
//! extract, call `app::server::services`, and map the result or the error.

mod ops;
mod problem;

use axum::routing::get;
use axum::Router;
use utoipa::OpenApi;

use app::server::AppState;

pub use ops::{healthz, readyz};
pub use problem::{Problem, RequestLanguage};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chamado API",
        version = "1",
        description = "Chamado's public REST API (v1)."
    ),
    paths(ops::healthz, ops::readyz, openapi_json),
    components(schemas(problem::Problem, problem::ProblemField, ops::Readiness))
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
    Router::new().fallback(problem::not_found)
}

/// Operations routes: health, readiness, OpenAPI.
pub fn ops_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/api/openapi.json", get(openapi_json))
}
