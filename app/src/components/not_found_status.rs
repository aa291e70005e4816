use leptos::prelude::*;

/// Gives the server-rendered response HTTP status 404 (renders nothing).
#[component]
pub fn NotFoundStatus() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
}
