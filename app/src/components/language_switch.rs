use leptos::prelude::*;

use crate::domain::Language;
use crate::i18n::*;

/// Switches the whole UI between pt-BR and en at once; the choice is kept in a cookie.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let next = move || match i18n.get_locale() {
        Locale::pt_BR => Locale::en,
        Locale::en => Locale::pt_BR,
    };
    view! {
        <button
            type="button"
            class="language-switch"
            data-testid="language-switch"
            aria-label=move || t_string!(i18n, language.switch_to)
            lang=move || Language::from(next()).code()
            on:click=move |_| i18n.set_locale(next())
        >
            <span aria-hidden="true" class="language-switch__icon">"🌐"</span>
            <span>{t!(i18n, language.other)}</span>
        </button>
    }
}
