use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{
    NewTicketInput, TicketDetail, TicketListQuery, TicketPage, TicketStats, TicketSummary,
};
use crate::error::AppError;

/// Tickets the signed-in person may see, filtered (the "Meus chamados" table).
#[server(prefix = "/api/fn", endpoint = "tickets/list", input = GetUrl)]
pub async fn list_tickets(
    #[server(default)] query: TicketListQuery,
) -> Result<TicketPage, AppError> {
    use crate::backend::services::tickets;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let (filter, sort, cursor, limit) = query.parse(&user)?;
    tickets::list_tickets(&state.db, &user, filter, sort, cursor.as_deref(), limit).await
}

/// The counters above the table.
#[server(prefix = "/api/fn", endpoint = "tickets/stats", input = GetUrl)]
pub async fn get_ticket_stats() -> Result<TicketStats, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::tickets::stats(&state.db, &user).await
}

/// One ticket with its conversation.
#[server(prefix = "/api/fn", endpoint = "tickets/get", input = GetUrl)]
pub async fn get_ticket(id: String) -> Result<TicketDetail, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::tickets::get_ticket(&state.db, &user, &id).await
}

/// What the new-ticket form offers the signed-in person: their types, the departments, the
/// limits and the priorities' texts.
#[server(prefix = "/api/fn", endpoint = "tickets/form", input = GetUrl)]
pub async fn get_ticket_form() -> Result<crate::domain::TicketFormData, AppError> {
    use crate::backend::services::tickets;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    Ok(crate::domain::TicketFormData {
        types: tickets::ticket_types_for(&db, &user).await?,
        departments: tickets::departments(&db).await?,
        limits: crate::backend::services::settings::limits(&db).await?,
        priorities: crate::backend::services::settings::priority_texts(&db).await?,
    })
}

/// The limits in force (the reply box's counter).
#[server(prefix = "/api/fn", endpoint = "tickets/limits", input = GetUrl)]
pub async fn get_limits() -> Result<crate::domain::Limits, AppError> {
    let (state, _) = crate::backend::auth::signed_in().await?;
    crate::backend::services::settings::limits(&state.db).await
}

/// Opens a ticket and goes to it.
#[server(prefix = "/api/fn", endpoint = "tickets/create")]
pub async fn open_ticket(input: NewTicketInput) -> Result<TicketSummary, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    use crate::backend::services::tickets::{create_ticket, NewTicket};
    let ticket = NewTicket::new(input, crate::domain::MessageChannel::Portal);
    let (ticket, _) = create_ticket(&db, &user, ticket, chrono::Utc::now()).await?;
    leptos_axum::redirect(&format!("/chamados/{}", ticket.id));
    Ok(ticket)
}

/// Replies (support: or adds an internal note, `internal` = `on`) without JavaScript.
#[server(prefix = "/api/fn", endpoint = "tickets/reply")]
pub async fn reply_to_ticket(
    id: String,
    body: String,
    #[server(default)] internal: Option<String>,
) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    use crate::backend::services::tickets::{reply, NewReply};
    let internal = internal.is_some_and(|v| !v.is_empty());
    let message = NewReply::new(&body, internal, crate::domain::MessageChannel::Portal);
    reply(&db, &user, &id, message, chrono::Utc::now()).await?;
    Ok(())
}

/// Closes one's own ticket.
#[server(prefix = "/api/fn", endpoint = "tickets/close")]
pub async fn close_ticket(id: String) -> Result<(), AppError> {
    use crate::domain::{TicketStatus, TicketUpdate};
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    let update = TicketUpdate {
        status: Some(TicketStatus::Closed),
        ..TicketUpdate::default()
    };
    crate::backend::services::tickets::update_ticket(&db, &user, &id, update, chrono::Utc::now())
        .await?;
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "tickets/reopen")]
pub async fn reopen_ticket(id: String, reason: String) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    crate::backend::services::tickets::reopen(
        &db,
        &user,
        &id,
        &reason,
        crate::domain::MessageChannel::Portal,
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "tickets/escalate")]
pub async fn escalate_ticket(id: String, reason: String) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let db = state.db.clone();
    crate::backend::services::tickets::escalate(&db, &user, &id, &reason, chrono::Utc::now())
        .await?;
    Ok(())
}
