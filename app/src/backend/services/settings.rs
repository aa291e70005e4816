//! Installation settings admins edit: the limits every ticket write obeys (message length,
//! attachments, auto-close, reopen window) and the priority texts of the new-ticket form.
//! Everyone reads them in force; leads read and admins write them as settings.

use crate::backend::cache::{CacheKind, Depends};
use crate::backend::db::settings;
use crate::backend::services::audit::Change;
use crate::backend::services::require;
use crate::backend::services::validation::Errors;
use crate::backend::Db;
use crate::domain::{AuditAction, AuditEntity};
use crate::domain::{
    CurrentUser, Limits, LimitsInput, Priority, PriorityText, ATTACHMENT_EXTENSIONS, LIMIT_BOUNDS,
};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

const PRIORITIES_KEY: &str = "priorities";

const LIMITS_KEY: &str = "limits";

/// The built-in texts: the i18n labels and guidance of seeds 002 and 004.
fn default_priorities() -> Vec<PriorityText> {
    Priority::ALL
        .iter()
        .map(|p| {
            let (label_pt, guidance_pt) =
                crate::i18n::priority_texts(crate::i18n::Locale::pt_BR, *p);
            let (label_en, guidance_en) = crate::i18n::priority_texts(crate::i18n::Locale::en, *p);
            PriorityText {
                priority: *p,
                label_pt,
                label_en,
                guidance_pt,
                guidance_en,
            }
        })
        .collect()
}

/// Priority labels and guidance as admins left them (defaults otherwise). Anyone may read:
/// the new-ticket form shows them.
pub async fn priority_texts(db_: &Db) -> Result<Vec<PriorityText>, AppError> {
    let mut c = db_.acquire().await?;
    let stored = settings::get(c.conn(), PRIORITIES_KEY).await?;
    let saved: Vec<PriorityText> = stored
        .and_then(|(v, _)| serde_json::from_value(v.0).ok())
        .unwrap_or_default();
    Ok(default_priorities()
        .into_iter()
        .map(|d| {
            saved
                .iter()
                .find(|s| s.priority == d.priority)
                .cloned()
                .unwrap_or(d)
        })
        .collect())
}

