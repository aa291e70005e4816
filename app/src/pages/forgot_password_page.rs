use leptos::prelude::*;

use crate::api::RequestPasswordReset;
use crate::components::{non_field_error, FieldMessage, FormError, PageTitle};
use crate::i18n::*;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, forgot.title).to_string()) />
        <section class="page page--narrow card">
            <h1>{t!(i18n, forgot.title)}</h1>
            <p class="muted">{t!(i18n, forgot.intro)}</p>
            <Show
                when=sent
                fallback=move || view! {
                    <ActionForm action=action attr:class="form" attr:novalidate="true">
                        <div class="field">
                            <label for="forgot-email">{t!(i18n, sign_in.email)}</label>
                            <input id="forgot-email" name="email" type="email" autocomplete="email" required aria-describedby="forgot-email-msg" />
                            <FieldMessage error field="email" id="forgot-email-msg" />
                        </div>
                        <FormError error=non_field_error(error) />
                        <button type="submit" class="button button--primary">{t!(i18n, forgot.submit)}</button>
                    </ActionForm>
                }
            >
                <p class="notice" role="status">{t!(i18n, forgot.sent)}</p>
            </Show>
        </section>
    }
}
