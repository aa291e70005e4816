//! Cross-site request defences and security headers, for every route.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::backend::session::COOKIE_NAME;
use app::domain::Language;
use app::error::AppError;

use crate::rest::Problem;

/// Why a write was refused, or `None` when it may go on.
///
/// Writes (anything but GET, HEAD, OPTIONS) that a browser could send with the session cookie
/// must prove they come from Chamado's own pages: an `Origin` equal to the `Host`, or
/// `Sec-Fetch-Site: same-origin`. A cross-origin `Origin` is refused even without a cookie
/// (no sign-in CSRF). Bearer-token calls carry no ambient credential and are not checked.
pub fn cross_origin_write(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "));
    let has_session_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim_start().starts_with(&format!("{COOKIE_NAME}=")));
    if bearer && !has_session_cookie {
        return false;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/'));
        return match (origin_host, host) {
            (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
            _ => true,
        };
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => !(site == "same-origin" || site == "none"),
        // No browser evidence at all: fine for a cookie-less API client, refused with a cookie.
        None => has_session_cookie,
    }
}

pub async fn csrf_guard(request: Request, next: Next) -> Response {
    if cross_origin_write(request.method(), request.headers()) {
        let lang = Language::negotiate(
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default(),
        );
        tracing::warn!(method = %request.method(), uri = %request.uri(), "cross-origin write refused");
        let mut problem = Problem::from_error(&AppError::Forbidden, lang);
        problem.detail = Some(app::i18n::cross_origin_refused(lang.into()));
        return problem.into_response();
    }
    next.run(request).await
}

/// The most a JSON or form body may hold (axum's default body limit; uploads are multipart).
const TEXT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Whether JSON text holds a NUL: an escape `\u0000` (a backslash that is not itself escaped)
/// or a raw zero byte.
pub fn json_has_nul(json: &[u8]) -> bool {
    if json.contains(&0) {
        return true;
    }
    let mut backslashes = 0usize;
    for (i, &b) in json.iter().enumerate() {
        if b == b'\\' {
            backslashes += 1;
            continue;
        }
        if backslashes % 2 == 1 && json[i..].starts_with(b"u0000") {
            return true;
        }
        backslashes = 0;
    }
    false
}

/// Whether URL-encoded text (a query string, a form body) holds a NUL.
fn url_encoded_has_nul(text: &[u8]) -> bool {
    text.contains(&0) || text.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00"))
}

/// A NUL can never be stored (PostgreSQL refuses it in text, SQLite would keep an invisible
/// character): a request with one in its query string or in a JSON or form body is refused
/// with a 400 problem before any handler runs, and changes nothing. Multipart bodies are
/// checked where their JSON part is read.
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let lang = crate::rest::language_of(request.headers());
    let refused = || {
        Problem::from_error(
            &AppError::Malformed {
                code: "invalid_characters".to_owned(),
            },
            lang,
        )
        .into_response()
    };
    if request
        .uri()
        .query()
        .is_some_and(|q| url_encoded_has_nul(q.as_bytes()))
    {
        return refused();
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, TEXT_BODY_LIMIT).await else {
        return Problem::from_error(&AppError::PayloadTooLarge, lang).into_response();
    };
    if (json && json_has_nul(&bytes)) || (form && url_encoded_has_nul(&bytes)) {
        return refused();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// How people reach this installation (from `CHAMADO_PUBLIC_URL`).
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    pub https: bool,
}

/// Whether a response may carry someone's data: every API answer, and any page or file asked
/// for with a session cookie or a token. Those are never stored by a browser or a proxy.
fn personal(request: &Request) -> bool {
    let headers = request.headers();
    request.uri().path().starts_with("/api/")
        || headers.contains_key(header::AUTHORIZATION)
        || headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(COOKIE_NAME))
}

/// Headers for every response; HTML pages set their own Content-Security-Policy (with the
/// page's script nonce) and keep it.
pub async fn security_headers(
    State(transport): State<Transport>,
    request: Request,
    next: Next,
) -> Response {
    let personal = personal(&request);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if personal && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if transport.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    response
}

/// Writes anyone may send without signing in, limited per client address: a reset link asked
/// for, a password set through a link, a vote on an article. (Sign-in has its own throttle by
/// account and address, in the auth service.)
pub fn anonymous_write(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && (matches!(
            path,
            "/api/fn/auth/forgot-password"
                | "/api/fn/auth/set-password"
                | "/api/fn/help-center/feedback"
        ) || (path.starts_with("/api/v1/articles/") && path.ends_with("/feedback")))
}

/// [`anonymous_write`]s per client address: a burst of [`ANONYMOUS_BURST`], then one every
/// [`ANONYMOUS_PERIOD`] (GCRA, `governor`). Kept per application, in memory: with several
/// instances each one limits what reaches it.
pub const ANONYMOUS_BURST: u32 = 10;
pub const ANONYMOUS_PERIOD: std::time::Duration = std::time::Duration::from_secs(6);

