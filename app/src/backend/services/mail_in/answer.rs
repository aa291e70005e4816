//! The polite automatic answer to a mail Chamado did not take: why, and where to go instead
//! (the help center, the portal). In the sender's language when they are known, else in both.

use crate::backend::mail::compose::{render, Block, MailContext, AUTO_ANSWER};
use crate::backend::mail::inbox::MailboxRow;
use crate::backend::mail::outbox::NewEmail;
use crate::backend::mail::received::ReceivedMail;
use crate::backend::mail::texts::text;
use crate::domain::Language;

/// A word the mail channel puts in a ticket (`no_subject`, `no_text`), in the author's language.
pub fn words(language: Language, key: &str) -> String {
    text(language, &format!("inbound.{key}"), &[])
}

/// The answer to `mail`, declined for `reason`.
pub fn letter(
    ctx: &MailContext,
    mailbox: &MailboxRow,
    mail: &ReceivedMail,
    reason: &str,
    language: Option<Language>,
) -> NewEmail {
    let languages = match language {
        Some(l) => vec![l],
        None => vec![Language::PtBr, Language::En],
    };
    let mut blocks = Vec::new();
    for language in &languages {
        let language = *language;
        blocks.push(Block::Paragraph(text(
            language,
            "greeting",
            &[("name", &mail.from_name)],
        )));
        blocks.push(Block::Paragraph(text(
            language,
            &format!("inbound.declined.{reason}"),
            &[("mailbox", &mailbox.address)],
        )));
        blocks.push(Block::Link {
            label: text(language, "inbound.help_center", &[]),
            url: ctx.url("/"),
        });
        blocks.push(Block::Link {
            label: text(language, "inbound.portal", &[]),
            url: ctx.url("/chamados/novo"),
        });
        blocks.push(Block::Footer(vec![
            text(
                language,
                "inbound.automatic",
                &[("mailbox", &mailbox.address)],
            ),
            text(language, "signature", &[]),
        ]));
    }
    let (text_body, html_body) = render(&blocks);
    let original = if mail.subject.trim().is_empty() {
        text(languages[0], "inbound.your_mail", &[])
    } else {
        super::strip_reply_prefixes(&mail.subject)
    };
    NewEmail {
        kind: AUTO_ANSWER.to_owned(),
        user_id: None,
        ticket_id: None,
        to_address: mail.from_address.clone(),
        to_name: mail.from_name.clone(),
        subject: format!("Re: {original}"),
        text_body,
        html_body,
        message_id: ctx.new_message_id(),
        in_reply_to: Some(mail.message_id.clone()),
        reference_ids: Some(mail.message_id.clone()),
        ..NewEmail::default()
    }
}
