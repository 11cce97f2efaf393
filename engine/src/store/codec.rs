//! The one record format: a format-version byte, then postcard. A record of an older
//! format is read by the upgrade step that knows it.

use serde::{de::DeserializeOwned, Serialize};

use crate::{Error, Result};

/// The format version written in front of every record.
pub const FORMAT: u8 = 1;

/// Encodes a record.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = vec![FORMAT];
    out.extend(postcard::to_stdvec(value)?);
    Ok(out)
}

/// Decodes a record written by [`encode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    match bytes.split_first() {
        Some((&FORMAT, rest)) => Ok(postcard::from_bytes(rest)?),
        Some((v, _)) => Err(Error::internal(format!("record format {v} is unknown"))),
        None => Err(Error::internal("empty record")),
    }
}
