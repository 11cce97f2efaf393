//! The conversation's richer parts: attachments in the blob store, logged calls, held
//! sends, Markdown, notifications and who is on a ticket.

mod common;

use chrono::Duration;
use common::{desk, secret, team, ticket_in};
use engine::presence::Doing;
use engine::store::records::Actor;
use engine::tickets::Post;
use engine::ErrorKind;
use model::{CallDirection, CallInfo, MessageKind, NotificationKind};

/// Uploads `bytes` as `owner`'s file `name`.
fn upload(e: &engine::Engine, owner: Actor, name: &str, bytes: &[u8]) -> model::Attachment {
    let mut u = e.start_upload(Some(bytes.len() as u64)).expect("start");
    for chunk in bytes.chunks(7) {
        u.write(chunk).expect("write");
    }
    e.finish_upload(owner, name, "text/plain", u)
        .expect("finish")
}

fn blob_files(dir: &std::path::Path) -> usize {
    let blobs = engine::files::blobs_dir(dir);
    let Ok(dirs) = std::fs::read_dir(&blobs) else {
        return 0;
    };
    dirs.flatten()
        .filter(|d| d.file_name() != "tmp")
        .map(|d| std::fs::read_dir(d.path()).map(|f| f.count()).unwrap_or(0))
        .sum()
}

fn post<'a>(kind: MessageKind, body: &'a str, files: &'a [u64]) -> Post<'a> {
    Post {
        attachments: files,
        ..Post::new(kind, body)
    }
}

#[test]
fn files_are_stored_once_attached_and_served_only_to_who_may_see_them() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let n = ticket_in(&d, &t, t.billing);
    let created_secret = {
        // The ticket's private link: ticket_in made it through the portal.
        let c = d.customer_writes("Second", "Another question.");
        e.set_department(t.admin, c.number, Some(t.billing))
            .expect("route");
        (c.number, secret(&c))
    };
    let a = upload(e, Actor::Agent(t.bo), "invoice.txt", b"same bytes");
    let b = upload(e, Actor::Agent(t.bo), "copy.txt", b"same bytes");
    assert_ne!(a.id, b.id);
    assert_eq!(blob_files(d.dir.path()), 1, "one blob for one content");
    // Another agent cannot attach Bo's uploads, nor fetch them before they are sent.
    let stolen = e.post(t.lea, n, &post(MessageKind::Reply, "Mine now", &[a.id]));
    assert_eq!(stolen.expect_err("refused").kind(), ErrorKind::Invalid);
    assert_eq!(
        e.attachment_for_agent(t.lea, a.id)
            .expect_err("hidden")
            .kind(),
        ErrorKind::NotFound
    );
    // Attached to a reply, with no text at all.
    let reply = e
        .post(t.bo, n, &post(MessageKind::Reply, "", &[a.id]))
        .expect("reply with a file");
    let note = e
        .post(t.bo, n, &post(MessageKind::Note, "internal", &[b.id]))
        .expect("note with a file");
    let detail = e.ticket_detail(t.bo, n).expect("detail");
    let on_reply = detail
        .messages
        .iter()
        .find(|m| m.id == reply)
        .expect("reply shown");
    assert_eq!(on_reply.attachments.len(), 1);
    assert_eq!(on_reply.attachments[0].name, "invoice.txt");
    assert!(detail
        .messages
        .iter()
        .any(|m| m.id == note && m.attachments[0].id == b.id));
    // Used once: a second message cannot take the same upload.
    assert!(e
        .post(t.bo, n, &post(MessageKind::Note, "again", &[a.id]))
        .is_err());
    // Agents who see the ticket download it; Tim (Tech) does not even learn it exists.
    let (_, path) = e.attachment_for_agent(t.lea, a.id).expect("leader sees");
    assert_eq!(std::fs::read(path).expect("blob"), b"same bytes");
    assert_eq!(
        e.attachment_for_agent(t.tim, a.id)
            .expect_err("outside")
            .kind(),
        ErrorKind::NotFound
    );
    // The customer of another ticket gets nothing, by any of the ids.
    let (other, other_secret) = created_secret;
    for id in [a.id, b.id] {
        assert_eq!(
            e.attachment_for_customer(other, &other_secret, id)
                .expect_err("another ticket's file")
                .kind(),
            ErrorKind::NotFound
        );
    }
}

