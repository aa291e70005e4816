//! The one error type that server functions, services and REST handlers return.
//! It carries codes, never server-side detail; the UI and the API translate the codes.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Which kind of thing was not found (or is not visible to the caller: both answer the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Entity {
    Ticket,
    User,
    Organization,
    Department,
    Article,
    Attachment,
    Page,
    CannedResponse,
    TicketType,
    Calendar,
    SlaPolicy,
    Message,
    Mailbox,
}

/// One invalid field: `code` is stable and machine-readable (`too_long`, `required`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("{entity:?} not found")]
    NotFound { entity: Entity },
    #[error("invalid input")]
    Validation { errors: Vec<FieldError> },
    #[error("conflict: {code}")]
    Conflict { code: String },
    #[error("rate limited")]
    RateLimited { retry_after_seconds: u64 },
    /// The server cannot answer now (its database is unreachable, or it is at capacity for
    /// this kind of work); the request changed nothing and may be repeated after the delay.
    #[error("temporarily unavailable")]
    Unavailable { retry_after_seconds: u64 },
    /// The request could not be read (broken JSON, wrong shape, bad parameter).
    #[error("malformed request: {code}")]
    Malformed { code: String },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("internal error")]
    Internal,
    #[error("transport error: {message}")]
    Transport { message: String },
}

impl AppError {
    pub fn not_found(entity: Entity) -> Self {
        AppError::NotFound { entity }
    }

    pub fn validation(field: impl Into<String>, code: impl Into<String>) -> Self {
        AppError::Validation {
            errors: vec![FieldError::new(field, code)],
        }
    }

    /// The HTTP status this error answers with (API.md "Status codes").
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound { .. } => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable { .. } => 503,
            AppError::Malformed { .. } => 400,
            AppError::UnsupportedMediaType => 415,
            AppError::PayloadTooLarge => 413,
            AppError::Internal => 500,
            AppError::Transport { .. } => 503,
        }
    }

    /// A stable code naming the kind of error, used as the problem `type` suffix.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::Validation { .. } => "validation",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable { .. } => "unavailable",
            AppError::Malformed { .. } => "malformed",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Internal => "internal",
            AppError::Transport { .. } => "transport",
        }
    }
}

impl AppError {
    /// Reads back an error from a REST answer (status and RFC 9457 problem body), as the
    /// browser sees it after an upload: the same codes the server started from.
    pub fn from_problem(status: u16, body: &str) -> AppError {
        #[derive(Deserialize)]
        struct ProblemBody {
            #[serde(default)]
            code: Option<String>,
            #[serde(default)]
            errors: Vec<FieldError>,
            #[serde(default)]
            retry_after_seconds: Option<u64>,
        }
        let problem: Option<ProblemBody> = serde_json::from_str(body).ok();
        let code = problem
            .as_ref()
            .and_then(|p| p.code.clone())
            .unwrap_or_default();
        match status {
            401 => AppError::Unauthenticated,
            403 => AppError::Forbidden,
            404 => AppError::NotFound {
                entity: Entity::Ticket,
            },
            409 => AppError::Conflict { code },
            413 => AppError::PayloadTooLarge,
            415 => AppError::UnsupportedMediaType,
            422 => AppError::Validation {
                errors: problem.map(|p| p.errors).unwrap_or_default(),
            },
            429 => AppError::RateLimited {
                retry_after_seconds: problem.and_then(|p| p.retry_after_seconds).unwrap_or(60),
            },
            400 => AppError::Malformed { code },
            503 if code.is_empty() || code == "unavailable" => AppError::Unavailable {
                retry_after_seconds: problem.and_then(|p| p.retry_after_seconds).unwrap_or(5),
            },
            0 => AppError::Transport {
                message: "network".to_owned(),
            },
            _ => AppError::Internal,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request could not be read: the caller's fault, a 400.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::Malformed {
                code: "invalid_arguments".to_owned(),
            },
            // The network or the server did not answer as expected (seen in the browser).
            other => AppError::Transport {
                message: other.to_string(),
            },
        }
    }
}

/// What a client is told to wait when the database cannot be reached.
pub const DATABASE_RETRY_AFTER_SECONDS: u64 = 5;

/// Whether a database error means "the database cannot answer now" (down, restarting, out of
/// connections, busy) rather than a fault of the request or of Chamado: the request changed
/// nothing and can be repeated, so it answers 503 with `Retry-After`, not 500.
#[cfg(feature = "ssr")]
pub fn database_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // PostgreSQL: connection exceptions (08…), shutting down or starting (57P01–57P03),
            // too many connections (53300). SQLite: busy or locked (5, 6).
            // SQLite reports extended codes (517 BUSY_SNAPSHOT, 262 LOCKED_SHAREDCACHE …): the
            // primary code is the low byte.
            let sqlite_busy =
                code.len() < 5 && code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6));
            sqlite_busy
                || code.starts_with("08")
                || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => AppError::NotFound {
                entity: Entity::Page,
            },
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                tracing::info!(%error, "unique constraint violated");
                AppError::Conflict {
                    code: "already_exists".to_owned(),
                }
            }
            _ if database_unreachable(&error) => {
                tracing::warn!(error = ?error, "database unreachable: answering 503");
                AppError::Unavailable {
                    retry_after_seconds: DATABASE_RETRY_AFTER_SECONDS,
                }
            }
            _ => {
                tracing::error!(error = ?error, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        tracing::error!(error = ?error, "internal error");
        AppError::Internal
    }
}
