//! Version 5: attachments and their blob store's counts, logged phone calls, and agents'
//! notifications get tables. No record changes shape.

use redb::WriteTransaction;

use crate::store::tables;
use crate::Result;

pub fn run(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(tables::ATTACHMENTS)?;
    txn.open_table(tables::MESSAGE_ATTACHMENTS)?;
    txn.open_table(tables::UPLOADS_PENDING)?;
    txn.open_table(tables::BLOBS)?;
    txn.open_table(tables::CALLS)?;
    txn.open_table(tables::NOTIFICATIONS)?;
    Ok(())
}
