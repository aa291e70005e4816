//! A ticket's timeline for staff: every recorded change, with the names of who made it.

use crate::backend::db::{departments, stored, workspace, Conn};
use crate::domain::{HistoryEntry, HistoryField, NamedRef};
use crate::error::AppError;

/// The ticket's timeline with names instead of ids.
pub async fn history_of(c: Conn<'_>, ticket_id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let mut c = c;
    let rows = workspace::history(c.reborrow(), ticket_id).await?;
    let fields = rows
        .iter()
        .map(|r| stored(&r.field))
        .collect::<Result<Vec<HistoryField>, _>>()?;
    let user_ids: Vec<i64> = rows
        .iter()
        .zip(&fields)
        .filter(|(_, f)| **f == HistoryField::Assignee)
        .map(|(r, _)| r)
        .flat_map(|r| [r.old_value.as_deref(), r.new_value.as_deref()])
        .flatten()
        .filter_map(|v| v.parse().ok())
        .collect();
    let users = workspace::user_names(c.reborrow(), &user_ids).await?;
    let departments = departments::list(c.reborrow()).await?;
    let types = workspace::type_names(c.reborrow()).await?;
    let name = |field: HistoryField, value: Option<String>| -> Option<String> {
        let value = value?;
        let id = value.parse::<i64>().ok();
        Some(match field {
            HistoryField::Assignee => users
                .iter()
                .find(|(u, _)| Some(*u) == id)
                .map_or(value.clone(), |(_, n)| n.clone()),
            HistoryField::Department => departments
                .iter()
                .find(|(d, _)| Some(*d) == id)
                .map_or(value.clone(), |(_, n)| n.clone()),
            HistoryField::Type => types
                .iter()
                .find(|(k, _, _)| *k == value)
                .map_or(value.clone(), |(_, n, _)| n.clone()),
            _ => value,
        })
    };
    Ok(rows
        .into_iter()
        .zip(fields)
        .map(|(r, field)| HistoryEntry {
            actor: r
                .actor_id
                .zip(r.actor_name)
                .map(|(id, name)| NamedRef { id, name }),
            old_value: name(field, r.old_value),
            new_value: name(field, r.new_value),
            field,
            created_at: r.created_at,
        })
        .collect())
}
