//! The axum server around the Leptos app: configuration, wiring, REST API and operations.
#![recursion_limit = "512"]
//! A library so that integration tests start the real application.

pub mod cli;
pub mod command_errors;
pub mod config;
pub mod kb_bench;
pub mod kb_eval;
pub mod metrics;
pub mod render;
pub mod rest;
pub mod security;
pub mod server_fn_status;
pub mod startup;
pub mod static_files;
pub mod telemetry;
