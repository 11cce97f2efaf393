//! Customers' accounts in the portal: one-time sign-in links mailed to known addresses,
//! sessions that see only their own tickets, and the status lookup that mails a link
//! instead of showing anything.

mod common;

use chrono::Duration;
use common::{desk, secret};
use engine::portal::SESSION_KEY;
use model::MailKind;

/// The token in the newest mailed link.
fn mailed_token(e: &engine::Engine, admin: u64) -> (String, MailKind) {
    let due = e.due_mail(50).expect("due");
    let m = due.last().expect("a message");
    let token = m
        .text
        .split_whitespace()
        .find_map(|w| w.split("/portal/sign-in/").nth(1))
        .expect("a link")
        .to_string();
    let kind = e.outgoing_mail(admin).expect("outbox")[0].kind;
    (token, kind)
}

#[test]
fn a_customer_signs_in_once_by_link_and_sees_only_their_tickets() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let ana = d.customer_writes("First", "Hello");
    let ana2 = d.customer_writes("Second", "Again");
    let bob = e
        .create_ticket(
            &common::new_ticket("Bob", "bob@example.com", "Bob's", "Hi"),
            model::Channel::Portal,
        )
        .expect("bob");
    // An unknown address gets nothing, and is told the same.
    e.request_sign_in_link("nobody@example.com", "https://help.example")
        .expect("same answer");
    assert!(e.due_mail(10).expect("due").is_empty());
    e.request_sign_in_link("ANA@example.com", "https://help.example")
        .expect("sent");
    let (token, kind) = mailed_token(e, admin);
    assert_eq!(kind, MailKind::SignInLink);
    let signed = e.customer_sign_in(&token).expect("signed in");
    assert!(e.customer_sign_in(&token).is_err(), "used once");
    let mine: Vec<u64> = e
        .customer_tickets(&signed.session)
        .expect("mine")
        .iter()
        .map(|t| t.number)
        .collect();
    assert_eq!(mine, vec![ana2.number, ana.number]);
    // The session opens her tickets, replies and all, and never Bob's.
    let key = format!("{SESSION_KEY}{}", signed.session);
    assert!(e.customer_ticket(ana.number, &key).is_ok());
    e.customer_reply(ana.number, &key, "Signed in and replying")
        .expect("reply");
    assert!(e.customer_ticket(bob.number, &key).is_err());
    assert!(e.customer_reply(bob.number, &key, "x").is_err());
    assert!(e
        .customer_ticket(bob.number, &format!("{SESSION_KEY}forged"))
        .is_err());
    // Bob's own link still works; signing out ends Ana's session.
    assert!(e.customer_ticket(bob.number, &secret(&bob)).is_ok());
    e.customer_sign_out(&signed.session).expect("out");
    assert!(e.customer_tickets(&signed.session).is_err());
    assert!(e.customer_ticket(ana.number, &key).is_err());
}

#[test]
fn links_expire_and_sessions_end() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    d.customer_writes("First", "Hello");
    e.request_sign_in_link("ana@example.com", "https://help.example")
        .expect("sent");
    let (token, _) = mailed_token(e, admin);
    d.clock.advance(Duration::minutes(31));
    assert!(e.customer_sign_in(&token).is_err(), "expired");
    e.request_sign_in_link("ana@example.com", "https://help.example")
        .expect("sent");
    let (token, _) = mailed_token(e, admin);
    let signed = e.customer_sign_in(&token).expect("in");
    d.clock.advance(Duration::days(31));
    assert!(e.customer_tickets(&signed.session).is_err(), "session over");
}

#[test]
fn the_status_lookup_mails_the_requester_only() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let ana = d.customer_writes("Mine", "Hello");
    e.create_ticket(
        &common::new_ticket("Bob", "bob@example.com", "Bob's", "Hi"),
        model::Channel::Portal,
    )
    .expect("bob");
    // Bob asks about Ana's ticket: nothing is sent, and the answer is the same.
    e.request_ticket_link(ana.number, "bob@example.com", "https://help.example")
        .expect("same answer");
    e.request_ticket_link(9999, "ana@example.com", "https://help.example")
        .expect("same answer");
    assert!(e.due_mail(10).expect("due").is_empty());
    e.request_ticket_link(ana.number, "ana@example.com", "https://help.example")
        .expect("sent");
    let due = e.due_mail(10).expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].to, "ana@example.com");
    assert!(due[0].text.contains("https://help.example/portal/sign-in/"));
    let (token, kind) = mailed_token(e, admin);
    assert_eq!(kind, MailKind::TicketLink);
    let signed = e.customer_sign_in(&token).expect("in");
    assert_eq!(signed.ticket, Some(ana.number));
}

#[test]
fn a_customer_may_choose_a_password_and_sign_in_with_it() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let ana = d.customer_writes("First", "Hello");
    e.request_sign_in_link("ana@example.com", "https://help.example")
        .expect("sent");
    let (token, _) = mailed_token(e, admin);
    let first = e.customer_sign_in(&token).expect("in by link");
    // No password yet: none works.
    assert!(!e.customer_has_password(&first.session).expect("has"));
    assert!(e
        .customer_sign_in_password("ana@example.com", "", "10.0.0.1")
        .is_err());
    // Too short is refused; a good one is kept, hashed.
    let err = e
        .set_customer_password(&first.session, "", Some("short"))
        .expect_err("short");
    assert_eq!(err.fields()[0].key, "error.password_too_short");
    // A second browser, signed in by link before the password is set.
    e.request_sign_in_link("ana@example.com", "https://help.example")
        .expect("sent");
    let (token, _) = mailed_token(e, admin);
    let other = e.customer_sign_in(&token).expect("second browser");
    e.set_customer_password(&first.session, "", Some("a long secret phrase"))
        .expect("set");
    assert!(e.customer_has_password(&first.session).expect("has"));
    // Setting it ends the other sessions and keeps this one.
    assert!(e.customer_tickets(&other.session).is_err());
    assert!(e.customer_tickets(&first.session).is_ok());
    // Signing in: any case of the address, the right password only.
    assert!(e
        .customer_sign_in_password("ana@example.com", "wrong password!", "10.0.0.1")
        .is_err());
    assert!(e
        .customer_sign_in_password("bob@example.com", "a long secret phrase", "10.0.0.1")
        .is_err());
    let signed = e
        .customer_sign_in_password("ANA@example.com", "a long secret phrase", "10.0.0.1")
        .expect("in by password");
    let key = format!("{SESSION_KEY}{}", signed.session);
    assert!(e.customer_ticket(ana.number, &key).is_ok());
    // An agent's password is not a customer's, nor the other way round.
    assert!(e
        .sign_in("ana@example.com", "a long secret phrase", "10.0.0.1")
        .is_err());
    // Removed, it signs in no more; links still do.
    let err = e
        .set_customer_password(&signed.session, "not it at all", None)
        .expect_err("current needed");
    assert_eq!(err.fields()[0].key, "error.password_wrong");
    e.set_customer_password(&signed.session, "a long secret phrase", None)
        .expect("removed");
    assert!(e
        .customer_sign_in_password("ana@example.com", "a long secret phrase", "10.0.0.1")
        .is_err());
    // Guessing is throttled like agents' sign-ins.
    let mut refused = false;
    for _ in 0..30 {
        if let Err(e) =
            e.customer_sign_in_password("ana@example.com", "guess guess guess", "10.0.0.9")
        {
            if e.kind() == engine::ErrorKind::TooManyRequests {
                refused = true;
                break;
            }
        }
    }
    assert!(refused, "guesses are throttled");
}
