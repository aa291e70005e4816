//! Server functions answer errors with status 500 and the serialized `AppError`; this layer
//! gives them the status the error means (401, 403, 404, 422, 429 …), so that no bad input
//! shows up as a server error in logs, metrics or the browser.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::error::AppError;

pub const PREFIX: &str = "/api/fn/";
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn map_server_fn_errors(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with(PREFIX);
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited {
            retry_after_seconds,
        }
        | AppError::Unavailable {
            retry_after_seconds,
        } = error
        {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