#[test]
fn the_customer_downloads_public_files_only_and_sends_their_own() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    let c = d.customer_writes("Screenshot", "See the error.");
    let key = secret(&c);
    let shot = upload(e, Actor::Agent(agent), "answer.txt", b"public file");
    let inside = upload(e, Actor::Agent(agent), "inside.txt", b"internal file");
    e.post(
        agent,
        c.number,
        &post(MessageKind::Reply, "Here", &[shot.id]),
    )
    .expect("reply");
    e.post(
        agent,
        c.number,
        &post(MessageKind::Note, "Ours", &[inside.id]),
    )
    .expect("note");
    assert!(e.attachment_for_customer(c.number, &key, shot.id).is_ok());
    assert_eq!(
        e.attachment_for_customer(c.number, &key, inside.id)
            .expect_err("a note's file")
            .kind(),
        ErrorKind::NotFound
    );
    assert!(e
        .attachment_for_customer(c.number, "wrong", shot.id)
        .is_err());
    // The customer uploads through their link and sends the file with a reply.
    let owner = e.customer_uploader(c.number, &key).expect("owner");
    let theirs = upload(e, owner, "error.txt", b"stack trace");
    // An agent cannot attach the customer's upload.
    assert!(e
        .post(
            agent,
            c.number,
            &post(MessageKind::Reply, "x", &[theirs.id])
        )
        .is_err());
    e.customer_reply_with_files(c.number, &key, "", &[theirs.id])
        .expect("reply with only a file");
    let detail = e.ticket_detail(agent, c.number).expect("detail");
    let last = detail.messages.last().expect("message");
    assert_eq!(last.attachments[0].name, "error.txt");
    assert!(e.attachment_for_agent(agent, theirs.id).is_ok());
    // Nor is a message with neither text nor file taken.
    assert!(e
        .customer_reply_with_files(c.number, &key, " ", &[])
        .is_err());
}

#[test]
fn files_past_the_limit_are_refused_and_names_are_made_safe() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Mara", true);
    assert_eq!(
        e.attachment_max_bytes().expect("limit"),
        25 * 1024 * 1024,
        "25 MiB unless set"
    );
    e.set_attachment_max_mib(admin, 1).expect("set");
    assert!(e.set_attachment_max_mib(admin, 0).is_err());
    let err = e
        .start_upload(Some(2 * 1024 * 1024))
        .err()
        .expect("announced too large");
    assert_eq!(err.fields()[0].key, "error.file_too_large");
    // A sender who announces nothing is stopped as the bytes pass the limit.
    let mut u = e.start_upload(None).expect("start");
    let chunk = vec![7u8; 64 * 1024];
    let mut refused = false;
    for _ in 0..20 {
        if u.write(&chunk).is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "refused past 1 MiB");
    drop(u);
    let tmp = engine::files::blobs_dir(d.dir.path()).join("tmp");
    assert_eq!(
        std::fs::read_dir(&tmp).map(|r| r.count()).unwrap_or(0),
        0,
        "nothing left behind"
    );
    assert_eq!(engine::files::clean_name("../../etc/passwd"), "passwd");
    assert_eq!(engine::files::clean_name("C:\\x\\a\"b<c>.png"), "abc.png");
    assert_eq!(engine::files::clean_name("..."), "file");
    assert_eq!(
        engine::files::clean_type("text/html; charset=utf-8"),
        "text/html"
    );
    assert_eq!(
        engine::files::clean_type("image/png\r\nX-Evil: 1"),
        "application/octet-stream"
    );
}

