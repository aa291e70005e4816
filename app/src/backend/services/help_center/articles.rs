//! Reading the help center: the home, categories, articles with related ones, the sitemap,
//! votes, and importing articles from Markdown.
use super::search::translation_partners;
use super::search::MAX_QUERY_CHARS;
use super::{MAX_PAGE, MAX_SLUG_CHARS};

use crate::backend::db::articles::{self, ArticleContent, ArticleRow, ArticleUpsert};
use crate::backend::db::Tx;
use crate::backend::kb::KbArticle;
use crate::backend::markdown;
use crate::backend::search::SearchIndex;
use crate::backend::services::split_page;
use crate::backend::Db;
use crate::domain::{
    ArticleFeedback, ArticleLink, ArticlePage, ArticleSummary, ArticleTranslation, ArticleView,
    CategorySummary, CurrentUser, HelpCenterHome, Language,
};
use crate::error::{AppError, Entity};
use chrono::{DateTime, Utc};

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
            content: ArticleContent {
                slug: &a.slug,
                title: &a.title,
                lang: a.lang,
                category: &a.category,
                tags: &a.tags,
                body_markdown: &a.body_markdown,
                published: true,
            },
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
        .map(summary_of)
        .collect();
    Ok(HelpCenterHome { categories, recent })
}

/// A published article, rendered and sanitised; 404 for drafts and unknown slugs.
pub async fn article(db: &Db, index: &SearchIndex, slug: &str) -> Result<ArticleView, AppError> {
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
    drop(c);
    let mut view = ArticleView {
        body_html: markdown::to_safe_html(body),
        description: summary(&text, &row.title),
        slug: row.slug,
        title: row.title,
        lang: Language::from_tag(&row.lang).unwrap_or_default(),
        category: row.category,
        tags: row.tags.0,
        updated_at: row.updated_at,
        translations,
        related: Vec::new(),
    };
    view.related = related(db, index, &view, RELATED_ARTICLES).await?;
    Ok(view)
}

/// How many related articles an article page shows.
pub const RELATED_ARTICLES: usize = 5;

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

/// Published articles by slug, optionally of one language and category.
pub async fn list_articles(
    db: &Db,
    lang: Option<Language>,
    category: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<ArticlePage, AppError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let after = cursor.filter(|c| !c.is_empty());
    if after.is_some_and(|c| c.len() > MAX_SLUG_CHARS) {
        return Err(AppError::validation("cursor", "invalid"));
    }
    let mut c = db.acquire().await?;
    let rows = articles::list_published(c.conn(), lang, category, after, limit + 1).await?;
    let (rows, next_cursor) = split_page(rows, limit, |r| r.slug.clone());
    Ok(ArticlePage {
        items: rows.into_iter().map(summary_of).collect(),
        next_cursor,
    })
}

fn summary_of(r: articles::ArticleListRow) -> ArticleSummary {
    ArticleSummary {
        lang: Language::from_tag(&r.lang).unwrap_or_default(),
        slug: r.slug,
        title: r.title,
        category: r.category,
        updated_at: r.updated_at,
    }
}

/// `/sitemap.xml`: the help-center home and every published article, with its revision
/// date and its translations as alternates.
pub async fn sitemap(db: &Db, base_url: &str) -> Result<String, AppError> {
    let base = base_url.trim_end_matches('/');
    let mut c = db.acquire().await?;
    let rows = articles::all(c.conn()).await?;
    drop(c);
    let partners = translation_partners(&rows);
    let published = |r: &ArticleRow| r.status == "published";
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset \
         xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    xml.push_str(&format!("<url><loc>{}/</loc></url>\n", escape(base)));
    for (i, r) in rows.iter().enumerate().filter(|(_, r)| published(r)) {
        xml.push_str(&format!(
            "<url><loc>{}/ajuda/{}</loc><lastmod>{}</lastmod>",
            escape(base),
            escape(&r.slug),
            r.updated_at.format("%Y-%m-%d")
        ));
        let others: Vec<&ArticleRow> = partners[i]
            .iter()
            .map(|&p| &rows[p])
            .filter(|p| published(p))
            .collect();
        if !others.is_empty() {
            for a in std::iter::once(r).chain(others) {
                xml.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}/ajuda/{}\"/>",
                    escape(&a.lang),
                    escape(base),
                    escape(&a.slug)
                ));
            }
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

/// Records a "Was this helpful?" vote on a published article (visitors too).
pub async fn record_feedback(
    db: &Db,
    user: Option<&CurrentUser>,
    visitor: &str,
    slug: &str,
    feedback: ArticleFeedback,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut c = db.acquire().await?;
    let row = articles::find_published(c.conn(), slug)
        .await?
        .ok_or(AppError::not_found(Entity::Article))?;
    let user_id = user.map(|u| u.id);
    let voter = crate::backend::visitor::voter(user_id, visitor);
    articles::record_feedback(c.conn(), row.id, feedback.helpful, user_id, &voter, now).await?;
    Ok(())
}

/// Articles shown beside another: what the search finds for its title and tags, then the
/// newest of its category.
pub async fn related(
    db: &Db,
    index: &SearchIndex,
    view: &ArticleView,
    limit: usize,
) -> Result<Vec<ArticleLink>, AppError> {
    let query: String = format!("{} {}", view.title, view.tags.join(" "))
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    let mut links: Vec<ArticleLink> = index
        .search(&query, view.lang, limit + 3)
        .unwrap_or_default()
        .into_iter()
        .filter(|h| h.slug != view.slug && !view.translations.iter().any(|t| t.slug == h.slug))
        .map(|h| ArticleLink {
            slug: h.slug,
            title: h.title,
        })
        .take(limit)
        .collect();
    if links.len() < limit {
        let mut c = db.acquire().await?;
        let same = articles::list_published(
            c.conn(),
            Some(view.lang),
            Some(&view.category),
            None,
            MAX_PAGE,
        )
        .await?;
        for r in same {
            if links.len() >= limit {
                break;
            }
            if r.slug != view.slug && !links.iter().any(|l| l.slug == r.slug) {
                links.push(ArticleLink {
                    slug: r.slug,
                    title: r.title,
                });
            }
        }
    }
    Ok(links)
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
