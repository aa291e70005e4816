//! Notifications (issue 17): what happened that a person would want to know, by e-mail and in
//! the app, and each person's choice of which they get.

use super::{wire_enum, Role};

wire_enum! {
    /// A kind of notification a person may turn on or off (Preferências).
    NotificationKind, "notification_kind" {
        // Customers
        TicketReceived => "ticket_received",
        SupportAnswered => "support_answered",
        TicketClosed => "ticket_closed",
        TicketReopened => "ticket_reopened",
        AutoCloseWarning => "auto_close_warning",
        // Support staff
        NewTicket => "new_ticket",
        CustomerReplied => "customer_replied",
        TicketAssigned => "ticket_assigned",
        Mentioned => "mentioned",
        // Leads and admins
        Escalated => "escalated",
        SlaBreached => "sla_breached",
    }
}

impl NotificationKind {
    /// Whether a person in `role` can receive this kind at all.
    pub fn applies_to(self, role: Role) -> bool {
        use NotificationKind::*;
        match self {
            TicketReceived | SupportAnswered | TicketClosed | TicketReopened | AutoCloseWarning => {
                role.belongs_to_organization()
            }
            NewTicket | CustomerReplied | TicketAssigned | Mentioned => role.is_staff(),
            Escalated | SlaBreached => matches!(role, Role::Lead | Role::Admin),
        }
    }

    /// The kinds a person in `role` chooses among, in display order.
    pub fn for_role(role: Role) -> Vec<NotificationKind> {
        Self::ALL
            .iter()
            .copied()
            .filter(|k| k.applies_to(role))
            .collect()
    }
}

/// One person's choice for one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationChoice {
    pub kind: NotificationKind,
    pub email: bool,
    pub in_app: bool,
}

/// The choice a person has until they change it: everything on, by e-mail and in the app
/// (what Zendesk and Zammad send by default).
pub fn default_choice(kind: NotificationKind) -> NotificationChoice {
    NotificationChoice {
        kind,
        email: true,
        in_app: true,
    }
}

/// One entry of the notifications menu (the bell), in the reader's language at read time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    pub kind: NotificationKind,
    /// `TKT-000042`, when about a ticket.
    pub ticket_id: Option<String>,
    pub ticket_subject: Option<String>,
    /// Who did it (a name), when someone did.
    pub actor: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

/// The bell's content: the latest notifications and how many are unread.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationList {
    pub unread: i64,
    pub items: Vec<NotificationView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reaches_someone_and_customers_get_no_staff_notices() {
        for kind in NotificationKind::ALL {
            assert!(Role::ALL.iter().any(|r| kind.applies_to(*r)), "{kind}");
        }
        let customer = NotificationKind::for_role(Role::Customer);
        assert!(customer.contains(&NotificationKind::SupportAnswered));
        assert!(!customer.contains(&NotificationKind::Mentioned));
        assert!(!NotificationKind::for_role(Role::Agent).contains(&NotificationKind::Escalated));
        assert!(NotificationKind::for_role(Role::Lead).contains(&NotificationKind::SlaBreached));
    }
}

/// A mail in the outbox, as admins list it ("E-mails enviados").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboundEmailSummary {
    pub id: i64,
    /// A [`NotificationKind`], `invitation` or `password_reset`.
    pub kind: String,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    /// `queued`, `sent`, `kept` (no relay configured), `failed`.
    pub state: String,
    /// The relay's last answer (or why the mail failed).
    pub smtp_response: Option<String>,
    pub attempts: i64,
    /// `TKT-000042`, when about a ticket.
    pub ticket_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One mail, whole, as admins read it. A single-use link (invitation, password reset) is shown
/// as a placeholder: only the recipient ever sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboundEmailView {
    pub summary: OutboundEmailSummary,
    pub text_body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub reply_to: Option<String>,
    /// Whether it can be sent again (not a mail with a single-use link).
    pub resendable: bool,
}

/// A page of the outbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboundEmailPage {
    pub items: Vec<OutboundEmailSummary>,
    /// The cursor of the next (older) page.
    pub next_before: Option<i64>,
    /// Whether mail really goes out (a relay is configured) or is kept.
    pub relay_configured: bool,
}

/// Outbox states an admin may filter by.
pub const OUTBOUND_STATES: &[&str] = &["queued", "sent", "kept", "failed", "bounced", "suppressed"];
