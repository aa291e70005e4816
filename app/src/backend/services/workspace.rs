//! The agent workspace: queues, presence and collision, the timeline, merging and linking,
//! canned responses, round-robin settings. Support staff only; every ticket is looked up in
//! the caller's scope first (404 outside it), exactly as in [`super::tickets`].

use crate::backend::cache::{CacheKind, Depends};
use crate::backend::db::messages;
use crate::domain::HistoryField;
use crate::domain::{AuditAction, AuditEntity};
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::backend::db::{departments, tickets, workspace, Conn};
use crate::backend::events::begin_write;
use crate::backend::events::{self, EventKind};
use crate::backend::services::access::{
    announce, announce_counts, state_in_scope, status_of, summary_in,
};
use crate::backend::services::require;
use crate::backend::Db;
use crate::domain::text_within;
use crate::domain::{
    fill_placeholders, CannedInput, CannedResponse, CurrentUser, NamedRef, QueueCounts,
    TicketNumber, TicketScope, TicketStatus, TicketSummary, TicketTools,
};
use crate::error::{AppError, Entity, FieldError};

/// The queue counts of a scope, for one agent (their own queue is among them).
struct Queues;
impl CacheKind for Queues {
    type Key = (TicketScope, i64);
    type Value = QueueCounts;
    const DEPENDS: Depends = Depends::Tickets;
}

/// The dashboard's queue counts.
pub async fn queue_counts(db: &Db, user: &CurrentUser) -> Result<QueueCounts, AppError> {
    require(user.is_staff())?;
    let key = (TicketScope::of(user), user.id);
    let (hit, generation) = db.caches().get::<Queues>(&key);
    if let Some(counts) = hit {
        return Ok(counts);
    }
    let mut c = db.acquire().await?;
    let row = workspace::queue_counts(c.conn(), &key.0, user.id).await?;
    let counts = QueueCounts {
        unassigned: row.unassigned,
        mine: row.mine,
        escalated: row.escalated,
        sla_risk: row.sla_risk,
    };
    db.caches().put::<Queues>(key, counts, generation);
    Ok(counts)
}

/// Merges the duplicate `id` into `into`: its messages and files move, it closes with a link
/// and a system message, both timelines record it. Same organization only. Answers the target.
pub async fn merge(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    into: &str,
    now: DateTime<Utc>,
) -> Result<TicketSummary, AppError> {
    require(user.is_staff())?;
    let mut tx = begin_write(db).await?;
    let duplicate = state_in_scope(tx.conn(), user, id).await?;
    let target = match state_in_scope(tx.conn(), user, into).await {
        Ok(target) => target,
        Err(AppError::NotFound { .. }) => return Err(AppError::validation("into", "not_found")),
        Err(other) => return Err(other),
    };
    if workspace::merged_into(tx.conn(), duplicate.id)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict {
            code: "already_merged".to_owned(),
        });
    }
    if target.id == duplicate.id {
        return Err(AppError::validation("into", "same_ticket"));
    }
    if workspace::merged_into(tx.conn(), target.id)
        .await?
        .is_some()
    {
        return Err(AppError::validation("into", "merged"));
    }
    if target.organization_id != duplicate.organization_id {
        return Err(AppError::validation("into", "other_organization"));
    }
    let (dup_id, target_id) = (
        TicketNumber(duplicate.id).to_string(),
        TicketNumber(target.id).to_string(),
    );
    let was_closed = status_of(&duplicate)? == TicketStatus::Closed;
    workspace::merge(tx.conn(), duplicate.id, target.id, now).await?;
    let language = crate::backend::db::users::find_profile(tx.conn(), duplicate.requester_id)
        .await?
        .map(|p| p.language)
        .unwrap_or_default();
    let locale =
        crate::i18n::Locale::from(crate::domain::Language::from_tag(&language).unwrap_or_default());
    let (on_duplicate, on_target) = crate::i18n::merged_messages(locale, &dup_id, &target_id);
    for (ticket, body) in [(duplicate.id, &on_duplicate), (target.id, &on_target)] {
        messages::insert_system_message(tx.conn(), ticket, body, now).await?;
    }
    tickets::insert_history(
        tx.conn(),
        duplicate.id,
        Some(user.id),
        HistoryField::MergedInto,
        None,
        Some(&target_id),
        now,
    )
    .await?;
    if !was_closed {
        let old = duplicate.status.clone();
        tickets::insert_history(
            tx.conn(),
            duplicate.id,
            Some(user.id),
            HistoryField::Status,
            Some(&old),
            Some("closed"),
            now,
        )
        .await?;
    }
    tickets::insert_history(
        tx.conn(),
        target.id,
        Some(user.id),
        HistoryField::Merged,
        None,
        Some(&dup_id),
        now,
    )
    .await?;
    tickets::insert_link(tx.conn(), target.id, duplicate.id, user.id, now).await?;
    tickets::touch_updated(tx.conn(), target.id, now).await?;
    crate::backend::services::sla::refresh(tx.conn(), duplicate.id, now).await?;
    let data = json!({ "status": "closed", "merged_into": target_id });
    announce(&mut tx, &duplicate, EventKind::TicketUpdated, data, now).await?;
    let data = json!({ "merged": dup_id });
    announce(&mut tx, &target, EventKind::TicketUpdated, data, now).await?;
    announce(
        &mut tx,
        &target,
        EventKind::MessageCreated,
        json!({ "internal": false }),
        now,
    )
    .await?;
    if !was_closed {
        announce_counts(&mut tx, &duplicate, now).await?;
    }
    let summary = summary_in(tx.conn(), &TicketScope::All, target.id).await?;
    tx.commit().await?;
    events::wake(db);
    Ok(summary)
}

