//! The messages the desk sends by itself, in words an admin may change: a new ticket by
//! mail is acknowledged (never to a machine, spam, the desk or its agents), an agent's
//! reply is wrapped in its template, the survey and the sign-in link use theirs; a
//! template that would lose the reply or the link is refused, and the default comes back.

mod common;

use common::desk;
use model::{MailKind, TemplateKind};

fn mail(from: &str, id: &str, headers: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@desk.example\r\nSubject: Printer jams\r\nMessage-ID: <{id}>\r\n{headers}\r\nPage two jams.\r\n"
    )
    .into_bytes()
}

#[test]
fn new_mail_is_acknowledged_in_the_admins_words_and_machines_are_not() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let tim = common::agent(&d, "Tim", false);
    let first = e
        .ingest_mail(&mail("Ana Kovač <ana@example.com>", "a1@example.com", ""))
        .expect("in");
    let due = e.due_mail(10).expect("due");
    let ack = due
        .iter()
        .find(|m| m.to == "ana@example.com")
        .expect("acknowledged");
    assert_eq!(ack.subject, format!("[#{}] Printer jams", first.ticket));
    assert!(ack.text.contains("Hello Ana Kovač,"), "{}", ack.text);
    assert!(ack.automatic, "marked Auto-Submitted");

    // Machines, spam and the desk's own agents are never answered.
    for (n, (from, headers)) in [
        ("bob@example.com", "Auto-Submitted: auto-replied\r\n"),
        ("cy@example.com", "X-Spam-Flag: YES\r\n"),
        ("list@example.com", "Precedence: bulk\r\n"),
        ("tim@desk.example", ""),
    ]
    .into_iter()
    .enumerate()
    {
        e.ingest_mail(&mail(from, &format!("m{n}@example.com"), headers))
            .expect("in");
        assert!(
            e.due_mail(50).expect("due").iter().all(|m| m.to != from),
            "{from} got an acknowledgement"
        );
    }

    // A forged sender gets nothing, and no address gets more than a few a day.
    e.ingest_mail(&mail(
        "victim@example.org",
        "v0@example.com",
        "Authentication-Results: mx.desk.example; dmarc=fail\r\n",
    ))
    .expect("in");
    assert!(e
        .due_mail(50)
        .expect("due")
        .iter()
        .all(|m| m.to != "victim@example.org"));
    for n in 0..8 {
        e.ingest_mail(&mail("flood@example.org", &format!("f{n}@example.com"), ""))
            .expect("in");
    }
    let flood = e
        .due_mail(100)
        .expect("due")
        .iter()
        .filter(|m| m.to == "flood@example.org")
        .count();
    assert_eq!(flood, 5);

    // An agent may not change templates; an admin may, and the next one says it.
    assert!(e
        .save_template(tim, TemplateKind::Acknowledgement, Some(("x", "y", true)))
        .is_err());
    e.save_template(
        admin,
        TemplateKind::Acknowledgement,
        Some((
            "Got it: {{ticket.subject}} (#{{ ticket.number }})",
            "Dear {{customer.name}}, {{desk.name}} has your request.",
            true,
        )),
    )
    .expect("saved");
    let second = e
        .ingest_mail(&mail("Iva <iva@example.com>", "i1@example.com", ""))
        .expect("in");
    let due = e.due_mail(50).expect("due");
    let ack = due
        .iter()
        .find(|m| m.to == "iva@example.com")
        .expect("acknowledged");
    assert_eq!(
        ack.subject,
        format!("Got it: Printer jams (#{})", second.ticket)
    );
    assert_eq!(ack.text, "Dear Iva, Tessera has your request.");
    let shown = e.templates(admin).expect("list");
    assert!(shown[0].changed && shown[0].enabled);

    // Turned off: no acknowledgement; the other templates cannot be turned off.
    e.save_template(
        admin,
        TemplateKind::Acknowledgement,
        Some(("s", "t", false)),
    )
    .expect("off");
    e.ingest_mail(&mail("zoe@example.com", "z1@example.com", ""))
        .expect("in");
    assert!(e
        .due_mail(50)
        .expect("due")
        .iter()
        .all(|m| m.to != "zoe@example.com"));
    e.save_template(
        admin,
        TemplateKind::Survey,
        Some(("s {{rating.good}}", "t", false)),
    )
    .expect("saved");
    assert!(e.templates(admin).expect("list")[2].enabled);

    // Put back: the default again.
    e.save_template(admin, TemplateKind::Acknowledgement, None)
        .expect("reset");
    let shown = e.templates(admin).expect("list");
    assert!(!shown[0].changed);
    assert!(shown[0].text.contains("{{ticket.link}}"));
}

