//! The bell: a signed-in person's notifications with the unread count, fed by the live event
//! stream (`notification.created`, only ever the person's own), and — if they opt in — the
//! browser's own notifications while the tab is in the background.

use leptos::prelude::*;

use crate::components::format_time;
use crate::domain::{NotificationKind, NotificationList, NotificationView};
use crate::i18n::*;

/// What happened, in the reader's language.
pub fn notification_line(i18n: leptos_i18n::I18nContext<Locale>, n: &NotificationView) -> String {
    use NotificationKind::*;
    let ticket = n.ticket_id.clone().unwrap_or_default();
    let actor = n
        .actor
        .clone()
        .unwrap_or_else(|| t_string!(i18n, notifications.someone).to_string());
    match n.kind {
        TicketReceived => t_string!(i18n, notifications.lines.ticket_received, ticket),
        SupportAnswered => {
            t_string!(i18n, notifications.lines.support_answered, actor, ticket)
        }
        TicketClosed => t_string!(i18n, notifications.lines.ticket_closed, ticket),
        TicketReopened => t_string!(i18n, notifications.lines.ticket_reopened, ticket),
        AutoCloseWarning => t_string!(i18n, notifications.lines.auto_close_warning, ticket),
        NewTicket => t_string!(i18n, notifications.lines.new_ticket, actor, ticket),
        CustomerReplied => t_string!(i18n, notifications.lines.customer_replied, actor, ticket),
        TicketAssigned => t_string!(i18n, notifications.lines.ticket_assigned, ticket),
        Mentioned => t_string!(i18n, notifications.lines.mentioned, actor, ticket),
        Escalated => t_string!(i18n, notifications.lines.escalated, actor, ticket),
        SlaBreached => t_string!(i18n, notifications.lines.sla_breached, ticket),
    }
    .to_string()
}

/// The kind's name in the reader's language (preferences).
pub fn notification_kind_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    kind: NotificationKind,
) -> String {
    use NotificationKind::*;
    match kind {
        TicketReceived => t_string!(i18n, notifications.kinds.ticket_received),
        SupportAnswered => t_string!(i18n, notifications.kinds.support_answered),
        TicketClosed => t_string!(i18n, notifications.kinds.ticket_closed),
        TicketReopened => t_string!(i18n, notifications.kinds.ticket_reopened),
        AutoCloseWarning => t_string!(i18n, notifications.kinds.auto_close_warning),
        NewTicket => t_string!(i18n, notifications.kinds.new_ticket),
        CustomerReplied => t_string!(i18n, notifications.kinds.customer_replied),
        TicketAssigned => t_string!(i18n, notifications.kinds.ticket_assigned),
        Mentioned => t_string!(i18n, notifications.kinds.mentioned),
        Escalated => t_string!(i18n, notifications.kinds.escalated),
        SlaBreached => t_string!(i18n, notifications.kinds.sla_breached),
    }
    .to_string()
}

