//! "Caixas de entrada": the support addresses Chamado reads (IMAP, or mail posted by a mail
//! provider with the mailbox's token), which plans may open tickets by e-mail, what arrived and
//! what became of it, and the addresses that bounced. Admins write; leads read what arrived.

use super::admin_page;
use super::AdminTabs;

use crate::api::{get_mail_in, LiftSuppression, RotateMailboxToken, SaveMailChannel, SaveMailbox};
use crate::components::{
    department_options, edit_cell, edit_column, edit_what_was_saved, focus, format_time,
    load_error, query_string, Check, EditForm, FieldMessage, FormError, FormFoot, Loading,
    NameField,
};
use crate::domain::{
    CurrentUser, InboundEmailPage, MailChannel, MailboxAdmin, MailboxInput, NamedRef, Plan,
    Suppression, IMAP_SECURITY,
};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

/// `/admin/caixas`.
#[component]
pub fn MailboxesPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.mailboxes).to_string()),
        |user| view! { <Mailboxes user /> },
    )
}

/// What happened to a received mail, in the reader's language.
fn outcome_label(i18n: leptos_i18n::I18nContext<Locale>, outcome: &str) -> String {
    match outcome {
        "created" => t_string!(i18n, admin.inbound_created),
        "appended" => t_string!(i18n, admin.inbound_appended),
        "auto_answered" => t_string!(i18n, admin.inbound_auto_answered),
        "ignored" => t_string!(i18n, admin.inbound_ignored),
        "bounce" => t_string!(i18n, admin.inbound_bounce),
        other => return other.to_owned(),
    }
    .to_string()
}

/// Why, in the reader's language (a ticket rule's code shows as it is).
fn reason_label(i18n: leptos_i18n::I18nContext<Locale>, reason: &str) -> String {
    match reason {
        "unknown_sender" => t_string!(i18n, admin.inbound_unknown_sender),
        "plan_without_email" => t_string!(i18n, admin.inbound_plan_without_email),
        "cannot_open_tickets" => t_string!(i18n, admin.inbound_cannot_open_tickets),
        "staff_without_token" => t_string!(i18n, admin.inbound_staff_without_token),
        "auto_submitted" | "bulk" => t_string!(i18n, admin.inbound_automatic),
        "throttled" => t_string!(i18n, admin.inbound_throttled),
        "forged_sender" => t_string!(i18n, admin.inbound_forged_sender),
        "hard_bounce" => t_string!(i18n, admin.inbound_hard_bounce),
        "soft_bounce" => t_string!(i18n, admin.inbound_soft_bounce),
        other => return other.to_owned(),
    }
    .to_string()
}

fn security_label(i18n: leptos_i18n::I18nContext<Locale>, security: &str) -> String {
    match security {
        "tls" => t_string!(i18n, admin.imap_tls),
        "starttls" => t_string!(i18n, admin.imap_starttls),
        _ => t_string!(i18n, admin.imap_none),
    }
    .to_string()
}

