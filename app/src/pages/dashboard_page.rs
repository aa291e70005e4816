//! The agent dashboard (support staff's `/chamados`): counters, queues with counts, the ticket
//! table with every filter, kept live by the event stream — a new or changed ticket is fetched
//! alone and put in place (or taken out when it leaves the view), highlighted for a moment;
//! counters and queue counts refetch on their own small endpoints, never the whole list.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{
    find_organizations, get_filter_choices, get_queue_counts, get_rows_presence, get_ticket_stats,
    list_tickets, SetMyAway,
};
use crate::components::{
    format_time, load_error, next_page_link, priority_label, status_label, Debounce, Loading,
    SlaBadge, TicketFilterFields,
};
use crate::components::{presence_text, Counters};
use crate::domain::{CurrentUser, ListSort, NamedRef, TicketListQuery, TicketSummary};
use crate::i18n::*;

/// Who is on which ticket: ticket id → `(person, state, expiry in ms)`.
type PresenceMap = HashMap<String, Vec<crate::components::PresentPerson>>;

#[derive(Clone, Copy)]
struct Live {
    rows: RwSignal<Vec<TicketSummary>>,
    fresh: RwSignal<Vec<String>>,
    presence: RwSignal<PresenceMap>,
    stats_version: RwSignal<u32>,
    /// Read by the event stream's follower (in the browser only).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    resync: RwSignal<u32>,
    /// Announced to screen readers.
    announcement: RwSignal<String>,
    clock: RwSignal<f64>,
}

/// Tickets on one page of the dashboard's table (later ones behind "next page").
const PAGE_ROWS: usize = 25;

fn query_of(q: &leptos_router::params::ParamsMap) -> TicketListQuery {
    TicketListQuery {
        status: q.get("status"),
        priority: q.get("priority"),
        department_id: q.get("department_id"),
        ticket_type: q.get("type"),
        assignee: q.get("assignee"),
        organization_id: q.get("organization_id"),
        escalated: q.get("escalated"),
        sla_risk: q.get("sla_risk"),
        tag: q.get("tag"),
        q: q.get("q"),
        sort: q.get("sort"),
        limit: Some(PAGE_ROWS.to_string()),
        cursor: q.get("cursor"),
    }
}

/// The queues: label key, the query that opens them.
const QUEUES: &[(&str, &str)] = &[
    ("all", ""),
    ("unassigned", "?assignee=none&status=open,answered"),
    ("mine", "?assignee=me&status=open,answered"),
    ("escalated", "?escalated=true&status=open,answered"),
    ("sla", "?sla_risk=true&status=open&sort=sla_due"),
];

