//! Departments and their agents.
use super::admin_page;
use super::saved_status;
use super::yes_no;
use super::AdminTabs;

use crate::api::{get_admin_departments, SaveDepartment};
use crate::components::{non_field_error, FieldMessage, FormError};
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
