//! The rows of the authorization matrix for notifications and the outbox (issue 17).

use super::expect::*;
use super::Row;

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
        rest_row("GET", "/api/v1/admin/emails", None, admins_only),
        rest_row(
            "GET",
            "/api/v1/admin/emails/{missing_id}",
            None,
            admin_refused(404),
        ),
        rest_row(
            "POST",
            "/api/v1/admin/emails/{missing_id}/resend",
            None,
            admin_refused(404),
        ),
    ]
}
