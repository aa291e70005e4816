//! SQL for help-center articles.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::Conn;
use crate::domain::Language;
use crate::on_conn;

/// What an article says, the columns every write of one sets.
pub struct ArticleContent<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub lang: Language,
    pub category: &'a str,
    pub tags: &'a [String],
    pub body_markdown: &'a str,
    pub published: bool,
}

impl ArticleContent<'_> {
    /// The `status` column.
    fn status(&self) -> &'static str {
        if self.published {
            "published"
        } else {
            "draft"
        }
    }
}

/// Binds an [`ArticleContent`]'s columns in the order the writes below number them: slug,
/// title, lang, category, tags, body, status.
macro_rules! bind_content {
    ($query:expr, $content:expr) => {{
        let a: &ArticleContent<'_> = $content;
        $query
            .bind(a.slug)
            .bind(a.title)
            .bind(a.lang.code())
            .bind(a.category)
            .bind(Json(a.tags))
            .bind(a.body_markdown)
            .bind(a.status())
    }};
}

pub struct ArticleUpsert<'a> {
    pub content: ArticleContent<'a>,
    pub updated_at: DateTime<Utc>,
    /// When this write happens (`changed_at`: the search index's cue).
    pub changed_at: DateTime<Utc>,
}

/// Inserts an article or, when its slug exists, replaces its content. Returns the id.
pub async fn upsert_by_slug(mut c: Conn<'_>, a: &ArticleUpsert<'_>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO articles (slug, title, lang, category, tags, body_markdown, status,
                              created_at, updated_at, published_at, changed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)
        ON CONFLICT (slug) DO UPDATE SET
            title = excluded.title, lang = excluded.lang, category = excluded.category,
            tags = excluded.tags, body_markdown = excluded.body_markdown, status = excluded.status,
            updated_at = excluded.updated_at, published_at = excluded.published_at,
            changed_at = excluded.changed_at
        RETURNING id"#;
    let published_at = a.content.published.then_some(a.updated_at);
    let id = on_conn!(c.reborrow(), conn => bind_content!(sqlx::query_scalar(SQL), &a.content)
        .bind(a.updated_at)
        .bind(published_at)
        .bind(a.changed_at)
        .fetch_one(&mut *conn)
        .await)?;
    bump_revision(c).await?;
    Ok(id)
}

/// Links a translation to its original, both by slug. Returns false when either is missing.
pub async fn link_translation(
    mut c: Conn<'_>,
    slug: &str,
    original_slug: &str,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = r#"
        UPDATE articles SET translation_of_id = (SELECT id FROM articles WHERE slug = $2)
        WHERE slug = $1 AND EXISTS (SELECT 1 FROM articles WHERE slug = $2)"#;
    let done = on_conn!(c.reborrow(), conn => sqlx::query(SQL).bind(slug).bind(original_slug).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    bump_revision(c).await?;
    Ok(done == 1)
}

/// Published article counts per category in one language.
pub async fn category_counts(
    c: Conn<'_>,
    lang: Language,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT category, COUNT(*) FROM articles
        WHERE lang = $1 AND status = 'published'
        GROUP BY category ORDER BY category"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(lang.code()).fetch_all(&mut *conn).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArticleListRow {
    pub slug: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub updated_at: DateTime<Utc>,
}

/// The most recently updated published articles in one language.
pub async fn recent(
    c: Conn<'_>,
    lang: Language,
    limit: i64,
) -> Result<Vec<ArticleListRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT slug, title, lang, category, updated_at FROM articles
        WHERE lang = $1 AND status = 'published'
        ORDER BY updated_at DESC, id DESC
        LIMIT $2"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(lang.code()).bind(limit).fetch_all(&mut *conn).await)
}

pub async fn count(c: Conn<'_>) -> Result<i64, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT COUNT(*) FROM articles").fetch_one(&mut *conn).await)
}

