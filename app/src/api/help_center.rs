//! Help-center server functions. The editor's save takes the form's fields one by one (so
//! the form works without JavaScript), hence more arguments than clippy likes.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{
    ArticleDraft, ArticlePage, AuthoredArticle, AuthoredArticlePage, DeflectionReport,
    DeflectionStep, HelpCenterHome, Language, Suggestions, SynonymGroups,
};
use crate::error::AppError;

/// The public help-center home (categories and recent articles) in one language.
#[server(prefix = "/api/fn", endpoint = "help-center/home", input = GetUrl)]
pub async fn get_help_center_home(lang: Language) -> Result<HelpCenterHome, AppError> {
    use crate::backend::{app_state, services::help_center};
    let state = app_state()?;
    help_center::home(&state.db, lang).await
}

/// A published article, rendered and sanitised, with its translations and related articles.
#[server(prefix = "/api/fn", endpoint = "help-center/article", input = GetUrl)]
pub async fn get_article(slug: String) -> Result<crate::domain::ArticleView, AppError> {
    use crate::backend::{app_state, services::help_center};
    let state = app_state()?;
    help_center::article(&state.db, &state.search, &slug).await
}

/// Help-center search (the search page, as the visitor types).
#[server(prefix = "/api/fn", endpoint = "help-center/search", input = GetUrl)]
pub async fn search_articles(
    q: String,
    lang: Language,
) -> Result<crate::domain::ArticleHits, AppError> {
    use crate::backend::{app_state, services::help_center};
    let state = app_state()?;
    help_center::search(&state.search, &q, lang, 10)
}

/// The published articles of a category in one language (a category page).
#[server(prefix = "/api/fn", endpoint = "help-center/category", input = GetUrl)]
pub async fn get_category(
    category: String,
    lang: Language,
    #[server(default)] cursor: Option<String>,
) -> Result<ArticlePage, AppError> {
    use crate::backend::{app_state, services::help_center};
    let state = app_state()?;
    help_center::list_articles(
        &state.db,
        Some(lang),
        Some(&category),
        cursor.as_deref(),
        help_center::MAX_PAGE,
    )
    .await
}

/// "Was this helpful?" (visitors too).
#[server(prefix = "/api/fn", endpoint = "help-center/feedback")]
pub async fn send_article_feedback(slug: String, helpful: bool) -> Result<(), AppError> {
    use crate::backend::{app_state, services::help_center};
    let state = app_state()?;
    let response_options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .unwrap_or_default();
    let secure = state.settings.public_url.starts_with("https://");
    let (visitor, new_cookie) = crate::backend::visitor::visitor_or_new(&headers, secure);
    if let (Some(cookie), Some(response)) = (new_cookie, response_options) {
        response.append_header(axum::http::header::SET_COOKIE, cookie);
    }
    let user = crate::backend::auth::current_user().await?;
    help_center::record_feedback(
        &state.db,
        user.as_ref(),
        &visitor,
        &slug,
        crate::domain::ArticleFeedback { helpful },
        chrono::Utc::now(),
    )
    .await
}

/// What the new-ticket form suggests for what the customer typed.
#[server(prefix = "/api/fn", endpoint = "help-center/suggestions", input = GetUrl)]
pub async fn get_suggestions(
    q: String,
    lang: Language,
    #[server(default)] attempt: Option<String>,
) -> Result<Suggestions, AppError> {
    use crate::backend::services::help_center;
    let (state, user) = crate::backend::auth::signed_in().await?;
    help_center::suggestions(
        &state.db,
        &state.search,
        &user,
        &q,
        lang,
        attempt.as_deref().filter(|a| !a.is_empty()),
        chrono::Utc::now(),
    )
    .await
}

/// A step of the new-ticket form's deflection attempt (a suggested article opened).
#[server(prefix = "/api/fn", endpoint = "help-center/deflection-step")]
pub async fn record_deflection_step(attempt: String, step: DeflectionStep) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::deflection::record_deflection(
        &state.db,
        &user,
        &attempt,
        step,
        chrono::Utc::now(),
    )
    .await
}

