//! Departments and their agents.
use super::admin_page;
use super::yes_no;
use super::AdminTabs;

use crate::api::{get_admin_departments, SaveDepartment};
use crate::components::{
    edit_cell, edit_column, edit_what_was_saved, focus, load_error, Check, EditForm, FieldMessage,
    FormFoot, Loading, NameField,
};
use crate::domain::{CurrentUser, DepartmentAdmin, DepartmentInput, Role};
use crate::i18n::*;
use leptos::prelude::*;
use std::collections::BTreeSet;

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
        focus(name_input);
    };
    edit_what_was_saved(editing, save.value(), |d: &DepartmentAdmin| d.id);
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
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => load_error(e),
                        Ok((departments, staff)) => {
                            let staff = StoredValue::new(staff);
                            view! {
                                <table class="table" data-testid="departments">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                        <th scope="col">{t!(i18n, admin.agents)}</th>
                                        <th scope="col">{t!(i18n, admin.round_robin)}</th>
                                        <th scope="col">{t!(i18n, admin.active)}</th>
                                        {edit_column(i18n, writes)}
                                    </tr></thead>
                                    <tbody>
                                        {departments.into_iter().map(|d| {
                                            let agents_text = d.agents.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ");
                                            let row = d.clone();
                                            view! {
                                                <tr class:muted=!d.active>
                                                    <th scope="row">{d.name.clone()}</th>
                                                    <td>{agents_text}</td>
                                                    <td>{yes_no(i18n, d.round_robin)}</td>
                                                    <td>{yes_no(i18n, d.active)}</td>
                                                    {edit_cell(i18n, writes, &d.name, move || open(Some(row.clone())))}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <EditForm writes heading="department-form-heading" editing on_submit=submit
                                            edit=|i18n| t_string!(i18n, admin.edit_department).to_string()
                                            new=|i18n| t_string!(i18n, admin.new_department).to_string()>
                                        <NameField id="department-name" maxlength="80" value=name error input=name_input />
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
                                        <Check value=round_robin>{t!(i18n, admin.round_robin_hint)}</Check>
                                        <Check value=active>{t!(i18n, admin.active)}</Check>
                                        <FormFoot error pending=save.pending() saved=Signal::derive(move || matches!(save.value().get(), Some(Ok(_))))
                                            editing=Signal::derive(move || editing.get().is_some()) on_new=move |_| open(None)>
                                            {t!(i18n, admin.new_department)}
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
