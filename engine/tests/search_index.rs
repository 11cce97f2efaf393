//! Search over redb-derived tantivy: folding, rebuild after loss, replay after a crash.

mod common;

use common::{clock, desk, open};

#[test]
fn accentless_queries_find_greek_and_croatian_text() {
    let d = desk();
    d.customer_writes("Κωδικός πρόσβασης", "Ξέχασα τον κωδικό μου.");
    d.customer_writes(
        "Ne mogu se prijaviti",
        "Lozinka za Đurđevac ne radi, šifra je kriva.",
    );
    d.customer_writes("Invoice copy", "Please send the invoice again.");
    assert_eq!(d.found("κωδικος"), [1]);
    assert_eq!(d.found("ΚΩΔΙΚΟΣ"), [1]);
    assert_eq!(d.found("durdevac"), [2]);
    assert_eq!(d.found("sifra"), [2]);
    assert_eq!(d.found("invoice"), [3]);
    assert_eq!(d.found("invo"), [3], "the last word matches as a prefix");
    assert!(d.found("nothingmatches").is_empty());
    let hits = d.engine.search(d.viewer(), "durdevac", 5).expect("search");
    let marked: Vec<_> = hits[0].body.pieces().into_iter().filter(|p| p.1).collect();
    assert_eq!(marked, [("Đurđevac".to_string(), true)]);
}

#[test]
fn subject_matches_rank_above_body_matches() {
    let d = desk();
    d.customer_writes("Question", "My printer makes noise.");
    d.customer_writes("Printer broken", "It stopped.");
    assert_eq!(d.found("printer"), [2, 1]);
}

#[test]
fn replies_and_notes_become_searchable() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    d.customer_writes("Parcel", "Where is it?");
    d.engine
        .add_note(agent, 1, "Courier reference zx81")
        .expect("note");
    assert_eq!(d.found("zx81"), [1]);
}

#[test]
fn index_is_rebuilt_from_redb_when_its_folder_is_deleted() {
    let d = desk();
    d.customer_writes("Refund", "Order 8812 arrived broken.");
    d.customer_writes("Login", "Password reset mail never came.");
    d.indexed();
    let dir = d.dir;
    drop(d.engine);
    std::fs::remove_dir_all(engine::search::index_dir(dir.path())).expect("delete index");
    let engine = open(dir.path(), clock(), true);
    assert!(engine
        .wait_for_index(std::time::Duration::from_secs(30))
        .expect("wait"));
    let found: Vec<u64> = engine
        .search(common::admin_of(&engine), "password", 5)
        .expect("search")
        .iter()
        .map(|h| h.number)
        .collect();
    assert_eq!(found, [2]);
}

#[test]
fn outbox_is_replayed_after_a_crash_between_commit_and_indexing() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let e = open(dir.path(), clock(), true);
        e.create_ticket(
            &common::new_ticket("A", "a@example.com", "First", "alpha"),
            model::Channel::Portal,
        )
        .expect("create");
        assert!(e
            .wait_for_index(std::time::Duration::from_secs(30))
            .expect("wait"));
    }
    {
        // The "crash": redb commits, the indexer never runs.
        let e = open(dir.path(), clock(), false);
        e.create_ticket(
            &common::new_ticket("B", "b@example.com", "Second", "bravo"),
            model::Channel::Portal,
        )
        .expect("create");
        assert!(
            e.search(common::admin_of(&e), "bravo", 5)
                .expect("search")
                .is_empty(),
            "not indexed yet"
        );
    }
    let e = open(dir.path(), clock(), true);
    assert!(e
        .wait_for_index(std::time::Duration::from_secs(30))
        .expect("wait"));
    let found: Vec<u64> = e
        .search(common::admin_of(&e), "bravo", 5)
        .expect("search")
        .iter()
        .map(|h| h.number)
        .collect();
    assert_eq!(found, [2]);
    let found: Vec<u64> = e
        .search(common::admin_of(&e), "alpha", 5)
        .expect("search")
        .iter()
        .map(|h| h.number)
        .collect();
    assert_eq!(
        found,
        [1],
        "replay does not duplicate or lose earlier tickets"
    );
}

#[test]
fn the_requesters_name_is_searchable_without_accents() {
    let d = desk();
    d.customer_writes("Parcel", "Where is it?");
    assert_eq!(d.found("kovac"), [1]);
    assert_eq!(d.found("ana@example.com"), [1]);
}

#[test]
fn index_of_another_schema_version_is_rebuilt() {
    let d = desk();
    d.customer_writes("Refund", "Order 8812 arrived broken.");
    d.indexed();
    let dir = d.dir;
    drop(d.engine);
    // Stamp the index as written by another schema version, and empty it.
    {
        let index =
            tantivy::Index::open_in_dir(engine::search::index_dir(dir.path())).expect("open index");
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        writer.delete_all_documents().expect("delete");
        let mut commit = writer.prepare_commit().expect("prepare");
        commit.set_payload("schema=0;seq=1");
        commit.commit().expect("commit");
    }
    let engine = open(dir.path(), clock(), true);
    assert!(engine
        .wait_for_index(std::time::Duration::from_secs(30))
        .expect("wait"));
    let found: Vec<u64> = engine
        .search(common::admin_of(&engine), "broken", 5)
        .expect("search")
        .iter()
        .map(|h| h.number)
        .collect();
    assert_eq!(found, [1]);
}

#[test]
fn a_long_conversation_indexes_its_opening_and_newest_messages_within_a_cap() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    let t = d.customer_writes("Printer", "alphaword at the start");
    let filler = "lorem ipsum dolor ".repeat(3000); // ~54 KB a message
    for i in 0..8 {
        d.engine
            .reply(agent, t.number, &format!("midword{i} {filler}"))
            .expect("reply");
    }
    d.engine
        .reply(agent, t.number, "omegaword at the end")
        .expect("reply");
    d.indexed();
    assert_eq!(d.found("alphaword"), [t.number], "the opening message");
    assert_eq!(d.found("omegaword"), [t.number], "the newest message");
    assert_eq!(d.found("midword7"), [t.number], "recent enough");
    assert!(
        d.found("midword0").is_empty(),
        "beyond the cap: {:?}",
        d.found("midword0")
    );
}
