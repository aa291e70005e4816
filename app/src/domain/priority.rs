use super::wire_enum;

wire_enum! {
    /// A ticket's priority (seeds 002 and 004), ordered from lowest to highest.
    Priority, "priority" {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

impl Priority {
    /// Counted in the "Alta prioridade" counter of the dashboards (high and critical).
    pub fn is_high(self) -> bool {
        matches!(self, Priority::High | Priority::Critical)
    }

    /// Numeric rank stored beside the name so lists can sort by urgency.
    pub fn rank(self) -> i16 {
        match self {
            Priority::Low => 1,
            Priority::Medium => 2,
            Priority::High => 3,
            Priority::Critical => 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_declaration_order() {
        let ranks: Vec<i16> = Priority::ALL.iter().map(|p| p.rank()).collect();
        assert_eq!(ranks, [1, 2, 3, 4]);
        assert!(Priority::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn high_and_critical_count_as_high_priority() {
        assert!(Priority::Critical.is_high() && Priority::High.is_high());
        assert!(!Priority::Medium.is_high() && !Priority::Low.is_high());
    }
}
