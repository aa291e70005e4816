//! The audit log: every admin change (who, when, before → after), written in the same
//! transaction as the change, and read together with the tickets' own history.

use crate::backend::spreadsheet::{Cell, Sheet};
use chrono::{DateTime, NaiveDate, Utc};

use crate::backend::db::admin::{self as db, AuditFilter, AuditWrite};
use crate::backend::db::{stored, Conn};
use crate::backend::services::{require, split_page};
use crate::domain::{
    AuditAction, AuditEntity, AuditEntry, AuditPage, AuditQuery, CurrentUser, NamedRef,
};
use crate::error::{AppError, FieldError};

use crate::backend::Db;

/// What one admin change did to one thing.
pub struct Change {
    pub entity: AuditEntity,
    pub entity_id: String,
    pub entity_name: String,
}

impl Change {
    pub fn new(entity: AuditEntity, id: impl ToString, name: impl Into<String>) -> Self {
        Change {
            entity,
            entity_id: id.to_string(),
            entity_name: name.into(),
        }
    }

    /// One row of this change (`field` absent: the row names the thing).
    fn row<'r>(
        &'r self,
        actor: &CurrentUser,
        action: AuditAction,
        field: Option<&'r str>,
        before: &'r str,
        after: &'r str,
    ) -> AuditWrite<'r> {
        AuditWrite {
            actor_id: Some(actor.id),
            entity: self.entity.as_str(),
            entity_id: &self.entity_id,
            entity_name: &self.entity_name,
            action: action.as_str(),
            field,
            old_value: (!before.is_empty()).then_some(before),
            new_value: (!after.is_empty()).then_some(after),
        }
    }

    /// Records a creation or a deletion (one row naming the thing).
    pub async fn record(
        &self,
        c: Conn<'_>,
        actor: &CurrentUser,
        action: AuditAction,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let row = self.row(actor, action, None, "", "");
        Ok(db::insert_audit(c, &row, now).await?)
    }

    /// Records the fields that changed (`(field, before, after)`; equal values are skipped).
    pub async fn record_fields(
        &self,
        mut c: Conn<'_>,
        actor: &CurrentUser,
        action: AuditAction,
        fields: &[(&str, String, String)],
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        for (field, before, after) in fields.iter().filter(|(_, b, a)| b != a) {
            let row = self.row(actor, action, Some(field), before, after);
            db::insert_audit(c.reborrow(), &row, now).await?;
        }
        Ok(())
    }
}

/// A date (`2026-11-01`, its start in São Paulo) or an RFC 3339 instant.
fn parse_instant(text: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let date: NaiveDate = text.parse().ok()?;
    let date = if end_of_day { date.succ_opt()? } else { date };
    Some(crate::backend::business_time::sao_paulo_day_start(date))
}

fn encode_cursor(row: &db::AuditRow) -> String {
    format!(
        "{}~{}~{}",
        row.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        row.source,
        row.id
    )
}

fn decode_cursor(text: &str) -> Option<(DateTime<Utc>, String, i64)> {
    let mut parts = text.splitn(3, '~');
    let at = DateTime::parse_from_rfc3339(parts.next()?).ok()?;
    let source = parts.next().filter(|s| matches!(*s, "a" | "t"))?;
    let id = parts.next()?.parse().ok()?;
    Some((at.with_timezone(&Utc), source.to_owned(), id))
}

