//! The support report (`/api/v1/admin/reports/tickets`): tickets opened and closed per day,
//! backlog, first-response and resolution times, SLA compliance, satisfaction and the help
//! center's deflection rate, over a date range and optionally one department.

use chrono::{DateTime, NaiveDate, Utc};

use super::{NamedRef, Plan, Priority};

/// One day (São Paulo dates).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportDay {
    pub date: NaiveDate,
    pub opened: i64,
    pub closed: i64,
    /// Not closed at the end of the day.
    pub backlog: i64,
}

/// Elapsed minutes (wall clock) over the tickets measured.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimeStats {
    pub count: i64,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

impl TimeStats {
    /// Median and 90th percentile (nearest rank) of `minutes`.
    pub fn of(mut minutes: Vec<f64>) -> TimeStats {
        minutes.retain(|m| m.is_finite());
        minutes.sort_by(f64::total_cmp);
        let rank = |p: f64| -> Option<f64> {
            let n = minutes.len();
            (n > 0).then(|| {
                let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
                minutes[i]
            })
        };
        let median = match minutes.len() {
            0 => None,
            n if n % 2 == 1 => Some(minutes[n / 2]),
            n => Some((minutes[n / 2 - 1] + minutes[n / 2]) / 2.0),
        };
        TimeStats {
            count: minutes.len() as i64,
            median_minutes: median,
            p90_minutes: rank(0.9),
        }
    }
}

/// Tickets opened in the range under a service level, and how many missed no target.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaCompliance {
    pub plan: Plan,
    pub priority: Priority,
    pub tickets: i64,
    /// Missed no target (so far, for tickets still open).
    pub met: i64,
    /// `met / tickets`.
    pub rate: f64,
}

/// One customer rating (CSAT).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingView {
    /// `TKT-000042`.
    pub ticket: String,
    pub score: i64,
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// Satisfaction: ratings 1–5 given in the range.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Satisfaction {
    pub ratings: i64,
    pub average: Option<f64>,
    /// Share of 4 and 5 (the usual CSAT score).
    pub satisfied_rate: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5.
    pub distribution: Vec<i64>,
    /// The latest ones with a comment.
    pub comments: Vec<RatingView>,
}

/// Help-center deflection over the range.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeflectionSummary {
    pub suggestions_shown: i64,
    pub deflected: i64,
    pub submitted_anyway: i64,
    pub rate: f64,
}

/// A chart drawn on the server (SVG, no script).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportChart {
    pub key: String,
    pub title: String,
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketReport {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub department: Option<NamedRef>,
    pub days: Vec<ReportDay>,
    pub opened: i64,
    pub closed: i64,
    /// Tickets whose first support answer came in the range.
    pub first_response: TimeStats,
    /// Tickets closed in the range, from opening to closing.
    pub resolution: TimeStats,
    pub sla: Vec<SlaCompliance>,
    pub satisfaction: Satisfaction,
    pub deflection: DeflectionSummary,
    /// Charts for the report page (absent over the REST API).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ssr", schema(ignore))]
    pub charts: Vec<ReportChart>,
}

/// `GET /api/v1/admin/reports/tickets` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct ReportQuery {
    /// `2026-11-01`; default 29 days before `to`.
    pub from: Option<String>,
    /// `2026-11-30`, inclusive; default today.
    pub to: Option<String>,
    pub department_id: Option<String>,
    /// CSV only: `days`, `times`, `sla`, `satisfaction` or `deflection`.
    pub part: Option<String>,
}

/// A customer's rating of a closed ticket (`POST /api/v1/tickets/{id}/rating`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingInput {
    /// 1 (very unhappy) to 5 (very happy).
    pub score: i64,
    #[serde(default)]
    pub comment: String,
}

/// The rating on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketRating {
    pub score: i64,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// The longest rating comment.
pub const RATING_COMMENT_MAX_CHARS: usize = 1000;

/// The words on the charts, in the reader's language.
pub struct ChartLabels {
    pub daily: String,
    pub opened: String,
    pub closed: String,
    pub backlog: String,
    pub sla: String,
    pub compliance: String,
    pub satisfaction: String,
    pub ratings: String,
    pub priority: fn(Priority) -> String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_by_nearest_rank() {
        let s = TimeStats::of((1..=10).map(f64::from).collect());
        assert_eq!(s.count, 10);
        assert_eq!(s.median_minutes, Some(5.5));
        assert_eq!(s.p90_minutes, Some(9.0));
        let one = TimeStats::of(vec![42.0]);
        assert_eq!(
            (one.median_minutes, one.p90_minutes),
            (Some(42.0), Some(42.0))
        );
        assert_eq!(TimeStats::of(Vec::new()), TimeStats::default());
        let odd = TimeStats::of(vec![30.0, 10.0, 20.0]);
        assert_eq!(odd.median_minutes, Some(20.0));
        assert_eq!(odd.p90_minutes, Some(30.0));
    }
}
