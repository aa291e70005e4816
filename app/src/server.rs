//! Server-only code (feature `ssr`): database access, services, demo data.

pub mod db;
pub mod demo;
pub mod kb;
pub mod password;
pub mod services;
pub mod state;

pub use db::Db;
pub use state::{app_state, AppState};
