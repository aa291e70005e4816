use leptos::prelude::*;

use crate::components::{NotFoundStatus, PageTitle};
use crate::i18n::*;

/// Answers unknown paths, with HTTP status 404 when rendered on the server.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <NotFoundStatus />
        <PageTitle text=Signal::derive(move || t_string!(i18n, not_found.title).to_string()) />
        <section class="page page--narrow not-found">
            <h1>{t!(i18n, not_found.title)}</h1>
            <p>{t!(i18n, not_found.body)}</p>
            <p>
                <a class="button" href="/">{t!(i18n, not_found.back_home)}</a>
            </p>
        </section>
    }
}
