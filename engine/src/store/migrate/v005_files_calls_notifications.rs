//! Version 5: attachments and their blob store's counts, logged phone calls, agents'
//! notifications, the outgoing-mail outbox and customers' sign-in links and sessions, the knowledge
//! base (categories, articles, slugs, revisions) and satisfaction surveys get tables. No record changes shape.

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
    txn.open_table(tables::MAILS)?;
    txn.open_table(tables::MAIL_DUE)?;
    txn.open_table(tables::CUSTOMER_LINKS)?;
    txn.open_table(tables::CUSTOMER_SESSIONS)?;
    txn.open_table(tables::KB_CATEGORIES)?;
    txn.open_table(tables::ARTICLES)?;
    txn.open_table(tables::ARTICLE_SLUGS)?;
    txn.open_table(tables::ARTICLE_REVISIONS)?;
    txn.open_table(tables::SURVEY_TOKENS)?;
    txn.open_table(tables::RATINGS)?;
    Ok(())
}
