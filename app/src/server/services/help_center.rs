//! Help-center use cases.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::{
    ArticleHit, ArticleHits, ArticleSummary, ArticleTranslation, ArticleView, CategorySummary,
    HelpCenterHome, Language,
};
use crate::error::{AppError, Entity};
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
    let body = without_leading_title(&row.body_markdown);
    let text = markdown_text(body);
    Ok(ArticleView {
        body_html: render_markdown(body),
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

/// Markdown to HTML an author cannot turn into an attack: raw HTML in the source is escaped
/// by the renderer's output passing through ammonia's allow-list (formatting, lists, tables,
/// code, links with `rel="noopener noreferrer"`, images), which drops scripts, styles, event
/// handlers, `javascript:` URLs and frames.
pub fn render_markdown(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

fn without_leading_title(markdown: &str) -> &str {
    let trimmed = markdown.trim_start();
    match trimmed.strip_prefix("# ") {
        Some(rest) => rest.split_once('\n').map(|(_, after)| after).unwrap_or(""),
        None => markdown,
    }
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
    fn author_html_never_reaches_the_page_as_markup() {
        let html = render_markdown(
            "Texto **forte** <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n\
             [link](javascript:alert(1)) [ok](https://exemplo.example/a)\n\n\
             <iframe src=\"https://mal.example\"></iframe>",
        );
        assert!(html.contains("<strong>forte</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(
            html.contains("href=\"https://exemplo.example/a\""),
            "{html}"
        );
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn the_leading_title_heading_is_dropped_and_the_summary_is_short() {
        let md = "# Título\n\nPrimeiro parágrafo.\n\n## Seção\n";
        assert_eq!(
            without_leading_title(md),
            "\nPrimeiro parágrafo.\n\n## Seção\n"
        );
        assert_eq!(without_leading_title("Sem título"), "Sem título");
        let long = "palavra ".repeat(60);
        let s = summary(&long, "Título");
        assert!(s.chars().count() <= 161 && s.ends_with('…'), "{s}");
    }
}
