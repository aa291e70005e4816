//! Search synonyms admins edit (one group per line), applied by every instance.

use crate::backend::db::{settings, Conn};
use crate::backend::search::{self, DEFAULT_SYNONYMS};
use crate::backend::Db;
use crate::domain::{CurrentUser, Role, SynonymGroups};
use crate::error::{AppError, FieldError};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// The settings key of the admin-edited search synonyms.
pub const SYNONYMS_KEY: &str = "search.synonyms";

/// At most this many synonym groups, of at most this many entries of at most this many
/// characters.
pub const MAX_SYNONYM_GROUPS: usize = 500;

pub const MAX_SYNONYMS_PER_GROUP: usize = 20;

pub const MAX_SYNONYM_CHARS: usize = 60;

pub(crate) async fn synonyms_in(c: Conn<'_>) -> Result<SynonymGroups, AppError> {
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
    // Sizes first: no input-sized work on a list that is refused anyway.
    if input.groups.len() > MAX_SYNONYM_GROUPS
        || input
            .groups
            .iter()
            .any(|g| g.len() > 2 * MAX_SYNONYMS_PER_GROUP)
    {
        return Err(AppError::validation("groups", "too_many_entries"));
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