pub async fn save_priority_texts(
    db_: &Db,
    actor: &CurrentUser,
    input: Vec<PriorityText>,
    now: DateTime<Utc>,
) -> Result<Vec<PriorityText>, AppError> {
    require(actor.may_administer())?;
    let before = priority_texts(db_).await?;
    let mut errors = Errors::default();
    let mut after = before.clone();
    for (i, t) in input.iter().enumerate() {
        let at = |f: &str| format!("priorities[{i}].{f}");
        let text = PriorityText {
            priority: t.priority,
            label_pt: errors.name(&at("label_pt"), &t.label_pt, 40),
            label_en: errors.name(&at("label_en"), &t.label_en, 40),
            guidance_pt: errors.name(&at("guidance_pt"), &t.guidance_pt, 300),
            guidance_en: errors.name(&at("guidance_en"), &t.guidance_en, 300),
        };
        if let Some(slot) = after.iter_mut().find(|s| s.priority == t.priority) {
            *slot = text;
        }
    }
    errors.finish()?;
    let value = serde_json::to_value(&after).map_err(|e| AppError::from(anyhow::anyhow!(e)))?;
    let mut tx = db_.begin().await?;
    settings::put(tx.conn(), PRIORITIES_KEY, &value, now).await?;
    let change = Change::new(AuditEntity::Priorities, PRIORITIES_KEY, "Prioridades");
    for (b, a) in before.iter().zip(&after) {
        let p = b.priority.as_str();
        change
            .record_fields(
                tx.conn(),
                actor,
                AuditAction::Update,
                &[
                    (
                        &format!("{p}.label_pt"),
                        b.label_pt.clone(),
                        a.label_pt.clone(),
                    ),
                    (
                        &format!("{p}.label_en"),
                        b.label_en.clone(),
                        a.label_en.clone(),
                    ),
                    (
                        &format!("{p}.guidance_pt"),
                        b.guidance_pt.clone(),
                        a.guidance_pt.clone(),
                    ),
                    (
                        &format!("{p}.guidance_en"),
                        b.guidance_en.clone(),
                        a.guidance_en.clone(),
                    ),
                ]
                .iter()
                .map(|(f, x, y)| (f.as_str(), x.clone(), y.clone()))
                .collect::<Vec<_>>(),
                now,
            )
            .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// The limits in force (one value per application).
struct LimitsInForce;
impl CacheKind for LimitsInForce {
    type Key = ();
    type Value = Limits;
    const DEPENDS: Depends = Depends::Identities;
}

/// The limits in force (defaults until an admin changes them).
pub async fn limits(db_: &Db) -> Result<Limits, AppError> {
    let (hit, generation) = db_.caches().get::<LimitsInForce>(&());
    if let Some(limits) = hit {
        return Ok(limits);
    }
    let mut c = db_.acquire().await?;
    let limits: Limits = settings::get(c.conn(), LIMITS_KEY)
        .await?
        .and_then(|(v, _)| serde_json::from_value(v.0).ok())
        .unwrap_or_default();
    db_.caches()
        .put::<LimitsInForce>((), limits.clone(), generation);
    Ok(limits)
}

pub async fn save_limits(
    db_: &Db,
    actor: &CurrentUser,
    input: LimitsInput,
    now: DateTime<Utc>,
) -> Result<Limits, AppError> {
    require(actor.may_administer())?;
    let before = limits(db_).await?;
    let mut after = before.clone();
    let mut errors = Errors::default();
    let mut set = |field: &str, given: Option<i64>, slot: &mut i64| {
        if let Some(v) = given {
            let (lo, hi) = LIMIT_BOUNDS
                .iter()
                .find(|(f, _, _)| *f == field)
                .map(|(_, lo, hi)| (*lo, *hi))
                .unwrap_or((0, i64::MAX));
            if (lo..=hi).contains(&v) {
                *slot = v;
            } else {
                errors.add(field, "out_of_range");
            }
        }
    };
    set(
        "message_max_chars",
        input.message_max_chars,
        &mut after.message_max_chars,
    );
    set(
        "max_attachments",
        input.max_attachments,
        &mut after.max_attachments,
    );
    set(
        "max_attachment_bytes",
        input.max_attachment_bytes,
        &mut after.max_attachment_bytes,
    );
    set(
        "auto_close_days",
        input.auto_close_days,
        &mut after.auto_close_days,
    );
    set(
        "reopen_window_days",
        input.reopen_window_days,
        &mut after.reopen_window_days,
    );
    set(
        "email_message_max_chars",
        input.email_message_max_chars,
        &mut after.email_message_max_chars,
    );
    if let Some(types) = &input.allowed_types {
        let wanted: BTreeSet<String> = types.iter().map(|t| t.trim().to_lowercase()).collect();
        if wanted
            .iter()
            .any(|t| !ATTACHMENT_EXTENSIONS.contains(&t.as_str()))
        {
            errors.add("allowed_types", "invalid");
        }
        after.allowed_types = ATTACHMENT_EXTENSIONS
            .iter()
            .filter(|e| wanted.contains(**e))
            .map(|e| (*e).to_owned())
            .collect();
    }
    errors.finish()?;
    let value = serde_json::to_value(&after).map_err(|e| AppError::from(anyhow::anyhow!(e)))?;
    let mut tx = db_.begin().await?;
    settings::put(tx.conn(), LIMITS_KEY, &value, now).await?;
    Change::new(AuditEntity::Settings, LIMITS_KEY, "Limites")
        .record_fields(
            tx.conn(),
            actor,
            AuditAction::Update,
            &[
                (
                    "message_max_chars",
                    before.message_max_chars.to_string(),
                    after.message_max_chars.to_string(),
                ),
                (
                    "max_attachments",
                    before.max_attachments.to_string(),
                    after.max_attachments.to_string(),
                ),
                (
                    "max_attachment_bytes",
                    before.max_attachment_bytes.to_string(),
                    after.max_attachment_bytes.to_string(),
                ),
                (
                    "allowed_types",
                    before.allowed_types.join(", "),
                    after.allowed_types.join(", "),
                ),
                (
                    "auto_close_days",
                    before.auto_close_days.to_string(),
                    after.auto_close_days.to_string(),
                ),
                (
                    "reopen_window_days",
                    before.reopen_window_days.to_string(),
                    after.reopen_window_days.to_string(),
                ),
                (
                    "email_message_max_chars",
                    before.email_message_max_chars.to_string(),
                    after.email_message_max_chars.to_string(),
                ),
            ],
            now,
        )
        .await?;
    tx.commit().await?;
    db_.caches().identities_changed();
    Ok(after)
}

/// The limits in force, as the administration shows them (admins and leads).
pub async fn admin_limits(db_: &Db, user: &CurrentUser) -> Result<Limits, AppError> {
    require(user.may_supervise())?;
    limits(db_).await
}

/// The priority texts, as the administration shows them (admins and leads).
pub async fn admin_priority_texts(
    db_: &Db,
    user: &CurrentUser,
) -> Result<Vec<PriorityText>, AppError> {
    require(user.may_supervise())?;
    priority_texts(db_).await
}
