//! Suggestions while a customer writes a new ticket: articles, and similar open tickets of their
//! organization that they may see.
use super::search::search;
use super::search::MAX_QUERY_CHARS;

use crate::backend::db::deflection;
use crate::backend::db::tickets::ListFilter;
use crate::backend::search::SearchIndex;
use crate::backend::services::deflection::check_attempt_key;
use crate::backend::services::tickets;
use crate::backend::Db;
use crate::domain::ListSort;
use crate::domain::{CurrentUser, Language, Suggestions, TicketStatus, TicketSummary};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

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
