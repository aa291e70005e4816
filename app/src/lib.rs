//! Chamado's shared crate: domain vocabulary, UI components and server functions, compiled for
//! the browser (`hydrate`) and the server (`ssr`). Server-only code lives behind one gate below.
#![recursion_limit = "512"]

pub mod api;
pub mod app;
pub mod components;
pub mod contexts;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod routes;

#[cfg(feature = "ssr")]
pub mod backend;

#[cfg(all(test, feature = "ssr"))]
mod fuzz;

pub use app::{shell, App};
