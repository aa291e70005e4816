//! The durable job queue: work that must happen after a change commits (an e-mail to send,
//! later a webhook to call), in the database of either backend.
//!
//! - [`enqueue`] writes a job in the caller's transaction: if the change rolls back, so does the
//!   job; once it commits, the job will run even if the process dies the next instant.
//! - [`claim`] takes the oldest due job for a lease: on PostgreSQL with `FOR UPDATE SKIP LOCKED`,
//!   so several instances share the work without taking the same job; on SQLite the claim is one
//!   write transaction. A worker that dies mid-job loses its lease and the job is claimed again.
//! - [`finish`] marks it done; [`fail`] schedules the next attempt after an exponential back-off
//!   ([`retry_delay`]) or, after [`MAX_ATTEMPTS`], marks it dead with the reason.

use chrono::{DateTime, Duration, Utc};

use crate::backend::db::Conn;
use crate::backend::Db;
use crate::on_conn;

/// Attempts before a job is dead.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a claimed job is reserved for its worker.
pub const LEASE: Duration = Duration::minutes(5);

/// One job as claimed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Including this one.
    pub attempts: i64,
}

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub run_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// Writes a job to run from `now`, in the caller's transaction.
pub async fn enqueue(
    c: Conn<'_>,
    kind: &str,
    payload: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    const SQL: &str =
        "INSERT INTO jobs (kind, payload, state, attempts, run_at, created_at, updated_at) \
                       VALUES ($1, $2, 'queued', 0, $3, $3, $3) RETURNING id";
    let payload = payload.to_string();
    on_conn!(c, conn => sqlx::query_scalar(SQL).bind(kind).bind(&payload).bind(now).fetch_one(&mut *conn).await)
}

/// Takes the oldest due job of one of `kinds` (queued and due, or running with an expired lease)
/// for [`LEASE`], counting the attempt.
pub async fn claim(
    db: &Db,
    kinds: &[&str],
    now: DateTime<Utc>,
) -> Result<Option<Job>, sqlx::Error> {
    Ok(claim_batch(db, kinds, now, 1).await?.pop())
}

/// [`claim`] for up to `limit` jobs at once, oldest first (one write instead of one per job).
/// The caller must be done with all of them within the [`LEASE`].
pub async fn claim_batch(
    db: &Db,
    kinds: &[&str],
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Job>, sqlx::Error> {
    let kinds = serde_json::to_string(kinds).unwrap_or_else(|_| "[]".to_owned());
    let mut tx = db.begin().await?;
    // A job whose worker died during its last allowed attempt is dead, not retried forever.
    const EXHAUSTED: &str = "UPDATE jobs SET state = 'dead', locked_until = NULL, updated_at = $1, \
                             last_error = COALESCE(last_error, 'the worker stopped during every attempt') \
                             WHERE state = 'running' AND locked_until < $1 AND attempts >= $2";
    on_conn!(tx.conn(), conn => sqlx::query(EXHAUSTED).bind(now).bind(MAX_ATTEMPTS).execute(&mut *conn).await.map(|_| ()))?;
    // The same statement on both backends but for how the kinds arrive (a JSON array) and the
    // row lock that lets several PostgreSQL instances claim at once.
    let (kinds_of, lock) = match tx.conn() {
        Conn::Sqlite(_) => ("SELECT value FROM json_each($3)", ""),
        Conn::Postgres(_) => (
            "SELECT jsonb_array_elements_text($3::jsonb)",
            "FOR UPDATE SKIP LOCKED",
        ),
    };
    let sql = format!(
        r#"UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $2,
                  updated_at = $1
           WHERE id IN (SELECT id FROM jobs
                        WHERE kind IN ({kinds_of})
                          AND ((state = 'queued' AND run_at <= $1)
                               OR (state = 'running' AND locked_until < $1))
                        ORDER BY run_at, id LIMIT $4 {lock})
           RETURNING id, kind, payload, attempts"#
    );
    let mut jobs: Vec<Job> = on_conn!(tx.conn(), conn => sqlx::query_as(&sql)
        .bind(now)
        .bind(now + LEASE)
        .bind(&kinds)
        .bind(limit.max(1))
        .fetch_all(&mut *conn)
        .await)?;
    tx.commit().await?;
    jobs.sort_by_key(|j| j.id);
    Ok(jobs)
}

/// The job is done. Only the attempt that holds the job may say so: after its lease ran out
/// and another worker claimed the job, this changes nothing (returns `false`). The payload is
/// cleared: what the job did is recorded where it belongs, and a payload may hold a secret
/// (an invitation link).
pub async fn finish(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut c = db.acquire().await?;
    finish_in(c.conn(), job, now).await
}

/// [`finish`] inside the caller's transaction, so that what the job wrote and its being done
/// commit together.
pub async fn finish_in(c: Conn<'_>, job: &Job, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    const SQL: &str = "UPDATE jobs SET state = 'done', locked_until = NULL, last_error = NULL, \
                       payload = '{}', updated_at = $2 \
                       WHERE id = $1 AND state = 'running' AND attempts = $3";
    on_conn!(c, conn => sqlx::query(SQL).bind(job.id).bind(now).bind(job.attempts).execute(&mut *conn).await.map(|r| r.rows_affected() == 1))
}

/// How long after its `attempts`-th failure a job is tried again: 30 s, doubling each time, at
/// most 6 hours.
pub fn retry_delay(attempts: i64) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    (Duration::seconds(30) * 2_i32.pow(doublings as u32)).min(Duration::hours(6))
}

