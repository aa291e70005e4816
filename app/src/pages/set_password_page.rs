use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{check_link, SetPasswordWithLink};
use crate::components::{non_field_error, FieldMessage, FormError, PageTitle};
use crate::contexts::use_user;
use crate::i18n::*;

/// Setting a password through a single-use link: `invitation` (`/convite/:token`) or
/// `password_reset` (`/redefinir-senha/:token`).
#[component]
pub fn SetPasswordPage(purpose: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_user();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let live = Resource::new(token, move |token| check_link(purpose.to_owned(), token));
    let action = ServerAction::<SetPasswordWithLink>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            ctx.refresh();
        }
    });
    let title = move || {
        if purpose == "invitation" {
            t_string!(i18n, set_password.invitation_title).to_string()
        } else {
            t_string!(i18n, set_password.reset_title).to_string()
        }
    };
    view! {
        <PageTitle text=Signal::derive(title) />
        <section class="page page--narrow card">
            <h1>{title}</h1>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, set_password.checking)}</p> }>
                {move || Suspend::new(async move {
                    match live.await {
                        Ok(true) => view! {
                            <p class="muted">{t!(i18n, set_password.intro)}</p>
                            <ActionForm action=action attr:class="form" attr:novalidate="true">
                                <input type="hidden" name="purpose" value=purpose />
                                <input type="hidden" name="token" value=token />
                                <div class="field">
                                    <label for="new-password">{t!(i18n, preferences.new_password)}</label>
                                    <input id="new-password" name="password" type="password" autocomplete="new-password" required aria-describedby="new-password-msg" />
                                    <FieldMessage error field="password" id="new-password-msg" />
                                </div>
                                <div class="field">
                                    <label for="confirm-password">{t!(i18n, preferences.confirm_password)}</label>
                                    <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required aria-describedby="confirm-password-msg" />
                                    <FieldMessage error field="password.confirm" id="confirm-password-msg" />
                                </div>
                                <FormError error=non_field_error(error) />
                                <button type="submit" class="button button--primary">{t!(i18n, set_password.submit)}</button>
                            </ActionForm>
                        }.into_any(),
                        _ => view! {
                            <p class="form-error" role="alert">{t!(i18n, set_password.expired)}</p>
                            <p><a href="/esqueci-senha">{t!(i18n, sign_in.forgot)}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
