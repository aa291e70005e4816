//! Server functions of the agent workspace (the dashboard and the support side of a ticket).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{
    FilterChoices, LiveRow, PresenceEntry, QueueCounts, TicketListQuery, TicketTools,
};
use crate::error::AppError;

/// The dashboard's queue counts.
#[server(prefix = "/api/fn", endpoint = "workspace/queues", input = GetUrl)]
pub async fn get_queue_counts() -> Result<QueueCounts, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::workspace::queue_counts(&state.db, &user).await
}

/// The choices of the dashboard's filters.
#[server(prefix = "/api/fn", endpoint = "workspace/filters", input = GetUrl)]
pub async fn get_filter_choices() -> Result<FilterChoices, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::workspace::filter_choices(&state.db, &user).await
}

/// The organization filter's choices for what was typed (or the one with `id`).
#[server(prefix = "/api/fn", endpoint = "workspace/organizations", input = GetUrl)]
pub async fn find_organizations(
    #[server(default)] text: String,
    #[server(default)] id: Option<i64>,
) -> Result<Vec<crate::domain::NamedRef>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::workspace::organization_choices(&state.db, &user, &text, id).await
}

/// One changed ticket as the dashboard's current view shows it: `None` when it is not (or no
/// longer) in that view.
#[server(prefix = "/api/fn", endpoint = "workspace/row", input = GetUrl)]
pub async fn get_live_row(
    #[server(default)] query: TicketListQuery,
    id: String,
) -> Result<LiveRow, AppError> {
    use crate::backend::services::tickets;
    use crate::domain::TicketNumber;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let number = TicketNumber::parse(&id).ok_or(AppError::validation("id", "invalid"))?;
    let query = TicketListQuery {
        cursor: None,
        limit: None,
        ..query
    };
    let (mut filter, sort, _, _) = query.parse(&user)?;
    filter.number = Some(number.0);
    let page = tickets::list_tickets(&state.db, &user, filter, sort, None, 1).await?;
    Ok(page.items.into_iter().next())
}

/// Presence on the dashboard's rows: `[(ticket id, people)]`; `ids` comma-separated.
#[server(prefix = "/api/fn", endpoint = "workspace/presence", input = GetUrl)]
pub async fn get_rows_presence(ids: String) -> Result<Vec<(String, Vec<PresenceEntry>)>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let ids: Vec<String> = ids.split(',').map(|s| s.trim().to_owned()).collect();
    crate::backend::services::presence::presence_for(&state.db, &user, &ids, chrono::Utc::now())
        .await
}

/// The support controls of a ticket page.
#[server(prefix = "/api/fn", endpoint = "workspace/tools", input = GetUrl)]
pub async fn get_ticket_tools(id: String) -> Result<TicketTools, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::workspace::tools(&state.db, &user, &id).await
}

/// Says the signed-in agent is `viewing` or `replying` on a ticket (empty: left); answers who
/// else is there.
#[server(prefix = "/api/fn", endpoint = "workspace/present")]
pub async fn set_presence(id: String, state: String) -> Result<Vec<PresenceEntry>, AppError> {
    use crate::domain::PresenceState;
    let (app, user) = crate::backend::auth::signed_in().await?;
    let state = match state.as_str() {
        "" => None,
        other => Some(PresenceState::parse(other).ok_or(AppError::validation("state", "invalid"))?),
    };
    crate::backend::services::presence::set_presence(&app.db, &user, &id, state, chrono::Utc::now())
        .await
}

/// One change from the ticket page's support panel: `field` is `status`, `priority`, `type`,
/// `department`, `assignee` (an id, `me`, or empty to unassign) or `tags` (comma-separated).
#[server(prefix = "/api/fn", endpoint = "workspace/change")]
pub async fn change_ticket(id: String, field: String, value: String) -> Result<(), AppError> {
    use crate::domain::TicketUpdate;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let invalid = || AppError::validation(field.clone(), "invalid");
    let mut update = TicketUpdate::default();
    match field.as_str() {
        "status" => update.status = Some(value.parse().map_err(|_| invalid())?),
        "priority" => update.priority = Some(value.parse().map_err(|_| invalid())?),
        "type" => update.type_key = Some(value),
        "department" => update.department_id = Some(value.parse().map_err(|_| invalid())?),
        "assignee" => {
            update.assignee_id = Some(match value.as_str() {
                "" => None,
                "me" => Some(user.id),
                id => Some(id.parse().map_err(|_| invalid())?),
            })
        }
        "tags" => update.tags = Some(value.split(',').map(str::to_owned).collect()),
        _ => return Err(AppError::validation("field", "invalid")),
    }
    crate::backend::services::tickets::update_ticket(
        &state.db,
        &user,
        &id,
        update,
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}

/// Merges this ticket into another; goes to the other.
#[server(prefix = "/api/fn", endpoint = "workspace/merge")]
pub async fn merge_ticket(id: String, into: String) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let target = crate::backend::services::workspace::merge(
        &state.db,
        &user,
        &id,
        &into,
        chrono::Utc::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/chamados/{}", target.id));
    Ok(())
}

/// Links a related ticket.
#[server(prefix = "/api/fn", endpoint = "workspace/link")]
pub async fn link_ticket(id: String, ticket: String) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::workspace::link(&state.db, &user, &id, &ticket, chrono::Utc::now())
        .await
}
