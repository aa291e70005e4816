use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{InvitationReceipt, Member};
use crate::error::AppError;

/// The members of the organization the signed-in organization admin manages.
#[server(prefix = "/api/fn", endpoint = "organization/members", input = GetUrl)]
pub async fn list_members() -> Result<Vec<Member>, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::organization::list_members(&state.db, &user).await
}

/// Invites a person (the answer is the same whether or not the address could be invited).
#[server(prefix = "/api/fn", endpoint = "organization/members/invite")]
pub async fn invite_member(
    name: String,
    email: String,
    can_open_tickets: Option<String>,
) -> Result<InvitationReceipt, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    let may_open = can_open_tickets.is_some();
    let outcome = crate::backend::services::organization::invite_member(
        &state.db,
        &user,
        &email,
        &name,
        may_open,
        chrono::Utc::now(),
    )
    .await?;
    Ok(outcome.receipt(&email))
}

/// Grants or withdraws a customer's right to open tickets.
#[server(prefix = "/api/fn", endpoint = "organization/members/can-open-tickets")]
pub async fn set_member_can_open_tickets(member_id: i64, value: bool) -> Result<Member, AppError> {
    use crate::backend::services::organization::MemberChange;
    let change = MemberChange {
        can_open_tickets: Some(value),
        active: None,
    };
    ssr::change_member(member_id, change).await
}

/// Deactivates or reactivates a member.
#[server(prefix = "/api/fn", endpoint = "organization/members/active")]
pub async fn set_member_active(member_id: i64, active: bool) -> Result<Member, AppError> {
    use crate::backend::services::organization::MemberChange;
    let change = MemberChange {
        can_open_tickets: None,
        active: Some(active),
    };
    ssr::change_member(member_id, change).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::backend::services::organization::{update_member, MemberChange};
    use crate::domain::Member;
    use crate::error::AppError;

    /// Applies `change` to a member of the signed-in person's organization, now.
    pub async fn change_member(member_id: i64, change: MemberChange) -> Result<Member, AppError> {
        let (state, user) = crate::backend::auth::signed_in().await?;
        update_member(&state.db, &user, member_id, change, chrono::Utc::now()).await
    }
}
