use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{ApiTokenSummary, CurrentUser, Language, NewApiToken};
use crate::error::AppError;

/// The signed-in person, or `None` for a visitor.
#[server(prefix = "/api/fn", endpoint = "auth/me", input = GetUrl)]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    crate::backend::auth::current_user().await
}

/// Signs in with e-mail and password, then goes to `next` (a local path) or the start page.
#[server(prefix = "/api/fn", endpoint = "auth/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::backend::services::auth::{self, Credentials};
    use crate::backend::{app_state, auth::client_ip, auth::request_session, session};
    let state = app_state()?;
    let now = chrono::Utc::now();
    let credentials = Credentials {
        email: &email,
        password: &password,
        client_ip: client_ip().await,
    };
    let user = auth::sign_in(&state.db, credentials, now).await?;
    session::start(&request_session().await?, user.id, now).await?;
    ssr::remember_language(user.language);
    leptos_axum::redirect(&crate::domain::safe_next_path(next.as_deref()));
    Ok(user)
}

/// Ends the session (server-side) and goes to the start page.
#[server(prefix = "/api/fn", endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend::{app_state, auth::request_session, session};
    let state = app_state()?;
    session::end(&request_session().await?, &state.db).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Changes one's own name and language.
#[server(prefix = "/api/fn", endpoint = "me/profile")]
pub async fn update_profile(name: String, language: Language) -> Result<CurrentUser, AppError> {
    use crate::backend::services::auth::MeUpdate;
    let update = MeUpdate {
        name: Some(name),
        language: Some(language),
        ..MeUpdate::default()
    };
    let updated = ssr::update_me_now(update).await?;
    ssr::remember_language(updated.language);
    Ok(updated)
}

/// Remembers the language chosen with the header switch (signed-in people only).
#[server(prefix = "/api/fn", endpoint = "me/language")]
pub async fn set_my_language(language: Language) -> Result<(), AppError> {
    use crate::backend::services::auth::MeUpdate;
    let update = MeUpdate {
        language: Some(language),
        ..MeUpdate::default()
    };
    ssr::update_me_now(update).await?;
    Ok(())
}

/// Changes one's own password; other sessions end, this one stays signed in.
#[server(prefix = "/api/fn", endpoint = "me/password")]
pub async fn change_password(
    current: String,
    new: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::backend::services::auth::{update_me, MeUpdate, PasswordChange};
    use crate::backend::{auth::request_session, session};
    let (state, user) = crate::backend::auth::signed_in().await?;
    if new != confirm {
        return Err(AppError::validation("password.confirm", "mismatch"));
    }
    let now = chrono::Utc::now();
    let update = MeUpdate {
        password: Some(PasswordChange { current, new }),
        ..MeUpdate::default()
    };
    update_me(&state.db, &user, update, now).await?;
    session::start(&request_session().await?, user.id, now).await
}

/// Marks oneself away (or back) from round-robin assignment (support staff).
#[server(prefix = "/api/fn", endpoint = "me/away")]
pub async fn set_my_away(away: bool) -> Result<CurrentUser, AppError> {
    use crate::backend::services::auth::MeUpdate;
    let update = MeUpdate {
        away: Some(away),
        ..MeUpdate::default()
    };
    ssr::update_me_now(update).await
}

#[server(prefix = "/api/fn", endpoint = "me/tokens/list", input = GetUrl)]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenSummary>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::auth::list_api_tokens(&state.db, &user).await
}

/// Creates a personal API token; the secret is in the answer once and never again.
#[server(prefix = "/api/fn", endpoint = "me/tokens/create")]
pub async fn create_api_token(
    name: String,
    #[server(default)] password: String,
) -> Result<NewApiToken, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    crate::backend::services::auth::create_api_token(
        &db,
        &user,
        &name,
        Some(&password),
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/api/fn", endpoint = "me/tokens/revoke")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    crate::backend::services::auth::revoke_api_token(&db, &user, id, chrono::Utc::now()).await
}

/// Starts a password reset. Answers the same whether or not the account exists; the link goes
/// out by e-mail (never to a log).
#[server(prefix = "/api/fn", endpoint = "auth/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = crate::backend::app_state()?;
    crate::backend::services::auth::request_password_reset(&state.db, &email, chrono::Utc::now())
        .await?;
    Ok(())
}

/// Whether an invitation (`invitation`) or reset (`password_reset`) link can still be used.
#[server(prefix = "/api/fn", endpoint = "auth/link", input = GetUrl)]
pub async fn check_link(purpose: String, token: String) -> Result<bool, AppError> {
    use crate::backend::services::auth::{
        link_is_live, PURPOSE_INVITATION, PURPOSE_PASSWORD_RESET,
    };
    let purpose = match purpose.as_str() {
        PURPOSE_INVITATION => PURPOSE_INVITATION,
        PURPOSE_PASSWORD_RESET => PURPOSE_PASSWORD_RESET,
        _ => return Err(AppError::validation("purpose", "invalid")),
    };
    link_is_live(
        &crate::backend::app_state()?.db,
        purpose,
        &token,
        chrono::Utc::now(),
    )
    .await
}

/// Uses an invitation or reset link to set a password, then signs in.
#[server(prefix = "/api/fn", endpoint = "auth/set-password")]
pub async fn set_password_with_link(
    purpose: String,
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::backend::services::auth::{self, PURPOSE_INVITATION, PURPOSE_PASSWORD_RESET};
    use crate::backend::{auth::request_session, session};
    let purpose = match purpose.as_str() {
        PURPOSE_INVITATION => PURPOSE_INVITATION,
        PURPOSE_PASSWORD_RESET => PURPOSE_PASSWORD_RESET,
        _ => return Err(AppError::validation("purpose", "invalid")),
    };
    if password != confirm {
        return Err(AppError::validation("password.confirm", "mismatch"));
    }
    let state = crate::backend::app_state()?;
    let now = chrono::Utc::now();
    let user = auth::set_password_with_link(&state.db, purpose, &token, &password, now).await?;
    session::start(&request_session().await?, user.id, now).await?;
    ssr::remember_language(user.language);
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::backend::services::auth::{update_me, MeUpdate};
    use crate::domain::{CurrentUser, Language};
    use crate::error::AppError;

    /// Applies `update` to the signed-in person's own account, now; returns the account after.
    pub async fn update_me_now(update: MeUpdate) -> Result<CurrentUser, AppError> {
        let (state, user) = crate::backend::auth::signed_in().await?;
        let (updated, _) = update_me(&state.db, &user, update, chrono::Utc::now()).await?;
        Ok(updated)
    }

    /// Makes the UI language follow the account: the same cookie the language switch sets.
    pub fn remember_language(language: Language) {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            let cookie = format!(
                "i18n_pref_locale={}; Path=/; Max-Age=31536000; SameSite=Lax",
                language.code()
            );
            if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
                response.append_header(axum::http::header::SET_COOKIE, value);
            }
        }
    }
}
