use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::get_category;
use crate::components::{category_label, InternalError, Loading, NotFoundStatus, PageTitle};
use crate::domain::Language;
use crate::i18n::*;

/// A help-center category: its published articles in the viewer's language, by title order
/// of their addresses, 100 per page.
#[component]
pub fn CategoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let category = move || params.read().get("category").unwrap_or_default();
    let after = move || query.read().get("depois");
    let lang = move || Language::from(i18n.get_locale());
    let page = Resource::new(
        move || (category(), lang(), after()),
        |(category, lang, after)| get_category(category, lang, after),
    );
    let name = move || category_label(i18n, &category());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, help.category_title, name = name()).to_string()) />
        <Link rel="canonical" href=format!("/ajuda/categoria/{}", category()) />
        <section class="page" aria-labelledby="category-heading">
            <nav aria-label=move || t_string!(i18n, help.breadcrumbs).to_string() class="breadcrumbs">
                <ol>
                    <li><a href="/">{t!(i18n, nav.help_center)}</a></li>
                    <li aria-current="page">{name}</li>
                </ol>
            </nav>
            <h1 id="category-heading">{name}</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) if p.items.is_empty() => view! {
                            <NotFoundStatus />
                            <p class="empty">{t!(i18n, help.category_empty)}</p>
                            <p><a href="/">{t!(i18n, help.back_home)}</a></p>
                        }.into_any(),
                        Ok(p) => view! {
                            <ul class="article-list">
                                {p.items.into_iter().map(|a| view! {
                                    <li class="article-list__item">
                                        <a class="article-list__title" href=format!("/ajuda/{}", a.slug)>{a.title}</a>
                                    </li>
                                }).collect_view()}
                            </ul>
                            {p.next_cursor.map(|c| view! {
                                <p><a href=format!("/ajuda/categoria/{}?depois={c}", category())>{t!(i18n, help.more)}</a></p>
                            })}
                        }.into_any(),
                        Err(_) => view! { <InternalError /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
