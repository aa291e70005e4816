//! The built site's `/pkg` directory: file names carry content hashes (cargo-leptos
//! `hash-files`), so they are cached for a year; brotli/gzip variants are served when present
//! (`cargo leptos build --release -P`), otherwise responses are compressed on the fly.

use std::path::Path;

use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn pkg_router<S: Clone + Send + Sync + 'static>(
    site_root: &Path,
    pkg_dir: &str,
    hashed: bool,
) -> Router<S> {
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let service = ServeDir::new(site_root.join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(service)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
}
