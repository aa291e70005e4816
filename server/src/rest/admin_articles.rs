//! Help-center administration (API.md "Administration"): articles for authors, search
//! synonyms, the deflection report. Who may do what is decided in the service layer.

// Imports, not logic: the same crates as its neighbours. jscpd:ignore-start
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;

use app::backend::services::help_center;
use app::backend::AppState;
use app::domain::{
    ArticleDraft, ArticlePatch, AuthoredArticle, AuthoredArticlePage, DeflectionReport,
    SynonymGroups,
};
use app::error::{AppError, Entity};

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;
// jscpd:ignore-end

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuthoredQuery {
    /// `draft` or `published`; both when absent.
    pub status: Option<String>,
    /// 1–100, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Every article, drafts included, newest first, with "Was this helpful?" votes (writers
/// and leads).
#[utoipa::path(get, path = "/api/v1/admin/articles", tag = "administration",
    params(AuthoredQuery),
    responses(
        (status = 200, body = AuthoredArticlePage),
        (status = 403, body = Problem),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuthoredQuery>,
) -> Result<ApiJson<AuthoredArticlePage>, Problem> {
    help_center::authored_list(
        &state.db,
        &caller.user,
        query.status.as_deref(),
        query.cursor.as_deref(),
        query.limit.unwrap_or(50),
    )
    .await
    .map(ApiJson)
    .map_err(Problem::from)
}

fn article_id(id: &str) -> Result<i64, Box<Problem>> {
    id.parse()
        .map_err(|_| Box::new(Problem::from(AppError::not_found(Entity::Article))))
}

/// Write an article (admins and agents with the editor right). Published articles are
/// searchable within a second.
#[utoipa::path(post, path = "/api/v1/admin/articles", tag = "administration",
    request_body = ArticleDraft,
    responses(
        (status = 201, body = AuthoredArticle),
        (status = 403, body = Problem),
        (status = 422, body = Problem, description = "field errors"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(draft): ApiJson<ArticleDraft>,
) -> Result<(StatusCode, ApiJson<AuthoredArticle>), Problem> {
    help_center::save_article(&state.db, &caller.user, None, draft, Utc::now())
        .await
        .map(|a| (StatusCode::CREATED, ApiJson(a)))
        .map_err(Problem::from)
}

/// One article, drafts too.
#[utoipa::path(get, path = "/api/v1/admin/articles/{id}", tag = "administration",
    params(("id" = i64, Path, description = "Article id")),
    responses(
        (status = 200, body = AuthoredArticle),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    ))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<ApiJson<AuthoredArticle>, Problem> {
    let id = article_id(&id).map_err(|p| *p)?;
    help_center::authored(&state.db, &caller.user, id)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Change some fields of an article (publish: `{"published": true}`).
#[utoipa::path(patch, path = "/api/v1/admin/articles/{id}", tag = "administration",
    params(("id" = i64, Path, description = "Article id")),
    request_body = ArticlePatch,
    responses(
        (status = 200, body = AuthoredArticle),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, body = Problem, description = "field errors"),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ArticlePatch>,
) -> Result<ApiJson<AuthoredArticle>, Problem> {
    let id = article_id(&id).map_err(|p| *p)?;
    help_center::patch_article(&state.db, &caller.user, id, body, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Delete an article (its votes go with it; its translations stay, unlinked).
#[utoipa::path(delete, path = "/api/v1/admin/articles/{id}", tag = "administration",
    params(("id" = i64, Path, description = "Article id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let id = article_id(&id).map_err(|p| *p)?;
    help_center::delete_article(&state.db, &caller.user, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The search synonyms in force (writers and leads read them).
#[utoipa::path(get, path = "/api/v1/admin/synonyms", tag = "administration",
    responses((status = 200, body = SynonymGroups), (status = 403, body = Problem)))]
pub async fn synonyms(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<SynonymGroups>, Problem> {
    help_center::synonyms(&state.db, &caller.user)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Replace the search synonyms (admins); every instance applies them within a second.
#[utoipa::path(put, path = "/api/v1/admin/synonyms", tag = "administration",
    request_body = SynonymGroups,
    responses(
        (status = 200, body = SynonymGroups),
        (status = 403, body = Problem),
        (status = 422, body = Problem, description = "field errors"),
    ))]
pub async fn put_synonyms(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<SynonymGroups>,
) -> Result<ApiJson<SynonymGroups>, Problem> {
    help_center::set_synonyms(&state.db, &caller.user, body, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// First day (`YYYY-MM-DD`); default: 8 weeks ago.
    pub from: Option<String>,
    /// Last day, inclusive; default: today.
    pub to: Option<String>,
}

/// Ticket deflection per week: forms that suggested articles, articles opened, forms left
/// without a ticket after opening one, and the rate (admins and leads).
#[utoipa::path(get, path = "/api/v1/admin/reports/deflection", tag = "administration",
    params(ReportQuery),
    responses(
        (status = 200, body = DeflectionReport),
        (status = 403, body = Problem),
        (status = 422, body = Problem, description = "bad dates"),
    ))]
pub async fn deflection_report(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ReportQuery>,
) -> Result<ApiJson<DeflectionReport>, Problem> {
    app::backend::services::deflection::deflection_report(
        &state.db,
        &caller.user,
        query.from.as_deref(),
        query.to.as_deref(),
        Utc::now(),
    )
    .await
    .map(ApiJson)
    .map_err(Problem::from)
}
