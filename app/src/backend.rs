//! Server-only code (feature `ssr`): database access, services, demo data.

pub mod auth;
pub mod bench_data;
pub mod business_time;
pub mod cache;
pub mod db;
pub mod demo;
pub mod events;
pub mod jobs;
pub mod kb;
pub mod mail;
pub mod markdown;
pub mod password;
pub mod search;
pub mod search_eval;
pub mod secrets;
pub mod services;
pub mod session;
pub mod spreadsheet;
pub mod state;
pub mod storage;
pub mod visitor;

pub use db::Db;
pub use state::{app_state, AppState};
