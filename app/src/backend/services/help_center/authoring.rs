//! Writing the help center: drafts, publishing, translations, previews, and an article drafted
//! from an answered ticket.
use super::{MAX_PAGE, MAX_SLUG_CHARS};

use crate::backend::db::articles::{self, ArticleContent, ArticleWrite};
use crate::backend::db::Conn;
use crate::backend::markdown;
use crate::backend::services::{require, split_page, tickets};
use crate::backend::Db;
use crate::domain::text_within;
use crate::domain::{
    ArticleDraft, ArticlePatch, AuthoredArticle, AuthoredArticlePage, AuthoredArticleSummary,
    CurrentUser, Language, Role,
};
use crate::error::{AppError, Entity, FieldError};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// The categories in use, drafts' included (the editor offers them; writers only).
pub async fn categories(db: &Db, user: &CurrentUser) -> Result<Vec<String>, AppError> {
    if !user.may_write_articles() {
        return Err(AppError::Forbidden);
    }
    let mut c = db.acquire().await?;
    Ok(articles::categories(c.conn()).await?)
}

/// Longest title, slug, category, tag and body an author may write.
pub const MAX_TITLE_CHARS: usize = 200;

pub const MAX_CATEGORY_CHARS: usize = 60;

pub const MAX_TAGS: usize = 20;

pub const MAX_TAG_CHARS: usize = 60;

pub const MAX_BODY_CHARS: usize = 100_000;

/// Slugs the help center's own pages use.
const RESERVED_SLUGS: &[&str] = &["busca", "categoria"];

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_CHARS
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Checks and tidies an author's draft; field errors name every problem at once.
fn clean_draft(mut d: ArticleDraft) -> Result<ArticleDraft, AppError> {
    let mut errors = Vec::new();
    d.title = crate::domain::single_line(&d.title);
    d.category = d.category.trim().to_owned();
    d.slug = d.slug.trim().to_owned();
    if d.slug.is_empty() {
        d.slug = slug::slugify(&d.title);
        d.slug.truncate(MAX_SLUG_CHARS);
        d.slug = d.slug.trim_end_matches('-').to_owned();
    }
    if let Err(code) = text_within(&d.title, MAX_TITLE_CHARS) {
        errors.push(FieldError::new("title", code));
    }
    if !d.title.is_empty() && !is_slug(&d.slug) {
        errors.push(FieldError::new("slug", "invalid_slug"));
    } else if RESERVED_SLUGS.contains(&d.slug.as_str()) {
        // `/ajuda/busca` is the search page.
        errors.push(FieldError::new("slug", "taken"));
    }
    if d.category.is_empty() {
        errors.push(FieldError::new("category", "required"));
    } else if !is_slug(&d.category) || d.category.len() > MAX_CATEGORY_CHARS {
        errors.push(FieldError::new("category", "invalid_slug"));
    }
    let mut seen = HashSet::new();
    d.tags = d
        .tags
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty() && seen.insert(t.to_lowercase()))
        .collect();
    if d.tags.len() > MAX_TAGS {
        errors.push(FieldError::new("tags", "too_many_tags"));
    } else if d.tags.iter().any(|t| t.chars().count() > MAX_TAG_CHARS) {
        errors.push(FieldError::new("tags", "too_long"));
    }
    if let Err(code) = text_within(d.body_markdown.trim(), MAX_BODY_CHARS) {
        errors.push(FieldError::new("body_markdown", code));
    }
    d.translation_of = d
        .translation_of
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(AppError::Validation { errors })
    }
}

