//! Email intake: every message of the shared mail corpus (RFC examples, old clients,
//! Dovecot's malformed set) becomes exactly one ticket with the subject, sender and
//! attachments its manifest gives, and its original kept; a message seen again changes
//! nothing; replies thread by their ids or the subject's number, but only from people
//! of the ticket; a Closed ticket's reply opens a follow-up; bounces mark the address
//! and note the failure on the ticket whose mail bounced.

mod common;

use std::path::PathBuf;

use common::desk;
use engine::mailin::{Outcome, NO_SUBJECT};
use model::TicketStatus;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/mail")
}

#[test]
fn every_corpus_message_becomes_one_ticket_as_its_manifest_says() {
    let dir = corpus();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .expect("the mail corpus at ../shared/corpus/mail (see DESIGN.md, testing)");
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let mut count = 0;
    // Files by their bytes: the corpus holds two identical ones (malformed/009 and
    // 011), which are one message to the desk.
    let mut by_bytes: std::collections::HashMap<Vec<u8>, u64> = Default::default();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, _parts, _text, _html, attachments, from, subject] = cols[..] else {
            panic!("manifest line {line:?}");
        };
        let raw = std::fs::read(dir.join(file)).expect("message");
        let got = e
            .ingest_mail(&raw)
            .unwrap_or_else(|err| panic!("{file}: {err}"));
        count += 1;
        if let Some(&ticket) = by_bytes.get(&raw) {
            assert_eq!(
                (got.outcome, got.ticket),
                (Outcome::Duplicate, ticket),
                "{file}"
            );
            continue;
        }
        by_bytes.insert(raw.clone(), got.ticket);
        assert_eq!(got.outcome, Outcome::Created, "{file}: a new ticket");
        let detail = e.ticket_detail(admin, got.ticket).expect("detail");
        let want_subject = if subject.trim().is_empty() {
            NO_SUBJECT.to_string()
        } else {
            model::validate::one_line(subject)
        };
        assert_eq!(detail.summary.subject, want_subject, "{file}: subject");
        if from.contains('@') && model::validate::email_looks_valid(&from.to_lowercase()) {
            assert_eq!(
                detail.summary.requester_email,
                from.to_lowercase(),
                "{file}: sender"
            );
        }
        let first = &detail.messages[0];
        assert_eq!(
            first.attachments.len(),
            attachments.parse::<usize>().expect("count"),
            "{file}: attachments"
        );
        assert!(
            e.has_source(first.id).expect("source"),
            "{file}: original kept"
        );
        let (path, size) = e.message_source_for_agent(admin, first.id).expect("source");
        assert_eq!(size, raw.len() as u64);
        assert_eq!(std::fs::read(path).expect("original"), raw, "{file}");
        // Seen again: nothing changes.
        let again = e.ingest_mail(&raw).expect("again");
        assert_eq!(again.outcome, Outcome::Duplicate, "{file}");
        assert_eq!(again.ticket, got.ticket);
    }
    assert_eq!(count, 107);
    assert_eq!(by_bytes.len(), 106);
}

