//! Ticket text search (`q`) on the databases' full-text engines (issue 20): scope, internal
//! notes, accents, ticket numbers, phrases, merges; and the same tickets, in the same order, as
//! the substring scan it replaced, whichever way the index is read.

use reqwest::Method;
use serde_json::{json, Value};

use app::backend::db::ticket_text::{TextSearch, FEW_MATCHES};
use app::backend::db::tickets::ListFilter;
use app::backend::services::tickets::list_tickets;
use app::domain::ListSort;

use crate::helpers::*;

async fn open_with(browser: &Browser, subject: &str, message: &str) -> String {
    open_question(browser, "low", subject, message).await
}

/// The ids a search lists for this person.
async fn found(browser: &Browser, q: &str) -> Vec<String> {
    let response = browser
        .get(&format!("/api/v1/tickets?limit=100&q={}", urlencode(q)))
        .await;
    assert_eq!(response.status(), 200, "{q}");
    let page: Value = response.json().await.unwrap();
    listed_ids(&page)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_search_keeps_scope_notes_accents_numbers_and_phrases() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let lead = app.signed_in("lider@chamado.local").await;
    let mine = open_with(
        &diego,
        "Exportação do relatório xilofônico trava",
        "Ao gerar a planilha aparece o erro 5071.",
    )
    .await;
    let other = open_with(&fabio, "Relatório xilofônico de março", "Segunda via.").await;
    for (body, internal) in [
        ("Cliente usa o módulo antigo zebrafuso.", true),
        ("Pode testar a versão plumbágica amanhã?", false),
    ] {
        let (status, message) = lead
            .call(
                Method::POST,
                &format!("/api/v1/tickets/{mine}/messages"),
                Some(json!({"body": body, "internal": internal})),
            )
            .await;
        assert_eq!(status, 201, "{message}");
    }

    // Accents and case are folded both ways; a reply's words are found as soon as it is sent.
    for q in [
        "xilofonico",
        "XILOFÔNICO",
        "plumbagica",
        "Plumbágica",
        "erro 5071",
    ] {
        assert_eq!(found(&diego, q).await, vec![mine.clone()], "{q}");
    }
    // Scope: another organization's text is never matched, nor its ticket by number.
    assert_eq!(
        found(&diego, "relatório xilofônico").await,
        vec![mine.clone()]
    );
    assert_eq!(
        found(&fabio, "relatório xilofônico").await,
        vec![other.clone()]
    );
    assert!(found(&fabio, "plumbágica").await.is_empty());
    assert!(found(&fabio, &mine).await.is_empty());
    // Internal notes: staff find their words, customers never do.
    assert!(found(&diego, "zebrafuso").await.is_empty());
    assert_eq!(found(&lead, "zebrafuso").await, vec![mine.clone()]);
    // Ticket numbers, with or without the prefix.
    let number = mine.trim_start_matches("TKT-").trim_start_matches('0');
    for q in [mine.as_str(), number] {
        assert!(found(&diego, q).await.contains(&mine), "{q}");
    }
    // Phrases: the words in that order, next to each other.
    assert_eq!(
        found(&diego, "\"relatório xilofônico\"").await,
        vec![mine.clone()]
    );
    assert!(found(&diego, "\"xilofônico relatório\"").await.is_empty());
    // Every word must occur; what is not a word is not looked for.
    assert!(found(&diego, "xilofônico zebrafuso").await.is_empty());
    assert!(found(&diego, "%").await.is_empty());

    // A merge moves the duplicate's messages, and its words with them.
    let duplicate = open_with(&diego, "Outro assunto", "Palavra unica: quimerita.").await;
    assert_eq!(found(&diego, "quimerita").await, vec![duplicate.clone()]);
    let (status, merged) = lead
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{duplicate}/merge"),
            Some(json!({"into": mine})),
        )
        .await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(found(&diego, "quimerita").await, vec![mine.clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_finds_what_the_scan_found_in_the_same_order_after_a_bulk_load() {
    let app = demo_app().await;
    // Every generated ticket's message says "Protocolo <n>": more matches than FEW_MATCHES, so
    // SQLite reads the list in order and looks each row up in the set of matches; "boleto" (one
    // subject in ten) has fewer, so the matching tickets are read first; and the third way
    // (past MANY_MATCHES, too many to load here: each row checked against the index) is
    // forced.
    let tickets = FEW_MATCHES + 500;
    app::backend::bench_data::generate(&app.db, tickets, chrono::Utc::now())
        .await
        .unwrap();
    let admin_id = app.user_id("admin@chamado.local").await;
    let diego_id = app.user_id("diego@acme.com.br").await;
    let mut c = app.db.acquire().await.unwrap();
    let admin = app::backend::services::auth::current_user(c.conn(), admin_id)
        .await
        .unwrap()
        .unwrap();
    let diego = app::backend::services::auth::current_user(c.conn(), diego_id)
        .await
        .unwrap()
        .unwrap();
    // The counters the load kept (rebuilt after each batch on PostgreSQL) are the counts.
    {
        use app::backend::db::tickets::{stats, stats_by_count};
        use app::backend::db::workspace::{queue_counts, queue_counts_by_count};
        for user in [&admin, &diego] {
            let scope = app::domain::TicketScope::of(user);
            assert_eq!(
                stats(c.conn(), &scope).await.unwrap(),
                stats_by_count(c.conn(), &scope).await.unwrap()
            );
        }
        // Queues are support's.
        let scope = app::domain::TicketScope::of(&admin);
        assert_eq!(
            queue_counts(c.conn(), &scope, admin_id).await.unwrap(),
            queue_counts_by_count(c.conn(), &scope, admin_id)
                .await
                .unwrap()
        );
    }
    drop(c);
    let like = app.db.clone().with_text_search(TextSearch::Like);
    let index = app.db.clone().with_text_search(TextSearch::FullText);
    let row_by_row = app
        .db
        .clone()
        .with_text_search(TextSearch::FullTextRowByRow);
    for user in [&admin, &diego] {
        for q in ["protocolo", "boleto", "whatsapp", "protocolo 10007"] {
            for sort in [ListSort::UpdatedDesc, ListSort::PriorityDesc] {
                let filter = ListFilter {
                    query: Some(q.to_owned()),
                    ..ListFilter::default()
                };
                let ids = |db| {
                    let page = list_tickets(db, user, filter.clone(), sort, None, 100);
                    async { page.await.unwrap().items.into_iter().map(|t| t.id) }
                };
                let expected: Vec<String> = ids(&like).await.collect();
                // One ticket has that number: maybe not one of Diego's organization.
                assert!(!expected.is_empty() || q.contains(' '), "{q}");
                for db in [&index, &row_by_row] {
                    let got: Vec<String> = ids(db).await.collect();
                    assert_eq!(got, expected, "{q} {sort:?} {:?}", user.role);
                }
            }
        }
    }
}
