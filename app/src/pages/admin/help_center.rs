//! The authors' side of the help center: the article list, the editor with live preview,
//! the search synonyms and the deflection report.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{
    get_article_editor, get_deflection_report, get_synonyms, list_authored, preview_article,
    DeleteArticle, SaveArticle, SaveSynonyms,
};
use crate::components::{
    category_label, load_error, non_field_error, Debounce, FieldMessage, FormError, Loading,
    NotAllowed, PageTitle, RequireUser, Tabs,
};
use crate::domain::{ArticleDraft, CurrentUser, DeflectionWeek, Language};
use crate::i18n::*;

/// Tabs of the help-center administration, as far as the viewer may go.
#[component]
fn HelpAdminTabs(user: CurrentUser, current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let mut items = vec![
        (
            "/admin/artigos",
            Signal::derive(move || t_string!(i18n, help_admin.articles).to_string()),
        ),
        (
            "/admin/sinonimos",
            Signal::derive(move || t_string!(i18n, help_admin.synonyms).to_string()),
        ),
    ];
    if user.may_supervise() {
        items.push((
            "/admin/relatorios/deflexao",
            Signal::derive(move || t_string!(i18n, help_admin.deflection).to_string()),
        ));
    }
    let label = Signal::derive(move || t_string!(i18n, help_admin.title).to_string());
    view! { <Tabs label current items /> }
}

/// `/admin/artigos`: every article, drafts included, with "Was this helpful?" votes.
#[component]
pub fn ArticlesAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, help_admin.articles).to_string()) />
        <RequireUser children=|user| if user.may_read_article_drafts() {
            view! { <ArticlesAdmin user /> }.into_any()
        } else {
            view! { <NotAllowed /> }.into_any()
        } />
    }
}

