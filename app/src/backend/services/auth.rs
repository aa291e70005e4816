//! Signing in, the signed-in person, personal settings, API tokens and single-use links.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::backend::cache::{CacheKind, Depends};
use crate::backend::db::{tokens, users, Conn};
use crate::backend::mail::notices::{self, Notice};
use crate::backend::{password, secrets, Db};
use crate::domain::{
    may_open_tickets, validate_name, validate_password, ApiTokenSummary, CurrentUser,
    DepartmentRef, EmailAddress, Language, NewApiToken, OrganizationRef, Plan, Role,
};
use crate::error::{AppError, FieldError};

/// Sign-in failures allowed per account and per client address within [`THROTTLE_WINDOW`].
pub const THROTTLE_LIMIT: i64 = 10;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
pub const INVITATION_TTL: Duration = Duration::days(7);
pub const PASSWORD_RESET_TTL: Duration = Duration::hours(24);

pub const PURPOSE_INVITATION: &str = "invitation";
pub const PURPOSE_PASSWORD_RESET: &str = "password_reset";

pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub client_ip: Option<IpAddr>,
}

/// The throttle key of a client address: the address itself, or its /64 network for IPv6 (one
/// subscriber gets a whole /64 and could otherwise rotate addresses freely).
fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Checks e-mail and password. Wrong or unknown answers `Unauthenticated` alike.
///
/// Throttling, per account and per client address: after [`THROTTLE_LIMIT`] failures in
/// [`THROTTLE_WINDOW`] further attempts answer `RateLimited` until the oldest failure leaves the
/// window. The account's limit does not apply from an address the account signed in from
/// before with the right password, so wrong guesses from elsewhere cannot lock its owner out;
/// the address limit always applies. Each attempt is counted *before* the password is checked,
/// in the same transaction as the limit check (serialised per key), and taken back when the
/// password was right: parallel guesses cannot pass the limit together.
pub async fn sign_in(
    db: &Db,
    credentials: Credentials<'_>,
    now: DateTime<Utc>,
) -> Result<CurrentUser, AppError> {
    let email = credentials.email.trim().to_lowercase();
    let address = credentials.client_ip.map(address_key);
    let account_key = format!("email:{email}");
    let address_throttle_key = address.as_ref().map(|a| format!("ip:{a}"));

    let (stored, known_address) = {
        let mut c = db.acquire().await?;
        let stored = match EmailAddress::parse(&email) {
            Ok(parsed) => users::find_credentials(c.conn(), parsed.as_str()).await?,
            Err(_) => None,
        };
        let known = match (&stored, &address) {
            (Some(s), Some(a)) => tokens::is_known_sign_in(c.conn(), s.id, a).await?,
            _ => false,
        };
        (stored, known)
    };
    let mut check: Vec<&str> = Vec::with_capacity(2);
    if !known_address {
        check.push(&account_key);
    }
    check.extend(address_throttle_key.as_deref());
    // Every attempt counts against the account too (also from a known address), so that the
    // owner's own failures still lock out strangers.
    let count: Vec<&str> = std::iter::once(account_key.as_str())
        .chain(address_throttle_key.as_deref())
        .collect();
    let reserved = reserve_attempts(db, &check, &count, now).await?;

    // Hashing takes tens of milliseconds: no pooled connection is held meanwhile.
    let candidate = stored
        .as_ref()
        .filter(|s| s.active)
        .and_then(|s| s.password_hash.clone().map(|h| (s.id, h)));
    let hash = candidate.as_ref().map(|(_, h)| h.clone());
    let matches = match password::verify(credentials.password.to_owned(), hash).await {
        Ok(matches) => matches,
        Err(error) => {
            // Not checked (hashing at capacity): the attempt does not count.
            forget_attempts(db, &reserved).await?;
            return Err(error);
        }
    };
    let user_id = match (matches, candidate) {
        (true, Some((id, _))) => id,
        _ => return Err(AppError::Unauthenticated),
    };
    // Only this attempt is taken back: failures from elsewhere keep counting (the owner signing
    // in does not give a guesser a fresh allowance).
    let mut tx = db.begin().await?;
    for id in &reserved {
        tokens::forget_login_attempt(tx.conn(), *id).await?;
    }
    if let Some(address) = &address {
        tokens::remember_sign_in(tx.conn(), user_id, address, now).await?;
    }
    let user = current_user(tx.conn(), user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    tx.commit().await?;
    Ok(user)
}

/// Checks the throttle keys in `check` ([`THROTTLE_LIMIT`] failures in [`THROTTLE_WINDOW`]:
/// `RateLimited`) and records an attempt against each key in `count`, in one transaction
/// serialised per key: parallel attempts cannot pass the limit together. Returns the recorded
/// attempts, to be taken back with [`forget_attempts`] when the password was right.
async fn reserve_attempts(
    db: &Db,
    check: &[&str],
    count: &[&str],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let mut tx = db.begin().await?;
    let mut keys: Vec<&str> = check.iter().chain(count).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    for key in &keys {
        tokens::lock_throttle_key(tx.conn(), key).await?;
    }
    for key in check {
        let (failures, oldest) =
            tokens::login_failures_since(tx.conn(), key, now - THROTTLE_WINDOW).await?;
        if failures >= THROTTLE_LIMIT {
            let retry = oldest
                .map(|t| (t + THROTTLE_WINDOW - now).num_seconds())
                .unwrap_or(60);
            return Err(AppError::RateLimited {
                retry_after_seconds: retry.clamp(1, THROTTLE_WINDOW.num_seconds()) as u64,
            });
        }
    }
    let mut reserved = Vec::with_capacity(count.len());
    for key in count {
        reserved.push(tokens::reserve_login_attempt(tx.conn(), key, now).await?);
    }
    tx.commit().await?;
    Ok(reserved)
}

/// Takes back attempts recorded by [`reserve_attempts`].
async fn forget_attempts(db: &Db, reserved: &[i64]) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    for id in reserved {
        tokens::forget_login_attempt(tx.conn(), *id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The active user with this id, with organization and departments.
pub async fn current_user(mut c: Conn<'_>, user_id: i64) -> Result<Option<CurrentUser>, AppError> {
    let Some(profile) = users::find_profile(c.reborrow(), user_id).await? else {
        return Ok(None);
    };
    active_user(c, profile).await
}

/// The user of a profile read just now, with departments; `None` when deactivated.
async fn active_user(
    mut c: Conn<'_>,
    profile: users::ProfileRow,
) -> Result<Option<CurrentUser>, AppError> {
    let user_id = profile.id;
    if !profile.active {
        return Ok(None);
    }
    let departments = users::departments_of(c.reborrow(), user_id)
        .await?
        .into_iter()
        .map(|(id, name)| DepartmentRef { id, name })
        .collect();
    profile_to_user(profile, departments).map(Some)
}

fn profile_to_user(
    p: users::ProfileRow,
    departments: Vec<DepartmentRef>,
) -> Result<CurrentUser, AppError> {
    let role: Role = p
        .role
        .parse()
        .map_err(|e| AppError::from(anyhow::anyhow!("bad role in users: {e}")))?;
    let organization = match (p.organization_id, p.organization_name, p.organization_plan) {
        (Some(id), Some(name), Some(plan)) => Some(OrganizationRef {
            id,
            name,
            plan: plan
                .parse::<Plan>()
                .map_err(|e| AppError::from(anyhow::anyhow!("bad plan: {e}")))?,
            shares_tickets: p.organization_shares_tickets.unwrap_or(false),
        }),
        _ => None,
    };
    Ok(CurrentUser {
        id: p.id,
        can_open_tickets: may_open_tickets(
            role,
            p.can_open_tickets,
            organization.as_ref().map(|o| o.plan),
        ),
        name: p.name,
        email: p.email,
        role,
        language: Language::from_tag(&p.language).unwrap_or_default(),
        organization,
        departments,
        can_edit_articles: p.can_edit_articles,
        away: p.away,
    })
}

/// Who a session belongs to, by user and sign-in time (milliseconds). Trusted for at most a
/// second: a sign-out, deactivation or password change on another instance ends the session
/// here within that time (on this instance at once: they are identity changes).
struct SessionUsers;
impl CacheKind for SessionUsers {
    type Key = (i64, i64);
    type Value = Option<CurrentUser>;
    const DEPENDS: Depends = Depends::Identities;
    const TTL: std::time::Duration = crate::backend::cache::SESSION_TTL;
}

/// The user of a session that signed in at `signed_in_at`, unless the session was revoked
/// since (password change, deactivation).
pub async fn user_for_session(
    db: &Db,
    user_id: i64,
    signed_in_at: DateTime<Utc>,
) -> Result<Option<CurrentUser>, AppError> {
    // Sessions record their sign-in time in milliseconds; compare at that precision.
    let key = (user_id, signed_in_at.timestamp_millis());
    let (hit, generation) = db.caches().get::<SessionUsers>(&key);
    if let Some(user) = hit {
        return Ok(user);
    }
    let mut c = db.acquire().await?;
    let user = match users::find_profile(c.conn(), user_id).await? {
        Some(profile)
            if profile
                .sessions_valid_after
                .is_none_or(|after| key.1 >= after.timestamp_millis()) =>
        {
            active_user(c.conn(), profile).await?
        }
        _ => None,
    };
    db.caches()
        .put::<SessionUsers>(key, user.clone(), generation);
    Ok(user)
}

/// Who a token belongs to, by the token's hash (a revoked token is an identity change).
struct TokenOwners;
impl CacheKind for TokenOwners {
    type Key = String;
    type Value = CurrentUser;
    const DEPENDS: Depends = Depends::Identities;
}

/// The user behind an API token (`Authorization: Bearer …`).
pub async fn user_for_token(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, AppError> {
    if !token.starts_with(API_TOKEN_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let key = secrets::hash(token);
    let (hit, generation) = db.caches().get::<TokenOwners>(&key);
    if let Some(user) = hit {
        return Ok(Some(user));
    }
    let mut c = db.acquire().await?;
    let user = match tokens::use_api_token(c.conn(), &key, now).await? {
        Some(user_id) => current_user(c.conn(), user_id).await?,
        None => None,
    };
    if let Some(user) = &user {
        db.caches()
            .put::<TokenOwners>(key, user.clone(), generation);
    }
    Ok(user)
}

pub const API_TOKEN_PREFIX: &str = "chm_";

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// `PATCH /api/v1/me` and the preferences page.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct MeUpdate {
    pub name: Option<String>,
    pub language: Option<Language>,
    pub password: Option<PasswordChange>,
    /// Support staff only: away from the round-robin.
    pub away: Option<bool>,
}

/// Applies a change to one's own account. All fields are validated before anything is written.
/// Returns the updated user and whether the password changed (other sessions then end).
pub async fn update_me(
    db: &Db,
    user: &CurrentUser,
    update: MeUpdate,
    now: DateTime<Utc>,
) -> Result<(CurrentUser, bool), AppError> {
    let mut errors = Vec::new();
    let name = match update.name.as_deref().map(validate_name) {
        Some(Ok(n)) => Some(n),
        Some(Err(code)) => {
            errors.push(FieldError::new("name", code));
            None
        }
        None => None,
    };
    let mut new_hash = None;
    if let Some(change) = &update.password {
        if let Err(code) = validate_password(&change.new) {
            errors.push(FieldError::new("password.new", code));
        }
        let stored = {
            let mut c = db.acquire().await?;
            users::find_password_hash(c.conn(), user.id).await?
        };
        // Hashing takes tens of milliseconds: no pooled connection is held meanwhile.
        let current = change.current.clone();
        let ok = password::verify(current, stored).await?;
        if !ok {
            errors.push(FieldError::new("password.current", "wrong_password"));
        }
        if errors.is_empty() {
            new_hash = Some(password::hash(change.new.clone()).await?);
        }
    }
    if update.away.is_some() && !user.is_staff() {
        errors.push(FieldError::new("away", "not_allowed"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    let mut tx = db.begin().await?;
    if let Some(away) = update.away {
        crate::backend::db::workspace::set_away(tx.conn(), user.id, away, now).await?;
    }
    if let Some(name) = &name {
        users::set_name(tx.conn(), user.id, name, now).await?;
    }
    if let Some(language) = update.language {
        users::set_language(tx.conn(), user.id, language, now).await?;
    }
    if let Some(hash) = &new_hash {
        users::set_password(tx.conn(), user.id, hash, now).await?;
        // A new password ends every credential made with the old one: the API tokens too.
        tokens::revoke_all_api_tokens(tx.conn(), user.id, now).await?;
    }
    let updated = current_user(tx.conn(), user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    tx.commit().await?;
    db.caches().identities_changed();
    Ok((updated, new_hash.is_some()))
}

fn validate_token_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(AppError::validation("name", "required")),
        n if n > 80 => Err(AppError::validation("name", "too_long")),
        _ => Ok(name.to_owned()),
    }
}

/// Makes a personal API token. A token outlives the session it is made from, so someone at an
/// unattended signed-in browser must not be able to mint one: from a session (`password` is
/// `Some`), the person's password is asked again. (A call made with a token needs none.)
pub async fn create_api_token(
    db: &Db,
    user: &CurrentUser,
    name: &str,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NewApiToken, AppError> {
    let name = validate_token_name(name)?;
    if let Some(given) = password {
        if given.is_empty() {
            return Err(AppError::validation("password", "required"));
        }
        // Guessing here counts like guessing at sign-in (the account's throttle).
        let key = format!("email:{}", user.email.trim().to_lowercase());
        let reserved = reserve_attempts(db, &[&key], &[&key], now).await?;
        let stored = {
            let mut c = db.acquire().await?;
            users::find_password_hash(c.conn(), user.id).await?
        };
        let verified = match password::verify(given.to_owned(), stored).await {
            Ok(verified) => verified,
            Err(error) => {
                forget_attempts(db, &reserved).await?;
                return Err(error);
            }
        };
        if !verified {
            return Err(AppError::validation("password", "wrong_password"));
        }
        forget_attempts(db, &reserved).await?;
    }
    let token = secrets::generate(API_TOKEN_PREFIX);
    let mut c = db.acquire().await?;
    let id =
        tokens::insert_api_token(c.conn(), user.id, &name, &secrets::hash(&token), now).await?;
    Ok(NewApiToken { id, name, token })
}

pub async fn list_api_tokens(
    db: &Db,
    user: &CurrentUser,
) -> Result<Vec<ApiTokenSummary>, AppError> {
    let mut c = db.acquire().await?;
    Ok(tokens::list_api_tokens(c.conn(), user.id)
        .await?
        .into_iter()
        .map(|t| ApiTokenSummary {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect())
}

/// Revokes one of one's own tokens; another person's token answers 404 like a missing one.
pub async fn revoke_api_token(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut c = db.acquire().await?;
    let revoked = tokens::revoke_api_token(c.conn(), user.id, id, now).await?;
    db.caches().identities_changed();
    match revoked {
        0 => Err(AppError::not_found(crate::error::Entity::Page)),
        _ => Ok(()),
    }
}

/// A single-use link for a user: the secret goes into the URL, its hash into the database, and
/// a mail with the link to the person is queued.
pub(crate) async fn create_link(
    c: Conn<'_>,
    user_id: i64,
    purpose: &str,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let mut c = c;
    tokens::expire_links(c.reborrow(), user_id, purpose, now).await?;
    let secret = secrets::generate("");
    let ttl = if purpose == PURPOSE_INVITATION {
        INVITATION_TTL
    } else {
        PASSWORD_RESET_TTL
    };
    tokens::insert_link(
        c.reborrow(),
        user_id,
        purpose,
        &secrets::hash(&secret),
        created_by,
        now,
        now + ttl,
    )
    .await?;
    // The person gets the link by e-mail (kept in the outbox without a relay); the link itself
    // never reaches a log or an admin's view of the outbox.
    let notice = Notice::AccountLink {
        user_id,
        purpose: purpose.to_owned(),
        path: link_path(purpose, &secret),
    };
    notices::enqueue(c, &notice, now).await?;
    Ok(secret)
}

/// The path a link's secret is used at.
pub fn link_path(purpose: &str, secret: &str) -> String {
    match purpose {
        PURPOSE_INVITATION => format!("/convite/{secret}"),
        _ => format!("/redefinir-senha/{secret}"),
    }
}

/// Starts a password reset. The answer never tells whether the account exists; the link is
/// written to the server log (until e-mail is sent) and returned for the caller's log line.
pub async fn request_password_reset(
    db: &Db,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let Ok(address) = EmailAddress::parse(email) else {
        return Err(AppError::validation("email", "invalid_email"));
    };
    let mut tx = db.begin().await?;
    let Some(creds) = users::find_credentials(tx.conn(), address.as_str()).await? else {
        return Ok(None);
    };
    if !creds.active || creds.password_hash.is_none() {
        return Ok(None);
    }
    let secret = create_link(tx.conn(), creds.id, PURPOSE_PASSWORD_RESET, None, now).await?;
    tx.commit().await?;
    // The event, never the link (a secret), goes to the log.
    tracing::info!(target: "chamado::links", "password reset link made and mailed");
    Ok(Some(link_path(PURPOSE_PASSWORD_RESET, &secret)))
}

/// Whether a link can still be used (to show the form or an "expired" message).
pub async fn link_is_live(
    db: &Db,
    purpose: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut c = db.acquire().await?;
    Ok(
        tokens::find_live_link(c.conn(), purpose, &secrets::hash(secret), now)
            .await?
            .is_some(),
    )
}

/// Sets a password through an invitation or reset link, once. Returns the signed-in user.
pub async fn set_password_with_link(
    db: &Db,
    purpose: &str,
    secret: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<CurrentUser, AppError> {
    if let Err(code) = validate_password(new_password) {
        return Err(AppError::validation("password", code));
    }
    let expired = || AppError::Conflict {
        code: "link_expired".to_owned(),
    };
    // The link is looked up before the (deliberately slow) hash: a made-up one costs nothing.
    {
        let mut c = db.acquire().await?;
        tokens::find_live_link(c.conn(), purpose, &secrets::hash(secret), now)
            .await?
            .ok_or_else(expired)?;
    }
    let hash = password::hash(new_password.to_owned()).await?;
    let mut tx = db.begin().await?;
    let (link_id, user_id) =
        tokens::find_live_link(tx.conn(), purpose, &secrets::hash(secret), now)
            .await?
            .ok_or_else(expired)?;
    if tokens::consume_link(tx.conn(), link_id, now).await? != 1 {
        return Err(expired());
    }
    users::set_password(tx.conn(), user_id, &hash, now).await?;
    tokens::revoke_all_api_tokens(tx.conn(), user_id, now).await?;
    let user = current_user(tx.conn(), user_id)
        .await?
        .ok_or_else(expired)?;
    tx.commit().await?;
    db.caches().identities_changed();
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_paths_name_their_purpose() {
        assert_eq!(link_path(PURPOSE_INVITATION, "abc"), "/convite/abc");
        assert_eq!(
            link_path(PURPOSE_PASSWORD_RESET, "abc"),
            "/redefinir-senha/abc"
        );
    }
}
