//! Administration over REST (API.md "Administration"): `GET` list, `POST` create, `GET /{id}`,
//! `PATCH /{id}`, `DELETE /{id}` (deactivates: history keeps referring to it) for departments,
//! organizations, ticket types, service levels and calendars; people with filters and
//! invitations; organization members; priority texts; limits; the audit log and its CSV.
//! Admins write, leads read; the service layer decides.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use app::backend::services::{admin, audit};
use app::backend::AppState;
use app::domain::{
    AuditPage, AuditQuery, DepartmentAdmin, DepartmentInput, Limits, LimitsInput,
    OrganizationAdmin, OrganizationInput, PriorityText, SlaCalendar, SlaCalendarInput, SlaPolicy,
    SlaPolicyInput, TicketTypeAdmin, TicketTypeInput, UserAdmin, UserInput, UserLink, UserPage,
    UserQuery,
};

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;

/// The five handlers of one admin collection.
macro_rules! admin_collection {
    (
        mod $m:ident {
            collection: $coll:literal,
            item: $item_path:literal,
            view: $view:ty,
            input: $input:ty,
            list: $list:path,
            get: $get:path,
            save: $save:path $(,)?
        }
    ) => {
        pub mod $m {
            use super::*;

            #[utoipa::path(get, path = $coll, tag = "administration",
                responses(
                    (status = 200, description = "Every one, active first", body = Vec<$view>),
                    (status = 403, description = "Not an admin or lead", body = Problem)))]
            pub async fn list(
                State(state): State<AppState>,
                caller: Caller,
            ) -> Result<ApiJson<Vec<$view>>, Problem> {
                $list(&state.db, &caller.user)
                    .await
                    .map(ApiJson)
                    .map_err(Problem::from)
            }

            #[utoipa::path(get, path = $item_path, tag = "administration",
                params(("id" = i64, Path)),
                responses(
                    (status = 200, description = "It", body = $view),
                    (status = 404, description = "No such one", body = Problem)))]
            pub async fn get(
                State(state): State<AppState>,
                caller: Caller,
                Path(id): Path<i64>,
            ) -> Result<ApiJson<$view>, Problem> {
                $get(&state.db, &caller.user, id)
                    .await
                    .map(ApiJson)
                    .map_err(Problem::from)
            }

            #[utoipa::path(post, path = $coll, tag = "administration", request_body = $input,
                responses(
                    (status = 201, description = "Created", body = $view),
                    (status = 403, description = "Not an admin", body = Problem),
                    (status = 422, description = "Invalid fields (all of them listed)", body = Problem)))]
            pub async fn create(
                State(state): State<AppState>,
                caller: Caller,
                ApiJson(body): ApiJson<$input>,
            ) -> Result<(StatusCode, ApiJson<$view>), Problem> {
                $save(&state.db, &caller.user, None, body, Utc::now())
                    .await
                    .map(|v| (StatusCode::CREATED, ApiJson(v)))
                    .map_err(Problem::from)
            }

            #[utoipa::path(patch, path = $item_path, tag = "administration", request_body = $input,
                params(("id" = i64, Path)),
                responses(
                    (status = 200, description = "Changed", body = $view),
                    (status = 403, description = "Not an admin", body = Problem),
                    (status = 404, description = "No such one", body = Problem),
                    (status = 422, description = "Invalid fields (all of them listed)", body = Problem)))]
            pub async fn patch(
                State(state): State<AppState>,
                caller: Caller,
                Path(id): Path<i64>,
                ApiJson(body): ApiJson<$input>,
            ) -> Result<ApiJson<$view>, Problem> {
                $save(&state.db, &caller.user, Some(id), body, Utc::now())
                    .await
                    .map(ApiJson)
                    .map_err(Problem::from)
            }

            /// Deactivates (history keeps referring to it; `PATCH {"active": true}` restores).
            #[utoipa::path(delete, path = $item_path, tag = "administration",
                params(("id" = i64, Path)),
                responses(
                    (status = 204, description = "Deactivated"),
                    (status = 403, description = "Not an admin", body = Problem),
                    (status = 404, description = "No such one", body = Problem)))]
            pub async fn delete(
                State(state): State<AppState>,
                caller: Caller,
                Path(id): Path<i64>,
            ) -> Result<StatusCode, Problem> {
                let mut body = <$input>::default();
                body.active = Some(false);
                $save(&state.db, &caller.user, Some(id), body, Utc::now())
                    .await
                    .map(|_| StatusCode::NO_CONTENT)
                    .map_err(Problem::from)
            }
        }
    };
}

