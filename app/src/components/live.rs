//! The browser's side of the live events (`GET /api/v1/events`): one `EventSource` per page
//! that needs it, closed when the page goes away. `EventSource` reconnects by itself with
//! `Last-Event-ID`, so nothing is missed across a dropped connection.

/// One event as a page receives it.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub kind: String,
    /// `TKT-…`, when the event is about a ticket.
    pub ticket_id: Option<String>,
    pub data: serde_json::Value,
}

/// The event kinds of API.md.
pub const ALL_KINDS: &[&str] = &[
    "ticket.created",
    "ticket.updated",
    "message.created",
    "stats.changed",
    "presence",
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
