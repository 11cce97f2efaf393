//! What a stranger on the internet tries: guessing passwords in parallel, locking the
//! owner out, racing the setup link, flooding a ticket; and what an admin does about
//! an agent who leaves.

mod common;

use std::sync::Arc;

use common::*;
use engine::throttle::{PortalLimits, SIGN_IN_ATTEMPTS};
use engine::{ErrorKind, Options};
use model::NewAgent;

const PASSWORD: &str = "correct horse battery";

#[test]
fn parallel_guesses_get_no_more_password_checks_than_the_limit() {
    let d = desk();
    d.agent("ivan@desk.example");
    let engine = Arc::new(d.engine);
    let threads: Vec<_> = (0..40)
        .map(|i| {
            let engine = engine.clone();
            std::thread::spawn(move || loop {
                // An attacker retries whatever the desk says is busy.
                let kind = engine
                    .sign_in("ivan@desk.example", &format!("guess {i}"), "203.0.113.9")
                    .expect_err("wrong password")
                    .kind();
                if kind != ErrorKind::Busy {
                    return kind;
                }
                std::thread::yield_now();
            })
        })
        .collect();
    let kinds: Vec<ErrorKind> = threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    let checked = kinds
        .iter()
        .filter(|k| **k == ErrorKind::Unauthorized)
        .count();
    assert!(
        checked <= SIGN_IN_ATTEMPTS as usize,
        "{checked} passwords checked"
    );
    assert!(kinds
        .iter()
        .all(|k| matches!(k, ErrorKind::Unauthorized | ErrorKind::TooManyRequests)));
    assert!(kinds.contains(&ErrorKind::TooManyRequests));
}

#[test]
fn a_stranger_failing_elsewhere_does_not_lock_the_owner_out() {
    let d = desk();
    d.agent("ivan@desk.example");
    for _ in 0..SIGN_IN_ATTEMPTS + 3 {
        let _ = d
            .engine
            .sign_in("ivan@desk.example", "guess", "198.51.100.7");
    }
    let refused = d
        .engine
        .sign_in("ivan@desk.example", PASSWORD, "198.51.100.7")
        .expect_err("the stranger's address is throttled");
    assert_eq!(refused.kind(), ErrorKind::TooManyRequests);
    assert!(refused.retry_after().is_some_and(|s| s > 0));
    d.engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect("the owner, from their own address, signs in");
}

#[test]
fn a_huge_email_is_refused_without_being_kept_whole() {
    let d = desk();
    let huge = "a".repeat(2 * 1024 * 1024) + "@example.com";
    let e = d
        .engine
        .sign_in(&huge, "x", "192.0.2.1")
        .expect_err("no such agent");
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    let e = d
        .engine
        .sign_in(
            "ivan@desk.example",
            &"p".repeat(2 * 1024 * 1024),
            "192.0.2.1",
        )
        .expect_err("too long");
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(d.engine.throttle().remembered() <= 2);
}

#[test]
fn two_setups_racing_make_one_admin() {
    let d = desk();
    let secret = d.engine.new_setup_token().expect("token");
    let engine = Arc::new(d.engine);
    let threads: Vec<_> = (0..6)
        .map(|i| {
            let (engine, secret) = (engine.clone(), secret.clone());
            std::thread::spawn(move || {
                let admin = NewAgent {
                    name: format!("Admin {i}"),
                    email: format!("admin{i}@desk.example"),
                    password: PASSWORD.into(),
                    admin: true,
                };
                engine.complete_setup(&secret, &admin).is_ok()
            })
        })
        .collect();
    let won = threads
        .into_iter()
        .filter(|_| true)
        .map(|t| t.join().expect("thread"))
        .filter(|ok| *ok)
        .count();
    assert_eq!(won, 1);
    assert_eq!(engine.agents().expect("agents").len(), 1);
}

