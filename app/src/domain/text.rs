//! What people type, cleaned before it is checked or stored: characters that cannot be seen
//! and only serve to mislead (a name that shows "gpj.exe" as "exe.jpg" through a right-to-left
//! override, a subject of zero-width spaces) or that a database refuses (NUL on PostgreSQL).
//!
//! - [`single_line`] for names, subjects, titles and file names: no control characters (a tab
//!   or line break becomes a space), no bidirectional embeddings, overrides or isolates
//!   (U+202A–U+202E, U+2066–U+2069), no zero-width or invisible formatting characters
//!   (U+200B–U+200D, U+2060, U+FEFF, soft hyphen), surrounding spaces trimmed.
//! - [`multi_line`] for messages and article bodies: the same, except that line breaks and
//!   tabs stay and the zero-width joiner stays (emoji such as 👩‍💻 are built with it).
//! - [`has_visible`]: text made only of spaces and invisible characters is missing, not given.

/// Directional formatting characters that reorder what follows them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters with no width of their own.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{200E}' | '\u{200F}'
    )
}

/// A name, subject, title or file name: one line of visible text.
pub fn single_line(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|&c| !is_bidi_control(c) && !is_invisible(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.trim().to_owned()
}

/// A message or an article body: several lines, emoji sequences kept.
pub fn multi_line(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|&c| {
            !is_bidi_control(c)
                && (c == '\u{200D}' || !is_invisible(c))
                && (!c.is_control() || matches!(c, '\n' | '\t'))
        })
        .collect();
    cleaned.trim().to_owned()
}

/// Whether the text shows anything at all.
pub fn has_visible(text: &str) -> bool {
    text.chars()
        .any(|c| !c.is_whitespace() && !c.is_control() && !is_invisible(c) && !is_bidi_control(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_what_cannot_be_seen() {
        assert_eq!(single_line("  Ana\u{0}\tSouza\r\n"), "Ana  Souza");
        // "fatura\u{202E}fdp.exe" shows as "faturaexe.pdf".
        assert_eq!(single_line("fatura\u{202E}fdp.exe"), "faturafdp.exe");
        assert_eq!(single_line("a\u{2066}b\u{2069}c"), "abc");
        assert_eq!(single_line("Dú\u{200B}vi\u{FEFF}da"), "Dúvida");
        assert_eq!(single_line("\u{200B}\u{200B} "), "");
        assert_eq!(single_line("Configuração — ação"), "Configuração — ação");
    }

    #[test]
    fn messages_keep_lines_and_emoji() {
        assert_eq!(multi_line("Oi,\r\nok\u{0}?\n\tfim "), "Oi,\nok?\n\tfim");
        assert_eq!(multi_line("dev 👩\u{200D}💻"), "dev 👩\u{200D}💻");
        assert_eq!(multi_line("a\u{202E}b"), "ab");
    }

    #[test]
    fn invisible_text_is_no_text() {
        assert!(!has_visible(""));
        assert!(!has_visible(" \u{200B}\u{FEFF}\n\u{2060}\u{202E}"));
        assert!(has_visible(" \u{200B}a"));
        assert!(has_visible("👍"));
    }
}