/// Links two tickets as related (both in the caller's scope). Answers the related list.
pub async fn link(
    db: &Db,
    user: &CurrentUser,
    id: &str,
    other: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    require(user.is_staff())?;
    let mut tx = begin_write(db).await?;
    let ticket = state_in_scope(tx.conn(), user, id).await?;
    let related = match state_in_scope(tx.conn(), user, other).await {
        Ok(related) => related,
        Err(AppError::NotFound { .. }) => return Err(AppError::validation("ticket", "not_found")),
        Err(e) => return Err(e),
    };
    if related.id == ticket.id {
        return Err(AppError::validation("ticket", "same_ticket"));
    }
    let already = tickets::linked(tx.conn(), ticket.id)
        .await?
        .contains(&related.id);
    if !already {
        tickets::insert_link(tx.conn(), ticket.id, related.id, user.id, now).await?;
        let other = TicketNumber(related.id).to_string();
        tickets::insert_history(
            tx.conn(),
            ticket.id,
            Some(user.id),
            HistoryField::Related,
            None,
            Some(&other),
            now,
        )
        .await?;
        let data = json!({ "related": other });
        announce(&mut tx, &ticket, EventKind::TicketUpdated, data, now).await?;
    }
    tx.commit().await?;
    events::wake(db);
    Ok(())
}

fn canned_view(row: workspace::CannedRow) -> CannedResponse {
    CannedResponse {
        id: row.id,
        department: row
            .department_id
            .zip(row.department_name)
            .map(|(id, name)| NamedRef { id, name }),
        title: row.title,
        body: row.body,
        active: row.active,
        updated_at: row.updated_at,
    }
}

