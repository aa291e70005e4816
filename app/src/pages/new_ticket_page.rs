use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_suggestions, get_ticket_form, OpenTicket};
use crate::components::{
    load_error, priority_label, status_label, AttachmentList, AttachmentPicker, Debounce,
    FieldMessage, FormError, Loading, PageTitle, RequireUser,
};
use crate::domain::{char_count, CurrentUser, Language, Priority, Suggestions, TicketField};
use crate::error::AppError;
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
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(data) => view! { <TicketForm data /> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn TicketForm(data: crate::domain::TicketFormData) -> impl IntoView {
    let i18n = use_i18n();
    let crate::domain::TicketFormData {
        types,
        departments,
        limits,
        priorities,
    } = data;
    let max_chars = limits.message_max_chars_for(false);
    let priorities = StoredValue::new(priorities);
    let query = use_query_map();
    // Without JavaScript the form posts to the server function (which redirects to the new
    // ticket); once hydrated it is sent as multipart to the REST API, with the attachments and
    // upload progress.
    let action = ServerAction::<OpenTicket>::new();
    let upload_error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let error = Signal::derive(move || {
        upload_error
            .get()
            .or_else(|| action.value().get().and_then(Result::err))
    });
    let hydrated = RwSignal::new(false);
    // The deflection attempt: this form's suggestions, what the customer opened, and whether
    // they left without submitting (reported when the form goes away).
    let attempt = StoredValue::new(String::new());
    let opened_any = StoredValue::new(false);
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let submitted = StoredValue::new(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        attempt.set_value(crate::components::random_id());
        hydrated.set(true);
    });
    #[cfg(feature = "hydrate")]
    let report_left = move || {
        if opened_any.get_value() && !submitted.get_value() {
            crate::components::send_beacon(
                "/api/fn/help-center/deflection-step",
                &[("attempt", &attempt.get_value()), ("step", "left")],
            );
            // Once: leaving the page after leaving the route says nothing new.
            opened_any.set_value(false);
        }
    };
    #[cfg(feature = "hydrate")]
    {
        let on_hide = window_event_listener(leptos::ev::pagehide, move |_| report_left());
        on_cleanup(move || {
            report_left();
            on_hide.remove();
        });
    }
    let subject = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let suggestions = RwSignal::new(None::<Suggestions>);
    let debounce = Debounce::new(std::time::Duration::from_millis(300));
    let lang = Language::from(i18n.get_locale_untracked());
    let suggest = move || {
        let q = format!("{} {}", subject.get_untracked(), message.get_untracked());
        if q.trim().chars().count() < 4 {
            debounce.cancel();
            suggestions.set(None);
            return;
        }
        debounce.call(move |latest| {
            // The form may be gone by now (sent, or left): then there is nothing to suggest.
            let Some(key) = attempt.try_get_value() else {
                return;
            };
            leptos::task::spawn_local(async move {
                let key = (!key.is_empty()).then_some(key);
                if let Ok(found) = get_suggestions(q, lang, key).await {
                    if latest.is_current() {
                        suggestions.try_set(Some(found));
                    }
                }
            });
        });
    };
    let initial = query
        .with_untracked(|q| q.get("tipo"))
        .filter(|k| types.iter().any(|t| &t.key == k));
    let selected = RwSignal::new(
        initial
            .or_else(|| types.first().map(|t| t.key.clone()))
            .unwrap_or_default(),
    );
    let related = StoredValue::new(
        query
            .with_untracked(|q| q.get("relacionado"))
            .filter(|r| crate::domain::TicketNumber::parse(r).is_some()),
    );
    let types = StoredValue::new(types);
    let departments = StoredValue::new(departments);
    let files = AttachmentList::new();
    files.set_rules((&limits).into());
    let current =
        move || types.with_value(|ts| ts.iter().find(|t| t.key == selected.get()).cloned());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let (Some(form), Some(kind)) = (form_ref.get(), current()) {
            submit(form, kind, files, pending, upload_error, attempt, submitted);
        }
    };
    let body = move || {
        view! {
            {related.get_value().map(|id| {
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
                <select id="ticket-department" name="input[department_id]" aria-describedby="ticket-department-msg">
                    {departments.get_value().into_iter().map(|d| view! { <option value=d.id.to_string()>{d.name}</option> }).collect_view()}
                </select>
                <FieldMessage error field="department_id" id="ticket-department-msg" />
            </div>
            <fieldset class="field priorities">
                <legend>{t!(i18n, tickets.priority)}</legend>
                {Priority::ALL.iter().map(|p| {
                    let p = *p;
                    let id = format!("priority-{}", p.as_str());
                    let label_for = id.clone();
                    // The texts as admins left them, in the page's language.
                    let text = move |guidance: bool| {
                        let language = Language::from(i18n.get_locale());
                        priorities.with_value(|all| {
                            all.iter().find(|t| t.priority == p).map(|t| {
                                if guidance { t.guidance(language) } else { t.label(language) }.to_owned()
                            })
                        })
                    };
                    let guidance = move || text(true).unwrap_or_default();
                    let label = move || text(false).unwrap_or_else(|| priority_label(i18n, p));
                    view! {
                        <label class="priority-option" for=label_for>
                            <input type="radio" id=id name="input[priority]" value=p.as_str() checked=p == Priority::Low />
                            <span class=format!("badge badge--{}", p.as_str())>{label}</span>
                            <span class="hint">{guidance}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="ticket-subject">{t!(i18n, tickets.subject)}</label>
                <input id="ticket-subject" name="input[subject]" type="text" required aria-describedby="ticket-subject-msg"
                    on:input=move |ev| { subject.set(event_target_value(&ev)); suggest(); } />
                <FieldMessage error field="subject" id="ticket-subject-msg" />
            </div>
            <div class="field">
                <label for="ticket-message">{t!(i18n, tickets.message)}</label>
                <textarea id="ticket-message" name="input[message]" rows="7" required aria-describedby="ticket-message-count ticket-message-msg"
                    on:input=move |ev| { message.set(event_target_value(&ev)); suggest(); }></textarea>
                <span id="ticket-message-count" aria-live="polite" data-testid="message-count"
                    class=move || counter_class(char_count(&message.get()) > max_chars)>
                    {move || { let count = char_count(&message.get()); let max = max_chars; t_string!(i18n, tickets.characters, count, max).to_string() }}
                </span>
                <FieldMessage error field="message" id="ticket-message-msg" />
            </div>
            <SuggestionPanel suggestions attempt opened_any />
            {move || current().filter(|t| !t.fields.is_empty()).map(|t| view! {
                <fieldset class="type-fields">
                    <legend>{t!(i18n, tickets.fields)} " — " {t.name.clone()}</legend>
                    {t.fields.into_iter().map(|f| view! { <CustomField field=f error /> }).collect_view()}
                </fieldset>
            })}
            <AttachmentPicker list=files error id="ticket-attachments" />
            <FormError error=crate::components::non_field_error(error) />
            <button type="submit" class="button button--primary" disabled=move || pending.get() || action.pending().get()>
                {move || if pending.get() { t_string!(i18n, tickets.sending).to_string() } else { t_string!(i18n, tickets.submit).to_string() }}
            </button>
        }
    };
    view! {
        {move || if hydrated.get() {
            view! {
                <form node_ref=form_ref class="form form--wide" novalidate=true on:submit=on_submit>
                    {body()}
                </form>
            }.into_any()
        } else {
            view! {
                <ActionForm action=action attr:class="form form--wide" attr:novalidate="true">
                    {body()}
                </ActionForm>
            }.into_any()
        }}
    }
}

/// Sends the form as `multipart/form-data` to `POST /api/v1/tickets` (the JSON in `ticket`,
/// then the files), showing progress per file; on success goes to the new ticket.
#[cfg(feature = "hydrate")]
fn submit(
    form: web_sys::HtmlFormElement,
    kind: crate::domain::TicketTypeInfo,
    files: AttachmentList,
    pending: RwSignal<bool>,
    upload_error: RwSignal<Option<AppError>>,
    attempt: StoredValue<String>,
    submitted: StoredValue<bool>,
) {
    let Ok(data) = web_sys::FormData::new_with_form(&form) else {
        return;
    };
    let get = |name: &str| data.get(name).as_string().unwrap_or_default();
    let mut fields = serde_json::Map::new();
    for field in &kind.fields {
        let value = get(&format!("input[fields][{}]", field.key));
        if !value.is_empty() {
            fields.insert(field.key.clone(), serde_json::Value::String(value));
        }
    }
    let related = get("input[related]");
    // The same input type the server reads, serialised (not JSON built by hand).
    let (Ok(department_id), Ok(priority)) = (
        get("input[department_id]").parse::<i64>(),
        get("input[priority]").parse::<crate::domain::Priority>(),
    ) else {
        upload_error.set(Some(AppError::validation("department_id", "required")));
        return;
    };
    let input = crate::domain::NewTicketInput {
        type_key: get("input[type]"),
        department_id,
        priority,
        subject: get("input[subject]"),
        message: get("input[message]"),
        fields,
        related: (!related.is_empty()).then_some(related),
        deflection_attempt: Some(attempt.get_value()).filter(|a| !a.is_empty()),
    };
    let Ok(ticket) = serde_json::to_string(&input) else {
        return;
    };
    let Ok(body) = web_sys::FormData::new() else {
        return;
    };
    if body.append_with_str("ticket", &ticket).is_err() || files.append_to(&body).is_err() {
        return;
    }
    pending.set(true);
    upload_error.set(None);
    let navigate = leptos_router::hooks::use_navigate();
    let sent = crate::components::post_multipart(
        "/api/v1/tickets",
        &body,
        move |loaded, total| files.set_progress(loaded, total),
        move |status, text| {
            pending.set(false);
            if status == 201 {
                let id = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                files.clear();
                submitted.set_value(true);
                navigate(&format!("/chamados/{id}"), Default::default());
            } else {
                files.set_progress(0.0, 1.0);
                upload_error.set(Some(AppError::from_problem(status, &text)));
            }
        },
    );
    if sent.is_err() {
        pending.set(false);
        upload_error.set(Some(AppError::from_problem(0, "")));
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

/// What the form suggests while the customer types: articles (they open in another tab, the
/// form keeps what was typed) and similar open tickets of their organization.
#[component]
fn SuggestionPanel(
    suggestions: RwSignal<Option<Suggestions>>,
    attempt: StoredValue<String>,
    opened_any: StoredValue<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let opened = move |_| {
        opened_any.set_value(true);
        let key = attempt.get_value();
        if !key.is_empty() {
            leptos::task::spawn_local(async move {
                let _ =
                    crate::api::record_deflection_step(key, crate::domain::DeflectionStep::Opened)
                        .await;
            });
        }
    };
    view! {
        <div class="suggestions" aria-live="polite" data-testid="suggestions">
            {move || suggestions.get().filter(|s| !s.articles.is_empty() || !s.similar_tickets.is_empty()).map(|s| view! {
                <section class="suggestions__box" aria-labelledby="suggested-articles-heading">
                    {(!s.articles.is_empty()).then(|| view! {
                        <h2 id="suggested-articles-heading">{t!(i18n, tickets.suggested_articles)}</h2>
                        <p class="hint">{t!(i18n, tickets.suggested_hint)}</p>
                        <ul class="suggestions__list">
                            {s.articles.into_iter().map(|a| view! {
                                <li>
                                    <a href=format!("/ajuda/{}", a.slug) target="_blank" rel="noopener" on:click=opened>
                                        {a.title}
                                        <span class="visually-hidden">{t!(i18n, tickets.new_tab)}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!s.similar_tickets.is_empty()).then(|| view! {
                        <h2>{t!(i18n, tickets.similar_tickets)}</h2>
                        <ul class="suggestions__list">
                            {s.similar_tickets.into_iter().map(|t| {
                                let status = t.status;
                                view! {
                                    <li>
                                        <a href=format!("/chamados/{}", t.id)>{t.id.clone()} " — " {t.subject}</a>
                                        " " <span class=format!("badge badge--{}", status.as_str())>{move || status_label(i18n, status)}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            })}
        </div>
    }
}