admin_collection! {
    mod departments {
        collection: "/api/v1/admin/departments",
        item: "/api/v1/admin/departments/{id}",
        view: DepartmentAdmin,
        input: DepartmentInput,
        list: admin::departments,
        get: admin::department,
        save: admin::save_department,
    }
}

admin_collection! {
    mod organizations {
        collection: "/api/v1/admin/organizations",
        item: "/api/v1/admin/organizations/{id}",
        view: OrganizationAdmin,
        input: OrganizationInput,
        list: admin::organizations,
        get: admin::organization,
        save: admin::save_organization,
    }
}

admin_collection! {
    mod ticket_types {
        collection: "/api/v1/admin/ticket-types",
        item: "/api/v1/admin/ticket-types/{id}",
        view: TicketTypeAdmin,
        input: TicketTypeInput,
        list: admin::ticket_types,
        get: admin::ticket_type,
        save: admin::save_ticket_type,
    }
}

admin_collection! {
    mod sla_policies {
        collection: "/api/v1/admin/sla-policies",
        item: "/api/v1/admin/sla-policies/{id}",
        view: SlaPolicy,
        input: SlaPolicyInput,
        list: admin::policies,
        get: admin::policy,
        save: admin::save_policy,
    }
}

admin_collection! {
    mod calendars {
        collection: "/api/v1/admin/calendars",
        item: "/api/v1/admin/calendars/{id}",
        view: SlaCalendar,
        input: SlaCalendarInput,
        list: admin::calendars,
        get: admin::calendar,
        save: admin::save_calendar,
    }
}

pub mod users {
    use super::*;

    /// People, by name, with filters (admins and leads).
    #[utoipa::path(get, path = "/api/v1/admin/users", tag = "administration",
        params(UserQuery),
        responses(
            (status = 200, description = "A page", body = UserPage),
            (status = 403, description = "Not an admin or lead", body = Problem),
            (status = 422, description = "Invalid filter", body = Problem)))]
    pub async fn list(
        State(state): State<AppState>,
        caller: Caller,
        Query(query): Query<UserQuery>,
    ) -> Result<ApiJson<UserPage>, Problem> {
        admin::users(&state.db, &caller.user, &query)
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    #[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "administration",
        params(("id" = i64, Path)),
        responses((status = 200, description = "The person", body = UserAdmin),
            (status = 404, description = "No such person", body = Problem)))]
    pub async fn get(
        State(state): State<AppState>,
        caller: Caller,
        Path(id): Path<i64>,
    ) -> Result<ApiJson<UserAdmin>, Problem> {
        admin::user(&state.db, &caller.user, id)
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    /// Invite a person: `{email, name, role, organization_id?, department_ids?,
    /// can_open_tickets?}`. Answers the single-use link they set their password at.
    #[utoipa::path(post, path = "/api/v1/admin/users", tag = "administration", request_body = UserInput,
        responses((status = 201, description = "Invited", body = UserLink),
            (status = 422, description = "Invalid fields", body = Problem)))]
    pub async fn create(
        State(state): State<AppState>,
        caller: Caller,
        ApiJson(body): ApiJson<UserInput>,
    ) -> Result<(StatusCode, ApiJson<UserLink>), Problem> {
        admin::invite_user(&state.db, &caller.user, body, Utc::now())
            .await
            .map(|v| (StatusCode::CREATED, ApiJson(v)))
            .map_err(Problem::from)
    }

    /// Change a person (role, organization, departments, right to open tickets, active).
    /// Deactivating ends their sessions and API tokens at once.
    #[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "administration", request_body = UserInput,
        params(("id" = i64, Path)),
        responses((status = 200, description = "Changed", body = UserAdmin),
            (status = 422, description = "Invalid fields", body = Problem)))]
    pub async fn patch(
        State(state): State<AppState>,
        caller: Caller,
        Path(id): Path<i64>,
        ApiJson(body): ApiJson<UserInput>,
    ) -> Result<ApiJson<UserAdmin>, Problem> {
        admin::update_user(&state.db, &caller.user, id, body, Utc::now())
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    /// Deactivate a person (sessions and tokens end at once).
    #[utoipa::path(delete, path = "/api/v1/admin/users/{id}", tag = "administration",
        params(("id" = i64, Path)),
        responses((status = 204, description = "Deactivated")))]
    pub async fn delete(
        State(state): State<AppState>,
        caller: Caller,
        Path(id): Path<i64>,
    ) -> Result<StatusCode, Problem> {
        let body = UserInput {
            active: Some(false),
            ..UserInput::default()
        };
        admin::update_user(&state.db, &caller.user, id, body, Utc::now())
            .await
            .map(|_| StatusCode::NO_CONTENT)
            .map_err(Problem::from)
    }

    /// A new password link for a person (an invitation again if they never accepted).
    #[utoipa::path(post, path = "/api/v1/admin/users/{id}/password-link", tag = "administration",
        params(("id" = i64, Path)),
        responses((status = 201, description = "The link to send them", body = UserLink)))]
    pub async fn password_link(
        State(state): State<AppState>,
        caller: Caller,
        Path(id): Path<i64>,
    ) -> Result<(StatusCode, ApiJson<UserLink>), Problem> {
        admin::reset_link(&state.db, &caller.user, id, Utc::now())
            .await
            .map(|v| (StatusCode::CREATED, ApiJson(v)))
            .map_err(Problem::from)
    }

    /// An organization's members.
    #[utoipa::path(get, path = "/api/v1/admin/organizations/{id}/members", tag = "administration",
        params(("id" = i64, Path)),
        responses((status = 200, description = "Its members", body = Vec<UserAdmin>)))]
    pub async fn members(
        State(state): State<AppState>,
        caller: Caller,
        Path(id): Path<i64>,
    ) -> Result<ApiJson<Vec<UserAdmin>>, Problem> {
        admin::members(&state.db, &caller.user, id)
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    /// Invite a member: a customer (default) or an organization admin.
    #[utoipa::path(post, path = "/api/v1/admin/organizations/{id}/members", tag = "administration",
        request_body = UserInput, params(("id" = i64, Path)),
        responses((status = 201, description = "Invited", body = UserLink)))]
    pub async fn invite_member(
        State(state): State<AppState>,
        caller: Caller,
        Path(id): Path<i64>,
        ApiJson(body): ApiJson<UserInput>,
    ) -> Result<(StatusCode, ApiJson<UserLink>), Problem> {
        admin::invite_member(&state.db, &caller.user, id, body, Utc::now())
            .await
            .map(|v| (StatusCode::CREATED, ApiJson(v)))
            .map_err(Problem::from)
    }

    /// Change a member (who may open tickets, role, active).
    #[utoipa::path(patch, path = "/api/v1/admin/organizations/{id}/members/{user_id}", tag = "administration",
        request_body = UserInput, params(("id" = i64, Path), ("user_id" = i64, Path)),
        responses((status = 200, description = "Changed", body = UserAdmin)))]
    pub async fn patch_member(
        State(state): State<AppState>,
        caller: Caller,
        Path((id, user_id)): Path<(i64, i64)>,
        ApiJson(body): ApiJson<UserInput>,
    ) -> Result<ApiJson<UserAdmin>, Problem> {
        admin::update_member(&state.db, &caller.user, id, user_id, body, Utc::now())
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }
}

