//! The durable job queue (issue 17's delivery that loses nothing), on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use serde_json::json;

use app::backend::jobs::{self, Job, LEASE, MAX_ATTEMPTS};

use crate::helpers::spawn_app;

const KIND: &str = "test";

/// A committed job of the test kind, due at `now`.
async fn one_job(app: &crate::helpers::TestApp, now: chrono::DateTime<Utc>) -> i64 {
    let mut tx = app.db.begin().await.unwrap();
    let id = jobs::enqueue(tx.conn(), KIND, &json!({}), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_exists_only_if_its_change_committed_and_runs_once() {
    let app = spawn_app().await;
    let now = Utc::now();
    {
        let mut tx = app.db.begin().await.unwrap();
        jobs::enqueue(tx.conn(), KIND, &json!({"n": 1}), now)
            .await
            .unwrap();
        // Dropped without commit: the change and its job are gone together.
    }
    assert_eq!(jobs::claim(&app.db, &[KIND], now).await.unwrap(), None);
    let mut tx = app.db.begin().await.unwrap();
    let id = jobs::enqueue(tx.conn(), KIND, &json!({"n": 2}), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Only the kinds a worker asks for.
    assert_eq!(jobs::claim(&app.db, &["other"], now).await.unwrap(), None);
    let job = jobs::claim(&app.db, &[KIND], now)
        .await
        .unwrap()
        .expect("claimed");
    assert_eq!((job.id, job.attempts), (id, 1));
    assert_eq!(job.payload, r#"{"n":2}"#);
    assert_eq!(
        jobs::claim(&app.db, &[KIND], now).await.unwrap(),
        None,
        "leased"
    );
    assert!(jobs::finish(&app.db, &job, now).await.unwrap());
    let later = now + LEASE + Duration::minutes(1);
    assert_eq!(
        jobs::claim(&app.db, &[KIND], later).await.unwrap(),
        None,
        "done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_workers_never_take_the_same_job() {
    let app = spawn_app().await;
    let now = Utc::now();
    let mut tx = app.db.begin().await.unwrap();
    for n in 0..60 {
        jobs::enqueue(tx.conn(), KIND, &json!({ "n": n }), now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let workers = (0..8).map(|_| {
        let db = app.db.clone();
        tokio::spawn(async move {
            let mut taken = Vec::new();
            while let Some(job) = jobs::claim(&db, &[KIND], now).await.unwrap() {
                taken.push(job.id);
            }
            taken
        })
    });
    let mut all: Vec<i64> = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    all.sort_unstable();
    let claimed = all.len();
    all.dedup();
    assert_eq!((claimed, all.len()), (60, 60), "each job exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_backs_off_then_dies_with_its_reason() {
    let app = spawn_app().await;
    let mut now = Utc::now();
    let id = one_job(&app, now).await;
    for attempt in 1..=MAX_ATTEMPTS {
        let job: Job = jobs::claim(&app.db, &[KIND], now)
            .await
            .unwrap()
            .expect("due");
        assert_eq!(job.attempts, attempt);
        let dead = jobs::fail(
            &app.db,
            &job,
            &format!("550 mailbox {attempt} unavailable"),
            now,
        )
        .await
        .unwrap();
        assert_eq!(dead, attempt == MAX_ATTEMPTS);
        if !dead {
            // Not before the back-off has passed.
            let delay = jobs::retry_delay(attempt);
            assert_eq!(
                jobs::claim(&app.db, &[KIND], now + delay - Duration::seconds(1))
                    .await
                    .unwrap(),
                None
            );
            now += delay;
        }
    }
    let mut c = app.db.acquire().await.unwrap();
    let row = jobs::find(c.conn(), id).await.unwrap().expect("kept");
    assert_eq!(row.state, "dead");
    assert_eq!(row.attempts, MAX_ATTEMPTS);
    assert_eq!(
        row.last_error.as_deref(),
        Some(format!("550 mailbox {MAX_ATTEMPTS} unavailable").as_str())
    );
    drop(c);
    let much_later = now + Duration::days(30);
    assert_eq!(
        jobs::claim(&app.db, &[KIND], much_later).await.unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_worker_died_is_taken_up_again_after_its_lease() {
    let app = spawn_app().await;
    let now = Utc::now();
    let id = one_job(&app, now).await;
    let first = jobs::claim(&app.db, &[KIND], now)
        .await
        .unwrap()
        .expect("claimed");
    // The worker dies (kill -9): nothing finishes or fails the job.
    assert_eq!(
        jobs::claim(&app.db, &[KIND], now + LEASE - Duration::seconds(1))
            .await
            .unwrap(),
        None
    );
    let again = jobs::claim(&app.db, &[KIND], now + LEASE + Duration::seconds(1))
        .await
        .unwrap()
        .expect("reclaimed");
    assert_eq!((first.id, again.id, again.attempts), (id, id, 2));
    // The first worker comes back late: it no longer holds the job and changes nothing.
    let later = now + LEASE + Duration::seconds(2);
    assert!(!jobs::finish(&app.db, &first, later).await.unwrap());
    jobs::fail(&app.db, &first, "late", later).await.unwrap();
    assert!(jobs::finish(&app.db, &again, later).await.unwrap());
    let mut c = app.db.acquire().await.unwrap();
    assert_eq!(
        jobs::find(c.conn(), id).await.unwrap().unwrap().state,
        "done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_claims_the_oldest_due_jobs_once_each() {
    let app = spawn_app().await;
    let now = Utc::now();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(one_job(&app, now).await);
    }
    let first = jobs::claim_batch(&app.db, &[KIND], now, 3).await.unwrap();
    assert_eq!(first.iter().map(|j| j.id).collect::<Vec<_>>(), ids[..3]);
    assert!(first.iter().all(|j| j.attempts == 1));
    let second = jobs::claim_batch(&app.db, &[KIND], now, 3).await.unwrap();
    assert_eq!(second.iter().map(|j| j.id).collect::<Vec<_>>(), ids[3..]);
    assert!(jobs::claim_batch(&app.db, &[KIND], now, 3)
        .await
        .unwrap()
        .is_empty());
}
