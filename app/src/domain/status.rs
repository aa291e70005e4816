use super::wire_enum;

wire_enum! {
    /// A ticket's status (PRODUCT.md "Statuses").
    TicketStatus, "status" {
        /// Aberto: waiting for support.
        Open => "open",
        /// Respondido: waiting for the customer; the SLA clock pauses.
        Answered => "answered",
        /// Fechado.
        Closed => "closed",
    }
}

impl TicketStatus {
    /// The SLA clock stands still while the ticket waits for the customer (Respondido) and
    /// once it is closed.
    pub fn stops_the_sla_clock(self) -> bool {
        matches!(self, TicketStatus::Answered | TicketStatus::Closed)
    }
}

/// Answered tickets with no customer reply for this many days close themselves (an admin
/// setting from the administration issue on; this is its default).
pub const AUTO_CLOSE_DAYS: i64 = 7;

/// How long after closing a customer may reopen a ticket (PRODUCT.md "Reopen").
pub const REOPEN_WINDOW_DAYS: i64 = 30;

/// The status after a public message: a support answer waits for the customer (Respondido), a
/// customer reply waits for support (Aberto). Internal notes change nothing; closed tickets
/// must be reopened first.
pub fn status_after_message(
    current: TicketStatus,
    by_support: bool,
    internal: bool,
) -> TicketStatus {
    match (current, internal) {
        (TicketStatus::Closed, _) | (_, true) => current,
        _ if by_support => TicketStatus::Answered,
        _ => TicketStatus::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_answers_wait_for_the_customer_and_replies_wait_for_support() {
        assert_eq!(
            status_after_message(TicketStatus::Open, true, false),
            TicketStatus::Answered
        );
        assert_eq!(
            status_after_message(TicketStatus::Answered, false, false),
            TicketStatus::Open
        );
        assert_eq!(
            status_after_message(TicketStatus::Answered, true, false),
            TicketStatus::Answered
        );
        assert_eq!(
            status_after_message(TicketStatus::Open, true, true),
            TicketStatus::Open,
            "internal note"
        );
        assert_eq!(
            status_after_message(TicketStatus::Closed, false, false),
            TicketStatus::Closed
        );
    }
}