pub mod settings {
    use super::*;

    /// Priority labels and guidance per language (the new-ticket form shows them).
    #[utoipa::path(get, path = "/api/v1/admin/priorities", tag = "administration",
        responses((status = 200, description = "The four levels", body = Vec<PriorityText>)))]
    pub async fn priorities(
        State(state): State<AppState>,
        caller: Caller,
    ) -> Result<ApiJson<Vec<PriorityText>>, Problem> {
        app::backend::services::settings::admin_priority_texts(&state.db, &caller.user)
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    #[utoipa::path(put, path = "/api/v1/admin/priorities", tag = "administration",
        request_body = Vec<PriorityText>,
        responses((status = 200, description = "Saved", body = Vec<PriorityText>),
            (status = 422, description = "Invalid texts", body = Problem)))]
    pub async fn put_priorities(
        State(state): State<AppState>,
        caller: Caller,
        ApiJson(body): ApiJson<Vec<PriorityText>>,
    ) -> Result<ApiJson<Vec<PriorityText>>, Problem> {
        app::backend::services::settings::save_priority_texts(
            &state.db,
            &caller.user,
            body,
            Utc::now(),
        )
        .await
        .map(ApiJson)
        .map_err(Problem::from)
    }

    /// Limits and settings: message length, attachments, auto-close, reopen window.
    #[utoipa::path(get, path = "/api/v1/admin/settings", tag = "administration",
        responses((status = 200, description = "In force", body = Limits)))]
    pub async fn limits(
        State(state): State<AppState>,
        caller: Caller,
    ) -> Result<ApiJson<Limits>, Problem> {
        app::backend::services::settings::admin_limits(&state.db, &caller.user)
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    #[utoipa::path(patch, path = "/api/v1/admin/settings", tag = "administration",
        request_body = LimitsInput,
        responses((status = 200, description = "Saved", body = Limits),
            (status = 422, description = "Out of range", body = Problem)))]
    pub async fn patch_limits(
        State(state): State<AppState>,
        caller: Caller,
        ApiJson(body): ApiJson<LimitsInput>,
    ) -> Result<ApiJson<Limits>, Problem> {
        app::backend::services::settings::save_limits(&state.db, &caller.user, body, Utc::now())
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    /// The audit log: admin changes and ticket changes, newest first (admins and leads).
    #[utoipa::path(get, path = "/api/v1/admin/audit", tag = "administration",
        params(AuditQuery),
        responses((status = 200, description = "A page", body = AuditPage),
            (status = 422, description = "Invalid filter", body = Problem)))]
    pub async fn audit(
        State(state): State<AppState>,
        caller: Caller,
        Query(query): Query<AuditQuery>,
    ) -> Result<ApiJson<AuditPage>, Problem> {
        audit::list(&state.db, &caller.user, &query)
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    /// The audit log as CSV (same filters; at most 100,000 rows).
    #[utoipa::path(get, path = "/api/v1/admin/audit.csv", tag = "administration",
        params(AuditQuery),
        responses((status = 200, description = "text/csv", content_type = "text/csv", body = String)))]
    pub async fn audit_csv(
        State(state): State<AppState>,
        caller: Caller,
        Query(query): Query<AuditQuery>,
    ) -> Result<Response, Problem> {
        let text = audit::csv(&state.db, &caller.user, &query).await?;
        Ok(csv_response(text, "auditoria.csv"))
    }
}

