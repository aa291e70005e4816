//! Reports: tickets per day and backlog, response and resolution times, SLA compliance,
//! satisfaction and deflection, with charts and CSV.
use super::admin_page;
use super::AdminTabs;

use crate::api::get_admin_departments;
use crate::components::{load_error, priority_label, query_string, Loading};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/admin/relatorios`: tickets per day and backlog, response and resolution times, SLA
/// compliance, satisfaction and deflection, with charts and CSV.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, report.title).to_string()),
        |_| view! { <Reports /> },
    )
}

fn duration_text(i18n: leptos_i18n::I18nContext<Locale>, minutes: Option<f64>) -> String {
    match minutes {
        None => t_string!(i18n, report.none).to_string(),
        Some(m) if m < 60.0 => {
            let n = m.round() as i64;
            t_string!(i18n, report.minutes, n).to_string()
        }
        Some(m) => {
            let total = m.round() as i64;
            let (h, m) = (total / 60, total % 60);
            t_string!(i18n, report.hours, h, m).to_string()
        }
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.0} %", r * 100.0))
        .unwrap_or_else(|| "—".to_owned())
}

#[component]
fn Reports() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = move |key: &str| query.with(|q| q.get(key)).unwrap_or_default();
    let report_query = move || {
        query.with(|q| crate::domain::ReportQuery {
            from: q.get("de"),
            to: q.get("ate"),
            department_id: q.get("departamento"),
            part: None,
        })
    };
    let report = Resource::new(report_query, crate::api::get_ticket_report);
    let departments = Resource::new(|| (), |_| get_admin_departments());
    let csv_href = move |part: &str| {
        let q = report_query();
        let pairs = [
            ("part", Some(part.to_owned())),
            ("from", q.from),
            ("to", q.to),
            ("department_id", q.department_id),
        ];
        format!("/api/v1/admin/reports/tickets.csv?{}", query_string(pairs))
    };
    view! {
        <section class="page admin reports" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, report.title)}</h1>
            <AdminTabs current="/admin/relatorios" />
            <form method="get" action="/admin/relatorios" class="toolbar__filters">
                <div class="field">
                    <label for="report-from">{t!(i18n, report.from)}</label>
                    <input id="report-from" name="de" type="date" prop:value=move || current("de") />
                </div>
                <div class="field">
                    <label for="report-to">{t!(i18n, report.to)}</label>
                    <input id="report-to" name="ate" type="date" prop:value=move || current("ate") />
                </div>
                <div class="field">
                    <label for="report-department">{t!(i18n, report.department)}</label>
                    <select id="report-department" name="departamento">
                        <option value="">{t!(i18n, report.all_departments)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                departments.await.map(|(list, _)| list.into_iter().map(|d| {
                                    let id = d.id.to_string();
                                    let selected = current("departamento") == id;
                                    view! { <option value=id selected=selected>{d.name}</option> }
                                }).collect_view()).ok()
                            })}
                        </Transition>
                    </select>
                </div>
                <button type="submit" class="button">{t!(i18n, report.apply)}</button>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => load_error(e),
                        Ok(r) => {
                            let charts = r.charts.clone();
                            view! {
                                <p class="muted" data-testid="report-range">{format!("{} – {}", r.from.format("%d/%m/%Y"), r.to.format("%d/%m/%Y"))}
                                    {r.department.as_ref().map(|d| format!(" · {}", d.name))}</p>
                                <dl class="report-cards">
                                    <div class="report-card"><dt>{t!(i18n, report.opened)}</dt><dd data-testid="report-opened">{r.opened}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.closed)}</dt><dd data-testid="report-closed">{r.closed}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.first_response)}</dt>
                                        <dd>{duration_text(i18n, r.first_response.median_minutes)}</dd>
                                        <dd class="muted">{t!(i18n, report.p90)} ": " {duration_text(i18n, r.first_response.p90_minutes)}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.resolution)}</dt>
                                        <dd>{duration_text(i18n, r.resolution.median_minutes)}</dd>
                                        <dd class="muted">{t!(i18n, report.p90)} ": " {duration_text(i18n, r.resolution.p90_minutes)}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.satisfied)}</dt>
                                        <dd>{percent(r.satisfaction.satisfied_rate)}</dd>
                                        <dd class="muted">{t!(i18n, report.ratings)} ": " {r.satisfaction.ratings}</dd></div>
                                    <div class="report-card"><dt>{t!(i18n, report.deflection_rate)}</dt>
                                        <dd>{percent(Some(r.deflection.rate))}</dd>
                                        <dd class="muted">{t!(i18n, report.suggestions)} ": " {r.deflection.suggestions_shown}</dd></div>
                                </dl>
                                {charts.into_iter().map(|c| view! {
                                    <figure class="chart" data-testid=format!("chart-{}", c.key)>
                                        <div class="chart__svg" role="img" aria-label=c.title.clone() inner_html=c.svg></div>
                                        <figcaption class="visually-hidden">{c.title}</figcaption>
                                    </figure>
                                }).collect_view()}
                                <details>
                                    <summary>{t!(i18n, report.chart_daily)} " (" {t!(i18n, report.table)} ")"</summary>
                                    <table class="table" data-testid="report-days">
                                        <thead><tr>
                                            <th scope="col">{t!(i18n, admin.when)}</th>
                                            <th scope="col">{t!(i18n, report.opened)}</th>
                                            <th scope="col">{t!(i18n, report.closed)}</th>
                                            <th scope="col">{t!(i18n, report.backlog)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {r.days.iter().map(|d| view! {
                                                <tr><th scope="row">{d.date.format("%d/%m/%Y").to_string()}</th><td>{d.opened}</td><td>{d.closed}</td><td>{d.backlog}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </details>
                                <h2>{t!(i18n, report.sla_table)}</h2>
                                {if r.sla.is_empty() {
                                    view! { <p class="muted">{t!(i18n, report.no_data)}</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table" data-testid="report-sla">
                                            <thead><tr>
                                                <th scope="col">{t!(i18n, report.plan)}</th>
                                                <th scope="col">{t!(i18n, tickets.priority)}</th>
                                                <th scope="col">{t!(i18n, report.tickets)}</th>
                                                <th scope="col">{t!(i18n, report.met)}</th>
                                                <th scope="col">{t!(i18n, report.rate)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {r.sla.iter().map(|s| {
                                                    let p = s.priority;
                                                    view! {
                                                        <tr><th scope="row">{s.plan.label()}</th><td>{move || priority_label(i18n, p)}</td>
                                                            <td>{s.tickets}</td><td>{s.met}</td><td>{percent(Some(s.rate))}</td></tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                                {(!r.satisfaction.comments.is_empty()).then(|| view! {
                                    <h2>{t!(i18n, report.comments)}</h2>
                                    <ul class="report-comments">
                                        {r.satisfaction.comments.iter().map(|c| view! {
                                            <li><a href=format!("/chamados/{}", c.ticket)>{c.ticket.clone()}</a> " · " {format!("{}/5", c.score)} " — " {c.comment.clone()}</li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                <p class="report-csv">{t!(i18n, report.csv)} ": "
                                    {["days", "times", "sla", "satisfaction", "deflection"].into_iter().map(|part| view! {
                                        <a href=csv_href(part) download>{part}</a> " "
                                    }).collect_view()}
                                </p>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
