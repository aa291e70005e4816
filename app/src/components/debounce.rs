use std::time::Duration;

use leptos::prelude::*;

/// Runs an action once the user pauses: each call cancels the one still waiting (search as
/// you type, suggestions, previews), and the action learns whether its answer is still
/// wanted when it arrives (an older request may answer after a newer one). Does nothing on
/// the server.
#[derive(Clone, Copy)]
pub struct Debounce {
    waiting: StoredValue<Option<TimeoutHandle>>,
    generation: StoredValue<u64>,
    delay: Duration,
}

/// Whether an action's answer is still the latest wanted (see [`Debounce::call`]).
#[derive(Clone, Copy)]
pub struct Latest {
    generation: StoredValue<u64>,
    at: u64,
}

impl Latest {
    pub fn is_current(&self) -> bool {
        self.generation.get_value() == self.at
    }
}

impl Debounce {
    pub fn new(delay: Duration) -> Self {
        Debounce {
            waiting: StoredValue::new(None),
            generation: StoredValue::new(0),
            delay,
        }
    }

    /// Drops the action still waiting and makes earlier actions' answers stale.
    pub fn cancel(&self) {
        if let Some(handle) = self.waiting.get_value() {
            handle.clear();
        }
        self.waiting.set_value(None);
        self.generation.update_value(|g| *g += 1);
    }

    pub fn call(&self, action: impl FnOnce(Latest) + 'static) {
        self.cancel();
        let latest = Latest {
            generation: self.generation,
            at: self.generation.get_value(),
        };
        self.waiting
            .set_value(set_timeout_with_handle(move || action(latest), self.delay).ok());
    }
}

/// A form-encoded POST the browser delivers even while the page goes away
/// (`navigator.sendBeacon`), e.g. "the customer left the form".
#[cfg(feature = "hydrate")]
pub fn send_beacon(url: &str, fields: &[(&str, &str)]) {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return;
    };
    for (k, v) in fields {
        params.append(k, v);
    }
    let _ = window()
        .navigator()
        .send_beacon_with_opt_url_search_params(url, Some(&params));
}

/// A random 128-bit identifier in hex (`crypto.getRandomValues`, which, unlike
/// `randomUUID`, also exists on plain-HTTP pages); empty where the browser has neither.
#[cfg(feature = "hydrate")]
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    match window()
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes))
    {
        Ok(_) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => String::new(),
    }
}
