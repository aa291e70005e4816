//! Help center: public article search (API.md "Help center").

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;

use app::backend::services::help_center;
use app::backend::AppState;
use app::domain::{
    ArticleFeedback, ArticleHits, ArticlePage, DeflectionStep, Language, Suggestions,
};

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::{Problem, RequestLanguage};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// What the person typed.
    #[serde(default)]
    pub q: String,
    /// `pt-BR` or `en`; default: the request's `Accept-Language`.
    pub lang: Option<String>,
    /// At most this many results (1–10, default 5).
    pub limit: Option<usize>,
}

/// Search published articles, forgiving missing accents, typos and word forms. Results come
/// best first, only above the relevance threshold: an empty list when nothing answers.
#[utoipa::path(get, path = "/api/v1/articles/search", tag = "help center",
    params(SearchQuery),
    responses(
        (status = 200, body = ArticleHits),
        (status = 422, body = Problem, description = "unknown language"),
    ))]
pub async fn search(
    State(state): State<AppState>,
    RequestLanguage(request_lang): RequestLanguage,
    Query(query): Query<SearchQuery>,
) -> Result<ApiJson<ArticleHits>, Problem> {
    let lang = language_param(query.lang.as_deref(), request_lang)
        .map_err(|p| *p)?
        .unwrap_or(request_lang);
    help_center::search(&state.search, &query.q, lang, query.limit.unwrap_or(5))
        .map(ApiJson)
        .map_err(|e| Problem::from_error(&e, request_lang))
}

/// A published article: Markdown rendered and sanitised, with its translations.
#[utoipa::path(get, path = "/api/v1/articles/{slug}", tag = "help center",
    params(("slug" = String, Path, description = "The article's slug")),
    responses(
        (status = 200, body = app::domain::ArticleView),
        (status = 404, body = Problem, description = "no published article with that slug"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    RequestLanguage(lang): RequestLanguage,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Result<ApiJson<app::domain::ArticleView>, Problem> {
    help_center::article(&state.db, &state.search, &slug)
        .await
        .map(ApiJson)
        .map_err(|e| Problem::from_error(&e, lang))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `pt-BR` or `en`; all languages when absent.
    pub lang: Option<String>,
    /// A category slug.
    pub category: Option<String>,
    /// 1–100, default 50.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn language_param(
    tag: Option<&str>,
    request_lang: Language,
) -> Result<Option<Language>, Box<Problem>> {
    match tag {
        None | Some("") => Ok(None),
        Some(tag) => Language::from_tag(tag).map(Some).ok_or_else(|| {
            Box::new(Problem::from_error(
                &app::error::AppError::validation("lang", "invalid"),
                request_lang,
            ))
        }),
    }
}

/// Published articles by slug, optionally of one language and category.
#[utoipa::path(get, path = "/api/v1/articles", tag = "help center",
    params(ListQuery),
    responses(
        (status = 200, body = ArticlePage),
        (status = 422, body = Problem, description = "unknown language or cursor"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    RequestLanguage(request_lang): RequestLanguage,
    Query(query): Query<ListQuery>,
) -> Result<ApiJson<ArticlePage>, Problem> {
    let lang = language_param(query.lang.as_deref(), request_lang).map_err(|p| *p)?;
    let category = query.category.as_deref().filter(|c| !c.is_empty());
    help_center::list_articles(
        &state.db,
        lang,
        category,
        query.cursor.as_deref(),
        query.limit.unwrap_or(50),
    )
    .await
    .map(ApiJson)
    .map_err(|e| Problem::from_error(&e, request_lang))
}

/// "Was this helpful?": one vote on a published article (visitors too).
#[utoipa::path(post, path = "/api/v1/articles/{slug}/feedback", tag = "help center",
    params(("slug" = String, Path, description = "The article's slug")),
    request_body = ArticleFeedback,
    responses(
        (status = 204, description = "Recorded"),
        (status = 404, body = Problem, description = "no published article with that slug"),
    ))]
pub async fn feedback(
    State(state): State<AppState>,
    RequestLanguage(lang): RequestLanguage,
    caller: Option<Caller>,
    headers: axum::http::HeaderMap,
    axum::extract::Path(slug): axum::extract::Path<String>,
    ApiJson(body): ApiJson<ArticleFeedback>,
) -> Result<axum::response::Response, Problem> {
    use axum::response::IntoResponse;
    let secure = state.settings.public_url.starts_with("https://");
    let (visitor, new_cookie) = app::backend::visitor::visitor_or_new(&headers, secure);
    help_center::record_feedback(
        &state.db,
        caller.as_ref().map(|c| &c.user),
        &visitor,
        &slug,
        body,
        Utc::now(),
    )
    .await
    .map_err(|e| Problem::from_error(&e, lang))?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(cookie) = new_cookie {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SuggestionsQuery {
    /// What the customer is typing as subject and message.
    #[serde(default)]
    pub q: String,
    /// `pt-BR` or `en`; default: the caller's language.
    pub lang: Option<String>,
    /// The form's deflection attempt (a UUID it made up): forms that showed articles count in
    /// the deflection report.
    pub attempt: Option<String>,
}

/// Suggestions for the new-ticket form: up to 3 articles and up to 3 similar open tickets
/// of the caller's own organization.
#[utoipa::path(get, path = "/api/v1/suggestions", tag = "help center",
    params(SuggestionsQuery),
    responses(
        (status = 200, body = Suggestions),
        (status = 401, body = Problem),
        (status = 422, body = Problem, description = "unknown language or attempt"),
    ))]
pub async fn suggestions(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SuggestionsQuery>,
) -> Result<ApiJson<Suggestions>, Problem> {
    let lang = language_param(query.lang.as_deref(), caller.language())
        .map_err(|p| *p)?
        .unwrap_or(caller.user.language);
    help_center::suggestions(
        &state.db,
        &state.search,
        &caller.user,
        &query.q,
        lang,
        query.attempt.as_deref().filter(|a| !a.is_empty()),
        Utc::now(),
    )
    .await
    .map(ApiJson)
    .map_err(Problem::from)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeflectionStepRequest {
    pub step: DeflectionStep,
}

/// A step of a deflection attempt: `opened` (a suggested article) or `left` (the form,
/// without submitting: a deflection when an article was opened).
#[utoipa::path(post, path = "/api/v1/suggestions/{attempt}/steps", tag = "help center",
    params(("attempt" = String, Path, description = "The form's attempt")),
    request_body = DeflectionStepRequest,
    responses(
        (status = 204, description = "Recorded"),
        (status = 401, body = Problem),
        (status = 422, body = Problem, description = "unknown attempt"),
    ))]
pub async fn deflection_step(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(attempt): axum::extract::Path<String>,
    ApiJson(body): ApiJson<DeflectionStepRequest>,
) -> Result<StatusCode, Problem> {
    app::backend::services::deflection::record_deflection(
        &state.db,
        &caller.user,
        &attempt,
        body.step,
        Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /sitemap.xml`: the help-center home and every published article.
pub async fn sitemap(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match help_center::sitemap(&state.db, &state.settings.public_url).await {
        Ok(xml) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "application/xml; charset=utf-8",
            )],
            xml,
        )
            .into_response(),
        Err(e) => Problem::from_error(&e, Language::default()).into_response(),
    }
}