/// What the support side of a ticket page offers: departments, types, who may take it, and the
/// department's canned responses with this ticket's placeholders filled in.
pub async fn tools(db: &Db, user: &CurrentUser, id: &str) -> Result<TicketTools, AppError> {
    require(user.is_staff())?;
    let mut c = db.acquire().await?;
    let state = state_in_scope(c.conn(), user, id).await?;
    let summary = summary_in(c.conn(), &TicketScope::All, state.id).await?;
    let named = |(id, name): (i64, String)| NamedRef { id, name };
    let departments = departments::list_active(c.conn())
        .await?
        .into_iter()
        .map(named)
        .collect();
    let types = workspace::type_names(c.conn())
        .await?
        .into_iter()
        .filter(|(_, _, active)| *active)
        .map(|(k, n, _)| (k, n))
        .collect();
    let assignable = workspace::assignable(c.conn(), state.department_id)
        .await?
        .into_iter()
        .map(named)
        .collect();
    let first_name = summary
        .requester
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let values = [
        ("cliente.nome", summary.requester.name.as_str()),
        ("customer.name", summary.requester.name.as_str()),
        ("cliente.primeiro_nome", first_name.as_str()),
        ("customer.first_name", first_name.as_str()),
        ("ticket.id", summary.id.as_str()),
        ("ticket.assunto", summary.subject.as_str()),
        ("ticket.subject", summary.subject.as_str()),
        ("organizacao.nome", summary.organization.name.as_str()),
        ("organization.name", summary.organization.name.as_str()),
        ("departamento.nome", summary.department.name.as_str()),
        ("department.name", summary.department.name.as_str()),
        ("agente.nome", user.name.as_str()),
        ("agent.name", user.name.as_str()),
    ];
    let canned = workspace::canned_for_department(c.conn(), state.department_id)
        .await?
        .into_iter()
        .map(|row| {
            let mut view = canned_view(row);
            view.body = fill_placeholders(&view.body, &values);
            view
        })
        .collect();
    Ok(TicketTools {
        departments,
        types,
        assignable,
        canned,
    })
}

pub const CANNED_TITLE_MAX_CHARS: usize = 100;
pub const CANNED_BODY_MAX_CHARS: usize = 10_000;

/// Every canned response, for the admin list (admins write, leads read).
pub async fn canned_list(db: &Db, user: &CurrentUser) -> Result<Vec<CannedResponse>, AppError> {
    require(user.may_supervise())?;
    let mut c = db.acquire().await?;
    Ok(workspace::canned_all(c.conn())
        .await?
        .into_iter()
        .map(canned_view)
        .collect())
}

pub async fn canned_get(db: &Db, user: &CurrentUser, id: i64) -> Result<CannedResponse, AppError> {
    require(user.may_supervise())?;
    let mut c = db.acquire().await?;
    workspace::canned_find(c.conn(), id)
        .await?
        .map(canned_view)
        .ok_or(AppError::not_found(Entity::CannedResponse))
}

/// Validates a canned response's fields over `current` (creation starts from an empty one).
async fn apply_canned(
    c: Conn<'_>,
    row: &mut workspace::CannedRow,
    input: CannedInput,
    creating: bool,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(title) = input.title.or_else(|| creating.then(String::new)) {
        let title = crate::domain::single_line(&title);
        match text_within(&title, CANNED_TITLE_MAX_CHARS) {
            Ok(()) => row.title = title,
            Err(code) => errors.push(FieldError::new("title", code)),
        }
    }
    if let Some(body) = input.body.or_else(|| creating.then(String::new)) {
        let body = crate::domain::multi_line(&body);
        match text_within(&body, CANNED_BODY_MAX_CHARS) {
            Ok(()) => row.body = body,
            Err(code) => errors.push(FieldError::new("body", code)),
        }
    }
    if let Some(department) = input.department_id {
        if departments::list(c)
            .await?
            .iter()
            .any(|(id, _)| *id == department)
        {
            row.department_id = Some(department);
        } else {
            errors.push(FieldError::new("department_id", "not_found"));
        }
    }
    if let Some(active) = input.active {
        row.active = active;
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation { errors })
    }
}

pub async fn canned_create(
    db: &Db,
    user: &CurrentUser,
    input: CannedInput,
    now: DateTime<Utc>,
) -> Result<CannedResponse, AppError> {
    require(user.may_administer())?;
    let mut tx = db.begin().await?;
    let mut row = workspace::CannedRow {
        id: 0,
        department_id: None,
        department_name: None,
        title: String::new(),
        body: String::new(),
        active: true,
        updated_at: now,
    };
    apply_canned(tx.conn(), &mut row, input, true).await?;
    let id = workspace::canned_insert(
        tx.conn(),
        row.department_id,
        &row.title,
        &row.body,
        user.id,
        now,
    )
    .await?;
    let created = workspace::canned_find(tx.conn(), id)
        .await?
        .ok_or(AppError::Internal)?;
    crate::backend::services::audit::Change::new(AuditEntity::CannedResponse, id, &created.title)
        .record(tx.conn(), user, AuditAction::Create, now)
        .await?;
    tx.commit().await?;
    Ok(canned_view(created))
}

