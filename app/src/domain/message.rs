//! A ticket's conversation: messages (a customer's or support's entry, or an internal note),
//! their attachments and read marks, and the limits that apply to them.

use chrono::{DateTime, Utc};

use super::wire_enum;

wire_enum! {
    /// How a message reached Chamado: from the kind of caller (a signed-in page, a bearer API
    /// token, an e-mail), never from the road it took; `system` for Chamado's own.
    MessageChannel, "channel" {
        Portal => "portal",
        Email => "email",
        Api => "api",
        System => "system",
    }
}

/// The customer's message limit (PRODUCT.md "Limits"), in Unicode scalar values: the same
/// count as JavaScript's `[...text].length` in the browser.
pub const MESSAGE_MAX_CHARS: usize = 1000;

/// The longest message that arrives by e-mail, by default (an admin setting).
pub const EMAIL_MESSAGE_MAX_CHARS: usize = 20_000;

/// The longest message support writes.
pub const SUPPORT_MESSAGE_MAX_CHARS: usize = 10_000;

/// Attachments per message (PRODUCT.md "Limits").
pub const MAX_ATTACHMENTS: usize = 5;

/// Bytes per attachment: 10 MiB.
pub const MAX_ATTACHMENT_BYTES: u64 = 10_485_760;

/// The extensions the file picker offers; the server decides by content (magic bytes).
pub const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "zip",
];

/// A file name's extension, lower-case (empty without one).
pub fn file_extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether `extension` is among the `allowed` ones; jpg and jpeg are one type (the same
/// content), on the server and in the browser alike.
pub fn extension_allowed(allowed: &[String], extension: &str) -> bool {
    let has = |e: &str| allowed.iter().any(|a| a.eq_ignore_ascii_case(e));
    match extension {
        "jpg" | "jpeg" => has("jpg") || has("jpeg"),
        "" => false,
        e => has(e),
    }
}

/// Counts a text the way both sides do: Unicode scalar values (Rust `char`s).
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// A message of the conversation as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: i64,
    pub author: Option<AuthorRef>,
    pub body: String,
    pub internal: bool,
    pub channel: MessageChannel,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentRef>,
    /// For a message that arrived by e-mail: whether it was trimmed, and the files refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<super::MessageEmail>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthorRef {
    pub id: i64,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentRef {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadMarks {
    pub by_support_at: Option<DateTime<Utc>>,
    pub by_requester_at: Option<DateTime<Utc>>,
}

/// The one length rule for texts people write: not empty, at most `max` characters (Unicode
/// scalar values, as the browser counts them; the text already trimmed). Error: a field code.
pub fn text_within(trimmed: &str, max: usize) -> Result<(), &'static str> {
    if !super::has_visible(trimmed) {
        return Err("required");
    }
    match char_count(trimmed) {
        0 => Err("required"),
        n if n > max => Err("too_long"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_by_the_caller_then_counted() {
        assert_eq!(text_within("", 10), Err("required"));
        assert_eq!(text_within("ação", 4), Ok(()));
        assert_eq!(text_within("ações", 4), Err("too_long"));
    }

    #[test]
    fn characters_are_counted_as_unicode_scalar_values() {
        assert_eq!(char_count("ação"), 4);
        assert_eq!(char_count("😀😀"), 2);
        assert_eq!(char_count(&"𝄞".repeat(1000)), 1000);
    }
}
