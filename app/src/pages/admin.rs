//! Administration (`/admin/…`): departments and their agents, ticket types and their fields,
//! service levels and calendars, and the audit log. Admins edit; leads read the same pages
//! without the forms. Every form shows each field's error beside it and changes nothing when
//! one is wrong (the service validates everything first).

mod audit_log;
mod departments;
mod emails;
mod help_center;
mod mailboxes;
mod organizations;
mod people;
mod reports;
mod service_levels;
mod settings;
mod ticket_types;

pub use audit_log::*;
pub use departments::*;
pub use emails::*;
pub use help_center::*;
pub use mailboxes::*;
pub use organizations::*;
pub use people::*;
pub use reports::*;
pub use service_levels::*;
pub use settings::*;
pub use ticket_types::*;

use leptos::prelude::*;

use crate::components::{NotAllowed, PageTitle, RequireUser, Tabs};
use crate::domain::{CurrentUser, Plan};
use crate::i18n::*;

/// The administration's sections.
#[component]
pub fn AdminTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let tab = |path, text: fn(leptos_i18n::I18nContext<Locale>) -> String| {
        (path, Signal::derive(move || text(i18n)))
    };
    let items = vec![
        tab("/admin/departamentos", |i18n| {
            t_string!(i18n, admin.departments).to_string()
        }),
        tab("/admin/pessoas", |i18n| {
            t_string!(i18n, admin.people).to_string()
        }),
        tab("/admin/organizacoes", |i18n| {
            t_string!(i18n, admin.organizations).to_string()
        }),
        tab("/admin/tipos", |i18n| {
            t_string!(i18n, admin.ticket_types).to_string()
        }),
        tab("/admin/sla", |i18n| {
            t_string!(i18n, admin.service_levels).to_string()
        }),
        tab("/admin/configuracoes", |i18n| {
            t_string!(i18n, admin.settings).to_string()
        }),
        tab("/admin/emails", |i18n| {
            t_string!(i18n, admin.emails).to_string()
        }),
        tab("/admin/caixas", |i18n| {
            t_string!(i18n, admin.mailboxes).to_string()
        }),
        tab("/admin/auditoria", |i18n| {
            t_string!(i18n, admin.audit).to_string()
        }),
        tab("/admin/relatorios", |i18n| {
            t_string!(i18n, admin.reports).to_string()
        }),
    ];
    let label = Signal::derive(move || t_string!(i18n, admin.title).to_string());
    view! { <Tabs label current items /> }
}

/// A page for admins and leads, with its title.
pub(crate) fn admin_page<V: IntoView + 'static>(
    title: Signal<String>,
    body: impl Fn(CurrentUser) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    view! {
        <PageTitle text=title />
        <RequireUser children=move |user| if user.may_supervise() {
            body.clone()(user).into_any()
        } else {
            view! { <NotAllowed /> }.into_any()
        } />
    }
}

pub(crate) fn yes_no(i18n: leptos_i18n::I18nContext<Locale>, b: bool) -> String {
    if b {
        t_string!(i18n, admin.yes).to_string()
    } else {
        t_string!(i18n, admin.no).to_string()
    }
}

pub(crate) fn plan_name(plan: Plan) -> &'static str {
    plan.label()
}

// ================================================================ departments

// ================================================================ ticket types

// ================================================================ service levels

// ================================================================ audit

// ================================================================ people

// ================================================================ organizations

// ================================================================ limits and priorities

// ================================================================ reports
