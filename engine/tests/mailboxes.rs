//! Mailboxes: admins add them with IMAP settings whose password is sealed and never
//! shown back; fetching is followed by UIDVALIDITY and UID (a changed UIDVALIDITY starts
//! again from the first message, and what was taken before is not taken twice), with
//! its health: last success, last error in words, today's count and the backlog.

mod common;

use common::desk;
use model::{MailboxInput, SmtpSecurity};

fn input(address: &str) -> MailboxInput {
    MailboxInput {
        id: 0,
        name: "Support".into(),
        address: address.into(),
        host: "imap.example.com".into(),
        port: 993,
        security: SmtpSecurity::Tls,
        username: "support".into(),
        password: Some("imap secret 1".into()),
        forget_password: false,
        folder: String::new(),
        department: None,
        active: true,
    }
}

#[test]
fn mailboxes_keep_their_password_sealed_and_their_place() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let agent = common::agent(&d, "Tim", false);
    assert!(
        e.save_mailbox(agent, &input("support@desk.example"))
            .is_err(),
        "admins only"
    );
    let bad = MailboxInput {
        host: "has space".into(),
        port: 0,
        ..input("not an address")
    };
    let keys: Vec<String> = e
        .save_mailbox(admin, &bad)
        .expect_err("invalid")
        .fields()
        .iter()
        .map(|f| f.field.clone())
        .collect();
    assert_eq!(keys, ["address", "host", "port"]);

    let m = e
        .save_mailbox(admin, &input("Support@Desk.example"))
        .expect("saved");
    assert_eq!(
        (m.address.as_str(), m.folder.as_str()),
        ("support@desk.example", "INBOX")
    );
    assert!(m.password_set);
    // The password is stored sealed: not in the database file as written.
    let db = std::fs::read(d.dir.path().join("tessera.redb")).expect("db");
    assert!(!db.windows(13).any(|w| w == b"imap secret 1"));
    assert_eq!(
        e.imap_configs().expect("configs")[0].password,
        "imap secret 1"
    );
    // Saved again without a password, it keeps the stored one.
    let again = e
        .save_mailbox(
            admin,
            &MailboxInput {
                id: m.id,
                password: None,
                ..input("support@desk.example")
            },
        )
        .expect("again");
    assert!(again.password_set);
    assert_eq!(
        e.imap_configs().expect("configs")[0].password,
        "imap secret 1"
    );

    // Fetching: by UID, a new UIDVALIDITY starts over.
    assert_eq!(e.fetch_position(m.id).expect("pos"), (0, 0));
    e.fetched(m.id, 7, 1).expect("1");
    e.fetched(m.id, 7, 2).expect("2");
    e.fetched(m.id, 7, 2).expect("2 again");
    e.fetch_report(m.id, Ok(3)).expect("ok");
    assert_eq!(e.fetch_position(m.id).expect("pos"), (7, 2));
    let health = &e.mailboxes(admin).expect("list")[0];
    assert_eq!((health.today, health.backlog), (2, 3));
    assert!(health.last_ok.is_some() && health.last_error.is_empty());
    e.fetch_report(m.id, Err("The server refused the password.".into()))
        .expect("err");
    assert_eq!(
        e.mailboxes(admin).expect("list")[0].last_error,
        "The server refused the password."
    );
    e.fetched(m.id, 8, 0).expect("new validity");
    assert_eq!(e.fetch_position(m.id).expect("pos"), (8, 0));
    // Inactive mailboxes are not fetched; removed ones are gone.
    e.save_mailbox(
        admin,
        &MailboxInput {
            id: m.id,
            active: false,
            password: None,
            ..input("support@desk.example")
        },
    )
    .expect("off");
    assert!(e.imap_configs().expect("configs").is_empty());
    e.delete_mailbox(admin, m.id).expect("deleted");
    assert!(e.mailboxes(admin).expect("list").is_empty());
    assert!(e.fetched(m.id, 8, 1).is_err());
}
