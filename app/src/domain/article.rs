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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// Other articles on the same subject (at most 5).
    #[serde(default)]
    pub related: Vec<ArticleLink>,
}

/// A page of published articles (API.md `GET /api/v1/articles`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticlePage {
    pub items: Vec<ArticleSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A link to another article (related articles).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleLink {
    pub slug: String,
    pub title: String,
}

/// A "Was this helpful?" vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleFeedback {
    pub helpful: bool,
}

/// What the new-ticket form suggests while the customer types (API.md `GET
/// /api/v1/suggestions`): up to 3 articles and up to 3 similar open tickets of their own
/// organization.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestions {
    pub articles: Vec<ArticleHit>,
    pub similar_tickets: Vec<super::TicketSummary>,
}

/// A step of a deflection attempt the browser reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeflectionStep {
    /// The customer opened a suggested article.
    Opened,
    /// The customer left the form without submitting it.
    Left,
}

/// One week of the deflection report (weeks start on Monday, UTC).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeflectionWeek {
    pub week_start: chrono::NaiveDate,
    /// New-ticket forms that suggested at least one article.
    pub suggestions_shown: i64,
    /// Suggested articles opened.
    pub articles_opened: i64,
    /// Forms left without a ticket after opening a suggested article.
    pub deflected: i64,
    /// Forms submitted after opening a suggested article.
    pub submitted_anyway: i64,
    /// `deflected / suggestions_shown` (0 when nothing was shown).
    pub deflection_rate: f64,
}

/// The deflection report over a date range.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeflectionReport {
    pub from: chrono::NaiveDate,
    /// Inclusive.
    pub to: chrono::NaiveDate,
    pub weeks: Vec<DeflectionWeek>,
    pub total: DeflectionWeek,
}

/// An article as its author writes it (`POST`/`PATCH /api/v1/admin/articles`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleDraft {
    /// Derived from the title when empty.
    #[serde(default)]
    pub slug: String,
    pub title: String,
    pub lang: Language,
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub body_markdown: String,
    #[serde(default)]
    pub published: bool,
    /// The slug of the article this one translates.
    #[serde(default)]
    pub translation_of: Option<String>,
}

/// An article on the authors' side: its source, status and votes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthoredArticle {
    pub id: i64,
    pub draft: ArticleDraft,
    pub updated_at: DateTime<Utc>,
    pub helpful: i64,
    pub not_helpful: i64,
}

/// A line of the authors' article list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthoredArticleSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub lang: Language,
    pub category: String,
    pub published: bool,
    pub updated_at: DateTime<Utc>,
    pub helpful: i64,
    pub not_helpful: i64,
}

/// A page of the authors' list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthoredArticlePage {
    pub items: Vec<AuthoredArticleSummary>,
    pub next_cursor: Option<String>,
}

/// Search synonyms: groups of words or short phrases that mean the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SynonymGroups {
    pub groups: Vec<Vec<String>>,
}

/// `PATCH /api/v1/admin/articles/{id}`: the fields to change (`translation_of: ""` unlinks).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticlePatch {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub lang: Option<Language>,
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    pub body_markdown: Option<String>,
    pub published: Option<bool>,
    pub translation_of: Option<String>,
}

impl SynonymGroups {
    /// Groups typed one per line, entries separated by commas.
    pub fn from_lines(text: &str) -> Self {
        SynonymGroups {
            groups: text
                .lines()
                .map(|line| {
                    line.split(',')
                        .map(|w| w.trim().to_owned())
                        .filter(|w| !w.is_empty())
                        .collect::<Vec<_>>()
                })
                .filter(|g| !g.is_empty())
                .collect(),
        }
    }

    /// One group per line, entries separated by commas.
    pub fn to_lines(&self) -> String {
        self.groups
            .iter()
            .map(|g| g.join(", "))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