/// Changes a canned response; `department_id: null` cannot be told from absent in JSON, so a
/// response moves back to every department with `department_id: 0`.
pub async fn canned_update(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    mut input: CannedInput,
    now: DateTime<Utc>,
) -> Result<CannedResponse, AppError> {
    require(user.may_administer())?;
    let mut tx = db.begin().await?;
    let mut row = workspace::canned_find(tx.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::CannedResponse))?;
    if input.department_id == Some(0) {
        input.department_id = None;
        row.department_id = None;
    }
    let before = row.clone();
    apply_canned(tx.conn(), &mut row, input, false).await?;
    workspace::canned_update(tx.conn(), &row, now).await?;
    let updated = workspace::canned_find(tx.conn(), id)
        .await?
        .ok_or(AppError::Internal)?;
    let action = if before.active && !updated.active {
        AuditAction::Delete
    } else {
        AuditAction::Update
    };
    let department = |r: &workspace::CannedRow| r.department_name.clone().unwrap_or_default();
    let active = |r: &workspace::CannedRow| r.active.to_string();
    crate::backend::services::audit::Change::new(AuditEntity::CannedResponse, id, &updated.title)
        .record_fields(
            tx.conn(),
            user,
            action,
            &[
                ("title", before.title.clone(), updated.title.clone()),
                ("body", before.body.clone(), updated.body.clone()),
                ("department", department(&before), department(&updated)),
                ("active", active(&before), active(&updated)),
            ],
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(canned_view(updated))
}

/// What the dashboard's filters offer support: departments, ticket types and the people
/// tickets may be assigned to. Organizations are looked up as the filter is typed in
/// ([`organization_choices`]): an installation has thousands.
pub async fn filter_choices(
    db: &Db,
    user: &CurrentUser,
) -> Result<crate::domain::FilterChoices, AppError> {
    require(user.is_staff())?;
    let mut c = db.acquire().await?;
    let named = |(id, name): (i64, String)| NamedRef { id, name };
    let scope = TicketScope::of(user);
    let departments: Vec<NamedRef> = departments::list(c.conn())
        .await?
        .into_iter()
        .map(named)
        // Agents: their departments; leads and admins: all of them.
        .filter(|d| scope.contains(0, 0, d.id))
        .collect();
    let types = workspace::type_names(c.conn())
        .await?
        .into_iter()
        .map(|(k, n, _)| (k, n))
        .collect();
    let ids: Vec<i64> = departments.iter().map(|d| d.id).collect();
    let assignees = workspace::assignable_in(c.conn(), &ids)
        .await?
        .into_iter()
        .map(named)
        .collect();
    Ok(crate::domain::FilterChoices {
        departments,
        types,
        assignees,
    })
}

/// How many organizations the filter offers for what was typed.
pub const ORGANIZATION_CHOICES: i64 = 20;

/// The organization filter's choices: organizations with tickets in the caller's scope whose
/// name contains `text` (any case, with or without accents), by name, at most
/// [`ORGANIZATION_CHOICES`]; with `id`, just that organization when it is in scope (the name of
/// the one a link filters by).
pub async fn organization_choices(
    db: &Db,
    user: &CurrentUser,
    text: &str,
    id: Option<i64>,
) -> Result<Vec<NamedRef>, AppError> {
    require(user.is_staff())?;
    if text.chars().count() > 200 {
        return Err(AppError::validation("text", "too_long"));
    }
    let mut c = db.acquire().await?;
    let scope = TicketScope::of(user);
    let wanted = crate::backend::search::fold(text);
    let among: Option<Vec<i64>> = match id {
        Some(id) => Some(vec![id]),
        None if wanted.is_empty() => None,
        // Names are few next to tickets: they are folded here, the scope probed in SQL.
        None => Some(
            crate::backend::db::organizations::names(c.conn())
                .await?
                .into_iter()
                .filter(|(_, name)| crate::backend::search::fold(name).contains(&wanted))
                .map(|(id, _)| id)
                .collect(),
        ),
    };
    let found =
        workspace::organizations_in_scope(c.conn(), &scope, among.as_deref(), ORGANIZATION_CHOICES)
            .await?;
    Ok(found
        .into_iter()
        .map(|(id, name)| NamedRef { id, name })
        .collect())
}
