//! Administration (`/admin/…`): departments and their agents, ticket types and their fields,
//! service levels and calendars, and the audit log. Admins edit; leads read the same pages
//! without the forms. Every form shows each field's error beside it and changes nothing when
//! one is wrong (the service validates everything first).

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{
    get_admin_departments, get_admin_ticket_types, get_audit, get_service_levels, SaveCalendar,
    SaveDepartment, SaveSlaPolicy, SaveTicketType,
};
use crate::components::{
    format_time, non_field_error, priority_label, query_string, FieldMessage, FormError,
    NotAllowed, PageTitle, RequireUser, Tabs,
};
use crate::domain::{
    hhmm, parse_hhmm, AuditQuery, CurrentUser, DepartmentAdmin, DepartmentInput, FieldAdmin,
    NamedRef, Plan, Priority, Role, SlaCalendar, SlaCalendarInput, SlaPolicy, SlaPolicyInput,
    TicketTypeAdmin, TicketTypeInput, FIELD_KINDS,
};
use crate::error::AppError;
use crate::i18n::*;

/// The administration's sections.
#[component]
pub fn AdminTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let tab = |path, text: fn(leptos_i18n::I18nContext<Locale>) -> String| {
        (path, Signal::derive(move || text(i18n)))
    };
    let items = vec![
        tab("/admin/departamentos", |i18n| {
            t_string!(i18n, admin.departments).to_string()
        }),
        tab("/admin/pessoas", |i18n| {
            t_string!(i18n, admin.people).to_string()
        }),
        tab("/admin/organizacoes", |i18n| {
            t_string!(i18n, admin.organizations).to_string()
        }),
        tab("/admin/tipos", |i18n| {
            t_string!(i18n, admin.ticket_types).to_string()
        }),
        tab("/admin/sla", |i18n| {
            t_string!(i18n, admin.service_levels).to_string()
        }),
        tab("/admin/configuracoes", |i18n| {
            t_string!(i18n, admin.settings).to_string()
        }),
        tab("/admin/auditoria", |i18n| {
            t_string!(i18n, admin.audit).to_string()
        }),
        tab("/admin/relatorios", |i18n| {
            t_string!(i18n, admin.reports).to_string()
        }),
    ];
    let label = Signal::derive(move || t_string!(i18n, admin.title).to_string());
    view! { <Tabs label current items /> }
}

/// A page for admins and leads, with its title.
fn admin_page<V: IntoView + 'static>(
    title: Signal<String>,
    body: impl Fn(CurrentUser) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    view! {
        <PageTitle text=title />
        <RequireUser children=move |user| if user.may_supervise() {
            body.clone()(user).into_any()
        } else {
            view! { <NotAllowed /> }.into_any()
        } />
    }
}

/// "Salvo." after a successful save, announced politely.
fn saved_status(
    i18n: leptos_i18n::I18nContext<Locale>,
    saved: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p role="status" class="muted">
            {move || saved().then(|| t_string!(i18n, admin.saved).to_string())}
        </p>
    }
}

fn yes_no(i18n: leptos_i18n::I18nContext<Locale>, b: bool) -> String {
    if b {
        t_string!(i18n, admin.yes).to_string()
    } else {
        t_string!(i18n, admin.no).to_string()
    }
}

fn plan_name(plan: Plan) -> &'static str {
    plan.label()
}

// ================================================================ departments

/// `/admin/departamentos`.
#[component]
pub fn DepartmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.departments).to_string()),
        |user| view! { <Departments user /> },
    )
}

#[component]
fn Departments(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let save = ServerAction::<SaveDepartment>::new();
    let data = Resource::new(move || save.version().get(), |_| get_admin_departments());
    let editing = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let agents = RwSignal::new(BTreeSet::<i64>::new());
    let round_robin = RwSignal::new(false);
    let active = RwSignal::new(true);
    let name_input = NodeRef::<leptos::html::Input>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let open = move |d: Option<DepartmentAdmin>| {
        save.value().set(None);
        editing.set(d.as_ref().map(|d| d.id));
        name.set(d.as_ref().map(|d| d.name.clone()).unwrap_or_default());
        agents.set(
            d.as_ref()
                .map(|d| d.agents.iter().map(|a| a.id).collect())
                .unwrap_or_default(),
        );
        round_robin.set(d.as_ref().is_some_and(|d| d.round_robin));
        active.set(d.as_ref().is_none_or(|d| d.active));
        if let Some(el) = name_input.get() {
            let _ = el.focus();
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            editing.set(Some(saved.id));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveDepartment {
            id: editing.get_untracked(),
            input: DepartmentInput {
                name: Some(name.get_untracked()),
                active: Some(active.get_untracked()),
                round_robin: Some(round_robin.get_untracked()),
                agent_ids: Some(agents.get_untracked().into_iter().collect()),
            },
        });
    };
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.departments)}</h1>
            <AdminTabs current="/admin/departamentos" />
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok((departments, staff)) => {
                            let staff = StoredValue::new(staff);
                            view! {
                                <table class="table" data-testid="departments">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                        <th scope="col">{t!(i18n, admin.agents)}</th>
                                        <th scope="col">{t!(i18n, admin.round_robin)}</th>
                                        <th scope="col">{t!(i18n, admin.active)}</th>
                                        {writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.edit)}</span></th> })}
                                    </tr></thead>
                                    <tbody>
                                        {departments.into_iter().map(|d| {
                                            let agents_text = d.agents.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ");
                                            let label = format!("{} {}", t_string!(i18n, admin.edit), d.name);
                                            let row = d.clone();
                                            view! {
                                                <tr class:muted=!d.active>
                                                    <th scope="row">{d.name.clone()}</th>
                                                    <td>{agents_text}</td>
                                                    <td>{yes_no(i18n, d.round_robin)}</td>
                                                    <td>{yes_no(i18n, d.active)}</td>
                                                    {writes.then(|| view! {
                                                        <td><button type="button" class="button" aria-label=label on:click=move |_| open(Some(row.clone()))>{t!(i18n, admin.edit)}</button></td>
                                                    })}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {writes.then(|| view! {
                                    <form class="form card" on:submit=submit aria-labelledby="department-form-heading">
                                        <h2 id="department-form-heading">
                                            {move || if editing.get().is_some() { t_string!(i18n, admin.edit_department).to_string() } else { t_string!(i18n, admin.new_department).to_string() }}
                                        </h2>
                                        <div class="field">
                                            <label for="department-name">{t!(i18n, admin.name)}</label>
                                            <input id="department-name" node_ref=name_input type="text" required maxlength="80"
                                                prop:value=name on:input=move |ev| name.set(event_target_value(&ev))
                                                aria-describedby="department-name-msg" />
                                            <FieldMessage error field="name" id="department-name-msg" />
                                        </div>
                                        <fieldset class="field" aria-describedby="department-agents-msg">
                                            <legend>{t!(i18n, admin.agents)}</legend>
                                            {staff.get_value().into_iter().map(|person| {
                                                let id = person.id;
                                                let input_id = format!("department-agent-{id}");
                                                let for_id = input_id.clone();
                                                view! {
                                                    <label class="check" for=for_id>
                                                        <input type="checkbox" id=input_id
                                                            prop:checked=move || agents.with(|a| a.contains(&id))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                agents.update(|a| { if on { a.insert(id); } else { a.remove(&id); } });
                                                            } />
                                                        " " {person.name}
                                                    </label>
                                                }
                                            }).collect_view()}
                                            <FieldMessage error field="agent_ids" id="department-agents-msg" />
                                        </fieldset>
                                        <label class="check"><input type="checkbox" prop:checked=round_robin on:change=move |ev| round_robin.set(event_target_checked(&ev)) />
                                            " " {t!(i18n, admin.round_robin_hint)}</label>
                                        <label class="check"><input type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev)) />
                                            " " {t!(i18n, admin.active)}</label>
                                        <FormError error=non_field_error(error) />
                                        <div class="form__actions">
                                            <button type="submit" class="button button--primary" disabled=move || save.pending().get()>{t!(i18n, admin.save)}</button>
                                            <Show when=move || editing.get().is_some()><button type="button" class="button" on:click=move |_| open(None)>{t!(i18n, admin.new_department)}</button></Show>
                                        </div>
                                        {saved_status(i18n, move || matches!(save.value().get(), Some(Ok(_))))}
                                    </form>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

// ================================================================ ticket types

/// `/admin/tipos`.
#[component]
pub fn TicketTypesPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.ticket_types).to_string()),
        |user| view! { <TicketTypes user /> },
    )
}

/// One field row in the editor.
#[derive(Clone)]
struct FieldRow {
    /// Stable across re-renders of the list.
    row: usize,
    key: RwSignal<String>,
    label: RwSignal<String>,
    kind: RwSignal<String>,
    required: RwSignal<bool>,
    options: RwSignal<String>,
    /// Saved before (its key cannot change).
    existing: bool,
}

impl FieldRow {
    fn of(row: usize, f: Option<&FieldAdmin>) -> Self {
        FieldRow {
            row,
            key: RwSignal::new(f.map(|f| f.key.clone()).unwrap_or_default()),
            label: RwSignal::new(f.map(|f| f.label.clone()).unwrap_or_default()),
            kind: RwSignal::new(f.map(|f| f.kind.clone()).unwrap_or_else(|| "text".into())),
            required: RwSignal::new(f.is_some_and(|f| f.required)),
            options: RwSignal::new(f.map(|f| f.options.join(", ")).unwrap_or_default()),
            existing: f.is_some(),
        }
    }

    fn value(&self) -> FieldAdmin {
        FieldAdmin {
            key: self.key.get_untracked(),
            label: self.label.get_untracked(),
            kind: self.kind.get_untracked(),
            required: self.required.get_untracked(),
            options: self
                .options
                .get_untracked()
                .split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            active: true,
        }
    }
}

fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, kind: &str) -> String {
    match kind {
        "text" => t_string!(i18n, admin.kind_text),
        "long_text" => t_string!(i18n, admin.kind_long_text),
        "number" => t_string!(i18n, admin.kind_number),
        "select" => t_string!(i18n, admin.kind_select),
        "datetime" => t_string!(i18n, admin.kind_datetime),
        _ => t_string!(i18n, admin.kind_checkbox),
    }
    .to_string()
}

