//! Service levels: calendars (time zone, weekly hours, holidays) and policies per plan and priority.
use super::admin_page;
use super::plan_name;
use super::AdminTabs;

use crate::api::{get_service_levels, SaveCalendar, SaveSlaPolicy};
use crate::components::{
    edit_cell, edit_column, focus, load_error, non_field_error, priority_label, saved_status,
    Check, EditForm, FieldMessage, FormError, FormFoot, Loading, NameField,
};
use crate::domain::{
    hhmm, parse_hhmm, CurrentUser, NamedRef, Plan, Priority, Role, SlaCalendar, SlaCalendarInput,
    SlaPolicy, SlaPolicyInput,
};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// `/admin/sla`.
#[component]
pub fn ServiceLevelsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.service_levels).to_string()),
        |user| view! { <ServiceLevels user /> },
    )
}

/// A week as editable text: one line per weekday, `09:00-12:00, 13:00-18:00` (empty: closed).
fn week_lines(week: &[Vec<[u16; 2]>]) -> Vec<String> {
    (0..7)
        .map(|d| {
            week.get(d)
                .map(|spans| {
                    spans
                        .iter()
                        .map(|[a, b]| format!("{}-{}", hhmm(*a), hhmm(*b)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Parses one weekday's text; `None` when it does not read.
fn parse_day(text: &str) -> Option<Vec<[u16; 2]>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|span| {
            let (a, b) = span.split_once('-')?;
            Some([parse_hhmm(a)?, parse_hhmm(b)?])
        })
        .collect()
}

/// Working minutes as hours: a business day is not 24 hours, so no days here.
fn minutes_text(i18n: leptos_i18n::I18nContext<Locale>, minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let span = match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    };
    t_string!(i18n, admin.working_span, span).to_string()
}

#[component]
fn ServiceLevels(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let save_policy = ServerAction::<SaveSlaPolicy>::new();
    let save_calendar = ServerAction::<SaveCalendar>::new();
    let data = Resource::new(
        move || (save_policy.version().get(), save_calendar.version().get()),
        |_| get_service_levels(),
    );
    // The policy form.
    let policy_id = RwSignal::new(None::<i64>);
    let plan = RwSignal::new(Plan::Enterprise);
    let priority = RwSignal::new(Priority::High);
    let first = RwSignal::new(String::from("60"));
    let resolution = RwSignal::new(String::from("480"));
    let calendar = RwSignal::new(0_i64);
    let policy_active = RwSignal::new(true);
    let policy_error = Signal::derive(move || save_policy.value().get().and_then(Result::err));
    let first_input = NodeRef::<leptos::html::Input>::new();
    let open_policy = move |p: Option<SlaPolicy>| {
        save_policy.value().set(None);
        policy_id.set(p.as_ref().map(|p| p.id));
        if let Some(p) = &p {
            plan.set(p.plan);
            priority.set(p.priority);
            first.set(p.first_response_minutes.to_string());
            resolution.set(p.resolution_minutes.to_string());
            calendar.set(p.calendar.id);
            policy_active.set(p.active);
        }
        focus(first_input);
    };
    let submit_policy = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().unwrap_or(0);
        save_policy.dispatch(SaveSlaPolicy {
            id: policy_id.get_untracked(),
            input: SlaPolicyInput {
                plan: Some(plan.get_untracked()),
                priority: Some(priority.get_untracked()),
                first_response_minutes: Some(number(first)),
                resolution_minutes: Some(number(resolution)),
                calendar_id: Some(calendar.get_untracked()),
                active: Some(policy_active.get_untracked()),
            },
        });
    };
    // Choosing a plan and priority that already have a policy edits that one.
    let pick_pair = move |policies: Vec<SlaPolicy>| {
        let p = plan.get_untracked();
        let q = priority.get_untracked();
        let found = policies
            .into_iter()
            .find(|x| x.active && x.plan == p && x.priority == q);
        policy_id.set(found.as_ref().map(|f| f.id));
        if let Some(f) = found {
            first.set(f.first_response_minutes.to_string());
            resolution.set(f.resolution_minutes.to_string());
            calendar.set(f.calendar.id);
        }
    };
    // The calendar form.
    let calendar_id = RwSignal::new(None::<i64>);
    let calendar_name = RwSignal::new(String::new());
    let time_zone = RwSignal::new(String::from("America/Sao_Paulo"));
    let days: [RwSignal<String>; 7] = std::array::from_fn(|d| {
        RwSignal::new(if d < 5 {
            "09:00-18:00".to_owned()
        } else {
            String::new()
        })
    });
    let holidays = RwSignal::new(String::new());
    let calendar_active = RwSignal::new(true);
    let local_error = RwSignal::new(None::<AppError>);
    let calendar_error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| save_calendar.value().get().and_then(Result::err))
    });
    let calendar_input = NodeRef::<leptos::html::Input>::new();
    let open_calendar = move |c: Option<SlaCalendar>| {
        save_calendar.value().set(None);
        local_error.set(None);
        calendar_id.set(c.as_ref().map(|c| c.id));
        calendar_name.set(c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
        time_zone.set(
            c.as_ref()
                .map(|c| c.time_zone.clone())
                .unwrap_or_else(|| "America/Sao_Paulo".into()),
        );
        let lines = c.as_ref().map(|c| week_lines(&c.week)).unwrap_or_else(|| {
            (0..7)
                .map(|d| {
                    if d < 5 {
                        "09:00-18:00".to_owned()
                    } else {
                        String::new()
                    }
                })
                .collect()
        });
        for (day, line) in days.iter().zip(lines) {
            day.set(line);
        }
        holidays.set(
            c.as_ref()
                .map(|c| {
                    c.holidays
                        .iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default(),
        );
        calendar_active.set(c.as_ref().is_none_or(|c| c.active));
        focus(calendar_input);
    };
    let submit_calendar = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = Vec::new();
        let mut week = Vec::new();
        for (d, day) in days.iter().enumerate() {
            match parse_day(&day.get_untracked()) {
                Some(spans) => week.push(spans),
                None => {
                    errors.push(crate::error::FieldError::new(
                        format!("week.{d}"),
                        "invalid",
                    ));
                    week.push(Vec::new());
                }
            }
        }
        let mut dates = Vec::new();
        for line in holidays
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match line.parse::<chrono::NaiveDate>() {
                Ok(d) => dates.push(d),
                Err(_) => {
                    errors.push(crate::error::FieldError::new("holidays", "invalid"));
                    break;
                }
            }
        }
        if !errors.is_empty() {
            local_error.set(Some(AppError::Validation { errors }));
            return;
        }
        local_error.set(None);
        save_calendar.dispatch(SaveCalendar {
            id: calendar_id.get_untracked(),
            input: SlaCalendarInput {
                name: Some(calendar_name.get_untracked()),
                time_zone: Some(time_zone.get_untracked()),
                week: Some(week),
                holidays: Some(dates),
                active: Some(calendar_active.get_untracked()),
            },
        });
    };
    let weekday = move |d: usize| {
        match d {
            0 => t_string!(i18n, admin.monday),
            1 => t_string!(i18n, admin.tuesday),
            2 => t_string!(i18n, admin.wednesday),
            3 => t_string!(i18n, admin.thursday),
            4 => t_string!(i18n, admin.friday),
            5 => t_string!(i18n, admin.saturday),
            _ => t_string!(i18n, admin.sunday),
        }
        .to_string()
    };
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.service_levels)}</h1>
            <AdminTabs current="/admin/sla" />
            <p class="muted">{t!(i18n, admin.sla_intro)}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => load_error(e),
                        Ok((policies, calendars)) => {
                            if calendar.get_untracked() == 0 {
                                if let Some(c) = calendars.first() {
                                    calendar.set(c.id);
                                }
                            }
                            if policy_id.get_untracked().is_none() {
                                // The form starts on an existing pair: saving edits it.
                                pick_pair(policies.clone());
                            }
                            let all_policies = StoredValue::new(policies.clone());
                            let calendar_choices = StoredValue::new(
                                calendars.iter().filter(|c| c.active).map(|c| NamedRef { id: c.id, name: c.name.clone() }).collect::<Vec<_>>(),
                            );
                            view! {
                                <h2>{t!(i18n, admin.policies)}</h2>
                                <table class="table" data-testid="sla-policies">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.plan)}</th>
                                        <th scope="col">{t!(i18n, tickets.priority)}</th>
                                        <th scope="col">{t!(i18n, admin.first_response)}</th>
                                        <th scope="col">{t!(i18n, admin.resolution)}</th>
                                        <th scope="col">{t!(i18n, admin.calendar)}</th>
                                        {edit_column(i18n, writes)}
                                    </tr></thead>
                                    <tbody>
                                        {policies.into_iter().filter(|p| p.active).map(|p| {
                                            let what = format!("{} · {}", plan_name(p.plan), priority_label(i18n, p.priority));
                                            let row = p.clone();
                                            view! {
                                                <tr data-plan=p.plan.as_str() data-priority=p.priority.as_str()>
                                                    <th scope="row">{plan_name(p.plan)}</th>
                                                    <td>{priority_label(i18n, p.priority)}</td>
                                                    <td>{minutes_text(i18n, p.first_response_minutes)}</td>
                                                    <td>{minutes_text(i18n, p.resolution_minutes)}</td>
                                                    <td>{p.calendar.name.clone()}</td>
                                                    {edit_cell(i18n, writes, &what, move || open_policy(Some(row.clone())))}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {writes.then(|| view! {
                                    <form class="form card" on:submit=submit_policy aria-labelledby="policy-form-heading">
                                        <h2 id="policy-form-heading">{t!(i18n, admin.policy_form)}</h2>
                                        <div class="form__row">
                                            <div class="field">
                                                <label for="policy-plan">{t!(i18n, admin.plan)}</label>
                                                <select id="policy-plan" on:change=move |ev| {
                                                    if let Ok(p) = event_target_value(&ev).parse() { plan.set(p); }
                                                    pick_pair(all_policies.get_value());
                                                }>
                                                    {Plan::ALL.iter().filter(|p| **p != Plan::Trial).map(|p| {
                                                        let p = *p;
                                                        view! { <option value=p.as_str() selected=move || plan.get() == p>{plan_name(p)}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <FieldMessage error=policy_error field="plan" id="policy-plan-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="policy-priority">{t!(i18n, tickets.priority)}</label>
                                                <select id="policy-priority" on:change=move |ev| {
                                                    if let Ok(p) = event_target_value(&ev).parse() { priority.set(p); }
                                                    pick_pair(all_policies.get_value());
                                                } aria-describedby="policy-priority-msg">
                                                    {Priority::ALL.iter().rev().map(|p| {
                                                        let p = *p;
                                                        view! { <option value=p.as_str() selected=move || priority.get() == p>{move || priority_label(i18n, p)}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <FieldMessage error=policy_error field="priority" id="policy-priority-msg" />
                                            </div>
                                        </div>
                                        <div class="form__row">
                                            <div class="field">
                                                <label for="policy-first">{t!(i18n, admin.first_response_minutes)}</label>
                                                <input id="policy-first" node_ref=first_input type="number" min="1" required prop:value=first
                                                    on:input=move |ev| first.set(event_target_value(&ev)) aria-describedby="policy-first-msg" />
                                                <FieldMessage error=policy_error field="first_response_minutes" id="policy-first-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="policy-resolution">{t!(i18n, admin.resolution_minutes)}</label>
                                                <input id="policy-resolution" type="number" min="1" required prop:value=resolution
                                                    on:input=move |ev| resolution.set(event_target_value(&ev)) aria-describedby="policy-resolution-msg" />
                                                <FieldMessage error=policy_error field="resolution_minutes" id="policy-resolution-msg" />
                                            </div>
                                            <div class="field">
                                                <label for="policy-calendar">{t!(i18n, admin.calendar)}</label>
                                                <select id="policy-calendar" on:change=move |ev| calendar.set(event_target_value(&ev).parse().unwrap_or(0))
                                                    aria-describedby="policy-calendar-msg">
                                                    {calendar_choices.get_value().into_iter().map(|c| {
                                                        let id = c.id;
                                                        view! { <option value=id.to_string() selected=move || calendar.get() == id>{c.name}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <FieldMessage error=policy_error field="calendar_id" id="policy-calendar-msg" />
                                            </div>
                                        </div>
                                        <Check value=policy_active>{t!(i18n, admin.active)}</Check>
                                        <FormError error=non_field_error(policy_error) />
                                        <div class="form__actions">
                                            <button type="submit" class="button button--primary" disabled=move || save_policy.pending().get()>{t!(i18n, admin.save)}</button>
                                        </div>
                                        {saved_status(i18n, move || matches!(save_policy.value().get(), Some(Ok(_))))}
                                    </form>
                                })}
                                <h2>{t!(i18n, admin.calendars)}</h2>
                                <table class="table" data-testid="calendars">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, admin.name)}</th>
                                        <th scope="col">{t!(i18n, admin.time_zone)}</th>
                                        <th scope="col">{t!(i18n, admin.hours)}</th>
                                        <th scope="col">{t!(i18n, admin.holidays)}</th>
                                        {edit_column(i18n, writes)}
                                    </tr></thead>
                                    <tbody>
                                        {calendars.into_iter().map(|c| {
                                            let hours = if c.is_24x7() { "24x7".to_owned() } else {
                                                week_lines(&c.week).into_iter().enumerate().filter(|(_, l)| !l.is_empty())
                                                    .map(|(d, l)| format!("{} {l}", weekday(d))).collect::<Vec<_>>().join(" · ")
                                            };
                                            let row = c.clone();
                                            view! {
                                                <tr class:muted=!c.active>
                                                    <th scope="row">{c.name.clone()}</th>
                                                    <td>{c.time_zone.clone()}</td>
                                                    <td>{hours}</td>
                                                    <td>{c.holidays.len()}</td>
                                                    {edit_cell(i18n, writes, &c.name, move || open_calendar(Some(row.clone())))}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <EditForm writes heading="calendar-form-heading" editing=calendar_id on_submit=submit_calendar
                                            edit=|i18n| t_string!(i18n, admin.edit_calendar).to_string()
                                            new=|i18n| t_string!(i18n, admin.new_calendar).to_string()>
                                        <div class="form__row">
                                            <NameField id="calendar-name" maxlength="80" value=calendar_name error=calendar_error input=calendar_input />
                                            <div class="field">
                                                <label for="calendar-tz">{t!(i18n, admin.time_zone)}</label>
                                                <input id="calendar-tz" type="text" list="time-zones" prop:value=time_zone
                                                    on:input=move |ev| time_zone.set(event_target_value(&ev)) aria-describedby="calendar-tz-msg" />
                                                <datalist id="time-zones">
                                                    {["America/Sao_Paulo", "America/Manaus", "America/Recife", "America/Cuiaba", "America/Rio_Branco", "America/Noronha", "UTC"]
                                                        .into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                                                </datalist>
                                                <FieldMessage error=calendar_error field="time_zone" id="calendar-tz-msg" />
                                            </div>
                                        </div>
                                        <fieldset class="field" aria-describedby="calendar-week-hint calendar-week-msg">
                                            <legend>{t!(i18n, admin.hours)}</legend>
                                            <p class="hint" id="calendar-week-hint">{t!(i18n, admin.hours_hint)}</p>
                                            {(0..7).map(|d| {
                                                let day = days[d];
                                                let id = format!("calendar-day-{d}");
                                                let for_id = id.clone();
                                                view! {
                                                    <div class="field field--inline">
                                                        <label for=for_id>{move || weekday(d)}</label>
                                                        <input id=id type="text" prop:value=day on:input=move |ev| day.set(event_target_value(&ev))
                                                            aria-describedby=format!("calendar-day-{d}-msg") />
                                                        <FieldMessage error=calendar_error field=format!("week.{d}") id=format!("calendar-day-{d}-msg") />
                                                    </div>
                                                }
                                            }).collect_view()}
                                            <FieldMessage error=calendar_error field="week" id="calendar-week-msg" />
                                        </fieldset>
                                        <div class="field">
                                            <label for="calendar-holidays">{t!(i18n, admin.holidays)}</label>
                                            <textarea id="calendar-holidays" rows="4" prop:value=holidays
                                                on:input=move |ev| holidays.set(event_target_value(&ev))
                                                aria-describedby="calendar-holidays-hint calendar-holidays-msg"></textarea>
                                            <span class="hint" id="calendar-holidays-hint">{t!(i18n, admin.holidays_hint)}</span>
                                            <FieldMessage error=calendar_error field="holidays" id="calendar-holidays-msg" />
                                        </div>
                                        <Check value=calendar_active>{t!(i18n, admin.active)}</Check>
                                        <FieldMessage error=calendar_error field="active" id="calendar-active-msg" />
                                        <FormFoot error=calendar_error pending=save_calendar.pending() saved=Signal::derive(move || matches!(save_calendar.value().get(), Some(Ok(_))))
                                            editing=Signal::derive(move || calendar_id.get().is_some()) on_new=move |_| open_calendar(None)>
                                            {t!(i18n, admin.new_calendar)}
                                        </FormFoot>
                                    </EditForm>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_read_and_write_as_text() {
        assert_eq!(
            parse_day("09:00-12:00, 13:00-18:00"),
            Some(vec![[540, 720], [780, 1080]])
        );
        assert_eq!(parse_day(""), Some(vec![]));
        assert_eq!(parse_day("9h às 18h"), None);
        let week = vec![
            vec![[540, 1080]],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![[0, 1440]],
        ];
        let lines = week_lines(&week);
        assert_eq!(lines[0], "09:00-18:00");
        assert_eq!(lines[1], "");
        assert_eq!(lines[6], "00:00-24:00");
        assert_eq!(parse_day(&lines[6]), Some(vec![[0, 1440]]));
    }
}
