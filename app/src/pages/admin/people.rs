//! People: search, filters, invitations, roles, departments, deactivation and password links.
use super::admin_page;
use super::AdminTabs;
use crate::components::saved_status;

use crate::api::get_admin_departments;
use crate::components::{
    edit_cell, edit_column, focus, load_error, non_field_error, query_string, Check, EditForm,
    FieldMessage, FormError, Loading, NameField,
};
use crate::domain::{CurrentUser, Role};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

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
        focus(name_input);
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
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => load_error(e),
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
                                        {edit_column(i18n, writes)}
                                    </tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|u| {
                                            let r = u.role;
                                            let status = if !u.active { t_string!(i18n, admin.inactive).to_string() } else if u.pending_invitation { t_string!(i18n, admin.pending).to_string() } else { t_string!(i18n, admin.active).to_string() };
                                            let row = u.clone();
                                            view! {
                                                <tr class:muted=!u.active>
                                                    <th scope="row">{u.name.clone()}</th>
                                                    <td>{u.email.clone()}</td>
                                                    <td>{move || crate::components::role_label(i18n, r)}</td>
                                                    <td>{u.organization.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| "—".into())}</td>
                                                    <td>{u.departments.iter().map(|d| d.name.clone()).collect::<Vec<_>>().join(", ")}</td>
                                                    <td>{status}</td>
                                                    {edit_cell(i18n, writes, &u.name, move || open(Some(row.clone())))}
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
            <EditForm writes heading="person-form-heading" editing on_submit=submit
                        edit=|i18n| t_string!(i18n, admin.edit_person).to_string()
                        new=|i18n| t_string!(i18n, admin.invite_person).to_string()>
                    <div class="form__row">
                        <NameField id="person-name" maxlength="120" value=name error input=name_input />
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
                        <Check value=can_open>{t!(i18n, admin.can_open_tickets)}</Check>
                    </Show>
                    <Show when=move || editing.get().is_some()>
                        <Check value=active>{t!(i18n, admin.active_hint)}</Check>
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
                </EditForm>
        </section>
    }
}
