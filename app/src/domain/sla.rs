//! Service levels as the browser and the API see them: a ticket's clock, and the calendars and
//! policies admins edit. The arithmetic lives on the server (`backend::business_time`).

use chrono::{DateTime, NaiveDate, Utc};

use super::{wire_enum, Plan, Priority};

wire_enum! {
    /// Where a ticket's pending target stands.
    SlaState, "SLA state" {
        /// More than a quarter of the target left.
        OnTrack => "on_track",
        /// Under a quarter left (amber).
        AtRisk => "at_risk",
        /// Past due (red).
        Breached => "breached",
        /// Waiting for the customer (Respondido): the clock stands still.
        Paused => "paused",
    }
}

/// A ticket's service level (API.md ticket summary `sla`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketSla {
    /// When the first answer from support is due (absent: no service level applies).
    pub first_response_due: Option<DateTime<Utc>>,
    /// When the ticket should be solved.
    pub resolution_due: Option<DateTime<Utc>>,
    /// Whether a target was missed.
    pub breached: bool,
    /// The pending target's state; absent when no target is pending (closed, or no policy).
    pub state: Option<SlaState>,
    /// When the pending target falls due (absent while paused).
    pub due_at: Option<DateTime<Utc>>,
    /// When the pending target turns amber (a quarter of it left).
    pub risk_at: Option<DateTime<Utc>>,
}

impl TicketSla {
    /// The state at `now`: the stored one can lag the server's watcher by a few seconds, and a
    /// page left open keeps counting down.
    pub fn state_at(&self, now: DateTime<Utc>) -> Option<SlaState> {
        let state = self.state?;
        if state == SlaState::Paused {
            return Some(state);
        }
        if self.due_at.is_some_and(|d| d <= now) {
            Some(SlaState::Breached)
        } else if self.risk_at.is_some_and(|r| r <= now) && state != SlaState::Breached {
            Some(SlaState::AtRisk)
        } else {
            Some(state)
        }
    }

    /// Minutes until the pending target falls due (negative: minutes late).
    pub fn minutes_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.due_at
            .filter(|_| self.state != Some(SlaState::Paused))
            .map(|due| (due - now).num_seconds().div_euclid(60))
    }
}

/// "2 h 05 min", "3 d 4 h", "12 min": a span of minutes, short, unsigned.
pub fn short_span(minutes: i64) -> String {
    let m = minutes.unsigned_abs();
    let (days, hours, mins) = (m / 1440, (m % 1440) / 60, m % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {mins:02} min")
    } else {
        format!("{mins} min")
    }
}

/// Minutes after local midnight, as `HH:MM`.
pub fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `HH:MM` (or `24:00`) as minutes after local midnight.
pub fn parse_hhmm(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// A business calendar (`/api/v1/admin/calendars`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaCalendar {
    pub id: i64,
    pub name: String,
    /// An IANA time zone, e.g. `America/Sao_Paulo`.
    pub time_zone: String,
    /// Working intervals per weekday, Monday first: `[start, end]` in minutes after local
    /// midnight. `[[0, 1440]]` every day is 24x7.
    pub week: Vec<Vec<[u16; 2]>>,
    /// Local dates support does not work.
    pub holidays: Vec<NaiveDate>,
    pub active: bool,
}

impl SlaCalendar {
    /// Every minute of every day.
    pub fn is_24x7(&self) -> bool {
        self.holidays.is_empty()
            && self.week.len() == 7
            && self.week.iter().all(|d| d.as_slice() == [[0, 1440]])
    }
}

/// Create or change a calendar; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaCalendarInput {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub week: Option<Vec<Vec<[u16; 2]>>>,
    pub holidays: Option<Vec<NaiveDate>>,
    pub active: Option<bool>,
}

/// A service level: targets for one plan and priority (`/api/v1/admin/sla-policies`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaPolicy {
    pub id: i64,
    pub plan: Plan,
    pub priority: Priority,
    /// Working minutes until the first answer from support.
    pub first_response_minutes: i64,
    /// Working minutes until the ticket is solved.
    pub resolution_minutes: i64,
    pub calendar: super::NamedRef,
    pub active: bool,
}

/// Create or change a policy; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaPolicyInput {
    pub plan: Option<Plan>,
    pub priority: Option<Priority>,
    pub first_response_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
    pub calendar_id: Option<i64>,
    pub active: Option<bool>,
}

/// The longest target admins may set: a year of minutes.
pub const SLA_MAX_MINUTES: i64 = 366 * 24 * 60;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, h, m, 0).unwrap()
    }

    #[test]
    fn the_state_follows_the_clock_between_server_updates() {
        let sla = TicketSla {
            state: Some(SlaState::OnTrack),
            due_at: Some(at(12, 0)),
            risk_at: Some(at(11, 30)),
            ..TicketSla::default()
        };
        assert_eq!(sla.state_at(at(11, 0)), Some(SlaState::OnTrack));
        assert_eq!(sla.state_at(at(11, 45)), Some(SlaState::AtRisk));
        assert_eq!(sla.state_at(at(12, 0)), Some(SlaState::Breached));
        assert_eq!(sla.minutes_left(at(11, 0)), Some(60));
        assert_eq!(sla.minutes_left(at(12, 1)), Some(-1));
        let paused = TicketSla {
            state: Some(SlaState::Paused),
            ..sla
        };
        assert_eq!(paused.state_at(at(13, 0)), Some(SlaState::Paused));
        assert_eq!(paused.minutes_left(at(13, 0)), None);
        assert_eq!(TicketSla::default().state_at(at(13, 0)), None);
    }

    #[test]
    fn spans_and_times_read_short() {
        assert_eq!(short_span(12), "12 min");
        assert_eq!(short_span(-125), "2 h 05 min");
        assert_eq!(short_span(3 * 1440 + 4 * 60), "3 d 4 h");
        assert_eq!(hhmm(540), "09:00");
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("9h"), None);
    }
}
