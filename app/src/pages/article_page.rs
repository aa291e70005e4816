use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use leptos_router::hooks::use_params_map;

use crate::api::{get_article, SendArticleFeedback};
use crate::components::{category_label, InternalError, Loading, NotFoundStatus, PageTitle};
use crate::domain::{ArticleView, Language};
use crate::error::AppError;
use crate::i18n::*;

/// One help-center article: breadcrumbs, title, the sanitised body, the revision date and a
/// link to its translation. Server-rendered with title, description and canonical link.
#[component]
pub fn ArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let article = Resource::new(slug, get_article);

    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match article.await {
                    Ok(a) => view! { <ArticleBody article=a /> }.into_any(),
                    Err(AppError::NotFound { .. }) => view! {
                        <NotFoundStatus />
                        <PageTitle text=Signal::derive(move || t_string!(i18n, help.not_found).to_string()) />
                        <section class="page">
                            <h1>{t!(i18n, help.not_found)}</h1>
                            <p><a href="/">{t!(i18n, help.back_home)}</a></p>
                        </section>
                    }.into_any(),
                    Err(_) => view! { <InternalError /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ArticleBody(article: ArticleView) -> impl IntoView {
    let i18n = use_i18n();
    let title = article.title.clone();
    let category = article.category.clone();
    let canonical = format!("/ajuda/{}", article.slug);
    let updated = article.updated_at.format("%Y-%m-%d").to_string();
    let lang = article.lang;
    let translations = article.translations.clone();
    view! {
        <PageTitle text=Signal::derive({ let t = title.clone(); move || t.clone() }) />
        <Meta name="description" content=article.description.clone() />
        <Link rel="canonical" href=canonical />
        <article class="page article" lang=lang.code()>
            <nav aria-label=move || t_string!(i18n, help.breadcrumbs).to_string() class="breadcrumbs">
                <ol>
                    <li><a href="/">{t!(i18n, nav.help_center)}</a></li>
                    <li><a href=format!("/ajuda/categoria/{category}")>{{ let c = category.clone(); move || category_label(i18n, &c) }}</a></li>
                    <li aria-current="page">{title.clone()}</li>
                </ol>
            </nav>
            <h1>{title.clone()}</h1>
            <p class="article__meta muted">
                {t!(i18n, help.updated)} " " <time datetime=updated.clone()>{updated.clone()}</time>
            </p>
            <div class="article__body" inner_html=article.body_html></div>
            <Feedback slug=article.slug.clone() />
            {(!article.related.is_empty()).then(|| view! {
                <section class="related" aria-labelledby="related-heading">
                    <h2 id="related-heading">{t!(i18n, help.related)}</h2>
                    <ul class="article-list">
                        {article.related.into_iter().map(|r| view! {
                            <li class="article-list__item"><a class="article-list__title" href=format!("/ajuda/{}", r.slug)>{r.title}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {translations.into_iter().map(|tr| {
                let label = match tr.lang {
                    Language::PtBr => "Leia em português",
                    Language::En => "Read in English",
                };
                view! {
                    <p class="article__translation">
                        <a href=format!("/ajuda/{}", tr.slug) hreflang=tr.lang.code() lang=tr.lang.code()>{label}</a>
                    </p>
                }
            }).collect_view()}
        </article>
    }
}

/// "Was this helpful? Sim / Não": one vote, then thanks in a status line that stays in the
/// page (so screen readers announce it) and takes the focus from the buttons that leave. Works
/// without JavaScript too.
#[component]
fn Feedback(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SendArticleFeedback>::new();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    let slug = StoredValue::new(slug);
    let status = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if done() {
            if let Some(el) = status.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <section class="feedback" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading" class="feedback__question">{t!(i18n, help.helpful_question)}</h2>
            <Show when=move || !done()>
                <ActionForm action=action attr:class="feedback__form">
                    <input type="hidden" name="slug" value=slug.get_value() />
                    <button type="submit" name="helpful" value="true" class="button">{t!(i18n, help.helpful_yes)}</button>
                    <button type="submit" name="helpful" value="false" class="button">{t!(i18n, help.helpful_no)}</button>
                </ActionForm>
            </Show>
            <p role="status" tabindex="-1" node_ref=status class="feedback__thanks">
                {move || done().then(|| t_string!(i18n, help.helpful_thanks).to_string())}
            </p>
            {move || matches!(action.value().get(), Some(Err(_))).then(|| view! {
                <InternalError />
            })}
        </section>
    }
}
