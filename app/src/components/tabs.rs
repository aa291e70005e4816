//! Navigation tabs between the pages of one area (administration, the help center's authors'
//! side), and the notice a page shows to someone it is not for.

use leptos::prelude::*;

use crate::i18n::*;

/// Tabs as links; the current page's is marked for screen readers (`aria-current="page"`).
#[component]
pub fn Tabs(
    /// The navigation's accessible name.
    #[prop(into)]
    label: Signal<String>,
    /// The current page's path.
    current: &'static str,
    /// `(path, label)` of each tab, in order.
    items: Vec<(&'static str, Signal<String>)>,
) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label=label>
            <ul>
                {items.into_iter().map(|(path, text)| {
                    let here = path == current;
                    view! { <li><a href=path aria-current=here.then_some("page")>{text}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// "Você não tem permissão para isso." for a signed-in person a page is not for.
#[component]
pub fn NotAllowed() -> impl IntoView {
    let i18n = use_i18n();
    view! { <section class="page"><p class="notice" role="alert">{t!(i18n, errors.forbidden)}</p></section> }
}
