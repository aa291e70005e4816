//! The support side of a ticket page: who else is on it, the controls (status, priority, type,
//! department, assignee, tags), canned responses, merge and link, and the timeline.

use leptos::prelude::*;

use crate::api::{ChangeTicket, LinkTicket, MergeTicket};
use crate::components::presence_text;
use crate::components::{non_field_error, priority_label, status_label, FieldMessage, FormError};
use crate::domain::{CannedResponse, Priority, TicketStatus, TicketSummary, TicketTools};
use crate::i18n::*;

/// Others on the ticket: `(person, state, expiry in ms)`.
pub type Presence = RwSignal<Vec<crate::components::PresentPerson>>;

/// "Ana está vendo este chamado" / "… está respondendo", live.
#[component]
pub fn PresenceBar(presence: Presence, clock: RwSignal<f64>) -> impl IntoView {
    let i18n = use_i18n();
    let people = move || {
        let now = clock.get();
        presence.with(|p| {
            p.iter()
                .filter(|(_, _, until)| *until > now)
                .map(|(who, state, _)| (who.name.clone(), *state))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="presence-bar" role="status" aria-live="polite" data-testid="presence">
            {move || people().into_iter().map(|(name, state)| view! {
                <span class=format!("presence presence--{}", state.as_str())>{presence_text(i18n, &name, state)}</span>
            }).collect_view()}
        </div>
    }
}

/// The controls panel. Every change saves at once and goes to the timeline.
#[component]
pub fn SupportPanel(
    ticket: TicketSummary,
    tags: Vec<String>,
    tools: TicketTools,
    me: i64,
    change: ServerAction<ChangeTicket>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(ticket.id.clone());
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let send = move |field: &'static str, value: String| {
        change.dispatch(ChangeTicket {
            id: id.get_value(),
            field: field.to_owned(),
            value,
        });
    };
    let status = ticket.status;
    let priority = ticket.priority;
    let type_key = ticket.ticket_type.clone();
    let department = ticket.department.id;
    let assignee = ticket.assignee.as_ref().map(|a| a.id);
    let tags_text = RwSignal::new(tags.join(", "));
    view! {
        <section class="card support-panel" aria-labelledby="support-heading">
            <h2 id="support-heading">{t!(i18n, support.title)}</h2>
            <FormError error=non_field_error(error) />
            <div class="support-panel__grid">
                <div class="field">
                    <label for="ticket-status">{t!(i18n, tickets.status)}</label>
                    <select id="ticket-status" on:change=move |ev| send("status", event_target_value(&ev))>
                        {TicketStatus::ALL.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str() selected=s == status>{move || status_label(i18n, s)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-priority">{t!(i18n, tickets.priority)}</label>
                    <select id="ticket-priority" on:change=move |ev| send("priority", event_target_value(&ev))>
                        {Priority::ALL.iter().map(|p| {
                            let p = *p;
                            view! { <option value=p.as_str() selected=p == priority>{move || priority_label(i18n, p)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-type">{t!(i18n, dashboard.type_label)}</label>
                    <select id="ticket-type" on:change=move |ev| send("type", event_target_value(&ev))>
                        {tools.types.into_iter().map(|(key, name)| {
                            let selected = key == type_key;
                            view! { <option value=key selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage error field="type" id="ticket-type-msg" />
                </div>
                <div class="field">
                    <label for="ticket-department">{t!(i18n, tickets.department)}</label>
                    <select id="ticket-department" on:change=move |ev| send("department", event_target_value(&ev))>
                        {tools.departments.into_iter().map(|d| {
                            let selected = d.id == department;
                            view! { <option value=d.id.to_string() selected=selected>{d.name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage error field="department_id" id="ticket-department-msg" />
                </div>
                <div class="field">
                    <label for="ticket-assignee">{t!(i18n, dashboard.assignee)}</label>
                    <select id="ticket-assignee" aria-describedby="ticket-assignee-msg" on:change=move |ev| send("assignee", event_target_value(&ev))>
                        <option value="" selected=assignee.is_none()>{t!(i18n, dashboard.nobody)}</option>
                        {tools.assignable.into_iter().map(|a| {
                            let selected = Some(a.id) == assignee;
                            view! { <option value=a.id.to_string() selected=selected>{a.name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage error field="assignee_id" id="ticket-assignee-msg" />
                    {(assignee != Some(me)).then(|| view! {
                        <button type="button" class="button" data-testid="take" on:click=move |_| send("assignee", "me".to_owned())>{t!(i18n, support.take)}</button>
                    })}
                </div>
                <form class="field" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    send("tags", tags_text.get_untracked());
                }>
                    <label for="ticket-tags">{t!(i18n, support.tags)}</label>
                    <input id="ticket-tags" type="text" aria-describedby="ticket-tags-hint ticket-tags-msg"
                        prop:value=move || tags_text.get() on:input=move |ev| tags_text.set(event_target_value(&ev)) />
                    <span id="ticket-tags-hint" class="hint">{t!(i18n, support.tags_hint)}</span>
                    <FieldMessage error field="tags" id="ticket-tags-msg" />
                    <button type="submit" class="button">{t!(i18n, support.save_tags)}</button>
                </form>
            </div>
        </section>
    }
}

/// Inserts a canned response (placeholders already filled) into the reply box.
#[component]
pub fn CannedPicker(canned: Vec<CannedResponse>, text: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(String::new());
    let canned = StoredValue::new(canned);
    view! {
        <div class="field canned">
            <label for="canned-pick">{t!(i18n, support.canned)}</label>
            <div class="canned__row">
                <select id="canned-pick" data-testid="canned-pick" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, support.canned_choose)}</option>
                    {canned.get_value().into_iter().map(|c| view! { <option value=c.id.to_string()>{c.title}</option> }).collect_view()}
                </select>
                <button type="button" class="button" data-testid="canned-insert" on:click=move |_| {
                    let body = canned.with_value(|list| {
                        list.iter().find(|c| c.id.to_string() == chosen.get_untracked()).map(|c| c.body.clone())
                    });
                    if let Some(body) = body {
                        text.update(|t| {
                            if !t.is_empty() && !t.ends_with('\n') {
                                t.push('\n');
                            }
                            t.push_str(&body);
                        });
                    }
                }>{t!(i18n, support.canned_insert)}</button>
            </div>
        </div>
    }
}

/// Merge into another ticket; link a related one.
#[component]
pub fn MergeAndLink(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let merge = ServerAction::<MergeTicket>::new();
    let link = ServerAction::<LinkTicket>::new();
    let merge_error = Signal::derive(move || merge.value().get().and_then(Result::err));
    let link_error = Signal::derive(move || link.value().get().and_then(Result::err));
    let linked = Signal::derive(move || matches!(link.value().get(), Some(Ok(()))));
    let id_link = id.clone();
    view! {
        <section class="card" aria-labelledby="merge-heading">
            <h2 id="merge-heading">{t!(i18n, support.merge_title)}</h2>
            <ActionForm action=merge attr:class="form form--inline">
                <input type="hidden" name="id" value=id.clone() />
                <div class="field">
                    <label for="merge-into">{t!(i18n, support.merge_into)}</label>
                    <input id="merge-into" name="into" type="text" required placeholder="TKT-000001" aria-describedby="merge-into-msg" />
                    <FieldMessage error=merge_error field="into" id="merge-into-msg" />
                </div>
                <button type="submit" class="button">{t!(i18n, support.merge)}</button>
            </ActionForm>
            <FormError error=non_field_error(merge_error) />
            <ActionForm action=link attr:class="form form--inline">
                <input type="hidden" name="id" value=id_link />
                <div class="field">
                    <label for="link-ticket">{t!(i18n, support.link_ticket)}</label>
                    <input id="link-ticket" name="ticket" type="text" required placeholder="TKT-000001" aria-describedby="link-ticket-msg" />
                    <FieldMessage error=link_error field="ticket" id="link-ticket-msg" />
                </div>
                <button type="submit" class="button">{t!(i18n, support.link)}</button>
            </ActionForm>
            <p role="status">{move || linked.get().then(|| t_string!(i18n, support.linked).to_string())}</p>
        </section>
    }
}

/// Tells the server what this agent is doing on the ticket: `viewing` now and every
/// [`crate::domain::PRESENCE_BEAT_SECONDS`], `replying` while the reply box has fresh text,
/// nothing once the page goes away.
#[cfg(feature = "hydrate")]
pub fn heartbeat(id: String, text: RwSignal<String>, typed_at: RwSignal<f64>) {
    use crate::api::set_presence;
    use crate::components::{now_ms, send_beacon};
    use crate::domain::PRESENCE_BEAT_SECONDS;
    use std::time::Duration;
    let id = StoredValue::new(id);
    let last = StoredValue::new(String::new());
    let state_now = move || {
        let typing = !text.with_untracked(String::is_empty)
            && now_ms() - typed_at.get_untracked() < 20_000.0;
        if typing { "replying" } else { "viewing" }.to_owned()
    };
    let beat = move |force: bool| {
        let state = state_now();
        if !force && state == last.get_value() {
            return;
        }
        last.set_value(state.clone());
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            let _ = set_presence(id, state).await;
        });
    };
    beat(true);
    if let Ok(handle) = set_interval_with_handle(
        move || beat(true),
        Duration::from_secs(PRESENCE_BEAT_SECONDS as u64),
    ) {
        on_cleanup(move || handle.clear());
    }
    // Typing turns "viewing" into "replying" at once; a quiet box turns back on the beat.
    Effect::new(move |_| {
        typed_at.track();
        beat(false);
    });
    let leave = move || {
        send_beacon(
            "/api/fn/workspace/present",
            &[("id", &id.get_value()), ("state", "")],
        );
    };
    let on_hide = window_event_listener(leptos::ev::pagehide, move |_| leave());
    on_cleanup(move || {
        on_hide.remove();
        leave();
    });
}
