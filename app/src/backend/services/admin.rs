//! Administration (PRODUCT.md "Administration", API.md "Administration"): departments and their
//! agents, people, organizations and their members, ticket types and fields, service levels
//! and calendars, priority texts, limits. Admins write, leads read; every write validates all
//! fields at once (field errors), changes nothing when one is wrong, and is recorded in the
//! audit log in the same transaction. Nothing referred to by history is deleted: `DELETE`
//! deactivates.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::domain::{
    validate_name, CurrentUser, DepartmentAdmin, DepartmentInput, EmailAddress, FieldAdmin, NamedRef, OrganizationAdmin, OrganizationInput, Plan, Priority,
    Role, SlaCalendar, SlaCalendarInput, SlaPolicy, SlaPolicyInput, TicketTypeAdmin,
    TicketTypeInput, UserAdmin, UserInput, UserLink, UserPage, UserQuery,
    FIELD_KINDS, SLA_MAX_MINUTES,
};
use crate::error::{AppError, Entity};
use crate::backend::db::admin as db;
use crate::backend::db::sla::{self as sla_db, Affected};
use crate::backend::db::{departments, organizations, ticket_types, tokens, users, Conn};
use crate::backend::services::audit::Change;
use crate::backend::services::auth::{
    create_link, link_path, PURPOSE_INVITATION, PURPOSE_PASSWORD_RESET,
};
use crate::backend::services::sla::refresh_affected;
use crate::backend::services::split_page;
use crate::backend::Db;
use crate::backend::services::validation::Errors;
use crate::backend::services::audit::{audit_save, names, yes_no, Audited};
use crate::backend::services::require;

