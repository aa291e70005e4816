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
