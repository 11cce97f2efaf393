//! Version 6: customers may choose a password for the portal; email intake remembers
//! what it has seen, the Message-IDs that thread replies, each message's original and
//! the addresses that bounced. No record changes shape.

use redb::WriteTransaction;

use crate::store::tables;
use crate::Result;

pub fn run(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(tables::CUSTOMER_PASSWORDS)?;
    txn.open_table(tables::MAIL_SEEN)?;
    txn.open_table(tables::MESSAGE_IDS)?;
    txn.open_table(tables::MESSAGE_SOURCES)?;
    txn.open_table(tables::FAILING_ADDRESSES)?;
    txn.open_table(tables::THREAD_IDS)?;
    txn.open_table(tables::MAIL_HEADERS)?;
    txn.open_table(tables::MESSAGE_MAILS)?;
    txn.open_table(tables::BLOCKED_SENDERS)?;
    txn.open_table(tables::MAILBOXES)?;
    txn.open_table(tables::MAILBOX_STATE)?;
    Ok(())
}
