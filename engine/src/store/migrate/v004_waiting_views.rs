//! Version 4: a ticket remembers since when it has waited on the team (the inbox's
//! default order and, later, response targets read it); saved inbox views and canned
//! responses get tables; contacts gain phones, location, organization, group, notes
//! and a merge target, and a phone index. A ticket waiting at the upgrade (New or Open) is taken to wait since its last
//! update, the best time version 3 kept.

use chrono::{DateTime, Utc};
use model::{Channel, Priority, TicketStatus};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::store::records::{ContactRecord, TicketRecord};
use crate::store::{codec, tables};
use crate::Result;

/// A contact as versions 1 to 3 stored it.
#[derive(Deserialize, Serialize)]
pub(super) struct ContactV3 {
    pub id: u64,
    pub name: String,
    pub emails: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A ticket as version 3 stored it.
#[derive(Deserialize, Serialize)]
pub(super) struct TicketV3 {
    pub number: u64,
    pub subject: String,
    pub status: TicketStatus,
    pub channel: Channel,
    pub requester: u64,
    pub access_hash: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub follow_up_of: Option<u64>,
    pub priority: Priority,
    pub ticket_type: Option<u64>,
    pub tags: Vec<u64>,
    pub department: Option<u64>,
    pub assignee: Option<u64>,
    pub ccs: Vec<String>,
    pub postponed_until: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub merged_into: Option<u64>,
    pub spam: bool,
}

pub fn run(txn: &WriteTransaction) -> Result<()> {
    let mut tickets = txn.open_table(tables::TICKETS)?;
    let mut upgraded = Vec::new();
    for entry in tickets.iter()? {
        let (number, raw) = entry?;
        let old: TicketV3 = codec::decode(raw.value())?;
        let waiting = matches!(old.status, TicketStatus::New | TicketStatus::Open);
        let record = TicketRecord {
            number: old.number,
            subject: old.subject,
            status: old.status,
            channel: old.channel,
            requester: old.requester,
            access_hash: old.access_hash,
            created_at: old.created_at,
            updated_at: old.updated_at,
            first_response_at: old.first_response_at,
            follow_up_of: old.follow_up_of,
            priority: old.priority,
            ticket_type: old.ticket_type,
            tags: old.tags,
            department: old.department,
            assignee: old.assignee,
            ccs: old.ccs,
            postponed_until: old.postponed_until,
            resolved_at: old.resolved_at,
            closed_at: old.closed_at,
            merged_into: old.merged_into,
            spam: old.spam,
            waiting_since: waiting.then_some(old.updated_at),
        };
        upgraded.push((number.value(), codec::encode(&record)?));
    }
    for (number, bytes) in upgraded {
        tickets.insert(number, bytes.as_slice())?;
    }
    drop(tickets);
    let mut contacts = txn.open_table(tables::CONTACTS)?;
    let mut upgraded = Vec::new();
    for entry in contacts.iter()? {
        let (id, raw) = entry?;
        let old: ContactV3 = codec::decode(raw.value())?;
        let record = ContactRecord {
            id: old.id,
            name: old.name,
            emails: old.emails,
            created_at: old.created_at,
            phones: Vec::new(),
            location: String::new(),
            organization: String::new(),
            group: String::new(),
            notes: String::new(),
            merged_into: None,
        };
        upgraded.push((id.value(), codec::encode(&record)?));
    }
    for (id, bytes) in upgraded {
        contacts.insert(id, bytes.as_slice())?;
    }
    txn.open_table(tables::CONTACT_BY_PHONE)?;
    txn.open_table(tables::VIEWS)?;
    txn.open_table(tables::CANNED)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use redb::{Database, ReadableDatabase};

    use super::*;
    use crate::store::migrate;

    #[test]
    fn tickets_of_version_3_learn_whether_they_wait() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("tessera.redb");
        let db = Database::create(&file).expect("db");
        let txn = db.begin_write().expect("txn");
        super::super::v001_initial::run(&txn).expect("v1 tables");
        let at = Utc::now() - chrono::Duration::hours(5);
        {
            let mut tickets = txn.open_table(tables::TICKETS).expect("tickets");
            for (number, status) in [(1, TicketStatus::Open), (2, TicketStatus::Answered)] {
                let old = TicketV3 {
                    number,
                    subject: format!("Old {number}"),
                    status,
                    channel: Channel::Email,
                    requester: 7,
                    access_hash: [3; 32],
                    created_at: at,
                    updated_at: at,
                    first_response_at: None,
                    follow_up_of: None,
                    priority: Priority::High,
                    ticket_type: Some(2),
                    tags: vec![4, 5],
                    department: Some(1),
                    assignee: None,
                    ccs: vec!["cc@example.com".into()],
                    postponed_until: None,
                    resolved_at: None,
                    closed_at: None,
                    merged_into: None,
                    spam: false,
                };
                let bytes = codec::encode(&old).expect("encode");
                tickets.insert(number, bytes.as_slice()).expect("insert");
            }
            let contact = ContactV3 {
                id: 7,
                name: "Ana".into(),
                emails: vec!["ana@example.com".into()],
                created_at: at,
            };
            let bytes = codec::encode(&contact).expect("encode");
            txn.open_table(tables::CONTACTS)
                .expect("contacts")
                .insert(7, bytes.as_slice())
                .expect("insert");
            txn.open_table(tables::META)
                .expect("meta")
                .insert("schema_version", 3u32.to_le_bytes().as_slice())
                .expect("version");
        }
        txn.commit().expect("commit");

        migrate::run(&db, &file).expect("upgrade");

        let read = db.begin_read().expect("read");
        let tickets = read.open_table(tables::TICKETS).expect("tickets");
        let get = |n: u64| -> TicketRecord {
            codec::decode(tickets.get(n).expect("get").expect("kept").value()).expect("v4")
        };
        let (open, answered) = (get(1), get(2));
        assert_eq!(open.waiting_since, Some(at));
        assert_eq!(answered.waiting_since, None);
        assert_eq!((open.tags, open.priority), (vec![4, 5], Priority::High));
        assert_eq!(answered.ccs, vec!["cc@example.com".to_string()]);
        assert!(read.open_table(tables::VIEWS).is_ok(), "views table made");
        assert!(read.open_table(tables::CANNED).is_ok(), "canned table made");
        let contact: ContactRecord = codec::decode(
            read.open_table(tables::CONTACTS)
                .expect("contacts")
                .get(7)
                .expect("get")
                .expect("kept")
                .value(),
        )
        .expect("v4 contact");
        assert_eq!((contact.name.as_str(), contact.emails.len()), ("Ana", 1));
        assert!(contact.phones.is_empty() && contact.merged_into.is_none());
    }
}
