use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::search_articles;
use crate::components::{category_label, Debounce, InternalError, Loading, PageTitle};
use crate::domain::{ArticleHit, Language};
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
            <SearchForm initial=Signal::derive(q) follow_url=true />
            <Suspense fallback=|| view! { <Loading /> }>
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
                        Err(_) => view! { <InternalError /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The help-center search box: a GET form to the search page (without JavaScript). Once
/// hydrated it searches as you type: on the search page the results below follow the box
/// (`follow_url`); elsewhere the first results show under the box.
#[component]
pub fn SearchForm(
    #[prop(into, optional)] initial: Signal<String>,
    #[prop(optional)] follow_url: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let debounce = Debounce::new(std::time::Duration::from_millis(250));
    let live = RwSignal::new(None::<(String, Vec<ArticleHit>)>);
    let navigate = leptos_router::hooks::use_navigate();
    let on_input = move |ev: leptos::ev::Event| {
        let q = event_target_value(&ev);
        if follow_url {
            let navigate = navigate.clone();
            debounce.call(move |_| {
                let url = format!("/ajuda/busca?q={}", crate::components::query_value(&q));
                navigate(
                    &url,
                    leptos_router::NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                );
            });
            return;
        }
        if q.trim().chars().count() < 2 {
            debounce.cancel();
            live.set(None);
            return;
        }
        let lang = Language::from(i18n.get_locale_untracked());
        debounce.call(move |latest| {
            leptos::task::spawn_local(async move {
                if let Ok(hits) = search_articles(q.clone(), lang).await {
                    if latest.is_current() {
                        live.set(Some((q, hits.items.into_iter().take(5).collect())));
                    }
                }
            });
        });
    };
    view! {
        <form class="search-form" role="search" method="get" action="/ajuda/busca">
            <label for="help-search" class="visually-hidden">{t!(i18n, help.search_label)}</label>
            <input
                id="help-search"
                name="q"
                type="search"
                maxlength="200"
                autocomplete="off"
                aria-controls="help-search-live"
                value=move || initial.get()
                placeholder=move || t_string!(i18n, help.search_placeholder).to_string()
                on:input=on_input
            />
            <button type="submit">{t!(i18n, help.search_button)}</button>
        </form>
        <div id="help-search-live" class="search-live" aria-live="polite">
            {move || live.get().map(|(q, hits)| {
                if hits.is_empty() {
                    view! {
                        <p class="search-live__empty">{t!(i18n, help.no_results, query = q.clone())} " "
                            <a href="/chamados/novo">{t!(i18n, help.open_ticket)}</a></p>
                    }.into_any()
                } else {
                    let count = hits.len();
                    view! {
                        <p class="visually-hidden">{t!(i18n, help.live_results, count)}</p>
                        <ul class="search-live__list">
                            {hits.into_iter().map(|h| view! {
                                <li>
                                    <a href=format!("/ajuda/{}", h.slug)>{h.title}</a>
                                    <p class="search-results__snippet" inner_html=h.snippet></p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </div>
    }
}
