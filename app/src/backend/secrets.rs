//! Random secrets (API tokens, link tokens) and the hashes stored in their place.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe base64 (43 characters), with a readable prefix.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256, lowercase hex. Secrets are random and long, so a fast hash is enough: nobody can
/// guess their way to one, and a leaked table reveals no usable token.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_distinct_and_prefixed() {
        let a = generate("chm_");
        let b = generate("chm_");
        assert!(a.starts_with("chm_") && a.len() == 4 + 43);
        assert_ne!(a, b);
    }

    #[test]
    fn hashes_are_stable_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(hash("abc"), hash("abd"));
    }
}
