//! The public REST API v1 (shared/API.md) and the operations endpoints. Handlers are thin: they
//! extract, call `app::backend::services`, and map the result or the error.

mod admin;
mod admin_articles;
mod articles;
mod auth;
pub mod events;
mod json;
mod mail_in;
mod me;
mod notifications;
mod ops;
mod organization;
mod problem;
mod session;
mod tickets;
mod workspace;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post, put};
use axum::Router;
use utoipa::OpenApi;

use app::backend::AppState;

pub use auth::Caller;
pub use ops::{healthz, readyz};
pub use problem::{language_of, Problem, RequestLanguage};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chamado API",
        version = "1",
        description = "Chamado's public REST API (v1). Errors are RFC 9457 problem documents in the caller's language."
    ),
    paths(
        ops::healthz,
        ops::readyz,
        openapi_json,
        session::create,
        session::delete,
        me::get,
        me::patch,
        me::create_token,
        me::list_tokens,
        me::delete_token,
        notifications::get_choices,
        notifications::put_choices,
        notifications::bell,
        notifications::mark_read,
        notifications::unsubscribe_page,
        notifications::unsubscribe,
        notifications::outbox,
        notifications::outbound_email,
        notifications::resend,
        mail_in::inbound,
        mail_in::list,
        mail_in::create,
        mail_in::get,
        mail_in::put,
        mail_in::rotate_token,
        mail_in::channel,
        mail_in::put_channel,
        mail_in::received,
        mail_in::suppressions,
        mail_in::lift,
        mail_in::original,
        organization::list,
        organization::invite,
        organization::patch,
        tickets::departments,
        tickets::ticket_types,
        tickets::create,
        tickets::list,
        tickets::get,
        tickets::stats,
        tickets::reply,
        tickets::patch,
        tickets::reopen,
        tickets::escalate,
        tickets::attachment,
        events::events,
        articles::search,
        articles::get,
        articles::list,
        articles::feedback,
        articles::suggestions,
        articles::deflection_step,
        admin_articles::list,
        admin_articles::create,
        admin_articles::get,
        admin_articles::patch,
        admin_articles::delete,
        admin_articles::synonyms,
        admin_articles::put_synonyms,
        admin_articles::deflection_report,
        workspace::presence,
        workspace::merge,
        workspace::link,
        workspace::canned_for_ticket,
        workspace::queues,
        workspace::admin_list,
        workspace::admin_create,
        workspace::admin_get,
        workspace::admin_patch,
        workspace::admin_delete,
        admin::departments::list,
        admin::departments::get,
        admin::departments::create,
        admin::departments::patch,
        admin::departments::delete,
        admin::organizations::list,
        admin::organizations::get,
        admin::organizations::create,
        admin::organizations::patch,
        admin::organizations::delete,
        admin::ticket_types::list,
        admin::ticket_types::get,
        admin::ticket_types::create,
        admin::ticket_types::patch,
        admin::ticket_types::delete,
        admin::sla_policies::list,
        admin::sla_policies::get,
        admin::sla_policies::create,
        admin::sla_policies::patch,
        admin::sla_policies::delete,
        admin::calendars::list,
        admin::calendars::get,
        admin::calendars::create,
        admin::calendars::patch,
        admin::calendars::delete,
        admin::users::list,
        admin::users::get,
        admin::users::create,
        admin::users::patch,
        admin::users::delete,
        admin::users::password_link,
        admin::users::members,
        admin::users::invite_member,
        admin::users::patch_member,
        admin::settings::priorities,
        admin::settings::put_priorities,
        admin::settings::limits,
        admin::settings::patch_limits,
        admin::settings::audit,
        admin::settings::audit_csv,
        admin::reports::tickets,
        admin::reports::tickets_csv,
        admin::reports::rate,
    ),
    components(schemas(
        problem::Problem,
        notifications::NotificationChoices,
        notifications::MarkRead,
        app::domain::NotificationChoice,
        app::domain::NotificationKind,
        app::domain::NotificationList,
        app::domain::NotificationView,
        app::domain::OutboundEmailPage,
        app::domain::OutboundEmailSummary,
        app::domain::OutboundEmailView,
        app::domain::MailboxAdmin,
        app::domain::MailboxInput,
        app::domain::MailboxWithToken,
        app::domain::MailChannel,
        app::domain::InboundEmailPage,
        app::domain::InboundEmailSummary,
        app::domain::Suppression,
        app::domain::EmailOriginal,
        app::domain::MessageEmail,
        app::domain::RefusedFile,
        problem::ProblemField,
        ops::Readiness,
        session::SessionRequest,
        session::UserEnvelope,
        me::MeUpdateRequest,
        me::PasswordChangeRequest,
        me::TokenRequest,
        organization::InviteRequest,
        organization::MemberPatch,
        app::backend::services::tickets::NewTicketInput,
        app::backend::services::tickets::TicketPage,
        app::backend::services::tickets::TicketDetail,
        app::backend::services::tickets::TicketUpdate,
        app::backend::services::tickets::Escalation,
        app::backend::services::tickets::MessageView,
        tickets::MessageRequest,
        tickets::ReasonRequest,
        tickets::NewTicketMultipart,
        tickets::MessageMultipart,
        articles::DeflectionStepRequest,
        workspace::PresenceAnswer,
        workspace::CannedList,
        app::domain::DepartmentAdmin,
        app::domain::DepartmentInput,
        app::domain::OrganizationAdmin,
        app::domain::OrganizationInput,
        app::domain::TicketTypeAdmin,
        app::domain::TicketTypeInput,
        app::domain::FieldAdmin,
        app::domain::SlaPolicy,
        app::domain::SlaPolicyInput,
        app::domain::SlaCalendar,
        app::domain::SlaCalendarInput,
        app::domain::UserAdmin,
        app::domain::UserInput,
        app::domain::UserPage,
        app::domain::UserLink,
        app::domain::PriorityText,
        app::domain::Limits,
        app::domain::LimitsInput,
        app::domain::AuditEntry,
        app::domain::AuditPage,
        app::domain::TicketSla,
        app::domain::SlaState,
        app::domain::TicketReport,
        app::domain::ReportDay,
        app::domain::TimeStats,
        app::domain::SlaCompliance,
        app::domain::Satisfaction,
        app::domain::RatingView,
        app::domain::DeflectionSummary,
        app::domain::RatingInput,
        app::domain::TicketRating,
        app::domain::FieldValue,
        app::domain::PresenceUpdate,
        app::domain::PresenceEntry,
        app::domain::PresenceState,
        app::domain::MergeRequest,
        app::domain::LinkRequest,
        app::domain::CannedInput,
        app::domain::CannedResponse,
        app::domain::QueueCounts,
        app::domain::HistoryEntry,
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`: the OpenAPI document, generated from the handlers' annotations.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "This API's OpenAPI 3.1 document")))]
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// Routes under `/api/v1`. Unknown paths answer a problem document, never the HTML app.
pub fn v1_router() -> Router<AppState> {
    Router::new()
        .route("/session", post(session::create).delete(session::delete))
        .route("/me", get(me::get).patch(me::patch))
        .route("/me/tokens", get(me::list_tokens).post(me::create_token))
        .route("/me/tokens/{id}", delete(me::delete_token))
        .route(
            "/me/notification-preferences",
            get(notifications::get_choices).put(notifications::put_choices),
        )
        .route("/me/notifications", get(notifications::bell))
        .route("/me/notifications/read", post(notifications::mark_read))
        .route(
            "/notifications/unsubscribe",
            get(notifications::unsubscribe_page).post(notifications::unsubscribe),
        )
        .route("/admin/emails", get(notifications::outbox))
        .route("/admin/emails/{id}", get(notifications::outbound_email))
        .route("/admin/emails/{id}/resend", post(notifications::resend))
        .route(
            "/inbound-email",
            post(mail_in::inbound).layer(DefaultBodyLimit::max(mail_in::RAW_MAIL_LIMIT)),
        )
        .route("/admin/mailboxes", get(mail_in::list).post(mail_in::create))
        .route("/admin/mailboxes/{id}", get(mail_in::get).put(mail_in::put))
        .route("/admin/mailboxes/{id}/token", post(mail_in::rotate_token))
        .route(
            "/admin/mail-channel",
            get(mail_in::channel).put(mail_in::put_channel),
        )
        .route("/admin/inbound-emails", get(mail_in::received))
        .route("/admin/email-suppressions", get(mail_in::suppressions))
        .route("/admin/email-suppressions/{address}", delete(mail_in::lift))
        .route(
            "/tickets/{id}/messages/{message_id}/original",
            get(mail_in::original),
        )
        .route(
            "/organization/members",
            get(organization::list).post(organization::invite),
        )
        .route("/organization/members/{id}", patch(organization::patch))
        .route("/departments", get(tickets::departments))
        .route("/ticket-types", get(tickets::ticket_types))
        .route(
            "/tickets",
            get(tickets::list)
                .post(tickets::create)
                .layer(DefaultBodyLimit::max(tickets::UPLOAD_BODY_LIMIT)),
        )
        .route("/tickets/{id}", get(tickets::get).patch(tickets::patch))
        .route(
            "/tickets/{id}/messages",
            post(tickets::reply).layer(DefaultBodyLimit::max(tickets::UPLOAD_BODY_LIMIT)),
        )
        .route("/attachments/{id}", get(tickets::attachment))
        .route("/events", get(events::events))
        .route("/tickets/{id}/reopen", post(tickets::reopen))
        .route("/tickets/{id}/escalations", post(tickets::escalate))
        .route("/stats/tickets", get(tickets::stats))
        .route("/stats/queues", get(workspace::queues))
        .route("/tickets/{id}/presence", put(workspace::presence))
        .route("/tickets/{id}/merge", post(workspace::merge))
        .route("/tickets/{id}/links", post(workspace::link))
        .route(
            "/tickets/{id}/canned-responses",
            get(workspace::canned_for_ticket),
        )
        .route(
            "/admin/canned-responses",
            get(workspace::admin_list).post(workspace::admin_create),
        )
        .route(
            "/admin/canned-responses/{id}",
            get(workspace::admin_get)
                .patch(workspace::admin_patch)
                .delete(workspace::admin_delete),
        )
        .route(
            "/admin/departments",
            get(admin::departments::list).post(admin::departments::create),
        )
        .route(
            "/admin/departments/{id}",
            get(admin::departments::get)
                .patch(admin::departments::patch)
                .delete(admin::departments::delete),
        )
        .route(
            "/admin/organizations",
            get(admin::organizations::list).post(admin::organizations::create),
        )
        .route(
            "/admin/organizations/{id}",
            get(admin::organizations::get)
                .patch(admin::organizations::patch)
                .delete(admin::organizations::delete),
        )
        .route(
            "/admin/organizations/{id}/members",
            get(admin::users::members).post(admin::users::invite_member),
        )
        .route(
            "/admin/organizations/{id}/members/{user_id}",
            patch(admin::users::patch_member),
        )
        .route(
            "/admin/ticket-types",
            get(admin::ticket_types::list).post(admin::ticket_types::create),
        )
        .route(
            "/admin/ticket-types/{id}",
            get(admin::ticket_types::get)
                .patch(admin::ticket_types::patch)
                .delete(admin::ticket_types::delete),
        )
        .route(
            "/admin/sla-policies",
            get(admin::sla_policies::list).post(admin::sla_policies::create),
        )
        .route(
            "/admin/sla-policies/{id}",
            get(admin::sla_policies::get)
                .patch(admin::sla_policies::patch)
                .delete(admin::sla_policies::delete),
        )
        .route(
            "/admin/calendars",
            get(admin::calendars::list).post(admin::calendars::create),
        )
        .route(
            "/admin/calendars/{id}",
            get(admin::calendars::get)
                .patch(admin::calendars::patch)
                .delete(admin::calendars::delete),
        )
        .route(
            "/admin/users",
            get(admin::users::list).post(admin::users::create),
        )
        .route(
            "/admin/users/{id}",
            get(admin::users::get)
                .patch(admin::users::patch)
                .delete(admin::users::delete),
        )
        .route(
            "/admin/users/{id}/password-link",
            post(admin::users::password_link),
        )
        .route(
            "/admin/priorities",
            get(admin::settings::priorities).put(admin::settings::put_priorities),
        )
        .route(
            "/admin/settings",
            get(admin::settings::limits).patch(admin::settings::patch_limits),
        )
        .route("/admin/audit", get(admin::settings::audit))
        .route("/admin/audit.csv", get(admin::settings::audit_csv))
        .route("/admin/reports/tickets", get(admin::reports::tickets))
        .route(
            "/admin/reports/tickets.csv",
            get(admin::reports::tickets_csv),
        )
        .route("/tickets/{id}/rating", post(admin::reports::rate))
        .route("/articles", get(articles::list))
        .route("/articles/search", get(articles::search))
        .route("/articles/{slug}", get(articles::get))
        .route("/articles/{slug}/feedback", post(articles::feedback))
        .route("/suggestions", get(articles::suggestions))
        .route(
            "/suggestions/{attempt}/steps",
            post(articles::deflection_step),
        )
        .route(
            "/admin/articles",
            get(admin_articles::list).post(admin_articles::create),
        )
        .route(
            "/admin/articles/{id}",
            get(admin_articles::get)
                .patch(admin_articles::patch)
                .delete(admin_articles::delete),
        )
        .route(
            "/admin/synonyms",
            get(admin_articles::synonyms).put(admin_articles::put_synonyms),
        )
        .route(
            "/admin/reports/deflection",
            get(admin_articles::deflection_report),
        )
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(axum::middleware::from_fn(problem::answer_in_language))
}

/// Operations routes: health, readiness, OpenAPI.
pub fn ops_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/api/openapi.json", get(openapi_json))
        .route("/sitemap.xml", get(articles::sitemap))
}
