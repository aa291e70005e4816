//! What the durable job queue adds to a request that enqueues (issue 17): the same writing
//! transaction (the writers' lock, a ticket-history row, commit) with and without the notice a
//! change enqueues, interleaved, on a fresh database with the demo data. Reports each variant's
//! p50/p99 and the difference. Run by `bench/queue_cost.sh`.
//!
//! `cargo run --release -p server --example queue_cost -- DATABASE_URL [ROUNDS=2000]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use app::backend::db::{tickets, PoolSettings};
use app::backend::events::begin_write;
use app::backend::mail::notices::{self, Notice};
use app::backend::Db;
use app::domain::HistoryField;
use chrono::Utc;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn one(db: &Db, ticket: i64, with_notice: bool) -> Duration {
    let started = Instant::now();
    let now = Utc::now();
    let mut tx = begin_write(db).await.unwrap();
    tickets::insert_history(
        tx.conn(),
        ticket,
        None,
        HistoryField::Tags,
        None,
        Some("medida"),
        now,
    )
    .await
    .unwrap();
    if with_notice {
        let notice = Notice::Reopened {
            ticket_id: ticket,
            actor_id: 1,
        };
        notices::enqueue(tx.conn(), &notice, now).await.unwrap();
    }
    tx.commit().await.unwrap();
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        eprintln!("usage: queue_cost DATABASE_URL [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(2000);
    let db = Db::connect(url, PoolSettings::default()).await.unwrap();
    db.migrate().await.unwrap();
    app::backend::demo::load(&db, Utc::now()).await.unwrap();
    let (mut without, mut with) = (Vec::new(), Vec::new());
    // Warm up, then alternate so both variants see the same database and the same moments.
    for i in 0..200 {
        one(&db, 1 + (i % 40), i % 2 == 0).await;
    }
    for i in 0..rounds {
        let ticket = 1 + (i as i64 % 40);
        without.push(one(&db, ticket, false).await);
        with.push(one(&db, ticket, true).await);
    }
    without.sort();
    with.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let backend = url.split(':').next().unwrap_or_default();
    println!(
        "| {backend} | {rounds} | {:.3} / {:.3} ms | {:.3} / {:.3} ms | {:+.3} / {:+.3} ms |",
        ms(percentile(&without, 50.0)),
        ms(percentile(&without, 99.0)),
        ms(percentile(&with, 50.0)),
        ms(percentile(&with, 99.0)),
        ms(percentile(&with, 50.0)) - ms(percentile(&without, 50.0)),
        ms(percentile(&with, 99.0)) - ms(percentile(&without, 99.0)),
    );
}