#[component]
pub fn Bell() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(None::<NotificationList>);
    let open = RwSignal::new(false);
    let unread = move || list.with(|l| l.as_ref().map_or(0, |l| l.unread));
    #[cfg(feature = "hydrate")]
    follow(list, i18n);
    let label = move || {
        let count = unread();
        if count > 0 {
            format!(
                "{}, {}",
                t_string!(i18n, notifications.bell),
                t_string!(i18n, notifications.unread_count, count)
            )
        } else {
            t_string!(i18n, notifications.bell).to_string()
        }
    };
    let mark_all = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(now) = crate::api::mark_notifications_read(None).await {
                list.set(Some(now));
            }
        });
    };
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let on_key = move |e: leptos::ev::KeyboardEvent| {
        if e.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = button_ref.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    view! {
        <div class="bell" data-testid="bell" data-loaded=move || list.with(Option::is_some).to_string() on:keydown=on_key>
            <button type="button" class="bell__button" node_ref=button_ref
                aria-expanded=move || open.get().to_string() aria-controls="bell-panel"
                aria-label=label on:click=move |_| open.update(|o| *o = !*o)>
                <svg class="bell__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                    <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"/>
                </svg>
                {move || (unread() > 0).then(|| view! {
                    <span class="bell__count" data-testid="bell-count" aria-hidden="true">{unread()}</span>
                })}
            </button>
            <div id="bell-panel" class="bell__panel" role="region" hidden=move || !open.get()
                aria-label=move || t_string!(i18n, notifications.bell)>
                <div class="bell__head">
                    <h2 class="bell__title">{t!(i18n, notifications.bell)}</h2>
                    <button type="button" class="bell__mark-all" on:click=mark_all
                        disabled=move || unread() == 0>{t!(i18n, notifications.mark_all_read)}</button>
                </div>
                {move || list.with(|l| match l {
                    Some(l) if !l.items.is_empty() => view! {
                        <ul class="bell__list">
                            {l.items.iter().map(|n| view! { <Entry n=n.clone() list /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    _ => view! { <p class="muted bell__empty">{t!(i18n, notifications.empty)}</p> }.into_any(),
                })}
                <BrowserNotices />
            </div>
        </div>
    }
}

#[component]
fn Entry(n: NotificationView, list: RwSignal<Option<NotificationList>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = n.id;
    let read = n.read;
    let href = n
        .ticket_id
        .as_ref()
        .map(|t| format!("/chamados/{t}"))
        .unwrap_or_else(|| "/chamados".to_owned());
    let line = {
        let n = n.clone();
        move || notification_line(i18n, &n)
    };
    let on_click = move |_| {
        if !read {
            leptos::task::spawn_local(async move {
                if let Ok(now) = crate::api::mark_notifications_read(Some(id)).await {
                    list.set(Some(now));
                }
            });
        }
    };
    view! {
        <li class="bell__item" class:bell__item--unread=!read data-kind=n.kind.as_str()>
            <a href=href on:click=on_click>
                <span class="bell__line">{line}</span>
                {n.ticket_subject.clone().map(|s| view! { <span class="bell__subject">{s}</span> })}
                <time class="bell__time" datetime=n.created_at.to_rfc3339()>{format_time(n.created_at)}</time>
                {(!read).then(|| view! { <span class="visually-hidden">{t!(i18n, notifications.unread)}</span> })}
            </a>
        </li>
    }
}

/// Opt-in browser notifications (this browser only).
#[component]
fn BrowserNotices() -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(String::new());
    // After hydration (the server cannot know the browser's permission).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| state.set(permission()));
    let ask = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let Ok(promise) = web_sys::Notification::request_permission() {
                leptos::task::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                    state.set(permission());
                });
            }
        }
    };
    view! {
        {move || match state.get().as_str() {
            "default" => view! {
                <button type="button" class="button bell__browser" on:click=ask>{t!(i18n, notifications.browser_enable)}</button>
            }.into_any(),
            "granted" => view! { <p class="muted bell__browser">{t!(i18n, notifications.browser_on)}</p> }.into_any(),
            "denied" => view! { <p class="muted bell__browser">{t!(i18n, notifications.browser_denied)}</p> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

#[cfg(feature = "hydrate")]
fn permission() -> String {
    use web_sys::{Notification, NotificationPermission};
    match Notification::permission() {
        NotificationPermission::Granted => "granted",
        NotificationPermission::Denied => "denied",
        _ => "default",
    }
    .to_owned()
}

/// Loads the bell and reloads it on each `notification.created`; announces new ones through
/// the browser when permitted and the tab is hidden.
#[cfg(feature = "hydrate")]
fn follow(list: RwSignal<Option<NotificationList>>, i18n: leptos_i18n::I18nContext<Locale>) {
    use crate::components::{follow_events, LiveEvent};
    let load = move |announce: bool| {
        leptos::task::spawn_local(async move {
            let Ok(now) = crate::api::get_notifications().await else {
                return;
            };
            let newest_before = list.with_untracked(|l| {
                l.as_ref()
                    .and_then(|l| l.items.first().map(|n| n.id))
                    .unwrap_or(0)
            });
            if announce {
                if let Some(n) = now.items.first().filter(|n| n.id > newest_before) {
                    browser_notice(&notification_line(i18n, n), n.ticket_subject.as_deref());
                }
            }
            list.set(Some(now));
        });
    };
    load(false);
    follow_events(&["notification.created"], move |_: LiveEvent| load(true));
}

#[cfg(feature = "hydrate")]
fn browser_notice(title: &str, body: Option<&str>) {
    use web_sys::{Notification, NotificationOptions, NotificationPermission};
    if Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let hidden = web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden());
    if !hidden {
        return;
    }
    let options = NotificationOptions::new();
    if let Some(body) = body {
        options.set_body(body);
    }
    let _ = Notification::new_with_options(title, &options);
}
