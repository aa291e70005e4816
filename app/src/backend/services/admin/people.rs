//! People: staff and customers, their roles, departments and organization; invitations and password links.

use crate::backend::db::admin as db;
use crate::backend::db::{departments, tokens, users, Conn};
use crate::backend::services::audit::Change;
use crate::backend::services::audit::{audit_save, names, yes_no, Audited};
use crate::backend::services::auth::{
    create_link, link_path, PURPOSE_INVITATION, PURPOSE_PASSWORD_RESET,
};
use crate::backend::services::require;
use crate::backend::services::split_page;
use crate::backend::services::validation::Errors;
use crate::backend::Db;
use crate::domain::{
    validate_name, CurrentUser, EmailAddress, NamedRef, Role, UserAdmin, UserInput, UserLink,
    UserPage, UserQuery,
};
use crate::domain::{AuditAction, AuditEntity};
use crate::error::{AppError, Entity};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};

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
    let change = Change::new(
        AuditEntity::User,
        id,
        format!("{} <{}>", view.name, view.email),
    );
    audit_save(tx.conn(), actor, &change, None, &view, now).await?;
    tx.commit().await?;
    db_.caches().identities_changed();
    Ok(UserLink {
        user: view,
        link: link_path(PURPOSE_INVITATION, &secret),
    })
}

/// The most departments one person may be in (a list longer than this is refused unread).
pub const MAX_DEPARTMENTS_PER_PERSON: usize = 100;

async fn check_departments(
    c: Conn<'_>,
    ids: &[i64],
    errors: &mut Errors,
) -> Result<Vec<i64>, AppError> {
    if ids.len() > MAX_DEPARTMENTS_PER_PERSON {
        errors.add("department_ids", "too_many");
        return Ok(Vec::new());
    }
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
        users::set_active(tx.conn(), id, active, true, now).await?;
        if !active {
            tokens::revoke_all_api_tokens(tx.conn(), id, now).await?;
        }
    }
    let after = load_user(tx.conn(), id).await?;
    let change = Change::new(
        AuditEntity::User,
        id,
        format!("{} <{}>", after.name, after.email),
    );
    audit_save(tx.conn(), actor, &change, Some(&before), &after, now).await?;
    tx.commit().await?;
    db_.caches().identities_changed();
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
    Change::new(
        AuditEntity::User,
        id,
        format!("{} <{}>", view.name, view.email),
    )
    .record_fields(
        tx.conn(),
        actor,
        AuditAction::Update,
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

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn user_cursors_round_trip() {
        let c = encode_name_cursor("Ana ~ Lima", 7);
        assert_eq!(decode_name_cursor(&c), Some(("Ana ~ Lima".to_owned(), 7)));
        assert_eq!(decode_name_cursor("???"), None);
    }
}
