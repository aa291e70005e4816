//! Reading a received mail (RFC 5322 and MIME, through mail-parser): who sent it and to whom,
//! how it threads, whether a machine wrote it, its text (HTML-only mail turned into text; the
//! charsets Brazilian mail still uses, ISO-8859-1 and Windows-1252, decoded), its files, and —
//! for a delivery status notification — which of Chamado's mails bounced and why.

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// The longest text kept from one mail (the original, before trimming), in characters.
const ORIGINAL_MAX_CHARS: usize = 200_000;

/// A received mail, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// `<id@host>`, as Chamado stores Message-IDs; a mail without one gets a digest of its bytes.
    pub message_id: String,
    /// Lower-case; empty when the mail names no sender.
    pub from_address: String,
    pub from_name: String,
    /// Every address it was sent to: To, Cc and the delivery headers relays add.
    pub recipients: Vec<String>,
    pub subject: String,
    /// `In-Reply-To` then `References`, newest first, as `<id>`.
    pub refers_to: Vec<String>,
    /// Why a machine, not a person, wrote it (it is never answered, and opens nothing).
    pub automated: Option<&'static str>,
    /// The sender is a mail system (mailer-daemon, postmaster, no-reply): never answered.
    pub system_sender: bool,
    /// The receiving mail server found the sender's address forged (its `Authentication-Results`
    /// say DMARC failed, or SPF failed with no valid DKIM signature): not taken as that person,
    /// and not answered (the answer would go to someone who did not write).
    pub forged: bool,
    pub bounce: Option<Bounce>,
    /// The whole text, quotes and signature included.
    pub text: String,
    pub files: Vec<MailFile>,
    /// From, To, Cc, Date and Subject as a person reads them.
    pub headers: String,
}

/// A file that came with the mail (attachments and inline images).
#[derive(Clone, PartialEq, Eq)]
pub struct MailFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for MailFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MailFile({}, {} bytes)", self.name, self.bytes.len())
    }
}

/// What a delivery status notification (RFC 3464) says about one of Chamado's mails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The address that could not be reached, lower-case.
    pub recipient: String,
    /// `5.1.1`: permanent (5) or temporary (4).
    pub status: String,
    pub diagnostic: String,
    /// The Message-ID of the mail that bounced, when the report quotes it.
    pub original_message_id: Option<String>,
}

impl Bounce {
    /// A permanent failure: the address is not to be mailed again.
    pub fn is_hard(&self) -> bool {
        self.status.starts_with('5')
    }
}

/// Reads a raw mail. `None` when the bytes are not a mail from anyone (no sender's address).
pub fn read(raw: &[u8]) -> Option<ReceivedMail> {
    let message = MessageParser::default().parse(raw)?;
    let (from_address, from_name) = first_address(message.from());
    if !from_address.contains('@') {
        return None;
    }
    let subject = message
        .subject()
        .map(|s| legacy_header(raw, "subject").unwrap_or_else(|| s.to_owned()))
        .map(|s| crate::domain::single_line(&s))
        .unwrap_or_default();
    let message_id = match message.message_id() {
        Some(id) if !id.trim().is_empty() => bracketed(id),
        _ => format!("<sha256.{}@chamado.invalid>", hex_digest(raw)),
    };
    let mut refers_to = ids_of(message.in_reply_to());
    for id in ids_of(message.references()).into_iter().rev() {
        if !refers_to.contains(&id) {
            refers_to.push(id);
        }
    }
    let local = from_address.split('@').next().unwrap_or_default();
    Some(ReceivedMail {
        message_id,
        recipients: recipients(&message),
        subject,
        refers_to,
        automated: automated(&message),
        system_sender: SYSTEM_SENDERS.iter().any(|s| local.eq_ignore_ascii_case(s))
            || local.to_ascii_lowercase().starts_with("bounce"),
        forged: forged(&message),
        bounce: bounce(&message),
        text: text_of(&message),
        files: files_of(&message),
        headers: header_summary(&message),
        from_address,
        from_name,
    })
}

