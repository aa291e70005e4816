//! Help center: public article search (API.md "Help center").

use axum::extract::{Query, State};
use serde::Deserialize;

use app::domain::{ArticleHits, Language};
use app::server::services::help_center;
use app::server::AppState;

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
    let lang = match query.lang.as_deref() {
        None | Some("") => request_lang,
        Some(tag) => Language::from_tag(tag).ok_or_else(|| {
            Problem::from_error(
                &app::error::AppError::validation("lang", "invalid"),
                request_lang,
            )
        })?,
    };
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
    help_center::article(&state.db, &slug)
        .await
        .map(ApiJson)
        .map_err(|e| Problem::from_error(&e, lang))
}
