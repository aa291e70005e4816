//! Help-center use cases.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::{
    ArticleDraft, ArticleFeedback, ArticleHit, ArticleHits, ArticleLink, ArticlePage, ArticlePatch,
    ArticleSummary, ArticleTranslation, ArticleView, AuthoredArticle, AuthoredArticlePage,
    AuthoredArticleSummary, CategorySummary, CurrentUser, HelpCenterHome, Language, Role, Suggestions, SynonymGroups, TicketStatus,
    TicketSummary,
};
use crate::error::{AppError, Entity, FieldError};
use crate::backend::db::articles::{self, ArticleRow, ArticleUpsert, ArticleWrite};
use crate::backend::db::tickets::{ListFilter, ListSort};
use crate::backend::db::{deflection, settings, Conn, Tx};
use crate::backend::kb::KbArticle;
use crate::backend::markdown;
use crate::backend::search::{self, SearchDoc, SearchIndex, Synonyms, DEFAULT_SYNONYMS};
use crate::backend::services::{split_page, text_within, tickets};
use crate::backend::Db;
use crate::backend::services::deflection::check_attempt_key;

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
        .map(summary_of)
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
fn translation_partners(rows: &[ArticleRow]) -> Vec<Vec<usize>> {
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

/// The settings key of the admin-edited search synonyms.
pub const SYNONYMS_KEY: &str = "search.synonyms";
/// At most this many synonym groups, of at most this many entries of at most this many
/// characters.
pub const MAX_SYNONYM_GROUPS: usize = 500;
pub const MAX_SYNONYMS_PER_GROUP: usize = 20;
pub const MAX_SYNONYM_CHARS: usize = 60;

async fn synonyms_in(c: Conn<'_>) -> Result<SynonymGroups, AppError> {
    let stored = settings::get(c, SYNONYMS_KEY).await?;
    Ok(match stored {
        Some((value, _)) => serde_json::from_value(value.0).unwrap_or_else(|error| {
            tracing::error!(%error, "unreadable search synonyms: the defaults apply");
            default_synonyms()
        }),
        None => default_synonyms(),
    })
}

fn default_synonyms() -> SynonymGroups {
    SynonymGroups {
        groups: DEFAULT_SYNONYMS
            .iter()
            .map(|g| g.iter().map(|w| (*w).to_owned()).collect())
            .collect(),
    }
}

/// The search synonyms in force (the defaults until an admin saves others). Writers and
/// leads read them.
pub async fn synonyms(db: &Db, user: &CurrentUser) -> Result<SynonymGroups, AppError> {
    if !user.may_read_article_drafts() {
        return Err(AppError::Forbidden);
    }
    let mut c = db.acquire().await?;
    synonyms_in(c.conn()).await
}

/// Replaces the search synonyms (admins). Entries are trimmed; empty ones and groups left
/// with fewer than two entries are dropped. Every instance applies them within a second.
pub async fn set_synonyms(
    db: &Db,
    user: &CurrentUser,
    input: SynonymGroups,
    now: DateTime<Utc>,
) -> Result<SynonymGroups, AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let mut groups = Vec::new();
    let mut errors = Vec::new();
    for group in &input.groups {
        let mut seen = HashSet::new();
        let entries: Vec<String> = group
            .iter()
            .map(|w| w.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|w| !w.is_empty() && seen.insert(search::fold(w)))
            .collect();
        if entries.len() > MAX_SYNONYMS_PER_GROUP {
            errors.push(FieldError::new("groups", "too_many_entries"));
        }
        if entries
            .iter()
            .any(|w| w.chars().count() > MAX_SYNONYM_CHARS)
        {
            errors.push(FieldError::new("groups", "too_long"));
        }
        if entries.len() >= 2 {
            groups.push(entries);
        }
    }
    if groups.len() > MAX_SYNONYM_GROUPS {
        errors.push(FieldError::new("groups", "too_many_entries"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    let clean = SynonymGroups { groups };
    let value = serde_json::to_value(&clean).map_err(anyhow::Error::from)?;
    let mut c = db.acquire().await?;
    settings::put(c.conn(), SYNONYMS_KEY, &value, now).await?;
    Ok(clean)
}

/// Most articles one page of `GET /api/v1/articles` lists.
pub const MAX_PAGE: i64 = 100;

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
    slug: &str,
    feedback: ArticleFeedback,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut c = db.acquire().await?;
    let row = articles::find_published(c.conn(), slug)
        .await?
        .ok_or(AppError::not_found(Entity::Article))?;
    articles::insert_feedback(c.conn(), row.id, feedback.helpful, user.map(|u| u.id), now).await?;
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

/// How many articles and similar tickets the new-ticket form shows.
pub const SUGGESTED_ARTICLES: usize = 3;
pub const SIMILAR_TICKETS: usize = 3;
/// What the new-ticket form suggests for what the customer has typed: articles, and open
/// tickets of their organization that they may see with a similar subject. With an
/// `attempt`, a form that showed articles counts in the deflection report.
pub async fn suggestions(
    db: &Db,
    index: &SearchIndex,
    user: &CurrentUser,
    query: &str,
    lang: Language,
    attempt: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Suggestions, AppError> {
    if let Some(key) = attempt {
        check_attempt_key(key)?;
    }
    let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let articles = search(index, &query, lang, SUGGESTED_ARTICLES)?.items;
    let similar_tickets = similar_open_tickets(db, index, user, &query).await?;
    // Deflection is about customers' forms: support staff trying the form count nothing.
    if let Some(key) = attempt.filter(|_| user.role.belongs_to_organization()) {
        if !articles.is_empty() {
            let mut tx = db.begin().await?;
            let org = user.organization.as_ref().map(|o| o.id);
            deflection::start(tx.conn(), key, user.id, org, now).await?;
            deflection::record(tx.conn(), key, user.id, deflection::Step::Shown, now).await?;
            tx.commit().await?;
        }
    }
    Ok(Suggestions {
        articles,
        similar_tickets,
    })
}

/// Open tickets of the caller's organization (those they may see) whose subject shares words
/// with the query: at least two, or the whole subject when it is a single word.
async fn similar_open_tickets(
    db: &Db,
    index: &SearchIndex,
    user: &CurrentUser,
    query: &str,
) -> Result<Vec<TicketSummary>, AppError> {
    if user.organization.is_none() {
        return Ok(Vec::new());
    }
    let asked: Vec<HashSet<String>> = index
        .word_forms(query)
        .into_iter()
        .map(|forms| forms.into_iter().collect())
        .collect();
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let filter = ListFilter {
        statuses: vec![TicketStatus::Open, TicketStatus::Answered],
        ..ListFilter::default()
    };
    let page = tickets::list_tickets(db, user, filter, ListSort::UpdatedDesc, None, 100).await?;
    let mut scored: Vec<(usize, TicketSummary)> = page
        .items
        .into_iter()
        .filter_map(|t| {
            let subject = index.word_forms(&t.subject);
            let shared = subject
                .iter()
                .filter(|forms| asked.iter().any(|a| forms.iter().any(|f| a.contains(f))))
                .count();
            (shared >= 2 || (shared == 1 && subject.len() == 1)).then_some((shared, t))
        })
        .collect();
    // Most words in common first; the list came newest first and the sort is stable.
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    Ok(scored
        .into_iter()
        .take(SIMILAR_TICKETS)
        .map(|(_, t)| t)
        .collect())
}

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
pub const MAX_SLUG_CHARS: usize = 120;
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
    d.title = d.title.trim().to_owned();
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
        slug: &d.slug,
        title: &d.title,
        lang: d.lang,
        category: &d.category,
        tags: &d.tags,
        body_markdown: &d.body_markdown,
        published: d.published,
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
