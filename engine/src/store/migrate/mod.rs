//! Schema upgrades: ordered steps, one file each, run at start-up in one write
//! transaction that also records the new version. The data folder is backed up first.

mod v001_initial;
mod v002_agent_settings;
mod v003_ticket_model;
mod v004_waiting_views;
mod v005_files_calls_notifications;
mod v006_customer_passwords;
mod v007_mailbox_smtp;
mod v008_rules;

use std::path::Path;

use redb::{Database, ReadableDatabase, WriteTransaction};

use super::tables::META;
use crate::Result;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 8;

type Step = fn(&WriteTransaction) -> Result<()>;

/// Every step; step `i` upgrades version `i` to `i + 1`.
pub(crate) const STEPS: [Step; SCHEMA_VERSION as usize] = [
    v001_initial::run,
    v002_agent_settings::run,
    v003_ticket_model::run,
    v004_waiting_views::run,
    v005_files_calls_notifications::run,
    v006_customer_passwords::run,
    v007_mailbox_smtp::run,
    v008_rules::run,
];

/// The schema version stored in `db` (0 for a new database).
pub fn stored_version(db: &Database) -> Result<u32> {
    let txn = db.begin_read()?;
    let meta = match txn.open_table(META) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let version = meta.get("schema_version")?.map(|v| {
        let b = v.value();
        let mut a = [0u8; 4];
        a.copy_from_slice(&b[..4.min(b.len())]);
        u32::from_le_bytes(a)
    });
    Ok(version.unwrap_or(0))
}

/// Brings `db` to [`SCHEMA_VERSION`], backing up `db_file` first if it held data.
pub fn run(db: &Database, db_file: &Path) -> Result<()> {
    let from = stored_version(db)?;
    if from == SCHEMA_VERSION {
        return Ok(());
    }
    if from > SCHEMA_VERSION {
        return Err(crate::Error::new(
            crate::ErrorKind::Internal,
            format!("the data folder has schema {from}, newer than this build ({SCHEMA_VERSION}); use a newer tessera"),
        ));
    }
    if from > 0 {
        let backup = db_file.with_extension(format!("redb.before-v{SCHEMA_VERSION}"));
        tracing::info!(
            ?backup,
            from,
            to = SCHEMA_VERSION,
            "backing up before upgrade"
        );
        std::fs::copy(db_file, &backup)?;
    }
    let txn = db.begin_write()?;
    for step in &STEPS[from as usize..] {
        step(&txn)?;
    }
    {
        let mut meta = txn.open_table(META)?;
        meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
    }
    txn.commit()?;
    tracing::info!(from, to = SCHEMA_VERSION, "schema upgraded");
    Ok(())
}
