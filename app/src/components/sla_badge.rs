//! A ticket's service-level clock as a badge: time left (green), under a quarter left (amber),
//! late (red), paused while waiting for the customer. Counts down by itself in the browser.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::components::format_time;
use crate::domain::{short_span, SlaState, TicketSla};
use crate::i18n::*;

/// The current instant, refreshed every 15 s in the browser.
fn ticking_now() -> ReadSignal<DateTime<Utc>> {
    let (now, _set_now) = signal(Utc::now());
    #[cfg(feature = "hydrate")]
    {
        use std::time::Duration;
        if let Ok(handle) =
            set_interval_with_handle(move || _set_now.set(Utc::now()), Duration::from_secs(15))
        {
            on_cleanup(move || handle.clear());
        }
    }
    now
}

/// What the badge says at `now`: its state (for the colour) and its text.
pub fn sla_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    sla: &TicketSla,
    now: DateTime<Utc>,
) -> Option<(SlaState, String)> {
    let state = sla.state_at(now)?;
    let text = match (state, sla.minutes_left(now)) {
        (SlaState::Paused, _) => t_string!(i18n, sla.paused).to_string(),
        (_, Some(left)) if left < 0 => {
            let span = short_span(left);
            t_string!(i18n, sla.late, span).to_string()
        }
        (_, Some(left)) => {
            let span = short_span(left);
            t_string!(i18n, sla.left, span).to_string()
        }
        (_, None) => t_string!(i18n, sla.breached).to_string(),
    };
    Some((state, text))
}

/// The badge; a dash when no target is pending.
#[component]
pub fn SlaBadge(sla: TicketSla) -> impl IntoView {
    let i18n = use_i18n();
    let now = ticking_now();
    let due = sla.due_at;
    let sla_for_text = sla.clone();
    let shown = Memo::new(move |_| sla_text(i18n, &sla_for_text, now.get()));
    let label = move || {
        let state = shown.with(|s| s.as_ref().map(|(s, _)| *s));
        let word = match state {
            Some(SlaState::OnTrack) => t_string!(i18n, sla.on_track).to_string(),
            Some(SlaState::AtRisk) => t_string!(i18n, sla.at_risk).to_string(),
            Some(SlaState::Breached) => t_string!(i18n, sla.breached).to_string(),
            Some(SlaState::Paused) => t_string!(i18n, sla.paused).to_string(),
            None => String::new(),
        };
        let when = due
            .map(|d| {
                let time = format_time(d);
                t_string!(i18n, sla.due_at, time).to_string()
            })
            .unwrap_or_default();
        format!("{} {word}. {when}", t_string!(i18n, sla.label))
    };
    move || {
        match shown.get() {
        None => view! { <span class="sla sla--none">"—"</span> }.into_any(),
        Some((state, text)) => view! {
            <span class=format!("sla sla--{}", state.as_str()) data-testid="sla" data-sla=state.as_str()
                title=label aria-label=label>
                {text}
            </span>
        }
        .into_any(),
    }
    }
}
