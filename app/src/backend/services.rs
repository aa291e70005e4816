//! Use cases: the one place where business rules run. Server functions, REST handlers and the
//! command line all call these.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod defaults;
pub mod deflection;
pub mod help_center;
pub mod mail_in;
pub mod notifications;
pub mod organization;
pub mod presence;
pub mod ratings;
pub mod reports;
pub mod settings;
pub mod sla;
pub mod tickets;
pub mod timeline;
pub mod validation;
pub mod workspace;

/// Splits a page off rows fetched with one more than `limit`: the page, and the cursor of the
/// next one (from the page's last row) when that extra row came.
pub(crate) fn split_page<T>(
    mut rows: Vec<T>,
    limit: i64,
    cursor: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit.max(0) as usize);
        rows.last().map(cursor)
    } else {
        None
    };
    (rows, next)
}

/// The one role guard of the use cases, over the `CurrentUser::may_*` predicates:
/// `require(user.may_administer())?`. Refused: 403.
pub(crate) fn require(allowed: bool) -> Result<(), crate::error::AppError> {
    if allowed {
        Ok(())
    } else {
        Err(crate::error::AppError::Forbidden)
    }
}
