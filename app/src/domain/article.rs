use chrono::{DateTime, Utc};

use super::Language;

/// A help-center category with the number of published articles in one language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CategorySummary {
    pub slug: String,
    pub article_count: i64,
}

/// A line of an article list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub lang: Language,
    pub category: String,
    pub updated_at: DateTime<Utc>,
}

/// What the help-center home shows: categories with counts and the latest articles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HelpCenterHome {
    pub categories: Vec<CategorySummary>,
    pub recent: Vec<ArticleSummary>,
}

/// One search result (API.md `GET /api/v1/articles/search`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleHit {
    pub slug: String,
    pub title: String,
    /// An excerpt, HTML-escaped, with the matched words in `<mark>`.
    pub snippet: String,
    /// Relevance; comparable within one search only.
    pub score: f32,
    pub lang: Language,
    pub category: String,
}

/// Search results, best first; empty when nothing answers the query.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleHits {
    pub items: Vec<ArticleHit>,
}

/// A translation of an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleTranslation {
    pub lang: Language,
    pub slug: String,
}

/// A published article (API.md `GET /api/v1/articles/{slug}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleView {
    pub slug: String,
    pub title: String,
    pub lang: Language,
    pub category: String,
    pub tags: Vec<String>,
    /// The body rendered from Markdown and sanitised (no script, style, event handlers or
    /// foreign frames: only formatting, links and images).
    pub body_html: String,
    /// A plain-text summary for the page's meta description.
    pub description: String,
    pub updated_at: DateTime<Utc>,
    pub translations: Vec<ArticleTranslation>,
}
