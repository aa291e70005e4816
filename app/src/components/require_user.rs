use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::Loading;
use crate::contexts::use_user;
use crate::domain::CurrentUser;
use crate::i18n::*;

/// Renders `children` with the signed-in user; a visitor sees a sign-in prompt that returns
/// them here afterwards. (A convenience: every server function checks on its own.)
#[component]
pub fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let ctx = use_user();
    let location = use_location();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    Suspend::new(async move {
                        match ctx.user.await {
                            Ok(Some(user)) => children(user).into_any(),
                            _ => {
                                let next = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                                let href = format!("/entrar?next={}", urlencode(&next));
                                view! {
                                    <section class="page page--narrow">
                                        <p>{t!(i18n, sign_in.required)}</p>
                                        <p><a class="button button--primary" href=href>{t!(i18n, sign_in.go)}</a></p>
                                    </section>
                                }
                                .into_any()
                            }
                        }
                    })
                }
            }
        </Transition>
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
