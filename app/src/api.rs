//! Server functions: the UI's road to the service layer. Each one authenticates, parses, calls a
//! service and maps the result; the rules live in `server::services`.

mod admin;
mod auth;
mod help_center;
mod mail_in;
mod notifications;
mod organization;
mod tickets;
mod workspace;

pub use admin::*;
pub use auth::*;
pub use help_center::*;
pub use mail_in::*;
pub use notifications::*;
pub use organization::*;
pub use tickets::*;
pub use workspace::*;
