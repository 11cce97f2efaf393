//! A support day through the engine: customers write, agents reply and take notes,
//! customers read and answer, and search finds it all.

mod common;

use common::{desk, secret};
use engine::store::records::Change;
use engine::ErrorKind;
use model::{MessageKind, Sort, TicketStatus};

#[test]
fn customer_writes_agent_replies_customer_answers() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    let created = d.customer_writes("Refund for order 8812", "The parcel never arrived.");
    assert_eq!(created.number, 1);
    let key = secret(&created);

    let view = d.engine.customer_ticket(1, &key).expect("customer view");
    assert_eq!(view.status, TicketStatus::New);
    assert_eq!(view.messages.len(), 1);

    d.engine
        .reply(agent, 1, "Refund issued today.")
        .expect("reply");
    d.engine
        .add_note(agent, 1, "Courier lost it; claim 77.")
        .expect("note");
    let detail = d.engine.ticket_detail(d.viewer(), 1).expect("detail");
    assert_eq!(detail.summary.status, TicketStatus::Answered);
    assert_eq!(detail.messages.len(), 3);
    assert_eq!(detail.messages[2].kind, MessageKind::Note);
    assert_eq!(detail.messages[1].author_name, "Ivan Horvat");

    d.engine
        .customer_reply(1, &key, "Thank you!")
        .expect("customer reply");
    let view = d.engine.customer_ticket(1, &key).expect("customer view");
    assert_eq!(view.status, TicketStatus::Open);
    let bodies: Vec<_> = view.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "The parcel never arrived.",
            "Refund issued today.",
            "Thank you!"
        ]
    );
}

#[test]
fn notes_are_never_in_the_customers_view() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    let created = d.customer_writes("Login", "I cannot sign in.");
    d.engine
        .add_note(agent, 1, "secret internal remark")
        .expect("note");
    let view = d
        .engine
        .customer_ticket(1, &secret(&created))
        .expect("view");
    assert!(view.messages.iter().all(|m| m.kind == MessageKind::Reply));
    assert!(!view
        .messages
        .iter()
        .any(|m| m.body.contains("secret internal")));
}

#[test]
fn every_change_writes_an_audit_event() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    d.customer_writes("Invoice", "Wrong VAT number.");
    d.engine.reply(agent, 1, "Fixed.").expect("reply");
    d.engine
        .set_status(agent, 1, TicketStatus::Resolved)
        .expect("status");
    let changes: Vec<Change> = d
        .engine
        .ticket_history(d.viewer(), 1)
        .expect("history")
        .into_iter()
        .map(|e| e.change)
        .collect();
    assert!(matches!(changes[0], Change::TicketCreated));
    assert!(matches!(
        changes[1],
        Change::MessageAdded {
            kind: MessageKind::Reply,
            ..
        }
    ));
    assert!(changes.contains(&Change::StatusChanged {
        from: TicketStatus::New,
        to: TicketStatus::Answered
    }));
    assert_eq!(
        changes.last(),
        Some(&Change::StatusChanged {
            from: TicketStatus::Answered,
            to: TicketStatus::Resolved
        })
    );
}

#[test]
fn a_wrong_token_or_number_is_not_found_and_reveals_nothing() {
    let d = desk();
    let first = d.customer_writes("One", "first customer's private text");
    let second = d.customer_writes("Two", "second");
    let e = d
        .engine
        .customer_ticket(1, &secret(&second))
        .expect_err("wrong token");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(!e.message().contains("private"));
    let e = d
        .engine
        .customer_ticket(99, &secret(&first))
        .expect_err("unknown number");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = d
        .engine
        .customer_reply(2, &secret(&first), "sneaky")
        .expect_err("forged reply");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        d.engine
            .ticket_detail(d.viewer(), 2)
            .expect("detail")
            .messages
            .len(),
        1
    );
}

#[test]
fn oversized_or_empty_input_is_refused_and_nothing_is_written() {
    let d = desk();
    let e = d
        .engine
        .create_ticket(
            &common::new_ticket("Ana", "ana@example.com", &"s".repeat(201), "body"),
            model::Channel::Portal,
        )
        .expect_err("long subject");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(e.fields()[0].field, "subject");
    let created = d.customer_writes("Fine", "fine");
    let e = d
        .engine
        .customer_reply(1, &secret(&created), &"x".repeat(64 * 1024 + 1))
        .expect_err("long message");
    assert_eq!(e.fields()[0].key, "error.message_too_long");
    let page = d
        .engine
        .inbox(d.viewer(), &common::listing(None, Sort::Newest), 0, 50)
        .expect("inbox");
    assert_eq!(page.total, 1);
    assert_eq!(
        d.engine
            .ticket_detail(d.viewer(), 1)
            .expect("detail")
            .messages
            .len(),
        1
    );
}

