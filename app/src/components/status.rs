//! What a page shows while its data loads, or when loading it failed.
use leptos::prelude::*;

use super::FormError;
use crate::error::AppError;
use crate::i18n::*;

/// "Loading…", the fallback of a page's `Suspense`/`Transition`.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="muted">{t!(i18n, home.loading)}</p> }
}

/// A resource that failed to load, shown as the form error it carries.
pub fn load_error(e: AppError) -> AnyView {
    view! { <FormError error=Signal::derive(move || Some(e.clone())) /> }.into_any()
}

/// The help center's "something went wrong" (`role="alert"`), whatever the error.
#[component]
pub fn InternalError() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="error" role="alert">{t!(i18n, errors.internal)}</p> }
}
