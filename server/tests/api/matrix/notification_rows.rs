//! The rows of the authorization matrix for notifications and the outbox (issue 17).

use super::expect::*;
use super::Actor::{self, *};
use super::Row;

/// A customer's kind of notification: customers may choose it (200); support staff do not get
/// it (422).
fn customer_kind(a: Actor) -> u16 {
    match a {
        Visitor => 401,
        Agent | Lead | Admin => 422,
        _ => 200,
    }
}

pub(super) fn notifications() -> Vec<Row> {
    vec![
        rest_row(
            "GET",
            "/api/v1/me/notification-preferences",
            None,
            signed_in(200),
        ),
        rest_row(
            "PUT",
            "/api/v1/me/notification-preferences",
            Some(r#"{"choices":[]}"#),
            signed_in(200),
        ),
        rest_row("GET", "/api/v1/me/notifications", None, signed_in(200)),
        rest_row(
            "POST",
            "/api/v1/me/notifications/read",
            Some(r#"{}"#),
            signed_in(200),
        ),
        rest_row(
            "GET",
            "/api/v1/notifications/unsubscribe?token=1.new_ticket.0000",
            None,
            anyone(404),
        ),
        rest_row(
            "POST",
            "/api/v1/notifications/unsubscribe?token=1.new_ticket.0000",
            None,
            anyone(404),
        ),
        rest_row("GET", "/api/v1/admin/emails", None, reads_reports),
        rest_row(
            "GET",
            "/api/v1/admin/emails/{missing_id}",
            None,
            supervisors_refused(404),
        ),
        rest_row(
            "POST",
            "/api/v1/admin/emails/{missing_id}/resend",
            None,
            admin_refused(404),
        ),
        // The same through the server functions of the pages.
        fn_row("me/notification-preferences", true, &[], signed_in(200)),
        fn_row(
            "me/notification-preferences/set",
            false,
            &[
                ("kind", "ticket_received"),
                ("email", "false"),
                ("in_app", "true"),
            ],
            customer_kind,
        ),
        fn_row("me/notifications", true, &[], signed_in(200)),
        fn_row("me/notifications/read", false, &[], signed_in(200)),
        fn_row("admin/emails", true, &[], reads_reports),
        fn_row(
            "admin/email",
            true,
            &[("id", "999999")],
            supervisors_refused(404),
        ),
        fn_row(
            "admin/email/resend",
            false,
            &[("id", "999999")],
            admin_refused(404),
        ),
    ]
}
