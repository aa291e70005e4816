//! The audit log: every admin and ticket change, newest first, with filters and CSV.
use super::admin_page;
use super::plan_name;
use super::yes_no;
use super::AdminTabs;

use crate::api::get_audit;
use crate::components::{format_time, load_error, priority_label, query_string, Loading};
use crate::domain::{AuditAction, AuditEntity, AuditQuery, Plan, Priority, Role};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/admin/auditoria`: every admin change and every ticket change, newest first, with
/// filters, and the same as CSV.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.audit).to_string()),
        |_| view! { <AuditLog /> },
    )
}

fn entity_label(i18n: leptos_i18n::I18nContext<Locale>, entity: &str) -> String {
    match entity {
        "ticket" => t_string!(i18n, admin.entity_ticket),
        "department" => t_string!(i18n, admin.entity_department),
        "user" => t_string!(i18n, admin.entity_user),
        "organization" => t_string!(i18n, admin.entity_organization),
        "ticket_type" => t_string!(i18n, admin.entity_ticket_type),
        "sla_policy" => t_string!(i18n, admin.entity_sla_policy),
        "calendar" => t_string!(i18n, admin.entity_calendar),
        "priorities" => t_string!(i18n, admin.entity_priorities),
        "settings" => t_string!(i18n, admin.entity_settings),
        "canned_response" => t_string!(i18n, admin.entity_canned_response),
        "mailbox" => t_string!(i18n, admin.entity_mailbox),
        _ => t_string!(i18n, admin.entity_other),
    }
    .to_string()
}

fn action_label(i18n: leptos_i18n::I18nContext<Locale>, action: AuditAction) -> String {
    match action {
        AuditAction::Create => t_string!(i18n, admin.action_create),
        AuditAction::Delete => t_string!(i18n, admin.action_delete),
        AuditAction::Update => t_string!(i18n, admin.action_update),
    }
    .to_string()
}

/// The name of a field an admin change records, in the reader's language.
fn audit_field_label(i18n: leptos_i18n::I18nContext<Locale>, field: &str) -> String {
    // Priority texts: `high.label_pt`.
    if let Some((priority, part)) = field.split_once('.') {
        let priority = priority
            .parse::<Priority>()
            .map_or_else(|_| priority.to_owned(), |p| priority_label(i18n, p));
        return format!("{priority} · {}", audit_field_label(i18n, part));
    }
    match field {
        "name" => t_string!(i18n, admin.name),
        "active" => t_string!(i18n, admin.active),
        "round_robin" => t_string!(i18n, admin.round_robin),
        "agents" => t_string!(i18n, admin.agents),
        "role" => t_string!(i18n, admin.role),
        "organization" => t_string!(i18n, admin.organization),
        "can_open_tickets" => t_string!(i18n, admin.can_open_tickets),
        "departments" => t_string!(i18n, admin.departments),
        "department" => t_string!(i18n, tickets.department),
        "plan" => t_string!(i18n, admin.plan),
        "shares_tickets" => t_string!(i18n, admin.shares_tickets),
        "key" => t_string!(i18n, admin.key),
        "description" => t_string!(i18n, admin.description),
        "position" => t_string!(i18n, admin.position),
        "default_department" => t_string!(i18n, admin.default_department),
        "default_priority" => t_string!(i18n, admin.default_priority),
        "plans" => t_string!(i18n, admin.plans),
        "fields" => t_string!(i18n, admin.fields),
        "time_zone" => t_string!(i18n, admin.time_zone),
        "week" => t_string!(i18n, admin.hours),
        "holidays" => t_string!(i18n, admin.holidays),
        "priority" => t_string!(i18n, tickets.priority),
        "first_response_minutes" => t_string!(i18n, admin.first_response_minutes),
        "resolution_minutes" => t_string!(i18n, admin.resolution_minutes),
        "calendar" => t_string!(i18n, admin.calendar),
        "message_max_chars" => t_string!(i18n, admin.message_max_chars),
        "email_message_max_chars" => t_string!(i18n, admin.email_message_max_chars),
        "max_attachments" => t_string!(i18n, admin.max_attachments),
        "max_attachment_bytes" => t_string!(i18n, admin.max_attachment_bytes),
        "allowed_types" => t_string!(i18n, admin.allowed_types),
        "auto_close_days" => t_string!(i18n, admin.auto_close_days),
        "reopen_window_days" => t_string!(i18n, admin.reopen_window_days),
        "label_pt" => t_string!(i18n, admin.label_pt),
        "label_en" => t_string!(i18n, admin.label_en),
        "guidance_pt" => t_string!(i18n, admin.guidance_pt),
        "guidance_en" => t_string!(i18n, admin.guidance_en),
        "password_link" => t_string!(i18n, admin.password_link),
        "title" => t_string!(i18n, admin.canned_title),
        "body" => t_string!(i18n, admin.canned_body),
        "address" => t_string!(i18n, admin.mailbox_address),
        "imap_host" => t_string!(i18n, admin.imap_host),
        "imap_port" => t_string!(i18n, admin.imap_port),
        "imap_security" => t_string!(i18n, admin.imap_security),
        "imap_user" => t_string!(i18n, admin.imap_user),
        "imap_password" => t_string!(i18n, admin.imap_password),
        "imap_folder" => t_string!(i18n, admin.imap_folder),
        "inbound_token" => t_string!(i18n, admin.mailbox_token_field),
        "email_plans" => t_string!(i18n, admin.mail_channel),
        "suppressed_address" => t_string!(i18n, admin.suppressions),
        other => return other.to_owned(),
    }
    .to_string()
}

/// The name an admin change recorded for its thing; a service level's ("enterprise ·
/// critical") in the reader's language.
fn audit_entity_name(i18n: leptos_i18n::I18nContext<Locale>, entity: &str, name: &str) -> String {
    if entity == "sla_policy" {
        if let Some((plan, priority)) = name.split_once(" · ") {
            if let (Ok(plan), Ok(priority)) = (plan.parse::<Plan>(), priority.parse::<Priority>()) {
                return format!("{} · {}", plan_name(plan), priority_label(i18n, priority));
            }
        }
    }
    name.to_owned()
}

/// A recorded value in the reader's language: yes/no, roles, priorities; the rest as written.
fn audit_value(i18n: leptos_i18n::I18nContext<Locale>, field: &str, value: Option<&str>) -> String {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return "—".to_owned();
    };
    match (field, value) {
        (_, "true") => yes_no(i18n, true),
        (_, "false") => yes_no(i18n, false),
        ("role", v) => v
            .parse::<Role>()
            .map_or_else(|_| v.to_owned(), |r| crate::components::role_label(i18n, r)),
        ("priority" | "default_priority", v) => v
            .parse::<Priority>()
            .map_or_else(|_| v.to_owned(), |p| priority_label(i18n, p)),
        ("plan", v) => v
            .parse::<Plan>()
            .map_or_else(|_| v.to_owned(), |p| plan_name(p).to_owned()),
        (_, v) => v.to_owned(),
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = move |key: &str| query.with(|q| q.get(key)).unwrap_or_default();
    let audit_query = move || {
        query.with(|q| AuditQuery {
            entity: q.get("entity"),
            entity_id: q.get("id"),
            actor_id: None,
            from: q.get("de"),
            to: q.get("ate"),
            limit: None,
            cursor: q.get("cursor"),
        })
    };
    let page = Resource::new(audit_query, get_audit);
    let csv_href = move || {
        let q = audit_query();
        let pairs = [
            ("entity", q.entity),
            ("entity_id", q.entity_id),
            ("from", q.from),
            ("to", q.to),
        ];
        format!("/api/v1/admin/audit.csv?{}", query_string(pairs))
    };
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.audit)}</h1>
            <AdminTabs current="/admin/auditoria" />
            <form method="get" action="/admin/auditoria" class="toolbar__filters">
                <div class="field">
                    <label for="audit-entity">{t!(i18n, admin.entity)}</label>
                    <select id="audit-entity" name="entity">
                        <option value="">{t!(i18n, admin.all)}</option>
                        {AuditEntity::ALL.iter().map(|e| {
                            let e = e.as_str();
                            view! { <option value=e selected=move || current("entity") == e>{move || entity_label(i18n, e)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-id">{t!(i18n, admin.entity_id)}</label>
                    <input id="audit-id" name="id" type="text" prop:value=move || current("id") />
                </div>
                <div class="field">
                    <label for="audit-from">{t!(i18n, admin.from)}</label>
                    <input id="audit-from" name="de" type="date" prop:value=move || current("de") />
                </div>
                <div class="field">
                    <label for="audit-to">{t!(i18n, admin.to)}</label>
                    <input id="audit-to" name="ate" type="date" prop:value=move || current("ate") />
                </div>
                <button type="submit" class="button">{t!(i18n, admin.filter)}</button>
                <a class="button" href=csv_href download>{t!(i18n, admin.csv)}</a>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => load_error(e),
                        Ok(page) if page.items.is_empty() => view! { <p class="muted">{t!(i18n, admin.audit_empty)}</p> }.into_any(),
                        Ok(page) => {
                            let next = page.next_cursor.clone();
                            view! {
                                <table class="table" data-testid="audit">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.when)}</th>
                                        <th scope="col">{t!(i18n, admin.who)}</th>
                                        <th scope="col">{t!(i18n, admin.what)}</th>
                                        <th scope="col">{t!(i18n, admin.change)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|e| {
                                            let who = e.actor.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| t_string!(i18n, admin.system).to_string());
                                            let what = if e.entity == AuditEntity::Ticket {
                                                view! { <a href=format!("/chamados/{}", e.entity_id)>{e.entity_id.clone()}</a> " " {e.entity_name.clone()} }.into_any()
                                            } else {
                                                view! { {entity_label(i18n, e.entity.as_str())} ": " {audit_entity_name(i18n, e.entity.as_str(), &e.entity_name)} }.into_any()
                                            };
                                            let change = match e.field.as_deref() {
                                                Some(field) if e.entity == AuditEntity::Ticket => crate::components::history_change(
                                                    i18n,
                                                    e.actor_name(),
                                                    field,
                                                    e.before.as_deref(),
                                                    e.after.as_deref(),
                                                    crate::components::ChangeText::Arrow,
                                                ),
                                                Some(field) => format!(
                                                    "{}: {} → {}",
                                                    audit_field_label(i18n, field),
                                                    audit_value(i18n, field, e.before.as_deref()),
                                                    audit_value(i18n, field, e.after.as_deref())
                                                ),
                                                None => action_label(i18n, e.action),
                                            };
                                            view! {
                                                <tr data-entity=e.entity.as_str() data-action=e.action.as_str()>
                                                    <td><time datetime=e.at.to_rfc3339()>{format_time(e.at)}</time></td>
                                                    <td>{who}</td>
                                                    <td>{what}</td>
                                                    <td class="audit__change">{change}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {next.map(|cursor| {
                                    let q = audit_query();
                                    let pairs = [("cursor", Some(cursor)), ("entity", q.entity), ("id", q.entity_id), ("de", q.from), ("ate", q.to)];
                                    let href = format!("/admin/auditoria?{}", query_string(pairs));
                                    view! { <p><a href=href>{t!(i18n, admin.older)}</a></p> }
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
