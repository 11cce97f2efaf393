//! Contacts: customers, recognised by their email address.

use chrono::{DateTime, Utc};
use redb::{ReadableTable, WriteTransaction};

use crate::store::records::ContactRecord;
use crate::store::{self, codec, tables};
use crate::Result;

/// The contact with `email`, created (or given a name it lacked) as needed.
pub fn find_or_create(
    txn: &WriteTransaction,
    name: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let key = email.trim().to_lowercase();
    let mut by_email = txn.open_table(tables::CONTACT_BY_EMAIL)?;
    let mut contacts = txn.open_table(tables::CONTACTS)?;
    let existing = by_email.get(key.as_str())?.map(|v| v.value());
    if let Some(id) = existing {
        let stored = contacts
            .get(id)?
            .map(|v| codec::decode::<ContactRecord>(v.value()));
        if let Some(mut c) = stored.transpose()? {
            if c.name.is_empty() && !name.trim().is_empty() {
                c.name = name.trim().to_string();
                contacts.insert(id, codec::encode(&c)?.as_slice())?;
            }
        }
        return Ok(id);
    }
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "contact")?;
    let record = ContactRecord {
        id,
        name: name.trim().to_string(),
        emails: vec![key.clone()],
        created_at: now,
    };
    contacts.insert(id, codec::encode(&record)?.as_slice())?;
    by_email.insert(key.as_str(), id)?;
    Ok(id)
}

/// A contact's display name: their name, else their email, else a visitor label.
pub fn display_name(c: &ContactRecord) -> String {
    if !c.name.is_empty() {
        c.name.clone()
    } else if let Some(e) = c.emails.first() {
        e.clone()
    } else {
        format!("Visitor {}", c.id)
    }
}
