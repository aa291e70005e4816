//! Use cases: the one place where business rules run. Server functions, REST handlers and the
//! command line all call these.

pub mod accounts;
pub mod defaults;
pub mod help_center;