impl Audited for DepartmentAdmin {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("active", yes_no(self.active)),
            ("round_robin", yes_no(self.round_robin)),
            ("agents", names(&self.agents)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

impl Audited for UserAdmin {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("role", self.role.as_str().to_owned()),
            (
                "organization",
                self.organization
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
            ),
            ("can_open_tickets", yes_no(self.can_open_tickets)),
            ("departments", names(&self.departments)),
            ("active", yes_no(self.active)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

impl Audited for OrganizationAdmin {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("plan", self.plan.as_str().to_owned()),
            ("shares_tickets", yes_no(self.shares_tickets)),
            ("active", yes_no(self.active)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

impl Audited for TicketTypeAdmin {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        let fields = self
            .fields
            .iter()
            .filter(|f| f.active)
            .map(|f| {
                let required = if f.required { "*" } else { "" };
                if f.options.is_empty() {
                    format!("{}{required} ({})", f.key, f.kind)
                } else {
                    format!("{}{required} ({}: {})", f.key, f.kind, f.options.join("/"))
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        vec![
            ("key", self.key.clone()),
            ("name", self.name.clone()),
            ("description", self.description.clone()),
            ("active", yes_no(self.active)),
            ("position", self.position.to_string()),
            (
                "default_department",
                self.default_department
                    .as_ref()
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
            ),
            (
                "default_priority",
                self.default_priority
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            (
                "plans",
                self.plans
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("fields", fields),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

impl Audited for SlaCalendar {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("time_zone", self.time_zone.clone()),
            ("week", week_text(&self.week)),
            (
                "holidays",
                self.holidays
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("active", yes_no(self.active)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

impl Audited for SlaPolicy {
    fn audit_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("plan", self.plan.as_str().to_owned()),
            ("priority", self.priority.as_str().to_owned()),
            (
                "first_response_minutes",
                self.first_response_minutes.to_string(),
            ),
            ("resolution_minutes", self.resolution_minutes.to_string()),
            ("calendar", self.calendar.name.clone()),
            ("active", yes_no(self.active)),
        ]
    }
    fn is_active(&self) -> bool {
        self.active
    }
}

// ================================================================ departments

async fn department_views(
    c: Conn<'_>,
    only: Option<i64>,
) -> Result<Vec<DepartmentAdmin>, AppError> {
    let mut c = c;
    let agents = db::department_agents(c.reborrow()).await?;
    let rows = match only {
        Some(id) => db::department(c, id).await?.into_iter().collect(),
        None => db::departments(c).await?,
    };
    Ok(rows
        .into_iter()
        .map(|d| DepartmentAdmin {
            agents: agents
                .iter()
                .filter(|(dept, _, _)| *dept == d.id)
                .map(|(_, id, name)| NamedRef {
                    id: *id,
                    name: name.clone(),
                })
                .collect(),
            id: d.id,
            name: d.name,
            active: d.active,
            round_robin: d.round_robin,
        })
        .collect())
}

pub async fn departments(db_: &Db, user: &CurrentUser) -> Result<Vec<DepartmentAdmin>, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    department_views(c.conn(), None).await
}

pub async fn department(
    db_: &Db,
    user: &CurrentUser,
    id: i64,
) -> Result<DepartmentAdmin, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    department_views(c.conn(), Some(id))
        .await?
        .pop()
        .ok_or(AppError::not_found(Entity::Department))
}

/// Support staff ids among `ids` that exist; the others are errors on `field`.
async fn staff_ids(
    c: Conn<'_>,
    ids: &[i64],
    field: &str,
    errors: &mut Errors,
) -> Result<Vec<i64>, AppError> {
    let mut c = c;
    let mut out = Vec::new();
    for id in ids.iter().copied().collect::<BTreeSet<_>>() {
        match db::user(c.reborrow(), id).await? {
            Some(u) if u.role.parse::<Role>().is_ok_and(Role::is_staff) => out.push(id),
            _ => {
                errors.add(field, "invalid");
                break;
            }
        }
    }
    Ok(out)
}

/// Creates (`id: None`) or changes a department.
pub async fn save_department(
    db_: &Db,
    user: &CurrentUser,
    id: Option<i64>,
    input: DepartmentInput,
    now: DateTime<Utc>,
) -> Result<DepartmentAdmin, AppError> {
    require(user.may_administer())?;
    let mut tx = db_.begin().await?;
    let before = match id {
        Some(id) => Some(
            department_views(tx.conn(), Some(id))
                .await?
                .pop()
                .ok_or(AppError::not_found(Entity::Department))?,
        ),
        None => None,
    };
    let mut errors = Errors::default();
    let name = errors.name_or(
        "name",
        input.name.as_deref(),
        before.as_ref().map(|b| b.name.as_str()),
        80,
    );
    if !name.is_empty() && db::name_taken(tx.conn(), "departments", &name, id.unwrap_or(0)).await? {
        errors.add("name", "taken");
    }
    let agents = match &input.agent_ids {
        Some(ids) => Some(staff_ids(tx.conn(), ids, "agent_ids", &mut errors).await?),
        None => None,
    };
    errors.finish()?;
    let row = db::DepartmentRow {
        id: 0,
        name: name.clone(),
        active: input
            .active
            .unwrap_or(before.as_ref().is_none_or(|b| b.active)),
        round_robin: input
            .round_robin
            .unwrap_or(before.as_ref().is_some_and(|b| b.round_robin)),
    };
    let id = match id {
        Some(id) => id,
        None => departments::insert(tx.conn(), &name, now).await?,
    };
    db::update_department(tx.conn(), &db::DepartmentRow { id, ..row }, now).await?;
    if let Some(agents) = &agents {
        db::set_department_agents(tx.conn(), id, agents).await?;
    }
    let after = department_views(tx.conn(), Some(id))
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    let change = Change::new("department", id, &after.name);
    audit_save(tx.conn(), user, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    crate::backend::cache::identities_changed();
    Ok(after)
}

// ================================================================ people

fn user_view(row: db::UserRow, departments: Vec<(i64, String)>) -> Result<UserAdmin, AppError> {
    Ok(UserAdmin {
        role: row
            .role
            .parse()
            .map_err(|e| AppError::from(anyhow::anyhow!("bad role: {e}")))?,
        organization: row
            .organization_id
            .zip(row.organization_name)
            .map(|(id, name)| NamedRef { id, name }),
        departments: departments
            .into_iter()
            .map(|(id, name)| NamedRef { id, name })
            .collect(),
        id: row.id,
        name: row.name,
        email: row.email,
        can_open_tickets: row.can_open_tickets,
        active: row.active,
        pending_invitation: row.pending_invitation,
        created_at: row.created_at,
    })
}

async fn load_user(c: Conn<'_>, id: i64) -> Result<UserAdmin, AppError> {
    let mut c = c;
    let row = db::user(c.reborrow(), id)
        .await?
        .ok_or(AppError::not_found(Entity::User))?;
    let departments = users::departments_of(c, id).await?;
    user_view(row, departments)
}

pub const MAX_PAGE: i64 = 100;

pub async fn users(db_: &Db, user: &CurrentUser, q: &UserQuery) -> Result<UserPage, AppError> {
    require(user.may_supervise())?;
    let mut errors = Errors::default();
    let role = q
        .role
        .as_deref()
        .filter(|r| !r.is_empty())
        .and_then(|r| match r.parse::<Role>() {
            Ok(role) => Some(role.as_str().to_owned()),
            Err(_) => {
                errors.add("role", "invalid");
                None
            }
        });
    let organization_id = q
        .organization_id
        .as_deref()
        .filter(|o| !o.is_empty())
        .and_then(|o| {
            o.parse()
                .map_err(|_| errors.add("organization_id", "invalid"))
                .ok()
        });
    let active = match q.active.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.add("active", "invalid");
            None
        }
    };
    let limit = match q.limit.as_deref() {
        None | Some("") => 50,
        Some(l) => match l.parse::<i64>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                errors.add("limit", "invalid");
                50
            }
        },
    };
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => decode_name_cursor(c).or_else(|| {
            errors.add("cursor", "invalid");
            None
        }),
    };
    if q.q.as_deref().is_some_and(|t| t.chars().count() > 200) {
        errors.add("q", "too_long");
    }
    errors.finish()?;
    let filter = db::UserFilter {
        q: q.q.clone(),
        role,
        organization_id,
        active,
        after,
        limit: limit + 1,
    };
    let mut c = db_.acquire().await?;
    let rows = db::users(c.conn(), &filter).await?;
    let (rows, next_cursor) = split_page(rows, limit, |r| encode_name_cursor(&r.name, r.id));
    // The page's departments in one query, not one per person.
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut memberships: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (user_id, department_id, name) in db::departments_of_users(c.conn(), &ids).await? {
        memberships
            .entry(user_id)
            .or_default()
            .push((department_id, name));
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let departments = memberships.remove(&row.id).unwrap_or_default();
            user_view(row, departments)
        })
        .collect::<Result<_, _>>()?;
    Ok(UserPage { items, next_cursor })
}

fn encode_name_cursor(name: &str, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{id}~{name}"))
}

fn decode_name_cursor(text: &str) -> Option<(String, i64)> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, name) = text.split_once('~')?;
    Some((name.to_owned(), id.parse().ok()?))
}

pub async fn user(db_: &Db, actor: &CurrentUser, id: i64) -> Result<UserAdmin, AppError> {
    require(actor.may_supervise())?;
    let mut c = db_.acquire().await?;
    load_user(c.conn(), id).await
}

/// Checks the organization rule of a role: customers and organization admins belong to an
/// active organization, support staff to none.
async fn check_membership(
    c: Conn<'_>,
    role: Role,
    organization_id: Option<i64>,
    errors: &mut Errors,
) -> Result<(), AppError> {
    match (role.belongs_to_organization(), organization_id) {
        (true, None) => errors.add("organization_id", "required"),
        (false, Some(_)) => errors.add("organization_id", "not_allowed_for_role"),
        (true, Some(id)) => {
            if !db::organization(c, id).await?.is_some_and(|o| o.active) {
                errors.add("organization_id", "not_found");
            }
        }
        (false, None) => {}
    }
    Ok(())
}

/// Invites a person with a role (and organization or departments); answers the link to send.
pub async fn invite_user(
    db_: &Db,
    actor: &CurrentUser,
    input: UserInput,
    now: DateTime<Utc>,
) -> Result<UserLink, AppError> {
    require(actor.may_administer())?;
    let mut errors = Errors::default();
    let email = EmailAddress::parse(input.email.as_deref().unwrap_or_default())
        .map_err(|code| errors.add("email", code))
        .ok();
    let name = validate_name(input.name.as_deref().unwrap_or_default())
        .map_err(|code| errors.add("name", code))
        .ok();
    let role = input.role.unwrap_or_else(|| {
        errors.add("role", "required");
        Role::Customer
    });
    let organization_id = input.organization_id.filter(|o| *o != 0);
    let mut tx = db_.begin().await?;
    check_membership(tx.conn(), role, organization_id, &mut errors).await?;
    if let Some(email) = &email {
        if users::find_by_email(tx.conn(), email.as_str())
            .await?
            .is_some()
        {
            errors.add("email", "taken");
        }
    }
    let department_ids = match &input.department_ids {
        Some(ids) if !role.is_staff() && !ids.is_empty() => {
            errors.add("department_ids", "not_allowed_for_role");
            Vec::new()
        }
        Some(ids) => check_departments(tx.conn(), ids, &mut errors).await?,
        None => Vec::new(),
    };
    if input.can_open_tickets.is_some() && role != Role::Customer {
        errors.add("can_open_tickets", "not_allowed_for_role");
    }
    errors.finish()?;
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Internal);
    };
    let new = users::NewUser {
        email: email.as_str(),
        name: &name,
        role,
        organization_id,
        can_open_tickets: role == Role::OrgAdmin || input.can_open_tickets.unwrap_or(false),
        language: actor.language,
        password_hash: None,
    };
    let id = users::insert(tx.conn(), &new, now).await?;
    db::set_user_departments(tx.conn(), id, &department_ids).await?;
    let secret = create_link(tx.conn(), id, PURPOSE_INVITATION, Some(actor.id), now).await?;
    let view = load_user(tx.conn(), id).await?;
    let change = Change::new("user", id, format!("{} <{}>", view.name, view.email));
    audit_save(tx.conn(), actor, &change, None, &view, now).await?;
    tx.commit().await?;
    crate::backend::cache::identities_changed();
    Ok(UserLink {
        user: view,
        link: link_path(PURPOSE_INVITATION, &secret),
    })
}

async fn check_departments(
    c: Conn<'_>,
    ids: &[i64],
    errors: &mut Errors,
) -> Result<Vec<i64>, AppError> {
    let known: Vec<i64> = departments::list(c)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let ids: Vec<i64> = ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.iter().any(|id| !known.contains(id)) {
        errors.add("department_ids", "invalid");
    }
    Ok(ids)
}

/// Changes a person: name, role, organization, the right to open tickets, departments, active.
pub async fn update_user(
    db_: &Db,
    actor: &CurrentUser,
    id: i64,
    input: UserInput,
    now: DateTime<Utc>,
) -> Result<UserAdmin, AppError> {
    require(actor.may_administer())?;
    let mut tx = db_.begin().await?;
    let before = load_user(tx.conn(), id).await?;
    let mut errors = Errors::default();
    let name = match &input.name {
        Some(n) => validate_name(n)
            .map_err(|code| errors.add("name", code))
            .unwrap_or_default(),
        None => before.name.clone(),
    };
    if input
        .email
        .as_deref()
        .is_some_and(|e| e.trim() != before.email)
    {
        errors.add("email", "not_allowed");
    }
    let role = input.role.unwrap_or(before.role);
    let organization_id = match input.organization_id {
        Some(0) => None,
        Some(o) => Some(o),
        None if role.belongs_to_organization() == before.role.belongs_to_organization() => {
            before.organization.as_ref().map(|o| o.id)
        }
        None => None,
    };
    if id == actor.id && (role != before.role || input.active == Some(false)) {
        errors.add(
            if role != before.role {
                "role"
            } else {
                "active"
            },
            "cannot_change_self",
        );
    }
    check_membership(tx.conn(), role, organization_id, &mut errors).await?;
    let departments = match &input.department_ids {
        Some(ids) if !role.is_staff() && !ids.is_empty() => {
            errors.add("department_ids", "not_allowed_for_role");
            None
        }
        Some(ids) => Some(check_departments(tx.conn(), ids, &mut errors).await?),
        // Leaving support staff ends their department memberships.
        None if !role.is_staff() => Some(Vec::new()),
        None => None,
    };
    if input.can_open_tickets.is_some() && role != Role::Customer {
        errors.add("can_open_tickets", "not_allowed_for_role");
    }
    errors.finish()?;
    let row = db::UserRow {
        id,
        name,
        email: before.email.clone(),
        role: role.as_str().to_owned(),
        organization_id,
        organization_name: None,
        can_open_tickets: match role {
            Role::OrgAdmin => true,
            Role::Customer => input.can_open_tickets.unwrap_or(before.can_open_tickets),
            _ => false,
        },
        active: before.active,
        pending_invitation: before.pending_invitation,
        created_at: before.created_at,
    };
    db::update_user(tx.conn(), &row, now).await?;
    if let Some(ids) = &departments {
        db::set_user_departments(tx.conn(), id, ids).await?;
    }
    if role != before.role || organization_id != before.organization.as_ref().map(|o| o.id) {
        // Whatever they were allowed to see changed: sign them in again.
        db::end_sessions(tx.conn(), id, now).await?;
    }
    if let Some(active) = input.active.filter(|a| *a != before.active) {
        users::set_active(tx.conn(), id, active, now).await?;
        if !active {
            tokens::revoke_all_api_tokens(tx.conn(), id, now).await?;
        }
    }
    let after = load_user(tx.conn(), id).await?;
    let change = Change::new("user", id, format!("{} <{}>", after.name, after.email));
    audit_save(tx.conn(), actor, &change, Some(&before), &after, now).await?;
    tx.commit().await?;
    crate::backend::cache::identities_changed();
    Ok(after)
}

/// A password-reset link for a person, to send them (admins).
pub async fn reset_link(
    db_: &Db,
    actor: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<UserLink, AppError> {
    require(actor.may_administer())?;
    let mut tx = db_.begin().await?;
    let view = load_user(tx.conn(), id).await?;
    if !view.active {
        return Err(AppError::validation("active", "inactive"));
    }
    let purpose = if view.pending_invitation {
        PURPOSE_INVITATION
    } else {
        PURPOSE_PASSWORD_RESET
    };
    let secret = create_link(tx.conn(), id, purpose, Some(actor.id), now).await?;
    Change::new("user", id, format!("{} <{}>", view.name, view.email))
        .record_fields(
            tx.conn(),
            actor,
            "update",
            &[("password_link", String::new(), purpose.to_owned())],
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(UserLink {
        user: view,
        link: link_path(purpose, &secret),
    })
}

// ================================================================ organizations

fn organization_view(row: db::OrganizationRow) -> Result<OrganizationAdmin, AppError> {
    Ok(OrganizationAdmin {
        plan: row
            .plan
            .parse()
            .map_err(|e| AppError::from(anyhow::anyhow!("bad plan: {e}")))?,
        id: row.id,
        name: row.name,
        shares_tickets: row.shares_tickets,
        active: row.active,
        members: row.members,
    })
}

pub async fn organizations(
    db_: &Db,
    user: &CurrentUser,
) -> Result<Vec<OrganizationAdmin>, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    db::organizations(c.conn())
        .await?
        .into_iter()
        .map(organization_view)
        .collect()
}

pub async fn organization(
    db_: &Db,
    user: &CurrentUser,
    id: i64,
) -> Result<OrganizationAdmin, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    db::organization(c.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::Organization))
        .and_then(organization_view)
}

/// Creates or changes an organization. A plan change recomputes its open tickets' clocks;
/// deactivating it deactivates its members (their sessions and tokens end).
pub async fn save_organization(
    db_: &Db,
    actor: &CurrentUser,
    id: Option<i64>,
    input: OrganizationInput,
    now: DateTime<Utc>,
) -> Result<OrganizationAdmin, AppError> {
    require(actor.may_administer())?;
    let mut tx = crate::backend::events::begin_write(db_).await?;
    let before = match id {
        Some(id) => Some(
            db::organization(tx.conn(), id)
                .await?
                .ok_or(AppError::not_found(Entity::Organization))
                .and_then(organization_view)?,
        ),
        None => None,
    };
    let mut errors = Errors::default();
    let name = errors.name_or(
        "name",
        input.name.as_deref(),
        before.as_ref().map(|b| b.name.as_str()),
        120,
    );
    if !name.is_empty()
        && db::name_taken(tx.conn(), "organizations", &name, id.unwrap_or(0)).await?
    {
        errors.add("name", "taken");
    }
    let plan = match (input.plan, &before) {
        (Some(p), _) => p,
        (None, Some(b)) => b.plan,
        (None, None) => {
            errors.add("plan", "required");
            Plan::Trial
        }
    };
    errors.finish()?;
    let shares = input
        .shares_tickets
        .unwrap_or(before.as_ref().is_some_and(|b| b.shares_tickets));
    let active = input
        .active
        .unwrap_or(before.as_ref().is_none_or(|b| b.active));
    let id = match id {
        Some(id) => id,
        None => {
            let new = organizations::NewOrganization {
                name: &name,
                plan,
                shares_tickets: shares,
            };
            organizations::insert(tx.conn(), &new, now).await?
        }
    };
    let row = db::OrganizationRow {
        id,
        name: name.clone(),
        plan: plan.as_str().to_owned(),
        shares_tickets: shares,
        active,
        members: 0,
    };
    db::update_organization(tx.conn(), &row, now).await?;
    if before.as_ref().is_some_and(|b| b.active && !active) {
        for member in db::member_ids(tx.conn(), id).await? {
            users::set_active(tx.conn(), member, false, now).await?;
            tokens::revoke_all_api_tokens(tx.conn(), member, now).await?;
        }
    }
    if before.as_ref().is_some_and(|b| b.plan != plan) {
        refresh_affected(tx.conn(), Affected::Organization(id), now).await?;
    }
    let after = db::organization(tx.conn(), id)
        .await?
        .ok_or(AppError::Internal)
        .and_then(organization_view)?;
    let change = Change::new("organization", id, &after.name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    crate::backend::cache::identities_changed();
    crate::backend::events::wake();
    Ok(after)
}

/// The members of an organization.
pub async fn members(
    db_: &Db,
    actor: &CurrentUser,
    organization_id: i64,
) -> Result<Vec<UserAdmin>, AppError> {
    organization(db_, actor, organization_id).await?;
    let q = UserQuery {
        organization_id: Some(organization_id.to_string()),
        limit: Some(MAX_PAGE.to_string()),
        ..UserQuery::default()
    };
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = users(
            db_,
            actor,
            &UserQuery {
                cursor,
                ..q.clone()
            },
        )
        .await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(all),
        }
    }
}

/// Invites a member into an organization (a customer or an organization admin).
pub async fn invite_member(
    db_: &Db,
    actor: &CurrentUser,
    organization_id: i64,
    mut input: UserInput,
    now: DateTime<Utc>,
) -> Result<UserLink, AppError> {
    organization(db_, actor, organization_id).await?;
    if input.role.is_some_and(|r| !r.belongs_to_organization()) {
        return Err(AppError::validation("role", "invalid"));
    }
    input.role = Some(input.role.unwrap_or(Role::Customer));
    input.organization_id = Some(organization_id);
    invite_user(db_, actor, input, now).await
}

/// Changes a member of an organization (404 for anyone else).
pub async fn update_member(
    db_: &Db,
    actor: &CurrentUser,
    organization_id: i64,
    user_id: i64,
    input: UserInput,
    now: DateTime<Utc>,
) -> Result<UserAdmin, AppError> {
    let current = user(db_, actor, user_id).await?;
    if current.organization.as_ref().map(|o| o.id) != Some(organization_id) {
        return Err(AppError::not_found(Entity::User));
    }
    if input.role.is_some_and(|r| !r.belongs_to_organization()) {
        return Err(AppError::validation("role", "invalid"));
    }
    update_user(db_, actor, user_id, input, now).await
}

// ================================================================ ticket types

async fn type_views(c: Conn<'_>, only: Option<i64>) -> Result<Vec<TicketTypeAdmin>, AppError> {
    let mut c = c;
    let rows = match only {
        Some(id) => db::ticket_type(c.reborrow(), id)
            .await?
            .into_iter()
            .collect(),
        None => db::ticket_types(c.reborrow()).await?,
    };
    let mut fields: HashMap<i64, Vec<FieldAdmin>> = HashMap::new();
    for f in db::fields(c.reborrow()).await? {
        fields
            .entry(f.ticket_type_id)
            .or_default()
            .push(FieldAdmin {
                key: f.key,
                label: f.label,
                kind: f.kind,
                required: f.required,
                options: f.options.0,
                active: f.active,
            });
    }
    let mut plans: HashMap<i64, Vec<Plan>> = HashMap::new();
    for (type_id, plan) in db::type_plans(c).await? {
        if let Ok(plan) = plan.parse() {
            plans.entry(type_id).or_default().push(plan);
        }
    }
    rows.into_iter()
        .map(|t| {
            let mut type_plans = plans.remove(&t.id).unwrap_or_default();
            type_plans.sort();
            Ok(TicketTypeAdmin {
                default_department: t
                    .default_department_id
                    .zip(t.default_department_name)
                    .map(|(id, name)| NamedRef { id, name }),
                default_priority: t
                    .default_priority
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|e| AppError::from(anyhow::anyhow!("bad priority: {e}")))?,
                fields: fields.remove(&t.id).unwrap_or_default(),
                plans: type_plans,
                id: t.id,
                key: t.key,
                name: t.name,
                description: t.description,
                active: t.active,
                position: t.position,
            })
        })
        .collect()
}

