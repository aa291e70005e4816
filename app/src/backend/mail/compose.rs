//! Composing mail: the bodies (plain text and the same content as escaped HTML) and, at send
//! time, the RFC 5322 message with its threading headers.

use std::time::SystemTime;

use lettre::message::header::{HeaderName, HeaderValue};
pub use lettre::message::Mailbox;
use lettre::message::MultiPart;
use lettre::Message;

use super::outbox::{EmailRow, SECRET_LINK};
use super::signing::Keys;

/// The kind of the automatic answer to a mail Chamado did not take.
pub const AUTO_ANSWER: &str = "auto_answer";

/// What every mail needs from the configuration.
#[derive(Debug, Clone)]
pub struct MailContext {
    /// The address people reach Chamado at, without a trailing slash.
    pub public_url: String,
    /// `CHAMADO_MAIL_FROM`.
    pub from: Mailbox,
    /// The name of the product in mail footers.
    pub product: String,
    pub keys: Keys,
}

impl MailContext {
    /// The domain of the sender's address, for Message-IDs.
    pub fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// `suporte+<token>@domain`: a reply address that names the ticket and the person, signed.
    pub fn reply_address(&self, ticket_id: i64, user_id: i64) -> String {
        let token = self.keys.reply_token(ticket_id, user_id);
        format!("{}+{token}@{}", self.from.email.user(), self.domain())
    }

    /// A new, unguessable Message-ID.
    pub fn new_message_id(&self) -> String {
        format!(
            "<{}@{}>",
            crate::backend::secrets::generate("chamado."),
            self.domain()
        )
    }

    /// The Message-ID every mail of a ticket refers to, so that each recipient's mail client
    /// shows one thread per ticket.
    pub fn thread_root(&self, ticket_id: i64) -> String {
        format!("<chamado.ticket-{ticket_id}@{}>", self.domain())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }
}

/// One block of a mail's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(String),
    /// Someone's words, quoted as written.
    Quote(String),
    /// A button in HTML, a line in text.
    Link {
        label: String,
        url: String,
    },
    /// A titled list of links (attachments).
    Links {
        title: String,
        items: Vec<(String, String)>,
    },
    /// The small print at the bottom.
    Footer(Vec<String>),
}

/// Plain text and HTML of the same blocks. Everything is escaped: no text a person typed can
/// become markup.
pub fn render(blocks: &[Block]) -> (String, String) {
    let mut text = String::new();
    let mut html = String::from(
        "<!DOCTYPE html><html><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933\">",
    );
    for block in blocks {
        match block {
            Block::Paragraph(p) => {
                text.push_str(p);
                text.push_str("\n\n");
                html.push_str(&format!("<p>{}</p>", escape_lines(p)));
            }
            Block::Quote(q) => {
                for line in q.lines() {
                    text.push_str("> ");
                    text.push_str(line);
                    text.push('\n');
                }
                text.push('\n');
                html.push_str(&format!(
                    "<blockquote style=\"margin:0 0 16px;padding:8px 12px;border-left:3px solid #c5cfd9;background:#f5f7fa\">{}</blockquote>",
                    escape_lines(q)
                ));
            }
            Block::Link { label, url } => {
                text.push_str(&format!("{label}: {url}\n\n"));
                html.push_str(&format!(
                    "<p><a href=\"{}\" style=\"display:inline-block;padding:8px 16px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:4px\">{}</a></p>",
                    escape(url),
                    escape(label)
                ));
            }
            Block::Links { title, items } => {
                text.push_str(title);
                text.push('\n');
                html.push_str(&format!("<p>{}</p><ul>", escape(title)));
                for (name, url) in items {
                    text.push_str(&format!("- {name}: {url}\n"));
                    html.push_str(&format!(
                        "<li><a href=\"{}\">{}</a></li>",
                        escape(url),
                        escape(name)
                    ));
                }
                text.push('\n');
                html.push_str("</ul>");
            }
            Block::Footer(lines) => {
                text.push_str("-- \n");
                html.push_str("<hr style=\"border:none;border-top:1px solid #d9e0e7\"><p style=\"font-size:12px;color:#52606d\">");
                for (i, line) in lines.iter().enumerate() {
                    text.push_str(line);
                    text.push('\n');
                    if i > 0 {
                        html.push_str("<br>");
                    }
                    html.push_str(&escape(line));
                }
                html.push_str("</p>");
            }
        }
    }
    html.push_str("</body></html>");
    (text.trim_end().to_owned() + "\n", html)
}

/// Text made safe inside HTML (element content and quoted attributes).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn escape_lines(s: &str) -> String {
    s.lines().map(escape).collect::<Vec<_>>().join("<br>")
}

