//! One integration binary. Every test gets a fresh database: a SQLite file in a temporary
//! directory, or a new PostgreSQL database when `TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin;
mod attachments;
mod auth;
mod cli;
mod demo;
mod events;
mod hardening;
mod help_center;
mod helpers;
mod imap;
mod jobs;
mod mail;
mod mail_in;
mod mail_in_rules;
mod mail_lifecycle;
mod matrix;
mod members;
mod ops;
mod pages;
mod reports;
mod sla;
mod smtp;
mod ticket_lifecycle;
mod ticket_search;
mod tickets;
mod workspace;
