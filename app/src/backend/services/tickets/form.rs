//! What the new-ticket form offers the caller: the ticket types their plan allows, with their fields, and the departments.

use crate::backend::db::{departments, ticket_types};
use crate::backend::Db;
use crate::domain::{CurrentUser, NamedRef, TicketField, TicketTypeInfo};
use crate::error::AppError;

pub(crate) fn field_info(row: ticket_types::FieldRow) -> TicketField {
    TicketField {
        key: row.key,
        label: row.label,
        kind: row.kind,
        required: row.required,
        options: row.options.0,
    }
}

/// The ticket types the caller may open (their plan's; all for support staff).
pub async fn ticket_types_for(
    db: &Db,
    user: &CurrentUser,
) -> Result<Vec<TicketTypeInfo>, AppError> {
    let plan = if user.is_staff() {
        None
    } else {
        Some(
            user.organization
                .as_ref()
                .map(|o| o.plan)
                .ok_or(AppError::Forbidden)?,
        )
    };
    let mut c = db.acquire().await?;
    let mut types = Vec::new();
    for t in ticket_types::list_for_plan(c.conn(), plan).await? {
        let fields = ticket_types::fields_of(c.conn(), t.id)
            .await?
            .into_iter()
            .map(field_info)
            .collect();
        types.push(TicketTypeInfo {
            key: t.key,
            name: t.name,
            description: t.description,
            fields,
        });
    }
    Ok(types)
}

pub async fn departments(db: &Db) -> Result<Vec<NamedRef>, AppError> {
    let mut c = db.acquire().await?;
    Ok(departments::list_active(c.conn())
        .await?
        .into_iter()
        .map(|(id, name)| NamedRef { id, name })
        .collect())
}
