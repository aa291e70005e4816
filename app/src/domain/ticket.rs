use std::fmt;

/// The human-facing ticket id: one global sequence shown as `TKT-000042`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TicketNumber(pub i64);

impl TicketNumber {
    /// Accepts `TKT-000042`, `tkt-42` or a bare `42` (API.md "paths accept TKT-000042 or 42").
    pub fn parse(input: &str) -> Option<Self> {
        let trimmed = input.trim();
        let digits = match trimmed.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("TKT-") => &trimmed[4..],
            _ => trimmed,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(TicketNumber)
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TKT-{:06}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_zero_padded_digits() {
        assert_eq!(TicketNumber(42).to_string(), "TKT-000042");
        assert_eq!(TicketNumber(1_234_567).to_string(), "TKT-1234567");
    }

    #[test]
    fn parses_prefixed_and_bare_forms() {
        assert_eq!(TicketNumber::parse("TKT-000042"), Some(TicketNumber(42)));
        assert_eq!(TicketNumber::parse("tkt-42"), Some(TicketNumber(42)));
        assert_eq!(TicketNumber::parse(" 42 "), Some(TicketNumber(42)));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "TKT-",
            "TKT-0",
            "-1",
            "4 2",
            "TKT-12a",
            "99999999999999999999",
            "TKT-+1",
            "١٢",
        ] {
            assert_eq!(TicketNumber::parse(bad), None, "{bad:?}");
        }
    }
}
