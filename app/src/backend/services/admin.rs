//! Administration (PRODUCT.md "Administration", API.md "Administration"): departments and their
//! agents, people, organizations and their members, ticket types and fields, service levels
//! and calendars, priority texts, limits. Admins write, leads read; every write validates all
//! fields at once (field errors), changes nothing when one is wrong, and is recorded in the
//! audit log in the same transaction. Nothing referred to by history is deleted: `DELETE`
//! deactivates.

mod departments;
mod mailboxes;
mod organizations;
mod people;
mod service_levels;
mod ticket_types;

pub use departments::*;
pub use mailboxes::*;
pub use organizations::*;
pub use people::*;
pub use service_levels::*;
pub use ticket_types::*;

use crate::backend::services::validation::Errors;
use crate::domain::{DepartmentAdmin, OrganizationAdmin, SlaCalendar, TicketTypeAdmin};
use crate::error::{AppError, Entity};

/// Something an admin names (a department, an organization, a ticket type, a calendar).
trait Named {
    fn name(&self) -> &str;
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn name(&self) -> &str {
                &self.name
            }
        }
    )*};
}
named!(
    DepartmentAdmin,
    OrganizationAdmin,
    SlaCalendar,
    TicketTypeAdmin
);

/// The name a save leaves (the `name` field): the one given, checked (at most `max`
/// characters), else the saved item's (`before`).
fn saved_name<T: Named>(
    errors: &mut Errors,
    given: Option<&str>,
    before: Option<&T>,
    max: usize,
) -> String {
    errors.name_or(given, before.map(Named::name), max)
}

/// What a save changes: `None` when it creates one (no `id`), else the `entity` that `load`
/// finds by its id, or not found when there is none.
async fn existing<T>(
    id: Option<i64>,
    entity: Entity,
    load: impl AsyncFnOnce(i64) -> Result<Option<T>, AppError>,
) -> Result<Option<T>, AppError> {
    match id {
        Some(id) => load(id).await?.ok_or(AppError::not_found(entity)).map(Some),
        None => Ok(None),
    }
}
