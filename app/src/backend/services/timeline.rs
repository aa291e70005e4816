//! A ticket's timeline for staff: every recorded change, with the names of who made it.

use crate::backend::db::{departments, workspace, Conn};
use crate::domain::{HistoryEntry, NamedRef};
use crate::error::AppError;

/// The ticket's timeline with names instead of ids.
pub async fn history_of(c: Conn<'_>, ticket_id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let mut c = c;
    let rows = workspace::history(c.reborrow(), ticket_id).await?;
    let user_ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.field == "assignee")
        .flat_map(|r| [r.old_value.as_deref(), r.new_value.as_deref()])
        .flatten()
        .filter_map(|v| v.parse().ok())
        .collect();
    let users = workspace::user_names(c.reborrow(), &user_ids).await?;
    let departments = departments::list(c.reborrow()).await?;
    let types = workspace::type_names(c.reborrow()).await?;
    let name = |field: &str, value: Option<String>| -> Option<String> {
        let value = value?;
        let id = value.parse::<i64>().ok();
        Some(match field {
            "assignee" => users
                .iter()
                .find(|(u, _)| Some(*u) == id)
                .map_or(value.clone(), |(_, n)| n.clone()),
            "department" => departments
                .iter()
                .find(|(d, _)| Some(*d) == id)
                .map_or(value.clone(), |(_, n)| n.clone()),
            "type" => types
                .iter()
                .find(|(k, _, _)| *k == value)
                .map_or(value.clone(), |(_, n, _)| n.clone()),
            _ => value,
        })
    };
    Ok(rows
        .into_iter()
        .map(|r| HistoryEntry {
            actor: r
                .actor_id
                .zip(r.actor_name)
                .map(|(id, name)| NamedRef { id, name }),
            old_value: name(&r.field, r.old_value),
            new_value: name(&r.field, r.new_value),
            field: r.field,
            created_at: r.created_at,
        })
        .collect())
}
