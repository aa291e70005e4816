//! Translations generated at build time from `app/locales/*.json` by leptos_i18n.
#![allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::expect_used
)]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub use i18n::*;

use crate::domain::Language;

impl From<Language> for Locale {
    fn from(value: Language) -> Self {
        match value {
            Language::PtBr => Locale::pt_BR,
            Language::En => Locale::en,
        }
    }
}

impl From<Locale> for Language {
    fn from(value: Locale) -> Self {
        match value {
            Locale::pt_BR => Language::PtBr,
            Locale::en => Language::En,
        }
    }
}

use crate::error::{AppError, FieldError};

impl AppError {
    /// A short, translated sentence for people (the problem `title`).
    pub fn title(&self, locale: Locale) -> String {
        match self {
            AppError::Unauthenticated => td_string!(locale, errors.unauthenticated),
            AppError::Forbidden => td_string!(locale, errors.forbidden),
            AppError::NotFound { .. } => td_string!(locale, errors.not_found),
            AppError::Validation { .. } => td_string!(locale, errors.validation),
            AppError::Conflict { code } if code == "link_expired" => {
                td_string!(locale, errors.link_expired)
            }
            AppError::Conflict { code } if code == "ticket_closed" => {
                td_string!(locale, errors.ticket_closed)
            }
            AppError::Conflict { code } if code == "reopen_window_passed" => {
                td_string!(locale, errors.reopen_window_passed)
            }
            AppError::Conflict { code } if code == "ticket_not_closed" => {
                td_string!(locale, errors.ticket_not_closed)
            }
            AppError::Conflict { code } if code == "new_reply_arrived" => {
                td_string!(locale, errors.new_reply_arrived)
            }
            AppError::Conflict { code } if code == "already_merged" => {
                td_string!(locale, errors.already_merged)
            }
            AppError::Conflict { code } if code == "already_rated" => {
                td_string!(locale, errors.already_rated)
            }
            AppError::Conflict { code } if code == "secret_link_gone" => {
                td_string!(locale, errors.secret_link_gone)
            }
            AppError::Conflict { code } if code == "already_queued" => {
                td_string!(locale, errors.already_queued)
            }
            AppError::Conflict { .. } => td_string!(locale, errors.conflict),
            AppError::RateLimited { .. } => td_string!(locale, errors.rate_limited),
            AppError::Unavailable { .. } => td_string!(locale, errors.unavailable),
            AppError::Malformed { .. } => td_string!(locale, errors.malformed),
            AppError::UnsupportedMediaType => td_string!(locale, errors.unsupported_media_type),
            AppError::PayloadTooLarge => td_string!(locale, errors.payload_too_large),
            AppError::Internal => td_string!(locale, errors.internal),
            AppError::Transport { .. } => td_string!(locale, errors.transport),
        }
        .to_string()
    }
}

