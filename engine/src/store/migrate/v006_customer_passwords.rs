//! Version 6: customers may choose a password for the portal. No record changes shape.

use redb::WriteTransaction;

use crate::store::tables;
use crate::Result;

pub fn run(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(tables::CUSTOMER_PASSWORDS)?;
    Ok(())
}
