use leptos::prelude::*;

use crate::api::{list_api_tokens, ChangePassword, CreateApiToken, RevokeApiToken, UpdateProfile};
use crate::components::{
    load_error, non_field_error, role_label, FieldMessage, FormError, PageTitle, RequireUser,
};
use crate::contexts::use_user;
use crate::domain::{CurrentUser, Language};
use crate::i18n::*;

/// "Preferências": name, language, password and personal API tokens.
#[component]
pub fn PreferencesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, preferences.title).to_string()) />
        <RequireUser children=|user| view! { <Preferences user /> } />
    }
}

#[component]
fn Preferences(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let role = user.role;
    let can_open = user.can_open_tickets;
    view! {
        <section class="page">
            <h1>{t!(i18n, preferences.title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, sign_in.email)}</dt>
                <dd>{user.email.clone()}</dd>
                <dt>{t!(i18n, preferences.role)}</dt>
                <dd>{move || role_label(i18n, role)}</dd>
                <dt>{t!(i18n, members.can_open)}</dt>
                <dd data-testid="can-open-tickets">
                    {move || if can_open { t_string!(i18n, members.yes) } else { t_string!(i18n, members.no) }}
                </dd>
                {user.organization.clone().map(|o| view! {
                    <dt>{t!(i18n, preferences.organization)}</dt>
                    <dd>{o.name} " (" {o.plan.label()} ")"</dd>
                })}
            </dl>
        </section>
        <ProfileForm user=user.clone() />
        <super::notification_choices::NotificationChoices />
        <PasswordForm />
        <ApiTokens />
    }
}

#[component]
fn ProfileForm(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = use_user();
    let action = ServerAction::<UpdateProfile>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(updated)) = action.value().get() {
            i18n.set_locale(updated.language.into());
            ctx.refresh();
        }
    });
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    let current = user.language;
    view! {
        <section class="page card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{t!(i18n, preferences.profile)}</h2>
            <ActionForm action=action attr:class="form" attr:novalidate="true">
                <div class="field">
                    <label for="profile-name">{t!(i18n, preferences.name)}</label>
                    <input id="profile-name" name="name" type="text" autocomplete="name" value=user.name.clone() required aria-describedby="profile-name-msg" />
                    <FieldMessage error field="name" id="profile-name-msg" />
                </div>
                <div class="field">
                    <label for="profile-language">{t!(i18n, preferences.language)}</label>
                    <select id="profile-language" name="language">
                        {Language::ALL.iter().map(|l| {
                            let label = match l { Language::PtBr => "Português (Brasil)", Language::En => "English" };
                            view! { <option value=l.code() selected=*l == current lang=l.code()>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <FormError error=non_field_error(error) />
                <Show when=saved>
                    <p class="notice" role="status">{t!(i18n, preferences.saved)}</p>
                </Show>
                <button type="submit" class="button button--primary">{t!(i18n, preferences.save)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let changed = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="page card" aria-labelledby="password-heading">
            <h2 id="password-heading">{t!(i18n, preferences.password_section)}</h2>
            <ActionForm action=action attr:class="form" attr:novalidate="true">
                <div class="field">
                    <label for="password-current">{t!(i18n, preferences.current_password)}</label>
                    <input id="password-current" name="current" type="password" autocomplete="current-password" required aria-describedby="password-current-msg" />
                    <FieldMessage error field="password.current" id="password-current-msg" />
                </div>
                <div class="field">
                    <label for="password-new">{t!(i18n, preferences.new_password)}</label>
                    <input id="password-new" name="new" type="password" autocomplete="new-password" required aria-describedby="password-new-hint password-new-msg" />
                    <span class="hint" id="password-new-hint">{t!(i18n, preferences.password_hint)}</span>
                    <FieldMessage error field="password.new" id="password-new-msg" />
                </div>
                <div class="field">
                    <label for="password-confirm">{t!(i18n, preferences.confirm_password)}</label>
                    <input id="password-confirm" name="confirm" type="password" autocomplete="new-password" required aria-describedby="password-confirm-msg" />
                    <FieldMessage error field="password.confirm" id="password-confirm-msg" />
                </div>
                <FormError error=non_field_error(error) />
                <Show when=changed>
                    <p class="notice" role="status">{t!(i18n, preferences.password_changed)}</p>
                </Show>
                <button type="submit" class="button button--primary">{t!(i18n, preferences.change_password)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ApiTokens() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let format_time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    view! {
        <section class="page card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">{t!(i18n, preferences.tokens_section)}</h2>
            <p class="muted">{t!(i18n, preferences.tokens_intro)}</p>
            <ActionForm action=create attr:class="form form--inline" attr:novalidate="true">
                <div class="field">
                    <label for="token-name">{t!(i18n, preferences.token_name)}</label>
                    <input id="token-name" name="name" type="text" maxlength="80" required aria-describedby="token-name-msg" />
                    <FieldMessage error=create_error field="name" id="token-name-msg" />
                </div>
                <div class="field">
                    <label for="token-password">{t!(i18n, preferences.token_password)}</label>
                    <input id="token-password" name="password" type="password" autocomplete="current-password" required aria-describedby="token-password-msg" />
                    <FieldMessage error=create_error field="password" id="token-password-msg" />
                </div>
                <button type="submit" class="button">{t!(i18n, preferences.create_token)}</button>
            </ActionForm>
            {move || create.value().get().and_then(Result::ok).map(|new| view! {
                <div class="notice" role="status">
                    <p>{t!(i18n, preferences.token_created)}</p>
                    <code class="secret" data-testid="new-token">{new.token}</code>
                </div>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t!(i18n, preferences.no_tokens)}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, preferences.token_name)}</th>
                                    <th scope="col">{t!(i18n, preferences.created_at)}</th>
                                    <th scope="col">{t!(i18n, preferences.last_used)}</th>
                                    <th scope="col"><span class="visually-hidden">{t!(i18n, members.actions)}</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|token| {
                                        let id = token.id;
                                        let name = token.name.clone();
                                        view! {
                                            <tr>
                                                <td>{token.name}</td>
                                                <td>{format_time(token.created_at)}</td>
                                                <td>{match token.last_used_at { Some(t) => format_time(t), None => t_string!(i18n, preferences.never).to_string() }}</td>
                                                <td>
                                                    <button type="button" class="button button--danger"
                                                        aria-label=move || format!("{} {}", t_string!(i18n, preferences.revoke), name)
                                                        on:click=move |_| { revoke.dispatch(RevokeApiToken { id }); }>
                                                        {t!(i18n, preferences.revoke)}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Transition>
        </section>
    }
}
