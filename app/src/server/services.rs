//! Use cases: the one place where business rules run. Server functions, REST handlers and the
//! command line all call these.

pub mod accounts;
pub mod auth;
pub mod defaults;
pub mod help_center;
pub mod organization;
pub mod tickets;
