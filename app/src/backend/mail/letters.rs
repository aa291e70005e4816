//! The mail and the in-app entry each recipient of a notice gets, in their language.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::compose::{render, Block, MailContext};
use super::notices::{message_body, person, Notice, Person, TicketFacts};
use super::outbox::{self, NewEmail, SECRET_LINK};
use super::texts::text;
use crate::backend::db::Conn;
use crate::domain::{Language, NotificationKind, TicketNumber};
use crate::on_conn;

/// How many earlier mails of the thread `References` names.
const REFERENCES_KEPT: i64 = 10;

/// Texts and facts of one notice about a ticket, gathered once for all its recipients.
pub struct TicketNotice<'a> {
    pub notice: &'a Notice,
    pub ticket: &'a TicketFacts,
    /// The name of who did it.
    pub actor: Option<String>,
    /// The words to quote (a message, an escalation's reason).
    pub quote: Option<String>,
    /// Attachments of the quoted message: (name, url).
    pub attachments: Vec<(String, String)>,
}

impl<'a> TicketNotice<'a> {
    pub async fn gather(
        c: Conn<'_>,
        ctx: &MailContext,
        notice: &'a Notice,
        ticket: &'a TicketFacts,
    ) -> Result<TicketNotice<'a>, sqlx::Error> {
        let mut c = c;
        let actor = match notice.actor_id() {
            Some(id) => person(c.reborrow(), id).await?.map(|p| p.name),
            None => None,
        };
        let message_id = match notice {
            Notice::TicketCreated { message_id, .. } | Notice::MessageAdded { message_id, .. } => {
                Some(*message_id)
            }
            _ => None,
        };
        let (quote, attachments) = match (notice, message_id) {
            (Notice::Escalated { reason, .. }, _) => (Some(reason.clone()), Vec::new()),
            (_, Some(id)) => (
                Some(message_body(c.reborrow(), id).await?),
                attachments_of_message(c.reborrow(), id)
                    .await?
                    .into_iter()
                    .map(|(aid, name)| (name, ctx.url(&format!("/api/v1/attachments/{aid}"))))
                    .collect(),
            ),
            _ => (None, Vec::new()),
        };
        Ok(TicketNotice {
            notice,
            ticket,
            actor,
            quote,
            attachments,
        })
    }

    /// The intro sentence for one kind, in one language.
    fn intro(&self, language: Language, kind: NotificationKind) -> String {
        let number = TicketNumber(self.ticket.id).to_string();
        let actor = self.actor.clone().unwrap_or_default();
        let target_key = match self.notice {
            Notice::SlaBreached { target, .. } if target == "resolution" => "sla.resolution",
            _ => "sla.first_response",
        };
        let target = text(language, target_key, &[]);
        let when = match self.notice {
            Notice::AutoCloseWarning { closes_at, .. } => format_when(language, *closes_at),
            _ => String::new(),
        };
        // Assigned as the ticket opened, or by nobody: round-robin did it.
        let by_distribution = matches!(
            self.notice,
            Notice::TicketCreated { .. } | Notice::Assigned { actor_id: None, .. }
        );
        let key = match kind {
            NotificationKind::TicketAssigned if by_distribution => "ticket_assigned.auto",
            _ => kind.as_str(),
        };
        text(
            language,
            key,
            &[
                ("number", &number),
                ("actor", &actor),
                ("department", &self.ticket.department),
                ("target", &target),
                ("when", &when),
            ],
        )
    }

    /// Whether the message itself goes in the mail for this kind.
    fn quotes(kind: NotificationKind) -> bool {
        use NotificationKind::*;
        matches!(
            kind,
            TicketReceived | SupportAnswered | NewTicket | CustomerReplied | Mentioned | Escalated
        )
    }

    /// The mail for one recipient.
    pub async fn letter(
        &self,
        c: Conn<'_>,
        ctx: &MailContext,
        to: &Person,
        kind: NotificationKind,
    ) -> Result<NewEmail, sqlx::Error> {
        let language = to.language();
        let number = TicketNumber(self.ticket.id).to_string();
        let ticket_url = ctx.url(&format!("/chamados/{number}"));
        let mut blocks = vec![
            Block::Paragraph(text(language, "greeting", &[("name", &to.name)])),
            Block::Paragraph(self.intro(language, kind)),
        ];
        if Self::quotes(kind) {
            if let Some(quote) = self.quote.as_ref().filter(|q| !q.trim().is_empty()) {
                blocks.push(Block::Quote(quote.clone()));
            }
            if !self.attachments.is_empty() {
                blocks.push(Block::Links {
                    title: text(language, "attachments", &[]),
                    items: self.attachments.clone(),
                });
            }
        }
        blocks.push(Block::Link {
            label: text(language, "open_ticket", &[]),
            url: ticket_url.clone(),
        });
        if kind == NotificationKind::TicketClosed {
            let rate = ctx.url(&format!("/chamados/{number}#avaliacao"));
            blocks.push(Block::Paragraph(text(
                language,
                "ticket_closed.rate",
                &[("url", &rate)],
            )));
        }
        blocks.push(Block::Footer(vec![
            text(
                language,
                "why",
                &[
                    (
                        "kind",
                        &text(language, &format!("kind.{}", kind.as_str()), &[]),
                    ),
                    ("product", &ctx.product),
                ],
            ),
            text(language, "choose", &[("url", &ctx.url("/preferencias"))]),
        ]));
        let (text_body, html_body) = render(&blocks);
        let root = ctx.thread_root(self.ticket.id);
        let earlier = outbox::thread_of(c, self.ticket.id, &to.email, REFERENCES_KEPT).await?;
        let in_reply_to = earlier.last().cloned().unwrap_or_else(|| root.clone());
        let references = std::iter::once(root)
            .chain(earlier)
            .collect::<Vec<_>>()
            .join(" ");
        let token = ctx.keys.unsubscribe_token(to.id, kind.as_str());
        Ok(NewEmail {
            kind: kind.as_str().to_owned(),
            user_id: Some(to.id),
            ticket_id: Some(self.ticket.id),
            to_address: to.email.clone(),
            to_name: to.name.clone(),
            subject: format!("[{number}] {}", self.ticket.subject),
            text_body,
            html_body,
            message_id: ctx.new_message_id(),
            in_reply_to: Some(in_reply_to),
            reference_ids: Some(references),
            reply_to: Some(ctx.reply_address(self.ticket.id, to.id)),
            unsubscribe_url: Some(
                ctx.url(&format!("/api/v1/notifications/unsubscribe?token={token}")),
            ),
            sensitive: false,
        })
    }

    /// What the bell shows (rendered in the reader's language when read).
    pub fn entry_data(&self) -> serde_json::Value {
        json!({ "subject": self.ticket.subject, "actor": self.actor })
    }
}

