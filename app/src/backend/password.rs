//! Password hashing with argon2id (RustCrypto `argon2`), run off the async runtime.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// Hashes a password into a PHC string (`$argon2id$v=19$...`), on a blocking thread.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

/// Checks a password against a stored PHC string, on a blocking thread.
/// A malformed stored hash never matches.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    Ok(tokio::task::spawn_blocking(move || verify_blocking(&password, &stored)).await?)
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

    #[test]
    fn the_stored_hash_is_not_a_password() {
        let stored = hash_blocking("chamado-demo-1").unwrap();
        assert!(!verify_blocking(&stored, &stored));
        assert!(!verify_blocking("anything", "not a phc string"));
    }
}
