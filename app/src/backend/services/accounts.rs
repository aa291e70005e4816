//! Creating accounts (the `chamado user create` command; invitations build on it later).

use chrono::{DateTime, Utc};

use crate::backend::db::{organizations, users};
use crate::backend::{password, Db};
use crate::domain::{validate_name, validate_password, EmailAddress, Language, Role};
use crate::error::{AppError, FieldError};

pub struct CreateUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Organization name; required for customers and organization admins, refused for staff.
    pub organization: Option<String>,
    pub password: String,
    pub language: Language,
}

/// Validates and creates a user. Returns the new id. Nothing is written when anything is invalid.
pub async fn create_user(db: &Db, input: CreateUser, now: DateTime<Utc>) -> Result<i64, AppError> {
    let mut errors = Vec::new();
    let email = EmailAddress::parse(&input.email)
        .map_err(|code| errors.push(FieldError::new("email", code)))
        .ok();
    let name = validate_name(&input.name)
        .map_err(|code| errors.push(FieldError::new("name", code)))
        .ok();
    if let Err(code) = validate_password(&input.password) {
        errors.push(FieldError::new("password", code));
    }
    let organization = input
        .organization
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    match (input.role.belongs_to_organization(), organization) {
        (true, None) => errors.push(FieldError::new("organization", "required")),
        (false, Some(_)) => errors.push(FieldError::new("organization", "not_allowed_for_role")),
        _ => {}
    }
    // Hashed before the write transaction: no lock is held for the tens of milliseconds it takes.
    let hash = password::hash(input.password).await?;
    let mut tx = db.begin().await?;
    let organization_id = match organization {
        Some(name) => {
            let id = organizations::find_id_by_name(tx.conn(), name).await?;
            if id.is_none() {
                errors.push(FieldError::new("organization", "not_found"));
            }
            id
        }
        None => None,
    };
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return Err(AppError::Validation { errors });
    };
    if users::find_by_email(tx.conn(), email.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Validation {
            errors: vec![FieldError::new("email", "taken")],
        });
    }
    let new = users::NewUser {
        email: email.as_str(),
        name: &name,
        role: input.role,
        organization_id,
        // An organization admin opens tickets; a customer needs the grant of their admin.
        can_open_tickets: input.role == Role::OrgAdmin,
        language: input.language,
        password_hash: Some(&hash),
    };
    let id = users::insert(tx.conn(), &new, now).await?;
    tx.commit().await?;
    Ok(id)
}
