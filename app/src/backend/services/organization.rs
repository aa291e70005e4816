//! An organization admin manages their own organization's members (seed 003): invite, grant or
//! withdraw the right to open tickets, deactivate. Every function takes the acting user and
//! only ever touches their organization; anything else answers 404.

use chrono::{DateTime, Utc};

use crate::backend::db::{tokens, users};
use crate::backend::services::auth::{create_link, link_path, PURPOSE_INVITATION};
use crate::backend::Db;
use crate::domain::{validate_name, CurrentUser, EmailAddress, Member, Role};
use crate::error::{AppError, Entity, FieldError};

/// The organization the acting user administers.
fn administered_organization(actor: &CurrentUser) -> Result<i64, AppError> {
    match (actor.role, &actor.organization) {
        (Role::OrgAdmin, Some(org)) => Ok(org.id),
        _ => Err(AppError::Forbidden),
    }
}

fn to_member(row: users::MemberRow) -> Result<Member, AppError> {
    Ok(Member {
        role: row
            .role
            .parse()
            .map_err(|e| AppError::from(anyhow::anyhow!("bad role: {e}")))?,
        id: row.id,
        name: row.name,
        email: row.email,
        can_open_tickets: row.can_open_tickets,
        active: row.active,
        pending_invitation: row.pending_invitation,
    })
}

pub async fn list_members(db: &Db, actor: &CurrentUser) -> Result<Vec<Member>, AppError> {
    let org = administered_organization(actor)?;
    let mut c = db.acquire().await?;
    users::list_members(c.conn(), org)
        .await?
        .into_iter()
        .map(to_member)
        .collect()
}

/// A change an organization admin makes to a member.
#[derive(Debug, Default, Clone, Copy)]
pub struct MemberChange {
    /// Grant or withdraw the right to open tickets (customers only).
    pub can_open_tickets: Option<bool>,
    /// Deactivate (ending their sessions and API tokens at once) or reactivate.
    pub active: Option<bool>,
}

/// Applies a change to a member of the actor's organization, all or nothing.
pub async fn update_member(
    db: &Db,
    actor: &CurrentUser,
    member_id: i64,
    change: MemberChange,
    now: DateTime<Utc>,
) -> Result<Member, AppError> {
    let org = administered_organization(actor)?;
    if change.can_open_tickets.is_none() && change.active.is_none() {
        return Err(AppError::validation("body", "required"));
    }
    let mut tx = db.begin().await?;
    let member = users::find_member(tx.conn(), org, member_id)
        .await?
        .ok_or(AppError::not_found(Entity::User))?;
    let mut errors = Vec::new();
    if change.can_open_tickets.is_some() && member.role != Role::Customer.as_str() {
        errors.push(FieldError::new("can_open_tickets", "not_allowed_for_role"));
    }
    if change.active.is_some() && member_id == actor.id {
        errors.push(FieldError::new("active", "cannot_change_self"));
    }
    if change.active == Some(true)
        && !member.active
        && users::deactivated_by_staff(tx.conn(), member_id).await?
    {
        errors.push(FieldError::new("active", "deactivated_by_support"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    if let Some(value) = change.can_open_tickets {
        users::set_can_open_tickets(tx.conn(), member_id, value, now).await?;
    }
    if let Some(active) = change.active {
        users::set_active(tx.conn(), member_id, active, false, now).await?;
        if !active {
            tokens::revoke_all_api_tokens(tx.conn(), member_id, now).await?;
        }
    }
    let updated = users::find_member(tx.conn(), org, member_id)
        .await?
        .ok_or(AppError::not_found(Entity::User))?;
    tx.commit().await?;
    db.caches().identities_changed();
    to_member(updated)
}

pub struct Invitation {
    pub member: Member,
    /// The path of the single-use link (`/convite/…`), to be sent to the invitee.
    pub link_path: String,
}

/// What an invitation did. Callers answer both alike ([`InvitationReceipt`]).
pub enum InvitationOutcome {
    Invited(Invitation),
    /// The address belongs to someone outside the organization: nothing was done.
    NotInvited,
}

impl InvitationOutcome {
    /// Logs what may be logged, and gives the answer that is the same either way.
    pub fn receipt(self, email: &str) -> crate::domain::InvitationReceipt {
        if let InvitationOutcome::Invited(invitation) = &self {
            log_invitation(invitation);
        }
        crate::domain::InvitationReceipt {
            email: email.trim().to_lowercase(),
        }
    }
}

/// Notes that an invitation was made, without its link (a secret never goes to a log): the
/// link went out by e-mail.
pub fn log_invitation(invitation: &Invitation) {
    tracing::info!(target: "chamado::links", member_id = invitation.member.id,
        "invitation link made and mailed");
}

/// Invites a person into the actor's organization as a customer (without the right to open
/// tickets until granted). The invitee sets their password through the link. Inviting a
/// member who has not accepted yet sends a new link instead.
pub async fn invite_member(
    db: &Db,
    actor: &CurrentUser,
    email: &str,
    name: &str,
    can_open_tickets: bool,
    now: DateTime<Utc>,
) -> Result<InvitationOutcome, AppError> {
    let org = administered_organization(actor)?;
    let mut errors = Vec::new();
    let email = EmailAddress::parse(email)
        .map_err(|code| errors.push(FieldError::new("email", code)))
        .ok();
    let name = validate_name(name)
        .map_err(|code| errors.push(FieldError::new("name", code)))
        .ok();
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Validation { errors });
    };
    let mut tx = db.begin().await?;
    if let Some(existing) = users::find_credentials(tx.conn(), email.as_str()).await? {
        // Inviting someone who never accepted sends a fresh link (the old one stops working);
        // a member who did is already one. An address of anyone outside the organization (another
        // customer's, support's) is not invited, and the answer does not say so: the caller
        // must not learn who has an account here.
        let Some(member) = users::find_member(tx.conn(), org, existing.id).await? else {
            tracing::info!(
                organization_id = org,
                "invitation to an address outside the organization: nothing done"
            );
            return Ok(InvitationOutcome::NotInvited);
        };
        if !(member.pending_invitation && member.active) {
            return Err(AppError::validation("email", "already_member"));
        }
        let secret = create_link(
            tx.conn(),
            member.id,
            PURPOSE_INVITATION,
            Some(actor.id),
            now,
        )
        .await?;
        tx.commit().await?;
        db.caches().identities_changed();
        return Ok(InvitationOutcome::Invited(Invitation {
            member: to_member(member)?,
            link_path: link_path(PURPOSE_INVITATION, &secret),
        }));
    }
    let new = users::NewUser {
        email: email.as_str(),
        name: &name,
        role: Role::Customer,
        organization_id: Some(org),
        can_open_tickets,
        language: actor.language,
        password_hash: None,
    };
    let id = users::insert(tx.conn(), &new, now).await?;
    let secret = create_link(tx.conn(), id, PURPOSE_INVITATION, Some(actor.id), now).await?;
    let member = users::find_member(tx.conn(), org, id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    db.caches().identities_changed();
    Ok(InvitationOutcome::Invited(Invitation {
        member: to_member(member)?,
        link_path: link_path(PURPOSE_INVITATION, &secret),
    }))
}
