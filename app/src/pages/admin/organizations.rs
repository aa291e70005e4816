//! Organizations: plan, sharing, members and who may open tickets.
use super::admin_page;
use super::plan_name;
use super::yes_no;
use super::AdminTabs;

use crate::components::{
    edit_cell, edit_column, edit_what_was_saved, focus, load_error, Check, EditForm, FormFoot,
    Loading, NameField,
};
use crate::domain::{CurrentUser, OrganizationAdmin, Plan, Role};
use crate::i18n::*;
use leptos::prelude::*;

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
    let open = move |o: Option<OrganizationAdmin>| {
        save.value().set(None);
        editing.set(o.as_ref().map(|o| o.id));
        name.set(o.as_ref().map(|o| o.name.clone()).unwrap_or_default());
        plan.set(o.as_ref().map(|o| o.plan).unwrap_or(Plan::Startup));
        shares.set(o.as_ref().is_some_and(|o| o.shares_tickets));
        active.set(o.as_ref().is_none_or(|o| o.active));
        focus(name_input);
    };
    edit_what_was_saved(editing, save.value(), |o: &OrganizationAdmin| o.id);
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
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => load_error(e),
                        Ok(orgs) => view! {
                            <table class="table" data-testid="organizations">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, admin.name)}</th>
                                    <th scope="col">{t!(i18n, admin.plan)}</th>
                                    <th scope="col">{t!(i18n, admin.shares_tickets)}</th>
                                    <th scope="col">{t!(i18n, admin.members)}</th>
                                    <th scope="col">{t!(i18n, admin.active)}</th>
                                    {edit_column(i18n, writes)}
                                </tr></thead>
                                <tbody>
                                    {orgs.into_iter().map(|o| {
                                        let row = o.clone();
                                        view! {
                                            <tr class:muted=!o.active>
                                                <th scope="row">{o.name.clone()}</th>
                                                <td>{plan_name(o.plan)}</td>
                                                <td>{yes_no(i18n, o.shares_tickets)}</td>
                                                <td><a href=format!("/admin/pessoas?organizacao={}", o.id)>{o.members}</a></td>
                                                <td>{yes_no(i18n, o.active)}</td>
                                                {edit_cell(i18n, writes, &o.name, move || open(Some(row.clone())))}
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            <EditForm writes heading="org-form-heading" editing on_submit=submit
                        edit=|i18n| t_string!(i18n, admin.edit_organization).to_string()
                        new=|i18n| t_string!(i18n, admin.new_organization).to_string()>
                    <div class="form__row">
                        <NameField id="org-name" maxlength="120" value=name error input=name_input />
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
                    <Check value=shares>{t!(i18n, admin.shares_tickets_hint)}</Check>
                    <Check value=active>{t!(i18n, admin.active_org_hint)}</Check>
                    <FormFoot error pending=save.pending() saved=Signal::derive(move || matches!(save.value().get(), Some(Ok(_))))
                        editing=Signal::derive(move || editing.get().is_some()) on_new=move |_| open(None)>
                        {t!(i18n, admin.new_organization)}
                    </FormFoot>
                </EditForm>
        </section>
    }
}