/// A message from `from` with `headers` and `body`.
fn mail(from: &str, subject: &str, id: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@desk.example\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[test]
fn replies_thread_only_from_the_tickets_people() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let first = e
        .ingest_mail(&mail(
            "Ana <ana@example.com>",
            "Printer jams",
            "a1@example.com",
            "Cc: bob@example.com\r\n",
            "Page two jams.",
        ))
        .expect("first");
    assert_eq!(first.outcome, Outcome::Created);
    let n = first.ticket;
    // By In-Reply-To, from the requester.
    let reply = e
        .ingest_mail(&mail(
            "ana@example.com",
            "Re: Printer jams",
            "a2@example.com",
            "In-Reply-To: <a1@example.com>\r\n",
            "Still jams.",
        ))
        .expect("reply");
    assert_eq!((reply.outcome, reply.ticket), (Outcome::Added, n));
    // By the number in the subject, from a CC.
    let cc = e
        .ingest_mail(&mail(
            "bob@example.com",
            &format!("Re: [#{n}] Printer jams"),
            "b1@example.com",
            "",
            "Me too.",
        ))
        .expect("cc");
    assert_eq!((cc.outcome, cc.ticket), (Outcome::Added, n));
    // An id made up to look like the desk's names no ticket.
    let made_up = e
        .ingest_mail(&mail(
            "ana@example.com",
            "Re: your answer",
            "a3@example.com",
            &format!("References: <other@x> <t{n}.m5.0123456789abcdef@desk.example>\r\n"),
            "Thanks.",
        ))
        .expect("made up");
    assert_eq!(made_up.outcome, Outcome::Created);
    // Mail whose sender the receiving server found forged does not thread either.
    let forged = e
        .ingest_mail(&mail(
            "ana@example.com",
            &format!("Re: [#{n}] Printer jams"),
            "f1@example.com",
            "Authentication-Results: mx.desk.example; spf=fail; dmarc=fail\r\n",
            "Forged.",
        ))
        .expect("forged");
    assert_eq!(forged.outcome, Outcome::Created);
    // A stranger naming the ticket gets a ticket of their own, linked to it.
    let stranger = e
        .ingest_mail(&mail(
            "mallory@example.com",
            &format!("Re: [#{n}] Printer jams"),
            "m1@example.com",
            "In-Reply-To: <a1@example.com>\r\n",
            "Let me in.",
        ))
        .expect("stranger");
    assert_eq!(stranger.outcome, Outcome::Created);
    assert_ne!(stranger.ticket, n);
    let detail = e.ticket_detail(admin, n).expect("detail");
    assert_eq!(detail.messages.len(), 3);
    assert!(detail
        .messages
        .iter()
        .all(|m| !m.body.contains("Let me in.")));
    // The same message delivered to a second mailbox: still one.
    let twice = mail(
        "ana@example.com",
        "Re: Printer jams",
        "a2@example.com",
        "In-Reply-To: <a1@example.com>\r\n",
        "Still jams.",
    );
    let mut relayed =
        b"Received: from mx2.desk.example\r\nDelivered-To: sales@desk.example\r\n".to_vec();
    relayed.extend_from_slice(&twice);
    assert_eq!(
        e.ingest_mail(&relayed).expect("relayed").outcome,
        Outcome::Duplicate
    );
    // A reply to a Closed ticket opens a follow-up.
    e.set_status(admin, n, TicketStatus::Closed).expect("close");
    let late = e
        .ingest_mail(&mail(
            "ana@example.com",
            &format!("Re: [#{n}] Printer jams"),
            "a4@example.com",
            "",
            "It jams again.",
        ))
        .expect("late");
    assert_eq!(late.outcome, Outcome::FollowUp);
    assert_ne!(late.ticket, n);
}

