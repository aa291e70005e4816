//! Service-level arithmetic: business calendars (a time zone, working hours per weekday,
//! holidays; 24x7 allowed), due times of first-response and resolution targets, and the clock
//! that stops while a ticket waits for the customer. Pure: every function takes the instants
//! it needs (`now` included) and reads no clock.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;
use chrono_tz::Tz;

use crate::domain::{SlaState, TicketStatus};

/// Minutes in a day: a working interval `(0, DAY)` is the whole day.
pub const DAY: u16 = 24 * 60;

/// How far ahead a due time is searched (a calendar that never opens has none).
const HORIZON_DAYS: i64 = 3 * 366;

/// When support works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub time_zone: Tz,
    /// Working intervals of each weekday, Monday first: `(start, end)` in minutes after local
    /// midnight, `start < end <= DAY`, in order and not overlapping. Empty: closed all day.
    pub week: [Vec<(u16, u16)>; 7],
    /// Local dates support does not work, whatever the weekday.
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Every minute of every day.
    pub fn always(time_zone: Tz) -> Self {
        Calendar {
            time_zone,
            week: std::array::from_fn(|_| vec![(0, DAY)]),
            holidays: BTreeSet::new(),
        }
    }

    /// Monday to Friday, from `start` to `end` (minutes after local midnight).
    pub fn weekdays(time_zone: Tz, start: u16, end: u16, holidays: BTreeSet<NaiveDate>) -> Self {
        Calendar {
            time_zone,
            week: std::array::from_fn(|d| {
                if d < 5 {
                    vec![(start, end)]
                } else {
                    Vec::new()
                }
            }),
            holidays,
        }
    }

    /// The working intervals of one local date, as instants.
    fn intervals_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let weekday = date.weekday().num_days_from_monday() as usize;
        self.week[weekday]
            .iter()
            .filter_map(|&(start, end)| {
                let from = self.instant(date, start)?;
                let to = self.instant(date, end)?;
                (from < to).then_some((from, to))
            })
            .collect()
    }

    /// A local date and minute as an instant. A minute a DST change skips counts from the
    /// end of the gap; a repeated one from its first occurrence.
    fn instant(&self, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
        let local: NaiveDateTime =
            date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
        let tz = self.time_zone;
        tz.from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                (1..=4)
                    .map(|q| local + Duration::minutes(15 * q))
                    .find_map(|l| tz.from_local_datetime(&l).earliest())
            })
            .map(|t| t.with_timezone(&Utc))
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.time_zone).date_naive()
    }

    /// Working seconds in `[from, to)`.
    pub fn working_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        // Summed as durations and truncated once: instants carry fractions of a second.
        let mut total = Duration::zero();
        // A day before and after: an interval of a local date may straddle UTC midnight.
        let mut date = self.local_date(from) - Duration::days(1);
        let last = self.local_date(to) + Duration::days(1);
        while date <= last {
            for (start, end) in self.intervals_on(date) {
                let a = start.max(from);
                let b = end.min(to);
                if a < b {
                    total += b - a;
                }
            }
            date += Duration::days(1);
        }
        total.num_seconds()
    }

    /// The instant at which `seconds` working seconds have passed since `from` (`from` itself
    /// for zero); `None` when the calendar does not open again within three years.
    pub fn after_working_seconds(
        &self,
        from: DateTime<Utc>,
        seconds: i64,
    ) -> Option<DateTime<Utc>> {
        if seconds <= 0 {
            return Some(from);
        }
        // Durations, not whole seconds: a start with a fraction of a second must not gain it
        // again at every interval boundary.
        let mut left = Duration::seconds(seconds);
        let mut date = self.local_date(from) - Duration::days(1);
        let last = date + Duration::days(HORIZON_DAYS);
        while date <= last {
            for (start, end) in self.intervals_on(date) {
                let a = start.max(from);
                if a >= end {
                    continue;
                }
                let available = end - a;
                if left <= available {
                    return Some(a + left);
                }
                left -= available;
            }
            date += Duration::days(1);
        }
        None
    }
}

