//! Server rendering that holds up when several requests, or several applications, share a
//! process: the page routes are generated once per process ([`routes`]), and each page keeps its
//! own reactive arena for its whole life ([`KeepArena`]).
//!
//! ## The route list
//!
//! Generating the route list runs the app once with every resource load suppressed, through a
//! flag that is global to the process (`leptos_server`'s `SuppressResourceLoad`,
//! leptos-rs/leptos#4773). A resource that another application of the same process first polls
//! meanwhile waits forever, and so does its page: the test suite, which starts an application
//! per test, saw one page request never answered in 2 of 6 full runs. The list depends only
//! on the compiled app, so it is generated once.
//!
//! ## The arena
//!
//! Leptos stores signals, memos and contexts of a request in an arena that is chosen per thread
//! (`reactive_graph`'s `sandboxed-arenas`): every future that touches them must set its arena
//! again each time it is polled. Leptos does so for the page's body stream, but not for the
//! handler future itself (`leptos_integration_utils::ExtendResponse::from_app`), which reads the
//! page title and other head tags after an `.await`. By then another request may have run on
//! the same worker thread and left *its* arena current, so the read looks in the wrong arena and
//! panics with "you tried to access a reactive value … but it has already been disposed": under
//! concurrent load, a reset connection for the visitor.
//!
//! [`KeepArena`] remembers the arena and the current owner (also kept per thread; contexts are
//! found through it) as they were when its inner future last yielded, and makes them current
//! again before the next poll: the request's own (set when its root owner is created, during
//! the first poll) follow the handler across threads and across other requests' polls.

use std::future::{Future, Pending};
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use leptos::reactive::owner::{Owner, Sandboxed};
use leptos_axum::{generate_route_list, AxumRouteListing};

/// The app's page routes, generated the first time any application of the process asks.
pub fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Pages and server functions run inside a [`KeepArena`]; the REST API, the event stream and
/// static files render nothing reactive and are left alone (a long event stream must not hold
/// on to whatever owner another request left on its thread).
pub async fn keep_arena(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/v1/") || path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    KeepArena::new(next.run(request)).await
}

/// A future that restores, before each poll, the reactive arena and the current owner that
/// were current after its previous poll (both are per thread: another request polled on the
/// same thread meanwhile leaves its own).
pub struct KeepArena<F> {
    inner: Pin<Box<F>>,
    /// Holds the arena; polling it makes the arena current (it never completes).
    arena: Option<Sandboxed<Pending<()>>>,
    owner: Option<Owner>,
}

impl<F: Future> KeepArena<F> {
    pub fn new(inner: F) -> Self {
        Self {
            inner: Box::pin(inner),
            arena: None,
            owner: None,
        }
    }
}

impl<F: Future> Future for KeepArena<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        if let Some(arena) = this.arena.as_mut() {
            // `Sandboxed` sets its arena as the thread's current one whenever it is polled.
            let _ = Pin::new(arena).poll(cx);
        }
        if let Some(owner) = &this.owner {
            owner.set();
        }
        let output = this.inner.as_mut().poll(cx);
        if output.is_pending() {
            this.arena = Some(Sandboxed::new(std::future::pending()));
            this.owner = Owner::current();
        } else {
            this.owner = None;
        }
        output
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::*;

    /// A "request" that stores a value in its own arena, yields while another "request" runs on
    /// the same thread, then reads the value back.
    async fn page() -> Option<String> {
        let owner = Owner::new_root(None);
        let title = owner.with(|| RwSignal::new("TKT-000042".to_owned()));
        tokio::task::yield_now().await;
        title.try_get_untracked()
    }

    async fn another_request() {
        let _owner = Owner::new_root(None);
        tokio::task::yield_now().await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_page_reads_its_own_values_after_another_request_ran_on_its_thread() {
        // The fault: without the wrapper the value is looked up in the other request's arena.
        let (lost, ()) = tokio::join!(page(), another_request());
        assert_eq!(lost, None);
        let (kept, ()) = tokio::join!(KeepArena::new(page()), another_request());
        assert_eq!(kept.as_deref(), Some("TKT-000042"));
    }
}
