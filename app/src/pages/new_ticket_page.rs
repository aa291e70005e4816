use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_ticket_form, OpenTicket};
use crate::components::{priority_label, FieldMessage, FormError, PageTitle, RequireUser};
use crate::domain::{
    char_count, CurrentUser, NamedRef, Priority, TicketField, TicketTypeInfo, MESSAGE_MAX_CHARS,
};
use crate::i18n::*;

/// "Criar chamado": type (only the plan's), department, priority with guidance, subject, the
/// message with a live character counter, and the type's own fields.
#[component]
pub fn NewTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, tickets.form_title).to_string()) />
        <RequireUser children=|user| view! { <NewTicket user /> } />
    }
}

#[component]
fn NewTicket(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    if !user.can_open_tickets {
        return view! { <section class="page"><h1>{t!(i18n, tickets.form_title)}</h1><p class="notice">{t!(i18n, tickets.no_permission)}</p></section> }.into_any();
    }
    let form = Resource::new(|| (), |_| get_ticket_form());
    view! {
        <section class="page">
            <h1>{t!(i18n, tickets.form_title)}</h1>
            <p class="muted">{t!(i18n, tickets.form_intro)}</p>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok((types, departments)) => view! { <TicketForm types departments /> }.into_any(),
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn TicketForm(types: Vec<TicketTypeInfo>, departments: Vec<NamedRef>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let action = ServerAction::<OpenTicket>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let initial = query
        .with_untracked(|q| q.get("tipo"))
        .filter(|k| types.iter().any(|t| &t.key == k));
    let selected = RwSignal::new(
        initial
            .or_else(|| types.first().map(|t| t.key.clone()))
            .unwrap_or_default(),
    );
    let message = RwSignal::new(String::new());
    let related = query
        .with_untracked(|q| q.get("relacionado"))
        .filter(|r| crate::domain::TicketNumber::parse(r).is_some());
    let types = StoredValue::new(types);
    let current =
        move || types.with_value(|ts| ts.iter().find(|t| t.key == selected.get()).cloned());
    view! {
        <ActionForm action=action attr:class="form form--wide" attr:novalidate="true">
            {related.map(|id| {
                let shown = id.clone();
                view! {
                    <input type="hidden" name="input[related]" value=id />
                    <p class="notice">{t!(i18n, tickets.continues, id = move || shown.clone())}</p>
                }
            })}
            <div class="field">
                <label for="ticket-type">{t!(i18n, tickets.ticket_type)}</label>
                <select id="ticket-type" name="input[type]" aria-describedby="ticket-type-description ticket-type-msg"
                    on:change=move |ev| selected.set(event_target_value(&ev))>
                    {types.with_value(|ts| ts.iter().map(|t| {
                        let key = t.key.clone();
                        let is_selected = selected.get_untracked() == key;
                        view! { <option value=key selected=is_selected>{t.name.clone()}</option> }
                    }).collect_view())}
                </select>
                <span class="hint" id="ticket-type-description">{move || current().map(|t| t.description).unwrap_or_default()}</span>
                <FieldMessage error field="type" id="ticket-type-msg" />
            </div>
            <div class="field">
                <label for="ticket-department">{t!(i18n, tickets.department)}</label>
                <select id="ticket-department" name="input[department_id]">
                    {departments.into_iter().map(|d| view! { <option value=d.id.to_string()>{d.name}</option> }).collect_view()}
                </select>
            </div>
            <fieldset class="field priorities">
                <legend>{t!(i18n, tickets.priority)}</legend>
                {Priority::ALL.iter().map(|p| {
                    let p = *p;
                    let id = format!("priority-{}", p.as_str());
                    let label_for = id.clone();
                    let guidance = move || match p {
                        Priority::Low => t_string!(i18n, tickets.guidance_low),
                        Priority::Medium => t_string!(i18n, tickets.guidance_medium),
                        Priority::High => t_string!(i18n, tickets.guidance_high),
                        Priority::Critical => t_string!(i18n, tickets.guidance_critical),
                    };
                    view! {
                        <label class="priority-option" for=label_for>
                            <input type="radio" id=id name="input[priority]" value=p.as_str() checked=p == Priority::Low />
                            <span class=format!("badge badge--{}", p.as_str())>{move || priority_label(i18n, p)}</span>
                            <span class="hint">{guidance}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="ticket-subject">{t!(i18n, tickets.subject)}</label>
                <input id="ticket-subject" name="input[subject]" type="text" required aria-describedby="ticket-subject-msg" />
                <FieldMessage error field="subject" id="ticket-subject-msg" />
            </div>
            <div class="field">
                <label for="ticket-message">{t!(i18n, tickets.message)}</label>
                <textarea id="ticket-message" name="input[message]" rows="7" required aria-describedby="ticket-message-count ticket-message-msg"
                    on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                <span id="ticket-message-count" aria-live="polite" data-testid="message-count"
                    class=move || counter_class(char_count(&message.get()) > MESSAGE_MAX_CHARS)>
                    {move || { let count = char_count(&message.get()); t_string!(i18n, tickets.characters, count).to_string() }}
                </span>
                <FieldMessage error field="message" id="ticket-message-msg" />
            </div>
            {move || current().filter(|t| !t.fields.is_empty()).map(|t| view! {
                <fieldset class="type-fields">
                    <legend>{t!(i18n, tickets.fields)} " — " {t.name.clone()}</legend>
                    {t.fields.into_iter().map(|f| view! { <CustomField field=f error /> }).collect_view()}
                </fieldset>
            })}
            <FormError error=crate::components::non_field_error(error) />
            <button type="submit" class="button button--primary" disabled=move || action.pending().get()>{t!(i18n, tickets.submit)}</button>
        </ActionForm>
    }
}

#[component]
fn CustomField(field: TicketField, error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let name = format!("input[fields][{}]", field.key);
    let id = format!("field-{}", field.key);
    let message_id = format!("field-{}-msg", field.key);
    let error_key = format!("fields.{}", field.key);
    let label = if field.required {
        format!("{} *", field.label)
    } else {
        field.label.clone()
    };
    let input = match field.kind.as_str() {
        "long_text" => view! { <textarea id=id.clone() name=name rows="3" aria-describedby=message_id.clone()></textarea> }.into_any(),
        "number" => view! { <input id=id.clone() name=name type="text" inputmode="decimal" aria-describedby=message_id.clone() /> }.into_any(),
        "datetime" => view! { <input id=id.clone() name=name type="datetime-local" aria-describedby=message_id.clone() /> }.into_any(),
        "checkbox" => view! { <input id=id.clone() name=name type="checkbox" value="on" aria-describedby=message_id.clone() /> }.into_any(),
        "select" => view! {
            <select id=id.clone() name=name aria-describedby=message_id.clone()>
                <option value="">"—"</option>
                {field.options.iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
            </select>
        }.into_any(),
        _ => view! { <input id=id.clone() name=name type="text" aria-describedby=message_id.clone() /> }.into_any(),
    };
    view! {
        <div class=if field.kind == "checkbox" { "field field--check" } else { "field" }>
            <label for=id>{label}</label>
            {input}
            <FieldMessage error field=error_key id=message_id />
        </div>
    }
}

fn counter_class(over: bool) -> &'static str {
    if over {
        "hint hint--over"
    } else {
        "hint"
    }
}
