//! Service-level arithmetic: business calendars (a time zone, working hours per weekday,
//! holidays; 24x7 allowed), due times of first-response and resolution targets, and the clock
//! that stops while a ticket waits for the customer. Pure: every function takes the instants
//! it needs (`now` included) and reads no clock.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;
use chrono_tz::Tz;

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

/// Green, amber (under a quarter of the target left) or red (breached).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    OnTrack,
    AtRisk,
    Breached,
}

/// Where a target stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// When the target falls due; `None` while the clock is paused (or the calendar never
    /// opens again).
    pub due_at: Option<DateTime<Utc>>,
    /// Working seconds left (negative once breached).
    pub seconds_left: i64,
    pub urgency: Urgency,
    pub paused: bool,
}

/// The clock of a target of `target_minutes` working minutes that started at `start`, with
/// the pauses so far (in order, not overlapping), read at `now`.
pub fn clock(
    calendar: &Calendar,
    start: DateTime<Utc>,
    target_minutes: i64,
    pauses: &[Pause],
    now: DateTime<Utc>,
) -> Clock {
    let target = target_minutes.max(0) * 60;
    // Working seconds that counted so far: from the start to now, minus the paused spans.
    let mut used = 0;
    let mut cursor = start;
    let mut paused = false;
    for p in pauses.iter().filter(|p| p.to.is_none_or(|to| to > start)) {
        let pause_from = p.from.max(start);
        if pause_from >= now {
            break;
        }
        used += calendar.working_seconds(cursor, pause_from);
        match p.to {
            Some(to) if to <= now => cursor = to.max(cursor),
            _ => {
                paused = true;
                cursor = now;
                break;
            }
        }
    }
    if !paused {
        used += calendar.working_seconds(cursor, now);
    }
    let seconds_left = target - used;
    let due_at = if paused {
        None
    } else if seconds_left >= 0 {
        calendar.after_working_seconds(now, seconds_left)
    } else {
        // Breached: when it fell due, found again from the start.
        due_on_record(calendar, start, target, pauses)
    };
    let urgency = if seconds_left < 0 || (seconds_left == 0 && !paused) {
        Urgency::Breached
    } else if seconds_left * 4 < target {
        Urgency::AtRisk
    } else {
        Urgency::OnTrack
    };
    Clock {
        due_at,
        seconds_left,
        urgency,
        paused,
    }
}

/// When `target` working seconds after `start` fell due, skipping the closed pauses.
fn due_on_record(
    calendar: &Calendar,
    start: DateTime<Utc>,
    target: i64,
    pauses: &[Pause],
) -> Option<DateTime<Utc>> {
    let closed: Vec<Pause> = pauses.iter().copied().filter(|p| p.to.is_some()).collect();
    instant_after(calendar, start, target, &closed, start)
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
pub fn pauses_from_statuses<'a>(
    changes: impl IntoIterator<Item = (DateTime<Utc>, &'a str)>,
) -> Vec<Pause> {
    let mut pauses: Vec<Pause> = Vec::new();
    for (at, status) in changes {
        let waits = matches!(status, "answered" | "closed");
        match pauses.last_mut() {
            Some(p) if p.to.is_none() && !waits => p.to = Some(at.max(p.from)),
            Some(p) if p.to.is_none() => {}
            _ if waits => pauses.push(Pause { from: at, to: None }),
            _ => {}
        }
    }
    pauses
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
        clock(calendar, start, minutes, &[], start).due_at.unwrap()
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
        let at = clock(&c, start, 120, &pauses, sp(2026, 11, 30, 14, 30));
        assert_eq!(at.due_at, Some(sp(2026, 11, 30, 15, 0)));
        assert_eq!(at.seconds_left, 30 * 60);
        assert_eq!(at.urgency, Urgency::OnTrack);
        // Still waiting: no due time, the time left stays where it stopped.
        let waiting = [Pause {
            from: sp(2026, 11, 30, 10, 0),
            to: None,
        }];
        for now in [sp(2026, 11, 30, 12, 0), sp(2026, 12, 2, 12, 0)] {
            let at = clock(&c, start, 120, &waiting, now);
            assert!(at.paused);
            assert_eq!(at.due_at, None);
            assert_eq!(at.seconds_left, 60 * 60);
        }
    }

    #[test]
    fn amber_under_a_quarter_and_red_once_breached() {
        let c = Calendar::always(Sao_Paulo);
        let start = sp(2026, 11, 30, 9, 0);
        let at = |h, m| clock(&c, start, 60, &[], sp(2026, 11, 30, h, m));
        assert_eq!(at(9, 40).urgency, Urgency::OnTrack);
        assert_eq!(at(9, 46).urgency, Urgency::AtRisk);
        let late = at(10, 30);
        assert_eq!(late.urgency, Urgency::Breached);
        assert_eq!(late.seconds_left, -30 * 60);
        assert_eq!(
            late.due_at,
            Some(sp(2026, 11, 30, 10, 0)),
            "when it fell due"
        );
        // Breached after a pause: the due time on record skips the pause.
        let pauses = [Pause {
            from: sp(2026, 11, 30, 9, 30),
            to: Some(sp(2026, 11, 30, 9, 45)),
        }];
        let late = clock(&c, start, 60, &pauses, sp(2026, 11, 30, 11, 0));
        assert_eq!(late.due_at, Some(sp(2026, 11, 30, 10, 15)));
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
        assert_eq!(clock(&closed, start, 60, &[], start).due_at, None);
    }

    #[test]
    fn a_schedule_skips_pauses_and_turns_amber_at_three_quarters() {
        let c = business();
        let start = sp(2026, 11, 30, 9, 0);
        let none = clock(&c, start, 120, &[], start);
        let plain = schedule(&c, start, 120, &[], start).unwrap();
        assert_eq!(Some(plain.due_at), none.due_at);
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
        let changes = [
            (t(9), "open"),
            (t(10), "answered"),
            (t(11), "closed"),
            (t(12), "open"),
            (t(13), "answered"),
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
        assert!(pauses_from_statuses([(t(9), "open")]).is_empty());
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
