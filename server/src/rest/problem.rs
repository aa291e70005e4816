//! RFC 9457 problem documents in the caller's language.

use std::cell::Cell;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use app::domain::Language;
use app::error::{AppError, Entity};
use app::i18n::Locale;

tokio::task_local! {
    /// The language the request being answered is answered in: its `Accept-Language` (or
    /// language cookie) at first, the caller's own once the `Caller` extractor knows them.
    static ANSWER_LANGUAGE: Cell<Language>;
}

/// Middleware of `/api/v1`: every problem the request ends with is written in one language,
/// so handlers answer a service's error with `?` (the one responder: `From<AppError>`).
pub async fn answer_in_language(request: Request, next: Next) -> Response {
    let language = language_of(request.headers());
    ANSWER_LANGUAGE
        .scope(Cell::new(language), next.run(request))
        .await
}

/// Problems of this request are written in the caller's language from now on.
pub fn answer_in(language: Language) {
    let _ = ANSWER_LANGUAGE.try_with(|l| l.set(language));
}

fn answer_language() -> Language {
    ANSWER_LANGUAGE.try_with(Cell::get).unwrap_or_default()
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        Problem::from_error(&error, answer_language())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// `application/problem+json` (RFC 9457) with Chamado's field errors.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The specific reason of a conflict or malformed request (`ticket_closed`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    #[serde(skip)]
    retry_after: Option<u64>,
    /// The connection is closed after this answer (a body that is refused unread).
    #[serde(skip)]
    pub close_connection: bool,
}

impl Problem {
    pub fn from_error(error: &AppError, lang: Language) -> Self {
        let locale = Locale::from(lang);
        let errors = match error {
            AppError::Validation { errors } => errors
                .iter()
                .map(|e| ProblemField {
                    field: e.field.clone(),
                    code: e.code.clone(),
                    message: e.message(locale),
                })
                .collect(),
            _ => Vec::new(),
        };
        let retry_after = match error {
            AppError::RateLimited {
                retry_after_seconds,
            }
            | AppError::Unavailable {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        };
        Problem {
            kind: format!("https://chamado.dev/problems/{}", error.code()),
            title: error.title(locale),
            status: error.status_code(),
            detail: None,
            code: match error {
                AppError::Conflict { code } | AppError::Malformed { code } => Some(code.clone()),
                _ => None,
            },
            errors,
            retry_after,
            close_connection: false,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let close_connection = self.close_connection;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if close_connection {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// The language negotiated from a request's `Accept-Language` (pt-BR when absent).
pub fn language_of(headers: &axum::http::HeaderMap) -> Language {
    Language::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
    )
}

/// The language of the caller, from `Accept-Language` (pt-BR when absent).
#[derive(Debug, Clone, Copy)]
pub struct RequestLanguage(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for RequestLanguage {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLanguage(language_of(&parts.headers)))
    }
}

/// The fallback of `/api/v1`: a 404 problem.
pub async fn not_found(RequestLanguage(lang): RequestLanguage) -> Problem {
    Problem::from_error(&AppError::not_found(Entity::Page), lang)
}

/// A known path with another method: 405 as a problem document.
pub async fn method_not_allowed(RequestLanguage(lang): RequestLanguage) -> Response {
    let mut problem = Problem::from_error(
        &AppError::Malformed {
            code: "method_not_allowed".to_owned(),
        },
        lang,
    );
    problem.status = 405;
    problem.into_response()
}
