//! Ticket lists in the caller's scope: filters, sorts, keyset pages and the counters above them.
use crate::domain::TicketPage;

use crate::backend::cache::{CacheKind, Depends};
use crate::backend::db::tickets::{self, Cursor, ListFilter};
use crate::backend::services::split_page;
use crate::backend::Db;
use crate::domain::ListSort;
use crate::domain::{char_count, CurrentUser, Priority, TicketScope, TicketStats, TicketStatus};
use crate::error::{AppError, FieldError};

pub const MAX_PAGE: i64 = 100;

/// A page of a ticket list. It depends on nothing but the tickets in scope: people who look at
/// the same view (a shared organization's list, a department's queue) share it until a ticket
/// changes. A page is ≈ 20 KB, hence the smaller bound.
struct Pages;
impl CacheKind for Pages {
    type Key = (TicketScope, ListFilter, ListSort, Option<String>, i64);
    type Value = TicketPage;
    const DEPENDS: Depends = Depends::Tickets;
    const MAX_ENTRIES: usize = 2_000;
}

/// The counters of a scope: they change only with ticket writes, here or seen from another
/// instance by the event pump.
struct Stats;
impl CacheKind for Stats {
    type Key = TicketScope;
    type Value = TicketStats;
    const DEPENDS: Depends = Depends::Tickets;
}

/// Tickets in the caller's scope, filtered and sorted, one keyset page at a time.
pub async fn list_tickets(
    db: &Db,
    user: &CurrentUser,
    mut filter: ListFilter,
    sort: ListSort,
    cursor: Option<&str>,
    limit: i64,
) -> Result<TicketPage, AppError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let decoded = cursor.map(decode_cursor).transpose()?;
    filter.search_internal = user.sees_internal_notes();
    filter.text_search = db.text_search();
    let scope = TicketScope::of(user);
    let key = (scope, filter, sort, cursor.map(str::to_owned), limit);
    let (hit, generation) = db.caches().get::<Pages>(&key);
    if let Some(page) = hit {
        return Ok(page);
    }
    let (scope, filter, ..) = &key;
    let page = read_page(db, scope, filter, sort, decoded.as_ref(), limit).await?;
    db.caches().put::<Pages>(key, page.clone(), generation);
    Ok(page)
}

async fn read_page(
    db: &Db,
    scope: &TicketScope,
    filter: &ListFilter,
    sort: ListSort,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<TicketPage, AppError> {
    let mut c = db.acquire().await?;
    let rows = tickets::list(c.conn(), scope, filter, sort, cursor, limit + 1).await?;
    let (rows, next_cursor) = split_page(rows, limit, |r| {
        encode_cursor(&match sort {
            ListSort::UpdatedDesc => Cursor::Time(r.updated_at, r.id),
            ListSort::CreatedAsc => Cursor::Time(r.created_at, r.id),
            ListSort::PriorityDesc => Cursor::Rank(r.priority_rank, r.id),
            ListSort::SlaDue => Cursor::Due(r.sla_due_at, r.id),
        })
    });
    let items = rows
        .into_iter()
        .map(tickets::SummaryRow::into_summary)
        .collect::<Result<_, _>>()?;
    Ok(TicketPage { items, next_cursor })
}

fn encode_cursor(cursor: &Cursor) -> String {
    use base64::Engine;
    let json = serde_json::to_vec(cursor).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(text: &str) -> Result<Cursor, AppError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::validation("cursor", "invalid"))
}

/// The counters over what the caller may see.
pub async fn stats(db: &Db, user: &CurrentUser) -> Result<TicketStats, AppError> {
    let scope = TicketScope::of(user);
    let (hit, generation) = db.caches().get::<Stats>(&scope);
    if let Some(stats) = hit {
        return Ok(stats);
    }
    let mut c = db.acquire().await?;
    let stats = tickets::stats(c.conn(), &scope).await?;
    db.caches().put::<Stats>(scope, stats, generation);
    Ok(stats)
}

impl crate::domain::TicketListQuery {
    /// Parses into a filter, an order, a cursor and a page size; every bad value is a field error.
    pub fn parse(
        self,
        user: &CurrentUser,
    ) -> Result<(ListFilter, ListSort, Option<String>, i64), AppError> {
        let mut errors = Vec::new();
        let mut filter = ListFilter::default();
        let mut id = |value: &Option<String>, name: &str| -> Option<i64> {
            value.as_deref().filter(|v| !v.is_empty()).and_then(|v| {
                v.parse::<i64>()
                    .map_err(|_| errors.push(FieldError::new(name, "invalid")))
                    .ok()
            })
        };
        filter.department_id = id(&self.department_id, "department_id");
        filter.organization_id = id(&self.organization_id, "organization_id");
        if let Some(statuses) = self.status.as_deref().filter(|s| !s.is_empty()) {
            for s in statuses.split(',') {
                match s.trim().parse::<TicketStatus>() {
                    Ok(status) => filter.statuses.push(status),
                    Err(_) => errors.push(FieldError::new("status", "invalid")),
                }
            }
        }
        if let Some(p) = self.priority.as_deref().filter(|s| !s.is_empty()) {
            match p.parse::<Priority>() {
                Ok(priority) => filter.priority = Some(priority),
                Err(_) => errors.push(FieldError::new("priority", "invalid")),
            }
        }
        filter.type_key = self.ticket_type.filter(|t| !t.is_empty());
        filter.assignee = match self.assignee.as_deref() {
            None | Some("") => None,
            Some("none") => Some(None),
            Some("me") => Some(Some(user.id)),
            Some(other) => match other.parse::<i64>() {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    errors.push(FieldError::new("assignee", "invalid"));
                    None
                }
            },
        };
        filter.escalated = match self.escalated.as_deref() {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.push(FieldError::new("escalated", "invalid"));
                false
            }
        };
        filter.sla_risk = match self.sla_risk.as_deref() {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.push(FieldError::new("sla_risk", "invalid"));
                false
            }
        };
        filter.tag = self
            .tag
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        if filter
            .tag
            .as_ref()
            .is_some_and(|t| char_count(t) > crate::domain::TAG_MAX_CHARS)
        {
            errors.push(FieldError::new("tag", "too_long"));
        }
        filter.query = self.q.filter(|q| !q.trim().is_empty());
        if filter.query.as_ref().is_some_and(|q| char_count(q) > 200) {
            errors.push(FieldError::new("q", "too_long"));
        }
        let sort = match self.sort.as_deref() {
            None | Some("") => ListSort::default(),
            Some(s) => ListSort::parse(s).unwrap_or_else(|| {
                errors.push(FieldError::new("sort", "invalid"));
                ListSort::default()
            }),
        };
        let limit = match self.limit.as_deref() {
            None | Some("") => 50,
            Some(l) => match l.parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    errors.push(FieldError::new("limit", "invalid"));
                    50
                }
            },
        };
        if !errors.is_empty() {
            return Err(AppError::Validation { errors });
        }
        Ok((filter, sort, self.cursor.filter(|c| !c.is_empty()), limit))
    }
}
