//! Password hashing with argon2id (RustCrypto `argon2`), run off the async runtime, at most
//! [`hashes_in_flight`] at a time.
//!
//! Each hash takes tens of milliseconds of CPU and ~19 MiB of memory: unbounded, a hundred
//! concurrent requests (made-up reset links, wrong passwords) take a gigabyte and every core.
//! The bound is the machine's, so it is process-wide; a request that waits longer than
//! [`WAIT_FOR_HASHING`] for its turn answers 503 with `Retry-After` and changes nothing.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tokio::sync::Semaphore;

use crate::error::AppError;

/// How long a request waits for a free hashing slot before it is turned away.
pub const WAIT_FOR_HASHING: Duration = Duration::from_secs(2);

/// How many hashes may run at once: half the cores (argon2 is CPU-bound; the other half keeps
/// answering everything else), at least one.
pub fn hashes_in_flight() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .div_ceil(2)
        .max(1)
}

static HASHING: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(hashes_in_flight())));

/// Verified against when there is no stored hash (unknown account), so that it costs the same.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("chamado: not a password").unwrap_or_default());

/// Runs `work` on a blocking thread once a hashing slot is free.
async fn with_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = tokio::time::timeout(WAIT_FOR_HASHING, HASHING.clone().acquire_owned())
        .await
        .map_err(|_| {
            tracing::warn!("password hashing at capacity: request turned away");
            AppError::Unavailable {
                retry_after_seconds: 2,
            }
        })?
        .map_err(|e| AppError::from(anyhow::Error::from(e)))?;
    // The permit goes with the hash: a request dropped meanwhile (the client went away) does not
    // free the slot while its hash still runs.
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(|e| AppError::from(anyhow::Error::from(e)))
}

/// Hashes a password into a PHC string (`$argon2id$v=19$...`).
pub async fn hash(password: String) -> Result<String, AppError> {
    with_slot(move || hash_blocking(&password))
        .await?
        .map_err(AppError::from)
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

/// Checks a password against a stored PHC string. With no stored hash (no such account, no
/// password yet) a dummy one is checked, so that the answer takes as long, and is `false`.
/// A malformed stored hash never matches.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    with_slot(move || match stored {
        Some(stored) => verify_blocking(&password, &stored),
        None => {
            verify_blocking(&password, &DUMMY_HASH);
            false
        }
    })
    .await
}

pub fn verify_blocking(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash_blocking("chamado-demo-1").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_blocking("chamado-demo-1", &stored));
        assert!(!verify_blocking("chamado-demo-2", &stored));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_waits_for_a_slot_and_turns_away_past_the_wait() {
        // Hold every slot: a hash waits, then answers 503 (not a queue that grows forever).
        let held = HASHING
            .acquire_many(hashes_in_flight() as u32)
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let refused = hash("chamado-demo-1".to_owned()).await;
        assert!(
            matches!(refused, Err(AppError::Unavailable { .. })),
            "{refused:?}"
        );
        assert!(started.elapsed() >= WAIT_FOR_HASHING);
        drop(held);
        let stored = hash("chamado-demo-1".to_owned()).await.unwrap();
        assert!(verify("chamado-demo-1".to_owned(), Some(stored))
            .await
            .unwrap());
        assert!(!verify("chamado-demo-1".to_owned(), None).await.unwrap());
    }

    #[test]
    fn the_stored_hash_is_not_a_password() {
        let stored = hash_blocking("chamado-demo-1").unwrap();
        assert!(!verify_blocking(&stored, &stored));
        assert!(!verify_blocking("anything", "not a phc string"));
    }
}