pub async fn ticket_types(db_: &Db, user: &CurrentUser) -> Result<Vec<TicketTypeAdmin>, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    type_views(c.conn(), None).await
}

pub async fn ticket_type(
    db_: &Db,
    user: &CurrentUser,
    id: i64,
) -> Result<TicketTypeAdmin, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    type_views(c.conn(), Some(id))
        .await?
        .pop()
        .ok_or(AppError::not_found(Entity::TicketType))
}

fn is_key(text: &str) -> bool {
    (1..=40).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && text.as_bytes()[0].is_ascii_lowercase()
}

/// Checks a type's fields (keys unique and well formed, labels, kinds, select options).
fn check_fields(fields: &[FieldAdmin], errors: &mut Errors) -> Vec<FieldAdmin> {
    if fields.len() > 30 {
        errors.add("fields", "too_many_entries");
    }
    let mut seen = BTreeSet::new();
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let at = |part: &str| format!("fields[{i}].{part}");
            let key = f.key.trim().to_owned();
            if !is_key(&key) {
                errors.add(at("key"), "invalid_key");
            } else if !seen.insert(key.clone()) {
                errors.add(at("key"), "taken");
            }
            let label = errors.name(&at("label"), &f.label, 120);
            if !FIELD_KINDS.contains(&f.kind.as_str()) {
                errors.add(at("kind"), "invalid");
            }
            let options: Vec<String> = f
                .options
                .iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect();
            if f.kind == "select" && options.is_empty() {
                errors.add(at("options"), "required");
            }
            if options.len() > 50 || options.iter().any(|o| o.chars().count() > 100) {
                errors.add(at("options"), "too_long");
            }
            FieldAdmin {
                key,
                label,
                kind: f.kind.clone(),
                required: f.required,
                options: if f.kind == "select" {
                    options
                } else {
                    Vec::new()
                },
                active: f.active,
            }
        })
        .collect()
}

