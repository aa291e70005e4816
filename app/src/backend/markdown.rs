//! Article Markdown: as safe HTML for pages, as plain text for search and descriptions.

use pulldown_cmark::{html, Event, Options, Parser, TagEnd};

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
}

/// HTML an author cannot turn into an attack: the rendered Markdown (raw HTML included) goes
/// through ammonia's allow-list (formatting, lists, tables, code, links with
/// `rel="noopener noreferrer"`, images), which drops scripts, styles, event handlers,
/// `javascript:` URLs and frames.
pub fn to_safe_html(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser(markdown));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// The text without Markdown syntax, a line per paragraph, heading or list item.
pub fn to_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in parser(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// The body without a first `# Title` line (pages show the title themselves).
pub fn without_leading_title(markdown: &str) -> &str {
    match markdown.trim_start().strip_prefix("# ") {
        Some(rest) => rest.split_once('\n').map(|(_, after)| after).unwrap_or(""),
        None => markdown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_html_never_reaches_the_page_as_markup() {
        let html = to_safe_html(
            "Texto **forte** <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n\
             [link](javascript:alert(1)) [ok](https://exemplo.example/a)\n\n\
             <iframe src=\"https://mal.example\"></iframe>",
        );
        assert!(html.contains("<strong>forte</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(
            html.contains("href=\"https://exemplo.example/a\""),
            "{html}"
        );
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn the_leading_title_heading_is_dropped() {
        let md = "# Título\n\nPrimeiro parágrafo.\n\n## Seção\n";
        assert_eq!(
            without_leading_title(md),
            "\nPrimeiro parágrafo.\n\n## Seção\n"
        );
        assert_eq!(without_leading_title("Sem título"), "Sem título");
    }

    #[test]
    fn text_keeps_words_and_drops_syntax() {
        assert_eq!(
            to_text("## Passo\n\n1. Clique em **Salvar** e `ok`"),
            "Passo\nClique em Salvar e ok\n"
        );
    }
}