/// The invitation or password-reset mail; its link stays out of the stored bodies.
pub fn account_letter(
    ctx: &MailContext,
    to: &Person,
    purpose: &str,
    organization: Option<&str>,
) -> NewEmail {
    let language = to.language();
    let key = if purpose == "invitation" {
        "invitation"
    } else {
        "password_reset"
    };
    let blocks = [
        Block::Paragraph(text(language, "greeting", &[("name", &to.name)])),
        Block::Paragraph(text(
            language,
            key,
            &[("organization", organization.unwrap_or(&ctx.product))],
        )),
        Block::Paragraph(SECRET_LINK.to_owned()),
        Block::Footer(vec![text(language, "signature", &[])]),
    ];
    let (text_body, html_body) = render(&blocks);
    NewEmail {
        kind: key.to_owned(),
        user_id: Some(to.id),
        ticket_id: None,
        to_address: to.email.clone(),
        to_name: to.name.clone(),
        subject: text(language, &format!("{key}.subject"), &[]),
        text_body,
        html_body,
        message_id: ctx.new_message_id(),
        sensitive: true,
        ..NewEmail::default()
    }
}

/// A date and time as people of the language write it (UTC).
fn format_when(language: Language, at: DateTime<Utc>) -> String {
    match language {
        Language::PtBr => at.format("%d/%m/%Y %H:%M UTC").to_string(),
        Language::En => at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

async fn attachments_of_message(
    c: Conn<'_>,
    message_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT id, file_name FROM attachments WHERE message_id = $1 ORDER BY id";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(message_id).fetch_all(&mut *conn).await)
}
