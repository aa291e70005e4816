//! What every request handler and server function can reach.

use std::sync::Arc;

use leptos::config::LeptosOptions;
use leptos::prelude::use_context;

use crate::backend::Db;
use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<RuntimeSettings>,
    /// Committed events, broadcast to the live streams of this instance.
    pub events: crate::backend::events::EventBus,
    /// Where attachments are kept.
    pub storage: crate::backend::storage::Storage,
    /// The help-center search index (kept up to date by a background task).
    pub search: crate::backend::search::SearchIndex,
    /// How mail looks and where it goes (the job workers' and the unsubscribe links').
    pub mail: Arc<crate::backend::mail::worker::Mailer>,
}

/// Settings that services read at run time.
#[derive(Clone, Debug)]
pub struct RuntimeSettings {
    /// Where attachments are stored.
    pub data_dir: std::path::PathBuf,
    /// The address people reach Chamado at (links in messages and logs), without a trailing slash.
    pub public_url: String,
    /// Believe `X-Forwarded-For` (only behind a reverse proxy that sets it).
    pub trust_proxy: bool,
    /// The bearer token that may read `/metrics` (none: nobody may).
    pub metrics_token: Option<String>,
    /// How long sessions last.
    pub sessions: crate::backend::session::SessionPolicy,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The application state inside a server function (provided by the router's context).
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}