/// A header-safe line: control characters (CR, LF, tab, …) become spaces, so no name or subject
/// can add a header.
pub fn one_line(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The message to hand to the relay. `secret_link` replaces [`SECRET_LINK`] in a sensitive
/// mail's bodies.
pub fn to_message(
    ctx: &MailContext,
    row: &EmailRow,
    secret_link: Option<&str>,
) -> Result<Message, String> {
    let to_address = row
        .mail
        .to_address
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    let to = Mailbox::new(Some(one_line(&row.mail.to_name)), to_address);
    let (text, html) = match (row.mail.sensitive, secret_link) {
        (true, Some(link)) => (
            row.mail.text_body.replace(SECRET_LINK, link),
            row.mail.html_body.replace(SECRET_LINK, &escape(link)),
        ),
        (true, None) => return Err("the single-use link of this mail is gone".to_owned()),
        (false, _) => (row.mail.text_body.clone(), row.mail.html_body.clone()),
    };
    let mut builder = Message::builder()
        .from(ctx.from.clone())
        .to(to)
        .subject(one_line(&row.mail.subject))
        .message_id(Some(row.mail.message_id.clone()))
        .date(SystemTime::from(row.created_at))
        // RFC 3834: an automatic message (an automatic answer to a mail: auto-replied);
        // vacation responders should not answer it.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            if row.mail.kind == AUTO_ANSWER {
                "auto-replied"
            } else {
                "auto-generated"
            }
            .to_owned(),
        ));
    if let Some(id) = &row.mail.in_reply_to {
        builder = builder.in_reply_to(id.clone());
    }
    if let Some(ids) = &row.mail.reference_ids {
        builder = builder.references(ids.clone());
    }
    if let Some(reply_to) = &row.mail.reply_to {
        let reply_to = reply_to
            .parse()
            .map_err(|e| format!("reply address: {e}"))?;
        builder = builder.reply_to(Mailbox::new(
            Some(ctx.from.name.clone().unwrap_or_default()),
            reply_to,
        ));
    }
    if let Some(url) = &row.mail.unsubscribe_url {
        // RFC 8058 one-click: mail providers POST to the link.
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| format!("composing: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> MailContext {
        MailContext {
            public_url: "https://suporte.example".to_owned(),
            from: "Suporte Chamado <suporte@example.com.br>"
                .parse()
                .expect("a valid sender"),
            product: "Chamado".to_owned(),
            keys: Keys::from_secret("k"),
        }
    }

    use crate::backend::mail::outbox::NewEmail;

    fn row() -> EmailRow {
        EmailRow {
            id: 1,
            mail: NewEmail {
                kind: "support_answered".to_owned(),
                user_id: Some(5),
                ticket_id: Some(42),
                to_address: "diego@acme.com.br".to_owned(),
                to_name: "Diego\r\nBcc: victim@example.com".to_owned(),
                subject: "[TKT-000042] Erro\r\nBcc: victim@example.com".to_owned(),
                text_body: "Olá\n".to_owned(),
                html_body: "<p>Olá</p>".to_owned(),
                message_id: "<a@example.com.br>".to_owned(),
                in_reply_to: Some("<chamado.ticket-42@example.com.br>".to_owned()),
                reference_ids: Some("<chamado.ticket-42@example.com.br>".to_owned()),
                reply_to: Some(ctx().reply_address(42, 5)),
                unsubscribe_url: Some(
                    "https://suporte.example/api/v1/notifications/unsubscribe?token=5.x.y"
                        .to_owned(),
                ),
                sensitive: false,
            },
            state: "queued".to_owned(),
            smtp_response: None,
            attempts: 0,
            created_at: chrono::Utc::now(),
            sent_at: None,
        }
    }

    #[test]
    fn bodies_escape_what_people_typed() {
        let (text, html) = render(&[
            Block::Paragraph("Olá, <b>Ana</b> & cia".to_owned()),
            Block::Quote("linha 1\n<script>alert(1)</script>".to_owned()),
            Block::Link {
                label: "Ver".to_owned(),
                url: "https://x/\"onclick=\"".to_owned(),
            },
        ]);
        assert!(text.contains("Olá, <b>Ana</b> & cia"));
        assert!(text.contains("> <script>alert(1)</script>"));
        assert!(html.contains("Olá, &lt;b&gt;Ana&lt;/b&gt; &amp; cia"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("https://x/&quot;onclick=&quot;"));
    }

    #[test]
    fn no_header_can_be_injected_through_a_name_or_subject() {
        let message = to_message(&ctx(), &row(), None).expect("composes");
        let raw = String::from_utf8_lossy(&message.formatted()).to_string();
        let headers = raw.split("\r\n\r\n").next().unwrap_or_default();
        assert!(!headers.lines().any(|l| l.starts_with("Bcc:")), "{headers}");
        assert!(headers.contains("Message-ID: <a@example.com.br>"));
        assert!(headers.contains("In-Reply-To: <chamado.ticket-42@example.com.br>"));
        assert!(headers.contains("Auto-Submitted: auto-generated"));
        assert!(headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(headers.contains("suporte+t42u5k"));
        assert!(raw.contains("multipart/alternative"));
    }

    #[test]
    fn sensitive_mail_needs_its_link_and_gets_it_only_at_send_time() {
        let mut r = row();
        r.mail.sensitive = true;
        r.mail.text_body = format!("Crie a senha: {SECRET_LINK}\n");
        r.mail.html_body = format!("<a href=\"{SECRET_LINK}\">x</a>");
        assert!(to_message(&ctx(), &r, None).is_err());
        let message = to_message(&ctx(), &r, Some("https://s/convite/abc")).expect("composes");
        let raw = String::from_utf8_lossy(&message.formatted()).to_string();
        assert!(raw.contains("https://s/convite/abc"));
        assert!(!raw.contains(SECRET_LINK));
    }
}
