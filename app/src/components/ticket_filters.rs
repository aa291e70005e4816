//! The ticket lists' shared filters (dashboard and `/chamados`) and their "next page" link.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{priority_label, status_label};
use crate::domain::{Priority, TicketStatus};
use crate::i18n::*;

/// The search box and the status and priority choices of a ticket list's GET form, each
/// showing the value in the URL. `not_closed` adds the "open or answered" status choice.
#[component]
pub fn TicketFilterFields(#[prop(optional)] not_closed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    view! {
        <div class="field filters__search">
            <label for="filter-q">{t!(i18n, tickets.search)}</label>
            <input id="filter-q" name="q" type="search" value=move || current("q") />
        </div>
        <div class="field">
            <label for="filter-status">{t!(i18n, tickets.status)}</label>
            <select id="filter-status" name="status">
                <option value="">{t!(i18n, tickets.any_status)}</option>
                {not_closed.then(|| view! {
                    <option value="open,answered" selected=move || current("status") == "open,answered">{t!(i18n, dashboard.not_closed)}</option>
                })}
                {TicketStatus::ALL.iter().map(|s| {
                    let s = *s;
                    view! { <option value=s.as_str() selected=move || current("status") == s.as_str()>{move || status_label(i18n, s)}</option> }
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="filter-priority">{t!(i18n, tickets.priority)}</label>
            <select id="filter-priority" name="priority">
                <option value="">{t!(i18n, tickets.any_priority)}</option>
                {Priority::ALL.iter().map(|p| {
                    let p = *p;
                    view! { <option value=p.as_str() selected=move || current("priority") == p.as_str()>{move || priority_label(i18n, p)}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The link to a list's next page, when there is one.
pub fn next_page_link(
    i18n: leptos_i18n::I18nContext<Locale>,
    next: Option<String>,
) -> impl IntoView {
    next.map(|href| view! { <p class="pager"><a class="button" href=href>{t!(i18n, tickets.next_page)}</a></p> })
}