/// Validated filters, or the field errors.
fn filter_of(q: &AuditQuery, max: i64) -> Result<AuditFilter, AppError> {
    let mut errors = Vec::new();
    let entity = q
        .entity
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    if entity
        .as_deref()
        .is_some_and(|e| e.parse::<AuditEntity>().is_err())
    {
        errors.push(FieldError::new("entity", "invalid"));
    }
    let mut number = |field: &str, v: &Option<String>| -> Option<i64> {
        let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        v.parse()
            .map_err(|_| errors.push(FieldError::new(field, "invalid")))
            .ok()
    };
    let actor_id = number("actor_id", &q.actor_id);
    let limit = number("limit", &q.limit).unwrap_or(50);
    let mut instant = |field: &str, v: &Option<String>, end: bool| {
        let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        parse_instant(v, end).or_else(|| {
            errors.push(FieldError::new(field, "invalid"));
            None
        })
    };
    let from = instant("from", &q.from, false);
    let before = instant("to", &q.to, true);
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => decode_cursor(c).or_else(|| {
            errors.push(FieldError::new("cursor", "invalid"));
            None
        }),
    };
    if !(1..=max).contains(&limit) {
        errors.push(FieldError::new("limit", "invalid"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    let entity_id = q
        .entity_id
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            // Tickets are named TKT-000042 in the product; the log stores the number.
            crate::domain::TicketNumber::parse(v)
                .filter(|_| entity.as_deref() == Some("ticket"))
                .map(|n| n.0.to_string())
                .unwrap_or_else(|| v.to_owned())
        });
    Ok(AuditFilter {
        entity,
        entity_id,
        actor_id,
        from,
        before,
        after,
        limit,
    })
}

/// Ticket history stores assignees and departments by id: shown by name (as the ticket's own
/// timeline does).
async fn with_names(
    c: Conn<'_>,
    mut rows: Vec<db::AuditRow>,
) -> Result<Vec<db::AuditRow>, AppError> {
    use crate::backend::db::{departments, workspace};
    let mut c = c;
    let ticket_field = |r: &db::AuditRow, f: &str| r.source == "t" && r.field.as_deref() == Some(f);
    let ids: Vec<i64> = rows
        .iter()
        .filter(|r| ticket_field(r, "assignee"))
        .flat_map(|r| [r.old_value.as_deref(), r.new_value.as_deref()])
        .flatten()
        .filter_map(|v| v.parse().ok())
        .collect();
    let people = workspace::user_names(c.reborrow(), &ids).await?;
    let depts = if rows.iter().any(|r| ticket_field(r, "department")) {
        departments::list(c).await?
    } else {
        Vec::new()
    };
    for r in &mut rows {
        let names: &[(i64, String)] = if ticket_field(r, "assignee") {
            &people
        } else if ticket_field(r, "department") {
            &depts
        } else {
            continue;
        };
        for value in [&mut r.old_value, &mut r.new_value] {
            if let Some(name) = value
                .as_deref()
                .and_then(|v| v.parse::<i64>().ok())
                .and_then(|id| names.iter().find(|(i, _)| *i == id))
                .map(|(_, n)| n.clone())
            {
                *value = Some(name);
            }
        }
    }
    Ok(rows)
}

fn entry_of(row: db::AuditRow) -> Result<AuditEntry, AppError> {
    let entity: AuditEntity = stored(&row.entity)?;
    let action: AuditAction = stored(&row.action)?;
    let entity_id = if entity == AuditEntity::Ticket {
        row.entity_id
            .parse()
            .map(|n| crate::domain::TicketNumber(n).to_string())
            .unwrap_or(row.entity_id)
    } else {
        row.entity_id
    };
    Ok(AuditEntry {
        at: row.created_at,
        actor: row
            .actor_id
            .zip(row.actor_name)
            .map(|(id, name)| NamedRef { id, name }),
        entity,
        entity_id,
        entity_name: row.entity_name,
        action,
        field: row.field,
        before: row.old_value,
        after: row.new_value,
    })
}

/// One page of the log, newest first.
pub async fn list(db_: &Db, user: &CurrentUser, q: &AuditQuery) -> Result<AuditPage, AppError> {
    require(user.may_supervise())?;
    let mut filter = filter_of(q, 200)?;
    let limit = filter.limit;
    filter.limit = limit + 1;
    let mut c = db_.acquire().await?;
    let rows = db::audit(c.conn(), &filter).await?;
    let (rows, next_cursor) = split_page(rows, limit, encode_cursor);
    let rows = with_names(c.conn(), rows).await?;
    Ok(AuditPage {
        items: rows.into_iter().map(entry_of).collect::<Result<_, _>>()?,
        next_cursor,
    })
}

/// The most rows one CSV export holds (narrow the dates for more).
pub const CSV_MAX_ROWS: i64 = 100_000;

