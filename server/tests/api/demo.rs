use app::backend::db::{articles, tickets, users};
use app::backend::demo::{self, DemoOutcome, DEMO_TICKETS, DEMO_USERS};
use app::backend::Db;
use chrono::Utc;

use crate::helpers::{fresh_database, global_options, TestDb};

/// A fresh database with the demo data loaded (drop the first to drop the database).
async fn demo_database() -> (TestDb, Db) {
    let test_db = fresh_database().await;
    let db = server::startup::open_database(&global_options(&test_db))
        .await
        .unwrap();
    demo::load(&db, Utc::now()).await.unwrap();
    (test_db, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_fills_an_empty_database_once() {
    // Arrange
    let test_db = fresh_database().await;
    let db = server::startup::open_database(&global_options(&test_db))
        .await
        .unwrap();

    // Act
    let first = demo::load(&db, Utc::now()).await.unwrap();
    let second = demo::load(&db, Utc::now()).await.unwrap();

    // Assert
    assert_eq!(
        first,
        DemoOutcome::Loaded {
            users: DEMO_USERS.len(),
            tickets: DEMO_TICKETS,
            articles: 90
        }
    );
    assert_eq!(second, DemoOutcome::SkippedNotEmpty);
    let mut c = db.acquire().await.unwrap();
    assert_eq!(
        users::count(c.conn()).await.unwrap(),
        DEMO_USERS.len() as i64
    );
    assert_eq!(tickets::count(c.conn()).await.unwrap(), DEMO_TICKETS as i64);
    assert_eq!(articles::count(c.conn()).await.unwrap(), 90);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_tickets_cover_every_status() {
    let (_test_db, db) = demo_database().await;
    let mut c = db.acquire().await.unwrap();
    let by_status = tickets::count_by_status(c.conn()).await.unwrap();
    let statuses: Vec<&str> = by_status.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(statuses, ["answered", "closed", "open"]);
    assert!(by_status.iter().all(|(_, n)| *n >= 5), "{by_status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_accounts_have_the_documented_roles_and_rights() {
    let (_test_db, db) = demo_database().await;
    let mut c = db.acquire().await.unwrap();
    let elisa = users::find_by_email(c.conn(), "elisa@acme.com.br")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (elisa.role.as_str(), elisa.can_open_tickets),
        ("customer", false)
    );
    let diego = users::find_by_email(c.conn(), "diego@acme.com.br")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (diego.role.as_str(), diego.can_open_tickets),
        ("customer", true)
    );
    let ana = users::find_by_email(c.conn(), "ana@chamado.local")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((ana.role.as_str(), ana.organization_id), ("agent", None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kb_import_is_idempotent_by_slug() {
    let test_db = fresh_database().await;
    let db = server::startup::open_database(&global_options(&test_db))
        .await
        .unwrap();
    let corpus = demo::demo_articles(Utc::now()).unwrap();
    let first = app::backend::services::help_center::import_articles(&db, &corpus)
        .await
        .unwrap();
    let again = app::backend::services::help_center::import_articles(&db, &corpus)
        .await
        .unwrap();
    assert_eq!(first.translations_linked, 12);
    assert_eq!(first, again);
    let mut c = db.acquire().await.unwrap();
    assert_eq!(articles::count(c.conn()).await.unwrap(), 90);
}
