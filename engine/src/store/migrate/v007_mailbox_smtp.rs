//! Version 7: a mailbox may have its own SMTP server for the replies sent from its
//! address; tickets remember the mailbox they came through and outgoing mail the one
//! it goes from; acknowledgements are counted per address and day. Business-hours
//! calendars, and the one each department keeps; agents' availability and capacity, and
//! how each department hands out tickets.

use model::SmtpSecurity;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::store::{codec, tables};
use crate::Result;

/// A mailbox as version 6 stored it.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct MailboxV6 {
    id: u64,
    name: String,
    address: String,
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
    password: Vec<u8>,
    folder: String,
    department: Option<u64>,
    active: bool,
}

/// The same with its SMTP server (none: the desk's), as version 7 stores it.
#[derive(Serialize)]
struct MailboxV7 {
    id: u64,
    name: String,
    address: String,
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
    password: Vec<u8>,
    folder: String,
    department: Option<u64>,
    active: bool,
    /// `None` is written alike for any type: no server of its own.
    smtp: Option<()>,
}

pub fn run(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(tables::TICKET_MAILBOX)?;
    txn.open_table(tables::MAIL_VIA)?;
    txn.open_table(tables::ACK_LOG)?;
    txn.open_table(tables::CALENDARS)?;
    txn.open_table(tables::DEPARTMENT_CALENDARS)?;
    txn.open_table(tables::AGENT_AVAILABILITY)?;
    txn.open_table(tables::DEPARTMENT_DISTRIBUTION)?;
    txn.open_table(tables::SLA_EVENTS)?;
    let mut boxes = txn.open_table(tables::MAILBOXES)?;
    let mut old = Vec::new();
    for entry in boxes.iter()? {
        let (id, raw) = entry?;
        old.push((id.value(), codec::decode::<MailboxV6>(raw.value())?));
    }
    for (id, m) in old {
        let new = MailboxV7 {
            id: m.id,
            name: m.name,
            address: m.address,
            host: m.host,
            port: m.port,
            security: m.security,
            username: m.username,
            password: m.password,
            folder: m.folder,
            department: m.department,
            active: m.active,
            smtp: None,
        };
        boxes.insert(id, codec::encode(&new)?.as_slice())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use redb::{Database, ReadableDatabase};

    use super::*;
    use crate::store::migrate;
    use crate::store::tables::META;

    #[test]
    fn mailboxes_of_version_6_keep_everything_and_send_through_the_desk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("tessera.redb");
        let db = Database::create(&file).expect("db");
        let txn = db.begin_write().expect("txn");
        for step in &migrate::STEPS[..6] {
            step(&txn).expect("older tables");
        }
        {
            let old = MailboxV6 {
                id: 3,
                name: "Support".into(),
                address: "support@desk.example".into(),
                host: "imap.example.com".into(),
                port: 993,
                security: SmtpSecurity::Tls,
                username: "support".into(),
                password: vec![1, 2, 3],
                folder: "INBOX".into(),
                department: Some(2),
                active: true,
            };
            txn.open_table(tables::MAILBOXES)
                .expect("mailboxes")
                .insert(3, codec::encode(&old).expect("encode").as_slice())
                .expect("insert");
            txn.open_table(META)
                .expect("meta")
                .insert("schema_version", 6u32.to_le_bytes().as_slice())
                .expect("version");
        }
        txn.commit().expect("commit");

        migrate::run(&db, &file).expect("upgrade");

        let read = db.begin_read().expect("read");
        let raw = read
            .open_table(tables::MAILBOXES)
            .expect("mailboxes")
            .get(3)
            .expect("get")
            .expect("kept");
        let now: crate::mailbox::MailboxRecord = codec::decode(raw.value()).expect("new shape");
        assert_eq!(
            (
                now.address.as_str(),
                now.department,
                now.password.as_slice()
            ),
            ("support@desk.example", Some(2), [1u8, 2, 3].as_slice())
        );
        assert!(now.smtp.is_none());
        read.open_table(tables::TICKET_MAILBOX).expect("new table");
        read.open_table(tables::MAIL_VIA).expect("new table");
    }
}
