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

/// Bodies announced at most this large are read whole and checked before any handler runs;
/// larger ones, or of unknown length, are checked as they stream into the handler (which reads
/// them only once the caller is authenticated), so nothing big is held for an anonymous caller.
const CHECKED_WHOLE: u64 = 64 * 1024;

/// The error a streamed body ends with when it holds a NUL; [`refuse_nul`] then answers for
/// the handler, whatever it made of the broken body.
#[derive(Debug)]
pub struct NulInBody;

impl std::fmt::Display for NulInBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the body holds a NUL character")
    }
}

impl std::error::Error for NulInBody {}

/// Finds a NUL in JSON (`\u0000` after an odd run of backslashes, or a raw zero byte) or in
/// URL-encoded text (`%00`, or a raw zero byte) fed in pieces.
#[derive(Debug, Default)]
pub struct NulScanner {
    json: bool,
    odd_backslashes: bool,
    /// How much of `u0000` (JSON, after an odd backslash) or `%00` (URL-encoded) was just seen.
    matched: usize,
    found: bool,
}

impl NulScanner {
    pub fn json() -> Self {
        NulScanner {
            json: true,
            ..Self::default()
        }
    }

    pub fn url_encoded() -> Self {
        Self::default()
    }

    /// Feeds the next piece; `true` once a NUL was seen.
    pub fn feed(&mut self, bytes: &[u8]) -> bool {
        let pattern: &[u8] = if self.json { b"u0000" } else { b"%00" };
        for &b in bytes {
            if self.found {
                break;
            }
            if b == 0 {
                self.found = true;
                break;
            }
            if self.matched > 0 {
                if pattern
                    .get(self.matched)
                    .is_some_and(|p| b.eq_ignore_ascii_case(p))
                {
                    self.matched += 1;
                    if self.matched == pattern.len() {
                        self.found = true;
                    }
                    continue;
                }
                self.matched = 0;
            }
            if self.json {
                if b == b'\\' {
                    self.odd_backslashes = !self.odd_backslashes;
                    continue;
                }
                if self.odd_backslashes && b == b'u' {
                    self.matched = 1;
                }
                self.odd_backslashes = false;
            } else if b == b'%' {
                self.matched = 1;
            }
        }
        self.found
    }
}

/// A NUL can never be stored (PostgreSQL refuses it in text, SQLite would keep an invisible
/// character): a request with one in its query string or in a JSON or form body is refused
/// with a 400 problem and changes nothing: small bodies before any handler runs, larger ones as
/// the handler reads them ([`NulInBody`]). Multipart bodies are checked where their JSON part is
/// read.
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
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let (parts, body) = request.into_parts();
    if announced.is_none_or(|n| n > CHECKED_WHOLE) {
        use futures_util::StreamExt;
        let mut scanner = if json {
            NulScanner::json()
        } else {
            NulScanner::url_encoded()
        };
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = seen.clone();
        let checked = body.into_data_stream().map(move |chunk| match chunk {
            Ok(bytes) if scanner.feed(&bytes) => {
                flag.store(true, std::sync::atomic::Ordering::Release);
                Err(axum::BoxError::from(NulInBody))
            }
            Ok(bytes) => Ok(bytes),
            Err(error) => Err(axum::BoxError::from(error)),
        });
        let path = parts.uri.path().to_owned();
        let response = next
            .run(Request::from_parts(
                parts,
                axum::body::Body::from_stream(checked),
            ))
            .await;
        // Whatever the handler made of its broken body, the answer is the one for a NUL.
        if seen.load(std::sync::atomic::Ordering::Acquire) {
            let error = AppError::Malformed {
                code: "invalid_characters".to_owned(),
            };
            return refusal(&path, &error, lang);
        }
        return response;
    }
    let Ok(bytes) = axum::body::to_bytes(body, TEXT_BODY_LIMIT).await else {
        return Problem::from_error(&AppError::PayloadTooLarge, lang).into_response();
    };
    if (json && json_has_nul(&bytes)) || (form && url_encoded_has_nul(&bytes)) {
        return refused();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// An error answered before (or instead of) a handler, in the shape the caller reads: server
/// functions' own JSON error (the page shows its message), else a problem document.
fn refusal(path: &str, error: &AppError, lang: Language) -> Response {
    if path.starts_with("/api/fn/") {
        let status = axum::http::StatusCode::from_u16(error.status_code())
            .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
        let body = serde_json::to_vec(error).unwrap_or_default();
        return (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    Problem::from_error(error, lang).into_response()
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
            let mut response = refusal(request.uri().path(), &error, lang);
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
            response
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
    fn the_streaming_scanner_agrees_with_the_whole_body_check_at_every_split() {
        let cases: &[&[u8]] = &[
            br#"{"a":"x\u0000y"}"#,
            br#"{"a":"\\\u0000"}"#,
            br#"{"a":"\\u0000"}"#,
            br#"{"a":"%00 e texto"}"#,
            b"{\"a\":\"\0\"}",
            br#"{"a":"\u00001"}"#,
            br#"{"a":"\u0001"}"#,
        ];
        for case in cases {
            for split in 0..=case.len() {
                let mut scanner = NulScanner::json();
                let found = scanner.feed(&case[..split]) | scanner.feed(&case[split..]);
                assert_eq!(
                    found,
                    json_has_nul(case),
                    "{:?} split at {split}",
                    String::from_utf8_lossy(case)
                );
            }
        }
        for case in [&b"q=a%00b"[..], b"q=a%0", b"q=100%25", b"q=%2500"] {
            for split in 0..=case.len() {
                let mut scanner = NulScanner::url_encoded();
                let found = scanner.feed(&case[..split]) | scanner.feed(&case[split..]);
                assert_eq!(
                    found,
                    url_encoded_has_nul(case),
                    "{case:?} split at {split}"
                );
            }
        }
    }

    proptest::proptest! {
        /// The streamed check finds exactly what the whole-body check finds, however the body
        /// is cut into pieces (bytes from the alphabet that matters: backslashes, `u`, `0`, `%`).
        #[test]
        fn fuzz_the_streaming_scanner_matches_the_whole_body_check(
            body in proptest::collection::vec(proptest::sample::select(vec![b'\\', b'u', b'0', b'%', b'a', b'"', 0u8]), 0..40),
            cuts in proptest::collection::vec(0usize..40, 0..4),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(body.len())).collect();
            cuts.sort_unstable();
            for json in [true, false] {
                let mut scanner = if json { NulScanner::json() } else { NulScanner::url_encoded() };
                let mut start = 0;
                let mut found = false;
                for &cut in cuts.iter().chain(std::iter::once(&body.len())) {
                    found |= scanner.feed(&body[start..cut]);
                    start = cut;
                }
                let whole = if json { json_has_nul(&body) } else { url_encoded_has_nul(&body) };
                proptest::prop_assert_eq!(found, whole);
            }
        }
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