/// The attempt failed with `error`: the job runs again after [`retry_delay`], or is dead after
/// [`MAX_ATTEMPTS`]. Returns whether it is dead.
pub async fn fail(
    db: &Db,
    job: &Job,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut c = db.acquire().await?;
    fail_in(c.conn(), job, error, now).await
}

/// [`fail`] inside the caller's transaction.
pub async fn fail_in(
    c: Conn<'_>,
    job: &Job,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let dead = job.attempts >= MAX_ATTEMPTS;
    let state = if dead { "dead" } else { "queued" };
    let error: String = error.chars().take(2000).collect();
    const SQL: &str = "UPDATE jobs SET state = $2, run_at = $3, locked_until = NULL, \
                       last_error = $4, updated_at = $5 \
                       WHERE id = $1 AND state = 'running' AND attempts = $6";
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(job.id)
        .bind(state)
        .bind(now + retry_delay(job.attempts))
        .bind(&error)
        .bind(now)
        .bind(job.attempts)
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    Ok(dead)
}

/// How long finished jobs stay (dead ones, with their reason, stay four times as long).
pub const RETENTION: Duration = Duration::days(7);

/// Deletes at most `limit` jobs that finished before `before` (dead ones before four times as
/// long ago); housekeeping calls it until it deletes fewer.
pub async fn prune(c: Conn<'_>, now: DateTime<Utc>, limit: i64) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs \
                       WHERE (state = 'done' AND updated_at < $1) OR (state = 'dead' AND updated_at < $2) \
                       ORDER BY id LIMIT $3)";
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(now - RETENTION)
        .bind(now - RETENTION * 4)
        .bind(limit)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))
}

/// A job as it stands (for admins' views and tests).
pub async fn find(c: Conn<'_>, id: i64) -> Result<Option<JobRow>, sqlx::Error> {
    const SQL: &str =
        "SELECT id, kind, state, attempts, run_at, last_error FROM jobs WHERE id = $1";
    on_conn!(c, conn => sqlx::query_as(SQL).bind(id).fetch_optional(&mut *conn).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_six_hours() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(5), Duration::seconds(480));
        assert_eq!(retry_delay(12), Duration::hours(6));
        assert_eq!(retry_delay(1000), Duration::hours(6));
    }
}
