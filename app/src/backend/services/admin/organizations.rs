//! Organizations (the customers' companies): plan, ticket sharing, members and who may open tickets.

use crate::domain::AuditEntity;
// Imports, not logic: the same crates as its neighbours. jscpd:ignore-start
use super::people::{invite_user, update_user, user, users, MAX_PAGE};

use crate::backend::db::admin as db;
use crate::backend::db::sla::Affected;
use crate::backend::db::{organizations, tokens, users};
use crate::backend::services::audit::{audit_save, yes_no, Audited, Change};
use crate::backend::services::require;
use crate::backend::services::sla::refresh_affected;
use crate::backend::services::validation::Errors;
use crate::backend::Db;
use crate::domain::{
    CurrentUser, OrganizationAdmin, OrganizationInput, Plan, Role, UserAdmin, UserInput, UserLink,
    UserQuery,
};
use crate::error::{AppError, Entity};
use chrono::{DateTime, Utc};
// jscpd:ignore-end

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
    let before = super::existing(id, Entity::Organization, async |id| {
        db::organization(tx.conn(), id)
            .await?
            .map(organization_view)
            .transpose()
    })
    .await?;
    let mut errors = Errors::default();
    let name = super::saved_name(&mut errors, input.name.as_deref(), before.as_ref(), 120);
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
            users::set_active(tx.conn(), member, false, true, now).await?;
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
    let change = Change::new(AuditEntity::Organization, id, &after.name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    db_.caches().identities_changed();
    crate::backend::events::wake(db_);
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
