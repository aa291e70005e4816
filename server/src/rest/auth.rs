//! Who is calling the REST API: `Authorization: Bearer <token>` or the session cookie.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use tower_sessions::Session;

use app::backend::services::auth;
use app::backend::{session, AppState};
use app::domain::{CurrentUser, Language, MessageChannel};
use app::error::AppError;

use super::problem::{answer_in, language_of, Problem};

/// A signed-in caller. Anonymous requests are refused with 401 in the caller's language.
pub struct Caller {
    pub user: CurrentUser,
    /// Signed in through the session cookie (not a bearer token).
    pub via_session: bool,
}

impl Caller {
    /// The language for this caller's messages: their own.
    pub fn language(&self) -> Language {
        self.user.language
    }

    /// The channel this caller's messages come through: the portal when signed in through the
    /// session cookie (the app's own pages, with or without JavaScript), the API with a token.
    pub fn channel(&self) -> MessageChannel {
        if self.via_session {
            MessageChannel::Portal
        } else {
            MessageChannel::Api
        }
    }
}

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<Caller>, AppError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .filter(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "))
            .map(|v| v[7..].trim());
        // A malformed or unknown token is an error, never a fallback to the cookie.
        let Some(token) = token else {
            return Err(AppError::Unauthenticated);
        };
        return match auth::user_for_token(&state.db, token, Utc::now()).await? {
            Some(user) => Ok(Some(Caller {
                user,
                via_session: false,
            })),
            None => Err(AppError::Unauthenticated),
        };
    }
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, message)| {
            tracing::error!(message, "session layer missing");
            AppError::Internal
        })?;
    Ok(session::user(
        &session,
        &state.db,
        state.settings.sessions,
        Utc::now(),
        None,
    )
    .await?
    .map(|user| Caller {
        user,
        via_session: true,
    }))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = language_of(&parts.headers);
        match resolve(parts, state).await {
            Ok(Some(caller)) => {
                answer_in(caller.language());
                Ok(caller)
            }
            Ok(None) => Err(Problem::from_error(&AppError::Unauthenticated, lang)),
            Err(error) => Err(Problem::from_error(&error, lang)),
        }
    }
}

impl OptionalFromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        let lang = language_of(&parts.headers);
        let caller = resolve(parts, state)
            .await
            .map_err(|error| Problem::from_error(&error, lang))?;
        if let Some(caller) = &caller {
            answer_in(caller.language());
        }
        Ok(caller)
    }
}
