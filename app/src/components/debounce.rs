use std::time::Duration;

use leptos::prelude::*;

/// Runs an action once the user pauses: each call cancels the one still waiting (search as
/// you type, suggestions, previews). Does nothing on the server.
#[derive(Clone, Copy)]
pub struct Debounce {
    waiting: StoredValue<Option<TimeoutHandle>>,
    delay: Duration,
}

impl Debounce {
    pub fn new(delay: Duration) -> Self {
        Debounce {
            waiting: StoredValue::new(None),
            delay,
        }
    }

    pub fn call(&self, action: impl FnOnce() + 'static) {
        if let Some(handle) = self.waiting.get_value() {
            handle.clear();
        }
        self.waiting
            .set_value(set_timeout_with_handle(action, self.delay).ok());
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