/// A CSV download.
pub fn csv_response(text: String, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        text,
    )
        .into_response()
}

pub mod reports {
    use super::*;
    use app::backend::services::reports;
    use app::domain::{RatingInput, ReportQuery, TicketRating, TicketReport};

    /// The support report: tickets opened and closed per day with the backlog, first-response
    /// and resolution times (median, p90), SLA compliance by plan and priority, satisfaction,
    /// and the help center's deflection (admins and leads).
    #[utoipa::path(get, path = "/api/v1/admin/reports/tickets", tag = "administration",
        params(ReportQuery),
        responses((status = 200, description = "The report", body = TicketReport),
            (status = 422, description = "Invalid range or department", body = Problem)))]
    pub async fn tickets(
        State(state): State<AppState>,
        caller: Caller,
        Query(query): Query<ReportQuery>,
    ) -> Result<ApiJson<TicketReport>, Problem> {
        reports::ticket_report(&state.db, &caller.user, &query, Utc::now())
            .await
            .map(ApiJson)
            .map_err(Problem::from)
    }

    /// One part of the report as CSV: `part` is `days`, `times`, `sla`, `satisfaction` or
    /// `deflection`.
    #[utoipa::path(get, path = "/api/v1/admin/reports/tickets.csv", tag = "administration",
        params(ReportQuery),
        responses((status = 200, description = "text/csv", content_type = "text/csv", body = String),
            (status = 422, description = "Invalid part, range or department", body = Problem)))]
    pub async fn tickets_csv(
        State(state): State<AppState>,
        caller: Caller,
        Query(query): Query<ReportQuery>,
    ) -> Result<Response, Problem> {
        let part = query.part.clone().unwrap_or_else(|| "days".to_owned());
        let report = reports::ticket_report(&state.db, &caller.user, &query, Utc::now()).await?;
        let text = reports::csv(&report, &part, caller.user.language)?;
        Ok(csv_response(
            text,
            &format!("relatorio-{part}-{}-{}.csv", report.from, report.to),
        ))
    }

    /// Rate a closed ticket (its requester, once): `{score: 1..5, comment?}`.
    #[utoipa::path(post, path = "/api/v1/tickets/{id}/rating", tag = "tickets", request_body = RatingInput,
        params(("id" = String, Path, description = "TKT-000042 or 42")),
        responses((status = 201, description = "Rated", body = TicketRating),
            (status = 403, description = "Not the requester", body = Problem),
            (status = 409, description = "Already rated", body = Problem),
            (status = 422, description = "Score out of range, or the ticket is not closed", body = Problem)))]
    pub async fn rate(
        State(state): State<AppState>,
        caller: Caller,
        Path(id): Path<String>,
        ApiJson(body): ApiJson<RatingInput>,
    ) -> Result<(StatusCode, ApiJson<TicketRating>), Problem> {
        app::backend::services::ratings::rate(&state.db, &caller.user, &id, body, Utc::now())
            .await
            .map(|r| (StatusCode::CREATED, ApiJson(r)))
            .map_err(Problem::from)
    }
}
