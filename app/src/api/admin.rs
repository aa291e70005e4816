//! Server functions of the administration pages. Reads are GETs; writes send JSON (the inputs
//! are nested) and answer the saved thing. Every rule is in `server::services::admin`.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use crate::domain::{
    AuditPage, AuditQuery, DepartmentAdmin, DepartmentInput, Limits, LimitsInput, NamedRef,
    OrganizationAdmin, OrganizationInput, PriorityText, SlaCalendar, SlaCalendarInput, SlaPolicy,
    SlaPolicyInput, TicketTypeAdmin, TicketTypeInput, UserAdmin, UserInput, UserLink, UserPage,
    UserQuery,
};
use crate::error::AppError;

/// Departments, and the support staff who may be their agents.
#[server(prefix = "/api/fn", endpoint = "admin/departments", input = GetUrl)]
pub async fn get_admin_departments() -> Result<(Vec<DepartmentAdmin>, Vec<NamedRef>), AppError> {
    use crate::backend::services::admin;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let departments = admin::departments(&state.db, &user).await?;
    let staff = staff_choices(&state.db, &user).await?;
    Ok((departments, staff))
}

#[cfg(feature = "ssr")]
async fn staff_choices(
    db: &crate::backend::Db,
    user: &crate::domain::CurrentUser,
) -> Result<Vec<NamedRef>, AppError> {
    let mut staff = Vec::new();
    for role in ["agent", "lead", "admin"] {
        let q = UserQuery {
            role: Some(role.to_owned()),
            active: Some("true".to_owned()),
            limit: Some("100".to_owned()),
            ..UserQuery::default()
        };
        let page = crate::backend::services::admin::users(db, user, &q).await?;
        staff.extend(page.items.into_iter().map(|u| NamedRef {
            id: u.id,
            name: u.name,
        }));
    }
    staff.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(staff)
}

#[server(prefix = "/api/fn", endpoint = "admin/department", input = Json)]
pub async fn save_department(
    id: Option<i64>,
    input: DepartmentInput,
) -> Result<DepartmentAdmin, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::save_department(
        &state.db,
        &user,
        id,
        input,
        chrono::Utc::now(),
    )
    .await
}

/// People, with filters.
#[server(prefix = "/api/fn", endpoint = "admin/users", input = GetUrl)]
pub async fn get_admin_users(#[server(default)] query: UserQuery) -> Result<UserPage, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::users(&state.db, &user, &query).await
}

#[server(prefix = "/api/fn", endpoint = "admin/invite", input = Json)]
pub async fn invite_user(input: UserInput) -> Result<UserLink, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::invite_user(&state.db, &user, input, chrono::Utc::now()).await
}

#[server(prefix = "/api/fn", endpoint = "admin/user", input = Json)]
pub async fn update_user(id: i64, input: UserInput) -> Result<UserAdmin, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::update_user(&state.db, &user, id, input, chrono::Utc::now())
        .await
}

#[server(prefix = "/api/fn", endpoint = "admin/password-link", input = Json)]
pub async fn user_password_link(id: i64) -> Result<UserLink, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::reset_link(&state.db, &user, id, chrono::Utc::now()).await
}

#[server(prefix = "/api/fn", endpoint = "admin/organizations", input = GetUrl)]
pub async fn get_admin_organizations() -> Result<Vec<OrganizationAdmin>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::organizations(&state.db, &user).await
}

#[server(prefix = "/api/fn", endpoint = "admin/organization", input = Json)]
pub async fn save_organization(
    id: Option<i64>,
    input: OrganizationInput,
) -> Result<OrganizationAdmin, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::save_organization(
        &state.db,
        &user,
        id,
        input,
        chrono::Utc::now(),
    )
    .await
}

/// Ticket types, and the departments one may default to.
#[server(prefix = "/api/fn", endpoint = "admin/ticket-types", input = GetUrl)]
pub async fn get_admin_ticket_types() -> Result<(Vec<TicketTypeAdmin>, Vec<NamedRef>), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let types = crate::backend::services::admin::ticket_types(&state.db, &user).await?;
    let departments = crate::backend::services::tickets::departments(&state.db).await?;
    Ok((types, departments))
}