#[component]
fn ArticlesAdmin(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let status = move || query.read().get("situacao").filter(|s| !s.is_empty());
    let before = move || query.read().get("antes");
    let page = Resource::new(
        move || (status(), before()),
        |(status, before)| list_authored(status, before),
    );
    let writes = user.may_write_articles();
    view! {
        <section class="page" aria-labelledby="articles-admin-heading">
            <h1 id="articles-admin-heading">{t!(i18n, help_admin.title)}</h1>
            <HelpAdminTabs user current="/admin/artigos" />
            <div class="toolbar">
                <form method="get" action="/admin/artigos" class="toolbar__filters">
                    <label for="article-status">{t!(i18n, help_admin.status)}</label>
                    <select id="article-status" name="situacao">
                        <option value="" selected=move || status().is_none()>{t!(i18n, help_admin.all)}</option>
                        <option value="draft" selected=move || status().as_deref() == Some("draft")>{t!(i18n, help_admin.draft)}</option>
                        <option value="published" selected=move || status().as_deref() == Some("published")>{t!(i18n, help_admin.published)}</option>
                    </select>
                    <button type="submit" class="button">{t!(i18n, help_admin.filter)}</button>
                </form>
                {writes.then(|| view! { <a class="button button--primary" href="/admin/artigos/novo">{t!(i18n, help_admin.new_article)}</a> })}
            </div>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! {
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, help_admin.article_title)}</th>
                                    <th scope="col">{t!(i18n, help_admin.language)}</th>
                                    <th scope="col">{t!(i18n, help_admin.category)}</th>
                                    <th scope="col">{t!(i18n, help_admin.status)}</th>
                                    <th scope="col">{t!(i18n, help_admin.updated)}</th>
                                    <th scope="col">{t!(i18n, help_admin.votes)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|a| {
                                        let href = if writes { format!("/admin/artigos/{}", a.id) } else { format!("/ajuda/{}", a.slug) };
                                        let category = a.category.clone();
                                        let (helpful, not_helpful) = (a.helpful, a.not_helpful);
                                        view! {
                                            <tr>
                                                <td><a href=href>{a.title}</a></td>
                                                <td lang=a.lang.code()>{a.lang.native_name()}</td>
                                                <td>{move || category_label(i18n, &category)}</td>
                                                <td>{if a.published {
                                                    view! { <span class="badge badge--answered">{t!(i18n, help_admin.published)}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge">{t!(i18n, help_admin.draft)}</span> }.into_any()
                                                }}</td>
                                                <td><time datetime=a.updated_at.to_rfc3339()>{a.updated_at.format("%Y-%m-%d").to_string()}</time></td>
                                                <td>{move || t_string!(i18n, help_admin.vote_counts, helpful, not_helpful).to_string()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {p.next_cursor.map(|c| view! {
                                <p><a href=move || format!("/admin/artigos?situacao={}&antes={c}", status().unwrap_or_default())>{t!(i18n, help.more)}</a></p>
                            })}
                        }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/admin/artigos/novo` (optionally `?chamado=TKT-…`) and `/admin/artigos/{id}`: the
/// Markdown editor with a live preview of what readers will see.
#[component]
pub fn ArticleEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, help_admin.editor).to_string()) />
        <RequireUser children=|user| if user.may_write_articles() {
            view! { <ArticleEditorLoader user /> }.into_any()
        } else {
            view! { <NotAllowed /> }.into_any()
        } />
    }
}

#[component]
fn ArticleEditorLoader(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let ticket = move || query.read().get("chamado");
    let editor = Resource::new(
        move || (id(), ticket()),
        |(id, ticket)| get_article_editor(id, ticket),
    );
    view! {
        <section class="page" aria-labelledby="editor-heading">
            <h1 id="editor-heading">{t!(i18n, help_admin.editor)}</h1>
            <HelpAdminTabs user current="/admin/artigos" />
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match editor.await {
                        Ok((article, draft, categories)) => {
                            let id = article.as_ref().map(|a| a.id);
                            view! { <ArticleEditor id draft categories /> }.into_any()
                        }
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ArticleEditor(id: Option<i64>, draft: ArticleDraft, categories: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveArticle>::new();
    let delete = ServerAction::<DeleteArticle>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let body = RwSignal::new(draft.body_markdown.clone());
    let preview = RwSignal::new(None::<String>);
    let debounce = Debounce::new(std::time::Duration::from_millis(250));
    let refresh_preview = move || {
        let text = body.get_untracked();
        debounce.call(move |latest| {
            leptos::task::spawn_local(async move {
                if let Ok(html) = preview_article(text).await {
                    if latest.is_current() {
                        preview.set(Some(html));
                    }
                }
            });
        });
    };
    Effect::new(move |_| refresh_preview());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if id != Some(saved.id) {
                // A new article continues in its own editor, which says it was saved.
                navigate(
                    &format!("/admin/artigos/{}?salvo=1", saved.id),
                    Default::default(),
                );
            }
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/admin/artigos", Default::default());
        }
    });
    let query = use_query_map();
    let just_created = (draft.slug.clone(), draft.published);
    let saved_slug = move || {
        save.value()
            .get()
            .and_then(Result::ok)
            .map(|a| (a.draft.slug, a.draft.published))
            .or_else(|| {
                query
                    .read()
                    .get("salvo")
                    .is_some()
                    .then(|| just_created.clone())
            })
    };
    let lang = draft.lang;
    view! {
        <ActionForm action=save attr:class="form form--wide editor" attr:novalidate="true">
            {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
            <div class="field">
                <label for="article-title">{t!(i18n, help_admin.article_title)}</label>
                <input id="article-title" name="title" type="text" maxlength="200" required value=draft.title.clone() aria-describedby="article-title-msg" />
                <FieldMessage error field="title" id="article-title-msg" />
            </div>
            <div class="field">
                <label for="article-slug">{t!(i18n, help_admin.slug)}</label>
                <input id="article-slug" name="slug" type="text" maxlength="120" value=draft.slug.clone() aria-describedby="article-slug-hint article-slug-msg" />
                <span class="hint" id="article-slug-hint">{t!(i18n, help_admin.slug_hint)}</span>
                <FieldMessage error field="slug" id="article-slug-msg" />
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="article-lang">{t!(i18n, help_admin.language)}</label>
                    <select id="article-lang" name="lang">
                        {Language::ALL.iter().map(|l| view! {
                            <option value=l.code() selected=*l == lang>{l.native_name()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="article-category">{t!(i18n, help_admin.category)}</label>
                    <input id="article-category" name="category" type="text" list="article-categories" value=draft.category.clone() aria-describedby="article-category-msg" />
                    <datalist id="article-categories">
                        {categories.into_iter().map(|c| view! { <option value=c></option> }).collect_view()}
                    </datalist>
                    <FieldMessage error field="category" id="article-category-msg" />
                </div>
            </div>
            <div class="field">
                <label for="article-tags">{t!(i18n, help_admin.tags)}</label>
                <input id="article-tags" name="tags" type="text" value=draft.tags.join(", ") aria-describedby="article-tags-hint article-tags-msg" />
                <span class="hint" id="article-tags-hint">{t!(i18n, help_admin.tags_hint)}</span>
                <FieldMessage error field="tags" id="article-tags-msg" />
            </div>
            <div class="field">
                <label for="article-translation">{t!(i18n, help_admin.translation_of)}</label>
                <input id="article-translation" name="translation_of" type="text" value=draft.translation_of.clone().unwrap_or_default() aria-describedby="article-translation-msg" />
                <FieldMessage error field="translation_of" id="article-translation-msg" />
            </div>
            <div class="editor__panes">
                <div class="field">
                    <label for="article-body">{t!(i18n, help_admin.body)}</label>
                    <textarea id="article-body" name="body_markdown" rows="18" aria-describedby="article-body-msg"
                        on:input=move |ev| { body.set(event_target_value(&ev)); refresh_preview(); }>{draft.body_markdown.clone()}</textarea>
                    <FieldMessage error field="body_markdown" id="article-body-msg" />
                </div>
                <section class="editor__preview" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">{t!(i18n, help_admin.preview)}</h2>
                    <div class="article__body" data-testid="preview" inner_html=move || preview.get().unwrap_or_default()></div>
                </section>
            </div>
            <div class="field field--check">
                <input id="article-published" name="published" type="checkbox" value="on" checked=draft.published />
                <label for="article-published">{t!(i18n, help_admin.publish)}</label>
            </div>
            <FormError error=non_field_error(error) />
            <button type="submit" class="button button--primary" disabled=move || save.pending().get()>{t!(i18n, help_admin.save)}</button>
            <p role="status" class="muted">
                {move || saved_slug().map(|(slug, published)| view! {
                    {t!(i18n, help_admin.saved)} " "
                    {published.then(|| view! { <a href=format!("/ajuda/{slug}")>{t!(i18n, help_admin.view_public)}</a> })}
                })}
            </p>
        </ActionForm>
        {id.map(|id| view! {
            <ActionForm action=delete attr:class="form editor__delete">
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="button button--danger">{t!(i18n, help_admin.delete)}</button>
            </ActionForm>
        })}
    }
}

/// `/admin/sinonimos`: the search synonyms, one group per line (admins edit; writers and
/// leads read).
#[component]
pub fn SynonymsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, help_admin.synonyms).to_string()) />
        <RequireUser children=|user| if user.may_read_article_drafts() {
            view! { <Synonyms user /> }.into_any()
        } else {
            view! { <NotAllowed /> }.into_any()
        } />
    }
}

#[component]
fn Synonyms(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let current = Resource::new(|| (), |_| get_synonyms());
    let save = ServerAction::<SaveSynonyms>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let admin = user.role == crate::domain::Role::Admin;
    view! {
        <section class="page" aria-labelledby="synonyms-heading">
            <h1 id="synonyms-heading">{t!(i18n, help_admin.synonyms)}</h1>
            <HelpAdminTabs user current="/admin/sinonimos" />
            <p class="muted" id="synonyms-hint">{t!(i18n, help_admin.synonyms_hint)}</p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(groups) => view! {
                            <ActionForm action=save attr:class="form form--wide">
                                <div class="field">
                                    <label for="synonyms-text">{t!(i18n, help_admin.synonym_groups)}</label>
                                    <textarea id="synonyms-text" name="text" rows="20" readonly=!admin aria-describedby="synonyms-hint synonyms-msg">{groups.to_lines()}</textarea>
                                    <FieldMessage error field="groups" id="synonyms-msg" />
                                </div>
                                <FormError error=error />
                                {admin.then(|| view! {
                                    <button type="submit" class="button button--primary" disabled=move || save.pending().get()>{t!(i18n, help_admin.save)}</button>
                                })}
                                <p role="status" class="muted">{move || matches!(save.value().get(), Some(Ok(_))).then(|| t_string!(i18n, help_admin.saved).to_string())}</p>
                            </ActionForm>
                        }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/admin/relatorios/deflexao`: per week, forms that suggested articles, articles opened,
/// tickets deflected and submitted anyway, and the deflection rate (admins and leads).
#[component]
pub fn DeflectionReportPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, help_admin.deflection).to_string()) />
        <RequireUser children=|user| if user.may_supervise() {
            view! { <DeflectionReportView user /> }.into_any()
        } else {
            view! { <NotAllowed /> }.into_any()
        } />
    }
}

#[component]
fn DeflectionReportView(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let from = move || query.read().get("de");
    let to = move || query.read().get("ate");
    let report = Resource::new(
        move || (from(), to()),
        |(from, to)| get_deflection_report(from, to),
    );
    let row = move |label: String, w: DeflectionWeek, total: bool| {
        let rate = format!("{:.0}%", w.deflection_rate * 100.0);
        view! {
            <tr class:table__total=total>
                <th scope="row">{label}</th>
                <td>{w.suggestions_shown}</td>
                <td>{w.articles_opened}</td>
                <td data-testid=if total { "total-deflected" } else { "" }>{w.deflected}</td>
                <td>{w.submitted_anyway}</td>
                <td>{rate}</td>
            </tr>
        }
    };
    view! {
        <section class="page" aria-labelledby="deflection-heading">
            <h1 id="deflection-heading">{t!(i18n, help_admin.deflection)}</h1>
            <HelpAdminTabs user current="/admin/relatorios/deflexao" />
            <p class="muted">{t!(i18n, help_admin.deflection_hint)}</p>
            <form method="get" action="/admin/relatorios/deflexao" class="toolbar__filters">
                <label for="report-from">{t!(i18n, help_admin.from)}</label>
                <input id="report-from" name="de" type="date" value=move || from().unwrap_or_default() />
                <label for="report-to">{t!(i18n, help_admin.to)}</label>
                <input id="report-to" name="ate" type="date" value=move || to().unwrap_or_default() />
                <button type="submit" class="button">{t!(i18n, help_admin.filter)}</button>
            </form>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(r) => view! {
                            <table class="table">
                                <caption class="visually-hidden">{t!(i18n, help_admin.deflection)}</caption>
                                <thead><tr>
                                    <th scope="col">{t!(i18n, help_admin.week)}</th>
                                    <th scope="col">{t!(i18n, help_admin.suggestions_shown)}</th>
                                    <th scope="col">{t!(i18n, help_admin.articles_opened)}</th>
                                    <th scope="col">{t!(i18n, help_admin.deflected)}</th>
                                    <th scope="col">{t!(i18n, help_admin.submitted_anyway)}</th>
                                    <th scope="col">{t!(i18n, help_admin.rate)}</th>
                                </tr></thead>
                                <tbody>
                                    {r.weeks.into_iter().rev().map(|w| row(w.week_start.format("%Y-%m-%d").to_string(), w, false)).collect_view()}
                                    {row(t_string!(i18n, help_admin.total).to_string(), r.total, true)}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </section>
    }
}