/// A header an old client wrote in raw 8-bit Windows-1252 instead of encoded words (mail-parser
/// reads raw header bytes as UTF-8): decoded as Windows-1252 when it is not valid UTF-8.
fn legacy_header(raw: &[u8], name: &str) -> Option<String> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let head = &raw[..head_end];
    let mut lines = head.split(|b| *b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        if !line[..colon].eq_ignore_ascii_case(name.as_bytes()) {
            continue;
        }
        let mut value = line[colon + 1..].to_vec();
        while let Some(next) = lines
            .peek()
            .filter(|l| l.starts_with(b" ") || l.starts_with(b"\t"))
        {
            value.extend_from_slice(next);
            lines.next();
        }
        if std::str::from_utf8(&value).is_ok() {
            return None;
        }
        let decode = mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252")?;
        return Some(decode(&value).trim().to_owned());
    }
    None
}

/// Senders that are mail systems, not people: answering them makes loops.
const SYSTEM_SENDERS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "noreply",
    "no-reply",
    "do-not-reply",
    "donotreply",
    "nao-responda",
    "naoresponda",
];

fn first_address(address: Option<&Address<'_>>) -> (String, String) {
    let Some(addr) = address.and_then(|a| a.first()) else {
        return (String::new(), String::new());
    };
    let email = addr.address().unwrap_or_default().trim().to_lowercase();
    let name = addr
        .name()
        .map(crate::domain::single_line)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    (email, name)
}

fn recipients(message: &Message<'_>) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for list in message.all_to().chain(message.all_cc()) {
        for addr in list.iter() {
            if let Some(a) = addr.address() {
                all.push(a.trim().to_lowercase());
            }
        }
    }
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        for value in message.header_values(name) {
            if let Some(text) = value.as_text() {
                all.push(text.trim().trim_matches(['<', '>']).to_lowercase());
            }
        }
    }
    all.sort();
    all.dedup();
    all.retain(|a| !a.is_empty());
    all
}

fn bracketed(id: &str) -> String {
    format!("<{}>", id.trim().trim_matches(['<', '>']))
}

fn ids_of(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![bracketed(id)],
        HeaderValue::TextList(ids) => ids.iter().map(|id| bracketed(id)).collect(),
        _ => Vec::new(),
    }
}

fn header_text(message: &Message<'_>, name: &str) -> Option<String> {
    message
        .header(name)
        .and_then(|v| v.as_text())
        .map(|t| t.trim().to_ascii_lowercase())
}

/// Why the mail is a machine's (RFC 3834 `Auto-Submitted`, `Precedence`, the auto-reply headers
/// of Exchange and others), if it is.
fn automated(message: &Message<'_>) -> Option<&'static str> {
    if header_text(message, "Auto-Submitted").is_some_and(|v| v != "no") {
        return Some("auto_submitted");
    }
    if header_text(message, "Precedence")
        .is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"))
    {
        return Some("bulk");
    }
    let flagged = |name: &str| message.header(name).is_some();
    if flagged("X-Autoreply")
        || flagged("X-Autorespond")
        || header_text(message, "X-Auto-Response-Suppress").is_some_and(|v| v.contains("all"))
            && flagged("X-MS-Exchange-Inbox-Rules-Loop")
    {
        return Some("auto_submitted");
    }
    None
}

/// Whether the receiving server's verdict (the topmost `Authentication-Results`, RFC 8601) says
/// the sender's address is forged.
fn forged(message: &Message<'_>) -> bool {
    let Some(verdict) = message
        .header_raw("Authentication-Results")
        .map(str::to_ascii_lowercase)
    else {
        return false;
    };
    let says = |what: &str| {
        verdict
            .split([';', ' ', '\t', '\r', '\n'])
            .any(|part| part.trim() == what)
    };
    says("dmarc=fail") || (says("spf=fail") && !says("dkim=pass"))
}

/// The mail's text: every text body in order (Apple Mail splits text around inline images),
/// HTML turned into text when that is all there is.
fn text_of(message: &Message<'_>) -> String {
    let mut parts = Vec::new();
    for part in message.text_bodies() {
        match &part.body {
            PartType::Text(text) => parts.push(text.to_string()),
            PartType::Html(html) => parts.push(html_text(html)),
            _ => {}
        }
    }
    let text = parts.join("\n").replace("\r\n", "\n");
    text.chars().take(ORIGINAL_MAX_CHARS).collect()
}

/// Text of an HTML body: block ends become line breaks before mail-parser's tag stripper.
fn html_text(html: &str) -> String {
    let mut marked = String::with_capacity(html.len() + 64);
    let lower = html.to_ascii_lowercase();
    let mut last = 0;
    for (at, _) in lower.match_indices('<') {
        let tag = &lower[at..];
        let block_end = [
            "</div",
            "</li",
            "</tr",
            "</h1",
            "</h2",
            "</h3",
            "<blockquote",
            "<hr",
        ]
        .iter()
        .any(|t| tag.starts_with(t));
        if block_end {
            marked.push_str(&html[last..at]);
            marked.push_str("<br>");
            last = at;
        }
    }
    marked.push_str(&html[last..]);
    let text = mail_parser::decoders::html::html_to_text(&marked);
    // Collapse the runs of blank lines nested blocks leave.
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_owned()
}

/// Attachments and inline images; nested mails and the parts of a bounce report are not files.
fn files_of(message: &Message<'_>) -> Vec<MailFile> {
    message
        .attachments()
        .filter(|part| matches!(part.body, PartType::Binary(_) | PartType::InlineBinary(_)))
        .filter(|part| {
            !part
                .content_type()
                .is_some_and(|t| t.ctype().eq_ignore_ascii_case("message"))
        })
        .map(|part| MailFile {
            name: part
                .attachment_name()
                .map(crate::domain::single_line)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| default_name(part.content_type())),
            bytes: part.contents().to_vec(),
        })
        .collect()
}

