//! Version 3: the complete ticket model. Tickets gain priority, type, tags, department,
//! assignee, CCs, postponement, resolved/closed times, merge target and spam flag;
//! agents gain a time zone and a signature; departments, tags and ticket types get
//! tables (types seeded with question, technical, billing, sales), and tickets get the
//! indexes that list them by assignee, department, tag, postponement and resolution.

use chrono::{DateTime, Utc};
use model::{Channel, Priority, Role, TicketStatus};
use redb::ReadableTableMetadata;
use redb::{ReadableTable, WriteTransaction};
use serde::Deserialize;

use super::v004_waiting_views::TicketV3;
use crate::store::records::{AgentRecord, LabelRecord};
use crate::store::{codec, tables};
use crate::Result;

/// A ticket as version 2 stored it.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(super) struct TicketV2 {
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
}

/// An agent as version 2 stored it.
#[derive(Deserialize, serde::Serialize)]
pub(super) struct AgentV2 {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    pub locale: Option<String>,
    pub active: bool,
}

/// The ticket types a new desk starts with.
pub const SEEDED_TYPES: [&str; 4] = ["Question", "Technical", "Billing", "Sales"];

pub fn run(txn: &WriteTransaction) -> Result<()> {
    {
        let mut tickets = txn.open_table(tables::TICKETS)?;
        let mut upgraded = Vec::new();
        for entry in tickets.iter()? {
            let (number, raw) = entry?;
            let old: TicketV2 = codec::decode(raw.value())?;
            let resolved = matches!(old.status, TicketStatus::Resolved | TicketStatus::Closed);
            let record = TicketV3 {
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
                priority: Priority::Normal,
                ticket_type: None,
                tags: Vec::new(),
                department: None,
                assignee: None,
                ccs: Vec::new(),
                postponed_until: None,
                resolved_at: resolved.then_some(old.updated_at),
                closed_at: (old.status == TicketStatus::Closed).then_some(old.updated_at),
                merged_into: None,
                spam: false,
            };
            upgraded.push((number.value(), codec::encode(&record)?, record));
        }
        let mut resolved = txn.open_table(tables::TICKETS_RESOLVED)?;
        let mut unassigned = txn.open_table(tables::TICKETS_UNASSIGNED)?;
        let mut counters = txn.open_table(tables::COUNTERS)?;
        for (number, bytes, record) in upgraded {
            tickets.insert(number, bytes.as_slice())?;
            // Nobody was assigned anything before version 3.
            unassigned.insert(number, ())?;
            crate::store::bump(
                &mut counters,
                &crate::store::unassigned_counter(record.status),
                1,
            )?;
            if record.status == TicketStatus::Resolved {
                if let Some(at) = record.resolved_at {
                    resolved.insert((at.timestamp(), number), ())?;
                }
            }
        }
    }
    {
        let mut agents = txn.open_table(tables::AGENTS)?;
        let mut upgraded = Vec::new();
        for entry in agents.iter()? {
            let (id, raw) = entry?;
            let old: AgentV2 = codec::decode(raw.value())?;
            let record = AgentRecord {
                id: old.id,
                name: old.name,
                email: old.email,
                role: old.role,
                password_hash: old.password_hash,
                created_at: old.created_at,
                locale: old.locale,
                active: old.active,
                time_zone: None,
                signature: String::new(),
            };
            upgraded.push((id.value(), codec::encode(&record)?));
        }
        for (id, bytes) in upgraded {
            agents.insert(id, bytes.as_slice())?;
        }
    }
    // Create every new table, so readers never meet a missing one.
    txn.open_table(tables::DEPARTMENTS)?;
    txn.open_table(tables::TAGS)?;
    txn.open_table(tables::TAG_BY_NAME)?;
    txn.open_table(tables::TICKETS_BY_ASSIGNEE)?;
    txn.open_table(tables::TICKETS_BY_DEPARTMENT)?;
    txn.open_table(tables::TICKETS_BY_TAG)?;
    txn.open_table(tables::TICKETS_POSTPONED)?;
    txn.open_table(tables::SETTINGS)?;
    txn.open_table(tables::TICKETS_UNASSIGNED)?;
    let mut types = txn.open_table(tables::TICKET_TYPES)?;
    if types.is_empty()? {
        let mut counters = txn.open_table(tables::COUNTERS)?;
        for name in SEEDED_TYPES {
            let id = crate::store::next_id(&mut counters, "ticket_type")?;
            let record = LabelRecord {
                id,
                name: name.to_string(),
            };
            types.insert(id, codec::encode(&record)?.as_slice())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use redb::{Database, ReadableDatabase};

    use super::*;
    use crate::store::migrate;
    use crate::store::records::{LabelRecord, TicketRecord};

    #[test]
    fn tickets_and_agents_of_version_2_gain_the_new_fields() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("tessera.redb");
        let db = Database::create(&file).expect("db");
        let txn = db.begin_write().expect("txn");
        super::super::v001_initial::run(&txn).expect("v1 tables");
        let at = Utc::now();
        {
            let mut tickets = txn.open_table(tables::TICKETS).expect("tickets");
            for (number, status) in [(1, TicketStatus::Open), (2, TicketStatus::Resolved)] {
                let old = TicketV2 {
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
                };
                let bytes = codec::encode(&old).expect("encode");
                tickets.insert(number, bytes.as_slice()).expect("insert");
            }
            let agent = AgentV2 {
                id: 1,
                name: "Ana".into(),
                email: "ana@example.com".into(),
                role: Role::Agent,
                password_hash: "$argon2id$x".into(),
                created_at: at,
                locale: Some("sl".into()),
                active: true,
            };
            let bytes = codec::encode(&agent).expect("encode");
            txn.open_table(tables::AGENTS)
                .expect("agents")
                .insert(1, bytes.as_slice())
                .expect("insert");
            txn.open_table(tables::META)
                .expect("meta")
                .insert("schema_version", 2u32.to_le_bytes().as_slice())
                .expect("version");
        }
        txn.commit().expect("commit");

        migrate::run(&db, &file).expect("upgrade");

        let read = db.begin_read().expect("read");
        let tickets = read.open_table(tables::TICKETS).expect("tickets");
        let get = |n: u64| -> TicketRecord {
            codec::decode(tickets.get(n).expect("get").expect("kept").value()).expect("v3")
        };
        let (open, resolved) = (get(1), get(2));
        assert_eq!(open.subject, "Old 1");
        assert_eq!(open.priority, Priority::Normal);
        assert_eq!(
            (open.assignee, open.department, open.resolved_at),
            (None, None, None)
        );
        assert_eq!(resolved.resolved_at, Some(at));
        let waiting = read
            .open_table(tables::TICKETS_RESOLVED)
            .expect("resolved index");
        assert!(
            waiting.get((at.timestamp(), 2)).expect("get").is_some(),
            "will auto-close"
        );
        let agent: AgentRecord = codec::decode(
            read.open_table(tables::AGENTS)
                .expect("agents")
                .get(1)
                .expect("get")
                .expect("kept")
                .value(),
        )
        .expect("v3");
        assert_eq!(
            (
                agent.locale.as_deref(),
                agent.time_zone,
                agent.signature.as_str()
            ),
            (Some("sl"), None, "")
        );
        let types = read.open_table(tables::TICKET_TYPES).expect("types");
        let names: Vec<String> = types
            .iter()
            .expect("iter")
            .map(|e| {
                codec::decode::<LabelRecord>(e.expect("type").1.value())
                    .expect("type")
                    .name
            })
            .collect();
        assert_eq!(names, SEEDED_TYPES);
    }
}
