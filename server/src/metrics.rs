//! Prometheus metrics: requests by route and status with a latency histogram (axum-prometheus),
//! plus database pool gauges refreshed at each scrape.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_prometheus::utils::SECONDS_DURATION_BUCKETS;
use axum_prometheus::{
    EndpointLabel, PrometheusMetricLayer, PrometheusMetricLayerBuilder,
    AXUM_HTTP_REQUESTS_DURATION_SECONDS,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use app::backend::AppState;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process-wide recorder (installed once, shared by every app a test process starts).
fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(AXUM_HTTP_REQUESTS_DURATION_SECONDS.to_owned()),
                    SECONDS_DURATION_BUCKETS,
                )
                .map_err(|e| tracing::error!(error = %e, "invalid histogram buckets"))
                .ok()?;
            builder
                .install_recorder()
                .map_err(|e| tracing::error!(error = %e, "cannot install the metrics recorder"))
                .ok()
        })
        .as_ref()
}

/// The request-metrics layer. Unmatched paths are grouped under one label so that scanners
/// cannot blow up the number of series.
pub fn layer() -> PrometheusMetricLayer<'static> {
    let _ = handle();
    PrometheusMetricLayerBuilder::new()
        .with_endpoint_label_type(EndpointLabel::MatchedPathWithFallbackFn(|_| {
            "unmatched".to_owned()
        }))
        .with_ignore_patterns(&["/metrics"])
        .build()
}

/// `GET /metrics`, for the bearer of `CHAMADO_METRICS_TOKEN` only (404 for anyone else: the
/// route does not exist for them).
pub async fn render(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match (&state.settings.metrics_token, presented) {
        (Some(expected), Some(presented)) => {
            app::backend::secrets::hash(expected) == app::backend::secrets::hash(presented)
        }
        _ => false,
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (open, idle) = state.db.pool_stats();
    metrics::gauge!("chamado_db_pool_connections").set(f64::from(open));
    metrics::gauge!("chamado_db_pool_idle_connections").set(idle as f64);
    metrics::gauge!("chamado_db_pool_in_use_connections").set(f64::from(open) - idle as f64);
    let body = handle().map(PrometheusHandle::render).unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