/// The log as CSV (same filters, no paging), newest first.
pub async fn csv(db_: &Db, user: &CurrentUser, q: &AuditQuery) -> Result<String, AppError> {
    require(user.may_supervise())?;
    let mut filter = filter_of(q, CSV_MAX_ROWS)?;
    filter.limit = CSV_MAX_ROWS;
    filter.after = None;
    let mut c = db_.acquire().await?;
    let rows = db::audit(c.conn(), &filter).await?;
    let rows = with_names(c.conn(), rows).await?;
    let mut sheet = Sheet::new(user.language);
    sheet.header(&[
        "at",
        "actor_id",
        "actor",
        "entity",
        "entity_id",
        "entity_name",
        "action",
        "field",
        "before",
        "after",
    ])?;
    for e in rows.into_iter().map(entry_of) {
        let e = e?;
        let (actor_id, actor) = e
            .actor
            .map(|a| (a.id.to_string(), a.name))
            .unwrap_or_default();
        sheet.row([
            Cell::Value(e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            Cell::Value(actor_id),
            Cell::Typed(actor),
            Cell::value(e.entity.as_str()),
            Cell::Value(e.entity_id),
            Cell::Typed(e.entity_name),
            Cell::value(e.action.as_str()),
            Cell::Value(e.field.unwrap_or_default()),
            Cell::Typed(e.before.unwrap_or_default()),
            Cell::Typed(e.after.unwrap_or_default()),
        ])?;
    }
    sheet.finish()
}

/// Booleans in the audit log: neutral words the pages translate.
pub(crate) fn yes_no(b: bool) -> String {
    b.to_string()
}

pub(crate) fn names(list: &[NamedRef]) -> String {
    list.iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the audit log shows of an admin-edited thing: its fields as text, and whether it is
/// active (deactivating counts as deleting).
pub(crate) trait Audited {
    fn audit_fields(&self) -> Vec<(&'static str, String)>;
    fn is_active(&self) -> bool;
}

/// Records a save in the audit log, in the caller's transaction: a creation names the thing and
/// lists what it was created with; a change lists the fields that changed (before → after).
pub(crate) async fn audit_save<T: Audited>(
    c: Conn<'_>,
    actor: &CurrentUser,
    change: &Change,
    before: Option<&T>,
    after: &T,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut c = c;
    let fields = after.audit_fields();
    let diffs: Vec<(&str, String, String)> = match before {
        Some(b) => b
            .audit_fields()
            .into_iter()
            .zip(fields)
            .map(|((field, old), (_, new))| (field, old, new))
            .collect(),
        None => {
            change
                .record(c.reborrow(), actor, AuditAction::Create, now)
                .await?;
            fields
                .into_iter()
                .map(|(field, new)| (field, String::new(), new))
                .collect()
        }
    };
    let action = if before.is_some_and(|b| b.is_active() && !after.is_active()) {
        AuditAction::Delete
    } else {
        AuditAction::Update
    };
    change.record_fields(c, actor, action, &diffs, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_brasilia_days() {
        let start = parse_instant("2026-11-21", false).unwrap();
        assert_eq!(start.to_rfc3339(), "2026-11-21T03:00:00+00:00");
        let end = parse_instant("2026-11-21", true).unwrap();
        assert_eq!(end.to_rfc3339(), "2026-11-22T03:00:00+00:00");
        assert!(parse_instant("21/11/2026", false).is_none());
        let exact = parse_instant("2026-11-21T10:00:00Z", true).unwrap();
        assert_eq!(exact.to_rfc3339(), "2026-11-21T10:00:00+00:00");
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let at = parse_instant("2026-11-21T10:00:00.123456789Z", false).unwrap();
        let text = format!(
            "{}~t~42",
            at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
        );
        assert_eq!(decode_cursor(&text), Some((at, "t".to_owned(), 42)));
        assert_eq!(decode_cursor("x~t~1"), None);
        assert_eq!(decode_cursor(&format!("{}~z~1", at.to_rfc3339())), None);
    }
}