#[server(prefix = "/api/fn", endpoint = "admin/ticket-type", input = Json)]
pub async fn save_ticket_type(
    id: Option<i64>,
    input: TicketTypeInput,
) -> Result<TicketTypeAdmin, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::save_ticket_type(
        &state.db,
        &user,
        id,
        input,
        chrono::Utc::now(),
    )
    .await
}

/// Service levels and calendars.
#[server(prefix = "/api/fn", endpoint = "admin/service-levels", input = GetUrl)]
pub async fn get_service_levels() -> Result<(Vec<SlaPolicy>, Vec<SlaCalendar>), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let policies = crate::backend::services::admin::policies(&state.db, &user).await?;
    let calendars = crate::backend::services::admin::calendars(&state.db, &user).await?;
    Ok((policies, calendars))
}

#[server(prefix = "/api/fn", endpoint = "admin/sla-policy", input = Json)]
pub async fn save_sla_policy(
    id: Option<i64>,
    input: SlaPolicyInput,
) -> Result<SlaPolicy, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::save_policy(&state.db, &user, id, input, chrono::Utc::now())
        .await
}

#[server(prefix = "/api/fn", endpoint = "admin/calendar", input = Json)]
pub async fn save_calendar(
    id: Option<i64>,
    input: SlaCalendarInput,
) -> Result<SlaCalendar, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::save_calendar(&state.db, &user, id, input, chrono::Utc::now())
        .await
}

/// Limits and priority texts.
#[server(prefix = "/api/fn", endpoint = "admin/settings", input = GetUrl)]
pub async fn get_admin_settings() -> Result<(Limits, Vec<PriorityText>), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    Ok((
        crate::backend::services::settings::admin_limits(&state.db, &user).await?,
        crate::backend::services::settings::admin_priority_texts(&state.db, &user).await?,
    ))
}

#[server(prefix = "/api/fn", endpoint = "admin/limits", input = Json)]
pub async fn save_limits(input: LimitsInput) -> Result<Limits, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::settings::save_limits(&state.db, &user, input, chrono::Utc::now())
        .await
}

#[server(prefix = "/api/fn", endpoint = "admin/priorities", input = Json)]
pub async fn save_priorities(input: Vec<PriorityText>) -> Result<Vec<PriorityText>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::settings::save_priority_texts(
        &state.db,
        &user,
        input,
        chrono::Utc::now(),
    )
    .await
}

/// A page of the audit log.
#[server(prefix = "/api/fn", endpoint = "admin/audit", input = GetUrl)]
pub async fn get_audit(#[server(default)] query: AuditQuery) -> Result<AuditPage, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::audit::list(&state.db, &user, &query).await
}

/// The support report with its charts, in the reader's language.
#[server(prefix = "/api/fn", endpoint = "reports/tickets", input = GetUrl)]
pub async fn get_ticket_report(
    #[server(default)] query: crate::domain::ReportQuery,
) -> Result<crate::domain::TicketReport, AppError> {
    use crate::backend::services::reports;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let mut report = reports::ticket_report(&state.db, &user, &query, chrono::Utc::now()).await?;
    let labels = crate::i18n::chart_labels(crate::i18n::Locale::from(user.language));
    report.charts = reports::charts(&report, &labels);
    Ok(report)
}

/// The requester rates their closed ticket (a form: `id`, `score`, `comment`).
#[server(prefix = "/api/fn", endpoint = "tickets/rate")]
pub async fn rate_ticket(
    id: String,
    score: i64,
    #[server(default)] comment: String,
) -> Result<crate::domain::TicketRating, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let input = crate::domain::RatingInput { score, comment };
    crate::backend::services::ratings::rate(&state.db, &user, &id, input, chrono::Utc::now()).await
}