#[test]
fn uploads_never_sent_are_forgotten_with_their_blob_and_backups_carry_files() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    let c = d.customer_writes("Files", "Hello");
    let kept = upload(e, Actor::Agent(agent), "kept.txt", b"kept content");
    e.post(
        agent,
        c.number,
        &post(MessageKind::Note, "kept", &[kept.id]),
    )
    .expect("note");
    let dropped = upload(e, Actor::Agent(agent), "dropped.txt", b"never sent");
    let shared = upload(e, Actor::Agent(agent), "shared.txt", b"kept content");
    assert_eq!(blob_files(d.dir.path()), 2);
    assert_eq!(e.prune_uploads().expect("prune"), 0, "too young");
    d.clock.advance(Duration::hours(25));
    assert_eq!(e.prune_uploads().expect("prune"), 2);
    assert!(e.attachment_for_agent(agent, dropped.id).is_err());
    assert!(e.attachment_for_agent(agent, shared.id).is_err());
    // The blob still held by the note stays; the other goes.
    assert_eq!(blob_files(d.dir.path()), 1);
    let (_, path) = e.attachment_for_agent(agent, kept.id).expect("kept");
    assert_eq!(std::fs::read(&path).expect("read"), b"kept content");
    // A backup carries the blob; a restore into a new folder brings it back.
    let backup = tempfile::tempdir().expect("dir");
    let dest = backup.path().join("b");
    e.backup(&dest).expect("backup");
    let restored = tempfile::tempdir().expect("dir");
    engine::restore(&dest, restored.path()).expect("restore");
    let again = common::open(restored.path(), common::clock(), false);
    let (_, path) = again
        .attachment_for_agent(agent, kept.id)
        .expect("restored file");
    assert_eq!(std::fs::read(path).expect("read"), b"kept content");
}

#[test]
fn merged_tickets_bring_their_files() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    let a = d.customer_writes("First", "One");
    let b = d.customer_writes("Second", "Two");
    let f = upload(e, Actor::Agent(agent), "log.txt", b"log");
    e.post(
        agent,
        b.number,
        &post(MessageKind::Reply, "see file", &[f.id]),
    )
    .expect("reply");
    e.merge(agent, &[b.number], a.number).expect("merge");
    let detail = e.ticket_detail(agent, a.number).expect("target");
    assert!(detail
        .messages
        .iter()
        .any(|m| m.attachments.iter().any(|x| x.id == f.id)));
    // The target's customer (the same person here) downloads it through the target.
    assert!(e
        .attachment_for_customer(a.number, &secret(&a), f.id)
        .is_ok());
}

#[test]
fn calls_are_logged_with_their_details_and_stay_internal() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    let c = d.customer_writes("Phone", "Call me");
    let call = CallInfo {
        direction: CallDirection::Outbound,
        number: "+386 1 234 5678".into(),
        duration_secs: 300,
    };
    let logged = Post {
        call: Some(&call),
        ..Post::new(MessageKind::Call, "Explained the invoice.")
    };
    e.post(agent, c.number, &logged).expect("call logged");
    let detail = e.ticket_detail(agent, c.number).expect("detail");
    let m = detail.messages.last().expect("call");
    assert_eq!(m.kind, MessageKind::Call);
    assert_eq!(m.call.as_ref(), Some(&call));
    assert_eq!(m.body, "Explained the invoice.");
    let customer = e.customer_ticket(c.number, &secret(&c)).expect("portal");
    assert!(customer
        .messages
        .iter()
        .all(|m| m.kind != MessageKind::Call));
    // A call needs a phone number; a reply cannot carry call details.
    let bad = CallInfo {
        number: "call me".into(),
        ..call.clone()
    };
    let err = e
        .post(
            agent,
            c.number,
            &Post {
                call: Some(&bad),
                ..Post::new(MessageKind::Call, "x")
            },
        )
        .expect_err("bad number");
    assert_eq!(err.fields()[0].key, "error.phone_invalid");
    assert!(e
        .post(
            agent,
            c.number,
            &Post {
                call: Some(&call),
                ..Post::new(MessageKind::Reply, "x")
            }
        )
        .is_err());
    assert!(e
        .post(agent, c.number, &Post::new(MessageKind::Call, "no details"))
        .is_err());
}

