//! The support report (admins and leads) and customer satisfaction ratings. Days are São Paulo
//! dates; times are wall-clock minutes. Charts are SVG drawn on the server by `charts-rs`
//! (no script, text escaped), so the page needs no charting JavaScript.

use crate::backend::spreadsheet::{Cell, Sheet};
use crate::domain::Language;
use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::backend::business_time::{sao_paulo_date, sao_paulo_day_start};
use crate::backend::db::reports as db;
use crate::backend::Db;
use crate::domain::ChartLabels;
use crate::domain::{
    CurrentUser, DeflectionSummary, NamedRef, Plan, Priority, RatingView, ReportChart, ReportDay,
    ReportQuery, Satisfaction, SlaCompliance, TicketNumber, TicketReport, TimeStats,
};
use crate::error::{AppError, FieldError};

/// The longest range a report covers.
pub const MAX_DAYS: i64 = 366;

/// The validated range and department.
pub fn parse_query(
    q: &ReportQuery,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate, Option<i64>), AppError> {
    let mut errors = Vec::new();
    let date = |field: &str, v: &Option<String>, errors: &mut Vec<FieldError>| {
        let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if (2000..=2999).contains(&chrono::Datelike::year(&d)) => Some(d),
            _ => {
                errors.push(FieldError::new(field, "invalid"));
                None
            }
        }
    };
    let to = date("to", &q.to, &mut errors).unwrap_or(today);
    let from = date("from", &q.from, &mut errors).unwrap_or(to - Days::new(29));
    let department = match q
        .department_id
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new("department_id", "invalid"));
                None
            }
        },
    };
    if errors.is_empty() && to < from {
        errors.push(FieldError::new("to", "before_from"));
    }
    if errors.is_empty() && (to - from).num_days() >= MAX_DAYS {
        errors.push(FieldError::new("from", "out_of_range"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    Ok((from, to, department))
}

/// The report (without charts).
pub async fn ticket_report(
    db_: &Db,
    user: &CurrentUser,
    q: &ReportQuery,
    now: DateTime<Utc>,
) -> Result<TicketReport, AppError> {
    if !user.may_supervise() {
        return Err(AppError::Forbidden);
    }
    let (from, to, department_id) = parse_query(q, sao_paulo_date(now))?;
    let department = match department_id {
        None => None,
        Some(id) => {
            let mut c = db_.acquire().await?;
            let all = crate::backend::db::departments::list(c.conn()).await?;
            let found = all.into_iter().find(|(d, _)| *d == id);
            match found {
                Some((id, name)) => Some(NamedRef { id, name }),
                None => return Err(AppError::validation("department_id", "not_found")),
            }
        }
    };
    let start = sao_paulo_day_start(from);
    let end = sao_paulo_day_start(to + Days::new(1));
    let mut c = db_.acquire().await?;
    let rows = db::tickets_between(c.conn(), start, end, department_id).await?;
    let plans: std::collections::HashMap<i64, Option<Plan>> = db::organization_plans(c.conn())
        .await?
        .into_iter()
        .map(|(id, plan)| (id, plan.parse::<Plan>().ok()))
        .collect();
    let (created_before, closed_before) = db::counts_before(c.conn(), start, department_id).await?;
    let ratings = db::ratings_between(c.conn(), start, end, department_id).await?;
    drop(c);

    // Each day's start as Unix seconds: a row finds its São Paulo day by binary search, not
    // by a time-zone conversion per row.
    let mut dates = Vec::new();
    let mut day = from;
    while day <= to {
        dates.push(day);
        day = day + Days::new(1);
    }
    let starts: Vec<i64> = dates
        .iter()
        .map(|d| sao_paulo_day_start(*d).timestamp())
        .collect();
    let (start_s, end_s) = (start.timestamp(), end.timestamp());
    let in_range = |t: i64| t >= start_s && t < end_s;
    let day_of = |t: i64| starts.partition_point(|s| *s <= t).saturating_sub(1);

    // Per day: opened, closed, and the backlog at the end of the day.
    let mut opened = vec![0i64; dates.len()];
    let mut closed = vec![0i64; dates.len()];
    for r in &rows {
        if in_range(r.created) {
            opened[day_of(r.created)] += 1;
        }
        if let Some(at) = r.closed.filter(|t| in_range(*t)) {
            closed[day_of(at)] += 1;
        }
    }
    let mut backlog = created_before - closed_before;
    let days: Vec<ReportDay> = dates
        .iter()
        .zip(opened.iter().zip(&closed))
        .map(|(date, (o, c))| {
            backlog += o - c;
            ReportDay {
                date: *date,
                opened: *o,
                closed: *c,
                backlog: backlog.max(0),
            }
        })
        .collect();

    let minutes = |a: i64, b: i64| (b - a) as f64 / 60.0;
    let first_response = TimeStats::of(
        rows.iter()
            .filter_map(|r| {
                r.first_response
                    .filter(|t| in_range(*t))
                    .map(|t| minutes(r.created, t))
            })
            .collect(),
    );
    let resolution = TimeStats::of(
        rows.iter()
            .filter_map(|r| {
                r.closed
                    .filter(|t| in_range(*t))
                    .map(|t| minutes(r.created, t))
            })
            .collect(),
    );

    let priority_of = |rank: i64| {
        Priority::ALL
            .iter()
            .copied()
            .find(|p| i64::from(p.rank()) == rank)
    };
    let mut sla: BTreeMap<(Plan, std::cmp::Reverse<Priority>), (i64, i64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| in_range(r.created) && r.has_policy) {
        let (Some(Some(plan)), Some(priority)) = (
            plans.get(&r.organization_id).copied(),
            priority_of(r.priority_rank),
        ) else {
            continue;
        };
        let entry = sla.entry((plan, std::cmp::Reverse(priority))).or_default();
        entry.0 += 1;
        if !r.breached {
            entry.1 += 1;
        }
    }
    let sla = sla
        .into_iter()
        .map(
            |((plan, std::cmp::Reverse(priority)), (tickets, met))| SlaCompliance {
                plan,
                priority,
                tickets,
                met,
                rate: met as f64 / tickets.max(1) as f64,
            },
        )
        .collect();

    let mut distribution = vec![0; 5];
    for r in &ratings {
        if let Some(slot) = usize::try_from(r.score - 1)
            .ok()
            .and_then(|i| distribution.get_mut(i))
        {
            *slot += 1;
        }
    }
    let count = ratings.len() as i64;
    let satisfaction = Satisfaction {
        ratings: count,
        average: (count > 0)
            .then(|| ratings.iter().map(|r| r.score as f64).sum::<f64>() / count as f64),
        satisfied_rate: (count > 0)
            .then(|| ratings.iter().filter(|r| r.score >= 4).count() as f64 / count as f64),
        distribution,
        comments: ratings
            .iter()
            .filter(|r| !r.comment.is_empty())
            .take(10)
            .map(|r| RatingView {
                ticket: TicketNumber(r.ticket_id).to_string(),
                score: r.score,
                comment: r.comment.clone(),
                at: r.created_at,
            })
            .collect(),
    };

    let from_text = from.to_string();
    let to_text = to.to_string();
    let deflection = crate::backend::services::deflection::deflection_report(
        db_,
        user,
        Some(&from_text),
        Some(&to_text),
        now,
    )
    .await
    .map(|r| DeflectionSummary {
        suggestions_shown: r.total.suggestions_shown,
        deflected: r.total.deflected,
        submitted_anyway: r.total.submitted_anyway,
        rate: r.total.deflection_rate,
    })?;

    Ok(TicketReport {
        from,
        to,
        department,
        opened: days.iter().map(|d| d.opened).sum(),
        closed: days.iter().map(|d| d.closed).sum(),
        days,
        first_response,
        resolution,
        sla,
        satisfaction,
        deflection,
        charts: Vec::new(),
    })
}

/// A chart from a `charts-rs` JSON option; `None` if the library refuses it.
fn chart(kind: &str, key: &str, title: &str, option: serde_json::Value) -> Option<ReportChart> {
    let json = option.to_string();
    let svg = match kind {
        "line" => charts_rs::LineChart::from_json(&json).ok()?.svg().ok()?,
        _ => charts_rs::BarChart::from_json(&json).ok()?.svg().ok()?,
    };
    Some(ReportChart {
        key: key.to_owned(),
        title: title.to_owned(),
        svg,
    })
}

/// The report's charts: tickets per day with the backlog, SLA compliance, satisfaction.
pub fn charts(report: &TicketReport, labels: &ChartLabels) -> Vec<ReportChart> {
    use serde_json::json;
    let dates: Vec<String> = report
        .days
        .iter()
        .map(|d| d.date.format("%d/%m").to_string())
        .collect();
    let mut out = Vec::new();
    out.extend(chart(
        "bar",
        "daily",
        &labels.daily,
        json!({
            "width": 760, "height": 320, "title_text": labels.daily,
            "x_axis_data": dates,
            "series_list": [
                {"name": labels.opened, "data": report.days.iter().map(|d| d.opened).collect::<Vec<_>>()},
                {"name": labels.closed, "data": report.days.iter().map(|d| d.closed).collect::<Vec<_>>()},
                {"name": labels.backlog, "data": report.days.iter().map(|d| d.backlog).collect::<Vec<_>>(),
                 "category": "line", "y_axis_index": 1}
            ]
        }),
    ));
    if !report.sla.is_empty() {
        let names: Vec<String> = report
            .sla
            .iter()
            .map(|s| format!("{} {}", s.plan.label(), (labels.priority)(s.priority)))
            .collect();
        out.extend(chart(
            "bar",
            "sla",
            &labels.sla,
            json!({
                "width": 760, "height": 320, "title_text": labels.sla,
                "x_axis_data": names,
                "series_list": [{"name": labels.compliance, "label_show": true,
                    "data": report.sla.iter().map(|s| (s.rate * 1000.0).round() / 10.0).collect::<Vec<_>>()}]
            }),
        ));
    }
    out.extend(chart(
        "bar",
        "satisfaction",
        &labels.satisfaction,
        json!({
            "width": 760, "height": 280, "title_text": labels.satisfaction,
            "x_axis_data": ["1", "2", "3", "4", "5"],
            "series_list": [{"name": labels.ratings, "label_show": true, "data": report.satisfaction.distribution}]
        }),
    ));
    out
}

/// One part of the report as CSV, for a reader of `language` (see [`Sheet`]).
pub fn csv(report: &TicketReport, part: &str, language: Language) -> Result<String, AppError> {
    let mut w = Sheet::new(language);
    let opt = |w: &Sheet, v: Option<f64>| {
        v.map(|v| w.decimal(v, 1))
            .unwrap_or_else(|| Cell::value(""))
    };
    match part {
        "days" => {
            w.header(&["date", "opened", "closed", "backlog"])?;
            for d in &report.days {
                w.row([
                    Cell::value(d.date),
                    Cell::value(d.opened),
                    Cell::value(d.closed),
                    Cell::value(d.backlog),
                ])?;
            }
        }
        "times" => {
            w.header(&["measure", "tickets", "median_minutes", "p90_minutes"])?;
            for (name, s) in [
                ("first_response", &report.first_response),
                ("resolution", &report.resolution),
            ] {
                let row = [
                    Cell::value(name),
                    Cell::value(s.count),
                    opt(&w, s.median_minutes),
                    opt(&w, s.p90_minutes),
                ];
                w.row(row)?;
            }
        }
        "sla" => {
            w.header(&["plan", "priority", "tickets", "met", "rate"])?;
            for s in &report.sla {
                let row = [
                    Cell::value(s.plan.as_str()),
                    Cell::value(s.priority.as_str()),
                    Cell::value(s.tickets),
                    Cell::value(s.met),
                    w.decimal(s.rate, 3),
                ];
                w.row(row)?;
            }
        }
        "satisfaction" => {
            w.header(&["score", "ratings"])?;
            for (i, n) in report.satisfaction.distribution.iter().enumerate() {
                w.row([Cell::value(i + 1), Cell::value(n)])?;
            }
        }
        "deflection" => {
            let d = &report.deflection;
            w.header(&["suggestions_shown", "deflected", "submitted_anyway", "rate"])?;
            let row = [
                Cell::value(d.suggestions_shown),
                Cell::value(d.deflected),
                Cell::value(d.submitted_anyway),
                w.decimal(d.rate, 3),
            ];
            w.row(row)?;
        }
        _ => return Err(AppError::validation("part", "invalid")),
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_default_to_thirty_days_and_refuse_nonsense() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let (from, to, dept) = parse_query(&ReportQuery::default(), today).unwrap();
        assert_eq!(
            (from.to_string(), to.to_string(), dept),
            ("2026-10-23".into(), "2026-11-21".into(), None)
        );
        let q = |from: &str, to: &str| ReportQuery {
            from: Some(from.into()),
            to: Some(to.into()),
            ..ReportQuery::default()
        };
        assert!(parse_query(&q("2026-11-21", "2026-11-01"), today).is_err());
        assert!(parse_query(&q("2020-01-01", "2026-11-01"), today).is_err());
        assert!(parse_query(&q("ontem", "2026-11-01"), today).is_err());
        assert!(parse_query(&q("2026-11-01", "2026-11-01"), today).is_ok());
    }

    #[test]
    fn sao_paulo_days_start_at_three_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(
            sao_paulo_day_start(d).to_rfc3339(),
            "2026-11-21T03:00:00+00:00"
        );
        assert_eq!(sao_paulo_date(sao_paulo_day_start(d)), d);
    }
}
