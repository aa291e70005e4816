//! `GET /api/v1/events`: the live stream of API.md. Authenticates like any API call, replays
//! what the client missed (`Last-Event-ID`, from the event table), then forwards the events of
//! the in-process bus that the caller may see. Heartbeat comments keep proxies from closing an
//! idle stream; a client that falls too far behind is disconnected and resumes by replay.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use app::backend::events::{self, StoredEvent};
use app::backend::AppState;
use app::domain::TicketScope;

use crate::rest::auth::Caller;
use crate::rest::problem::Problem;

/// At most this many events are replayed to one reconnecting client.
const MAX_REPLAY: usize = 10_000;

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

/// Live events (`ticket.created`, `ticket.updated`, `message.created`, `stats.changed`) about
/// the tickets the caller may see; internal notes reach support only.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id")),
    responses(
        (status = 200, description = "text/event-stream", content_type = "text/event-stream"),
        (status = 401, description = "Not signed in", body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    let scope = Arc::new(TicketScope::of(&caller.user));
    let sees_internal = caller.user.sees_internal_notes();
    // Subscribe before reading the table, so nothing falls between replay and live events.
    let mut receiver = state.events.subscribe();
    let resume_after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id >= 0);
    let mut replay = Vec::new();
    let mut c = state
        .db
        .acquire()
        .await
        .map_err(|e| Problem::from(app::error::AppError::from(e)))?;
    // A new stream starts after what has committed, not after what this instance's pump has
    // broadcast so far: events committed just before the stream opened are not news to it.
    let mut cursor = match resume_after {
        Some(after) => after,
        None => events::latest_id(c.conn())
            .await
            .map_err(|e| Problem::from(app::error::AppError::from(e)))?
            .max(state.events.last_id()),
    };
    if resume_after.is_some() {
        while replay.len() < MAX_REPLAY {
            let batch = events::since(c.conn(), cursor, 500)
                .await
                .map_err(|e| Problem::from(app::error::AppError::from(e)))?;
            let done = batch.len() < 500;
            for event in batch {
                cursor = event.id;
                if event.visible_to(&scope, sees_internal) {
                    replay.push(Ok(to_sse(&event)));
                }
            }
            if done {
                break;
            }
        }
    }
    // Drain what the bus already holds up to the cursor.
    while let Ok(event) = receiver.try_recv() {
        if event.id > cursor {
            cursor = event.id;
            if event.visible_to(&scope, sees_internal) {
                replay.push(Ok(to_sse(&event)));
            }
        }
    }
    let hello = stream::once(async {
        Ok(Event::default()
            .comment("connected")
            .retry(Duration::from_secs(2)))
    });
    let live = stream::unfold(
        (receiver, cursor, scope, Connected::new()),
        move |(mut receiver, mut cursor, scope, guard)| async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => {
                        if event.id <= cursor {
                            continue;
                        }
                        cursor = event.id;
                        if event.visible_to(&scope, sees_internal) {
                            return Some((Ok(to_sse(&event)), (receiver, cursor, scope, guard)));
                        }
                    }
                    // Too slow to keep up: end the stream; the browser reconnects with
                    // Last-Event-ID and gets the rest by replay.
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    let stream = hello.chain(stream::iter(replay)).chain(live);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
