//! Departments: the queues agents work, their agents and round-robin.

use crate::backend::db::admin as db;
use crate::backend::db::{departments, Conn};
use crate::backend::services::audit::Change;
use crate::backend::services::audit::{audit_save, names, yes_no, Audited};
use crate::backend::services::require;
use crate::backend::services::validation::Errors;
use crate::backend::Db;
use crate::domain::AuditEntity;
use crate::domain::{CurrentUser, DepartmentAdmin, DepartmentInput, NamedRef, Role};
use crate::error::{AppError, Entity};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

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
    let before = super::existing(id, Entity::Department, async |id| {
        Ok(department_views(tx.conn(), Some(id)).await?.pop())
    })
    .await?;
    let mut errors = Errors::default();
    let name = super::saved_name(&mut errors, input.name.as_deref(), before.as_ref(), 80);
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
    let change = Change::new(AuditEntity::Department, id, &after.name);
    audit_save(tx.conn(), user, &change, before.as_ref(), &after, now).await?;
    tx.commit().await?;
    db_.caches().identities_changed();
    Ok(after)
}