/// Creates or changes a ticket type. Fields are never deleted: one left out is deactivated,
/// so tickets that carry its value keep showing it.
pub async fn save_ticket_type(
    db_: &Db,
    actor: &CurrentUser,
    id: Option<i64>,
    input: TicketTypeInput,
    now: DateTime<Utc>,
) -> Result<TicketTypeAdmin, AppError> {
    require(actor.may_administer())?;
    let mut tx = db_.begin().await?;
    let before = match id {
        Some(id) => Some(
            type_views(tx.conn(), Some(id))
                .await?
                .pop()
                .ok_or(AppError::not_found(Entity::TicketType))?,
        ),
        None => None,
    };
    let mut errors = Errors::default();
    let key = match (&input.key, &before) {
        (_, Some(b)) => {
            if input.key.as_deref().is_some_and(|k| k.trim() != b.key) {
                errors.add("key", "not_allowed");
            }
            b.key.clone()
        }
        (Some(k), None) => {
            let k = k.trim().to_owned();
            if !is_key(&k) {
                errors.add("key", "invalid_key");
            } else if db::type_key_taken(tx.conn(), &k).await? {
                errors.add("key", "taken");
            }
            k
        }
        (None, None) => {
            errors.add("key", "required");
            String::new()
        }
    };
    let name = errors.name_or(
        "name",
        input.name.as_deref(),
        before.as_ref().map(|b| b.name.as_str()),
        80,
    );
    let description = input
        .description
        .as_deref()
        .map(str::trim)
        .map(str::to_owned)
        .or_else(|| before.as_ref().map(|b| b.description.clone()))
        .unwrap_or_default();
    if description.chars().count() > 500 {
        errors.add("description", "too_long");
    }
    let default_department_id = match input.default_department_id {
        Some(0) => None,
        Some(d) => {
            if departments::list_active(tx.conn())
                .await?
                .iter()
                .all(|(id, _)| *id != d)
            {
                errors.add("default_department_id", "not_found");
            }
            Some(d)
        }
        None => before
            .as_ref()
            .and_then(|b| b.default_department.as_ref().map(|d| d.id)),
    };
    let default_priority = match input.default_priority.as_deref().map(str::trim) {
        Some("") => None,
        Some(p) => match p.parse::<Priority>() {
            Ok(p) => Some(p),
            Err(_) => {
                errors.add("default_priority", "invalid");
                None
            }
        },
        None => before.as_ref().and_then(|b| b.default_priority),
    };
    let fields = input
        .fields
        .as_deref()
        .map(|f| check_fields(f, &mut errors));
    let position = input
        .position
        .or(before.as_ref().map(|b| b.position))
        .unwrap_or(100);
    if !(0..=10_000).contains(&position) {
        errors.add("position", "invalid");
    }
    errors.finish()?;
    let id = match id {
        Some(id) => id,
        None => {
            let new = ticket_types::NewTicketType {
                key: &key,
                name: &name,
                description: &description,
                position,
                default_priority,
            };
            ticket_types::insert(tx.conn(), &new, now).await?
        }
    };
    let row = db::TypeRow {
        id,
        key: key.clone(),
        name,
        description,
        active: input
            .active
            .unwrap_or(before.as_ref().is_none_or(|b| b.active)),
        position,
        default_department_id,
        default_department_name: None,
        default_priority: default_priority.map(|p| p.as_str().to_owned()),
    };
    db::update_ticket_type(tx.conn(), &row, now).await?;
    if let Some(plans) = &input.plans {
        let plans: Vec<Plan> = plans
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        db::set_type_plans(tx.conn(), id, &plans).await?;
    }
    if let Some(fields) = &fields {
        // Fields left out of the list stay, inactive, after the ones given.
        let mut all = fields.clone();
        if let Some(b) = &before {
            for old in &b.fields {
                if !all.iter().any(|f| f.key == old.key) {
                    all.push(FieldAdmin {
                        active: false,
                        ..old.clone()
                    });
                }
            }
        }
        db::set_type_fields(tx.conn(), id, &all).await?;
    }
    let after = type_views(tx.conn(), Some(id))
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    let change = Change::new("ticket_type", id, &after.name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    Ok(after)
}

// ================================================================ service levels

fn calendar_view(row: sla_db::CalendarRow) -> SlaCalendar {
    SlaCalendar {
        id: row.id,
        name: row.name,
        time_zone: row.time_zone,
        week: row.week.0,
        holidays: row.holidays.0,
        active: row.active,
    }
}

pub async fn calendars(db_: &Db, user: &CurrentUser) -> Result<Vec<SlaCalendar>, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    Ok(sla_db::calendars(c.conn())
        .await?
        .into_iter()
        .map(calendar_view)
        .collect())
}