/// One article, whole: for its page and for the search index.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub tags: Json<Vec<String>>,
    pub body_markdown: String,
    pub status: String,
    pub translation_of_id: Option<i64>,
    /// The revision date readers see.
    pub updated_at: DateTime<Utc>,
    /// When the row was last written (see migration 7).
    pub changed_at: DateTime<Utc>,
}

const ARTICLE_COLUMNS: &str = "id, slug, title, lang, category, tags, body_markdown, status, \
     translation_of_id, updated_at, COALESCE(changed_at, updated_at) AS changed_at";

/// Every article, published or not (a withdrawn article must leave the search index).
pub async fn all(c: Conn<'_>) -> Result<Vec<ArticleRow>, sqlx::Error> {
    let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id");
    on_conn!(c, conn => sqlx::query_as(&sql).fetch_all(&mut *conn).await)
}

/// A published article by slug.
pub async fn find_published(c: Conn<'_>, slug: &str) -> Result<Option<ArticleRow>, sqlx::Error> {
    let sql =
        format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE slug = $1 AND status = 'published'");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(slug).fetch_optional(&mut *conn).await)
}

/// The published translations of an article: (language, slug).
pub async fn translations(
    c: Conn<'_>,
    id: i64,
    translation_of_id: Option<i64>,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT lang, slug FROM articles
        WHERE status = 'published' AND id <> $1 AND (id = $2 OR translation_of_id = $1)
        ORDER BY lang"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(id).bind(translation_of_id).fetch_all(&mut *conn).await)
}

/// Published articles, by slug, after `after_slug` (the cursor), optionally of one language
/// and category. One more row than `limit` says there is a next page.
pub async fn list_published(
    c: Conn<'_>,
    lang: Option<Language>,
    category: Option<&str>,
    after_slug: Option<&str>,
    limit: i64,
) -> Result<Vec<ArticleListRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT slug, title, lang, category, updated_at FROM articles
        WHERE status = 'published'
          AND ($1 IS NULL OR lang = $1)
          AND ($2 IS NULL OR category = $2)
          AND ($3 IS NULL OR slug > $3)
        ORDER BY slug
        LIMIT $4"#;
    on_conn!(c, conn => sqlx::query_as(SQL)
        .bind(lang.map(Language::code))
        .bind(category)
        .bind(after_slug)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await)
}

/// An article by id, whatever its status (authors' view).
pub async fn find(c: Conn<'_>, id: i64) -> Result<Option<ArticleRow>, sqlx::Error> {
    let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1");
    on_conn!(c, conn => sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await)
}

/// An article's id by slug, whatever its status.
pub async fn id_by_slug(c: Conn<'_>, slug: &str) -> Result<Option<i64>, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT id FROM articles WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await)
}

/// A line of the authors' list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthorListRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub status: String,
    pub updated_at: DateTime<Utc>,
    pub helpful: i64,
    pub not_helpful: i64,
}

/// Every article, drafts included, newest id first, after `before_id` (the cursor); with
/// their "Was this helpful?" counts. One more row than `limit` says there is a next page.
pub async fn list_for_authors(
    c: Conn<'_>,
    status: Option<&str>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AuthorListRow>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT a.id, a.slug, a.title, a.lang, a.category, a.status, a.updated_at,
               (SELECT COUNT(*) FROM article_feedback f
                 WHERE f.article_id = a.id AND f.helpful) AS helpful,
               (SELECT COUNT(*) FROM article_feedback f
                 WHERE f.article_id = a.id AND NOT f.helpful) AS not_helpful
        FROM articles a
        WHERE ($1 IS NULL OR a.status = $1) AND ($2 IS NULL OR a.id < $2)
        ORDER BY a.id DESC
        LIMIT $3"#;
    on_conn!(c, conn => sqlx::query_as(SQL)
        .bind(status)
        .bind(before_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await)
}

/// The categories in use, for authors to pick from.
pub async fn categories(c: Conn<'_>) -> Result<Vec<String>, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT DISTINCT category FROM articles ORDER BY category")
        .fetch_all(&mut *conn)
        .await)
}

