//! Version 1: creates every table of the first schema.

use redb::WriteTransaction;

use crate::store::tables::*;
use crate::Result;

pub fn run(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(META)?;
    txn.open_table(COUNTERS)?;
    txn.open_table(TICKETS)?;
    txn.open_table(TICKETS_BY_STATUS)?;
    txn.open_table(MESSAGES)?;
    txn.open_table(TICKET_MESSAGES)?;
    txn.open_table(CONTACTS)?;
    txn.open_table(CONTACT_BY_EMAIL)?;
    txn.open_table(AGENTS)?;
    txn.open_table(AGENT_BY_EMAIL)?;
    txn.open_table(SESSIONS)?;
    txn.open_table(AUDIT)?;
    txn.open_table(AUDIT_BY_TICKET)?;
    txn.open_table(OUTBOX)?;
    Ok(())
}