#[test]
fn spam_lands_in_spam_and_bounces_mark_the_address() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let spam = e
        .ingest_mail(&mail(
            "win@spam.example",
            "You won",
            "s1@spam.example",
            "X-Spam-Flag: YES\r\n",
            "Click.",
        ))
        .expect("spam");
    let in_spam = e
        .inbox(
            admin,
            &model::InboxFilter {
                spam: true,
                ..Default::default()
            },
            0,
            50,
        )
        .expect("spam view");
    assert_eq!(
        in_spam.tickets.iter().map(|t| t.number).collect::<Vec<_>>(),
        [spam.ticket],
        "in the Spam view"
    );
    let all = e
        .inbox(admin, &model::InboxFilter::default(), 0, 50)
        .expect("inbox");
    assert!(all.tickets.iter().all(|t| t.number != spam.ticket));

    let first = e
        .ingest_mail(&mail(
            "gone@example.com",
            "Hello",
            "g1@example.com",
            "",
            "Hi.",
        ))
        .expect("first");
    e.reply(admin, first.ticket, "Hello back.").expect("reply");
    let sent = e.due_mail(10).expect("due");
    let sent = sent
        .iter()
        .find(|m| m.to == "gone@example.com")
        .expect("queued");
    let report = |id: &str, recipient: &str| {
        format!(
            "From: MAILER-DAEMON@mx.example\r\nTo: support@desk.example\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; {recipient}\r\nAction: failed\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{id}>\r\n--b--\r\n"
        )
    };
    // A report about a message the desk never sent marks nothing and notes nothing.
    let made_up = format!("t{}.m1.0123456789abcdef@desk.example", first.ticket);
    let fake = e
        .ingest_mail(report(&made_up, "ceo@example.com").as_bytes())
        .expect("fake");
    assert_ne!(fake.outcome, Outcome::Bounce);
    assert!(e
        .address_failing("ceo@example.com")
        .expect("failing")
        .is_none());
    let real = format!("{}@desk.example", sent.message_id_local);
    let got = e
        .ingest_mail(report(&real, "gone@example.com").as_bytes())
        .expect("bounce");
    assert_eq!((got.outcome, got.ticket), (Outcome::Bounce, first.ticket));
    let outbox = e.outgoing_mail(admin).expect("outbox");
    let failed = outbox.iter().find(|m| m.id == sent.id).expect("the reply");
    assert_eq!(failed.state, model::MailState::Failed);
    assert!(failed.last_error.contains("No such user"));
    // The contact's page says so.
    let requester = e
        .ticket_detail(admin, first.ticket)
        .expect("detail")
        .summary
        .requester;
    let page = e.contact(admin, requester).expect("contact");
    assert_eq!(page.failing.len(), 1);
    assert_eq!(page.failing[0].0, "gone@example.com");
    assert!(e
        .address_failing("gone@example.com")
        .expect("failing")
        .is_some_and(|r| r.contains("No such user")));
    let detail = e.ticket_detail(admin, first.ticket).expect("detail");
    assert!(detail
        .messages
        .iter()
        .any(|m| m.kind == model::MessageKind::Note && m.body.contains("No such user")));
}

#[test]
fn an_agents_reply_goes_out_threaded_and_the_answer_comes_back() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let first = e
        .ingest_mail(&mail(
            "Ana <ana@example.com>",
            "Printer jams",
            "a1@example.com",
            "Cc: bob@example.com\r\n",
            "Page two jams.",
        ))
        .expect("first");
    let n = first.ticket;
    e.reply(admin, n, "Please clean the roller.")
        .expect("reply");
    let due = e.due_mail(10).expect("due");
    let out = due
        .iter()
        .find(|m| m.to == "ana@example.com" && !m.automatic)
        .expect("mailed");
    assert_eq!(out.ticket, Some(n));
    assert_eq!(out.subject, format!("Re: [#{n}] Printer jams"));
    assert!(out.text.contains("Please clean the roller."));
    assert_eq!(out.references, ["a1@example.com"]);
    assert_eq!(out.cc, ["bob@example.com"]);
    assert!(out.from_name.starts_with("Mara"), "{}", out.from_name);
    // Her answer to it refers to the desk's own Message-ID.
    assert!(out
        .message_id_local
        .starts_with(&format!("t{n}.m{}.", out.id)));
    let answer = e
        .ingest_mail(&mail(
            "ana@example.com",
            "Re: Printer jams",
            "a2@example.com",
            &format!("In-Reply-To: <{}@desk.example>\r\n", out.message_id_local),
            "Cleaned, it works.\r\n\r\nOn Monday, Mara wrote:\r\n> Please clean the roller.\r\n",
        ))
        .expect("answer");
    assert_eq!((answer.outcome, answer.ticket), (Outcome::Added, n));
    // What she quoted is folded away under what she wrote.
    let shown = e.ticket_detail(admin, n).expect("detail");
    let last = shown.messages.last().expect("her answer");
    assert!(last.html.contains("Cleaned, it works."));
    assert!(!last.html.contains("Please clean the roller."));
    assert!(last.quoted_html.contains("Please clean the roller."));
    // A note is not mailed.
    let before = e.due_mail(50).expect("due").len();
    e.add_note(admin, n, "Internal only").expect("note");
    assert_eq!(e.due_mail(50).expect("due").len(), before);
}

