//! A JSON body extractor whose rejections are translated problem documents.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

use app::error::AppError;

use super::problem::{language_of, Problem};

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = language_of(request.headers());
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                let (error, detail) = match &rejection {
                    JsonRejection::MissingJsonContentType(_) => {
                        (AppError::UnsupportedMediaType, None)
                    }
                    JsonRejection::JsonDataError(e) => (
                        AppError::Validation {
                            errors: vec![app::error::FieldError::new("body", "invalid")],
                        },
                        Some(e.body_text()),
                    ),
                    JsonRejection::BytesRejection(_) => (AppError::PayloadTooLarge, None),
                    other => (
                        AppError::Malformed {
                            code: "invalid_json".to_owned(),
                        },
                        Some(other.body_text()),
                    ),
                };
                let mut problem = Problem::from_error(&error, lang);
                problem.detail = detail;
                Err(problem)
            }
        }
    }
}

/// Responses: serialised into one pre-sized `Vec` (axum's `Json` writes token by token into a
/// `BytesMut`, which showed up as 9 % of a list request's CPU).
impl<T: serde::Serialize> axum::response::IntoResponse for ApiJson<T> {
    fn into_response(self) -> axum::response::Response {
        let mut body = Vec::with_capacity(4096);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(error) => {
                tracing::error!(%error, "response not serialisable");
                axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}
