//! Ticket deflection: each new-ticket form is an attempt; the articles it showed and opened, and
//! whether the person left (deflected) or submitted anyway; the weekly deflection report.

use crate::backend::db::{deflection, Conn};
use crate::backend::Db;
use crate::domain::{CurrentUser, DeflectionReport, DeflectionStep, DeflectionWeek};
use crate::error::AppError;
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

/// A step the new-ticket form reports: a suggested article opened, the form left.
pub async fn record_deflection(
    db: &Db,
    user: &CurrentUser,
    attempt: &str,
    step: DeflectionStep,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    check_attempt_key(attempt)?;
    let step = match step {
        DeflectionStep::Opened => deflection::Step::Opened,
        DeflectionStep::Left => deflection::Step::Left,
    };
    let mut c = db.acquire().await?;
    if !deflection::record(c.conn(), attempt, user.id, step, now).await? {
        return Err(AppError::validation("attempt", "not_found"));
    }
    Ok(())
}

/// The ticket the attempt ended with (called when a ticket is opened from the form).
pub async fn record_submitted(
    c: Conn<'_>,
    user: &CurrentUser,
    attempt: &str,
    ticket_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Bookkeeping never stands in the way of a ticket: an unusable key is ignored.
    if check_attempt_key(attempt).is_ok() {
        deflection::submitted(c, attempt, user.id, ticket_id, now).await?;
    }
    Ok(())
}

/// An attempt with an opened article and no ticket counts as deflected once it has been
/// quiet this long, even if the browser never said it left (closed tab, lost network).
pub const DEFLECTION_QUIET_MINUTES: i64 = 30;

/// The longest report range.
pub const MAX_REPORT_DAYS: i64 = 366;

/// The report range from `YYYY-MM-DD` texts; by default the last eight weeks to today.
fn report_range(from: Option<&str>, to: Option<&str>) -> Result<(NaiveDate, NaiveDate), AppError> {
    // Years a report can be about (chrono parses far larger ones, whose arithmetic overflows).
    let date = |field: &str, s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2999).contains(&d.year()))
            .ok_or_else(|| AppError::validation(field, "invalid"))
    };
    let to = match to.filter(|s| !s.is_empty()) {
        Some(s) => date("to", s)?,
        None => Utc::now().date_naive(),
    };
    let from = match from.filter(|s| !s.is_empty()) {
        Some(s) => date("from", s)?,
        None => to - chrono::Days::new(55),
    };
    Ok((from, to))
}

/// Deflection per week (Monday to Sunday, UTC) over the weeks from `from` to `to`
/// (`YYYY-MM-DD` texts; the last eight weeks by default), for admins and leads.
pub async fn deflection_report(
    db: &Db,
    user: &CurrentUser,
    from: Option<&str>,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DeflectionReport, AppError> {
    if !user.may_supervise() {
        return Err(AppError::Forbidden);
    }
    let (from, to) = report_range(from, to)?;
    if to < from {
        return Err(AppError::validation("to", "invalid"));
    }
    if (to - from).num_days() >= MAX_REPORT_DAYS {
        return Err(AppError::validation("from", "too_long"));
    }
    let monday = |d: NaiveDate| d - chrono::Days::new(d.weekday().num_days_from_monday().into());
    // Whole weeks: the first starts on the Monday of `from`.
    let from = monday(from);
    let start = from.and_time(NaiveTime::MIN).and_utc();
    let end = (to + chrono::Days::new(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let mut c = db.acquire().await?;
    let rows = deflection::started_between(c.conn(), start, end).await?;
    drop(c);
    let empty = |week_start| DeflectionWeek {
        week_start,
        suggestions_shown: 0,
        articles_opened: 0,
        deflected: 0,
        submitted_anyway: 0,
        deflection_rate: 0.0,
    };
    let mut weeks: Vec<DeflectionWeek> = Vec::new();
    let mut week = from;
    while week <= to {
        weeks.push(empty(week));
        week = week + chrono::Days::new(7);
    }
    let quiet = now - chrono::Duration::minutes(DEFLECTION_QUIET_MINUTES);
    let mut total = empty(from);
    for r in rows {
        // `from` is a Monday: the row's week is its distance from it in whole weeks.
        let week = (r.started_at.date_naive() - from).num_days() / 7;
        let Some(w) = usize::try_from(week).ok().and_then(|i| weeks.get_mut(i)) else {
            continue;
        };
        let shown = r.suggestions_shown > 0;
        let deflected = r.outcome.as_deref() == Some("deflected")
            || (r.outcome.is_none() && r.articles_opened > 0 && r.updated_at < quiet);
        let anyway = r.outcome.as_deref() == Some("submitted") && r.articles_opened > 0;
        for t in [&mut *w, &mut total] {
            t.suggestions_shown += i64::from(shown);
            t.articles_opened += r.articles_opened;
            t.deflected += i64::from(deflected);
            t.submitted_anyway += i64::from(anyway);
        }
    }
    for t in weeks.iter_mut().chain(std::iter::once(&mut total)) {
        t.deflection_rate = if t.suggestions_shown == 0 {
            0.0
        } else {
            t.deflected as f64 / t.suggestions_shown as f64
        };
    }
    Ok(DeflectionReport {
        from,
        to,
        weeks,
        total,
    })
}

/// A deflection attempt's key: what the form made up (a UUID), at most this long.
pub const MAX_ATTEMPT_KEY_CHARS: usize = 64;

pub(crate) fn check_attempt_key(key: &str) -> Result<(), AppError> {
    let ok = !key.is_empty()
        && key.len() <= MAX_ATTEMPT_KEY_CHARS
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(AppError::validation("attempt", "invalid"))
    }
}