/// The authors' list: drafts and published, newest first, with votes.
pub async fn authored_list(
    db: &Db,
    user: &CurrentUser,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> Result<AuthoredArticlePage, AppError> {
    if !user.may_read_article_drafts() {
        return Err(AppError::Forbidden);
    }
    let status = match status.filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("draft" | "published")) => Some(s),
        Some(_) => return Err(AppError::validation("status", "invalid")),
    };
    let before = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| AppError::validation("cursor", "invalid"))?,
        ),
    };
    let limit = limit.clamp(1, MAX_PAGE);
    let mut c = db.acquire().await?;
    let rows = articles::list_for_authors(c.conn(), status, before, limit + 1).await?;
    let (rows, next_cursor) = split_page(rows, limit, |r| r.id.to_string());
    Ok(AuthoredArticlePage {
        items: rows
            .into_iter()
            .map(|r| AuthoredArticleSummary {
                id: r.id,
                lang: Language::from_tag(&r.lang).unwrap_or_default(),
                published: r.status == "published",
                slug: r.slug,
                title: r.title,
                category: r.category,
                updated_at: r.updated_at,
                helpful: r.helpful,
                not_helpful: r.not_helpful,
            })
            .collect(),
        next_cursor,
    })
}

async fn authored_in(mut c: Conn<'_>, id: i64) -> Result<AuthoredArticle, AppError> {
    let row = articles::find(c.reborrow(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Article))?;
    let translation_of = match row.translation_of_id {
        Some(o) => articles::find(c.reborrow(), o).await?.map(|r| r.slug),
        None => None,
    };
    let (helpful, not_helpful) = articles::feedback_counts(c, id).await?;
    Ok(AuthoredArticle {
        id: row.id,
        draft: ArticleDraft {
            slug: row.slug,
            title: row.title,
            lang: Language::from_tag(&row.lang).unwrap_or_default(),
            category: row.category,
            tags: row.tags.0,
            body_markdown: row.body_markdown,
            published: row.status == "published",
            translation_of,
        },
        updated_at: row.updated_at,
        helpful,
        not_helpful,
    })
}

/// One article on the authors' side (drafts too).
pub async fn authored(db: &Db, user: &CurrentUser, id: i64) -> Result<AuthoredArticle, AppError> {
    if !user.may_read_article_drafts() {
        return Err(AppError::Forbidden);
    }
    let mut c = db.acquire().await?;
    authored_in(c.conn(), id).await
}

