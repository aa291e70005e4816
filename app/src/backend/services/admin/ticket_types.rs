//! Ticket types and their custom fields; a removed field is deactivated, so old tickets keep its value.

use crate::backend::db::admin as db;
use crate::backend::db::{departments, ticket_types, Conn};
use crate::backend::services::audit::{audit_save, yes_no, Audited, Change};
use crate::backend::services::require;
use crate::backend::services::validation::Errors;
use crate::backend::Db;
use crate::domain::AuditEntity;
use crate::domain::{
    CurrentUser, FieldAdmin, NamedRef, Plan, Priority, TicketTypeAdmin, TicketTypeInput,
    FIELD_KINDS,
};
use crate::error::{AppError, Entity};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};

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
    let before = super::existing(id, Entity::TicketType, async |id| {
        Ok(type_views(tx.conn(), Some(id)).await?.pop())
    })
    .await?;
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
    let name = super::saved_name(&mut errors, input.name.as_deref(), before.as_ref(), 80);
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
    let change = Change::new(AuditEntity::TicketType, id, &after.name);
    audit_save(tx.conn(), actor, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    Ok(after)
}

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
}