type AddressLimiter = governor::DefaultKeyedRateLimiter<std::net::IpAddr>;

#[derive(Clone)]
pub struct AnonymousWrites {
    limiter: std::sync::Arc<AddressLimiter>,
    trust_proxy: bool,
}

impl AnonymousWrites {
    pub fn new(trust_proxy: bool) -> Self {
        let quota = governor::Quota::with_period(ANONYMOUS_PERIOD)
            .unwrap_or_else(|| governor::Quota::per_minute(std::num::NonZeroU32::MIN))
            .allow_burst(
                std::num::NonZeroU32::new(ANONYMOUS_BURST).unwrap_or(std::num::NonZeroU32::MIN),
            );
        let limiter = std::sync::Arc::new(governor::RateLimiter::keyed(quota));
        // Addresses whose budget is full again are forgotten every minute, while the router lives.
        let weak = std::sync::Arc::downgrade(&limiter);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
                loop {
                    tick.tick().await;
                    let Some(limiter) = weak.upgrade() else { break };
                    limiter.retain_recent();
                    limiter.shrink_to_fit();
                }
            });
        }
        AnonymousWrites {
            limiter,
            trust_proxy,
        }
    }
}

pub async fn throttle_anonymous_writes(
    State(writes): State<AnonymousWrites>,
    request: Request,
    next: Next,
) -> Response {
    if !anonymous_write(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    let Some(ip) = app::backend::auth::client_ip_from(request.headers(), peer, writes.trust_proxy)
    else {
        return next.run(request).await;
    };
    match writes.limiter.check_key(&ip) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            use governor::clock::Clock;
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            tracing::info!(%ip, path = %request.uri().path(), "anonymous write throttled");
            let lang = crate::rest::language_of(request.headers());
            let error = AppError::RateLimited {
                retry_after_seconds: wait.as_secs().max(1),
            };
            if request.uri().path().starts_with("/api/fn/") {
                // Server functions answer their own error shape (the page shows the message).
                let body = serde_json::to_vec(&error).unwrap_or_default();
                let mut response = (
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    [(header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response();
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(wait.as_secs().max(1)),
                );
                return response;
            }
            Problem::from_error(&error, lang).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_writes_are_named() {
        assert!(anonymous_write(
            &Method::POST,
            "/api/fn/auth/forgot-password"
        ));
        assert!(anonymous_write(
            &Method::POST,
            "/api/v1/articles/x/feedback"
        ));
        assert!(!anonymous_write(
            &Method::GET,
            "/api/v1/articles/x/feedback"
        ));
        assert!(!anonymous_write(&Method::POST, "/api/v1/tickets"));
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_nul_is_found_wherever_it_hides() {
        assert!(json_has_nul(br#"{"a":"x\u0000y"}"#));
        assert!(json_has_nul(b"{\"a\":\"\0\"}"));
        assert!(
            json_has_nul(br#"{"a":"\\\u0000"}"#),
            "an escaped backslash, then NUL"
        );
        assert!(
            !json_has_nul(br#"{"a":"\\u0000"}"#),
            "a backslash and the text u0000"
        );
        assert!(!json_has_nul(br#"{"a":"%00 e texto"}"#));
        assert!(url_encoded_has_nul(b"q=a%00b"));
        assert!(url_encoded_has_nul(b"q=a%00"));
        assert!(!url_encoded_has_nul(b"q=100%25"));
    }

    #[test]
    fn reads_are_never_blocked() {
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "chamado.example"),
        ]);
        assert!(!cross_origin_write(&Method::GET, &h));
    }

    #[test]
    fn same_origin_writes_pass() {
        let h = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
            ("cookie", "chamado_session=x"),
        ]);
        assert!(!cross_origin_write(&Method::POST, &h));
        let h = headers(&[
            ("sec-fetch-site", "same-origin"),
            ("cookie", "chamado_session=x"),
        ]);
        assert!(!cross_origin_write(&Method::POST, &h));
    }

    #[test]
    fn cross_origin_writes_are_refused() {
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "chamado.example"),
            ("cookie", "chamado_session=x"),
        ]);
        assert!(cross_origin_write(&Method::POST, &h));
        let h = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("cookie", "chamado_session=x"),
        ]);
        assert!(cross_origin_write(&Method::DELETE, &h));
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "chamado.example"),
        ]);
        assert!(cross_origin_write(&Method::POST, &h), "sign-in CSRF");
    }

    #[test]
    fn cookie_writes_without_any_origin_evidence_are_refused() {
        let h = headers(&[("cookie", "lang=en; chamado_session=abc")]);
        assert!(cross_origin_write(&Method::PATCH, &h));
        assert!(
            !cross_origin_write(&Method::POST, &headers(&[])),
            "cookie-less API client"
        );
    }

    #[test]
    fn bearer_calls_are_not_checked() {
        let h = headers(&[
            ("authorization", "Bearer chm_x"),
            ("origin", "https://evil.example"),
        ]);
        assert!(!cross_origin_write(&Method::POST, &h));
    }
}
