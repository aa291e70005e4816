//! Who is calling, for server functions (the REST API has its own extractor in `server/`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use tower_sessions::Session;

use crate::backend::{app_state, session, AppState};
use crate::domain::CurrentUser;
use crate::error::AppError;

/// The session of the current request.
pub async fn request_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer on this request");
        AppError::Internal
    })
}

/// The request's memo of its user (absent only outside the router, as in unit tests).
async fn request_memo() -> Option<session::RequestUser> {
    leptos_axum::extract::<axum::Extension<session::RequestUser>>()
        .await
        .ok()
        .map(|axum::Extension(memo)| memo)
}

/// The signed-in user, if any.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let state = app_state()?;
    let session = request_session().await?;
    let memo = request_memo().await;
    session::user(
        &session,
        &state.db,
        state.settings.sessions,
        chrono::Utc::now(),
        memo.as_ref(),
    )
    .await
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// The one preamble of a server function for signed-in people: the application state, taken
/// before any await (during server rendering the request context is only certain until
/// then), and the signed-in user, or `Unauthenticated`.
pub async fn signed_in() -> Result<(AppState, CurrentUser), AppError> {
    let state = app_state()?;
    let session = request_session().await?;
    let memo = request_memo().await;
    let user = session::user(
        &session,
        &state.db,
        state.settings.sessions,
        chrono::Utc::now(),
        memo.as_ref(),
    )
    .await?
    .ok_or(AppError::Unauthenticated)?;
    Ok((state, user))
}

/// The client's address: behind the one reverse proxy Chamado trusts
/// (`CHAMADO_TRUST_PROXY=true`), the right-most `X-Forwarded-For` entry, the one that proxy
/// wrote (entries left of it come from the client and prove nothing); else the TCP peer.
pub fn client_ip_from(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|p| p.ip())
}

/// The client's address in a server function.
pub async fn client_ip() -> Option<IpAddr> {
    let trust = app_state().map(|s| s.settings.trust_proxy).unwrap_or(false);
    let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|c| c.0);
    let headers = leptos_axum::extract::<HeaderMap>()
        .await
        .unwrap_or_default();
    client_ip_from(&headers, peer, trust)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        // The client wrote 6.6.6.6 itself; the proxy appended the address it saw.
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(
            client_ip_from(&headers, Some(peer), true),
            "203.0.113.7".parse().ok()
        );
        assert_eq!(client_ip_from(&headers, Some(peer), false), Some(peer.ip()));
        // A second header line (the proxy's) wins over the client's.
        headers.append("x-forwarded-for", "198.51.100.4".parse().unwrap());
        assert_eq!(
            client_ip_from(&headers, Some(peer), true),
            "198.51.100.4".parse().ok()
        );
        let mut garbage = HeaderMap::new();
        garbage.insert("x-forwarded-for", "1.2.3.4, nonsense".parse().unwrap());
        assert_eq!(client_ip_from(&garbage, Some(peer), true), Some(peer.ip()));
    }
}
