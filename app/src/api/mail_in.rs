//! Server functions of e-mail in: the mailboxes page (admins write; leads read what arrived)
//! and a message's original mail on the ticket page. Every rule is in the services.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use crate::domain::{
    EmailOriginal, InboundEmailPage, MailChannel, MailboxAdmin, MailboxInput, MailboxWithToken,
    NamedRef, Plan, Suppression,
};
use crate::error::AppError;

/// Everything the mailboxes page shows. `mailboxes` is absent for leads (admins set them up).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailInPage {
    pub mailboxes: Option<Vec<MailboxAdmin>>,
    pub departments: Vec<NamedRef>,
    pub channel: MailChannel,
    pub received: InboundEmailPage,
    pub suppressions: Vec<Suppression>,
}

#[server(prefix = "/api/fn", endpoint = "admin/mail-in", input = GetUrl)]
pub async fn get_mail_in(#[server(default)] before: Option<i64>) -> Result<MailInPage, AppError> {
    use crate::backend::services::admin;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let received = admin::received(&state.db, &user, before).await?;
    let mailboxes = if user.may_administer() {
        Some(admin::mailboxes(&state.db, &user).await?)
    } else {
        None
    };
    Ok(MailInPage {
        mailboxes,
        departments: crate::backend::services::tickets::departments(&state.db).await?,
        channel: admin::channel(&state.db, &user).await?,
        received,
        suppressions: admin::suppressions(&state.db, &user).await?,
    })
}

/// A mailbox saved: a new one comes with its inbound token, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailboxSaved {
    pub mailbox: MailboxAdmin,
    pub token: Option<String>,
}

/// Creates (`id: None`) or changes a mailbox (an empty password keeps the stored one).
#[server(prefix = "/api/fn", endpoint = "admin/mailbox", input = Json)]
pub async fn save_mailbox(id: Option<i64>, input: MailboxInput) -> Result<MailboxSaved, AppError> {
    use crate::backend::services::admin;
    let (state, user) = crate::backend::auth::signed_in().await?;
    let now = chrono::Utc::now();
    Ok(match id {
        None => {
            let created = admin::create_mailbox(&state.db, &user, input, now).await?;
            MailboxSaved {
                mailbox: created.mailbox,
                token: Some(created.token),
            }
        }
        Some(id) => MailboxSaved {
            mailbox: admin::update_mailbox(&state.db, &user, id, input, now).await?,
            token: None,
        },
    })
}

/// A new inbound token for a mailbox (the old one stops working).
#[server(prefix = "/api/fn", endpoint = "admin/mailbox/token", input = Json)]
pub async fn rotate_mailbox_token(id: i64) -> Result<MailboxWithToken, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::rotate_token(&state.db, &user, id, chrono::Utc::now()).await
}

/// Which plans open tickets by e-mail.
#[server(prefix = "/api/fn", endpoint = "admin/mail-channel", input = Json)]
pub async fn save_mail_channel(email_plans: Vec<Plan>) -> Result<MailChannel, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::set_channel(
        &state.db,
        &user,
        MailChannel { email_plans },
        chrono::Utc::now(),
    )
    .await
}

/// Lets an address that bounced be mailed again.
#[server(prefix = "/api/fn", endpoint = "admin/email-suppressions/lift", input = Json)]
pub async fn lift_suppression(address: String) -> Result<(), AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::admin::lift_suppression(
        &state.db,
        &user,
        &address,
        chrono::Utc::now(),
    )
    .await
}

/// The mail a message came from, whole.
#[server(prefix = "/api/fn", endpoint = "tickets/email-original", input = GetUrl)]
pub async fn get_email_original(id: String, message_id: i64) -> Result<EmailOriginal, AppError> {
    let (state, user) = crate::backend::auth::signed_in().await?;
    crate::backend::services::tickets::email_original(&state.db, &user, &id, message_id).await
}
