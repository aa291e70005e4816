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

/// E-mail in: the endpoint mail providers post to (the mailbox token, not a person, is its
/// credential), the mailboxes page and a message's original mail.
pub(super) fn mail_in() -> Vec<Row> {
    const MAILBOX: &str =
        r#"{"name":"Caixa","address":"caixa-{actor}@acme.test","department_id":{geral}}"#;
    vec![
        rest_row("POST", "/api/v1/inbound-email", None, anyone(401)),
        rest_row("GET", "/api/v1/admin/mailboxes", None, admins_only),
        rest_row(
            "POST",
            "/api/v1/admin/mailboxes",
            Some(MAILBOX),
            admin_writes(201),
        ),
        rest_row(
            "GET",
            "/api/v1/admin/mailboxes/{missing_id}",
            None,
            admin_refused(404),
        ),
        rest_row(
            "PUT",
            "/api/v1/admin/mailboxes/{missing_id}",
            Some(MAILBOX),
            admin_refused(404),
        ),
        rest_row(
            "POST",
            "/api/v1/admin/mailboxes/{missing_id}/token",
            None,
            admin_refused(404),
        ),
        rest_row("GET", "/api/v1/admin/mail-channel", None, reads_reports),
        rest_row(
            "PUT",
            "/api/v1/admin/mail-channel",
            Some(r#"{"email_plans":["startup","lite","plus","super","enterprise"]}"#),
            admins_only,
        ),
        rest_row("GET", "/api/v1/admin/inbound-emails", None, reads_reports),
        rest_row(
            "GET",
            "/api/v1/admin/email-suppressions",
            None,
            reads_reports,
        ),
        rest_row(
            "DELETE",
            "/api/v1/admin/email-suppressions/{missing_address}",
            None,
            admin_refused(404),
        ),
        rest_row(
            "GET",
            "/api/v1/tickets/{acme_ticket}/messages/{missing_message}/original",
            None,
            signed_in(404),
        ),
        fn_row("admin/mail-in", true, &[], reads_reports),
        fn_json_row(
            "admin/mailbox",
            r#"{"id":null,"input":{"name":"Caixa","address":"fn-{actor}@acme.test","department_id":{geral}}}"#,
            admins_only,
        ),
        fn_json_row(
            "admin/mailbox/token",
            r#"{"id":999999}"#,
            admin_refused(404),
        ),
        fn_json_row(
            "admin/mail-channel",
            r#"{"email_plans":["startup","lite","plus","super","enterprise"]}"#,
            admins_only,
        ),
        fn_json_row(
            "admin/email-suppressions/lift",
            r#"{"address":"ninguem@example.com"}"#,
            admin_refused(404),
        ),
        fn_row(
            "tickets/email-original",
            true,
            &[("id", "{acme_ticket}"), ("message_id", "999999")],
            signed_in(404),
        ),
    ]
}
