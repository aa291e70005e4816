//! Organizations: plan, sharing, members and who may open tickets.
use super::admin_page;
use super::plan_name;
use super::saved_status;
use super::yes_no;
use super::AdminTabs;

use crate::components::{non_field_error, FieldMessage, FormError};
use crate::domain::{CurrentUser, Plan, Role};
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