#[test]
fn inbox_filters_by_status_and_sorts_both_ways() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    for i in 1..=5 {
        d.customer_writes(&format!("Ticket {i}"), "text");
    }
    d.engine.reply(agent, 2, "answer").expect("reply");
    d.engine.reply(agent, 4, "answer").expect("reply");
    let answered = d
        .engine
        .inbox(
            d.viewer(),
            &common::listing(Some(TicketStatus::Answered), Sort::Newest),
            0,
            50,
        )
        .expect("inbox");
    assert_eq!(
        answered
            .tickets
            .iter()
            .map(|t| t.number)
            .collect::<Vec<_>>(),
        [4, 2]
    );
    assert_eq!(answered.total, 2);
    let new = d
        .engine
        .inbox(
            d.viewer(),
            &common::listing(Some(TicketStatus::New), Sort::Oldest),
            0,
            50,
        )
        .expect("inbox");
    assert_eq!(
        new.tickets.iter().map(|t| t.number).collect::<Vec<_>>(),
        [1, 3, 5]
    );
    let counts: Vec<_> = new.counts.iter().filter(|c| c.1 > 0).cloned().collect();
    assert_eq!(
        counts,
        [(TicketStatus::New, 3), (TicketStatus::Answered, 2)]
    );
    let all = d
        .engine
        .inbox(d.viewer(), &common::listing(None, Sort::Newest), 1, 2)
        .expect("inbox");
    assert_eq!(
        all.tickets.iter().map(|t| t.number).collect::<Vec<_>>(),
        [4, 3]
    );
    assert_eq!(all.total, 5);
}

#[test]
fn sign_in_checks_the_password_and_slows_down_guessers() {
    let d = desk();
    d.agent("ivan@desk.example");
    let ok = d
        .engine
        .sign_in("Ivan@Desk.example", "correct horse battery", "192.0.2.1")
        .expect("sign in");
    assert_eq!(
        d.engine.session_agent(&ok.session).expect("session").email,
        "ivan@desk.example"
    );
    d.engine.sign_out(&ok.session).expect("sign out");
    assert_eq!(
        d.engine
            .session_agent(&ok.session)
            .expect_err("signed out")
            .kind(),
        ErrorKind::Unauthorized
    );
    for _ in 0..engine::throttle::SIGN_IN_ATTEMPTS {
        let e = d
            .engine
            .sign_in("ivan@desk.example", "guess", "192.0.2.1")
            .expect_err("wrong");
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
    }
    let e = d
        .engine
        .sign_in("ivan@desk.example", "correct horse battery", "192.0.2.1")
        .expect_err("throttled");
    assert_eq!(e.kind(), ErrorKind::TooManyRequests);
    assert!(e.message().contains("Try again in"));
    d.clock.advance(chrono::Duration::minutes(16));
    d.engine
        .sign_in("ivan@desk.example", "correct horse battery", "192.0.2.1")
        .expect("allowed again after the window");
}

#[test]
fn setup_link_creates_the_first_admin_once_and_expires() {
    let d = desk();
    assert!(!d.engine.has_admin().expect("has admin"));
    let stale = d.engine.new_setup_token().expect("token");
    d.clock.advance(chrono::Duration::minutes(31));
    assert!(!d.engine.setup_token_valid(&stale).expect("valid"));
    let fresh = d.engine.new_setup_token().expect("token");
    let admin = model::NewAgent {
        name: "Admin".into(),
        email: "admin@desk.example".into(),
        password: "a long enough password".into(),
        admin: false,
    };
    let signed = d.engine.complete_setup(&fresh, &admin).expect("setup");
    assert_eq!(signed.agent.role, model::Role::Admin);
    assert!(d.engine.has_admin().expect("has admin"));
    let again = d.engine.complete_setup(&fresh, &admin).expect_err("used");
    assert_eq!(again.kind(), ErrorKind::NotFound);
}

#[test]
fn reply_to_closed_ticket_opens_follow_up() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    let created = d.customer_writes("Broken screen", "It flickers.");
    d.engine
        .set_status(agent, 1, TicketStatus::Closed)
        .expect("close");
    let outcome = d
        .engine
        .customer_reply(1, &secret(&created), "It flickers again.")
        .expect("reply");
    let model::CustomerReplied::FollowUp(follow_up) = outcome else {
        panic!("expected a follow-up, got {outcome:?}");
    };
    assert_eq!(follow_up.number, 2);
    let old = d.engine.ticket_detail(d.viewer(), 1).expect("old");
    assert_eq!(old.summary.status, TicketStatus::Closed);
    assert_eq!(old.messages.len(), 1, "the closed ticket is left as it was");
    let new = d
        .engine
        .customer_ticket(2, &secret(&follow_up))
        .expect("follow-up view");
    assert_eq!(new.status, TicketStatus::New);
    assert_eq!(new.subject, "Broken screen");
    assert_eq!(new.messages[0].body, "It flickers again.");
    assert_eq!(
        d.engine
            .ticket_detail(d.viewer(), 2)
            .expect("new")
            .summary
            .follow_up_of,
        Some(1)
    );
    assert!(d
        .engine
        .ticket_history(d.viewer(), 1)
        .expect("history")
        .iter()
        .any(|e| e.change == Change::FollowUpOpened { ticket: 2 }));
    // The old link does not open the new ticket.
    assert_eq!(
        d.engine
            .customer_ticket(2, &secret(&created))
            .expect_err("old key")
            .kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn expired_sessions_are_refused_and_pruned() {
    let d = desk();
    d.agent("ivan@desk.example");
    let s = d
        .engine
        .sign_in("ivan@desk.example", "correct horse battery", "192.0.2.1")
        .expect("sign in");
    d.clock
        .advance(engine::auth::SESSION_LIFETIME + chrono::Duration::minutes(1));
    assert_eq!(
        d.engine
            .session_agent(&s.session)
            .expect_err("expired")
            .kind(),
        ErrorKind::Unauthorized
    );
    d.engine
        .sign_in("ivan@desk.example", "correct horse battery", "192.0.2.1")
        .expect("sign in again");
    assert_eq!(d.engine.session_count().expect("count"), 2);
    d.engine.prune_sessions().expect("prune");
    assert_eq!(
        d.engine.session_count().expect("count"),
        1,
        "only the live session is kept"
    );
}
