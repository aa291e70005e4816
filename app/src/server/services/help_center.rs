//! Help-center use cases.

use crate::domain::{ArticleSummary, CategorySummary, HelpCenterHome, Language};
use crate::error::AppError;
use crate::server::db::articles::{self, ArticleUpsert};
use crate::server::db::Tx;
use crate::server::kb::KbArticle;
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