#[component]
fn TicketTypes(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let save = ServerAction::<SaveTicketType>::new();
    let data = Resource::new(move || save.version().get(), |_| get_admin_ticket_types());
    let editing = RwSignal::new(None::<i64>);
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let department = RwSignal::new(0_i64);
    let priority = RwSignal::new(String::new());
    let plans = RwSignal::new(BTreeSet::<Plan>::new());
    let active = RwSignal::new(true);
    let fields = RwSignal::new(Vec::<FieldRow>::new());
    let next_row = StoredValue::new(0_usize);
    let key_input = NodeRef::<leptos::html::Input>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let new_row = move |f: Option<&FieldAdmin>| {
        let row = next_row.get_value();
        next_row.set_value(row + 1);
        FieldRow::of(row, f)
    };
    let open = move |t: Option<TicketTypeAdmin>| {
        save.value().set(None);
        editing.set(t.as_ref().map(|t| t.id));
        key.set(t.as_ref().map(|t| t.key.clone()).unwrap_or_default());
        name.set(t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
        description.set(
            t.as_ref()
                .map(|t| t.description.clone())
                .unwrap_or_default(),
        );
        department.set(
            t.as_ref()
                .and_then(|t| t.default_department.as_ref().map(|d| d.id))
                .unwrap_or(0),
        );
        priority.set(
            t.as_ref()
                .and_then(|t| t.default_priority)
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        );
        plans.set(
            t.as_ref()
                .map(|t| t.plans.iter().copied().collect())
                .unwrap_or_default(),
        );
        active.set(t.as_ref().is_none_or(|t| t.active));
        fields.set(
            t.as_ref()
                .map(|t| {
                    t.fields
                        .iter()
                        .filter(|f| f.active)
                        .map(|f| new_row(Some(f)))
                        .collect()
                })
                .unwrap_or_default(),
        );
        if let Some(el) = key_input.get() {
            let _ = el.focus();
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            editing.set(Some(saved.id));
            fields.update(|rows| rows.iter_mut().for_each(|r| r.existing = true));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let creating = editing.get_untracked().is_none();
        save.dispatch(SaveTicketType {
            id: editing.get_untracked(),
            input: TicketTypeInput {
                key: creating.then(|| key.get_untracked()),
                name: Some(name.get_untracked()),
                description: Some(description.get_untracked()),
                active: Some(active.get_untracked()),
                position: None,
                default_department_id: Some(department.get_untracked()),
                default_priority: Some(priority.get_untracked()),
                plans: Some(plans.get_untracked().into_iter().collect()),
                fields: Some(
                    fields.with_untracked(|rows| rows.iter().map(FieldRow::value).collect()),
                ),
            },
        });
    };
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.ticket_types)}</h1>
            <AdminTabs current="/admin/tipos" />
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok((types, departments)) => {
                            let departments = StoredValue::new(departments);
                            view! {
                                <table class="table" data-testid="ticket-types">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                        <th scope="col">{t!(i18n, admin.plans)}</th>
                                        <th scope="col">{t!(i18n, admin.fields)}</th>
                                        <th scope="col">{t!(i18n, admin.active)}</th>
                                        {writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.edit)}</span></th> })}
                                    </tr></thead>
                                    <tbody>
                                        {types.into_iter().map(|t| {
                                            let plans_text = t.plans.iter().map(|p| plan_name(*p)).collect::<Vec<_>>().join(", ");
                                            let fields_text = t.fields.iter().filter(|f| f.active).map(|f| f.label.clone()).collect::<Vec<_>>().join(", ");
                                            let label = format!("{} {}", t_string!(i18n, admin.edit), t.name);
                                            let row = t.clone();
                                            view! {
                                                <tr class:muted=!t.active>
                                                    <th scope="row">{t.name.clone()} " " <code class="muted">{t.key.clone()}</code></th>
                                                    <td>{plans_text}</td>
                                                    <td>{fields_text}</td>
                                                    <td>{yes_no(i18n, t.active)}</td>
                                                    {writes.then(|| view! {
                                                        <td><button type="button" class="button" aria-label=label on:click=move |_| open(Some(row.clone()))>{t!(i18n, admin.edit)}</button></td>
                                                    })}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {writes.then(|| view! {
                                    <form class="form card" on:submit=submit aria-labelledby="type-form-heading">
                                        <h2 id="type-form-heading">
                                            {move || if editing.get().is_some() { t_string!(i18n, admin.edit_type).to_string() } else { t_string!(i18n, admin.new_type).to_string() }}
                                        </h2>
                                        <div class="form__row">
                                            <div class="field">
                                                <label for="type-name">{t!(i18n, admin.name)}</label>
                                                <input id="type-name" type="text" required maxlength="80" prop:value=name
                                                    on:input=move |ev| name.set(event_target_value(&ev)) aria-describedby="type-name-msg" />
                                                <FieldMessage error field="name" id="type-name-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="type-key">{t!(i18n, admin.key)}</label>
                                                <input id="type-key" node_ref=key_input type="text" maxlength="40" prop:value=key
                                                    readonly=move || editing.get().is_some()
                                                    on:input=move |ev| key.set(event_target_value(&ev)) aria-describedby="type-key-hint type-key-msg" />
                                                <span class="hint" id="type-key-hint">{t!(i18n, admin.key_hint)}</span>
                                                <FieldMessage error field="key" id="type-key-msg" />
                                            </div>
                                        </div>
                                        <div class="field">
                                            <label for="type-description">{t!(i18n, admin.description)}</label>
                                            <textarea id="type-description" rows="2" maxlength="500" prop:value=description
                                                on:input=move |ev| description.set(event_target_value(&ev)) aria-describedby="type-description-msg"></textarea>
                                            <FieldMessage error field="description" id="type-description-msg" />
                                        </div>
                                        <div class="form__row">
                                            <div class="field">
                                                <label for="type-department">{t!(i18n, admin.default_department)}</label>
                                                <select id="type-department" on:change=move |ev| department.set(event_target_value(&ev).parse().unwrap_or(0))
                                                    aria-describedby="type-department-msg">
                                                    <option value="0" selected=move || department.get() == 0>"—"</option>
                                                    {departments.get_value().into_iter().map(|d| {
                                                        let id = d.id;
                                                        view! { <option value=id.to_string() selected=move || department.get() == id>{d.name}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <FieldMessage error field="default_department_id" id="type-department-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="type-priority">{t!(i18n, admin.default_priority)}</label>
                                                <select id="type-priority" on:change=move |ev| priority.set(event_target_value(&ev))>
                                                    <option value="" selected=move || priority.get().is_empty()>"—"</option>
                                                    {Priority::ALL.iter().map(|p| {
                                                        let p = *p;
                                                        view! { <option value=p.as_str() selected=move || priority.get() == p.as_str()>{move || priority_label(i18n, p)}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </div>
                                        </div>
                                        <fieldset class="field">
                                            <legend>{t!(i18n, admin.plans_hint)}</legend>
                                            {Plan::ALL.iter().filter(|p| **p != Plan::Trial).map(|p| {
                                                let p = *p;
                                                let input_id = format!("type-plan-{}", p.as_str());
                                                let for_id = input_id.clone();
                                                view! {
                                                    <label class="check" for=for_id>
                                                        <input type="checkbox" id=input_id prop:checked=move || plans.with(|s| s.contains(&p))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                plans.update(|s| { if on { s.insert(p); } else { s.remove(&p); } });
                                                            } />
                                                        " " {plan_name(p)}
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </fieldset>
                                        <fieldset class="field type-fields">
                                            <legend>{t!(i18n, admin.fields)}</legend>
                                            <p class="hint">{t!(i18n, admin.fields_hint)}</p>
                                            <For each=move || fields.get() key=|f| f.row let:f>
                                                {field_editor(i18n, f, fields, error)}
                                            </For>
                                            <FieldMessage error field="fields" id="type-fields-msg" />
                                            <button type="button" class="button" on:click=move |_| {
                                                let row = new_row(None);
                                                fields.update(|rows| rows.push(row));
                                            }>{t!(i18n, admin.add_field)}</button>
                                        </fieldset>
                                        <label class="check"><input type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev)) />
                                            " " {t!(i18n, admin.active)}</label>
                                        <FormError error=non_field_error(error) />
                                        <div class="form__actions">
                                            <button type="submit" class="button button--primary" disabled=move || save.pending().get()>{t!(i18n, admin.save)}</button>
                                            <Show when=move || editing.get().is_some()><button type="button" class="button" on:click=move |_| open(None)>{t!(i18n, admin.new_type)}</button></Show>
                                        </div>
                                        {saved_status(i18n, move || matches!(save.value().get(), Some(Ok(_))))}
                                    </form>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// One field's row: key, label, kind, options (select), required, remove.
fn field_editor(
    i18n: leptos_i18n::I18nContext<Locale>,
    f: FieldRow,
    fields: RwSignal<Vec<FieldRow>>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let row = f.row;
    let index = move || fields.with(|rows| rows.iter().position(|r| r.row == row).unwrap_or(0));
    let base = format!("field-{row}");
    let msg = move |part: &'static str| {
        let id = format!("field-{row}-{part}-msg");
        view! { <FieldMessage error field=Signal::derive(move || format!("fields[{}].{part}", index())) id /> }
    };
    let FieldRow {
        key,
        label,
        kind,
        required,
        options,
        existing,
        ..
    } = f;
    view! {
        <div class="type-field" role="group" aria-label=move || format!("{} {}", t_string!(i18n, admin.field), index() + 1)>
            <div class="field">
                <label for=format!("{base}-label")>{t!(i18n, admin.label)}</label>
                <input id=format!("{base}-label") type="text" maxlength="120" prop:value=label
                    on:input=move |ev| label.set(event_target_value(&ev))
                    aria-describedby=format!("field-{row}-label-msg") />
                {msg("label")}
            </div>
            <div class="field">
                <label for=format!("{base}-key")>{t!(i18n, admin.key)}</label>
                <input id=format!("{base}-key") type="text" maxlength="40" prop:value=key readonly=existing
                    on:input=move |ev| key.set(event_target_value(&ev))
                    aria-describedby=format!("field-{row}-key-msg") />
                {msg("key")}
            </div>
            <div class="field">
                <label for=format!("{base}-kind")>{t!(i18n, admin.kind)}</label>
                <select id=format!("{base}-kind") on:change=move |ev| kind.set(event_target_value(&ev))>
                    {FIELD_KINDS.iter().map(|k| {
                        let k = *k;
                        view! { <option value=k selected=move || kind.get() == k>{kind_label(i18n, k)}</option> }
                    }).collect_view()}
                </select>
                {msg("kind")}
            </div>
            <Show when=move || kind.get() == "select">
                <div class="field">
                    <label for=format!("{base}-options")>{t!(i18n, admin.options)}</label>
                    <input id=format!("{base}-options") type="text" prop:value=options
                        on:input=move |ev| options.set(event_target_value(&ev))
                        aria-describedby=format!("field-{row}-options-hint field-{row}-options-msg") />
                    <span class="hint" id=format!("field-{row}-options-hint")>{t!(i18n, admin.options_hint)}</span>
                    {msg("options")}
                </div>
            </Show>
            <label class="check"><input type="checkbox" prop:checked=required on:change=move |ev| required.set(event_target_checked(&ev)) />
                " " {t!(i18n, admin.required)}</label>
            <button type="button" class="button button--link"
                aria-label=move || format!("{} {}", t_string!(i18n, admin.remove_field), index() + 1)
                on:click=move |_| fields.update(|rows| rows.retain(|r| r.row != row))>
                {t!(i18n, admin.remove)}
            </button>
        </div>
    }
}

// ================================================================ service levels

/// `/admin/sla`.
#[component]
pub fn ServiceLevelsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.service_levels).to_string()),
        |user| view! { <ServiceLevels user /> },
    )
}

/// A week as editable text: one line per weekday, `09:00-12:00, 13:00-18:00` (empty: closed).
fn week_lines(week: &[Vec<[u16; 2]>]) -> Vec<String> {
    (0..7)
        .map(|d| {
            week.get(d)
                .map(|spans| {
                    spans
                        .iter()
                        .map(|[a, b]| format!("{}-{}", hhmm(*a), hhmm(*b)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Parses one weekday's text; `None` when it does not read.
fn parse_day(text: &str) -> Option<Vec<[u16; 2]>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|span| {
            let (a, b) = span.split_once('-')?;
            Some([parse_hhmm(a)?, parse_hhmm(b)?])
        })
        .collect()
}

/// Working minutes as hours: a business day is not 24 hours, so no days here.
fn minutes_text(i18n: leptos_i18n::I18nContext<Locale>, minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let span = match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    };
    t_string!(i18n, admin.working_span, span).to_string()
}

#[component]
fn ServiceLevels(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let save_policy = ServerAction::<SaveSlaPolicy>::new();
    let save_calendar = ServerAction::<SaveCalendar>::new();
    let data = Resource::new(
        move || (save_policy.version().get(), save_calendar.version().get()),
        |_| get_service_levels(),
    );
    // The policy form.
    let policy_id = RwSignal::new(None::<i64>);
    let plan = RwSignal::new(Plan::Enterprise);
    let priority = RwSignal::new(Priority::High);
    let first = RwSignal::new(String::from("60"));
    let resolution = RwSignal::new(String::from("480"));
    let calendar = RwSignal::new(0_i64);
    let policy_active = RwSignal::new(true);
    let policy_error = Signal::derive(move || save_policy.value().get().and_then(Result::err));
    let first_input = NodeRef::<leptos::html::Input>::new();
    let open_policy = move |p: Option<SlaPolicy>| {
        save_policy.value().set(None);
        policy_id.set(p.as_ref().map(|p| p.id));
        if let Some(p) = &p {
            plan.set(p.plan);
            priority.set(p.priority);
            first.set(p.first_response_minutes.to_string());
            resolution.set(p.resolution_minutes.to_string());
            calendar.set(p.calendar.id);
            policy_active.set(p.active);
        }
        if let Some(el) = first_input.get() {
            let _ = el.focus();
        }
    };
    let submit_policy = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().unwrap_or(0);
        save_policy.dispatch(SaveSlaPolicy {
            id: policy_id.get_untracked(),
            input: SlaPolicyInput {
                plan: Some(plan.get_untracked()),
                priority: Some(priority.get_untracked()),
                first_response_minutes: Some(number(first)),
                resolution_minutes: Some(number(resolution)),
                calendar_id: Some(calendar.get_untracked()),
                active: Some(policy_active.get_untracked()),
            },
        });
    };
    // Choosing a plan and priority that already have a policy edits that one.
    let pick_pair = move |policies: Vec<SlaPolicy>| {
        let p = plan.get_untracked();
        let q = priority.get_untracked();
        let found = policies
            .into_iter()
            .find(|x| x.active && x.plan == p && x.priority == q);
        policy_id.set(found.as_ref().map(|f| f.id));
        if let Some(f) = found {
            first.set(f.first_response_minutes.to_string());
            resolution.set(f.resolution_minutes.to_string());
            calendar.set(f.calendar.id);
        }
    };
    // The calendar form.
    let calendar_id = RwSignal::new(None::<i64>);
    let calendar_name = RwSignal::new(String::new());
    let time_zone = RwSignal::new(String::from("America/Sao_Paulo"));
    let days: [RwSignal<String>; 7] = std::array::from_fn(|d| {
        RwSignal::new(if d < 5 {
            "09:00-18:00".to_owned()
        } else {
            String::new()
        })
    });
    let holidays = RwSignal::new(String::new());
    let calendar_active = RwSignal::new(true);
    let local_error = RwSignal::new(None::<AppError>);
    let calendar_error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| save_calendar.value().get().and_then(Result::err))
    });
    let calendar_input = NodeRef::<leptos::html::Input>::new();
    let open_calendar = move |c: Option<SlaCalendar>| {
        save_calendar.value().set(None);
        local_error.set(None);
        calendar_id.set(c.as_ref().map(|c| c.id));
        calendar_name.set(c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
        time_zone.set(
            c.as_ref()
                .map(|c| c.time_zone.clone())
                .unwrap_or_else(|| "America/Sao_Paulo".into()),
        );
        let lines = c.as_ref().map(|c| week_lines(&c.week)).unwrap_or_else(|| {
            (0..7)
                .map(|d| {
                    if d < 5 {
                        "09:00-18:00".to_owned()
                    } else {
                        String::new()
                    }
                })
                .collect()
        });
        for (day, line) in days.iter().zip(lines) {
            day.set(line);
        }
        holidays.set(
            c.as_ref()
                .map(|c| {
                    c.holidays
                        .iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default(),
        );
        calendar_active.set(c.as_ref().is_none_or(|c| c.active));
        if let Some(el) = calendar_input.get() {
            let _ = el.focus();
        }
    };
    let submit_calendar = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = Vec::new();
        let mut week = Vec::new();
        for (d, day) in days.iter().enumerate() {
            match parse_day(&day.get_untracked()) {
                Some(spans) => week.push(spans),
                None => {
                    errors.push(crate::error::FieldError::new(
                        format!("week.{d}"),
                        "invalid",
                    ));
                    week.push(Vec::new());
                }
            }
        }
        let mut dates = Vec::new();
        for line in holidays
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match line.parse::<chrono::NaiveDate>() {
                Ok(d) => dates.push(d),
                Err(_) => {
                    errors.push(crate::error::FieldError::new("holidays", "invalid"));
                    break;
                }
            }
        }
        if !errors.is_empty() {
            local_error.set(Some(AppError::Validation { errors }));
            return;
        }
        local_error.set(None);
        save_calendar.dispatch(SaveCalendar {
            id: calendar_id.get_untracked(),
            input: SlaCalendarInput {
                name: Some(calendar_name.get_untracked()),
                time_zone: Some(time_zone.get_untracked()),
                week: Some(week),
                holidays: Some(dates),
                active: Some(calendar_active.get_untracked()),
            },
        });
    };
    let weekday = move |d: usize| {
        match d {
            0 => t_string!(i18n, admin.monday),
            1 => t_string!(i18n, admin.tuesday),
            2 => t_string!(i18n, admin.wednesday),
            3 => t_string!(i18n, admin.thursday),
            4 => t_string!(i18n, admin.friday),
            5 => t_string!(i18n, admin.saturday),
            _ => t_string!(i18n, admin.sunday),
        }
        .to_string()
    };
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.service_levels)}</h1>
            <AdminTabs current="/admin/sla" />
            <p class="muted">{t!(i18n, admin.sla_intro)}</p>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok((policies, calendars)) => {
                            if calendar.get_untracked() == 0 {
                                if let Some(c) = calendars.first() {
                                    calendar.set(c.id);
                                }
                            }
                            if policy_id.get_untracked().is_none() {
                                // The form starts on an existing pair: saving edits it.
                                pick_pair(policies.clone());
                            }
                            let all_policies = StoredValue::new(policies.clone());
                            let calendar_choices = StoredValue::new(
                                calendars.iter().filter(|c| c.active).map(|c| NamedRef { id: c.id, name: c.name.clone() }).collect::<Vec<_>>(),
                            );
                            view! {
                                <h2>{t!(i18n, admin.policies)}</h2>
                                <table class="table" data-testid="sla-policies">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.plan)}</th>
                                        <th scope="col">{t!(i18n, tickets.priority)}</th>
                                        <th scope="col">{t!(i18n, admin.first_response)}</th>
                                        <th scope="col">{t!(i18n, admin.resolution)}</th>
                                        <th scope="col">{t!(i18n, admin.calendar)}</th>
                                        {writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.edit)}</span></th> })}
                                    </tr></thead>
                                    <tbody>
                                        {policies.into_iter().filter(|p| p.active).map(|p| {
                                            let label = format!("{} {} · {}", t_string!(i18n, admin.edit), plan_name(p.plan), priority_label(i18n, p.priority));
                                            let row = p.clone();
                                            view! {
                                                <tr data-plan=p.plan.as_str() data-priority=p.priority.as_str()>
                                                    <th scope="row">{plan_name(p.plan)}</th>
                                                    <td>{priority_label(i18n, p.priority)}</td>
                                                    <td>{minutes_text(i18n, p.first_response_minutes)}</td>
                                                    <td>{minutes_text(i18n, p.resolution_minutes)}</td>
                                                    <td>{p.calendar.name.clone()}</td>
                                                    {writes.then(|| view! {
                                                        <td><button type="button" class="button" aria-label=label on:click=move |_| open_policy(Some(row.clone()))>{t!(i18n, admin.edit)}</button></td>
                                                    })}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {writes.then(|| view! {
                                    <form class="form card" on:submit=submit_policy aria-labelledby="policy-form-heading">
                                        <h2 id="policy-form-heading">{t!(i18n, admin.policy_form)}</h2>
                                        <div class="form__row">
                                            <div class="field">
                                                <label for="policy-plan">{t!(i18n, admin.plan)}</label>
                                                <select id="policy-plan" on:change=move |ev| {
                                                    if let Ok(p) = event_target_value(&ev).parse() { plan.set(p); }
                                                    pick_pair(all_policies.get_value());
                                                }>
                                                    {Plan::ALL.iter().filter(|p| **p != Plan::Trial).map(|p| {
                                                        let p = *p;
                                                        view! { <option value=p.as_str() selected=move || plan.get() == p>{plan_name(p)}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <FieldMessage error=policy_error field="plan" id="policy-plan-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="policy-priority">{t!(i18n, tickets.priority)}</label>
                                                <select id="policy-priority" on:change=move |ev| {
                                                    if let Ok(p) = event_target_value(&ev).parse() { priority.set(p); }
                                                    pick_pair(all_policies.get_value());
                                                } aria-describedby="policy-priority-msg">
                                                    {Priority::ALL.iter().rev().map(|p| {
                                                        let p = *p;
                                                        view! { <option value=p.as_str() selected=move || priority.get() == p>{move || priority_label(i18n, p)}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <FieldMessage error=policy_error field="priority" id="policy-priority-msg" />
                                            </div>
                                        </div>
                                        <div class="form__row">
                                            <div class="field">
                                                <label for="policy-first">{t!(i18n, admin.first_response_minutes)}</label>
                                                <input id="policy-first" node_ref=first_input type="number" min="1" required prop:value=first
                                                    on:input=move |ev| first.set(event_target_value(&ev)) aria-describedby="policy-first-msg" />
                                                <FieldMessage error=policy_error field="first_response_minutes" id="policy-first-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="policy-resolution">{t!(i18n, admin.resolution_minutes)}</label>
                                                <input id="policy-resolution" type="number" min="1" required prop:value=resolution
                                                    on:input=move |ev| resolution.set(event_target_value(&ev)) aria-describedby="policy-resolution-msg" />
                                                <FieldMessage error=policy_error field="resolution_minutes" id="policy-resolution-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="policy-calendar">{t!(i18n, admin.calendar)}</label>
                                                <select id="policy-calendar" on:change=move |ev| calendar.set(event_target_value(&ev).parse().unwrap_or(0))
                                                    aria-describedby="policy-calendar-msg">
                                                    {calendar_choices.get_value().into_iter().map(|c| {
                                                        let id = c.id;
                                                        view! { <option value=id.to_string() selected=move || calendar.get() == id>{c.name}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <FieldMessage error=policy_error field="calendar_id" id="policy-calendar-msg" />
                                            </div>
                                        </div>
                                        <label class="check"><input type="checkbox" prop:checked=policy_active on:change=move |ev| policy_active.set(event_target_checked(&ev)) />
                                            " " {t!(i18n, admin.active)}</label>
                                        <FormError error=non_field_error(policy_error) />
                                        <div class="form__actions">
                                            <button type="submit" class="button button--primary" disabled=move || save_policy.pending().get()>{t!(i18n, admin.save)}</button>
                                        </div>
                                        {saved_status(i18n, move || matches!(save_policy.value().get(), Some(Ok(_))))}
                                    </form>
                                })}
                                <h2>{t!(i18n, admin.calendars)}</h2>
                                <table class="table" data-testid="calendars">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                        <th scope="col">{t!(i18n, admin.time_zone)}</th>
                                        <th scope="col">{t!(i18n, admin.hours)}</th>
                                        <th scope="col">{t!(i18n, admin.holidays)}</th>
                                        {writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.edit)}</span></th> })}
                                    </tr></thead>
                                    <tbody>
                                        {calendars.into_iter().map(|c| {
                                            let label = format!("{} {}", t_string!(i18n, admin.edit), c.name);
                                            let hours = if c.is_24x7() { "24x7".to_owned() } else {
                                                week_lines(&c.week).into_iter().enumerate().filter(|(_, l)| !l.is_empty())
                                                    .map(|(d, l)| format!("{} {l}", weekday(d))).collect::<Vec<_>>().join(" · ")
                                            };
                                            let row = c.clone();
                                            view! {
                                                <tr class:muted=!c.active>
                                                    <th scope="row">{c.name.clone()}</th>
                                                    <td>{c.time_zone.clone()}</td>
                                                    <td>{hours}</td>
                                                    <td>{c.holidays.len()}</td>
                                                    {writes.then(|| view! {
                                                        <td><button type="button" class="button" aria-label=label on:click=move |_| open_calendar(Some(row.clone()))>{t!(i18n, admin.edit)}</button></td>
                                                    })}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {writes.then(|| view! {
                                    <form class="form card" on:submit=submit_calendar aria-labelledby="calendar-form-heading">
                                        <h2 id="calendar-form-heading">
                                            {move || if calendar_id.get().is_some() { t_string!(i18n, admin.edit_calendar).to_string() } else { t_string!(i18n, admin.new_calendar).to_string() }}
                                        </h2>
                                        <div class="form__row">
                                            <div class="field">
                                                <label for="calendar-name">{t!(i18n, admin.name)}</label>
                                                <input id="calendar-name" node_ref=calendar_input type="text" required maxlength="80" prop:value=calendar_name
                                                    on:input=move |ev| calendar_name.set(event_target_value(&ev)) aria-describedby="calendar-name-msg" />
                                                <FieldMessage error=calendar_error field="name" id="calendar-name-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="calendar-tz">{t!(i18n, admin.time_zone)}</label>
                                                <input id="calendar-tz" type="text" list="time-zones" prop:value=time_zone
                                                    on:input=move |ev| time_zone.set(event_target_value(&ev)) aria-describedby="calendar-tz-msg" />
                                                <datalist id="time-zones">
                                                    {["America/Sao_Paulo", "America/Manaus", "America/Recife", "America/Cuiaba", "America/Rio_Branco", "America/Noronha", "UTC"]
                                                        .into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                                                </datalist>
                                                <FieldMessage error=calendar_error field="time_zone" id="calendar-tz-msg" />
                                            </div>
                                        </div>
                                        <fieldset class="field" aria-describedby="calendar-week-hint calendar-week-msg">
                                            <legend>{t!(i18n, admin.hours)}</legend>
                                            <p class="hint" id="calendar-week-hint">{t!(i18n, admin.hours_hint)}</p>
                                            {(0..7).map(|d| {
                                                let day = days[d];
                                                let id = format!("calendar-day-{d}");
                                                let for_id = id.clone();
                                                view! {
                                                    <div class="field field--inline">
                                                        <label for=for_id>{move || weekday(d)}</label>
                                                        <input id=id type="text" prop:value=day on:input=move |ev| day.set(event_target_value(&ev))
                                                            aria-describedby=format!("calendar-day-{d}-msg") />
                                                        <FieldMessage error=calendar_error field=format!("week.{d}") id=format!("calendar-day-{d}-msg") />
                                                    </div>
                                                }
                                            }).collect_view()}
                                            <FieldMessage error=calendar_error field="week" id="calendar-week-msg" />
                                        </fieldset>
                                        <div class="field">
                                            <label for="calendar-holidays">{t!(i18n, admin.holidays)}</label>
                                            <textarea id="calendar-holidays" rows="4" prop:value=holidays
                                                on:input=move |ev| holidays.set(event_target_value(&ev))
                                                aria-describedby="calendar-holidays-hint calendar-holidays-msg"></textarea>
                                            <span class="hint" id="calendar-holidays-hint">{t!(i18n, admin.holidays_hint)}</span>
                                            <FieldMessage error=calendar_error field="holidays" id="calendar-holidays-msg" />
                                        </div>
                                        <label class="check"><input type="checkbox" prop:checked=calendar_active on:change=move |ev| calendar_active.set(event_target_checked(&ev)) />
                                            " " {t!(i18n, admin.active)}</label>
                                        <FieldMessage error=calendar_error field="active" id="calendar-active-msg" />
                                        <FormError error=non_field_error(calendar_error) />
                                        <div class="form__actions">
                                            <button type="submit" class="button button--primary" disabled=move || save_calendar.pending().get()>{t!(i18n, admin.save)}</button>
                                            <Show when=move || calendar_id.get().is_some()><button type="button" class="button" on:click=move |_| open_calendar(None)>{t!(i18n, admin.new_calendar)}</button></Show>
                                        </div>
                                        {saved_status(i18n, move || matches!(save_calendar.value().get(), Some(Ok(_))))}
                                    </form>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

// ================================================================ audit

/// `/admin/auditoria`: every admin change and every ticket change, newest first, with
/// filters, and the same as CSV.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.audit).to_string()),
        |_| view! { <AuditLog /> },
    )
}

fn entity_label(i18n: leptos_i18n::I18nContext<Locale>, entity: &str) -> String {
    match entity {
        "ticket" => t_string!(i18n, admin.entity_ticket),
        "department" => t_string!(i18n, admin.entity_department),
        "user" => t_string!(i18n, admin.entity_user),
        "organization" => t_string!(i18n, admin.entity_organization),
        "ticket_type" => t_string!(i18n, admin.entity_ticket_type),
        "sla_policy" => t_string!(i18n, admin.entity_sla_policy),
        "calendar" => t_string!(i18n, admin.entity_calendar),
        "priorities" => t_string!(i18n, admin.entity_priorities),
        "settings" => t_string!(i18n, admin.entity_settings),
        "canned_response" => t_string!(i18n, admin.entity_canned_response),
        _ => t_string!(i18n, admin.entity_other),
    }
    .to_string()
}

fn action_label(i18n: leptos_i18n::I18nContext<Locale>, action: &str) -> String {
    match action {
        "create" => t_string!(i18n, admin.action_create),
        "delete" => t_string!(i18n, admin.action_delete),
        _ => t_string!(i18n, admin.action_update),
    }
    .to_string()
}

/// The name of a field an admin change records, in the reader's language.
fn audit_field_label(i18n: leptos_i18n::I18nContext<Locale>, field: &str) -> String {
    // Priority texts: `high.label_pt`.
    if let Some((priority, part)) = field.split_once('.') {
        let priority = priority
            .parse::<Priority>()
            .map_or_else(|_| priority.to_owned(), |p| priority_label(i18n, p));
        return format!("{priority} · {}", audit_field_label(i18n, part));
    }
    match field {
        "name" => t_string!(i18n, admin.name),
        "active" => t_string!(i18n, admin.active),
        "round_robin" => t_string!(i18n, admin.round_robin),
        "agents" => t_string!(i18n, admin.agents),
        "role" => t_string!(i18n, admin.role),
        "organization" => t_string!(i18n, admin.organization),
        "can_open_tickets" => t_string!(i18n, admin.can_open_tickets),
        "departments" => t_string!(i18n, admin.departments),
        "department" => t_string!(i18n, tickets.department),
        "plan" => t_string!(i18n, admin.plan),
        "shares_tickets" => t_string!(i18n, admin.shares_tickets),
        "key" => t_string!(i18n, admin.key),
        "description" => t_string!(i18n, admin.description),
        "position" => t_string!(i18n, admin.position),
        "default_department" => t_string!(i18n, admin.default_department),
        "default_priority" => t_string!(i18n, admin.default_priority),
        "plans" => t_string!(i18n, admin.plans),
        "fields" => t_string!(i18n, admin.fields),
        "time_zone" => t_string!(i18n, admin.time_zone),
        "week" => t_string!(i18n, admin.hours),
        "holidays" => t_string!(i18n, admin.holidays),
        "priority" => t_string!(i18n, tickets.priority),
        "first_response_minutes" => t_string!(i18n, admin.first_response_minutes),
        "resolution_minutes" => t_string!(i18n, admin.resolution_minutes),
        "calendar" => t_string!(i18n, admin.calendar),
        "message_max_chars" => t_string!(i18n, admin.message_max_chars),
        "max_attachments" => t_string!(i18n, admin.max_attachments),
        "max_attachment_bytes" => t_string!(i18n, admin.max_attachment_bytes),
        "allowed_types" => t_string!(i18n, admin.allowed_types),
        "auto_close_days" => t_string!(i18n, admin.auto_close_days),
        "reopen_window_days" => t_string!(i18n, admin.reopen_window_days),
        "label_pt" => t_string!(i18n, admin.label_pt),
        "label_en" => t_string!(i18n, admin.label_en),
        "guidance_pt" => t_string!(i18n, admin.guidance_pt),
        "guidance_en" => t_string!(i18n, admin.guidance_en),
        "password_link" => t_string!(i18n, admin.password_link),
        "title" => t_string!(i18n, admin.canned_title),
        "body" => t_string!(i18n, admin.canned_body),
        other => return other.to_owned(),
    }
    .to_string()
}

/// The name an admin change recorded for its thing; a service level's ("enterprise ·
/// critical") in the reader's language.
fn audit_entity_name(i18n: leptos_i18n::I18nContext<Locale>, entity: &str, name: &str) -> String {
    if entity == "sla_policy" {
        if let Some((plan, priority)) = name.split_once(" · ") {
            if let (Ok(plan), Ok(priority)) = (plan.parse::<Plan>(), priority.parse::<Priority>()) {
                return format!("{} · {}", plan_name(plan), priority_label(i18n, priority));
            }
        }
    }
    name.to_owned()
}

/// A recorded value in the reader's language: yes/no, roles, priorities; the rest as written.
fn audit_value(i18n: leptos_i18n::I18nContext<Locale>, field: &str, value: Option<&str>) -> String {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return "—".to_owned();
    };
    match (field, value) {
        (_, "true") => yes_no(i18n, true),
        (_, "false") => yes_no(i18n, false),
        ("role", v) => v
            .parse::<Role>()
            .map_or_else(|_| v.to_owned(), |r| crate::components::role_label(i18n, r)),
        ("priority" | "default_priority", v) => v
            .parse::<Priority>()
            .map_or_else(|_| v.to_owned(), |p| priority_label(i18n, p)),
        ("plan", v) => v
            .parse::<Plan>()
            .map_or_else(|_| v.to_owned(), |p| plan_name(p).to_owned()),
        (_, v) => v.to_owned(),
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = move |key: &str| query.with(|q| q.get(key)).unwrap_or_default();
    let audit_query = move || {
        query.with(|q| AuditQuery {
            entity: q.get("entity"),
            entity_id: q.get("id"),
            actor_id: None,
            from: q.get("de"),
            to: q.get("ate"),
            limit: None,
            cursor: q.get("cursor"),
        })
    };
    let page = Resource::new(audit_query, get_audit);
    let csv_href = move || {
        let q = audit_query();
        let pairs = [
            ("entity", q.entity),
            ("entity_id", q.entity_id),
            ("from", q.from),
            ("to", q.to),
        ];
        format!("/api/v1/admin/audit.csv?{}", query_string(pairs))
    };
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.audit)}</h1>
            <AdminTabs current="/admin/auditoria" />
            <form method="get" action="/admin/auditoria" class="toolbar__filters">
                <div class="field">
                    <label for="audit-entity">{t!(i18n, admin.entity)}</label>
                    <select id="audit-entity" name="entity">
                        <option value="">{t!(i18n, admin.all)}</option>
                        {crate::domain::AUDIT_ENTITIES.iter().map(|e| {
                            let e = *e;
                            view! { <option value=e selected=move || current("entity") == e>{move || entity_label(i18n, e)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-id">{t!(i18n, admin.entity_id)}</label>
                    <input id="audit-id" name="id" type="text" prop:value=move || current("id") />
                </div>
                <div class="field">
                    <label for="audit-from">{t!(i18n, admin.from)}</label>
                    <input id="audit-from" name="de" type="date" prop:value=move || current("de") />
                </div>
                <div class="field">
                    <label for="audit-to">{t!(i18n, admin.to)}</label>
                    <input id="audit-to" name="ate" type="date" prop:value=move || current("ate") />
                </div>
                <button type="submit" class="button">{t!(i18n, admin.filter)}</button>
                <a class="button" href=csv_href download>{t!(i18n, admin.csv)}</a>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! { <p class="muted">{t!(i18n, admin.audit_empty)}</p> }.into_any(),
                        Ok(page) => {
                            let next = page.next_cursor.clone();
                            view! {
                                <table class="table" data-testid="audit">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.when)}</th>
                                        <th scope="col">{t!(i18n, admin.who)}</th>
                                        <th scope="col">{t!(i18n, admin.what)}</th>
                                        <th scope="col">{t!(i18n, admin.change)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|e| {
                                            let who = e.actor.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| t_string!(i18n, admin.system).to_string());
                                            let what = if e.entity == "ticket" {
                                                view! { <a href=format!("/chamados/{}", e.entity_id)>{e.entity_id.clone()}</a> " " {e.entity_name.clone()} }.into_any()
                                            } else {
                                                view! { {entity_label(i18n, &e.entity)} ": " {audit_entity_name(i18n, &e.entity, &e.entity_name)} }.into_any()
                                            };
                                            let change = match e.field.as_deref() {
                                                Some(field) if e.entity == "ticket" => super::ticket_support::history_change(
                                                    i18n,
                                                    e.actor_name(),
                                                    field,
                                                    e.before.as_deref(),
                                                    e.after.as_deref(),
                                                ),
                                                Some(field) => format!(
                                                    "{}: {} → {}",
                                                    audit_field_label(i18n, field),
                                                    audit_value(i18n, field, e.before.as_deref()),
                                                    audit_value(i18n, field, e.after.as_deref())
                                                ),
                                                None => action_label(i18n, &e.action),
                                            };
                                            view! {
                                                <tr data-entity=e.entity.clone() data-action=e.action.clone()>
                                                    <td><time datetime=e.at.to_rfc3339()>{format_time(e.at)}</time></td>
                                                    <td>{who}</td>
                                                    <td>{what}</td>
                                                    <td class="audit__change">{change}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {next.map(|cursor| {
                                    let q = audit_query();
                                    let pairs = [("cursor", Some(cursor)), ("entity", q.entity), ("id", q.entity_id), ("de", q.from), ("ate", q.to)];
                                    let href = format!("/admin/auditoria?{}", query_string(pairs));
                                    view! { <p><a href=href>{t!(i18n, admin.older)}</a></p> }
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

// ================================================================ people

/// `/admin/pessoas`: people with search and filters; invite, change role, departments and
/// rights, deactivate, new password links.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.people).to_string()),
        |user| view! { <People user /> },
    )
}

#[component]
fn People(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let query = use_query_map();
    let current = move |key: &str| query.with(|q| q.get(key)).unwrap_or_default();
    let invite = ServerAction::<crate::api::InviteUser>::new();
    let update = ServerAction::<crate::api::UpdateUser>::new();
    let link = ServerAction::<crate::api::UserPasswordLink>::new();
    let user_query = move || {
        query.with(|q| crate::domain::UserQuery {
            q: q.get("q"),
            role: q.get("perfil"),
            organization_id: q.get("organizacao"),
            active: q.get("situacao"),
            limit: None,
            cursor: q.get("cursor"),
        })
    };
    let page = Resource::new(
        move || (user_query(), invite.version().get(), update.version().get()),
        |(q, ..)| crate::api::get_admin_users(q),
    );
    // Two resources: on the server a server function called after another's await would run
    // without the request's context.
    let organizations = Resource::new(|| (), |_| crate::api::get_admin_organizations());
    let department_list = Resource::new(|| (), |_| get_admin_departments());
    let editing = RwSignal::new(None::<i64>);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let organization = RwSignal::new(0_i64);
    let departments = RwSignal::new(BTreeSet::<i64>::new());
    let can_open = RwSignal::new(false);
    let active = RwSignal::new(true);
    let name_input = NodeRef::<leptos::html::Input>::new();
    let error = Signal::derive(move || {
        invite
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| update.value().get().and_then(Result::err))
            .or_else(|| link.value().get().and_then(Result::err))
    });
    let open = move |u: Option<crate::domain::UserAdmin>| {
        invite.value().set(None);
        update.value().set(None);
        link.value().set(None);
        editing.set(u.as_ref().map(|u| u.id));
        email.set(u.as_ref().map(|u| u.email.clone()).unwrap_or_default());
        name.set(u.as_ref().map(|u| u.name.clone()).unwrap_or_default());
        role.set(u.as_ref().map(|u| u.role).unwrap_or(Role::Agent));
        organization.set(
            u.as_ref()
                .and_then(|u| u.organization.as_ref().map(|o| o.id))
                .unwrap_or(0),
        );
        departments.set(
            u.as_ref()
                .map(|u| u.departments.iter().map(|d| d.id).collect())
                .unwrap_or_default(),
        );
        can_open.set(u.as_ref().is_some_and(|u| u.can_open_tickets));
        active.set(u.as_ref().is_none_or(|u| u.active));
        if let Some(el) = name_input.get() {
            let _ = el.focus();
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = role.get_untracked();
        let input = crate::domain::UserInput {
            name: Some(name.get_untracked()),
            email: editing
                .get_untracked()
                .is_none()
                .then(|| email.get_untracked()),
            role: Some(r),
            organization_id: Some(if r.belongs_to_organization() {
                organization.get_untracked()
            } else {
                0
            }),
            can_open_tickets: (r == Role::Customer).then(|| can_open.get_untracked()),
            active: editing.get_untracked().map(|_| active.get_untracked()),
            department_ids: Some(if r.is_staff() {
                departments.get_untracked().into_iter().collect()
            } else {
                Vec::new()
            }),
        };
        match editing.get_untracked() {
            None => {
                invite.dispatch(crate::api::InviteUser { input });
            }
            Some(id) => {
                update.dispatch(crate::api::UpdateUser { id, input });
            }
        }
    };
    let origin = move || {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            String::new()
        }
    };
    let new_link = move || {
        invite
            .value()
            .get()
            .and_then(Result::ok)
            .map(|l| l.link)
            .or_else(|| link.value().get().and_then(Result::ok).map(|l| l.link))
    };
    let roles = [
        Role::Customer,
        Role::OrgAdmin,
        Role::Agent,
        Role::Lead,
        Role::Admin,
    ];
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.people)}</h1>
            <AdminTabs current="/admin/pessoas" />
            <form method="get" action="/admin/pessoas" class="toolbar__filters">
                <div class="field">
                    <label for="people-q">{t!(i18n, admin.search)}</label>
                    <input id="people-q" name="q" type="search" prop:value=move || current("q") />
                </div>
                <div class="field">
                    <label for="people-role">{t!(i18n, admin.role)}</label>
                    <select id="people-role" name="perfil">
                        <option value="">{t!(i18n, admin.all)}</option>
                        {roles.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || current("perfil") == r.as_str()>{move || crate::components::role_label(i18n, r)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="people-org">{t!(i18n, admin.organization)}</label>
                    <select id="people-org" name="organizacao">
                        <option value="">{t!(i18n, admin.all)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                organizations.await.map(|orgs| orgs.into_iter().map(|o| {
                                    let id = o.id.to_string();
                                    let selected = current("organizacao") == id;
                                    view! { <option value=id selected=selected>{o.name}</option> }
                                }).collect_view()).ok()
                            })}
                        </Transition>
                    </select>
                </div>
                <div class="field">
                    <label for="people-active">{t!(i18n, admin.status)}</label>
                    <select id="people-active" name="situacao">
                        <option value="">{t!(i18n, admin.all)}</option>
                        <option value="true" selected=move || current("situacao") == "true">{t!(i18n, admin.active)}</option>
                        <option value="false" selected=move || current("situacao") == "false">{t!(i18n, admin.inactive)}</option>
                    </select>
                </div>
                <button type="submit" class="button">{t!(i18n, admin.filter)}</button>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok(page) => {
                            let next = page.next_cursor.clone();
                            view! {
                                <table class="table" data-testid="people">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                        <th scope="col">{t!(i18n, admin.email)}</th>
                                        <th scope="col">{t!(i18n, admin.role)}</th>
                                        <th scope="col">{t!(i18n, admin.organization)}</th>
                                        <th scope="col">{t!(i18n, admin.departments)}</th>
                                        <th scope="col">{t!(i18n, admin.status)}</th>
                                        {writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.edit)}</span></th> })}
                                    </tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|u| {
                                            let r = u.role;
                                            let status = if !u.active { t_string!(i18n, admin.inactive).to_string() } else if u.pending_invitation { t_string!(i18n, admin.pending).to_string() } else { t_string!(i18n, admin.active).to_string() };
                                            let label = format!("{} {}", t_string!(i18n, admin.edit), u.name);
                                            let row = u.clone();
                                            view! {
                                                <tr class:muted=!u.active>
                                                    <th scope="row">{u.name.clone()}</th>
                                                    <td>{u.email.clone()}</td>
                                                    <td>{move || crate::components::role_label(i18n, r)}</td>
                                                    <td>{u.organization.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| "—".into())}</td>
                                                    <td>{u.departments.iter().map(|d| d.name.clone()).collect::<Vec<_>>().join(", ")}</td>
                                                    <td>{status}</td>
                                                    {writes.then(|| view! {
                                                        <td><button type="button" class="button" aria-label=label on:click=move |_| open(Some(row.clone()))>{t!(i18n, admin.edit)}</button></td>
                                                    })}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {next.map(|cursor| {
                                    let q = user_query();
                                    let pairs = [("cursor", Some(cursor)), ("q", q.q), ("perfil", q.role), ("organizacao", q.organization_id), ("situacao", q.active)];
                                    view! { <p><a href=format!("/admin/pessoas?{}", query_string(pairs))>{t!(i18n, admin.more)}</a></p> }
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            {writes.then(|| view! {
                <form class="form card" on:submit=submit aria-labelledby="person-form-heading">
                    <h2 id="person-form-heading">
                        {move || if editing.get().is_some() { t_string!(i18n, admin.edit_person).to_string() } else { t_string!(i18n, admin.invite_person).to_string() }}
                    </h2>
                    <div class="form__row">
                        <div class="field">
                            <label for="person-name">{t!(i18n, admin.name)}</label>
                            <input id="person-name" node_ref=name_input type="text" required maxlength="120" prop:value=name
                                on:input=move |ev| name.set(event_target_value(&ev)) aria-describedby="person-name-msg" />
                            <FieldMessage error field="name" id="person-name-msg" />
                        </div>
                        <div class="field">
                            <label for="person-email">{t!(i18n, admin.email)}</label>
                            <input id="person-email" type="email" required prop:value=email readonly=move || editing.get().is_some()
                                on:input=move |ev| email.set(event_target_value(&ev)) aria-describedby="person-email-msg" />
                            <FieldMessage error field="email" id="person-email-msg" />
                        </div>
                    </div>
                    <div class="form__row">
                        <div class="field">
                            <label for="person-role">{t!(i18n, admin.role)}</label>
                            <select id="person-role" on:change=move |ev| { if let Ok(r) = event_target_value(&ev).parse() { role.set(r); } }
                                aria-describedby="person-role-msg">
                                {roles.into_iter().map(|r| view! {
                                    <option value=r.as_str() selected=move || role.get() == r>{move || crate::components::role_label(i18n, r)}</option>
                                }).collect_view()}
                            </select>
                            <FieldMessage error field="role" id="person-role-msg" />
                        </div>
                        <Show when=move || role.get().belongs_to_organization()>
                            <div class="field">
                                <label for="person-org">{t!(i18n, admin.organization)}</label>
                                <select id="person-org" on:change=move |ev| organization.set(event_target_value(&ev).parse().unwrap_or(0))
                                    aria-describedby="person-org-msg">
                                    <option value="0">"—"</option>
                                    <Transition fallback=|| ()>
                                        {move || Suspend::new(async move {
                                            organizations.await.map(|orgs| orgs.into_iter().filter(|o| o.active).map(|o| {
                                                let id = o.id;
                                                view! { <option value=id.to_string() selected=move || organization.get() == id>{o.name}</option> }
                                            }).collect_view()).ok()
                                        })}
                                    </Transition>
                                </select>
                                <FieldMessage error field="organization_id" id="person-org-msg" />
                            </div>
                        </Show>
                    </div>
                    <Show when=move || role.get().is_staff()>
                        <fieldset class="field" aria-describedby="person-departments-msg">
                            <legend>{t!(i18n, admin.departments)}</legend>
                            <Transition fallback=|| ()>
                                {move || Suspend::new(async move {
                                    department_list.await.map(|(list, _)| list.into_iter().filter(|d| d.active).map(|d| {
                                        let id = d.id;
                                        let input_id = format!("person-department-{id}");
                                        let for_id = input_id.clone();
                                        view! {
                                            <label class="check" for=for_id>
                                                <input type="checkbox" id=input_id prop:checked=move || departments.with(|s| s.contains(&id))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        departments.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                                    } />
                                                " " {d.name}
                                            </label>
                                        }
                                    }).collect_view()).ok()
                                })}
                            </Transition>
                            <FieldMessage error field="department_ids" id="person-departments-msg" />
                        </fieldset>
                    </Show>
                    <Show when=move || role.get() == Role::Customer>
                        <label class="check"><input type="checkbox" prop:checked=can_open on:change=move |ev| can_open.set(event_target_checked(&ev)) />
                            " " {t!(i18n, admin.can_open_tickets)}</label>
                    </Show>
                    <Show when=move || editing.get().is_some()>
                        <label class="check"><input type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev)) />
                            " " {t!(i18n, admin.active_hint)}</label>
                        <FieldMessage error field="active" id="person-active-msg" />
                    </Show>
                    <FormError error=non_field_error(error) />
                    <div class="form__actions">
                        <button type="submit" class="button button--primary" disabled=move || invite.pending().get() || update.pending().get()>
                            {move || if editing.get().is_some() { t_string!(i18n, admin.save).to_string() } else { t_string!(i18n, admin.invite).to_string() }}
                        </button>
                        <Show when=move || editing.get().is_some()>
                            <button type="button" class="button" on:click=move |_| {
                                if let Some(id) = editing.get_untracked() {
                                    link.dispatch(crate::api::UserPasswordLink { id });
                                }
                            }>{t!(i18n, admin.password_link)}</button>
                        </Show>
                        <Show when=move || editing.get().is_some()><button type="button" class="button" on:click=move |_| open(None)>{t!(i18n, admin.invite_person)}</button></Show>
                    </div>
                    {saved_status(i18n, move || matches!(update.value().get(), Some(Ok(_))))}
                    {move || new_link().map(|path| {
                        let url = format!("{}{path}", origin());
                        view! {
                            <div class="notice" role="status" data-testid="person-link">
                                <p>{t!(i18n, admin.link_hint)}</p>
                                <input type="text" readonly value=url.clone() aria-label=move || t_string!(i18n, admin.link).to_string() class="link-box" />
                            </div>
                        }
                    })}
                </form>
            })}
        </section>
    }
}

// ================================================================ organizations

/// `/admin/organizacoes`: plan, ticket sharing, active; members through the people page.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.organizations).to_string()),
        |user| view! { <Organizations user /> },
    )
}

#[component]
fn Organizations(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let save = ServerAction::<crate::api::SaveOrganization>::new();
    let data = Resource::new(
        move || save.version().get(),
        |_| crate::api::get_admin_organizations(),
    );
    let editing = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let plan = RwSignal::new(Plan::Startup);
    let shares = RwSignal::new(false);
    let active = RwSignal::new(true);
    let name_input = NodeRef::<leptos::html::Input>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let open = move |o: Option<crate::domain::OrganizationAdmin>| {
        save.value().set(None);
        editing.set(o.as_ref().map(|o| o.id));
        name.set(o.as_ref().map(|o| o.name.clone()).unwrap_or_default());
        plan.set(o.as_ref().map(|o| o.plan).unwrap_or(Plan::Startup));
        shares.set(o.as_ref().is_some_and(|o| o.shares_tickets));
        active.set(o.as_ref().is_none_or(|o| o.active));
        if let Some(el) = name_input.get() {
            let _ = el.focus();
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            editing.set(Some(saved.id));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(crate::api::SaveOrganization {
            id: editing.get_untracked(),
            input: crate::domain::OrganizationInput {
                name: Some(name.get_untracked()),
                plan: Some(plan.get_untracked()),
                shares_tickets: Some(shares.get_untracked()),
                active: Some(active.get_untracked()),
            },
        });
    };
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.organizations)}</h1>
            <AdminTabs current="/admin/organizacoes" />
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok(orgs) => view! {
                            <table class="table" data-testid="organizations">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, admin.name)}</th>
                                    <th scope="col">{t!(i18n, admin.plan)}</th>
                                    <th scope="col">{t!(i18n, admin.shares_tickets)}</th>
                                    <th scope="col">{t!(i18n, admin.members)}</th>
                                    <th scope="col">{t!(i18n, admin.active)}</th>
                                    {writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.edit)}</span></th> })}
                                </tr></thead>
                                <tbody>
                                    {orgs.into_iter().map(|o| {
                                        let label = format!("{} {}", t_string!(i18n, admin.edit), o.name);
                                        let row = o.clone();
                                        view! {
                                            <tr class:muted=!o.active>
                                                <th scope="row">{o.name.clone()}</th>
                                                <td>{plan_name(o.plan)}</td>
                                                <td>{yes_no(i18n, o.shares_tickets)}</td>
                                                <td><a href=format!("/admin/pessoas?organizacao={}", o.id)>{o.members}</a></td>
                                                <td>{yes_no(i18n, o.active)}</td>
                                                {writes.then(|| view! {
                                                    <td><button type="button" class="button" aria-label=label on:click=move |_| open(Some(row.clone()))>{t!(i18n, admin.edit)}</button></td>
                                                })}
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            {writes.then(|| view! {
                <form class="form card" on:submit=submit aria-labelledby="org-form-heading">
                    <h2 id="org-form-heading">
                        {move || if editing.get().is_some() { t_string!(i18n, admin.edit_organization).to_string() } else { t_string!(i18n, admin.new_organization).to_string() }}
                    </h2>
                    <div class="form__row">
                        <div class="field">
                            <label for="org-name">{t!(i18n, admin.name)}</label>
                            <input id="org-name" node_ref=name_input type="text" required maxlength="120" prop:value=name
                                on:input=move |ev| name.set(event_target_value(&ev)) aria-describedby="org-name-msg" />
                            <FieldMessage error field="name" id="org-name-msg" />
                        </div>
                        <div class="field">
                            <label for="org-plan">{t!(i18n, admin.plan)}</label>
                            <select id="org-plan" on:change=move |ev| { if let Ok(p) = event_target_value(&ev).parse() { plan.set(p); } }
                                aria-describedby="org-plan-hint">
                                {Plan::ALL.iter().map(|p| {
                                    let p = *p;
                                    view! { <option value=p.as_str() selected=move || plan.get() == p>{plan_name(p)}</option> }
                                }).collect_view()}
                            </select>
                            <span class="hint" id="org-plan-hint">{t!(i18n, admin.plan_hint)}</span>
                        </div>
                    </div>
                    <label class="check"><input type="checkbox" prop:checked=shares on:change=move |ev| shares.set(event_target_checked(&ev)) />
                        " " {t!(i18n, admin.shares_tickets_hint)}</label>
                    <label class="check"><input type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev)) />
                        " " {t!(i18n, admin.active_org_hint)}</label>
                    <FormError error=non_field_error(error) />
                    <div class="form__actions">
                        <button type="submit" class="button button--primary" disabled=move || save.pending().get()>{t!(i18n, admin.save)}</button>
                        <Show when=move || editing.get().is_some()><button type="button" class="button" on:click=move |_| open(None)>{t!(i18n, admin.new_organization)}</button></Show>
                    </div>
                    {saved_status(i18n, move || matches!(save.value().get(), Some(Ok(_))))}
                </form>
            })}
        </section>
    }
}

// ================================================================ limits and priorities

/// `/admin/configuracoes`: limits and the priorities' labels and guidance.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.settings).to_string()),
        |user| view! { <Settings user /> },
    )
}

#[component]
fn Settings(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let save_limits = ServerAction::<crate::api::SaveLimits>::new();
    let save_texts = ServerAction::<crate::api::SavePriorities>::new();
    let data = Resource::new(|| (), |_| crate::api::get_admin_settings());
    let limits_error = Signal::derive(move || save_limits.value().get().and_then(Result::err));
    let texts_error = Signal::derive(move || save_texts.value().get().and_then(Result::err));
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.settings)}</h1>
            <AdminTabs current="/admin/configuracoes" />
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok((limits, texts)) => {
                            let number = |v: i64| RwSignal::new(v.to_string());
                            let message = number(limits.message_max_chars);
                            let files = number(limits.max_attachments);
                            let megabytes = RwSignal::new(format!("{:.1}", limits.max_attachment_bytes as f64 / 1_048_576.0));
                            let auto_close = number(limits.auto_close_days);
                            let reopen = number(limits.reopen_window_days);
                            let types = RwSignal::new(limits.allowed_types.iter().cloned().collect::<BTreeSet<String>>());
                            let submit_limits = move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().ok();
                                let bytes = megabytes.get_untracked().trim().replace(',', ".").parse::<f64>().ok()
                                    .map(|mb| (mb * 1_048_576.0).round() as i64);
                                save_limits.dispatch(crate::api::SaveLimits {
                                    input: crate::domain::LimitsInput {
                                        message_max_chars: n(message).or(Some(-1)),
                                        max_attachments: n(files).or(Some(-1)),
                                        max_attachment_bytes: bytes.or(Some(-1)),
                                        allowed_types: Some(types.get_untracked().into_iter().collect()),
                                        auto_close_days: n(auto_close).or(Some(-1)),
                                        reopen_window_days: n(reopen).or(Some(-1)),
                                    },
                                });
                            };
                            let rows: Vec<_> = texts.into_iter().map(|t| (t.priority, RwSignal::new(t.label_pt), RwSignal::new(t.label_en), RwSignal::new(t.guidance_pt), RwSignal::new(t.guidance_en))).collect();
                            let rows = StoredValue::new(rows);
                            let submit_texts = move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                let input = rows.with_value(|rows| rows.iter().map(|(p, a, b, c, d)| crate::domain::PriorityText {
                                    priority: *p,
                                    label_pt: a.get_untracked(),
                                    label_en: b.get_untracked(),
                                    guidance_pt: c.get_untracked(),
                                    guidance_en: d.get_untracked(),
                                }).collect());
                                save_texts.dispatch(crate::api::SavePriorities { input });
                            };
                            let limit_field = move |id: &'static str, field: &'static str, label: String, value: RwSignal<String>, hint: Option<String>| {
                                let msg = format!("{id}-msg");
                                let hint_id = format!("{id}-hint");
                                let described = format!("{hint_id} {msg}");
                                view! {
                                    <div class="field">
                                        <label for=id>{label}</label>
                                        <input id=id type="text" inputmode="decimal" prop:value=value readonly=!writes
                                            on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=described />
                                        {hint.map(|h| view! { <span class="hint" id=hint_id.clone()>{h}</span> })}
                                        <FieldMessage error=limits_error field=field id=msg />
                                    </div>
                                }
                            };
                            view! {
                                <form class="form card" on:submit=submit_limits aria-labelledby="limits-heading">
                                    <h2 id="limits-heading">{t!(i18n, admin.limits)}</h2>
                                    <div class="form__row">
                                        {limit_field("limit-message", "message_max_chars", t_string!(i18n, admin.message_max_chars).to_string(), message, Some(t_string!(i18n, admin.message_max_chars_hint).to_string()))}
                                        {limit_field("limit-files", "max_attachments", t_string!(i18n, admin.max_attachments).to_string(), files, None)}
                                        {limit_field("limit-size", "max_attachment_bytes", t_string!(i18n, admin.max_attachment_mb).to_string(), megabytes, Some(t_string!(i18n, admin.max_attachment_mb_hint).to_string()))}
                                    </div>
                                    <fieldset class="field" aria-describedby="limit-types-msg">
                                        <legend>{t!(i18n, admin.allowed_types)}</legend>
                                        <div class="rating__options">
                                            {crate::domain::ATTACHMENT_EXTENSIONS.iter().map(|ext| {
                                                let ext = (*ext).to_owned();
                                                let input_id = format!("limit-type-{ext}");
                                                let for_id = input_id.clone();
                                                let e1 = ext.clone();
                                                let e2 = ext.clone();
                                                view! {
                                                    <label class="check" for=for_id>
                                                        <input type="checkbox" id=input_id disabled=!writes prop:checked=move || types.with(|t| t.contains(&e1))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                let e = e2.clone();
                                                                types.update(|t| { if on { t.insert(e); } else { t.remove(&e); } });
                                                            } />
                                                        " " {ext}
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </div>
                                        <FieldMessage error=limits_error field="allowed_types" id="limit-types-msg" />
                                    </fieldset>
                                    <div class="form__row">
                                        {limit_field("limit-autoclose", "auto_close_days", t_string!(i18n, admin.auto_close_days).to_string(), auto_close, None)}
                                        {limit_field("limit-reopen", "reopen_window_days", t_string!(i18n, admin.reopen_window_days).to_string(), reopen, None)}
                                    </div>
                                    <FormError error=non_field_error(limits_error) />
                                    {writes.then(|| view! {
                                        <button type="submit" class="button button--primary" disabled=move || save_limits.pending().get()>{t!(i18n, admin.save)}</button>
                                    })}
                                    {saved_status(i18n, move || matches!(save_limits.value().get(), Some(Ok(_))))}
                                </form>
                                <form class="form card" on:submit=submit_texts aria-labelledby="priorities-heading">
                                    <h2 id="priorities-heading">{t!(i18n, admin.priorities)}</h2>
                                    <p class="hint">{t!(i18n, admin.priorities_hint)}</p>
                                    {rows.get_value().into_iter().enumerate().map(|(i, (p, label_pt, label_en, guidance_pt, guidance_en))| {
                                        let field = move |suffix: &'static str, label: String, value: RwSignal<String>, long: bool| {
                                            let id = format!("priority-{}-{suffix}", p.as_str());
                                            let for_id = id.clone();
                                            let msg = format!("{id}-msg");
                                            let described = msg.clone();
                                            view! {
                                                <div class="field">
                                                    <label for=for_id>{label}</label>
                                                    {if long {
                                                        view! { <textarea id=id rows="2" maxlength="300" readonly=!writes prop:value=value
                                                            on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=described></textarea> }.into_any()
                                                    } else {
                                                        view! { <input id=id type="text" maxlength="40" readonly=!writes prop:value=value
                                                            on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=described /> }.into_any()
                                                    }}
                                                    <FieldMessage error=texts_error field=format!("priorities[{i}].{suffix}") id=msg />
                                                </div>
                                            }
                                        };
                                        view! {
                                            <fieldset class="field">
                                                <legend>{move || priority_label(i18n, p)}</legend>
                                                <div class="form__row">
                                                    {field("label_pt", t_string!(i18n, admin.label_pt).to_string(), label_pt, false)}
                                                    {field("label_en", t_string!(i18n, admin.label_en).to_string(), label_en, false)}
                                                </div>
                                                {field("guidance_pt", t_string!(i18n, admin.guidance_pt).to_string(), guidance_pt, true)}
                                                {field("guidance_en", t_string!(i18n, admin.guidance_en).to_string(), guidance_en, true)}
                                            </fieldset>
                                        }
                                    }).collect_view()}
                                    <FormError error=non_field_error(texts_error) />
                                    {writes.then(|| view! {
                                        <button type="submit" class="button button--primary" disabled=move || save_texts.pending().get()>{t!(i18n, admin.save)}</button>
                                    })}
                                    {saved_status(i18n, move || matches!(save_texts.value().get(), Some(Ok(_))))}
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

// ================================================================ reports

/// `/admin/relatorios`: tickets per day and backlog, response and resolution times, SLA
/// compliance, satisfaction and deflection, with charts and CSV.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, report.title).to_string()),
        |_| view! { <Reports /> },
    )
}

fn duration_text(i18n: leptos_i18n::I18nContext<Locale>, minutes: Option<f64>) -> String {
    match minutes {
        None => t_string!(i18n, report.none).to_string(),
        Some(m) if m < 60.0 => {
            let n = m.round() as i64;
            t_string!(i18n, report.minutes, n).to_string()
        }
        Some(m) => {
            let total = m.round() as i64;
            let (h, m) = (total / 60, total % 60);
            t_string!(i18n, report.hours, h, m).to_string()
        }
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.0} %", r * 100.0))
        .unwrap_or_else(|| "—".to_owned())
}

#[component]
fn Reports() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = move |key: &str| query.with(|q| q.get(key)).unwrap_or_default();
    let report_query = move || {
        query.with(|q| crate::domain::ReportQuery {
            from: q.get("de"),
            to: q.get("ate"),
            department_id: q.get("departamento"),
            part: None,
        })
    };
    let report = Resource::new(report_query, crate::api::get_ticket_report);
    let departments = Resource::new(|| (), |_| get_admin_departments());
    let csv_href = move |part: &str| {
        let q = report_query();
        let pairs = [
            ("part", Some(part.to_owned())),
            ("from", q.from),
            ("to", q.to),
            ("department_id", q.department_id),
        ];
        format!("/api/v1/admin/reports/tickets.csv?{}", query_string(pairs))
    };
    view! {
        <section class="page admin reports" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, report.title)}</h1>
            <AdminTabs current="/admin/relatorios" />
            <form method="get" action="/admin/relatorios" class="toolbar__filters">
                <div class="field">
                    <label for="report-from">{t!(i18n, report.from)}</label>
                    <input id="report-from" name="de" type="date" prop:value=move || current("de") />
                </div>
                <div class="field">
                    <label for="report-to">{t!(i18n, report.to)}</label>
                    <input id="report-to" name="ate" type="date" prop:value=move || current("ate") />
                </div>
                <div class="field">
                    <label for="report-department">{t!(i18n, report.department)}</label>
                    <select id="report-department" name="departamento">
                        <option value="">{t!(i18n, report.all_departments)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                departments.await.map(|(list, _)| list.into_iter().map(|d| {
                                    let id = d.id.to_string();
                                    let selected = current("departamento") == id;
                                    view! { <option value=id selected=selected>{d.name}</option> }
                                }).collect_view()).ok()
                            })}
                        </Transition>
                    </select>
                </div>
                <button type="submit" class="button">{t!(i18n, report.apply)}</button>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok(r) => {
                            let charts = r.charts.clone();
                            view! {
                                <p class="muted" data-testid="report-range">{format!("{} – {}", r.from.format("%d/%m/%Y"), r.to.format("%d/%m/%Y"))}
                                    {r.department.as_ref().map(|d| format!(" · {}", d.name))}</p>
                                <dl class="report-cards">
                                    <div class="report-card"><dt>{t!(i18n, report.opened)}</dt><dd data-testid="report-opened">{r.opened}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.closed)}</dt><dd data-testid="report-closed">{r.closed}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.first_response)}</dt>
                                        <dd>{duration_text(i18n, r.first_response.median_minutes)}</dd>
                                        <dd class="muted">{t!(i18n, report.p90)} ": " {duration_text(i18n, r.first_response.p90_minutes)}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.resolution)}</dt>
                                        <dd>{duration_text(i18n, r.resolution.median_minutes)}</dd>
                                        <dd class="muted">{t!(i18n, report.p90)} ": " {duration_text(i18n, r.resolution.p90_minutes)}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.satisfied)}</dt>
                                        <dd>{percent(r.satisfaction.satisfied_rate)}</dd>
                                        <dd class="muted">{t!(i18n, report.ratings)} ": " {r.satisfaction.ratings}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.deflection_rate)}</dt>
                                        <dd>{percent(Some(r.deflection.rate))}</dd>
                                        <dd class="muted">{t!(i18n, report.suggestions)} ": " {r.deflection.suggestions_shown}</dd></div>
                                </dl>
                                {charts.into_iter().map(|c| view! {
                                    <figure class="chart" data-testid=format!("chart-{}", c.key)>
                                        <div class="chart__svg" role="img" aria-label=c.title.clone() inner_html=c.svg></div>
                                        <figcaption class="visually-hidden">{c.title}</figcaption>
                                    </figure>
                                }).collect_view()}
                                <details>
                                    <summary>{t!(i18n, report.chart_daily)} " (" {t!(i18n, report.table)} ")"</summary>
                                    <table class="table" data-testid="report-days">
                                        <thead><tr>
                                            <th scope="col">{t!(i18n, admin.when)}</th>
                                            <th scope="col">{t!(i18n, report.opened)}</th>
                                            <th scope="col">{t!(i18n, report.closed)}</th>
                                            <th scope="col">{t!(i18n, report.backlog)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {r.days.iter().map(|d| view! {
                                                <tr><th scope="row">{d.date.format("%d/%m/%Y").to_string()}</th><td>{d.opened}</td><td>{d.closed}</td><td>{d.backlog}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </details>
                                <h2>{t!(i18n, report.sla_table)}</h2>
                                {if r.sla.is_empty() {
                                    view! { <p class="muted">{t!(i18n, report.no_data)}</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table" data-testid="report-sla">
                                            <thead><tr>
                                                <th scope="col">{t!(i18n, report.plan)}</th>
                                                <th scope="col">{t!(i18n, tickets.priority)}</th>
                                                <th scope="col">{t!(i18n, report.tickets)}</th>
                                                <th scope="col">{t!(i18n, report.met)}</th>
                                                <th scope="col">{t!(i18n, report.rate)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {r.sla.iter().map(|s| {
                                                    let p = s.priority;
                                                    view! {
                                                        <tr><th scope="row">{s.plan.label()}</th><td>{move || priority_label(i18n, p)}</td>
                                                            <td>{s.tickets}</td><td>{s.met}</td><td>{percent(Some(s.rate))}</td></tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                                {(!r.satisfaction.comments.is_empty()).then(|| view! {
                                    <h2>{t!(i18n, report.comments)}</h2>
                                    <ul class="report-comments">
                                        {r.satisfaction.comments.iter().map(|c| view! {
                                            <li><a href=format!("/chamados/{}", c.ticket)>{c.ticket.clone()}</a> " · " {format!("{}/5", c.score)} " — " {c.comment.clone()}</li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                <p class="report-csv">{t!(i18n, report.csv)} ": "
                                    {["days", "times", "sla", "satisfaction", "deflection"].into_iter().map(|part| view! {
                                        <a href=csv_href(part) download>{part}</a> " "
                                    }).collect_view()}
                                </p>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_read_and_write_as_text() {
        assert_eq!(
            parse_day("09:00-12:00, 13:00-18:00"),
            Some(vec![[540, 720], [780, 1080]])
        );
        assert_eq!(parse_day(""), Some(vec![]));
        assert_eq!(parse_day("9h às 18h"), None);
        let week = vec![
            vec![[540, 1080]],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![[0, 1440]],
        ];
        let lines = week_lines(&week);
        assert_eq!(lines[0], "09:00-18:00");
        assert_eq!(lines[1], "");
        assert_eq!(lines[6], "00:00-24:00");
        assert_eq!(parse_day(&lines[6]), Some(vec![[0, 1440]]));
    }
}
