//! Help-center search: the in-memory index kept in step with the published articles on every
//! instance, and the query that answers the search box.
use super::synonyms::synonyms_in;
use super::synonyms::SYNONYMS_KEY;

use crate::backend::db::articles::{self, ArticleRow};
use crate::backend::db::settings;
use crate::backend::markdown;
use crate::backend::search::{SearchDoc, SearchIndex, Synonyms};
use crate::backend::Db;
use crate::domain::{ArticleHit, ArticleHits, Language};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

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

/// What the search index holds of one article.
#[derive(Debug, Clone, PartialEq)]
struct Indexed {
    slug: String,
    changed_at: DateTime<Utc>,
    visible_in: Vec<Language>,
}

/// What the search index last saw of the articles table and of the synonyms setting (see
/// [`sync_search`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchMark {
    revision: Option<i64>,
    synonyms_changed: Option<DateTime<Utc>>,
    /// By article id: what the index has.
    indexed: HashMap<i64, Indexed>,
}

/// Brings the search index up to date with the articles table and the synonyms: a cheap
/// check of the articles' revision (raised by every write, here or on another instance),
/// then, when it moved, a comparison of every published article with what the index holds:
/// new, edited, renamed or re-linked ones are indexed again; withdrawn, deleted and renamed
/// ones leave. Returns how many articles were touched.
pub async fn sync_search(
    db: &Db,
    index: &SearchIndex,
    mark: &mut SearchMark,
) -> Result<usize, AppError> {
    let mut c = db.acquire().await?;
    let synonyms_changed = settings::changed_at(c.conn(), SYNONYMS_KEY).await?;
    if synonyms_changed != mark.synonyms_changed || mark.revision.is_none() {
        let groups = synonyms_in(c.conn()).await?;
        index.set_synonyms(Synonyms::new(&groups.groups));
        mark.synonyms_changed = synonyms_changed;
    }
    // Read before the rows: a write committing in between is seen now or next time.
    let revision = articles::revision(c.conn()).await?;
    if Some(revision) == mark.revision {
        return Ok(0);
    }
    let rows = articles::all(c.conn()).await?;
    drop(c);
    let first = mark.revision.is_none();
    let lang_of = |r: &ArticleRow| Language::from_tag(&r.lang).unwrap_or_default();
    let partners = translation_partners(&rows);
    let mut now_indexed: HashMap<i64, Indexed> = HashMap::new();
    let mut upserts = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.status != "published" {
            continue;
        }
        let lang = lang_of(r);
        let translated_into: HashSet<Language> = partners[i]
            .iter()
            .map(|&p| &rows[p])
            .filter(|p| p.status == "published")
            .map(lang_of)
            .collect();
        // Searchable in its language, and in the other one until translated into it.
        let visible_in: Vec<Language> = Language::ALL
            .iter()
            .copied()
            .filter(|l| *l == lang || !translated_into.contains(l))
            .collect();
        let entry = Indexed {
            slug: r.slug.clone(),
            changed_at: r.changed_at,
            visible_in: visible_in.clone(),
        };
        if first || mark.indexed.get(&r.id) != Some(&entry) {
            upserts.push(SearchDoc {
                slug: r.slug.clone(),
                title: r.title.clone(),
                lang,
                category: r.category.clone(),
                tags: r.tags.0.clone(),
                body_text: markdown::to_text(&r.body_markdown),
                visible_in,
            });
        }
        now_indexed.insert(r.id, entry);
    }
    // Gone from the index: no longer published (or deleted), or published under another slug.
    let removals: Vec<String> = mark
        .indexed
        .iter()
        .filter(|(id, old)| now_indexed.get(*id).is_none_or(|new| new.slug != old.slug))
        .map(|(_, old)| old.slug.clone())
        .collect();
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
    mark.revision = Some(revision);
    mark.indexed = now_indexed;
    Ok(n)
}

/// Each row's translations (both directions of `translation_of_id`), by row position.
pub(crate) fn translation_partners(rows: &[ArticleRow]) -> Vec<Vec<usize>> {
    let position: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut partners: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if let Some(&o) = r.translation_of_id.and_then(|id| position.get(&id)) {
            partners[i].push(o);
            partners[o].push(i);
        }
    }
    partners
}
