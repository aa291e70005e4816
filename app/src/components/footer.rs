use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="footer" role="contentinfo">
            <p>{t!(i18n, footer.powered_by)}</p>
        </footer>
    }
}