/// Writes an article (new when `id` is `None`): checks, slug uniqueness and the translation
/// link (an existing article in the other language), in one transaction. Publishing makes it
/// searchable on every instance within a second.
pub async fn save_article(
    db: &Db,
    user: &CurrentUser,
    id: Option<i64>,
    draft: ArticleDraft,
    now: DateTime<Utc>,
) -> Result<AuthoredArticle, AppError> {
    if !user.may_write_articles() {
        return Err(AppError::Forbidden);
    }
    let d = clean_draft(draft)?;
    let mut tx = db.begin().await?;
    if let Some(id) = id {
        if articles::find(tx.conn(), id).await?.is_none() {
            return Err(AppError::not_found(Entity::Article));
        }
    }
    let mut errors = Vec::new();
    if let Some(other) = articles::id_by_slug(tx.conn(), &d.slug).await? {
        if Some(other) != id {
            errors.push(FieldError::new("slug", "taken"));
        }
    }
    let mut translation_of_id = None;
    if let Some(original) = &d.translation_of {
        match articles::id_by_slug(tx.conn(), original).await? {
            Some(o) if Some(o) != id => {
                let lang = articles::find(tx.conn(), o).await?.map(|r| r.lang);
                if lang.as_deref() == Some(d.lang.code()) {
                    errors.push(FieldError::new("translation_of", "same_language"));
                } else {
                    translation_of_id = Some(o);
                }
            }
            _ => errors.push(FieldError::new("translation_of", "not_found")),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    let write = ArticleWrite {
        content: ArticleContent {
            slug: &d.slug,
            title: &d.title,
            lang: d.lang,
            category: &d.category,
            tags: &d.tags,
            body_markdown: &d.body_markdown,
            published: d.published,
        },
        translation_of_id,
        author_id: user.id,
        now,
    };
    let id = match id {
        Some(id) => {
            articles::update(tx.conn(), id, &write).await?;
            id
        }
        None => articles::insert(tx.conn(), &write).await?,
    };
    let saved = authored_in(tx.conn(), id).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Changes some fields of an article (the REST `PATCH`).
pub async fn patch_article(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    patch: ArticlePatch,
    now: DateTime<Utc>,
) -> Result<AuthoredArticle, AppError> {
    if !user.may_write_articles() {
        return Err(AppError::Forbidden);
    }
    let mut d = {
        let mut c = db.acquire().await?;
        authored_in(c.conn(), id).await?.draft
    };
    if let Some(v) = patch.slug {
        d.slug = v;
    }
    if let Some(v) = patch.title {
        d.title = v;
    }
    if let Some(v) = patch.lang {
        d.lang = v;
    }
    if let Some(v) = patch.category {
        d.category = v;
    }
    if let Some(v) = patch.tags {
        d.tags = v;
    }
    if let Some(v) = patch.body_markdown {
        d.body_markdown = v;
    }
    if let Some(v) = patch.published {
        d.published = v;
    }
    if let Some(v) = patch.translation_of {
        d.translation_of = Some(v);
    }
    save_article(db, user, Some(id), d, now).await
}

/// Deletes an article (its votes go with it; translations stay, unlinked).
pub async fn delete_article(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !user.may_write_articles() {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    if !articles::delete(tx.conn(), id, now).await? {
        return Err(AppError::not_found(Entity::Article));
    }
    tx.commit().await?;
    Ok(())
}

/// The live preview of the editor: the body as readers will see it.
pub fn preview(user: &CurrentUser, body_markdown: &str) -> Result<String, AppError> {
    if !user.may_write_articles() {
        return Err(AppError::Forbidden);
    }
    if body_markdown.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::validation("body_markdown", "too_long"));
    }
    Ok(markdown::to_safe_html(body_markdown))
}

/// A new article pre-filled from a ticket support answered: its subject as the title and the
/// last public support answer as the body.
pub async fn draft_from_ticket(
    db: &Db,
    user: &CurrentUser,
    ticket: &str,
) -> Result<ArticleDraft, AppError> {
    if !user.may_write_articles() {
        return Err(AppError::Forbidden);
    }
    let detail = tickets::get_ticket(db, user, ticket).await?;
    let answer = detail
        .messages
        .iter()
        .rev()
        .find(|m| {
            !m.internal
                && m.author
                    .as_ref()
                    .is_some_and(|a| a.role.parse::<Role>().is_ok_and(|r| r.is_staff()))
        })
        .map(|m| m.body.clone())
        .unwrap_or_default();
    Ok(ArticleDraft {
        slug: String::new(),
        title: detail.ticket.subject.clone(),
        lang: user.language,
        category: String::new(),
        tags: Vec::new(),
        body_markdown: answer,
        published: false,
        translation_of: None,
    })
}

/// What the article editor opens with (writers only): the article (or a new one in the
/// writer's language, or one drafted from a ticket) and the categories in use.
pub async fn editor(
    db: &Db,
    user: &CurrentUser,
    id: Option<i64>,
    ticket: Option<String>,
) -> Result<(Option<AuthoredArticle>, ArticleDraft, Vec<String>), AppError> {
    require(user.may_write_articles())?;
    let categories = categories(db, user).await?;
    match (id, ticket.filter(|t| !t.is_empty())) {
        (Some(id), _) => {
            let article = authored(db, user, id).await?;
            let draft = article.draft.clone();
            Ok((Some(article), draft, categories))
        }
        (None, Some(ticket)) => Ok((
            None,
            draft_from_ticket(db, user, &ticket).await?,
            categories,
        )),
        (None, None) => Ok((
            None,
            ArticleDraft {
                lang: user.language,
                ..ArticleDraft::default()
            },
            categories,
        )),
    }
}
