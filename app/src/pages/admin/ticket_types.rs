//! Ticket types and their custom fields.
use super::admin_page;
use super::plan_name;
use super::yes_no;
use super::AdminTabs;

use crate::api::{get_admin_ticket_types, SaveTicketType};
use crate::components::{
    department_options, edit_cell, edit_column, focus, load_error, priority_label, Check, EditForm,
    FieldMessage, FormFoot, Loading, NameField,
};
use crate::domain::{
    CurrentUser, FieldAdmin, Plan, Priority, Role, TicketTypeAdmin, TicketTypeInput, FIELD_KINDS,
};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use std::collections::BTreeSet;

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
        focus(key_input);
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
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => load_error(e),
                        Ok((types, departments)) => {
                            let departments = StoredValue::new(departments);
                            view! {
                                <table class="table" data-testid="ticket-types">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                        <th scope="col">{t!(i18n, admin.plans)}</th>
                                        <th scope="col">{t!(i18n, admin.fields)}</th>
                                        <th scope="col">{t!(i18n, admin.active)}</th>
                                        {edit_column(i18n, writes)}
                                    </tr></thead>
                                    <tbody>
                                        {types.into_iter().map(|t| {
                                            let plans_text = t.plans.iter().map(|p| plan_name(*p)).collect::<Vec<_>>().join(", ");
                                            let fields_text = t.fields.iter().filter(|f| f.active).map(|f| f.label.clone()).collect::<Vec<_>>().join(", ");
                                            let row = t.clone();
                                            view! {
                                                <tr class:muted=!t.active>
                                                    <th scope="row">{t.name.clone()} " " <code class="muted">{t.key.clone()}</code></th>
                                                    <td>{plans_text}</td>
                                                    <td>{fields_text}</td>
                                                    <td>{yes_no(i18n, t.active)}</td>
                                                    {edit_cell(i18n, writes, &t.name, move || open(Some(row.clone())))}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <EditForm writes heading="type-form-heading" editing on_submit=submit
                                            edit=|i18n| t_string!(i18n, admin.edit_type).to_string()
                                            new=|i18n| t_string!(i18n, admin.new_type).to_string()>
                                        <div class="form__row">
                                            <NameField id="type-name" maxlength="80" value=name error />
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
                                                    {department_options(departments.get_value(), department)}
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
                                        <Check value=active>{t!(i18n, admin.active)}</Check>
                                        <FormFoot error pending=save.pending() saved=Signal::derive(move || matches!(save.value().get(), Some(Ok(_))))
                                            editing=Signal::derive(move || editing.get().is_some()) on_new=move |_| open(None)>
                                            {t!(i18n, admin.new_type)}
                                        </FormFoot>
                                    </EditForm>
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
            <Check value=required>{t!(i18n, admin.required)}</Check>
            <button type="button" class="button button--link"
                aria-label=move || format!("{} {}", t_string!(i18n, admin.remove_field), index() + 1)
                on:click=move |_| fields.update(|rows| rows.retain(|r| r.row != row))>
                {t!(i18n, admin.remove)}
            </button>
        </div>
    }
}