/// The authors' list of articles (drafts too).
#[server(prefix = "/api/fn", endpoint = "help-center/authored", input = GetUrl)]
pub async fn list_authored(
    #[server(default)] status: Option<String>,
    #[server(default)] cursor: Option<String>,
) -> Result<AuthoredArticlePage, AppError> {
    use crate::backend::services::help_center;
    let (state, user) = crate::backend::auth::signed_in().await?;
    help_center::authored_list(
        &state.db,
        &user,
        status.as_deref(),
        cursor.as_deref(),
        help_center::MAX_PAGE,
    )
    .await
}

/// What the article editor opens with: the article (or a new one, possibly pre-filled from a
/// ticket) and the categories in use.
#[server(prefix = "/api/fn", endpoint = "help-center/editor", input = GetUrl)]
pub async fn get_article_editor(
    #[server(default)] id: Option<i64>,
    #[server(default)] ticket: Option<String>,
) -> Result<(Option<AuthoredArticle>, ArticleDraft, Vec<String>), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::help_center::editor(&state.db, &user, id, ticket).await
}

/// Saves an article (new when `id` is absent), as the editor's form sends it: tags
/// comma-separated, `published` present when checked.
#[server(prefix = "/api/fn", endpoint = "help-center/save")]
pub async fn save_article(
    #[server(default)] id: Option<i64>,
    #[server(default)] slug: String,
    title: String,
    lang: Language,
    #[server(default)] category: String,
    #[server(default)] tags: String,
    #[server(default)] body_markdown: String,
    #[server(default)] published: Option<String>,
    #[server(default)] translation_of: Option<String>,
) -> Result<AuthoredArticle, AppError> {
    use crate::backend::services::help_center;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let draft = ArticleDraft {
        slug,
        title,
        lang,
        category,
        tags: tags.split(',').map(|t| t.trim().to_owned()).collect(),
        body_markdown,
        published: published.is_some_and(|p| p != "false"),
        translation_of,
    };
    help_center::save_article(&state.db, &user, id, draft, chrono::Utc::now()).await
}

/// Deletes an article.
#[server(prefix = "/api/fn", endpoint = "help-center/delete")]
pub async fn delete_article(id: i64) -> Result<(), AppError> {
    use crate::backend::services::help_center;
    let (state, user) = crate::backend::auth::signed_in().await?;
    help_center::delete_article(&state.db, &user, id, chrono::Utc::now()).await
}

/// The editor's live preview: the Markdown as readers will see it.
#[server(prefix = "/api/fn", endpoint = "help-center/preview")]
pub async fn preview_article(body_markdown: String) -> Result<String, AppError> {
    use crate::backend::services::help_center;
    let user = crate::backend::auth::require_user().await?;
    help_center::preview(&user, &body_markdown)
}

/// The search synonyms, one group per line.
#[server(prefix = "/api/fn", endpoint = "help-center/synonyms", input = GetUrl)]
pub async fn get_synonyms() -> Result<SynonymGroups, AppError> {
    use crate::backend::services::help_center;
    let (state, user) = crate::backend::auth::signed_in().await?;
    help_center::synonyms(&state.db, &user).await
}

/// Saves the synonyms typed one group per line, entries separated by commas.
#[server(prefix = "/api/fn", endpoint = "help-center/synonyms/save")]
pub async fn save_synonyms(text: String) -> Result<SynonymGroups, AppError> {
    use crate::backend::services::help_center;
    let (state, user) = crate::backend::auth::signed_in().await?;
    help_center::set_synonyms(
        &state.db,
        &user,
        SynonymGroups::from_lines(&text),
        chrono::Utc::now(),
    )
    .await
}

/// The deflection report (dates `YYYY-MM-DD`; the last eight weeks by default).
#[server(prefix = "/api/fn", endpoint = "help-center/deflection-report", input = GetUrl)]
pub async fn get_deflection_report(
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
) -> Result<DeflectionReport, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::deflection::deflection_report(
        &state.db,
        &user,
        from.as_deref(),
        to.as_deref(),
        chrono::Utc::now(),
    )
    .await
}