#[component]
fn Mailboxes(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.may_administer();
    let save = ServerAction::<SaveMailbox>::new();
    let rotate = ServerAction::<RotateMailboxToken>::new();
    let channel = ServerAction::<SaveMailChannel>::new();
    let lift = ServerAction::<LiftSuppression>::new();
    let query = use_query_map();
    let before = move || query.with(|q| q.get("antes").and_then(|b| b.parse::<i64>().ok()));
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                rotate.version().get(),
                channel.version().get(),
                lift.version().get(),
                before(),
            )
        },
        |(_, _, _, _, before)| get_mail_in(before),
    );
    // The token of the mailbox just created or given a new one: shown this once.
    let token = Signal::derive(move || {
        let created = save.value().with(|v| {
            v.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|s| s.token.clone())
        });
        let rotated = rotate.value().with(|v| {
            v.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|s| s.token.clone())
        });
        rotated.or(created)
    });
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.mailboxes)}</h1>
            <AdminTabs current="/admin/caixas" />
            <p class="muted">{t!(i18n, admin.mailboxes_intro)}</p>
            <Show when=move || token.get().is_some()>
                <div class="notice" role="status" data-testid="mailbox-token">
                    <p><strong>{t!(i18n, admin.mailbox_token)}</strong></p>
                    <p><code>{move || token.get().unwrap_or_default()}</code></p>
                    <p class="muted">{t!(i18n, admin.mailbox_token_hint)}</p>
                </div>
            </Show>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => load_error(e),
                        Ok(page) => view! {
                            {page.mailboxes.map(|boxes| view! {
                                <MailboxTable boxes departments=page.departments.clone() writes save rotate />
                            })}
                            <ChannelForm current=page.channel writes channel />
                            <Received page=page.received />
                            <Suppressions list=page.suppressions writes lift />
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn MailboxTable(
    boxes: Vec<MailboxAdmin>,
    departments: Vec<NamedRef>,
    writes: bool,
    save: ServerAction<SaveMailbox>,
    rotate: ServerAction<RotateMailboxToken>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let department = RwSignal::new(departments.first().map(|d| d.id).unwrap_or_default());
    let host = RwSignal::new(String::new());
    let port = RwSignal::new(String::new());
    let security = RwSignal::new("tls".to_owned());
    let imap_user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_set = RwSignal::new(false);
    let folder = RwSignal::new("INBOX".to_owned());
    let active = RwSignal::new(true);
    let name_input = NodeRef::<leptos::html::Input>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let first_department = departments.first().map(|d| d.id).unwrap_or_default();
    let open = move |m: Option<MailboxAdmin>| {
        save.value().set(None);
        rotate.value().set(None);
        editing.set(m.as_ref().map(|m| m.id));
        name.set(m.as_ref().map(|m| m.name.clone()).unwrap_or_default());
        address.set(m.as_ref().map(|m| m.address.clone()).unwrap_or_default());
        department.set(m.as_ref().map_or(first_department, |m| m.department.id));
        host.set(
            m.as_ref()
                .and_then(|m| m.imap_host.clone())
                .unwrap_or_default(),
        );
        port.set(
            m.as_ref()
                .and_then(|m| m.imap_port)
                .map(|p| p.to_string())
                .unwrap_or_default(),
        );
        security.set(
            m.as_ref()
                .map_or("tls".to_owned(), |m| m.imap_security.clone()),
        );
        imap_user.set(
            m.as_ref()
                .and_then(|m| m.imap_user.clone())
                .unwrap_or_default(),
        );
        password.set(String::new());
        password_set.set(m.as_ref().is_some_and(|m| m.imap_password_set));
        folder.set(
            m.as_ref()
                .map_or("INBOX".to_owned(), |m| m.imap_folder.clone()),
        );
        active.set(m.as_ref().is_none_or(|m| m.active));
        focus(name_input);
    };
    edit_what_was_saved(editing, save.value(), |s| s.mailbox.id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        save.dispatch(SaveMailbox {
            id: editing.get_untracked(),
            input: MailboxInput {
                name: name.get_untracked(),
                address: address.get_untracked(),
                department_id: department.get_untracked(),
                imap_host: text(host),
                imap_port: port.get_untracked().trim().parse().ok().or_else(|| {
                    // Typed but not a number: let the server say so.
                    text(port).map(|_| -1)
                }),
                imap_security: Some(security.get_untracked()),
                imap_user: text(imap_user),
                imap_password: text(password),
                imap_folder: text(folder),
                active: Some(active.get_untracked()),
            },
        });
    };
    let rows = boxes
        .into_iter()
        .map(|m| {
            let row = m.clone();
            let connection = match &m.imap_host {
                Some(h) => format!(
                    "{h}:{} ({})",
                    m.imap_port.unwrap_or_default(),
                    security_label(i18n, &m.imap_security)
                ),
                None => t_string!(i18n, admin.mailbox_api_only).to_string(),
            };
            let status = match (&m.last_error, m.last_checked_at) {
                (Some(e), _) => {
                    view! { <span class="badge badge--failed">{e.clone()}</span> }.into_any()
                }
                (None, Some(at)) => {
                    view! { <time datetime=at.to_rfc3339()>{format_time(at)}</time> }.into_any()
                }
                (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
            };
            view! {
                <tr class:muted=!m.active>
                    <th scope="row">{m.name.clone()}</th>
                    <td>{m.address.clone()}</td>
                    <td>{m.department.name.clone()}</td>
                    <td>{connection}</td>
                    <td>{status}</td>
                    {edit_cell(i18n, writes, &m.name, move || open(Some(row.clone())))}
                </tr>
            }
        })
        .collect_view();
    let departments = StoredValue::new(departments);
    view! {
        <h2>{t!(i18n, admin.mailbox_list)}</h2>
        <table class="table" data-testid="mailboxes">
            <thead><tr>
                <th scope="col">{t!(i18n, admin.name)}</th>
                <th scope="col">{t!(i18n, admin.mailbox_address)}</th>
                <th scope="col">{t!(i18n, tickets.department)}</th>
                <th scope="col">{t!(i18n, admin.mailbox_connection)}</th>
                <th scope="col">{t!(i18n, admin.mailbox_last_check)}</th>
                {edit_column(i18n, writes)}
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <EditForm writes heading="mailbox-form-heading" editing on_submit=submit
            edit=|i18n| t_string!(i18n, admin.edit_mailbox).to_string()
            new=|i18n| t_string!(i18n, admin.new_mailbox).to_string()>
            <NameField id="mailbox-name" maxlength="80" value=name error input=name_input />
            <div class="form__row">
                <div class="field">
                    <label for="mailbox-address">{t!(i18n, admin.mailbox_address)}</label>
                    <input id="mailbox-address" type="email" required prop:value=address
                        on:input=move |ev| address.set(event_target_value(&ev)) aria-describedby="mailbox-address-msg" />
                    <FieldMessage error field="address" id="mailbox-address-msg" />
                </div>
                <div class="field">
                    <label for="mailbox-department">{t!(i18n, tickets.department)}</label>
                    <select id="mailbox-department" aria-describedby="mailbox-department-msg"
                        on:change=move |ev| department.set(event_target_value(&ev).parse().unwrap_or_default())>
                        {department_options(departments.get_value(), department)}
                    </select>
                    <FieldMessage error field="department_id" id="mailbox-department-msg" />
                </div>
            </div>
            <fieldset class="field">
                <legend>{t!(i18n, admin.imap)}</legend>
                <p class="hint">{t!(i18n, admin.imap_hint)}</p>
                <div class="form__row">
                    <TextInput id="mailbox-host" field="imap_host" label=t_string!(i18n, admin.imap_host).to_string() value=host error />
                    <TextInput id="mailbox-port" field="imap_port" label=t_string!(i18n, admin.imap_port).to_string() value=port error />
                    <div class="field">
                        <label for="mailbox-security">{t!(i18n, admin.imap_security)}</label>
                        <select id="mailbox-security" on:change=move |ev| security.set(event_target_value(&ev))>
                            {IMAP_SECURITY.iter().map(|s| {
                                let s = *s;
                                view! { <option value=s selected=move || security.get() == s>{move || security_label(i18n, s)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="form__row">
                    <TextInput id="mailbox-user" field="imap_user" label=t_string!(i18n, admin.imap_user).to_string() value=imap_user error />
                    <div class="field">
                        <label for="mailbox-password">{t!(i18n, admin.imap_password)}</label>
                        <input id="mailbox-password" type="password" autocomplete="new-password" prop:value=password
                            on:input=move |ev| password.set(event_target_value(&ev))
                            aria-describedby="mailbox-password-hint mailbox-password-msg" />
                        <span class="hint" id="mailbox-password-hint">{move || password_set.get().then(|| t_string!(i18n, admin.imap_password_keep).to_string())}</span>
                        <FieldMessage error field="imap_password" id="mailbox-password-msg" />
                    </div>
                    <TextInput id="mailbox-folder" field="imap_folder" label=t_string!(i18n, admin.imap_folder).to_string() value=folder error />
                </div>
            </fieldset>
            <Check value=active>{t!(i18n, admin.active)}</Check>
            <FormFoot error pending=save.pending() saved=Signal::derive(move || matches!(save.value().get(), Some(Ok(_))))
                editing=Signal::derive(move || editing.get().is_some()) on_new=move |_| open(None)>
                {t!(i18n, admin.new_mailbox)}
            </FormFoot>
            <Show when=move || editing.get().is_some()>
                <button type="button" class="button" data-testid="mailbox-new-token"
                    on:click=move |_| { if let Some(id) = editing.get_untracked() { rotate.dispatch(RotateMailboxToken { id }); } }>
                    {t!(i18n, admin.mailbox_new_token)}
                </button>
            </Show>
        </EditForm>
    }
}

/// A labelled one-line input with its field error.
#[component]
fn TextInput(
    id: &'static str,
    field: &'static str,
    label: String,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let msg = format!("{id}-msg");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=msg.clone() />
            <FieldMessage error field=field id=msg />
        </div>
    }
}

#[component]
fn ChannelForm(
    current: MailChannel,
    writes: bool,
    channel: ServerAction<SaveMailChannel>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(
        current
            .email_plans
            .iter()
            .copied()
            .collect::<BTreeSet<Plan>>(),
    );
    let error = Signal::derive(move || channel.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        channel.dispatch(SaveMailChannel {
            email_plans: chosen.get_untracked().into_iter().collect(),
        });
    };
    view! {
        <form class="form card" on:submit=submit aria-labelledby="channel-heading">
            <h2 id="channel-heading">{t!(i18n, admin.mail_channel)}</h2>
            <fieldset class="field">
                <legend>{t!(i18n, admin.mail_channel_hint)}</legend>
                <div class="rating__options">
                    {Plan::ALL.iter().map(|plan| {
                        let plan = *plan;
                        let input_id = format!("channel-plan-{}", plan.as_str());
                        let for_id = input_id.clone();
                        view! {
                            <label class="check" for=for_id>
                                <input type="checkbox" id=input_id disabled=!writes
                                    prop:checked=move || chosen.with(|c| c.contains(&plan))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| { if on { c.insert(plan); } else { c.remove(&plan); } });
                                    } />
                                " " {plan.label()}
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <FormError error />
            {writes.then(|| view! {
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled=move || channel.pending().get()>{t!(i18n, admin.save)}</button>
                    <span role="status" class="muted">{move || matches!(channel.value().get(), Some(Ok(_))).then(|| t_string!(i18n, admin.saved).to_string())}</span>
                </div>
            })}
        </form>
    }
}

#[component]
fn Received(page: InboundEmailPage) -> impl IntoView {
    let i18n = use_i18n();
    let older = page.next_before.map(|before| {
        let href = format!(
            "/admin/caixas?{}",
            query_string([("antes", Some(before.to_string()))])
        );
        view! { <p><a href=href>{t!(i18n, admin.older)}</a></p> }
    });
    let empty = page.items.is_empty();
    let rows = page
        .items
        .into_iter()
        .map(|m| {
            let outcome = m.outcome.clone();
            let reason = m.reason.clone().unwrap_or_default();
            let ticket = m.ticket_id.clone().map(|t| {
                let href = format!("/chamados/{t}");
                view! { <a href=href>{t}</a> }
            });
            view! {
                <tr data-outcome=m.outcome.clone()>
                    <td><time datetime=m.received_at.to_rfc3339()>{format_time(m.received_at)}</time></td>
                    <td>{m.from_name.clone()} <br/><span class="muted">{m.from_address.clone()}</span></td>
                    <td>{m.subject.clone()}</td>
                    <td><span class=format!("badge badge--{}", m.outcome)>{move || outcome_label(i18n, &outcome)}</span></td>
                    <td class="muted">{move || (!reason.is_empty()).then(|| reason_label(i18n, &reason))}</td>
                    <td>{ticket}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 id="received-heading">{t!(i18n, admin.received_emails)}</h2>
        {if empty {
            view! { <p class="muted">{t!(i18n, admin.received_empty)}</p> }.into_any()
        } else {
            view! {
                <table class="table" data-testid="received" aria-labelledby="received-heading">
                    <thead><tr>
                        <th scope="col">{t!(i18n, admin.when)}</th>
                        <th scope="col">{t!(i18n, admin.email_from)}</th>
                        <th scope="col">{t!(i18n, admin.email_subject)}</th>
                        <th scope="col">{t!(i18n, admin.inbound_outcome)}</th>
                        <th scope="col">{t!(i18n, admin.inbound_reason)}</th>
                        <th scope="col">{t!(i18n, admin.inbound_ticket)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        }}
        {older}
    }
}

#[component]
fn Suppressions(
    list: Vec<Suppression>,
    writes: bool,
    lift: ServerAction<LiftSuppression>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || lift.value().get().and_then(Result::err));
    let empty = list.is_empty();
    let rows = list
        .into_iter()
        .map(|s| {
            let address = s.address.clone();
            let label = format!("{} {}", t_string!(i18n, admin.suppression_lift), s.address);
            view! {
                <tr>
                    <th scope="row">{s.address.clone()}</th>
                    <td class="muted">{s.reason.clone()}</td>
                    <td><time datetime=s.since.to_rfc3339()>{format_time(s.since)}</time></td>
                    {writes.then(|| view! {
                        <td><button type="button" class="button" aria-label=label
                            on:click=move |_| { lift.dispatch(LiftSuppression { address: address.clone() }); }>
                            {t!(i18n, admin.suppression_lift)}
                        </button></td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 id="suppressions-heading">{t!(i18n, admin.suppressions)}</h2>
        <p class="muted">{t!(i18n, admin.suppressions_hint)}</p>
        <FormError error />
        {if empty {
            view! { <p class="muted">{t!(i18n, admin.suppressions_empty)}</p> }.into_any()
        } else {
            view! {
                <table class="table" data-testid="suppressions" aria-labelledby="suppressions-heading">
                    <thead><tr>
                        <th scope="col">{t!(i18n, admin.email_to)}</th>
                        <th scope="col">{t!(i18n, admin.inbound_reason)}</th>
                        <th scope="col">{t!(i18n, admin.when)}</th>
                        {writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.suppression_lift)}</span></th> })}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        }}
    }
}
