//! Help-center use cases.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::{
    ArticleHit, ArticleHits, ArticleSummary, CategorySummary, HelpCenterHome, Language,
};
use crate::error::AppError;
use crate::server::db::articles::{self, ArticleUpsert, IndexRow};
use crate::server::db::Tx;
use crate::server::kb::KbArticle;
use crate::server::search::{SearchDoc, SearchIndex};
use crate::server::search_eval::markdown_text;
use crate::server::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    pub articles: usize,
    pub translations_linked: usize,
}

/// Creates or updates articles by slug, then links translations, in one transaction:
/// importing the same folder twice leaves the same content.
pub async fn import_articles(db: &Db, items: &[KbArticle]) -> Result<ImportReport, AppError> {
    let mut tx = db.begin().await?;
    let report = import_articles_in(&mut tx, items).await?;
    tx.commit().await?;
    Ok(report)
}

/// [`import_articles`] as a step of a larger transaction.
pub async fn import_articles_in(
    tx: &mut Tx,
    items: &[KbArticle],
) -> Result<ImportReport, AppError> {
    for a in items {
        let upsert = ArticleUpsert {
            slug: &a.slug,
            title: &a.title,
            lang: a.lang,
            category: &a.category,
            tags: &a.tags,
            body_markdown: &a.body_markdown,
            published: true,
            updated_at: a.updated_at,
            changed_at: Utc::now(),
        };
        articles::upsert_by_slug(tx.conn(), &upsert).await?;
    }
    let mut linked = 0;
    for a in items {
        if let Some(original) = &a.translation_of {
            if articles::link_translation(tx.conn(), &a.slug, original).await? {
                linked += 1;
            }
        }
    }
    Ok(ImportReport {
        articles: items.len(),
        translations_linked: linked,
    })
}

/// The public help-center home in one language.
pub async fn home(db: &Db, lang: Language) -> Result<HelpCenterHome, AppError> {
    let mut c = db.acquire().await?;
    let categories = articles::category_counts(c.conn(), lang)
        .await?
        .into_iter()
        .map(|(slug, article_count)| CategorySummary {
            slug,
            article_count,
        })
        .collect();
    let recent = articles::recent(c.conn(), lang, 6)
        .await?
        .into_iter()
        .map(|r| ArticleSummary {
            slug: r.slug,
            title: r.title,
            lang: Language::from_tag(&r.lang).unwrap_or_default(),
            category: r.category,
            updated_at: r.updated_at,
        })
        .collect();
    Ok(HelpCenterHome { categories, recent })
}

/// Longest query text searched (longer input is cut, not refused: it is what someone typed).
pub const MAX_QUERY_CHARS: usize = 200;
/// Most results one search returns.
pub const MAX_RESULTS: usize = 10;

/// Help-center search, as visitors, customers and the ticket form use it.
pub fn search(
    index: &SearchIndex,
    query: &str,
    lang: Language,
    limit: usize,
) -> Result<ArticleHits, AppError> {
    let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let hits = index
        .search(&query, lang, limit.clamp(1, MAX_RESULTS))
        .map_err(|error| {
            tracing::error!(%error, "search failed");
            AppError::Internal
        })?;
    Ok(ArticleHits {
        items: hits
            .into_iter()
            .map(|h| ArticleHit {
                slug: h.slug,
                title: h.title,
                snippet: h.snippet_html,
                score: h.score,
                lang: h.lang,
                category: h.category,
            })
            .collect(),
    })
}

/// What the search index last saw of the articles table (see [`sync_search`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchMark {
    count: i64,
    last_change: Option<DateTime<Utc>>,
}

/// Brings the search index up to date with the articles table: a cheap check, then, when
/// something changed (here or on another instance), the changed articles and their
/// translations are re-indexed (published) or removed (drafts). Returns how many were.
pub async fn sync_search(
    db: &Db,
    index: &SearchIndex,
    mark: &mut SearchMark,
) -> Result<usize, AppError> {
    let mut c = db.acquire().await?;
    let (count, last_change) = articles::change_mark(c.conn()).await?;
    let now = SearchMark { count, last_change };
    if now == *mark {
        return Ok(0);
    }
    let rows = articles::index_rows(c.conn()).await?;
    drop(c);
    let since = mark.last_change;
    let first = *mark == SearchMark::default();
    let lang_of = |r: &IndexRow| Language::from_tag(&r.lang).unwrap_or_default();
    let by_id: HashMap<i64, &IndexRow> = rows.iter().map(|r| (r.id, r)).collect();
    // Published translations of each article, by language.
    let mut translated: HashSet<(i64, Language)> = HashSet::new();
    for r in &rows {
        if let Some(original) = r.translation_of_id.and_then(|id| by_id.get(&id)) {
            if r.status == "published" {
                translated.insert((original.id, lang_of(r)));
            }
            if original.status == "published" {
                translated.insert((r.id, lang_of(original)));
            }
        }
    }
    let changed: HashSet<i64> = rows
        .iter()
        .filter(|r| first || since.is_none_or(|s| r.changed_at > s))
        .flat_map(|r| {
            let partners = rows
                .iter()
                .filter(move |p| {
                    p.translation_of_id == Some(r.id) || r.translation_of_id == Some(p.id)
                })
                .map(|p| p.id);
            std::iter::once(r.id).chain(partners)
        })
        .collect();
    let mut upserts = Vec::new();
    let mut removals = Vec::new();
    for r in rows.iter().filter(|r| changed.contains(&r.id)) {
        if r.status != "published" {
            removals.push(r.slug.clone());
            continue;
        }
        let lang = lang_of(r);
        let mut visible_in = vec![lang];
        visible_in.extend(
            Language::ALL
                .iter()
                .filter(|l| **l != lang && !translated.contains(&(r.id, **l))),
        );
        upserts.push(SearchDoc {
            slug: r.slug.clone(),
            title: r.title.clone(),
            lang,
            category: r.category.clone(),
            tags: r.tags.0.clone(),
            body_text: markdown_text(&r.body_markdown),
            visible_in,
        });
    }
    let n = upserts.len() + removals.len();
    let result = if first {
        index.rebuild(&upserts)
    } else {
        index.update(&upserts, &removals)
    };
    result.map_err(|error| {
        tracing::error!(%error, "search index update failed");
        AppError::Internal
    })?;
    *mark = now;
    Ok(n)
}
