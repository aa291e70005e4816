//! Property tests (proptest) of every parser of untrusted input: the ticket list's query string,
//! Markdown rendering, article front matter, CSV escaping and `Accept-Language`. (Multipart
//! bodies are exercised in the server crate, where they are read.)
//!
//! The test command runs each with proptest's default 256 cases; a longer run:
//! `PROPTEST_CASES=20000 cargo test -p app --features ssr --lib fuzz`.

use proptest::prelude::*;

use crate::backend::{kb, markdown, spreadsheet};
use crate::domain::{CurrentUser, Language, OrganizationRef, Plan, Role, TicketListQuery};

fn agent() -> CurrentUser {
    CurrentUser {
        id: 7,
        name: "Ana".into(),
        email: "ana@chamado.local".into(),
        role: Role::Agent,
        language: Language::PtBr,
        organization: None,
        can_open_tickets: false,
        departments: Vec::new(),
        can_edit_articles: false,
        away: false,
    }
}

fn customer() -> CurrentUser {
    CurrentUser {
        role: Role::Customer,
        organization: Some(OrganizationRef {
            id: 3,
            name: "Acme".into(),
            plan: Plan::Plus,
            shares_tickets: false,
        }),
        can_open_tickets: true,
        ..agent()
    }
}

/// Query strings built from the list's own parameter names and values near the valid ones,
/// percent-escapes, separators and arbitrary text.
fn query_string() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "status",
        "priority",
        "department_id",
        "type",
        "assignee",
        "organization_id",
        "escalated",
        "sla_risk",
        "tag",
        "q",
        "sort",
        "limit",
        "cursor",
        "unknown",
    ]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "open",
            "answered,closed",
            "critical",
            "me",
            "none",
            "-updated_at",
            "sla_due",
            "-priority",
            "true",
            "false",
            "0",
            "-1",
            "101",
            "9223372036854775808",
            "%00",
            "%FF",
            "%E2%80%AE",
            "eyJ0IjpbXX0",
            "TKT-000042",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,40}",
        "[%&=+,;a-zA-Z0-9-]{0,40}",
    ];
    prop::collection::vec((name, value), 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

proptest! {
    #[test]
    fn fuzz_ticket_list_query_strings_parse_or_refuse(raw in query_string()) {
        if let Ok(query) = serde_urlencoded::from_str::<TicketListQuery>(&raw) {
            for user in [agent(), customer()] {
                match query.clone().parse(&user) {
                    Ok((_, _, _, limit)) => prop_assert!((1..=100).contains(&limit)),
                    Err(crate::error::AppError::Validation { errors }) => prop_assert!(!errors.is_empty()),
                    Err(other) => prop_assert!(false, "unexpected {other:?}"),
                }
            }
        }
    }

    #[test]
    fn fuzz_markdown_never_carries_script(text in "\\PC{0,300}", tag in prop::sample::select(vec![
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
        "<iframe src=//evil>", "<a href=\"javascript:x\">y</a>", "<style>*{}</style>",
    ])) {
        let html = markdown::to_safe_html(&format!("{text}\n\n{tag}\n\n{text}")).to_lowercase();
        prop_assert!(!html.contains("<script"));
        prop_assert!(!html.contains("onerror"));
        prop_assert!(!html.contains("javascript:"));
        prop_assert!(!html.contains("<iframe"));
        prop_assert!(!html.contains("<style"));
        let _ = markdown::to_text(&text);
    }

    #[test]
    fn fuzz_front_matter_parses_or_explains(
        slug in "[a-z0-9-]{0,20}|\\PC{0,20}",
        lang in prop::sample::select(vec!["pt-BR", "en", "fr", ""]),
        extra in "\\PC{0,80}",
        body in "\\PC{0,200}",
    ) {
        let text = format!("---\nslug: {slug}\nlang: {lang}\ntitle: Título\n{extra}\n---\n{body}");
        match kb::parse_article(std::path::Path::new("x.md"), &text, chrono::Utc::now()) {
            Ok(article) => prop_assert!(kb::slug_is_valid(&article.slug)),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn fuzz_csv_cells_read_back_and_never_run(cells in prop::collection::vec("\\PC{0,30}|[=+@\\t\\r-]\\PC{0,10}", 1..6)) {
        for language in [Language::PtBr, Language::En] {
            let mut sheet = spreadsheet::Sheet::new(language);
            sheet
                .row(cells.iter().cloned().map(spreadsheet::Cell::Typed))
                .expect("row");
            let text = sheet.finish().expect("sheet");
            let text = text.trim_start_matches('\u{feff}');
            let delimiter = if language == Language::PtBr { b';' } else { b',' };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(delimiter)
                .from_reader(text.as_bytes());
            let record = reader.records().next().expect("a record").expect("readable");
            prop_assert_eq!(record.len(), cells.len());
            for (read, written) in record.iter().zip(&cells) {
                prop_assert_eq!(read, spreadsheet::neutralised(written));
                prop_assert!(!read.starts_with(['=', '+', '-', '@', '\t', '\r']));
            }
        }
    }

    #[test]
    fn fuzz_accept_language_always_picks_a_supported_language(
        header in "\\PC{0,60}|([a-zA-Z*-]{1,10}(;q=[0-9.]{0,5})?, ?){0,6}",
    ) {
        let picked = Language::negotiate(&header);
        prop_assert!(matches!(picked, Language::PtBr | Language::En));
    }
}
