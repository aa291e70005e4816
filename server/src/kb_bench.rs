//! `chamado kb bench`: the help-center speed benchmark of issue 6, in process. A scratch
//! SQLite database gets the demo data and a corpus of articles (the folder's and variants of
//! them); the index is built as the server builds it; then every labelled query runs through
//! the search and the new-ticket suggestions (as a demo customer, similar tickets included),
//! and articles are published and timed until the search finds them. Times are server-side:
//! the service call, without HTTP.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;

use app::backend::kb::KbArticle;
use app::backend::search::SearchIndex;
use app::backend::search_eval::LabelledQuery;
use app::backend::services::{auth, help_center};
use app::domain::{ArticleDraft, Language};

use crate::config::GlobalOptions;
use crate::startup::open_database;

fn describe(e: app::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1000.0
    };
    println!(
        "{label:<12} {:>6} calls  p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
        samples.len(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}

pub async fn run(
    options: &GlobalOptions,
    corpus: &[KbArticle],
    queries: &[LabelledQuery],
    rounds: usize,
) -> anyhow::Result<()> {
    anyhow::ensure!(!queries.is_empty(), "no queries");
    let db = open_database(options).await?;
    app::backend::demo::load(&db, Utc::now())
        .await
        .map_err(describe)?;
    let started = Instant::now();
    help_center::import_articles(&db, corpus)
        .await
        .map_err(describe)?;
    let articles = {
        let mut c = db.acquire().await?;
        app::backend::db::articles::count(c.conn()).await?
    };
    println!(
        "{articles} articles imported in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let index = SearchIndex::new()?;
    let mut mark = help_center::SearchMark::default();
    let started = Instant::now();
    help_center::sync_search(&db, &index, &mut mark)
        .await
        .map_err(describe)?;
    println!(
        "index built from the table in {:.1} s ({} documents)",
        started.elapsed().as_secs_f64(),
        index.len()
    );

    let lang = |q: &LabelledQuery| Language::from_tag(&q.lang).unwrap_or_default();
    // One round to warm caches, then the measured rounds.
    for q in queries {
        help_center::search(&index, &q.q, lang(q), 5).map_err(describe)?;
    }
    let mut samples = Vec::with_capacity(rounds * queries.len());
    let mut answered = 0usize;
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            let hits = help_center::search(&index, &q.q, lang(q), 5).map_err(describe)?;
            samples.push(t.elapsed());
            answered += usize::from(!hits.items.is_empty());
        }
    }
    report("search", samples);
    println!(
        "             {:.0} % of the searches showed at least one article",
        100.0 * answered as f64 / (rounds * queries.len()) as f64
    );

    let user = |email: &'static str| {
        let db = db.clone();
        async move {
            let mut c = db.acquire().await?;
            let id = app::backend::db::users::find_by_email(c.conn(), email)
                .await?
                .with_context(|| format!("no demo user {email}"))?
                .id;
            auth::current_user(c.conn(), id)
                .await
                .map_err(describe)?
                .context("inactive demo user")
        }
    };
    let customer = user("carla@acme.com.br").await?;
    let mut samples = Vec::with_capacity(rounds * queries.len());
    let mut similar = 0usize;
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            let s =
                help_center::suggestions(&db, &index, &customer, &q.q, lang(q), None, Utc::now())
                    .await
                    .map_err(describe)?;
            samples.push(t.elapsed());
            similar += s.similar_tickets.len();
        }
    }
    report("suggestions", samples);
    println!(
        "             {similar} similar tickets suggested in all (customer carla@acme.com.br)"
    );

    // Publishing: the article is written, then one catch-up of the index (what every
    // instance runs every 0.5 s) makes it searchable.
    let author = user("admin@chamado.local").await?;
    let mut samples = Vec::new();
    for i in 0..5 {
        let word = format!("medicao{i}publicada");
        let draft = ArticleDraft {
            title: format!("Artigo de medição {i}"),
            lang: Language::PtBr,
            category: "suporte".into(),
            body_markdown: format!("Este artigo existe para medir a publicação: {word}."),
            published: true,
            ..ArticleDraft::default()
        };
        help_center::save_article(&db, &author, None, draft, Utc::now())
            .await
            .map_err(describe)?;
        let t = Instant::now();
        help_center::sync_search(&db, &index, &mut mark)
            .await
            .map_err(describe)?;
        let found = !help_center::search(&index, &word, Language::PtBr, 5)
            .map_err(describe)?
            .items
            .is_empty();
        samples.push(t.elapsed());
        anyhow::ensure!(
            found,
            "a published article was not found after the catch-up"
        );
    }
    report("index update", samples);
    println!(
        "             a published article is searchable at most {} ms (catch-up interval) plus \
         the catch-up above after its commit",
        crate::startup::SEARCH_SYNC_INTERVAL.as_millis()
    );
    db.close().await;
    Ok(())
}
