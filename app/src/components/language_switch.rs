use leptos::prelude::*;

use crate::api::SetMyLanguage;
use crate::contexts::use_user;
use crate::domain::Language;
use crate::i18n::*;

/// Switches the whole UI between pt-BR and en at once; the choice is kept in a cookie.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_user();
    let remember = ServerAction::<SetMyLanguage>::new();
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
            on:click=move |_| {
                let locale = next();
                i18n.set_locale(locale);
                // A signed-in person's choice is kept with their account too.
                if ctx.user.get_untracked().and_then(Result::ok).flatten().is_some() {
                    remember.dispatch(SetMyLanguage { language: Language::from(locale) });
                }
            }
        >
            <svg class="language-switch__icon" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
                <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.8" />
                <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" fill="none" stroke="currentColor" stroke-width="1.8" />
            </svg>
            <span>{t!(i18n, language.other)}</span>
        </button>
    }
}