/// A span during which the clock stands still (the ticket waited for the customer); `to` is
/// `None` while it still does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

/// The instant at which `seconds` working seconds of a clock started at `start` have run,
/// skipping the pauses; a pause still running is taken to end at `now` (so the answer is the
/// due time if the clock resumed now). `None` when the calendar never opens again.
pub fn instant_after(
    calendar: &Calendar,
    start: DateTime<Utc>,
    seconds: i64,
    pauses: &[Pause],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut left = seconds.max(0);
    let mut cursor = start;
    for p in pauses {
        let to = p.to.unwrap_or(now).max(p.from);
        if to <= cursor {
            continue;
        }
        let pause_from = p.from.max(cursor);
        let span = calendar.working_seconds(cursor, pause_from);
        if left <= span {
            return calendar.after_working_seconds(cursor, left);
        }
        left -= span;
        cursor = to;
    }
    calendar.after_working_seconds(cursor, left)
}

/// A target's due instant and the instant it turns amber (three quarters of it used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub due_at: DateTime<Utc>,
    pub risk_at: DateTime<Utc>,
}

/// The schedule of a target of `target_minutes` working minutes started at `start`, given the
/// pauses so far (a running one taken to end at `now`).
pub fn schedule(
    calendar: &Calendar,
    start: DateTime<Utc>,
    target_minutes: i64,
    pauses: &[Pause],
    now: DateTime<Utc>,
) -> Option<Schedule> {
    let target = target_minutes.max(0) * 60;
    Some(Schedule {
        due_at: instant_after(calendar, start, target, pauses, now)?,
        risk_at: instant_after(calendar, start, target - target / 4, pauses, now)?,
    })
}

/// The spans a ticket's clock stood still, from its status changes in order (`(instant, new
/// status)`): from entering a waiting status (`answered`, or `closed`) until leaving it.
pub fn pauses_from_statuses(
    changes: impl IntoIterator<Item = (DateTime<Utc>, TicketStatus)>,
) -> Vec<Pause> {
    let mut pauses: Vec<Pause> = Vec::new();
    for (at, status) in changes {
        let waits = status.stops_the_sla_clock();
        match pauses.last_mut() {
            Some(p) if p.to.is_none() && !waits => p.to = Some(at.max(p.from)),
            Some(p) if p.to.is_none() => {}
            _ if waits => pauses.push(Pause { from: at, to: None }),
            _ => {}
        }
    }
    pauses
}

/// A ticket's two targets, scheduled (`None` where no policy or open calendar gives one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Targets {
    pub first_response: Option<Schedule>,
    pub resolution: Option<Schedule>,
}

/// Where a ticket's service level stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// On track, at risk (amber), breached (red) or paused; `None` once closed or without a
    /// pending target.
    pub state: Option<SlaState>,
    /// The pending target's schedule while its clock runs (not while paused).
    pub running: Option<Schedule>,
    /// When a target was missed: what ended it (the first answer, the closing) came after it
    /// fell due, or has not come by now.
    pub missed_at: Option<DateTime<Utc>>,
}

/// The one SLA state rule. The pending target is the first response until support answered,
/// then the resolution; a closed ticket has none. Its clock pauses while the ticket waits for
/// the customer (Respondido), turns amber at its risk instant (a quarter of the target left)
/// and red at its due instant.
pub fn verdict(
    status: TicketStatus,
    first_response_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    targets: Targets,
    now: DateTime<Utc>,
) -> Verdict {
    let closed = status == TicketStatus::Closed;
    let answered_by = first_response_at.or(closed_at).unwrap_or(now);
    let solved_by = if closed {
        closed_at.unwrap_or(now)
    } else {
        now
    };
    let missed_at = [
        targets.first_response.filter(|s| answered_by >= s.due_at),
        targets.resolution.filter(|s| solved_by >= s.due_at),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.due_at)
    .min();
    let pending = if closed {
        None
    } else if first_response_at.is_none() {
        targets.first_response
    } else {
        targets.resolution
    };
    let state = match pending {
        None => None,
        Some(_) if status == TicketStatus::Answered => Some(SlaState::Paused),
        Some(s) if s.due_at <= now => Some(SlaState::Breached),
        Some(s) if s.risk_at <= now => Some(SlaState::AtRisk),
        Some(_) => Some(SlaState::OnTrack),
    };
    Verdict {
        state,
        running: pending.filter(|_| state != Some(SlaState::Paused)),
        missed_at,
    }
}

