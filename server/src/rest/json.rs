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
