use leptos::prelude::*;

use crate::api::get_help_center_home;
use crate::components::{category_label, InternalError, Loading, PageTitle};
use crate::domain::{CategorySummary, Language};
use crate::i18n::*;
use crate::pages::SearchForm;

/// The help-center home: categories with their article counts and the latest articles,
/// in the viewer's language.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || Language::from(i18n.get_locale());
    let home = Resource::new(lang, get_help_center_home);

    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.help_center).to_string()) />
        <section class="hero">
            <h1>{t!(i18n, home.title)}</h1>
            <p class="hero__intro">{t!(i18n, home.intro)}</p>
            <SearchForm />
        </section>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(data) if data.categories.is_empty() => view! {
                        <p class="empty">{t!(i18n, home.empty)}</p>
                    }.into_any(),
                    Ok(data) => view! {
                        <section class="page" aria-labelledby="categories-heading">
                            <h2 id="categories-heading">{t!(i18n, home.categories)}</h2>
                            <ul class="category-grid">
                                {data.categories.into_iter().map(|c| view! { <CategoryCard category=c /> }).collect_view()}
                            </ul>
                        </section>
                        <section class="page" aria-labelledby="recent-heading">
                            <h2 id="recent-heading">{t!(i18n, home.recent)}</h2>
                            <ul class="article-list">
                                {data.recent.into_iter().map(|a| view! {
                                    <li class="article-list__item">
                                        <a class="article-list__title" href=format!("/ajuda/{}", a.slug)>{a.title}</a>
                                        <span class="article-list__meta">{category_label(i18n, &a.category)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    Err(_) => view! { <InternalError /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CategoryCard(category: CategorySummary) -> impl IntoView {
    let i18n = use_i18n();
    let count = category.article_count;
    let slug = category.slug;
    let link = slug.clone();
    let name = {
        let slug = slug.clone();
        move || category_label(i18n, &slug)
    };
    view! {
        <li class="category-card" data-category=slug>
            <a class="category-card__name" href=format!("/ajuda/categoria/{link}")>{name}</a>
            <span class="category-card__count">
                {move || {
                    if count == 1 {
                        t_string!(i18n, home.article_count_single, count).to_string()
                    } else {
                        t_string!(i18n, home.article_count_many, count).to_string()
                    }
                }}
            </span>
        </li>
    }
}