#[component]
pub fn Dashboard(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = move || query.with(query_of);
    // Bumped when the event stream asks for a resync (the list is read again).
    let resync = RwSignal::new(0_u32);
    let page = Resource::new(move || (params(), resync.get()), |(p, _)| list_tickets(p));
    let live = Live {
        rows: RwSignal::new(Vec::new()),
        fresh: RwSignal::new(Vec::new()),
        presence: RwSignal::new(HashMap::new()),
        stats_version: RwSignal::new(0),
        resync,
        announcement: RwSignal::new(String::new()),
        clock: RwSignal::new(0.0),
    };
    let stats = Resource::new(move || live.stats_version.get(), |_| get_ticket_stats());
    let queues = Resource::new(move || live.stats_version.get(), |_| get_queue_counts());
    let choices = Resource::new(|| (), |_| get_filter_choices());
    // The name of the organization a link filters by (the filter itself looks names up as
    // they are typed).
    let chosen_organization = Resource::new(
        move || query.with(|q| q.get("organization_id")),
        |id| async move {
            match id.and_then(|id| id.parse::<i64>().ok()) {
                Some(id) => find_organizations(String::new(), Some(id))
                    .await
                    .map(|found| found.into_iter().next()),
                None => Ok(None),
            }
        },
    );
    let away = ServerAction::<SetMyAway>::new();
    let is_away = Signal::derive(move || {
        away.value()
            .get()
            .and_then(Result::ok)
            .map_or(user.away, |u| u.away)
    });
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        follow(live, query);
    });
    let current = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    let active_queue = move || {
        let search = query.with(|q| q.to_query_string());
        QUEUES
            .iter()
            .find(|(_, href)| *href == search)
            .map(|(key, _)| *key)
    };
    view! {
        <section class="page dashboard">
            <div class="page-head">
                <h1>{t!(i18n, dashboard.title)}</h1>
                <ActionForm action=away attr:class="form form--inline">
                    <input type="hidden" name="away" value=move || (!is_away.get()).to_string() />
                    <span class="muted" data-testid="away-state">{move || if is_away.get() { t_string!(i18n, dashboard.away_on).to_string() } else { t_string!(i18n, dashboard.away_off).to_string() }}</span>
                    " "
                    <button type="submit" class="button">{move || if is_away.get() { t_string!(i18n, dashboard.back).to_string() } else { t_string!(i18n, dashboard.go_away).to_string() }}</button>
                </ActionForm>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    stats.await.ok().map(|stats| view! { <Counters stats /> })
                })}
            </Transition>
            <nav class="queues" aria-label=move || t_string!(i18n, dashboard.queues)>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let counts = queues.await.ok();
                        QUEUES.iter().map(|(key, href)| {
                            let key = *key;
                            let count = counts.map(|c| match key {
                                "unassigned" => c.unassigned,
                                "mine" => c.mine,
                                "escalated" => c.escalated,
                                "sla" => c.sla_risk,
                                _ => -1,
                            }).filter(|n| *n >= 0);
                            let label = move || match key {
                                "unassigned" => t_string!(i18n, dashboard.queue_unassigned).to_string(),
                                "mine" => t_string!(i18n, dashboard.queue_mine).to_string(),
                                "escalated" => t_string!(i18n, dashboard.queue_escalated).to_string(),
                                "sla" => t_string!(i18n, dashboard.queue_sla).to_string(),
                                _ => t_string!(i18n, dashboard.queue_all).to_string(),
                            };
                            view! {
                                <a class="queue" href=format!("/chamados{href}") data-testid=format!("queue-{key}")
                                    aria-current=move || (active_queue() == Some(key)).then_some("page")>
                                    {label}
                                    {count.map(|n| view! { " " <span class="queue__n" data-testid=format!("queue-{key}-count")>{n}</span> })}
                                </a>
                            }
                        }).collect_view()
                    })}
                </Transition>
            </nav>
            <form method="get" action="/chamados" class="filters" role="search" aria-label=move || t_string!(i18n, tickets.filters)>
                <TicketFilterFields not_closed=true />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let c = choices.await.ok();
                        let organization = chosen_organization.await.ok().flatten();
                        let (departments, types, assignees) = c.map(|c| (c.departments, c.types, c.assignees)).unwrap_or_default();
                        view! {
                            <div class="field">
                                <label for="filter-department">{t!(i18n, tickets.department)}</label>
                                <select id="filter-department" name="department_id">
                                    <option value="">{t!(i18n, tickets.any_department)}</option>
                                    {departments.into_iter().map(|d| { let id = d.id.to_string(); let selected = current("department_id") == id; view! { <option value=id selected=selected>{d.name}</option> } }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="filter-type">{t!(i18n, dashboard.type_label)}</label>
                                <select id="filter-type" name="type">
                                    <option value="">{t!(i18n, dashboard.any_type)}</option>
                                    {types.into_iter().map(|(key, name)| { let selected = current("type") == key; view! { <option value=key selected=selected>{name}</option> } }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="filter-assignee">{t!(i18n, dashboard.assignee)}</label>
                                <select id="filter-assignee" name="assignee">
                                    <option value="">{t!(i18n, dashboard.anyone)}</option>
                                    <option value="me" selected=move || current("assignee") == "me">{t!(i18n, dashboard.me)}</option>
                                    <option value="none" selected=move || current("assignee") == "none">{t!(i18n, dashboard.nobody)}</option>
                                    {assignees.into_iter().map(|a| { let id = a.id.to_string(); let selected = current("assignee") == id; view! { <option value=id selected=selected>{a.name}</option> } }).collect_view()}
                                </select>
                            </div>
                            <OrganizationFilter selected=organization />
                        }
                    })}
                </Transition>
                <div class="field">
                    <label for="filter-sort">{t!(i18n, dashboard.sort)}</label>
                    <select id="filter-sort" name="sort">
                        <option value="">{t!(i18n, dashboard.sort_updated)}</option>
                        <option value="created_at" selected=move || current("sort") == "created_at">{t!(i18n, dashboard.sort_created)}</option>
                        <option value="-priority" selected=move || current("sort") == "-priority">{t!(i18n, dashboard.sort_priority)}</option>
                        <option value="sla_due" selected=move || current("sort") == "sla_due">{t!(i18n, dashboard.sort_sla)}</option>
                    </select>
                </div>
                {move || (current("escalated") == "true").then(|| view! { <input type="hidden" name="escalated" value="true" /> })}
                <button type="submit" class="button">{t!(i18n, tickets.apply)}</button>
                <a class="filters__clear" href="/chamados">{t!(i18n, tickets.clear)}</a>
            </form>
            <p class="visually-hidden" aria-live="polite" data-testid="live-status">{move || live.announcement.get()}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            live.rows.set(page.items);
                            #[cfg(feature = "hydrate")]
                            load_presence(live);
                            let next = page.next_cursor.map(|cursor| {
                                let mut q = query.get_untracked();
                                q.replace("cursor", cursor);
                                format!("/chamados{}", q.to_query_string())
                            });
                            view! {
                                <Show when=move || live.rows.with(|r| !r.is_empty()) fallback=move || view! { <p class="empty">{t!(i18n, tickets.empty)}</p> }>
                                    <div class="table-wrap">
                                        <table class="table" data-testid="tickets">
                                            <thead><tr>
                                                <th scope="col">{t!(i18n, tickets.number)}</th>
                                                <th scope="col">{t!(i18n, tickets.subject)}</th>
                                                <th scope="col">{t!(i18n, tickets.requester)}</th>
                                                <th scope="col">{t!(i18n, tickets.department)}</th>
                                                <th scope="col">{t!(i18n, tickets.status)}</th>
                                                <th scope="col">{t!(i18n, tickets.priority)}</th>
                                                <th scope="col">{t!(i18n, dashboard.assignee)}</th>
                                                <th scope="col">{t!(i18n, sla.column)}</th>
                                                <th scope="col">{t!(i18n, dashboard.updated)}</th>
                                            </tr></thead>
                                            <tbody>
                                                <For each=move || live.rows.get() key=|t| (t.id.clone(), t.updated_at, t.status, t.priority, t.assignee.as_ref().map(|a| a.id)) let:t>
                                                    <Row t live />
                                                </For>
                                            </tbody>
                                        </table>
                                    </div>
                                </Show>
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

/// The organization filter: the names of the organizations in the viewer's scope are looked up
/// as they are typed (a list of suggestions under the field); choosing one puts its id in the
/// form's `organization_id`. An installation has thousands of organizations: none is sent
/// with the page.
#[component]
fn OrganizationFilter(selected: Option<NamedRef>) -> impl IntoView {
    let i18n = use_i18n();
    let id = RwSignal::new(
        selected
            .as_ref()
            .map(|o| o.id.to_string())
            .unwrap_or_default(),
    );
    let name = selected
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let options = RwSignal::new(selected.into_iter().collect::<Vec<NamedRef>>());
    let debounce = Debounce::new(std::time::Duration::from_millis(150));
    let look_up = move |text: String| {
        // A name chosen from the list (or typed in full) selects its organization.
        let exact = |found: &[NamedRef], text: &str| {
            found
                .iter()
                .find(|o| o.name == text)
                .map(|o| o.id.to_string())
        };
        id.set(
            options
                .with_untracked(|o| exact(o, &text))
                .unwrap_or_default(),
        );
        debounce.call(move |latest| {
            leptos::task::spawn_local(async move {
                if let Ok(found) = find_organizations(text.clone(), None).await {
                    if latest.is_current() {
                        if let Some(chosen) = exact(&found, &text) {
                            id.set(chosen);
                        }
                        options.set(found);
                    }
                }
            });
        });
    };
    view! {
        <div class="field">
            <label for="filter-organization">{t!(i18n, dashboard.organization)}</label>
            <input id="filter-organization" type="search" list="filter-organization-choices"
                autocomplete="off" value=name data-testid="filter-organization"
                placeholder=move || t_string!(i18n, dashboard.any_organization)
                aria-describedby="filter-organization-hint"
                on:input=move |ev| look_up(event_target_value(&ev))
                on:focus=move |ev| {
                    if options.with_untracked(Vec::is_empty) {
                        look_up(event_target_value(&ev));
                    }
                } />
            <datalist id="filter-organization-choices">
                <For each=move || options.get() key=|o| o.id let:o>
                    <option value=o.name></option>
                </For>
            </datalist>
            <input type="hidden" name="organization_id" value=move || id.get() />
            <span id="filter-organization-hint" class="visually-hidden">{t!(i18n, dashboard.organization_hint)}</span>
        </div>
    }
}

#[component]
fn Row(t: TicketSummary, live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/chamados/{}", t.id);
    let id = t.id.clone();
    let id_fresh = t.id.clone();
    let status = t.status;
    let priority = t.priority;
    let people = move || {
        let now = live.clock.get();
        live.presence.with(|p| {
            p.get(&id)
                .map(|list| {
                    list.iter()
                        .filter(|(_, _, until)| *until > now)
                        .map(|(who, state, _)| (who.name.clone(), *state))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <tr data-ticket=t.id.clone() class=move || if live.fresh.with(|f| f.contains(&id_fresh)) { "row--fresh" } else { "" }>
            <td><a href=href.clone()>{t.id.clone()}</a></td>
            <td>
                <a href=href>{t.subject.clone()}</a>
                {t.escalated.then(|| view! { " " <span class="badge badge--escalated">{t!(i18n, tickets.escalated)}</span> })}
                {move || people().into_iter().map(|(name, state)| view! {
                    " " <span class="presence" data-testid="row-presence">{presence_text(i18n, &name, state)}</span>
                }).collect_view()}
            </td>
            <td>{t.requester.name.clone()} <span class="muted">" · " {t.organization.name.clone()}</span></td>
            <td>{t.department.name.clone()}</td>
            <td><span class=format!("badge badge--{}", status.as_str())>{move || status_label(i18n, status)}</span></td>
            <td><span class=format!("badge badge--{}", priority.as_str())>{move || priority_label(i18n, priority)}</span></td>
            <td>{t.assignee.map(|a| a.name).unwrap_or_else(|| "—".to_owned())}</td>
            <td><SlaBadge sla=t.sla.clone() /></td>
            <td><time datetime=t.updated_at.to_rfc3339()>{format_time(t.updated_at)}</time></td>
        </tr>
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
/// Puts a changed ticket in place (or takes it out when `row` is `None`). New rows join only
/// the first page; on later pages a ticket changes in place.
fn place_row(
    rows: &mut Vec<TicketSummary>,
    id: &str,
    row: Option<TicketSummary>,
    sort: &str,
    first_page: bool,
) -> bool {
    let existed = rows.iter().position(|r| r.id == id).map(|i| rows.remove(i));
    let Some(row) = row else {
        return existed.is_some();
    };
    if existed.is_none() && !first_page {
        return false;
    }
    let order = ListSort::parse(sort).unwrap_or_default();
    let at = rows
        .iter()
        .position(|other| order.goes_before(&row, other))
        .unwrap_or(rows.len());
    if existed.is_none() && at == rows.len() && rows.len() >= PAGE_ROWS {
        // Past the end of a full page: it belongs to a later page.
        return false;
    }
    rows.insert(at, row);
    true
}

#[cfg(feature = "hydrate")]
fn load_presence(live: Live) {
    let ids = live
        .rows
        .with_untracked(|r| r.iter().map(|t| t.id.clone()).collect::<Vec<_>>().join(","));
    if ids.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(list) = get_rows_presence(ids).await {
            let until =
                crate::components::now_ms() + crate::domain::PRESENCE_TTL_SECONDS as f64 * 1000.0;
            live.presence.update(|p| {
                for (ticket, people) in list {
                    p.insert(
                        ticket,
                        people
                            .into_iter()
                            .map(|e| (e.user, e.state, until))
                            .collect(),
                    );
                }
            });
        }
    });
}

#[cfg(not(feature = "hydrate"))]
#[allow(dead_code)]
fn load_presence(_live: Live) {
    let _ = get_rows_presence;
}

/// Follows the event stream: rows, counters, presence.
#[cfg(feature = "hydrate")]
fn follow(live: Live, query: Memo<leptos_router::params::ParamsMap>) {
    use crate::api::get_live_row;
    use crate::components::{follow_events, now_ms, Debounce, LiveEvent, ALL_KINDS};
    use std::time::Duration;
    let i18n = use_i18n();
    let counters = Debounce::new(Duration::from_millis(150));
    // Presence expires without heartbeats: re-check every few seconds.
    live.clock.set(now_ms());
    if let Ok(handle) =
        set_interval_with_handle(move || live.clock.set(now_ms()), Duration::from_secs(5))
    {
        on_cleanup(move || handle.clear());
    }
    follow_events(ALL_KINDS, move |event: LiveEvent| {
        if event.kind == "presence" {
            if let Some(change) = event.presence() {
                live.presence.update(|p| {
                    let people = p.entry(change.ticket_id.clone()).or_default();
                    change.apply(people);
                });
            }
            return;
        }
        counters.call(move |_| live.stats_version.update(|v| *v += 1));
        if event.kind == "resync" {
            live.resync.update(|n| *n += 1);
            return;
        }
        let Some(ticket) = event.ticket_id.clone() else {
            return;
        };
        if event.kind == "stats.changed" {
            return;
        }
        let created = event.kind == "ticket.created";
        let params = query.with_untracked(query_of);
        let sort = params.sort.clone().unwrap_or_default();
        let first_page = params.cursor.is_none();
        leptos::task::spawn_local(async move {
            let Ok(row) = get_live_row(params, ticket.clone()).await else {
                return;
            };
            let shown = row.is_some();
            let mut moved = false;
            live.rows
                .update(|rows| moved = place_row(rows, &ticket, row, &sort, first_page));
            if moved && shown {
                live.fresh.update(|f| f.push(ticket.clone()));
                if created {
                    let id = ticket.clone();
                    live.announcement
                        .set(t_string!(i18n, dashboard.new_ticket, id).to_string());
                }
                set_timeout(
                    move || live.fresh.update(|f| f.retain(|t| *t != ticket)),
                    Duration::from_secs(3),
                );
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NamedRef, Priority, TicketStatus};
    use chrono::{TimeZone, Utc};

    fn ticket(number: i64, minute: u32, priority: Priority) -> TicketSummary {
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 10, minute, 0).unwrap();
        let named = |name: &str| NamedRef {
            id: 1,
            name: name.to_owned(),
        };
        TicketSummary {
            id: format!("TKT-{number:06}"),
            number,
            subject: String::new(),
            ticket_type: "duvida".into(),
            department: named("Técnico"),
            status: TicketStatus::Open,
            priority,
            requester: named("Carla"),
            organization: named("Acme"),
            assignee: None,
            created_at: at,
            updated_at: at,
            last_reply_at: None,
            escalated: false,
            sla: Default::default(),
        }
    }

    #[test]
    fn a_changed_ticket_moves_to_its_place_and_leaves_when_filtered_out() {
        let mut rows = vec![
            ticket(3, 30, Priority::Low),
            ticket(2, 20, Priority::High),
            ticket(1, 10, Priority::Low),
        ];
        // Ticket 1 changed at 10:40: to the top of the newest-first list.
        assert!(place_row(
            &mut rows,
            "TKT-000001",
            Some(ticket(1, 40, Priority::Low)),
            "",
            true
        ));
        let order: Vec<i64> = rows.iter().map(|t| t.number).collect();
        assert_eq!(order, [1, 3, 2]);
        // It no longer matches the filter: out.
        assert!(place_row(&mut rows, "TKT-000001", None, "", true));
        assert_eq!(rows.len(), 2);
        // A new ticket on a later page does not appear there.
        assert!(!place_row(
            &mut rows,
            "TKT-000009",
            Some(ticket(9, 50, Priority::Low)),
            "",
            false
        ));
        // By priority: a critical one goes first.
        assert!(place_row(
            &mut rows,
            "TKT-000004",
            Some(ticket(4, 5, Priority::Critical)),
            "-priority",
            true
        ));
        assert_eq!(rows[0].number, 4);
        // By due time: the soonest first, tickets without a clock last.
        let due = |number: i64, minutes: Option<i64>| {
            let mut t = ticket(number, 0, Priority::Low);
            t.sla.due_at = minutes.map(|m| t.created_at + chrono::Duration::minutes(m));
            t
        };
        let mut rows = vec![due(1, Some(30)), due(2, Some(90)), due(3, None)];
        assert!(place_row(
            &mut rows,
            "TKT-000004",
            Some(due(4, Some(60))),
            "sla_due",
            true
        ));
        assert!(place_row(
            &mut rows,
            "TKT-000005",
            Some(due(5, None)),
            "sla_due",
            true
        ));
        let order: Vec<i64> = rows.iter().map(|t| t.number).collect();
        assert_eq!(order, [1, 4, 2, 3, 5]);
    }
}
