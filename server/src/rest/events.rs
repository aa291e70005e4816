//! `GET /api/v1/events`: the live stream of API.md. Authenticates like any API call, replays
//! what the client missed (`Last-Event-ID`, from the event table, within [`REPLAY_WINDOW`]), then forwards the events of
//! the in-process bus that the caller may see. Heartbeat comments keep proxies from closing an
//! idle stream; a client that falls too far behind is disconnected and resumes by replay.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::session::Id;
use tower_sessions::Session;

use app::backend::events::{self, StoredEvent, StreamSlot};
use app::backend::services::auth;
use app::backend::{session, AppState};
use app::domain::{CurrentUser, TicketScope};
use app::error::AppError;

use crate::rest::auth::Caller;
use crate::rest::problem::Problem;

/// A reconnecting client whose `Last-Event-ID` is more than this many events behind the newest
/// (or `0`) is not replayed to: it gets one `resync` event (reload what you show) and the live
/// events from now on. Replay therefore reads at most this many rows, by primary key.
pub const REPLAY_WINDOW: i64 = 1_000;

/// How often, at least, an open stream checks that its caller may still receive events; it also
/// checks at once whenever accounts, organizations, sessions or tokens change on this instance.
pub const RECHECK: Duration = Duration::from_secs(60);

/// Counts open streams for `/metrics` (decremented when the stream is dropped).
struct Connected;

impl Connected {
    fn new() -> Self {
        metrics::gauge!("chamado_sse_connections").increment(1.0);
        Connected
    }
}

impl Drop for Connected {
    fn drop(&mut self) {
        metrics::gauge!("chamado_sse_connections").decrement(1.0);
    }
}

fn to_sse(event: &StoredEvent) -> Event {
    Event::default()
        .id(event.id.to_string())
        .event(event.kind.clone())
        .data(event.data.clone())
}

/// What the stream was opened with, to check again later.
enum Credential {
    Session(Id),
    Token(String),
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "))
        .map(|v| v[7..].trim().to_owned())
}

/// The caller as things stand now: `None` when the session ended (signed out, expired,
/// password changed), the token was revoked or the account deactivated.
async fn caller_now(
    state: &AppState,
    credential: &Credential,
) -> Result<Option<CurrentUser>, AppError> {
    match credential {
        Credential::Session(id) => {
            session::user_of_session_id(&state.db, *id, state.settings.sessions, Utc::now()).await
        }
        Credential::Token(token) => auth::user_for_token(&state.db, token, Utc::now()).await,
    }
}

/// Who the stream delivers to, re-decided on identity changes.
struct Viewer {
    user_id: i64,
    scope: TicketScope,
    sees_internal: bool,
}

impl Viewer {
    fn of(user: &CurrentUser) -> Self {
        Viewer {
            user_id: user.id,
            scope: TicketScope::of(user),
            sees_internal: user.sees_internal_notes(),
        }
    }

    fn sees(&self, event: &StoredEvent) -> bool {
        match event.for_person() {
            Some(person) => person == self.user_id,
            None => event.visible_to(&self.scope, self.sees_internal),
        }
    }
}

struct Live {
    state: AppState,
    credential: Credential,
    viewer: Viewer,
    receiver: tokio::sync::broadcast::Receiver<Arc<StoredEvent>>,
    identity: tokio::sync::watch::Receiver<u64>,
    cursor: i64,
    next_check: tokio::time::Instant,
    _slot: StreamSlot,
    _connected: Connected,
}

enum Step {
    Event(Arc<StoredEvent>),
    Check,
    End,
}

impl Live {
    /// The next event the viewer may see; `None` ends the stream (access ended, or too slow to
    /// keep up: the browser reconnects with `Last-Event-ID` and gets the rest by replay).
    async fn next(&mut self) -> Option<Event> {
        loop {
            let step = tokio::select! {
                biased;
                changed = self.identity.changed() => match changed {
                    Ok(()) => Step::Check,
                    Err(_) => Step::End,
                },
                () = tokio::time::sleep_until(self.next_check) => Step::Check,
                received = self.receiver.recv() => match received {
                    Ok(event) => Step::Event(event),
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => Step::End,
                },
            };
            match step {
                Step::End => return None,
                Step::Check => {
                    self.next_check = tokio::time::Instant::now() + RECHECK;
                    match caller_now(&self.state, &self.credential).await {
                        Ok(Some(user)) => self.viewer = Viewer::of(&user),
                        Ok(None) => return None,
                        // The database is unreachable: keep what was decided, check again later.
                        Err(error) => {
                            tracing::warn!(%error, "event stream cannot re-check its caller")
                        }
                    }
                }
                Step::Event(event) => {
                    if event.id <= self.cursor {
                        continue;
                    }
                    self.cursor = event.id;
                    if self.viewer.sees(&event) {
                        return Some(to_sse(&event));
                    }
                }
            }
        }
    }
}

/// Live events (`ticket.created`, `ticket.updated`, `message.created`, `stats.changed`) about
/// the tickets the caller may see; internal notes reach support only. A stream ends when the
/// caller's access ends (sign-out, deactivation, revoked token) and follows changes of role,
/// departments or organization sharing. At most ten open streams per person.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id")),
    responses(
        (status = 200, description = "text/event-stream", content_type = "text/event-stream"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 429, description = "Ten streams of this person are open already", body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    session: Session,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    let slot = state.events.open_stream(caller.user.id)?;
    let credential = if caller.via_session {
        session.id().map(Credential::Session)
    } else {
        bearer(&headers).map(Credential::Token)
    }
    .ok_or(AppError::Unauthenticated)?;
    let viewer = Viewer::of(&caller.user);
    // Watch identities and subscribe before reading the table, so nothing falls between replay
    // and live events.
    let identity = state.db.caches().identity_changes();
    let mut receiver = state.events.subscribe();
    let resume_after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id >= 0);
    let mut c = state.db.acquire().await.map_err(AppError::from)?;
    // A new stream starts after what has committed, not after what this instance's pump has
    // broadcast so far: events committed just before the stream opened are not news to it.
    let latest = events::latest_id(c.conn())
        .await
        .map_err(AppError::from)?
        .max(state.events.last_id());
    let mut replay = Vec::new();
    let mut cursor = latest;
    match resume_after {
        Some(after) if after >= latest - REPLAY_WINDOW => {
            cursor = after.min(latest);
            while cursor < latest {
                let batch = events::since(c.conn(), cursor, 500)
                    .await
                    .map_err(AppError::from)?;
                let done = batch.len() < 500;
                for event in batch {
                    cursor = event.id;
                    if viewer.sees(&event) {
                        replay.push(Ok(to_sse(&event)));
                    }
                }
                if done {
                    break;
                }
            }
        }
        Some(_) => replay.push(Ok(Event::default().event("resync").data("{}"))),
        None => {}
    }
    drop(c);
    // Drain what the bus already holds up to the cursor.
    while let Ok(event) = receiver.try_recv() {
        if event.id > cursor {
            cursor = event.id;
            if viewer.sees(&event) {
                replay.push(Ok(to_sse(&event)));
            }
        }
    }
    let hello = stream::once(async {
        Ok(Event::default()
            .comment("connected")
            .retry(Duration::from_secs(2)))
    });
    let live = Live {
        state,
        credential,
        viewer,
        receiver,
        identity,
        cursor,
        next_check: tokio::time::Instant::now() + RECHECK,
        _slot: slot,
        _connected: Connected::new(),
    };
    let live = stream::unfold(live, |mut live| async move {
        live.next().await.map(|event| (Ok(event), live))
    });
    let stream = hello.chain(stream::iter(replay)).chain(live);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
