//! What the conversation shows of a message that arrived by e-mail: the files the mail brought
//! that did not pass the limits, and the whole original (quoted history and signature included),
//! loaded when the reader opens it.

use crate::api::get_email_original;
use crate::domain::{EmailOriginal, MessageEmail};
use crate::i18n::*;
use leptos::prelude::*;

fn refusal(i18n: leptos_i18n::I18nContext<Locale>, reason: &str) -> String {
    match reason {
        "too_large" => t_string!(i18n, tickets.refused_too_large),
        "too_many" => t_string!(i18n, tickets.refused_too_many),
        _ => t_string!(i18n, tickets.refused_type),
    }
    .to_string()
}

#[component]
pub fn EmailOrigin(ticket_id: String, message_id: i64, email: MessageEmail) -> impl IntoView {
    let i18n = use_i18n();
    let load = Action::new(move |id: &String| {
        let id = id.clone();
        async move { get_email_original(id, message_id).await }
    });
    let opened = move |_| {
        if load.value().get_untracked().is_none() && !load.pending().get_untracked() {
            load.dispatch(ticket_id.clone());
        }
    };
    let refused = (!email.refused_files.is_empty()).then(|| {
        let items = email
            .refused_files
            .iter()
            .map(|f| {
                let reason = f.reason.clone();
                view! { <li>{f.name.clone()} " — " {move || refusal(i18n, &reason)}</li> }
            })
            .collect_view();
        view! {
            <div class="message__refused" data-testid="refused-files">
                <p class="muted">{t!(i18n, tickets.refused_files)}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let original = email.trimmed.then(|| {
        view! {
            <details class="message__original" on:toggle=opened>
                <summary>{t!(i18n, tickets.email_original)}</summary>
                {move || match load.value().get() {
                    None => view! { <p class="muted">{t!(i18n, tickets.loading_original)}</p> }.into_any(),
                    Some(Err(e)) => crate::components::load_error(e),
                    Some(Ok(EmailOriginal { headers, text })) => view! {
                        <pre class="email__headers" data-testid="original-headers">{headers}</pre>
                        <pre class="email__text" data-testid="original-text">{text}</pre>
                    }.into_any(),
                }}
            </details>
        }
    });
    view! { {refused} {original} }
}
