use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::SignIn;
use crate::components::{FormError, PageTitle};
use crate::contexts::use_user;
use crate::error::AppError;
use crate::i18n::*;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_user();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Unauthenticated)) => None,
        Some(Err(e)) => Some(e),
        _ => None,
    });
    let wrong = move || matches!(action.value().get(), Some(Err(AppError::Unauthenticated)));
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            i18n.set_locale(user.language.into());
            ctx.refresh();
        }
    });
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, sign_in.title).to_string()) />
        <section class="page page--narrow card">
            <h1>{t!(i18n, sign_in.title)}</h1>
            <p class="muted">{t!(i18n, sign_in.intro)}</p>
            <ActionForm action=action attr:class="form" attr:novalidate="true">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="sign-in-email">{t!(i18n, sign_in.email)}</label>
                    <input id="sign-in-email" name="email" type="email" autocomplete="username" required />
                </div>
                <div class="field">
                    <label for="sign-in-password">{t!(i18n, sign_in.password)}</label>
                    <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required />
                </div>
                <Show when=wrong>
                    <p class="form-error" role="alert">{t!(i18n, sign_in.wrong_credentials)}</p>
                </Show>
                <FormError error />
                <button type="submit" class="button button--primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { t_string!(i18n, sign_in.submitting) } else { t_string!(i18n, sign_in.submit) }}
                </button>
            </ActionForm>
            <p><a href="/esqueci-senha">{t!(i18n, sign_in.forgot)}</a></p>
        </section>
    }
}
