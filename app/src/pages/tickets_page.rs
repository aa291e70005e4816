use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_ticket_form, get_ticket_stats, list_tickets};
use crate::components::{
    format_time, load_error, next_page_link, priority_label, status_label, Counters, Loading,
    PageTitle, RequireUser, TicketFilterFields,
};
use crate::domain::{CurrentUser, Role, TicketListQuery};
use crate::i18n::*;

/// "Todos os chamados" (seed 002): counters, search and filters kept in the URL, the table,
/// keyset pagination.
#[component]
pub fn TicketsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, tickets.list_title).to_string()) />
        <RequireUser children=|user| {
            if user.is_staff() {
                view! { <super::dashboard_page::Dashboard user /> }.into_any()
            } else {
                view! { <Tickets user /> }.into_any()
            }
        } />
    }
}

#[component]
fn Tickets(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = move || {
        query.with(|q| TicketListQuery {
            status: q.get("status"),
            priority: q.get("priority"),
            department_id: q.get("department_id"),
            q: q.get("q"),
            cursor: q.get("cursor"),
            ..TicketListQuery::default()
        })
    };
    let page = Resource::new(params, list_tickets);
    let stats = Resource::new(|| (), |_| get_ticket_stats());
    let form = Resource::new(|| (), |_| get_ticket_form());
    let shows_requester =
        user.role == Role::OrgAdmin || user.organization.as_ref().is_some_and(|o| o.shares_tickets);
    let current = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t!(i18n, tickets.list_title)}</h1>
                <Show when=move || user.can_open_tickets>
                    <a class="button button--primary" href="/chamados/novo">{t!(i18n, tickets.new)}</a>
                </Show>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    stats.await.ok().map(|stats| view! { <Counters stats /> })
                })}
            </Suspense>
            <form method="get" action="/chamados" class="filters" role="search" aria-label=move || t_string!(i18n, tickets.filters)>
                <TicketFilterFields />
                <div class="field">
                    <label for="filter-department">{t!(i18n, tickets.department)}</label>
                    <select id="filter-department" name="department_id">
                        <option value="">{t!(i18n, tickets.any_department)}</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                form.await.map(|f| f.departments).unwrap_or_default().into_iter().map(|d| {
                                    let id = d.id.to_string();
                                    let selected = current("department_id") == id;
                                    view! { <option value=id selected=selected>{d.name}</option> }
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                </div>
                <button type="submit" class="button">{t!(i18n, tickets.apply)}</button>
                <a class="filters__clear" href="/chamados">{t!(i18n, tickets.clear)}</a>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) if page.items.is_empty() => view! { <p class="empty">{t!(i18n, tickets.empty)}</p> }.into_any(),
                        Ok(page) => {
                            let next = page.next_cursor.map(|cursor| {
                                let mut q = query.get_untracked();
                                q.replace("cursor", cursor);
                                format!("/chamados{}", q.to_query_string())
                            });
                            view! {
                                <div class="table-wrap">
                                    <table class="table" data-testid="tickets">
                                        <thead><tr>
                                            <th scope="col">{t!(i18n, tickets.row_number)}</th>
                                            <th scope="col">{t!(i18n, tickets.number)}</th>
                                            <th scope="col">{t!(i18n, tickets.subject)}</th>
                                            {shows_requester.then(|| view! { <th scope="col">{t!(i18n, tickets.requester)}</th> })}
                                            <th scope="col">{t!(i18n, tickets.department)}</th>
                                            <th scope="col">{t!(i18n, tickets.status)}</th>
                                            <th scope="col">{t!(i18n, tickets.priority)}</th>
                                            <th scope="col">{t!(i18n, tickets.last_reply)}</th>
                                            <th scope="col">{t!(i18n, tickets.created)}</th>
                                            <th scope="col">{t!(i18n, tickets.actions)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {page.items.into_iter().enumerate().map(|(i, t)| {
                                                let href = format!("/chamados/{}", t.id);
                                                let status = t.status;
                                                let priority = t.priority;
                                                view! {
                                                    <tr data-ticket=t.id.clone()>
                                                        <td>{i + 1}</td>
                                                        <td><a href=href.clone()>{t.id.clone()}</a></td>
                                                        <td>{t.subject}</td>
                                                        {shows_requester.then(|| view! { <td>{t.requester.name.clone()}</td> })}
                                                        <td>{t.department.name}</td>
                                                        <td><span class=format!("badge badge--{}", status.as_str())>{move || status_label(i18n, status)}</span></td>
                                                        <td><span class=format!("badge badge--{}", priority.as_str())>{move || priority_label(i18n, priority)}</span></td>
                                                        <td>{t.last_reply_at.map(format_time).unwrap_or_default()}</td>
                                                        <td>{format_time(t.created_at)}</td>
                                                        <td><a href=href>{t!(i18n, tickets.view)}</a></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {next_page_link(i18n, next)}
                            }.into_any()
                        }
                        Err(e) => load_error(e),
                    }
                })}
            </Transition>
        </section>
    }
}
