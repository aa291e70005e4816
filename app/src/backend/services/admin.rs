//! Administration (PRODUCT.md "Administration", API.md "Administration"): departments and their
//! agents, people, organizations and their members, ticket types and fields, service levels
//! and calendars, priority texts, limits. Admins write, leads read; every write validates all
//! fields at once (field errors), changes nothing when one is wrong, and is recorded in the
//! audit log in the same transaction. Nothing referred to by history is deleted: `DELETE`
//! deactivates.

mod departments;
mod organizations;
mod people;
mod service_levels;
mod ticket_types;

pub use departments::*;
pub use organizations::*;
pub use people::*;
pub use service_levels::*;
pub use ticket_types::*;
