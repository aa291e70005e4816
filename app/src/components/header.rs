use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::SignOut;
use crate::components::{role_label, Bell, LanguageSwitch};
use crate::contexts::use_user;
use crate::domain::{nav_items, CurrentUser, NavTarget};
use crate::i18n::*;

/// The top bar: product name, navigation for the viewer's role, language switch, account.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_user();
    let user = move || ctx.user.get().and_then(Result::ok).flatten();
    view! {
        <header class="header">
            <div class="header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"C"</span>
                    <span class="brand__name">{t!(i18n, app_name)}</span>
                </a>
                <nav class="nav" aria-label=move || t_string!(i18n, nav.label)>
                    <Transition fallback=|| ()>
                        <ul class="nav__list">
                            {move || {
                                let user = user();
                                let mut items = nav_items(user.as_ref().map(|u| u.role), user.as_ref().is_some_and(|u| u.can_open_tickets));
                                if user.as_ref().is_some_and(|u| u.may_read_article_drafts()) {
                                    items.push(crate::domain::NavItem { target: NavTarget::Articles });
                                }
                                items.into_iter().map(|item| view! { <NavLink target=item.target /> }).collect_view()
                            }}
                        </ul>
                    </Transition>
                </nav>
                <div class="header__actions">
                    <LanguageSwitch />
                    <Transition fallback=|| ()>
                        {move || match user() {
                            Some(user) => view! { <AccountMenu user /> }.into_any(),
                            None => view! {
                                <a class="button button--primary" href="/entrar" data-testid="sign-in-link">{t!(i18n, nav.sign_in)}</a>
                            }.into_any(),
                        }}
                    </Transition>
                </div>
            </div>
        </header>
    }
}

#[component]
fn NavLink(target: NavTarget) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || match target {
        NavTarget::HelpCenter => t_string!(i18n, nav.help_center),
        NavTarget::MyTickets => t_string!(i18n, nav.my_tickets),
        NavTarget::NewTicket => t_string!(i18n, nav.new_ticket),
        NavTarget::Dashboard => t_string!(i18n, nav.dashboard),
        NavTarget::Admin => t_string!(i18n, nav.admin),
        NavTarget::Organization => t_string!(i18n, user_menu.organization),
        NavTarget::Articles => t_string!(i18n, nav.articles),
    };
    view! {
        <li>
            <A href=target.path() exact=true>{label}</A>
        </li>
    }
}

/// Who is signed in (name, role, organization), preferences, sign-out.
#[component]
fn AccountMenu(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_user();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            ctx.refresh();
        }
    });
    let role = user.role;
    let role_label = move || role_label(i18n, role);
    let organization = user.organization.as_ref().map(|o| o.name.clone());
    view! {
        <div class="account" data-testid="account">
            <Bell />
            <a class="account__who" href="/preferencias" title=move || t_string!(i18n, user_menu.preferences)>
                <span class="account__name">{user.name.clone()}</span>
                <span class="account__meta">
                    {role_label}
                    {organization.map(|o| view! { " · " {o} })}
                </span>
            </a>
            <ActionForm action=sign_out attr:class="account__sign-out">
                <button type="submit" class="button">{t!(i18n, user_menu.sign_out)}</button>
            </ActionForm>
        </div>
    }
}
