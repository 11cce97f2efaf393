//! Version 8: rules (time rules remember where they fired; webhook calls wait in a
//! queue) and agents' working hours (a calendar each, for distribution).

use redb::WriteTransaction;

use crate::store::tables;
use crate::Result;

pub fn run(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(tables::RULE_FIRED)?;
    txn.open_table(tables::WEBHOOKS)?;
    txn.open_table(tables::AGENT_HOURS)?;
    Ok(())
}