#[test]
fn replies_and_links_go_out_in_their_templates_which_keep_what_matters() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    let refused: Vec<String> = e
        .save_template(
            admin,
            TemplateKind::Reply,
            Some(("Re: {{ticket.subject}}", "Thanks!", true)),
        )
        .expect_err("no reply")
        .fields()
        .iter()
        .map(|f| f.key.clone())
        .collect();
    assert_eq!(refused, ["error.template_reply"]);
    assert!(e
        .save_template(admin, TemplateKind::SignIn, Some(("Link", "Hello", true)))
        .is_err());
    assert!(e
        .save_template(admin, TemplateKind::Reply, Some(("", "{{reply}}", true)))
        .is_err());
    e.save_template(
        admin,
        TemplateKind::Reply,
        Some((
            "Re: [#{{ticket.number}}] {{ticket.subject}}",
            "Hi {{customer.name}},\n\n{{reply}}\n\n{{agent.name}}, {{desk.name}}",
            true,
        )),
    )
    .expect("saved");
    let t = e
        .ingest_mail(&mail("Ana <ana@example.com>", "a1@example.com", ""))
        .expect("in");
    e.reply(admin, t.ticket, "Clean the roller.")
        .expect("reply");
    let due = e.due_mail(50).expect("due");
    let out = due
        .iter()
        .find(|m| m.text.contains("Clean the roller."))
        .expect("mailed");
    assert_eq!(out.text, "Hi Ana,\n\nClean the roller.\n\nMara, Tessera");
    assert!(!out.automatic, "a person wrote it");

    // The sign-in link in its template.
    e.save_template(
        admin,
        TemplateKind::SignIn,
        Some((
            "Your link to {{desk.name}}",
            "Open {{link}} within {{minutes}} minutes.",
            true,
        )),
    )
    .expect("saved");
    e.request_sign_in_link("ana@example.com", "https://help.example.com")
        .expect("link");
    let due = e.due_mail(50).expect("due");
    let link = due
        .iter()
        .find(|m| m.subject == "Your link to Tessera")
        .expect("sign-in mail");
    assert!(link
        .text
        .starts_with("Open https://help.example.com/portal/sign-in/"));
    assert!(e
        .outgoing_mail(admin)
        .expect("outbox")
        .iter()
        .any(|m| m.kind == MailKind::Acknowledgement));
}

#[test]
fn the_acknowledgement_promises_a_time_and_another_text_applies_when_closed() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    // Monday 09:00 UTC; open 09:00–17:00 in Ljubljana (UTC+1 in March): 10:00 there.
    let cal = e
        .save_calendar(
            admin,
            &model::Calendar {
                name: "Office".into(),
                ..model::Calendar::weekdays("Europe/Ljubljana", 9, 17)
            },
        )
        .expect("calendar");
    e.use_calendar(admin, None, Some(cal.id)).expect("default");
    e.save_sla_policy(
        admin,
        &model::SlaPolicy {
            name: "Standard".into(),
            targets: model::SlaTargets {
                first_response: Some(8 * 60),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .expect("policy");
    e.save_template(
        admin,
        TemplateKind::Acknowledgement,
        Some((
            "[#{{ticket.number}}] Received",
            "We will answer by {{answer_by}}.",
            true,
        )),
    )
    .expect("template");
    e.ingest_mail(&mail("Ana <ana@example.com>", "p1@example.com", ""))
        .expect("in");
    let due = e.due_mail(10).expect("due");
    let ack = due.iter().find(|m| m.to == "ana@example.com").expect("ack");
    // Eight business hours from Monday 10:00 local: Tuesday 10:00.
    assert_eq!(
        ack.text,
        "We will answer by Tuesday 3 March 2026 at 10:00 (Europe/Ljubljana)."
    );

    // Saturday: closed, so the out-of-hours text, which says when the desk opens.
    d.clock.advance(chrono::Duration::days(5));
    e.ingest_mail(&mail("Bo <bo@example.com>", "p2@example.com", ""))
        .expect("in");
    let due = e.due_mail(10).expect("due");
    let closed = due.iter().find(|m| m.to == "bo@example.com").expect("ack");
    assert!(
        closed
            .text
            .contains("We are closed right now and back Monday 9 March 2026 at 09:00"),
        "{}",
        closed.text
    );
}
