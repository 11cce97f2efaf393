//! Secrets at rest (mail server passwords): sealed with XChaCha20-Poly1305 under a key
//! kept beside the database, in `secret.key` (readable by the desk's user only), never
//! in the database itself. A copy of the database alone reveals no password.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::{Error, Result};

/// The key file inside a data folder.
pub fn key_file(data_dir: &Path) -> PathBuf {
    data_dir.join("secret.key")
}

/// An HMAC-SHA-256 of `message` under the data folder's key (for `purpose`), as 16 hex
/// digits: what the desk's own Message-IDs carry, so that nobody can make one up.
pub fn tag(data_dir: &Path, purpose: &str, message: &str) -> Result<String> {
    use sha2::{Digest, Sha256};
    let key = key(data_dir)?;
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(&Sha256::digest([purpose.as_bytes(), &key].concat()));
    let pad = |b: u8| block.map(|x| x ^ b);
    let inner = Sha256::digest([&pad(0x36)[..], message.as_bytes()].concat());
    let outer = Sha256::digest([&pad(0x5c)[..], &inner[..]].concat());
    Ok(outer[..8].iter().map(|b| format!("{b:02x}")).collect())
}

/// The data folder's key, made on first use.
fn key(data_dir: &Path) -> Result<[u8; 32]> {
    let path = key_file(data_dir);
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() == 32 => {
            let mut k = [0u8; 32];
            k.copy_from_slice(&bytes);
            Ok(k)
        }
        Ok(_) => Err(Error::internal(format!(
            "{} is not a key: restore it from a backup",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut k = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut k);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            use std::io::Write;
            let mut f = options.open(&path)?;
            f.write_all(&k)?;
            f.sync_all()?;
            Ok(k)
        }
        Err(e) => Err(e.into()),
    }
}

/// `plain` sealed: a random nonce, then the ciphertext with its tag.
pub fn seal(data_dir: &Path, plain: &str) -> Result<Vec<u8>> {
    let cipher = XChaCha20Poly1305::new(&key(data_dir)?.into());
    let mut nonce = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut nonce);
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| Error::internal("sealing a secret failed"))?,
    );
    Ok(out)
}

/// What [`seal`] sealed, if this folder's key opens it.
pub fn open(data_dir: &Path, sealed: &[u8]) -> Result<String> {
    if sealed.len() < 24 {
        return Err(Error::internal("a stored secret is damaged"));
    }
    let cipher = XChaCha20Poly1305::new(&key(data_dir)?.into());
    let (nonce, body) = sealed.split_at(24);
    let plain = cipher
        .decrypt(XNonce::from_slice(nonce), body)
        .map_err(|_| {
            Error::internal("a stored secret does not open with secret.key (was the key replaced?)")
        })?;
    String::from_utf8(plain).map_err(|_| Error::internal("a stored secret is damaged"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let a = tempfile::tempdir().expect("dir");
        let b = tempfile::tempdir().expect("dir");
        let sealed = super::seal(a.path(), "hunter2").expect("seal");
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(super::open(a.path(), &sealed).expect("open"), "hunter2");
        assert!(
            super::open(b.path(), &sealed).is_err(),
            "another folder's key"
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().expect("byte") ^= 1;
        assert!(super::open(a.path(), &tampered).is_err());
    }
}