fn default_name(content_type: Option<&mail_parser::ContentType<'_>>) -> String {
    let ext = content_type
        .and_then(|t| t.subtype())
        .map(|s| s.to_ascii_lowercase())
        .filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric()) && s.len() <= 8)
        .unwrap_or_else(|| "bin".to_owned());
    format!("anexo.{ext}")
}

/// The report of a delivery status notification, when the mail is one that says a delivery
/// failed (RFC 3464 `multipart/report; report-type=delivery-status`).
fn bounce(message: &Message<'_>) -> Option<Bounce> {
    let mut report = None;
    let mut original_message_id = None;
    for part in message.parts.iter() {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = format!(
            "{}/{}",
            ct.ctype().to_ascii_lowercase(),
            ct.subtype().unwrap_or_default().to_ascii_lowercase()
        );
        match kind.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                report = Some(String::from_utf8_lossy(part.contents()).into_owned());
            }
            "text/rfc822-headers" | "message/rfc822-headers" => {
                original_message_id = original_message_id
                    .or_else(|| header_in(&String::from_utf8_lossy(part.contents()), "message-id"))
                    .map(|id| bracketed(&id));
            }
            "message/rfc822" | "message/global" => {
                if let PartType::Message(inner) = &part.body {
                    original_message_id =
                        original_message_id.or_else(|| inner.message_id().map(bracketed));
                }
            }
            _ => {}
        }
    }
    let report = report?;
    let action = header_in(&report, "action").unwrap_or_default();
    if !action.eq_ignore_ascii_case("failed") && !action.eq_ignore_ascii_case("delayed") {
        return None;
    }
    let recipient = header_in(&report, "final-recipient")
        .or_else(|| header_in(&report, "original-recipient"))?;
    let recipient = recipient
        .rsplit(';')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches(['<', '>'])
        .to_lowercase();
    let status = header_in(&report, "status").unwrap_or_else(|| "5.0.0".to_owned());
    let diagnostic = header_in(&report, "diagnostic-code")
        .map(|d| {
            d.split_once(';')
                .map(|(_, t)| t.trim().to_owned())
                .unwrap_or(d)
        })
        .unwrap_or_else(|| status.clone());
    Some(Bounce {
        recipient,
        status,
        diagnostic: crate::domain::single_line(&diagnostic),
        original_message_id,
    })
}

/// The value of the first `name:` field in a block of header-like lines (unfolded).
fn header_in(block: &str, name: &str) -> Option<String> {
    let mut lines = block.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        if !field.trim().eq_ignore_ascii_case(name) {
            continue;
        }
        let mut value = value.trim().to_owned();
        while let Some(next) = lines.peek() {
            if next.starts_with([' ', '\t']) {
                value.push(' ');
                value.push_str(next.trim());
                lines.next();
            } else {
                break;
            }
        }
        return Some(value);
    }
    None
}