/// The start of a São Paulo date, as an instant: the days of reports and of the audit log's
/// date filters are São Paulo's.
pub fn sao_paulo_day_start(date: NaiveDate) -> DateTime<Utc> {
    Sao_Paulo
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

/// The São Paulo date of an instant.
pub fn sao_paulo_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Sao_Paulo).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::{New_York, Sao_Paulo};

    /// A São Paulo local time as an instant.
    fn sp(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Sao_Paulo
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn business() -> Calendar {
        // 09:00–18:00, Monday to Friday; 2026-11-20 (Consciência Negra) is a holiday.
        let holidays = [NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()].into();
        Calendar::weekdays(Sao_Paulo, 9 * 60, 18 * 60, holidays)
    }

    fn due(calendar: &Calendar, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        schedule(calendar, start, minutes, &[], start)
            .unwrap()
            .due_at
    }

    #[test]
    fn around_the_clock_is_plain_time() {
        let c = Calendar::always(Sao_Paulo);
        let start = sp(2026, 11, 21, 23, 30); // a Saturday night
        assert_eq!(due(&c, start, 60), start + Duration::hours(1));
        assert_eq!(
            c.working_seconds(start, start + Duration::days(2)),
            2 * 86_400
        );
    }

    #[test]
    fn business_hours_skip_nights_and_weekends() {
        let c = business();
        // Thursday 17:30 + 60 min: 30 min on Thursday, Friday is a holiday, 30 on Monday.
        assert_eq!(
            due(&c, sp(2026, 11, 19, 17, 30), 60),
            sp(2026, 11, 23, 9, 30)
        );
        // An ordinary Friday 17:30 + 60 min → Monday 09:30.
        assert_eq!(
            due(&c, sp(2026, 11, 27, 17, 30), 60),
            sp(2026, 11, 30, 9, 30)
        );
        // Opened on Saturday: the clock starts on Monday at 09:00.
        assert_eq!(
            due(&c, sp(2026, 11, 28, 10, 0), 30),
            sp(2026, 11, 30, 9, 30)
        );
        // Opened before hours.
        assert_eq!(due(&c, sp(2026, 11, 30, 7, 0), 60), sp(2026, 11, 30, 10, 0));
        // Three business days of nine hours (Startup, Baixa) from Wednesday 14:00.
        assert_eq!(
            due(&c, sp(2026, 11, 25, 14, 0), 3 * 9 * 60),
            sp(2026, 11, 30, 14, 0)
        );
        // Exactly at closing time the target is due, not the next morning.
        assert_eq!(
            due(&c, sp(2026, 11, 30, 17, 0), 60),
            sp(2026, 11, 30, 18, 0)
        );
    }

    #[test]
    fn working_time_counts_only_open_hours() {
        let c = business();
        // Friday 17:00 → Monday 10:00: one hour on Friday, one on Monday.
        assert_eq!(
            c.working_seconds(sp(2026, 11, 27, 17, 0), sp(2026, 11, 30, 10, 0)),
            2 * 3600
        );
        // The holiday counts nothing.
        assert_eq!(
            c.working_seconds(sp(2026, 11, 20, 0, 0), sp(2026, 11, 21, 0, 0)),
            0
        );
        assert_eq!(
            c.working_seconds(sp(2026, 11, 30, 10, 0), sp(2026, 11, 30, 9, 0)),
            0
        );
    }

    #[test]
    fn the_clock_stops_while_waiting_for_the_customer() {
        let c = business();
        let start = sp(2026, 11, 30, 9, 0);
        // Answered at 10:00, the customer replied at 14:00: four hours do not count.
        let pauses = [Pause {
            from: sp(2026, 11, 30, 10, 0),
            to: Some(sp(2026, 11, 30, 14, 0)),
        }];
        let s = schedule(&c, start, 120, &pauses, sp(2026, 11, 30, 14, 30)).unwrap();
        assert_eq!(s.due_at, sp(2026, 11, 30, 15, 0));
        // Still waiting (Respondido): paused, with no running due time, however long it waits.
        let waiting = [Pause {
            from: sp(2026, 11, 30, 10, 0),
            to: None,
        }];
        for now in [sp(2026, 11, 30, 12, 0), sp(2026, 12, 2, 12, 0)] {
            let targets = Targets {
                first_response: schedule(&c, start, 120, &waiting, now),
                resolution: None,
            };
            let v = verdict(TicketStatus::Answered, None, None, targets, now);
            assert_eq!(v.state, Some(SlaState::Paused));
            assert_eq!(v.running, None);
            assert_eq!(v.missed_at, None);
        }
    }

    #[test]
    fn amber_under_a_quarter_and_red_once_breached() {
        let c = Calendar::always(Sao_Paulo);
        let start = sp(2026, 11, 30, 9, 0);
        let at = |h, m, pauses: &[Pause]| {
            let now = sp(2026, 11, 30, h, m);
            let targets = Targets {
                first_response: schedule(&c, start, 60, pauses, now),
                resolution: schedule(&c, start, 240, pauses, now),
            };
            verdict(TicketStatus::Open, None, None, targets, now)
        };
        assert_eq!(at(9, 40, &[]).state, Some(SlaState::OnTrack));
        assert_eq!(at(9, 46, &[]).state, Some(SlaState::AtRisk));
        let late = at(10, 30, &[]);
        assert_eq!(late.state, Some(SlaState::Breached));
        assert_eq!(
            late.missed_at,
            Some(sp(2026, 11, 30, 10, 0)),
            "when it fell due"
        );
        // Breached after a pause: the due time on record skips the pause.
        let pauses = [Pause {
            from: sp(2026, 11, 30, 9, 30),
            to: Some(sp(2026, 11, 30, 9, 45)),
        }];
        let late = at(11, 0, &pauses);
        assert_eq!(late.missed_at, Some(sp(2026, 11, 30, 10, 15)));
        assert_eq!(
            late.running.map(|s| s.due_at),
            Some(sp(2026, 11, 30, 10, 15))
        );
    }

    #[test]
    fn the_pending_target_follows_the_answer_and_the_closing() {
        let c = Calendar::always(Sao_Paulo);
        let start = sp(2026, 11, 30, 9, 0);
        let now = sp(2026, 11, 30, 12, 0);
        let targets = Targets {
            first_response: schedule(&c, start, 60, &[], now),
            resolution: schedule(&c, start, 240, &[], now),
        };
        // Answered on time at 9:30 and open again: the resolution runs (due 13:00, amber 12:00).
        let answered = Some(sp(2026, 11, 30, 9, 30));
        let v = verdict(TicketStatus::Open, answered, None, targets, now);
        assert_eq!(v.running.map(|s| s.due_at), Some(sp(2026, 11, 30, 13, 0)));
        assert_eq!(v.state, Some(SlaState::AtRisk));
        assert_eq!(v.missed_at, None);
        // Answered late (10:30): the first response was missed when it fell due.
        let late = Some(sp(2026, 11, 30, 10, 30));
        let v = verdict(TicketStatus::Open, late, None, targets, now);
        assert_eq!(v.missed_at, Some(sp(2026, 11, 30, 10, 0)));
        // Closed at 11:00: no state, nothing running, nothing missed if it was on time.
        let closed = Some(sp(2026, 11, 30, 11, 0));
        let v = verdict(TicketStatus::Closed, answered, closed, targets, now);
        assert_eq!((v.state, v.running, v.missed_at), (None, None, None));
    }

    #[test]
    fn a_dst_change_neither_adds_nor_loses_time() {
        // New York springs forward on 2026-03-08 at 02:00; 24x7 is still elapsed time.
        let c = Calendar::always(New_York);
        let start = New_York
            .with_ymd_and_hms(2026, 3, 8, 1, 30, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(due(&c, start, 60), start + Duration::hours(1));
        assert_eq!(
            c.working_seconds(start, start + Duration::hours(3)),
            3 * 3600
        );
        // São Paulo has had no DST since 2019: a November business day is 9 hours.
        let b = business();
        assert_eq!(
            b.working_seconds(sp(2026, 11, 30, 0, 0), sp(2026, 12, 1, 0, 0)),
            9 * 3600
        );
    }

    #[test]
    fn a_calendar_that_never_opens_has_no_due_time() {
        let closed = Calendar {
            time_zone: Sao_Paulo,
            week: Default::default(),
            holidays: BTreeSet::new(),
        };
        let start = sp(2026, 11, 30, 9, 0);
        assert_eq!(schedule(&closed, start, 60, &[], start), None);
    }

    #[test]
    fn a_schedule_skips_pauses_and_turns_amber_at_three_quarters() {
        let c = business();
        let start = sp(2026, 11, 30, 9, 0);
        let plain = schedule(&c, start, 120, &[], start).unwrap();
        assert_eq!(plain.due_at, sp(2026, 11, 30, 11, 0));
        assert_eq!(plain.risk_at, sp(2026, 11, 30, 10, 30));
        // Waiting 10:00–14:00: both instants move by the four hours.
        let pauses = [Pause {
            from: sp(2026, 11, 30, 10, 0),
            to: Some(sp(2026, 11, 30, 14, 0)),
        }];
        let s = schedule(&c, start, 120, &pauses, sp(2026, 11, 30, 15, 0)).unwrap();
        assert_eq!(s.due_at, sp(2026, 11, 30, 15, 0));
        assert_eq!(s.risk_at, sp(2026, 11, 30, 14, 30));
        // Still waiting on Tuesday at 11:00: the due time if the clock resumed now.
        let waiting = [Pause {
            from: sp(2026, 11, 30, 10, 0),
            to: None,
        }];
        let s = schedule(&c, start, 120, &waiting, sp(2026, 12, 1, 11, 0)).unwrap();
        assert_eq!(s.due_at, sp(2026, 12, 1, 12, 0));
        // A pause that began after the target fell due moves nothing.
        let late = [Pause {
            from: sp(2026, 11, 30, 16, 0),
            to: Some(sp(2026, 11, 30, 17, 0)),
        }];
        let s = schedule(&c, start, 120, &late, sp(2026, 12, 1, 9, 0)).unwrap();
        assert_eq!(s.due_at, sp(2026, 11, 30, 11, 0));
    }

    #[test]
    fn pauses_follow_the_status_changes() {
        let t = |h| sp(2026, 11, 30, h, 0);
        use TicketStatus::{Answered, Closed, Open};
        let changes = [
            (t(9), Open),
            (t(10), Answered),
            (t(11), Closed),
            (t(12), Open),
            (t(13), Answered),
        ];
        let pauses = pauses_from_statuses(changes);
        assert_eq!(
            pauses,
            [
                Pause {
                    from: t(10),
                    to: Some(t(12))
                },
                Pause {
                    from: t(13),
                    to: None
                },
            ]
        );
        assert!(pauses_from_statuses([(t(9), Open)]).is_empty());
    }

    #[test]
    fn fractions_of_a_second_survive_day_boundaries() {
        // 22:30:00.6 in São Paulo + 4 h around the clock crosses local midnight: exactly 4 h.
        let c = Calendar::always(Sao_Paulo);
        let start = sp(2026, 11, 21, 22, 30) + Duration::milliseconds(600);
        assert_eq!(due(&c, start, 240), start + Duration::hours(4));
        // Business hours from a fraction past 17:30 on Monday: 30 min, then 30 on Tuesday.
        let b = business();
        let start = sp(2026, 11, 30, 17, 30) + Duration::milliseconds(250);
        assert_eq!(
            due(&b, start, 60),
            sp(2026, 12, 1, 9, 30) + Duration::milliseconds(250)
        );
    }
}
