//! Secrets handed to people (private ticket links, session cookies, the setup link):
//! 128 random bits, base64url, and only their SHA-256 kept on disk.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A fresh random token (22 base64url characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `token` is the one whose hash is `stored`, in constant time.
pub fn token_matches(token: &str, stored: &[u8; 32]) -> bool {
    hash_token(token).ct_eq(stored).into()
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same(given: &str, expected: &str) -> bool {
    token_matches(given, &hash_token(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_verify_only_themselves() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(token_matches(&a, &hash_token(&a)));
        assert!(!token_matches(&b, &hash_token(&a)));
    }
}
