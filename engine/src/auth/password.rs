//! Password hashing with argon2id.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{Error, Result};

/// A few places for password work: argon2 takes a core and ~19 MiB for each hash, so a
/// flood of sign-ins must wait its turn by being refused, not by queueing up.
pub struct Slots {
    used: AtomicUsize,
    max: usize,
}

/// A taken place, given back when dropped.
pub struct Slot<'a>(&'a Slots);

impl Slots {
    pub fn new(max: usize) -> Self {
        Slots {
            used: AtomicUsize::new(0),
            max: max.max(1),
        }
    }

    /// Takes a place, or says the desk is busy when every place is taken.
    pub fn take(&self) -> Result<Slot<'_>> {
        if self.used.fetch_add(1, Ordering::AcqRel) >= self.max {
            self.used.fetch_sub(1, Ordering::AcqRel);
            return Err(Error::busy(
                "The desk is busy checking other sign-ins. Try again in a moment.",
            ));
        }
        Ok(Slot(self))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.used.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The PHC string of `password` under a fresh salt.
pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(Error::internal)
}

/// Whether `password` matches the PHC string `stored`.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn slots_refuse_when_full_and_come_back_when_dropped() {
        let slots = super::Slots::new(2);
        let a = slots.take().expect("first");
        let _b = slots.take().expect("second");
        let e = slots.take().err().expect("full");
        assert_eq!(e.kind(), crate::ErrorKind::Busy);
        drop(a);
        assert!(slots.take().is_ok());
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = super::hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &h));
        assert!(!super::verify("correct horse battery!", &h));
        assert!(!super::verify("x", "not a hash"));
    }
}
