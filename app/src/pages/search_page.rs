use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::search_articles;
use crate::components::{category_label, PageTitle};
use crate::domain::Language;
use crate::i18n::*;

/// Help-center search results for `?q=`: best first, with highlighted snippets, or an honest
/// "nothing found" with the way to open a ticket. Works without JavaScript (a GET form).
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let lang = move || Language::from(i18n.get_locale());
    let results = Resource::new(move || (q(), lang()), |(q, lang)| search_articles(q, lang));

    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, help.search_title).to_string()) />
        <section class="page" aria-labelledby="search-heading">
            <h1 id="search-heading">{t!(i18n, help.search_title)}</h1>
            <SearchForm initial=Signal::derive(q) />
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
                {move || Suspend::new(async move {
                    let query_text = q();
                    match results.await {
                        Ok(_) if query_text.trim().is_empty() => ().into_any(),
                        Ok(hits) if hits.items.is_empty() => view! {
                            <div class="empty" role="status">
                                <p>{t!(i18n, help.no_results, query = query_text.clone())}</p>
                                <p><a href="/chamados/novo">{t!(i18n, help.open_ticket)}</a></p>
                            </div>
                        }.into_any(),
                        Ok(hits) => view! {
                            <p class="muted" role="status">{t!(i18n, help.results_for, query = query_text.clone())}</p>
                            <ol class="search-results">
                                {hits.items.into_iter().map(|h| {
                                    let category = h.category.clone();
                                    view! {
                                        <li class="search-results__item">
                                            <a class="search-results__title" href=format!("/ajuda/{}", h.slug)>{h.title}</a>
                                            <span class="search-results__meta">{category_label(i18n, &category)}</span>
                                            <p class="search-results__snippet" inner_html=h.snippet></p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(_) => view! {
                            <p class="error" role="alert">{t!(i18n, errors.internal)}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The help-center search box: a GET form to the search page.
#[component]
pub fn SearchForm(#[prop(into, optional)] initial: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="search-form" role="search" method="get" action="/ajuda/busca">
            <label for="help-search" class="visually-hidden">{t!(i18n, help.search_label)}</label>
            <input
                id="help-search"
                name="q"
                type="search"
                maxlength="200"
                autocomplete="off"
                value=move || initial.get()
                placeholder=move || t_string!(i18n, help.search_placeholder).to_string()
            />
            <button type="submit">{t!(i18n, help.search_button)}</button>
        </form>
    }
}