#[test]
fn a_replys_delivery_shows_on_it_and_agents_may_send_it_again() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let first = e
        .ingest_mail(&mail(
            "ana@example.com",
            "Hello",
            "h1@example.com",
            "",
            "Hi.",
        ))
        .expect("first");
    let message = e
        .post(
            admin,
            first.ticket,
            &engine::tickets::Post::new(model::MessageKind::Reply, "Hello back."),
        )
        .expect("reply");
    let delivery = |e: &engine::Engine| {
        e.ticket_detail(admin, first.ticket)
            .expect("detail")
            .messages
            .into_iter()
            .find(|m| m.id == message)
            .and_then(|m| m.delivery)
    };
    assert_eq!(
        delivery(e).map(|d| d.state),
        Some(model::MailState::Waiting)
    );
    // The reply, not the acknowledgement of her mail.
    let mail_id = e
        .due_mail(10)
        .expect("due")
        .iter()
        .find(|m| !m.automatic)
        .expect("the reply")
        .id;
    e.mail_result(mail_id, Err(("550 no such user".into(), true)))
        .expect("failed");
    let failed = delivery(e).expect("delivery");
    assert_eq!(failed.state, model::MailState::Failed);
    assert!(failed.error.contains("550"));
    e.resend_reply(admin, message).expect("again");
    assert_eq!(
        delivery(e).map(|d| d.state),
        Some(model::MailState::Waiting)
    );
    // Not for a note, nor for a message nobody mailed.
    let note = e
        .post(
            admin,
            first.ticket,
            &engine::tickets::Post::new(model::MessageKind::Note, "inside"),
        )
        .expect("note");
    assert!(e.resend_reply(admin, note).is_err());
}

#[test]
fn blocked_senders_go_to_spam_and_never_thread() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let agent = common::agent(&d, "Tim", false);
    assert!(
        e.block_sender(agent, "x@spam.example", true).is_err(),
        "admins only"
    );
    assert_eq!(
        e.block_sender(admin, "not an address", true)
            .expect_err("invalid")
            .fields()[0]
            .key,
        "error.block_pattern"
    );
    e.block_sender(admin, "@Spam.Example", true)
        .expect("domain");
    e.block_sender(admin, "eve@example.com", true)
        .expect("address");
    assert_eq!(
        e.blocked_senders(admin).expect("list"),
        ["@spam.example", "eve@example.com"]
    );
    let spam_view = |e: &engine::Engine| -> Vec<u64> {
        e.inbox(
            admin,
            &model::InboxFilter {
                spam: true,
                ..Default::default()
            },
            0,
            50,
        )
        .expect("spam")
        .tickets
        .iter()
        .map(|t| t.number)
        .collect()
    };
    let a = e
        .ingest_mail(&mail("win@spam.example", "Prize", "p1@x", "", "Click."))
        .expect("a");
    let b = e
        .ingest_mail(&mail("eve@example.com", "Hi", "p2@x", "", "Hello."))
        .expect("b");
    let c = e
        .ingest_mail(&mail("ana@example.com", "Real", "p3@x", "", "Help."))
        .expect("c");
    assert_eq!(spam_view(e), [a.ticket, b.ticket]);
    // Unblocked, mail comes in as usual again.
    e.block_sender(admin, "eve@example.com", false)
        .expect("unblock");
    let b2 = e
        .ingest_mail(&mail(
            "eve@example.com",
            "Again",
            "p4@x",
            "",
            "Hello again.",
        ))
        .expect("b2");
    assert!(!spam_view(e).contains(&b2.ticket));
    assert!(!spam_view(e).contains(&c.ticket));
}