#[test]
fn a_ticket_takes_at_most_its_configured_number_of_messages() {
    let d = desk_with(Options {
        max_messages_per_ticket: 3,
        ..Default::default()
    });
    let t = d.customer_writes("Help", "First");
    let agent = d.agent("ivan@desk.example");
    d.engine
        .reply(agent, t.number, "Second")
        .expect("room for two more");
    d.engine
        .customer_reply(t.number, &secret(&t), "Third")
        .expect("the last one");
    let e = d
        .engine
        .customer_reply(t.number, &secret(&t), "Fourth")
        .expect_err("full");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(e.fields()[0].key, "error.ticket_full");
    let e = d
        .engine
        .add_note(agent, t.number, "Note")
        .expect_err("full for agents too");
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[test]
fn the_portal_limits_new_tickets_per_address_and_replies_per_ticket() {
    let d = desk_with(Options {
        portal_limits: PortalLimits {
            tickets_per_hour: 2,
            replies_per_hour: 3,
        },
        ..Default::default()
    });
    let throttle = d.engine.throttle();
    throttle.portal_ticket("192.0.2.1").expect("first");
    throttle.portal_ticket("192.0.2.1").expect("second");
    let e = throttle.portal_ticket("192.0.2.1").expect_err("third");
    assert_eq!(e.kind(), ErrorKind::TooManyRequests);
    throttle
        .portal_ticket("192.0.2.2")
        .expect("another address");
    for _ in 0..3 {
        throttle.portal_reply("192.0.2.10").expect("reply");
    }
    let e = throttle
        .portal_reply("192.0.2.10")
        .expect_err("the address has had enough");
    assert_eq!(e.kind(), ErrorKind::TooManyRequests);
    // Per ticket, only replies with the private link count.
    let t = d.customer_writes("Help", "First");
    for i in 0..3 {
        d.engine
            .customer_reply(t.number, &secret(&t), &format!("More {i}"))
            .expect("reply");
    }
    for _ in 0..10 {
        let e = d
            .engine
            .customer_reply(t.number, "guessed-key", "spam")
            .expect_err("no key");
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
    let e = d
        .engine
        .customer_reply(t.number, &secret(&t), "Once more")
        .expect_err("the ticket has had enough");
    assert_eq!(e.kind(), ErrorKind::TooManyRequests);
    d.clock.advance(chrono::Duration::hours(1));
    throttle.portal_ticket("192.0.2.1").expect("an hour later");
}

#[test]
fn deactivating_an_agent_ends_their_sessions_and_sign_ins() {
    let d = desk();
    let admin = d
        .engine
        .create_agent(
            None,
            &NewAgent {
                name: "Mara".into(),
                email: "mara@desk.example".into(),
                password: PASSWORD.into(),
                admin: true,
            },
        )
        .expect("admin")
        .id;
    let ivan = d.agent("ivan@desk.example");
    let s = d
        .engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect("sign in");
    let e = d
        .engine
        .set_agent_active(ivan, admin, false)
        .expect_err("not an admin");
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    d.engine
        .set_agent_active(admin, ivan, false)
        .expect("deactivate");
    assert_eq!(
        d.engine
            .session_agent(&s.session)
            .expect_err("ended")
            .kind(),
        ErrorKind::Unauthorized
    );
    let e = d
        .engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect_err("inactive");
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    d.engine
        .set_agent_active(admin, ivan, true)
        .expect("reactivate");
    d.engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect("back");
    assert!(
        d.engine.set_agent_active(admin, admin, false).is_err(),
        "not yourself"
    );
}

#[test]
fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let d = desk();
    let ivan = d.agent("ivan@desk.example");
    let here = d
        .engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect("here");
    let there = d
        .engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.2")
        .expect("there");
    let e = d
        .engine
        .change_password(ivan, &here.session, "wrong", "a new long password")
        .expect_err("wrong current");
    assert_eq!(e.fields()[0].key, "error.password_wrong");
    let e = d
        .engine
        .change_password(ivan, &here.session, PASSWORD, "short")
        .expect_err("too short");
    assert_eq!(e.fields()[0].key, "error.password_too_short");
    d.engine
        .change_password(ivan, &here.session, PASSWORD, "a new long password")
        .expect("changed");
    d.engine
        .session_agent(&here.session)
        .expect("this session goes on");
    assert_eq!(
        d.engine
            .session_agent(&there.session)
            .expect_err("ended")
            .kind(),
        ErrorKind::Unauthorized
    );
    d.engine
        .sign_in("ivan@desk.example", "a new long password", "192.0.2.3")
        .expect("the new password works");
}

#[test]
fn signing_in_often_never_locks_the_owner_out_but_failures_do() {
    let d = desk();
    d.agent("ivan@desk.example");
    for _ in 0..3 * SIGN_IN_ATTEMPTS {
        d.engine
            .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
            .expect("each sign-in succeeds");
    }
    // A success clears earlier failures; only failures in a row add up.
    for _ in 0..SIGN_IN_ATTEMPTS - 1 {
        let _ = d.engine.sign_in("ivan@desk.example", "typo", "192.0.2.1");
    }
    d.engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect("four typos, then the right password");
    for _ in 0..SIGN_IN_ATTEMPTS {
        let _ = d.engine.sign_in("ivan@desk.example", "typo", "192.0.2.1");
    }
    let e = d
        .engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect_err("five failures in a row");
    assert_eq!(e.kind(), ErrorKind::TooManyRequests);
    d.clock.advance(chrono::Duration::minutes(16));
    d.engine
        .sign_in("ivan@desk.example", PASSWORD, "192.0.2.1")
        .expect("after the window");
}

#[test]
fn one_address_cycling_through_accounts_is_limited_too() {
    let d = desk();
    let mut refused = None;
    for i in 0..engine::throttle::SIGN_IN_ATTEMPTS_PER_ADDRESS + 1 {
        // Implausible input costs nothing and counts nowhere.
        let e = d
            .engine
            .sign_in(&"x".repeat(300), "p", "198.51.100.3")
            .expect_err("no such account");
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        if let Err(e) = d.engine.throttle().sign_in_from("198.51.100.3") {
            refused = Some((i, e.kind()));
            break;
        }
    }
    assert_eq!(
        refused,
        Some((
            engine::throttle::SIGN_IN_ATTEMPTS_PER_ADDRESS,
            ErrorKind::TooManyRequests
        ))
    );
    assert_eq!(
        d.engine.throttle().remembered(),
        1,
        "only the address is remembered"
    );
}

#[test]
fn a_long_conversation_comes_in_pages_of_the_newest_messages() {
    let d = desk();
    let agent = d.agent("ivan@desk.example");
    let t = d.customer_writes("Long", "message 0");
    for i in 1..=60 {
        if i % 10 == 0 {
            d.engine
                .add_note(agent, t.number, &format!("note {i}"))
                .expect("note");
        } else {
            d.engine
                .reply(agent, t.number, &format!("message {i}"))
                .expect("reply");
        }
    }
    let page = d
        .engine
        .ticket_detail(d.viewer(), t.number)
        .expect("detail");
    assert_eq!(page.messages.len(), model::limits::CONVERSATION_PAGE);
    assert!(page.earlier);
    assert_eq!(
        page.messages.last().map(|m| m.body.as_str()),
        Some("note 60")
    );
    assert_eq!(
        page.messages[0].body, "message 11",
        "oldest first within the page"
    );
    let all = d
        .engine
        .ticket_detail_latest(d.viewer(), t.number, 1000)
        .expect("all");
    assert_eq!(all.messages.len(), 61);
    assert!(!all.earlier);
    let customer = d
        .engine
        .customer_ticket_latest(t.number, &secret(&t), 1000)
        .expect("customer");
    assert_eq!(
        customer.messages.len(),
        55,
        "notes are never shown to customers"
    );
    assert!(!customer.earlier);
    let customer = d
        .engine
        .customer_ticket(t.number, &secret(&t))
        .expect("customer");
    assert_eq!(customer.messages.len(), 50);
    assert!(customer.earlier);
    assert!(customer
        .messages
        .iter()
        .all(|m| !m.body.starts_with("note")));
}
