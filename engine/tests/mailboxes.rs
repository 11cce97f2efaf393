//! Mailboxes: admins add them with IMAP settings whose password is sealed and never
//! shown back; fetching is followed by UIDVALIDITY and UID (a changed UIDVALIDITY starts
//! again from the first message, and what was taken before is not taken twice), with
//! its health: last success, last error in words, today's count and the backlog.

mod common;

use common::desk;
use engine::mailin::Outcome;
use model::{MailboxInput, MailboxSmtp, SmtpSecurity};

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
        smtp: None,
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

fn mail(from: &str, to: &str, id: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Printer jams\r\nMessage-ID: <{id}>\r\n{headers}\r\n{body}\r\n"
    )
    .into_bytes()
}

#[test]
fn a_mailboxs_tickets_go_to_its_department_and_are_answered_from_its_address() {
    let d = desk();
    let e = &d.engine;
    let t = common::team(&d);
    let billing = e
        .save_mailbox(
            t.admin,
            &MailboxInput {
                department: Some(t.billing),
                smtp: Some(MailboxSmtp {
                    host: "smtp.billing.example".into(),
                    port: 587,
                    security: SmtpSecurity::StartTls,
                    username: "billing".into(),
                    password: "smtp secret 2".into(),
                    ..MailboxSmtp::default()
                }),
                ..input("billing@desk.example")
            },
        )
        .expect("billing");
    let shown = billing.smtp.as_ref().expect("own server");
    assert!(shown.password_set && shown.password.is_empty());
    let tech = e
        .save_mailbox(
            t.admin,
            &MailboxInput {
                department: Some(t.tech),
                ..input("tech@desk.example")
            },
        )
        .expect("tech");

    // Fetched from Billing's mailbox: in Billing; the mailbox's address is never a CC.
    let got = e
        .ingest_mail_via(
            &mail(
                "ana@example.com",
                "billing@desk.example",
                "b1@example.com",
                "Cc: billing@desk.example, bob@example.com\r\n",
                "Invoice twice.",
            ),
            Some(billing.id),
        )
        .expect("in");
    assert_eq!(got.outcome, Outcome::Created);
    let detail = e.ticket_detail(t.admin, got.ticket).expect("detail");
    assert_eq!(detail.summary.department, Some(t.billing));
    assert_eq!(detail.ccs, ["bob@example.com"]);

    // The answer goes from Billing's address, through Billing's own server.
    e.reply(t.admin, got.ticket, "Refunded.").expect("reply");
    let due = e.due_mail(10).expect("due");
    let out = due
        .iter()
        .find(|m| m.ticket == Some(got.ticket) && !m.automatic)
        .expect("out");
    assert_eq!(out.from, "billing@desk.example");
    let smtp = out.smtp.as_ref().expect("own server");
    assert_eq!(
        (
            smtp.host.as_str(),
            smtp.password.as_str(),
            smtp.from.as_str()
        ),
        (
            "smtp.billing.example",
            "smtp secret 2",
            "billing@desk.example"
        )
    );

    // A ticket that came another way but sits in Tech is answered from Tech's address,
    // through the desk's server.
    let other = e
        .ingest_mail(&mail(
            "iva@example.com",
            "x@desk.example",
            "c1@example.com",
            "",
            "Hello.",
        ))
        .expect("in");
    e.set_department(t.admin, other.ticket, Some(t.tech))
        .expect("moved");
    e.reply(t.admin, other.ticket, "Hi Iva.").expect("reply");
    let due = e.due_mail(10).expect("due");
    let out = due
        .iter()
        .find(|m| m.ticket == Some(other.ticket) && !m.automatic)
        .expect("out");
    assert_eq!(
        (out.from.as_str(), out.smtp.is_none()),
        ("tech@desk.example", true)
    );
    let _ = tech;

    // A copy of the desk's own answer coming back in adds nothing.
    let copy = format!(
        "From: billing@desk.example\r\nTo: ana@example.com\r\nSubject: Re: [#{n}] Printer jams\r\nMessage-ID: <{id}@desk.example>\r\n\r\nRefunded.\r\n",
        n = got.ticket,
        id = e.due_mail(10).expect("due").iter().find(|m| m.ticket == Some(got.ticket) && !m.automatic).expect("out").message_id_local,
    );
    let back = e
        .ingest_mail_via(copy.as_bytes(), Some(billing.id))
        .expect("copy");
    assert_eq!(back.outcome, Outcome::Own);
    assert_eq!(
        e.ticket_detail(t.admin, got.ticket)
            .expect("detail")
            .messages
            .len(),
        2
    );

    // Someone writing as an agent, with nothing to vouch for it: not taken as the
    // agent's note (a From line is easy to make up), but kept apart and linked.
    let forged = e
        .ingest_mail(&mail(
            "lea@desk.example",
            "billing@desk.example",
            "f1@evil.example",
            "In-Reply-To: <b1@example.com>\r\nAuthentication-Results: mx.desk.example; spf=none\r\nAuthentication-Results: evil; dkim=pass\r\n",
            "Refund to IBAN XX00.",
        ))
        .expect("forged");
    assert_ne!(forged.ticket, got.ticket);
    // Tim (Tech) may not work a Billing ticket: his signed mail is not a note there.
    let tim = e
        .ingest_mail(&mail(
            "tim@desk.example",
            "billing@desk.example",
            "t1@desk.example",
            "In-Reply-To: <b1@example.com>\r\nAuthentication-Results: mx.desk.example; dkim=pass header.d=desk.example\r\n",
            "Tim was here.",
        ))
        .expect("tim");
    assert_ne!(tim.ticket, got.ticket);
    // An agent of the desk writing into the thread from their mail client, signed: their
    // note.
    let lea = e
        .ingest_mail(&mail(
            "lea@desk.example",
            "billing@desk.example",
            "l1@desk.example",
            "In-Reply-To: <b1@example.com>\r\nAuthentication-Results: mx.desk.example; dkim=pass header.d=desk.example\r\n",
            "Checked with the bank.",
        ))
        .expect("lea");
    assert_eq!((lea.outcome, lea.ticket), (Outcome::Added, got.ticket));
    let last = e
        .ticket_detail(t.admin, got.ticket)
        .expect("detail")
        .messages
        .pop()
        .expect("note");
    assert_eq!(last.kind, model::MessageKind::Note);
    assert!(last.html.contains("Checked with the bank."));

    // The stored password goes only to the server it was typed for.
    let moved = e
        .save_mailbox(
            t.admin,
            &MailboxInput {
                id: tech.id,
                host: "imap.attacker.example".into(),
                password: None,
                department: Some(t.tech),
                ..input("tech@desk.example")
            },
        )
        .expect("moved");
    assert!(!moved.password_set);
    let billing_moved = e
        .save_mailbox(
            t.admin,
            &MailboxInput {
                id: billing.id,
                password: None,
                department: Some(t.billing),
                smtp: Some(MailboxSmtp {
                    host: "smtp.attacker.example".into(),
                    port: 25,
                    security: SmtpSecurity::None,
                    username: "billing".into(),
                    ..MailboxSmtp::default()
                }),
                ..input("billing@desk.example")
            },
        )
        .expect("moved");
    assert!(billing_moved.password_set, "the IMAP server did not change");
    assert!(!billing_moved.smtp.expect("own").password_set);
}