/// An article as an author writes it.
pub struct ArticleWrite<'a> {
    pub content: ArticleContent<'a>,
    pub translation_of_id: Option<i64>,
    pub author_id: i64,
    pub now: DateTime<Utc>,
}

pub async fn insert(mut c: Conn<'_>, a: &ArticleWrite<'_>) -> Result<i64, sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO articles (slug, title, lang, category, tags, body_markdown, status,
                              translation_of_id, author_id, created_at, updated_at,
                              published_at, changed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $10)
        RETURNING id"#;
    let id = on_conn!(c.reborrow(), conn => bind_content!(sqlx::query_scalar(SQL), &a.content)
        .bind(a.translation_of_id)
        .bind(a.author_id)
        .bind(a.now)
        .bind(a.content.published.then_some(a.now))
        .fetch_one(&mut *conn)
        .await)?;
    bump_revision(c).await?;
    Ok(id)
}

/// Replaces an article's content; the first publication keeps its date.
pub async fn update(mut c: Conn<'_>, id: i64, a: &ArticleWrite<'_>) -> Result<bool, sqlx::Error> {
    const SQL: &str = r#"
        UPDATE articles SET slug = $2, title = $3, lang = $4, category = $5, tags = $6,
            body_markdown = $7, status = $8, translation_of_id = $9, updated_at = $10,
            changed_at = $10,
            published_at = CASE WHEN $8 = 'published' THEN COALESCE(published_at, $10) END
        WHERE id = $1"#;
    let done = on_conn!(c.reborrow(), conn => bind_content!(sqlx::query(SQL).bind(id), &a.content)
        .bind(a.translation_of_id)
        .bind(a.now)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    bump_revision(c).await?;
    Ok(done == 1)
}

/// Deletes an article with its votes; its translations stay, unlinked.
pub async fn delete(mut c: Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    on_conn!(c.reborrow(), conn => sqlx::query(
        "UPDATE articles SET translation_of_id = NULL, changed_at = $2 WHERE translation_of_id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    on_conn!(c.reborrow(), conn => sqlx::query("DELETE FROM article_feedback WHERE article_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    let done = on_conn!(c.reborrow(), conn => sqlx::query("DELETE FROM articles WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    bump_revision(c).await?;
    Ok(done == 1)
}

/// One "Was this helpful?" vote per voter and article: voting again changes the vote.
pub async fn record_feedback(
    c: Conn<'_>,
    article_id: i64,
    helpful: bool,
    user_id: Option<i64>,
    voter: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO article_feedback (article_id, helpful, user_id, voter, created_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (article_id, voter) WHERE voter IS NOT NULL
        DO UPDATE SET helpful = excluded.helpful, created_at = excluded.created_at"#;
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(article_id)
        .bind(helpful)
        .bind(user_id)
        .bind(voter)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// `(helpful, not helpful)` votes of an article.
pub async fn feedback_counts(c: Conn<'_>, article_id: i64) -> Result<(i64, i64), sqlx::Error> {
    const SQL: &str = r#"
        SELECT COALESCE(SUM(CASE WHEN helpful THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN helpful THEN 0 ELSE 1 END), 0)
        FROM article_feedback WHERE article_id = $1"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(article_id).fetch_one(&mut *conn).await)
}

/// Raises the articles' revision (migration 9): every write below does, after its change.
async fn bump_revision(c: Conn<'_>) -> Result<(), sqlx::Error> {
    on_conn!(c, conn => sqlx::query("UPDATE article_revision SET n = n + 1 WHERE id = 1")
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

/// The articles' revision: it changes whenever an article is written.
pub async fn revision(c: Conn<'_>) -> Result<i64, sqlx::Error> {
    on_conn!(c, conn => sqlx::query_scalar("SELECT n FROM article_revision WHERE id = 1")
        .fetch_one(&mut *conn)
        .await)
}