pub async fn calendar(db_: &Db, user: &CurrentUser, id: i64) -> Result<SlaCalendar, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    sla_db::calendar(c.conn(), id)
        .await?
        .map(calendar_view)
        .ok_or(AppError::not_found(Entity::Calendar))
}

fn week_text(week: &[Vec<[u16; 2]>]) -> String {
    const DAYS: [&str; 7] = ["seg", "ter", "qua", "qui", "sex", "sáb", "dom"];
    DAYS.iter()
        .zip(week)
        .map(|(day, spans)| {
            let spans = spans
                .iter()
                .map(|[a, b]| format!("{}–{}", crate::domain::hhmm(*a), crate::domain::hhmm(*b)))
                .collect::<Vec<_>>()
                .join(" ");
            format!(
                "{day} {}",
                if spans.is_empty() {
                    "—".to_owned()
                } else {
                    spans
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Creates or changes a calendar; a change recomputes the clocks of open tickets under it.
pub async fn save_calendar(
    db_: &Db,
    actor: &CurrentUser,
    id: Option<i64>,
    input: SlaCalendarInput,
    now: DateTime<Utc>,
) -> Result<SlaCalendar, AppError> {
    require(actor.may_administer())?;
    let mut tx = crate::backend::events::begin_write(db_).await?;
    let before = match id {
        Some(id) => Some(
            sla_db::calendar(tx.conn(), id)
                .await?
                .map(calendar_view)
                .ok_or(AppError::not_found(Entity::Calendar))?,
        ),
        None => None,
    };
    let mut errors = Errors::default();
    let name = errors.name_or(
        "name",
        input.name.as_deref(),
        before.as_ref().map(|b| b.name.as_str()),
        80,
    );
    if !name.is_empty()
        && sla_db::calendar_named(tx.conn(), &name)
            .await?
            .is_some_and(|other| Some(other) != id)
    {
        errors.add("name", "taken");
    }
    let time_zone = input
        .time_zone
        .clone()
        .or(before.as_ref().map(|b| b.time_zone.clone()))
        .unwrap_or_else(|| "America/Sao_Paulo".to_owned());
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.add("time_zone", "invalid");
    }
    let week = input
        .week
        .clone()
        .or(before.as_ref().map(|b| b.week.clone()))
        .unwrap_or_default();
    let well_formed = week.len() == 7
        && week.iter().all(|day| {
            day.len() <= 6
                && day
                    .iter()
                    .all(|[a, b]| a < b && *b <= crate::backend::business_time::DAY)
                && day.windows(2).all(|w| w[0][1] <= w[1][0])
        });
    if !well_formed {
        errors.add("week", "invalid");
    } else if week.iter().all(Vec::is_empty) {
        errors.add("week", "required");
    }
    let holidays = input
        .holidays
        .clone()
        .or(before.as_ref().map(|b| b.holidays.clone()))
        .unwrap_or_default();
    if holidays.len() > 400 {
        errors.add("holidays", "too_many_entries");
    }
    let active = input
        .active
        .unwrap_or(before.as_ref().is_none_or(|b| b.active));
    if let (Some(id), false) = (id, active) {
        if sla_db::policies(tx.conn())
            .await?
            .iter()
            .any(|p| p.active && p.calendar_id == id)
        {
            errors.add("active", "in_use");
        }
    }
    errors.finish()?;
    let mut holidays: Vec<_> = holidays
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    holidays.truncate(400);
    let row = sla_db::CalendarRow {
        id: id.unwrap_or(0),
        name,
        time_zone,
        week: Json(week),
        holidays: Json(holidays),
        active,
    };
    let id = match id {
        Some(id) => {
            sla_db::update_calendar(tx.conn(), &row, now).await?;
            refresh_affected(tx.conn(), Affected::Calendar(id), now).await?;
            id
        }
        None => sla_db::insert_calendar(tx.conn(), &row, now).await?,
    };
    let after = sla_db::calendar(tx.conn(), id)
        .await?
        .map(calendar_view)
        .ok_or(AppError::Internal)?;
    let change = Change::new("calendar", id, &after.name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    crate::backend::events::wake();
    Ok(after)
}

fn policy_view(row: sla_db::PolicyRow) -> Result<SlaPolicy, AppError> {
    let bad = |e: crate::domain::UnknownVariant| AppError::from(anyhow::anyhow!("bad policy: {e}"));
    Ok(SlaPolicy {
        plan: row.plan.parse().map_err(bad)?,
        priority: row.priority.parse().map_err(bad)?,
        id: row.id,
        first_response_minutes: row.first_response_minutes,
        resolution_minutes: row.resolution_minutes,
        calendar: NamedRef {
            id: row.calendar_id,
            name: row.calendar_name,
        },
        active: row.active,
    })
}

pub async fn policies(db_: &Db, user: &CurrentUser) -> Result<Vec<SlaPolicy>, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    sla_db::policies(c.conn())
        .await?
        .into_iter()
        .map(policy_view)
        .collect()
}

pub async fn policy(db_: &Db, user: &CurrentUser, id: i64) -> Result<SlaPolicy, AppError> {
    require(user.may_supervise())?;
    let mut c = db_.acquire().await?;
    sla_db::policy(c.conn(), id)
        .await?
        .ok_or(AppError::not_found(Entity::SlaPolicy))
        .and_then(policy_view)
}

/// Creates or changes a service level; the open tickets of its plan and priority (before and
/// after the change) get their clocks recomputed.
pub async fn save_policy(
    db_: &Db,
    actor: &CurrentUser,
    id: Option<i64>,
    input: SlaPolicyInput,
    now: DateTime<Utc>,
) -> Result<SlaPolicy, AppError> {
    require(actor.may_administer())?;
    let mut tx = crate::backend::events::begin_write(db_).await?;
    let before = match id {
        Some(id) => Some(
            sla_db::policy(tx.conn(), id)
                .await?
                .ok_or(AppError::not_found(Entity::SlaPolicy))
                .and_then(policy_view)?,
        ),
        None => None,
    };
    let mut errors = Errors::default();
    let plan = input
        .plan
        .or(before.as_ref().map(|b| b.plan))
        .unwrap_or_else(|| {
            errors.add("plan", "required");
            Plan::Trial
        });
    let priority = input
        .priority
        .or(before.as_ref().map(|b| b.priority))
        .unwrap_or_else(|| {
            errors.add("priority", "required");
            Priority::Low
        });
    let mut minutes = |field: &str, given: Option<i64>, old: Option<i64>| -> i64 {
        match given.or(old) {
            None => {
                errors.add(field, "required");
                0
            }
            Some(m) if !(1..=SLA_MAX_MINUTES).contains(&m) => {
                errors.add(field, "out_of_range");
                m
            }
            Some(m) => m,
        }
    };
    let first = minutes(
        "first_response_minutes",
        input.first_response_minutes,
        before.as_ref().map(|b| b.first_response_minutes),
    );
    let resolution = minutes(
        "resolution_minutes",
        input.resolution_minutes,
        before.as_ref().map(|b| b.resolution_minutes),
    );
    if first > 0 && resolution > 0 && resolution < first {
        errors.add("resolution_minutes", "before_first_response");
    }
    let calendar_id = input
        .calendar_id
        .or(before.as_ref().map(|b| b.calendar.id))
        .unwrap_or_else(|| {
            errors.add("calendar_id", "required");
            0
        });
    if calendar_id != 0
        && !sla_db::calendar(tx.conn(), calendar_id)
            .await?
            .is_some_and(|c| c.active)
    {
        errors.add("calendar_id", "not_found");
    }
    let active = input
        .active
        .unwrap_or(before.as_ref().is_none_or(|b| b.active));
    if active
        && sla_db::active_policy_id(tx.conn(), plan.as_str(), priority.as_str(), id.unwrap_or(0))
            .await?
            .is_some()
    {
        errors.add("priority", "taken");
    }
    errors.finish()?;
    let write = sla_db::PolicyWrite {
        plan: plan.as_str(),
        priority: priority.as_str(),
        first_response_minutes: first,
        resolution_minutes: resolution,
        calendar_id,
        active,
    };
    let id = match id {
        Some(id) => {
            sla_db::update_policy(tx.conn(), id, &write, now).await?;
            id
        }
        None => sla_db::insert_policy(tx.conn(), &write, now).await?,
    };
    refresh_affected(
        tx.conn(),
        Affected::PlanPriority(plan.as_str(), priority.as_str()),
        now,
    )
    .await?;
    if let Some(b) = before
        .as_ref()
        .filter(|b| (b.plan, b.priority) != (plan, priority))
    {
        refresh_affected(
            tx.conn(),
            Affected::PlanPriority(b.plan.as_str(), b.priority.as_str()),
            now,
        )
        .await?;
    }
    let after = sla_db::policy(tx.conn(), id)
        .await?
        .ok_or(AppError::Internal)
        .and_then(policy_view)?;
    let name = format!("{} · {}", after.plan.as_str(), after.priority.as_str());
    let change = Change::new("sla_policy", id, name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    crate::backend::events::wake();
    Ok(after)
}

// ================================================================ priorities and limits

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys_are_lowercase_identifiers() {
        assert!(is_key("ambiente"));
        assert!(is_key("pipeline_key2"));
        assert!(!is_key("Ambiente"));
        assert!(!is_key("2fa"));
        assert!(!is_key("com espaço"));
        assert!(!is_key(""));
        assert!(!is_key(&"a".repeat(41)));
    }

    #[test]
    fn fields_are_checked_all_at_once() {
        let mut errors = Errors::default();
        let field = |key: &str, kind: &str, options: &[&str]| FieldAdmin {
            key: key.into(),
            label: "Rótulo".into(),
            kind: kind.into(),
            required: false,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            active: true,
        };
        let checked = check_fields(
            &[
                field("ambiente", "select", &["PROD", " ", "TEST"]),
                field("ambiente", "text", &[]),
                field("cor", "select", &[]),
                field("x", "color", &[]),
            ],
            &mut errors,
        );
        assert_eq!(checked[0].options, ["PROD", "TEST"]);
        let codes: Vec<(String, String)> =
            errors.0.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            [
                ("fields[1].key".to_owned(), "taken".to_owned()),
                ("fields[2].options".to_owned(), "required".to_owned()),
                ("fields[3].kind".to_owned(), "invalid".to_owned()),
            ]
        );
    }

    #[test]
    fn user_cursors_round_trip() {
        let c = encode_name_cursor("Ana ~ Lima", 7);
        assert_eq!(decode_name_cursor(&c), Some(("Ana ~ Lima".to_owned(), 7)));
        assert_eq!(decode_name_cursor("???"), None);
    }
}
