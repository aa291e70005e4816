//! The sentences of a ticket's history: the timeline on the ticket page and the ticket rows of the
//! audit log say the same thing the same way.

use leptos::prelude::*;

use crate::components::{format_time, priority_label, status_label};
use crate::domain::{HistoryEntry, Priority, TicketStatus};
use crate::i18n::*;

/// The ticket's history: who changed what, when.
#[component]
pub fn Timeline(history: Vec<HistoryEntry>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t!(i18n, support.timeline)}</h2>
            <ol class="timeline" data-testid="timeline">
                {history.into_iter().rev().map(|h| {
                    let who = h.actor.map(|a| a.name);
                    let field = h.field;
                    let old = h.old_value.clone();
                    let new = h.new_value.clone();
                    view! {
                        <li>
                            <time datetime=h.created_at.to_rfc3339()>{format_time(h.created_at)}</time>
                            " · "
                            {move || history_change(i18n, who.as_deref(), field.as_str(), old.as_deref(), new.as_deref(), ChangeText::Sentence)}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// A recorded value of a ticket field in the reader's language (statuses and priorities are
/// kept by their wire names).
pub(crate) fn value_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    field: &str,
    value: Option<&str>,
) -> String {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return "—".to_owned();
    };
    match field {
        "status" => value
            .parse::<TicketStatus>()
            .map_or(value.to_owned(), |s| status_label(i18n, s)),
        "priority" => value
            .parse::<Priority>()
            .map_or(value.to_owned(), |p| priority_label(i18n, p)),
        _ => value.to_owned(),
    }
}

/// Who made a change: the person, or "Sistema" for the system's own (auto-close, round-robin).
fn who_or_system(i18n: leptos_i18n::I18nContext<Locale>, who: Option<&str>) -> String {
    who.map_or_else(
        || t_string!(i18n, support.system).to_string(),
        str::to_owned,
    )
}

/// The sentence of a history row that is an event rather than a field change (creation,
/// merges, links); `None` for a field change.
fn event_sentence(
    i18n: leptos_i18n::I18nContext<Locale>,
    who: &str,
    field: &str,
    to: &str,
) -> Option<String> {
    let (who, ticket) = (who.to_owned(), to.to_owned());
    Some(match field {
        "created" => t_string!(i18n, support.h_created, who).to_string(),
        "merged_into" => t_string!(i18n, support.h_merged_into, who, ticket).to_string(),
        "merged" => t_string!(i18n, support.h_merged, who, ticket).to_string(),
        "related" => t_string!(i18n, support.h_related, who, ticket).to_string(),
        _ => return None,
    })
}

/// The name of a ticket field the history records.
pub(crate) fn history_field_label(i18n: leptos_i18n::I18nContext<Locale>, field: &str) -> String {
    match field {
        "status" => t_string!(i18n, tickets.status).to_string(),
        "priority" => t_string!(i18n, tickets.priority).to_string(),
        "type" => t_string!(i18n, dashboard.type_label).to_string(),
        "department" => t_string!(i18n, tickets.department).to_string(),
        "assignee" => t_string!(i18n, dashboard.assignee).to_string(),
        "tags" => t_string!(i18n, support.tags).to_string(),
        "escalated" => t_string!(i18n, support.h_field_escalated).to_string(),
        "rating" => t_string!(i18n, support.h_field_rating).to_string(),
        other => other.to_owned(),
    }
}

/// How a history row's field change reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ChangeText {
    /// A sentence with its author (the ticket's timeline).
    Sentence,
    /// "Status: Open → Answered" (the audit log, which shows the author beside it).
    Arrow,
}

/// One history row in words: the sentence of an event (creation, merges, links), else the
/// field change as `style` says.
pub fn history_change(
    i18n: leptos_i18n::I18nContext<Locale>,
    who: Option<&str>,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    style: ChangeText,
) -> String {
    let who = who_or_system(i18n, who);
    let to = value_label(i18n, field, new);
    event_sentence(i18n, &who, field, &to).unwrap_or_else(|| {
        let (what, from) = (
            history_field_label(i18n, field),
            value_label(i18n, field, old),
        );
        match style {
            ChangeText::Sentence => {
                t_string!(i18n, support.h_changed, who, what, from, to).to_string()
            }
            ChangeText::Arrow => format!("{what}: {from} → {to}"),
        }
    })
}