#[test]
fn a_send_is_held_when_someone_else_wrote_meanwhile() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let c = d.customer_writes("Held", "First words");
    e.set_department(t.admin, c.number, Some(t.billing))
        .expect("route");
    let newest = |who| {
        e.ticket_detail(who, c.number)
            .expect("detail")
            .messages
            .iter()
            .map(|m| m.id)
            .max()
    };
    let seen = newest(t.bo);
    let held = |seen| Post {
        seen,
        ..Post::new(MessageKind::Reply, "My answer")
    };
    // Lea's note does not hold Bo's reply; Bo's own note does not either.
    e.add_note(t.lea, c.number, "FYI").expect("note");
    e.add_note(t.bo, c.number, "mine").expect("note");
    // The customer writes again while Bo types: the send is held, nothing is added.
    e.customer_reply(c.number, &secret(&c), "Also this")
        .expect("customer");
    let before = e.ticket_detail(t.bo, c.number).expect("d").messages.len();
    let err = e.post(t.bo, c.number, &held(seen)).expect_err("held");
    assert_eq!(err.fields()[0].field, "held");
    assert_eq!(err.fields()[0].key, "error.held_new_message");
    assert_eq!(
        e.ticket_detail(t.bo, c.number).expect("d").messages.len(),
        before
    );
    // Having seen it, Bo sends.
    e.post(t.bo, c.number, &held(newest(t.bo))).expect("sent");
    // Another agent's reply holds too.
    let seen = newest(t.bo);
    e.reply(t.lea, c.number, "Lea answers").expect("lea");
    assert!(e.post(t.bo, c.number, &held(seen)).is_err());
    assert!(
        e.post(t.bo, c.number, &held(None)).is_ok(),
        "no check asked"
    );
}

#[test]
fn bodies_render_as_safe_markdown() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    let c = d.customer_writes("Markdown", "<script>alert(1)</script>\n\nand **bold**");
    e.reply(agent, c.number, "[docs](javascript:alert(1)) *ok*")
        .expect("reply");
    let detail = e.ticket_detail(agent, c.number).expect("detail");
    let first = &detail.messages[0].html;
    assert!(!first.contains("<script"), "{first}");
    assert!(first.contains("<strong>bold</strong>"), "{first}");
    let reply = &detail.messages[1].html;
    assert!(!reply.contains("javascript:"), "{reply}");
    assert!(reply.contains("<em>ok</em>"), "{reply}");
}