fn header_summary(message: &Message<'_>) -> String {
    let list = |a: Option<&Address<'_>>| {
        a.map(|a| {
            a.iter()
                .map(|x| match (x.name(), x.address()) {
                    (Some(n), Some(e)) => format!("{} <{e}>", crate::domain::single_line(n)),
                    (None, Some(e)) => e.to_owned(),
                    (Some(n), None) => crate::domain::single_line(n),
                    (None, None) => String::new(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let mut lines = Vec::new();
    for (name, value) in [
        ("From", list(message.from())),
        ("To", list(message.to())),
        ("Cc", list(message.cc())),
        ("Date", message.date().map(|d| d.to_rfc3339())),
        ("Subject", message.subject().map(crate::domain::single_line)),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            lines.push(format!("{name}: {value}"));
        }
    }
    lines.join("\n")
}

fn hex_digest(raw: &[u8]) -> String {
    Sha256::digest(raw)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(headers: &str, body: &str) -> Vec<u8> {
        format!("{headers}\r\n\r\n{body}")
            .replace('\n', "\r\n")
            .into_bytes()
    }

    #[test]
    fn reads_sender_recipients_subject_and_thread() {
        let raw = mail(
            "From: =?ISO-8859-1?Q?Jo=E3o_Silva?= <Joao@Cliente.com.br>\nTo: Suporte <suporte+t4u2kabc@chamado.local>\nCc: outra@cliente.com.br\nSubject: =?UTF-8?B?UmU6IFtUS1QtMDAwMDA0XSBOw6NvIGNvbnNpZ28gZW50cmFy?=\nMessage-ID: <abc@cliente.com.br>\nIn-Reply-To: <chamado.x@chamado.local>\nReferences: <root@chamado.local> <chamado.x@chamado.local>",
            "Oi",
        );
        let m = read(&raw).expect("a mail");
        assert_eq!(m.from_address, "joao@cliente.com.br");
        assert_eq!(m.from_name, "João Silva");
        assert_eq!(
            m.recipients,
            ["outra@cliente.com.br", "suporte+t4u2kabc@chamado.local"]
        );
        assert_eq!(m.subject, "Re: [TKT-000004] Não consigo entrar");
        assert_eq!(m.message_id, "<abc@cliente.com.br>");
        assert_eq!(
            m.refers_to,
            ["<chamado.x@chamado.local>", "<root@chamado.local>"]
        );
        assert_eq!(m.automated, None);
        assert!(!m.system_sender);
        assert!(!m.forged);
        assert!(m.headers.contains("From: João Silva <Joao@Cliente.com.br>"));
    }

    #[test]
    fn the_receiving_servers_verdict_on_forged_senders_is_read() {
        let with = |verdict: &str| {
            read(&mail(
                &format!(
                    "Authentication-Results: mx.acme.test;\n {verdict}\nFrom: a@b.com\nSubject: x"
                ),
                "x",
            ))
            .is_some_and(|m| m.forged)
        };
        assert!(with(
            "spf=pass smtp.mailfrom=b.com; dkim=pass header.d=b.com; dmarc=fail header.from=b.com"
        ));
        assert!(with("spf=fail smtp.mailfrom=b.com; dkim=none"));
        assert!(!with(
            "spf=fail smtp.mailfrom=b.com; dkim=pass header.d=b.com"
        ));
        assert!(!with(
            "spf=pass smtp.mailfrom=b.com; dkim=pass header.d=b.com; dmarc=pass"
        ));
        assert!(!read(&mail("From: a@b.com\nSubject: x", "x")).is_some_and(|m| m.forged));
    }

    #[test]
    fn windows_1252_text_is_decoded() {
        let raw = b"From: a@b.com\r\nSubject: x\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\nN\xe3o consigo emitir a nota \x96 erro \x93123\x94\r\n";
        let m = read(raw).expect("a mail");
        assert_eq!(m.text.trim(), "Não consigo emitir a nota – erro “123”");
    }

    #[test]
    fn a_raw_windows_1252_subject_from_an_old_client_is_read() {
        let raw = b"From: a@b.com\r\nSubject: Cobran\xe7a em duplicidade\r\n\r\nx\r\n";
        assert_eq!(
            read(raw).map(|m| m.subject),
            Some("Cobrança em duplicidade".to_owned())
        );
        let utf8 = "From: a@b.com\r\nSubject: Cobrança\r\n\r\nx\r\n";
        assert_eq!(
            read(utf8.as_bytes()).map(|m| m.subject),
            Some("Cobrança".to_owned())
        );
    }

    #[test]
    fn html_only_mail_becomes_text_with_its_line_breaks() {
        let raw = mail(
            "From: a@b.com\nSubject: x\nContent-Type: text/html; charset=utf-8",
            "<html><head><style>p{}</style></head><body><div>Ol&aacute;,</div><div>o boleto <b>n&atilde;o</b> chegou.</div><p>Obrigado</p></body></html>",
        );
        let m = read(&raw).expect("a mail");
        assert_eq!(m.text, "Olá,\no boleto não chegou.\nObrigado");
    }

    #[test]
    fn machines_are_recognised() {
        let auto = mail(
            "From: a@b.com\nSubject: Ausente\nAuto-Submitted: auto-replied",
            "Estou de férias",
        );
        assert_eq!(
            read(&auto).and_then(|m| m.automated),
            Some("auto_submitted")
        );
        let bulk = mail("From: a@b.com\nSubject: News\nPrecedence: bulk", "x");
        assert_eq!(read(&bulk).and_then(|m| m.automated), Some("bulk"));
        let person = mail("From: a@b.com\nSubject: x\nAuto-Submitted: no", "x");
        assert_eq!(read(&person).and_then(|m| m.automated), None);
        let daemon = mail("From: MAILER-DAEMON@relay.example\nSubject: x", "x");
        assert!(read(&daemon).is_some_and(|m| m.system_sender));
    }

    #[test]
    fn a_mail_without_message_id_gets_a_stable_one() {
        let raw = mail("From: a@b.com\nSubject: x", "same bytes");
        let (a, b) = (read(&raw), read(&raw));
        assert!(a
            .as_ref()
            .is_some_and(|m| m.message_id.starts_with("<sha256.")));
        assert_eq!(a.map(|m| m.message_id), b.map(|m| m.message_id));
    }

    #[test]
    fn delivery_status_notifications_name_the_bounced_mail() {
        let raw = mail(
            "From: Mail Delivery System <MAILER-DAEMON@relay.example>\nTo: suporte@chamado.local\nSubject: Undelivered Mail Returned to Sender\nAuto-Submitted: auto-replied\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"",
            "--B\nContent-Type: text/plain\n\nI'm sorry.\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example\n\nFinal-Recipient: rfc822; Nobody@Cliente.com.br\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <nobody@cliente.com.br>:\n    Recipient address rejected\n--B\nContent-Type: text/rfc822-headers\n\nFrom: suporte@chamado.local\nMessage-ID: <chamado.abc@chamado.local>\nSubject: [TKT-000001] x\n--B--\n",
        );
        let m = read(&raw).expect("a mail");
        let bounce = m.bounce.expect("a bounce");
        assert_eq!(bounce.recipient, "nobody@cliente.com.br");
        assert_eq!(bounce.status, "5.1.1");
        assert!(bounce.is_hard());
        assert_eq!(
            bounce.diagnostic,
            "550 5.1.1 <nobody@cliente.com.br>: Recipient address rejected"
        );
        assert_eq!(
            bounce.original_message_id.as_deref(),
            Some("<chamado.abc@chamado.local>")
        );
        assert!(m.files.is_empty());
    }

    #[test]
    fn attachments_and_inline_images_are_files() {
        let raw = mail(
            "From: a@b.com\nSubject: x\nContent-Type: multipart/mixed; boundary=\"B\"",
            "--B\nContent-Type: text/plain\n\nSegue o print.\n--B\nContent-Type: image/png\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--B\nContent-Type: application/pdf; name=\"=?UTF-8?Q?relat=C3=B3rio.pdf?=\"\nContent-Disposition: attachment; filename*=UTF-8''relat%C3%B3rio.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--B--\n",
        );
        let m = read(&raw).expect("a mail");
        assert_eq!(m.text.trim(), "Segue o print.");
        let names: Vec<_> = m.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["anexo.png", "relatório.pdf"]);
        assert_eq!(m.files[1].bytes, b"%PDF-1.4\n");
    }

    #[test]
    fn bytes_that_are_not_a_mail_are_refused() {
        assert!(read(b"").is_none());
        assert!(read(b"\x00\x01\x02").is_none());
        assert!(read(&mail("Subject: no sender", "x")).is_none());
    }
}
