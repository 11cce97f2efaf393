//! The outbox: messages wait without an SMTP server, are retried with growing pauses,
//! fail for good when the server says so, and can be sent again; the SMTP password is
//! sealed and never shown back.

mod common;

use chrono::Duration;
use common::desk;
use engine::ErrorKind;
use model::{MailState, SmtpSecurity, SmtpSettings};

fn settings(password: Option<&str>) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: 2525,
        security: SmtpSecurity::None,
        username: "desk".into(),
        password: password.map(str::to_string),
        password_set: false,
        from: "support@desk.example".into(),
    }
}

#[test]
fn messages_wait_without_a_server_and_retry_with_growing_pauses() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    assert!(e.smtp_config().expect("config").is_none());
    e.send_test_mail(admin, "ana@example.com").expect("queued");
    assert!(e.send_test_mail(admin, "not an address").is_err());
    let due = e.due_mail(10).expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].to, "ana@example.com");
    let listed = e.outgoing_mail(admin).expect("outbox");
    assert_eq!(listed[0].state, MailState::Waiting);
    // A temporary failure: tried again after a minute, not before.
    e.mail_result(due[0].id, Err(("421 busy".into(), false)))
        .expect("result");
    assert!(e.due_mail(10).expect("due").is_empty());
    let m = &e.outgoing_mail(admin).expect("outbox")[0];
    assert_eq!((m.state, m.attempts), (MailState::Retrying, 1));
    assert_eq!(m.last_error, "421 busy");
    d.clock.advance(Duration::seconds(61));
    assert_eq!(e.due_mail(10).expect("due").len(), 1);
    // The next pause is longer.
    e.mail_result(due[0].id, Err(("421 busy".into(), false)))
        .expect("result");
    d.clock.advance(Duration::seconds(61));
    assert!(e.due_mail(10).expect("due").is_empty());
    d.clock.advance(Duration::minutes(5));
    assert_eq!(e.due_mail(10).expect("due").len(), 1);
    // Sent.
    e.mail_result(due[0].id, Ok(())).expect("sent");
    let m = &e.outgoing_mail(admin).expect("outbox")[0];
    assert_eq!(m.state, MailState::Sent);
    assert!(m.sent_at.is_some());
    assert!(e.due_mail(10).expect("due").is_empty());
}

#[test]
fn a_permanent_failure_stops_until_an_admin_sends_again() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let agent = common::agent(&d, "Tim", false);
    e.send_test_mail(admin, "gone@example.com").expect("queued");
    let id = e.due_mail(1).expect("due")[0].id;
    e.mail_result(id, Err(("550 no such user".into(), true)))
        .expect("result");
    d.clock.advance(Duration::days(1));
    assert!(e.due_mail(10).expect("due").is_empty());
    assert_eq!(
        e.outgoing_mail(admin).expect("o")[0].state,
        MailState::Failed
    );
    assert_eq!(
        e.resend_mail(agent, id).expect_err("agents cannot").kind(),
        ErrorKind::Forbidden
    );
    assert!(e.outgoing_mail(agent).is_err());
    e.resend_mail(admin, id).expect("resend");
    assert_eq!(e.due_mail(10).expect("due").len(), 1);
    // Too many temporary failures end as failed too.
    for _ in 0..engine::mail::MAX_ATTEMPTS {
        e.mail_result(id, Err(("421".into(), false))).expect("r");
        d.clock.advance(Duration::hours(7));
    }
    assert_eq!(
        e.outgoing_mail(admin).expect("o")[0].state,
        MailState::Failed
    );
}

#[test]
fn the_smtp_password_is_sealed_and_never_shown_back() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let agent = common::agent(&d, "Tim", false);
    assert!(e.set_smtp_settings(agent, &settings(Some("x"))).is_err());
    e.set_smtp_settings(admin, &settings(Some("s3cret-pass")))
        .expect("save");
    let shown = e.smtp_settings(admin).expect("settings");
    assert_eq!(shown.password, None);
    assert!(shown.password_set);
    assert_eq!(
        e.smtp_config().expect("config").expect("set").password,
        "s3cret-pass"
    );
    // Saving without a password keeps it; an empty one removes it.
    e.set_smtp_settings(admin, &settings(None)).expect("save");
    assert_eq!(
        e.smtp_config().expect("c").expect("set").password,
        "s3cret-pass"
    );
    // The database file never holds the password in clear.
    let raw = std::fs::read(engine::db_file(d.dir.path())).expect("db");
    assert!(!raw.windows(11).any(|w| w == b"s3cret-pass"));
    e.set_smtp_settings(admin, &settings(Some("")))
        .expect("save");
    assert!(!e.smtp_settings(admin).expect("s").password_set);
    // A sender address is needed once a host is given.
    let mut bad = settings(None);
    bad.from = "nobody".into();
    assert!(e.set_smtp_settings(admin, &bad).is_err());
}