#[test]
fn agents_are_notified_of_assignments_and_customer_replies() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let c = d.customer_writes("Notify", "Hello");
    e.set_department(t.admin, c.number, Some(t.billing))
        .expect("route");
    // Taking a ticket oneself tells no one.
    e.assign(t.bo, c.number, Some(t.bo)).expect("take");
    assert_eq!(e.notifications(t.bo).expect("n").unread, 0);
    e.assign(t.bo, c.number, None).expect("give back");
    // The leader gives it to Bo: Bo hears of it, from Lea.
    e.assign(t.lea, c.number, Some(t.bo)).expect("assign");
    let n = e.notifications(t.bo).expect("n");
    assert_eq!(n.unread, 1);
    assert_eq!(n.items[0].kind, NotificationKind::Assigned);
    assert_eq!(n.items[0].by, "Lea");
    assert_eq!(n.items[0].ticket, c.number);
    // The customer answers: Bo (the assignee) hears of it; Lea does not.
    e.customer_reply(c.number, &secret(&c), "More")
        .expect("customer");
    let n = e.notifications(t.bo).expect("n");
    assert_eq!(n.unread, 2);
    assert_eq!(n.items[0].kind, NotificationKind::CustomerReplied);
    assert_eq!(e.notifications(t.lea).expect("n").unread, 0);
    // Another ticket's notifications stay unread when this one is opened.
    let other = d.customer_writes("Other", "Hi");
    e.assign(t.admin, other.number, Some(t.bo)).expect("assign");
    e.mark_notifications_read(t.bo, Some(c.number))
        .expect("read");
    let n = e.notifications(t.bo).expect("n");
    assert_eq!(n.unread, 1);
    assert!(n.items.iter().all(|i| i.read == (i.ticket == c.number)));
    e.mark_notifications_read(t.bo, None).expect("all");
    assert_eq!(e.notifications(t.bo).expect("n").unread, 0);
}

#[test]
fn presence_shows_who_else_views_or_types_and_only_to_who_may_see() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let n = ticket_in(&d, &t, t.billing);
    let mut events = e.subscribe();
    assert!(e.presence(t.bo, n, Doing::Viewing).expect("bo").is_empty());
    let others = e.presence(t.lea, n, Doing::Typing).expect("lea");
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].name, "Bo");
    assert!(!others[0].typing);
    let others = e.presence(t.bo, n, Doing::Viewing).expect("bo again");
    assert_eq!(others[0].name, "Lea");
    assert!(others[0].typing);
    // Announced on the live stream.
    let mut announced = false;
    while let Ok(ev) = events.try_recv() {
        announced |= ev == engine::Event::Presence(n);
    }
    assert!(announced);
    e.presence(t.lea, n, Doing::Left).expect("lea leaves");
    assert!(e.presence(t.bo, n, Doing::Viewing).expect("bo").is_empty());
    // Tim (Tech) cannot watch a Billing ticket.
    assert_eq!(
        e.presence(t.tim, n, Doing::Viewing)
            .expect_err("outside")
            .kind(),
        ErrorKind::Forbidden
    );
}

#[test]
fn an_agent_opens_a_ticket_for_a_caller_matched_by_email_or_phone() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    let intake = |name: &str, email: &str, phone: &str| model::Intake {
        name: name.into(),
        email: email.into(),
        phone: phone.into(),
        subject: "Called about the bill".into(),
        body: "Says the bill is twice what it should be.".into(),
        channel: Some(model::Channel::Phone),
    };
    // Neither address nor phone: refused, with the field named.
    let err = e
        .open_for_customer(agent, &intake("Nobody", "", ""))
        .expect_err("needs a way to reach them");
    assert_eq!(err.fields()[0].key, "error.email_or_phone");
    assert!(e.open_for_customer(agent, &intake("", "", "abc")).is_err());
    // A new caller with only a phone becomes a contact with that phone.
    let first = e
        .open_for_customer(agent, &intake("", "", "+386 40 123 456"))
        .expect("opened");
    let t1 = e.ticket_detail(agent, first.number).expect("detail");
    assert_eq!(t1.summary.channel, model::Channel::Phone);
    // Calling again from the same number is the same contact.
    let second = e
        .open_for_customer(agent, &intake("", "", "+386 40 123 456"))
        .expect("opened");
    let t2 = e.ticket_detail(agent, second.number).expect("detail");
    assert_eq!(t1.summary.requester, t2.summary.requester);
    let page = e.contact(agent, t1.summary.requester).expect("contact");
    assert_eq!(page.total, 2);
    assert!(page.contact.display_name.contains("386"), "named by phone");
    // A portal customer is found by email.
    let portal = d.customer_writes("Portal", "Hello");
    let by_mail = e
        .open_for_customer(agent, &intake("Ana", "ANA@example.com", ""))
        .expect("opened");
    let p = e.ticket_detail(agent, portal.number).expect("d");
    let m = e.ticket_detail(agent, by_mail.number).expect("d");
    assert_eq!(p.summary.requester, m.summary.requester);
}

