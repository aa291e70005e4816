//! Help-center use cases.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::{
    ArticleHit, ArticleHits, ArticleSummary, ArticleTranslation, ArticleView, CategorySummary,
    HelpCenterHome, Language,
};
use crate::error::{AppError, Entity};
use crate::server::db::articles::{self, ArticleRow, ArticleUpsert};
use crate::server::db::Tx;
use crate::server::kb::KbArticle;
use crate::server::markdown;
use crate::server::search::{SearchDoc, SearchIndex};
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
    let rows = articles::all(c.conn()).await?;
    drop(c);
    let first = *mark == SearchMark::default();
    let since = mark.last_change;
    let lang_of = |r: &ArticleRow| Language::from_tag(&r.lang).unwrap_or_default();
    let position: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    // Each article's translations (both directions of `translation_of_id`), by row position.
    let mut partners: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if let Some(&o) = r.translation_of_id.and_then(|id| position.get(&id)) {
            partners[i].push(o);
            partners[o].push(i);
        }
    }
    let mut changed = vec![false; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if first || since.is_none_or(|s| r.changed_at > s) {
            changed[i] = true;
            for &p in &partners[i] {
                changed[p] = true;
            }
        }
    }
    let mut upserts = Vec::new();
    let mut removals = Vec::new();
    for (i, r) in rows.iter().enumerate().filter(|(i, _)| changed[*i]) {
        if r.status != "published" {
            removals.push(r.slug.clone());
            continue;
        }
        let lang = lang_of(r);
        let translated_into: HashSet<Language> = partners[i]
            .iter()
            .map(|&p| &rows[p])
            .filter(|p| p.status == "published")
            .map(lang_of)
            .collect();
        upserts.push(SearchDoc {
            slug: r.slug.clone(),
            title: r.title.clone(),
            lang,
            category: r.category.clone(),
            tags: r.tags.0.clone(),
            body_text: markdown::to_text(&r.body_markdown),
            // Searchable in its language, and in the other one until translated into it.
            visible_in: Language::ALL
                .iter()
                .copied()
                .filter(|l| *l == lang || !translated_into.contains(l))
                .collect(),
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

/// A published article, rendered and sanitised; 404 for drafts and unknown slugs.
pub async fn article(db: &Db, slug: &str) -> Result<ArticleView, AppError> {
    let mut c = db.acquire().await?;
    let row = articles::find_published(c.conn(), slug)
        .await?
        .ok_or(AppError::not_found(Entity::Article))?;
    let translations = articles::translations(c.conn(), row.id, row.translation_of_id)
        .await?
        .into_iter()
        .filter_map(|(lang, slug)| {
            Language::from_tag(&lang).map(|lang| ArticleTranslation { lang, slug })
        })
        .collect();
    // The page shows the title itself; a body that repeats it as its first heading drops it.
    let body = markdown::without_leading_title(&row.body_markdown);
    let text = markdown::to_text(body);
    Ok(ArticleView {
        body_html: markdown::to_safe_html(body),
        description: summary(&text, &row.title),
        slug: row.slug,
        title: row.title,
        lang: Language::from_tag(&row.lang).unwrap_or_default(),
        category: row.category,
        tags: row.tags.0,
        updated_at: row.updated_at,
        translations,
    })
}

/// The first ~160 characters of the text, cut at a word (the page's meta description).
fn summary(text: &str, title: &str) -> String {
    let body = text.trim_start().strip_prefix(title).unwrap_or(text);
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 160 {
        return flat;
    }
    let cut: String = flat.chars().take(160).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_is_short_and_cut_at_a_word() {
        let long = "palavra ".repeat(60);
        let s = summary(&long, "Título");
        assert!(s.chars().count() <= 161 && s.ends_with('…'), "{s}");
        assert_eq!(summary("Título\nCurto.", "Título"), "Curto.");
    }
}
