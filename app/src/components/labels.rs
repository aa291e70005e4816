//! Translated names of domain values, shared by pages.

use crate::domain::{PresenceState, Role};
use crate::i18n::*;

/// The translated name of a role.
pub fn role_label(i18n: leptos_i18n::I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Customer => t_string!(i18n, role.customer),
        Role::OrgAdmin => t_string!(i18n, role.org_admin),
        Role::Agent => t_string!(i18n, role.agent),
        Role::Lead => t_string!(i18n, role.lead),
        Role::Admin => t_string!(i18n, role.admin),
    }
    .to_string()
}

/// The translated name of a help-center category slug (unknown slugs show as they are).
pub fn category_label(i18n: leptos_i18n::I18nContext<Locale>, slug: &str) -> String {
    match slug {
        "primeiros-passos" => t_string!(i18n, category.primeiros_passos).to_string(),
        "conta-e-acesso" => t_string!(i18n, category.conta_e_acesso).to_string(),
        "faturamento" => t_string!(i18n, category.faturamento).to_string(),
        "whatsapp" => t_string!(i18n, category.whatsapp).to_string(),
        "bots" => t_string!(i18n, category.bots).to_string(),
        "integracoes" => t_string!(i18n, category.integracoes).to_string(),
        "api-e-webhooks" => t_string!(i18n, category.api_e_webhooks).to_string(),
        "app-de-vendas" => t_string!(i18n, category.app_de_vendas).to_string(),
        "suporte" => t_string!(i18n, category.suporte).to_string(),
        other => other.to_owned(),
    }
}

use crate::domain::{Priority, TicketStatus};

pub fn status_label(i18n: leptos_i18n::I18nContext<Locale>, status: TicketStatus) -> String {
    match status {
        TicketStatus::Open => t_string!(i18n, status.open),
        TicketStatus::Answered => t_string!(i18n, status.answered),
        TicketStatus::Closed => t_string!(i18n, status.closed),
    }
    .to_string()
}

pub fn priority_label(i18n: leptos_i18n::I18nContext<Locale>, priority: Priority) -> String {
    match priority {
        Priority::Low => t_string!(i18n, priority.low),
        Priority::Medium => t_string!(i18n, priority.medium),
        Priority::High => t_string!(i18n, priority.high),
        Priority::Critical => t_string!(i18n, priority.critical),
    }
    .to_string()
}

/// Times as Brazilians read them: day/month/year in Brasília time (UTC−3, no daylight saving).
pub fn format_time(time: chrono::DateTime<chrono::Utc>) -> String {
    match chrono::FixedOffset::west_opt(3 * 3600) {
        Some(brasilia) => time
            .with_timezone(&brasilia)
            .format("%d/%m/%Y %H:%M")
            .to_string(),
        None => time.format("%d/%m/%Y %H:%M UTC").to_string(),
    }
}

/// "Ana está vendo" / "Ana está respondendo".
pub fn presence_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    name: &str,
    state: PresenceState,
) -> String {
    let name = name.to_owned();
    match state {
        PresenceState::Viewing => t_string!(i18n, presence.viewing, name).to_string(),
        PresenceState::Replying => t_string!(i18n, presence.replying, name).to_string(),
    }
}
