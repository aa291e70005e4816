use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::LanguageSwitch;
use crate::domain::{nav_items, NavTarget};
use crate::i18n::*;

/// The top bar: product name, navigation for the viewer's role, language switch, sign-in.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    // Until sign-in exists every viewer is a visitor.
    let items = nav_items(None, false);
    let label = move |target: NavTarget| match target {
        NavTarget::HelpCenter => t_string!(i18n, nav.help_center),
        NavTarget::MyTickets => t_string!(i18n, nav.my_tickets),
        NavTarget::NewTicket => t_string!(i18n, nav.new_ticket),
        NavTarget::Dashboard => t_string!(i18n, nav.dashboard),
        NavTarget::Admin => t_string!(i18n, nav.admin),
    };
    view! {
        <header class="header">
            <div class="header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"C"</span>
                    <span class="brand__name">{t!(i18n, app_name)}</span>
                </a>
                <nav class="nav" aria-label=move || t_string!(i18n, nav.label)>
                    <ul class="nav__list">
                        {items
                            .into_iter()
                            .map(|item| {
                                let target = item.target;
                                view! {
                                    <li>
                                        <A href=target.path() exact=true>
                                            {move || label(target)}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
                <div class="header__actions">
                    <LanguageSwitch />
                </div>
            </div>
        </header>
    }
}
