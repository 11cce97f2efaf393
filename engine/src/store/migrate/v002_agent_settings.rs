//! Version 2: agents choose their workspace language and can be deactivated; existing
//! agents follow the browser and stay active.

use chrono::{DateTime, Utc};
use model::Role;
use redb::{ReadableTable, WriteTransaction};
use serde::Deserialize;

use super::v003_ticket_model::AgentV2;
use crate::store::{codec, tables::AGENTS};
use crate::Result;

/// An agent as version 1 stored it.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
struct AgentV1 {
    id: u64,
    name: String,
    email: String,
    role: Role,
    password_hash: String,
    created_at: DateTime<Utc>,
}

pub fn run(txn: &WriteTransaction) -> Result<()> {
    let mut agents = txn.open_table(AGENTS)?;
    let mut upgraded = Vec::new();
    for entry in agents.iter()? {
        let (id, raw) = entry?;
        let old: AgentV1 = codec::decode(raw.value())?;
        let record = AgentV2 {
            id: old.id,
            name: old.name,
            email: old.email,
            role: old.role,
            password_hash: old.password_hash,
            created_at: old.created_at,
            locale: None,
            active: true,
        };
        upgraded.push((id.value(), codec::encode(&record)?));
    }
    for (id, bytes) in upgraded {
        agents.insert(id, bytes.as_slice())?;
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
    fn agents_of_version_1_follow_the_browser_after_the_upgrade() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("tessera.redb");
        let db = Database::create(&file).expect("db");
        let txn = db.begin_write().expect("txn");
        super::super::v001_initial::run(&txn).expect("v1 tables");
        {
            let old = AgentV1 {
                id: 1,
                name: "Ana".into(),
                email: "ana@example.com".into(),
                role: Role::Admin,
                password_hash: "$argon2id$x".into(),
                created_at: Utc::now(),
            };
            let mut agents = txn.open_table(AGENTS).expect("agents");
            agents
                .insert(1, codec::encode(&old).expect("encode").as_slice())
                .expect("insert");
            let mut meta = txn.open_table(META).expect("meta");
            meta.insert("schema_version", 1u32.to_le_bytes().as_slice())
                .expect("version");
        }
        txn.commit().expect("commit");

        migrate::run(&db, &file).expect("upgrade");

        assert_eq!(
            migrate::stored_version(&db).expect("version"),
            migrate::SCHEMA_VERSION
        );
        let read = db.begin_read().expect("read");
        let agents = read.open_table(AGENTS).expect("agents");
        let raw = agents.get(1).expect("get").expect("agent kept");
        let agent: crate::store::records::AgentRecord =
            codec::decode(raw.value()).expect("new shape");
        assert_eq!(agent.name, "Ana");
        assert_eq!(agent.locale, None);
        assert!(agent.active);
        assert!(
            file.with_extension(format!("redb.before-v{}", migrate::SCHEMA_VERSION))
                .exists(),
            "backed up first"
        );
    }
}