#[test]
fn the_contacts_list_finds_by_name_address_phone_and_organization() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    d.customer_writes("One", "Hello");
    e.create_ticket(
        &common::new_ticket("Željko Čačić", "zeljko@firma.hr", "Two", "Hi"),
        model::Channel::Portal,
    )
    .expect("ticket");
    let all = e.contacts_list(agent, "", 50).expect("list");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].display_name, "Željko Čačić", "newest first");
    for q in ["cacic", "ČAČIĆ", "zeljko@firma.hr", "firma"] {
        let found = e.contacts_list(agent, q, 50).expect("search");
        assert_eq!(found.len(), 1, "{q}");
        assert_eq!(found[0].email, "zeljko@firma.hr");
    }
    assert!(e
        .contacts_list(agent, "nobody-like-this", 50)
        .expect("s")
        .is_empty());
}

#[test]
fn roles_time_zones_and_the_desk_profile_are_checked() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    // Only admins change roles; the last admin stays one.
    assert_eq!(
        e.set_agent_role(t.bo, t.bo, model::Role::Admin)
            .expect_err("not an admin")
            .kind(),
        ErrorKind::Forbidden
    );
    d.viewer(); // a second administrator
    e.set_agent_role(t.admin, t.bo, model::Role::Admin)
        .expect("promote");
    assert_eq!(e.agent(t.bo).expect("bo").role, model::Role::Admin);
    e.set_agent_role(t.bo, t.bo, model::Role::Agent)
        .expect("step down while others are admins");
    // Every other admin steps down; the last one cannot.
    for a in e.agents().expect("agents") {
        if a.role == model::Role::Admin && a.id != t.admin {
            e.set_agent_role(t.admin, a.id, model::Role::Agent)
                .expect("demote");
        }
    }
    assert_eq!(
        e.set_agent_role(t.admin, t.admin, model::Role::Agent)
            .expect_err("last admin")
            .kind(),
        ErrorKind::Conflict
    );
    // Time zones are IANA names.
    let me = e
        .set_agent_time_zone(t.bo, Some("Europe/Ljubljana"))
        .expect("zone");
    assert_eq!(me.time_zone.as_deref(), Some("Europe/Ljubljana"));
    assert!(e.set_agent_time_zone(t.bo, Some("Mars/Olympus")).is_err());
    assert_eq!(
        e.set_agent_time_zone(t.bo, None).expect("none").time_zone,
        None
    );
    // The desk's profile: UTC and English until set, admins only.
    let p = e.desk_profile().expect("profile");
    assert_eq!((p.time_zone.as_str(), p.language.as_str()), ("UTC", "en"));
    let wanted = model::DeskProfile {
        name: "Acme Support".into(),
        time_zone: "Europe/Zagreb".into(),
        language: "hr".into(),
        address: "https://help.acme.example".into(),
    };
    assert!(e.set_desk_profile(t.bo, &wanted).is_err());
    assert_eq!(e.set_desk_profile(t.admin, &wanted).expect("set"), wanted);
    let bad = model::DeskProfile {
        language: "xx".into(),
        time_zone: "Nowhere".into(),
        ..wanted.clone()
    };
    let err = e.set_desk_profile(t.admin, &bad).expect_err("bad");
    assert_eq!(err.fields().len(), 2);
    let no_path = model::DeskProfile {
        address: "https://help.acme.example/evil?x=1".into(),
        ..wanted.clone()
    };
    assert_eq!(
        e.set_desk_profile(t.admin, &no_path)
            .expect_err("path")
            .fields()[0]
            .key,
        "error.desk_address"
    );
    assert_eq!(e.desk_profile().expect("p"), wanted);
}