impl FieldError {
    /// The translated message for this field error's code.
    pub fn message(&self, locale: Locale) -> String {
        match self.code.as_str() {
            "required" => td_string!(locale, field_error.required),
            "too_long" => td_string!(locale, field_error.too_long),
            "too_short" => td_string!(locale, field_error.too_short),
            "invalid_email" => td_string!(locale, field_error.invalid_email),
            "taken" => td_string!(locale, field_error.taken),
            "not_found" => td_string!(locale, field_error.not_found),
            "not_allowed_for_role" => td_string!(locale, field_error.not_allowed_for_role),
            "mismatch" => td_string!(locale, field_error.mismatch),
            "wrong_password" => td_string!(locale, field_error.wrong_password),
            "cannot_change_self" => td_string!(locale, field_error.cannot_change_self),
            "not_allowed" => td_string!(locale, field_error.not_allowed),
            "unknown_field" => td_string!(locale, field_error.unknown_field),
            "invalid_option" => td_string!(locale, field_error.invalid_option),
            "invalid_datetime" => td_string!(locale, field_error.invalid_datetime),
            "too_many" => td_string!(locale, field_error.too_many),
            "not_for_role" => td_string!(locale, field_error.not_for_role),
            "unknown_state" => td_string!(locale, field_error.unknown_state),
            "invalid_slug" => td_string!(locale, field_error.invalid_slug),
            "same_language" => td_string!(locale, field_error.same_language),
            "too_many_tags" => td_string!(locale, field_error.too_many_tags),
            "too_many_entries" => td_string!(locale, field_error.too_many_entries),
            "not_in_department" => td_string!(locale, field_error.not_in_department),
            "same_ticket" => td_string!(locale, field_error.same_ticket),
            "merged" => td_string!(locale, field_error.merged),
            "other_organization" => td_string!(locale, field_error.other_organization),
            "invalid_key" => td_string!(locale, field_error.invalid_key),
            "out_of_range" => td_string!(locale, field_error.out_of_range),
            "before_first_response" => td_string!(locale, field_error.before_first_response),
            "in_use" => td_string!(locale, field_error.in_use),
            "inactive" => td_string!(locale, field_error.inactive),
            "not_closed" => td_string!(locale, field_error.not_closed),
            "before_from" => td_string!(locale, field_error.before_from),
            "already_member" => td_string!(locale, field_error.already_member),
            "deactivated_by_support" => td_string!(locale, field_error.deactivated_by_support),
            _ => td_string!(locale, field_error.invalid),
        }
        .to_string()
    }
}

/// The detail of a refused cross-origin write.
pub fn cross_origin_refused(locale: Locale) -> String {
    td_string!(locale, errors.cross_origin).to_string()
}

/// The words on the report's charts.
#[cfg(feature = "ssr")]
pub fn chart_labels(locale: Locale) -> crate::domain::ChartLabels {
    use crate::domain::Priority;
    fn priority_pt(p: Priority) -> String {
        priority_texts(Locale::pt_BR, p).0
    }
    fn priority_en(p: Priority) -> String {
        priority_texts(Locale::en, p).0
    }
    crate::domain::ChartLabels {
        daily: td_string!(locale, report.chart_daily).to_string(),
        opened: td_string!(locale, report.opened).to_string(),
        closed: td_string!(locale, report.closed).to_string(),
        backlog: td_string!(locale, report.backlog).to_string(),
        sla: td_string!(locale, report.chart_sla).to_string(),
        compliance: td_string!(locale, report.compliance).to_string(),
        satisfaction: td_string!(locale, report.chart_satisfaction).to_string(),
        ratings: td_string!(locale, report.ratings).to_string(),
        priority: if locale == Locale::en {
            priority_en
        } else {
            priority_pt
        },
    }
}

/// A priority's built-in label and guidance (seeds 002 and 004) in a language.
pub fn priority_texts(locale: Locale, priority: crate::domain::Priority) -> (String, String) {
    use crate::domain::Priority;
    match priority {
        Priority::Low => (
            td_string!(locale, priority.low).to_string(),
            td_string!(locale, tickets.guidance_low).to_string(),
        ),
        Priority::Medium => (
            td_string!(locale, priority.medium).to_string(),
            td_string!(locale, tickets.guidance_medium).to_string(),
        ),
        Priority::High => (
            td_string!(locale, priority.high).to_string(),
            td_string!(locale, tickets.guidance_high).to_string(),
        ),
        Priority::Critical => (
            td_string!(locale, priority.critical).to_string(),
            td_string!(locale, tickets.guidance_critical).to_string(),
        ),
    }
}

/// The system message written when a ticket closes itself, in the requester's language.
pub fn auto_closed_message(locale: Locale, days: i64) -> String {
    td_string!(locale, tickets.auto_closed, days).to_string()
}

/// The system messages of a merge, in the requester's language: on the duplicate and on the
/// ticket it went into.
pub fn merged_messages(locale: Locale, duplicate: &str, target: &str) -> (String, String) {
    (
        td_string!(locale, tickets.merged_into_message, ticket = target).to_string(),
        td_string!(locale, tickets.merged_from_message, ticket = duplicate).to_string(),
    )
}
