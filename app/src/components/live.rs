//! The browser's side of the live events (`GET /api/v1/events`): one `EventSource` per page
//! that needs it, closed when the page goes away. `EventSource` reconnects by itself with
//! `Last-Event-ID`, so nothing is missed across a dropped connection.

use crate::domain::{NamedRef, PresenceState, PRESENCE_TTL_SECONDS};

/// One event as a page receives it.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub kind: String,
    /// `TKT-…`, when the event is about a ticket.
    pub ticket_id: Option<String>,
    pub data: serde_json::Value,
}

/// Someone on a ticket, as a page keeps them: who, doing what, until when (ms, browser clock).
pub type PresentPerson = (NamedRef, PresenceState, f64);

/// A `presence` event read: the ticket, who, what they do now (`None`: left), until when.
pub struct PresenceChange {
    pub ticket_id: String,
    pub who: NamedRef,
    pub state: Option<PresenceState>,
    pub until: f64,
}

impl LiveEvent {
    /// This event as a presence change, if it is one.
    pub fn presence(&self) -> Option<PresenceChange> {
        if self.kind != "presence" {
            return None;
        }
        let user = &self.data["user"];
        let ttl = self.data["ttl_seconds"]
            .as_f64()
            .unwrap_or(PRESENCE_TTL_SECONDS as f64);
        Some(PresenceChange {
            ticket_id: self.ticket_id.clone()?,
            who: NamedRef {
                id: user["id"].as_i64()?,
                name: user["name"].as_str()?.to_owned(),
            },
            state: self.data["state"].as_str().and_then(PresenceState::parse),
            until: now_ms() + ttl * 1000.0,
        })
    }
}

impl PresenceChange {
    /// Applies the change to the people on its ticket.
    pub fn apply(self, people: &mut Vec<PresentPerson>) {
        people.retain(|(who, _, _)| who.id != self.who.id);
        if let Some(state) = self.state {
            people.push((self.who, state, self.until));
        }
    }
}

/// The event kinds of API.md.
pub const ALL_KINDS: &[&str] = &[
    "ticket.created",
    "ticket.updated",
    "message.created",
    "stats.changed",
    "presence",
    "sla.breached",
    // Sent instead of a replay when the client was away too long: reload what is shown.
    "resync",
];

/// Calls `handler` for each event of these kinds until the current reactive owner is cleaned
/// up. Does nothing on the server.
#[cfg(feature = "hydrate")]
pub fn follow_events(kinds: &[&str], handler: impl Fn(LiveEvent) + 'static) {
    use leptos::prelude::on_cleanup;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new("/api/v1/events") else {
        return;
    };
    let on_event =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e
                .data()
                .as_string()
                .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                .unwrap_or_default();
            let ticket_id = data["ticket_id"].as_str().map(str::to_owned);
            handler(LiveEvent {
                kind: e.type_(),
                ticket_id,
                data,
            });
        });
    for kind in kinds {
        let _ = source.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
    }
    let source = send_wrapper::SendWrapper::new(source);
    let on_event = send_wrapper::SendWrapper::new(on_event);
    on_cleanup(move || {
        source.close();
        drop(on_event);
    });
}

/// Milliseconds since the epoch (the browser's clock); 0 on the server.
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}
