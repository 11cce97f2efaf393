//! The agent workspace's ticket model: fields, departments and roles, escalation,
//! postponement and the timers, each change checked in the engine and kept in the
//! ticket's history.

mod common;

use chrono::Duration;
use common::{desk, new_ticket, secret, team, ticket_in};
use engine::store::records::Change;
use engine::{Clock, ErrorKind};
use model::{Channel, Escalation, Label, Priority, Sort, TicketStatus};

fn forbidden<T: std::fmt::Debug>(r: engine::Result<T>) {
    let e = r.expect_err("must be refused");
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
}

#[test]
fn an_agent_outside_a_department_can_do_nothing_to_its_tickets() {
    let d = desk();
    let t = team(&d);
    let n = ticket_in(&d, &t, t.billing);
    let e = &d.engine;
    let until = d.clock.now() + Duration::hours(2);
    forbidden(e.ticket_detail(t.tim, n));
    forbidden(e.ticket_history(t.tim, n));
    forbidden(e.reply(t.tim, n, "Hello"));
    forbidden(e.add_note(t.tim, n, "Note"));
    forbidden(e.set_status(t.tim, n, TicketStatus::Pending));
    forbidden(e.set_priority(t.tim, n, Priority::Urgent));
    forbidden(e.set_ticket_type(t.tim, n, None));
    forbidden(e.set_tags(t.tim, n, &["vip".into()]));
    forbidden(e.assign(t.tim, n, Some(t.tim)));
    forbidden(e.set_department(t.tim, n, Some(t.tech)));
    forbidden(e.escalate(t.tim, n, Escalation::ToDepartment(t.tech)));
    forbidden(e.postpone(t.tim, n, until));
    // Nor does it show up in their inbox or searches.
    let inbox = e
        .inbox(t.tim, &common::listing(None, Sort::Newest), 0, 50)
        .expect("inbox");
    assert!(inbox.tickets.iter().all(|s| s.number != n));
    d.indexed();
    assert!(e.search(t.tim, "invoice", 10).expect("search").is_empty());
    assert_eq!(e.search(t.bo, "invoice", 10).expect("search").len(), 1);
    // Members work it; the history shows only what they did.
    e.reply(t.bo, n, "On it").expect("member replies");
    e.set_priority(t.bo, n, Priority::High)
        .expect("member sets priority");
    let history = e.ticket_history(t.bo, n).expect("history");
    assert!(history.iter().all(|h| !matches!(
        h.change,
        Change::PriorityChanged {
            to: Priority::Urgent,
            ..
        }
    )));
}

#[test]
fn assignment_follows_roles() {
    let d = desk();
    let t = team(&d);
    let n = ticket_in(&d, &t, t.billing);
    let e = &d.engine;
    forbidden(e.assign(t.bo, n, Some(t.lea)));
    e.assign(t.bo, n, Some(t.bo)).expect("take it");
    e.assign(t.lea, n, Some(t.lea))
        .expect("the leader reassigns within the department");
    forbidden(e.assign(t.lea, n, Some(t.tim)));
    e.assign(t.admin, n, Some(t.tim))
        .expect("admins assign anyone");
    // Assigned, Tim works it though he is not in Billing.
    e.add_note(t.tim, n, "Looking").expect("assignee works it");
    let history = e.ticket_history(t.admin, n).expect("history");
    let assignees: Vec<_> = history
        .iter()
        .filter_map(|h| match h.change {
            Change::AssigneeChanged { to, .. } => Some(to),
            _ => None,
        })
        .collect();
    assert_eq!(assignees, [Some(t.bo), Some(t.lea), Some(t.tim)]);
    assert_eq!(
        e.assign(t.admin, n, Some(999)).expect_err("unknown").kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn escalation_goes_to_the_leader_or_another_department() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let n = ticket_in(&d, &t, t.billing);
    e.escalate(t.bo, n, Escalation::ToLeader)
        .expect("to the leader");
    let m = ticket_in(&d, &t, t.billing);
    e.assign(t.bo, m, Some(t.bo)).expect("take");
    e.escalate(t.bo, m, Escalation::ToDepartment(t.tech))
        .expect("to Tech");
    forbidden(e.ticket_detail(t.bo, m));
    e.reply(t.tim, m, "Tech here").expect("Tech works it now");
    let h = e.ticket_history(t.admin, m).expect("history");
    assert!(h.iter().any(|x| x.change
        == Change::Escalated {
            to: Escalation::ToDepartment(t.tech)
        }));
    assert!(h.iter().any(|x| x.change
        == Change::DepartmentChanged {
            from: Some(t.billing),
            to: Some(t.tech)
        }));
    assert!(h.iter().any(|x| x.change
        == Change::AssigneeChanged {
            from: Some(t.bo),
            to: None
        }));
    let h = e.ticket_history(t.admin, n).expect("history");
    assert!(h.iter().any(|x| x.change
        == Change::AssigneeChanged {
            from: None,
            to: Some(t.lea)
        }));
    // Tech has no leader to escalate to.
    let err = e
        .escalate(t.tim, m, Escalation::ToLeader)
        .expect_err("no leader");
    assert_eq!(err.kind(), ErrorKind::Invalid);
}

#[test]
fn fields_change_and_tags_are_made_renamed_and_merged() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let n = d
        .customer_writes("Card declined", "My card was declined.")
        .number;
    let types = e.ticket_types().expect("types");
    let names: Vec<_> = types.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Question", "Technical", "Billing", "Sales"]);
    e.set_ticket_type(t.bo, n, Some(types[2].id)).expect("type");
    assert_eq!(
        e.set_ticket_type(t.bo, n, Some(999))
            .expect_err("unknown type")
            .kind(),
        ErrorKind::Invalid
    );
    e.set_priority(t.bo, n, Priority::Urgent).expect("priority");
    e.set_tags(
        t.bo,
        n,
        &["VIP".into(), " card  issue ".into(), "vip".into()],
    )
    .expect("tags");
    let tags = e.tags().expect("tags");
    assert_eq!(
        tags.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["VIP", "card issue"]
    );
    let m = d.customer_writes("Card again", "Declined again.").number;
    e.set_tags(t.bo, m, &["vip".into(), "refund".into()])
        .expect("tags on another");
    forbidden(e.rename_tag(t.bo, tags[0].id, "Important"));
    e.rename_tag(t.admin, tags[0].id, "Important")
        .expect("rename");
    let refund = e
        .tags()
        .expect("tags")
        .into_iter()
        .find(|l| l.name == "refund")
        .expect("refund");
    e.merge_tags(t.admin, refund.id, tags[1].id).expect("merge");
    let after: Vec<Label> = e.tags().expect("tags");
    assert_eq!(
        after.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["Important", "card issue"]
    );
    let h = e.ticket_history(t.admin, m).expect("history");
    assert!(h.iter().any(|x| x.change
        == Change::TagsChanged {
            added: vec![tags[1].id],
            removed: vec![refund.id]
        }));
    // Setting the same value again records nothing.
    let before = e.ticket_history(t.admin, n).expect("history").len();
    e.set_priority(t.bo, n, Priority::Urgent).expect("same");
    assert_eq!(e.ticket_history(t.admin, n).expect("history").len(), before);
    forbidden(e.save_ticket_type(
        t.bo,
        &Label {
            id: 0,
            name: "Returns".into(),
        },
    ));
    e.save_ticket_type(
        t.admin,
        &Label {
            id: 0,
            name: "Returns".into(),
        },
    )
    .expect("new type");
    assert_eq!(e.ticket_types().expect("types").len(), 5);
}

#[test]
fn postponed_tickets_reopen_and_resolved_ones_close_by_themselves() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let p = d.customer_writes("Call me next week", "Busy now.").number;
    let r = d.customer_writes("Thanks", "Solved, thanks.").number;
    let invalid = e
        .postpone(t.bo, p, d.clock.now() - Duration::minutes(1))
        .expect_err("past");
    assert_eq!(invalid.kind(), ErrorKind::Invalid);
    assert_eq!(
        e.set_status(t.bo, p, TicketStatus::Postponed)
            .expect_err("needs a time")
            .kind(),
        ErrorKind::Invalid
    );
    e.postpone(t.bo, p, d.clock.now() + Duration::hours(3))
        .expect("postpone");
    e.set_status(t.bo, r, TicketStatus::Resolved)
        .expect("resolve");
    e.set_auto_close_days(t.admin, 2).expect("days");
    forbidden(e.set_auto_close_days(t.bo, 3));
    assert_eq!(e.run_timers().expect("timers"), 0);
    d.clock.advance(Duration::hours(4));
    assert_eq!(e.run_timers().expect("timers"), 1);
    assert_eq!(
        e.ticket_detail(t.bo, p).expect("p").summary.status,
        TicketStatus::Open
    );
    d.clock.advance(Duration::days(2));
    assert_eq!(e.run_timers().expect("timers"), 1);
    assert_eq!(
        e.ticket_detail(t.bo, r).expect("r").summary.status,
        TicketStatus::Closed
    );
    assert_eq!(e.run_timers().expect("timers"), 0, "each moves once");
    let h = e.ticket_history(t.admin, p).expect("history");
    assert!(h.iter().any(|x| x.change
        == Change::StatusChanged {
            from: TicketStatus::Postponed,
            to: TicketStatus::Open
        }
        && x.actor == engine::store::records::Actor::System));
}

#[test]
fn customer_replies_reopen_what_waited_on_them() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    for (status, after) in [
        (TicketStatus::Answered, TicketStatus::Open),
        (TicketStatus::Pending, TicketStatus::Open),
        (TicketStatus::Resolved, TicketStatus::Open),
        (TicketStatus::OnHold, TicketStatus::OnHold),
        (TicketStatus::New, TicketStatus::New),
    ] {
        let c = e
            .create_ticket(
                &new_ticket("Ana", "ana@example.com", "Help", "Text"),
                Channel::Portal,
            )
            .expect("ticket");
        if status != TicketStatus::New {
            e.set_status(t.bo, c.number, status).expect("status");
        }
        e.customer_reply(c.number, &secret(&c), "More details")
            .expect("reply");
        assert_eq!(
            e.ticket_detail(t.bo, c.number).expect("d").summary.status,
            after,
            "from {status:?}"
        );
    }
    let c = e
        .create_ticket(
            &new_ticket("Ana", "ana@example.com", "Later", "Text"),
            Channel::Portal,
        )
        .expect("ticket");
    e.postpone(t.bo, c.number, d.clock.now() + Duration::days(1))
        .expect("postpone");
    e.customer_reply(c.number, &secret(&c), "Still there?")
        .expect("reply");
    assert_eq!(
        e.ticket_detail(t.bo, c.number).expect("d").summary.status,
        TicketStatus::Open
    );
    // It does not wake again later.
    d.clock.advance(Duration::days(2));
    assert_eq!(e.run_timers().expect("timers"), 0);
}

#[test]
fn history_only_grows_and_nothing_rewrites_it() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let n = ticket_in(&d, &t, t.billing);
    let mut seen = e.ticket_history(t.admin, n).expect("history");
    let steps: Vec<Box<dyn Fn() -> engine::Result<()>>> = vec![
        Box::new(|| e.reply(t.bo, n, "Hi")),
        Box::new(|| e.add_note(t.lea, n, "Note")),
        Box::new(|| e.set_priority(t.bo, n, Priority::Low)),
        Box::new(|| e.set_tags(t.bo, n, &["a".into()])),
        Box::new(|| e.assign(t.lea, n, Some(t.bo))),
        Box::new(|| e.set_status(t.bo, n, TicketStatus::Resolved)),
        Box::new(|| e.escalate(t.bo, n, Escalation::ToDepartment(t.tech))),
        Box::new(|| e.set_department(t.admin, n, Some(t.billing))),
    ];
    for step in steps {
        step().expect("step");
        let now = e.ticket_history(t.admin, n).expect("history");
        assert!(now.len() > seen.len());
        for (old, new) in seen.iter().zip(&now) {
            assert_eq!(
                (old.id, &old.change, old.at, old.actor),
                (new.id, &new.change, new.at, new.actor)
            );
        }
        seen = now;
    }
}

#[test]
fn the_inbox_narrows_to_mine_and_to_unassigned_with_true_totals() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let numbers: Vec<u64> = (0..6)
        .map(|i| d.customer_writes(&format!("Question {i}"), "Text").number)
        .collect();
    e.assign(t.bo, numbers[1], Some(t.bo)).expect("take");
    e.assign(t.bo, numbers[4], Some(t.bo)).expect("take");
    e.set_status(t.bo, numbers[4], TicketStatus::Pending)
        .expect("pending");
    e.set_status(t.bo, numbers[5], TicketStatus::Pending)
        .expect("pending");
    let page = |who, status, assigned| {
        let p = e
            .inbox(
                who,
                &model::InboxFilter {
                    status,
                    assigned,
                    sort: Sort::Oldest,
                    ..Default::default()
                },
                0,
                50,
            )
            .expect("inbox");
        (
            p.tickets.iter().map(|s| s.number).collect::<Vec<_>>(),
            p.total,
        )
    };
    use model::Assigned::{Me, Unassigned};
    assert_eq!(page(t.bo, None, Me), (vec![numbers[1], numbers[4]], 2));
    assert_eq!(
        page(t.bo, Some(TicketStatus::Pending), Me),
        (vec![numbers[4]], 1)
    );
    assert_eq!(page(t.tim, None, Me), (vec![], 0));
    let unassigned = vec![numbers[0], numbers[2], numbers[3], numbers[5]];
    assert_eq!(page(t.admin, None, Unassigned), (unassigned, 4));
    assert_eq!(
        page(t.admin, Some(TicketStatus::Pending), Unassigned),
        (vec![numbers[5]], 1)
    );
    assert_eq!(page(t.admin, Some(TicketStatus::New), Unassigned).1, 3);
    // Giving a ticket back puts it in the unassigned list and counts again.
    e.assign(t.bo, numbers[4], None).expect("give back");
    assert_eq!(page(t.admin, Some(TicketStatus::Pending), Unassigned).1, 2);
    assert_eq!(page(t.admin, None, Unassigned).1, 5);
    assert_eq!(page(t.bo, None, Me).1, 1);
}

#[test]
fn merging_moves_the_conversation_ccs_and_requester_and_is_recorded_on_both() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let kept = d.customer_writes("Printer on fire", "It is smoking.");
    let merged = e
        .create_ticket(
            &new_ticket("Iva", "iva@example.com", "Printer smoke", "Same printer."),
            Channel::Email,
        )
        .expect("second ticket");
    e.reply(t.admin, merged.number, "Unplug it.")
        .expect("reply");
    e.merge(t.bo, &[merged.number], kept.number).expect("merge");

    let target = e.ticket_detail(t.admin, kept.number).expect("target");
    let bodies: Vec<&str> = target.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["It is smoking.", "Same printer.", "Unplug it."]);
    assert_eq!(target.ccs, vec!["iva@example.com".to_string()]);
    assert!(target
        .history
        .iter()
        .any(|h| h.change == model::HistoryChange::MergedFrom(merged.number)));
    let source = e.ticket_detail(t.admin, merged.number).expect("source");
    assert_eq!(source.merged_into, Some(kept.number));
    assert_eq!(source.summary.status, TicketStatus::Closed);
    assert!(source
        .history
        .iter()
        .any(|h| h.change == model::HistoryChange::MergedInto(kept.number)));

    // The merged ticket's customer writes again: it lands on the target, reopened, and
    // they still see it on their own page.
    e.set_status(t.admin, kept.number, TicketStatus::Answered)
        .expect("answered");
    let replied = e
        .customer_reply(merged.number, &secret(&merged), "Still smoking.")
        .expect("reply to merged");
    assert_eq!(replied, model::CustomerReplied::Added);
    let target = e.ticket_detail(t.admin, kept.number).expect("target");
    assert_eq!(target.summary.status, TicketStatus::Open);
    assert_eq!(
        target.messages.last().map(|m| m.body.as_str()),
        Some("Still smoking.")
    );
    let own = e
        .customer_ticket(merged.number, &secret(&merged))
        .expect("customer view");
    assert_eq!(
        own.messages.last().map(|m| m.body.as_str()),
        Some("Still smoking.")
    );
    assert!(e.inbox_index_is_current().expect("index"));

    // Refused: merging again, merging into itself, and outside one's departments.
    let invalid = |r: engine::Result<()>| {
        assert_eq!(r.expect_err("refused").kind(), ErrorKind::Invalid);
    };
    invalid(e.merge(t.admin, &[merged.number], kept.number));
    invalid(e.merge(t.admin, &[kept.number], kept.number));
    invalid(e.merge(t.admin, &[], kept.number));
    let billing = ticket_in(&d, &t, t.billing);
    forbidden(e.merge(t.tim, &[billing], kept.number));
    forbidden(e.merge(t.tim, &[kept.number], billing));
}

#[test]
fn canned_responses_are_their_owners_or_shared_by_admins_with_departments() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let canned = |title: &str, shared: bool, departments: Vec<u64>| model::Canned {
        id: 0,
        title: title.into(),
        body: format!("Hello {{{{customer.name}}}}, {title}."),
        shared,
        departments,
    };
    let everyone = e
        .save_canned(t.admin, &canned("Thanks", true, vec![]))
        .expect("shared");
    e.save_canned(t.admin, &canned("Refund steps", true, vec![t.billing]))
        .expect("for billing");
    let own = e
        .save_canned(t.tim, &canned("My sign-off", false, vec![t.billing]))
        .expect("own");
    assert!(
        own.departments.is_empty(),
        "an own response has no departments"
    );
    let titles = |who| {
        e.canned(who)
            .expect("canned")
            .into_iter()
            .map(|c| c.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(t.tim), ["My sign-off", "Thanks"]);
    assert_eq!(titles(t.bo), ["Refund steps", "Thanks"]);
    assert_eq!(titles(t.admin), ["Refund steps", "Thanks"]);

    // Agents do not share, nor change what is shared or someone else's.
    forbidden(e.save_canned(t.tim, &canned("Team text", true, vec![])));
    forbidden(e.save_canned(
        t.tim,
        &model::Canned {
            id: everyone.id,
            ..canned("Mine now", false, vec![])
        },
    ));
    assert_eq!(
        e.delete_canned(t.bo, own.id).expect_err("not his").kind(),
        ErrorKind::NotFound
    );
    let bad = e
        .save_canned(t.tim, &canned("  ", false, vec![]))
        .expect_err("needs a title");
    assert_eq!(bad.kind(), ErrorKind::Invalid);
    e.delete_canned(t.tim, own.id).expect("own deleted");
    e.delete_canned(t.admin, everyone.id)
        .expect("shared deleted");
    assert!(titles(t.tim).is_empty());
}

#[test]
fn a_contact_keeps_details_lists_tickets_and_merges_with_their_tickets() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let first = d.customer_writes("First", "Hello");
    let other = e
        .create_ticket(
            &new_ticket("A. Kovač", "ana.k@example.net", "Second", "Hi again"),
            Channel::Email,
        )
        .expect("second");
    let requester = |n: u64| {
        e.ticket_detail(t.admin, n)
            .expect("detail")
            .summary
            .requester
    };
    let (ana, dup) = (requester(first.number), requester(other.number));
    assert_ne!(ana, dup);
    let page = e.contact(t.admin, ana).expect("page");
    assert_eq!(page.contact.display_name, "Ana Kovač");
    assert_eq!(page.total, 1);

    let details = model::ContactInfo {
        id: ana,
        name: "Ana Kovač".into(),
        emails: vec!["ana@example.com".into(), "Ana@Work.example".into()],
        phones: vec!["+386 40 123 456".into()],
        location: "Ljubljana".into(),
        organization: "Kovač d.o.o.".into(),
        group: "VIP".into(),
        notes: "Prefers email.".into(),
        ..Default::default()
    };
    let saved = e.save_contact(t.tim, &details).expect("save");
    assert_eq!(saved.emails, ["ana@example.com", "ana@work.example"]);
    let invalid = |c: model::ContactInfo| {
        let err = e.save_contact(t.tim, &c).expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
    };
    invalid(model::ContactInfo {
        phones: vec!["12".into()],
        ..details.clone()
    });
    invalid(model::ContactInfo {
        emails: vec!["ana.k@example.net".into()],
        ..details.clone()
    });
    // A new ticket from the second address finds Ana.
    let third = e
        .create_ticket(
            &new_ticket("Ana", "ana@work.example", "Third", "From work"),
            Channel::Email,
        )
        .expect("third");
    assert_eq!(requester(third.number), ana);

    // Merging: the duplicate's tickets and address follow; it points to Ana.
    e.merge_contacts(t.tim, dup, ana).expect("merge");
    assert_eq!(requester(other.number), ana);
    let page = e.contact(t.admin, ana).expect("page");
    assert_eq!(page.total, 3);
    assert!(page
        .contact
        .emails
        .contains(&"ana.k@example.net".to_string()));
    assert_eq!(
        e.contact(t.admin, dup).expect("old").contact.merged_into,
        Some(ana)
    );
    let later = e
        .create_ticket(
            &new_ticket("A. K.", "ana.k@example.net", "Fourth", "Later"),
            Channel::Email,
        )
        .expect("fourth");
    assert_eq!(requester(later.number), ana);
    assert!(e.inbox_index_is_current().expect("index"));
    let refused = e.merge_contacts(t.tim, dup, ana).expect_err("twice");
    assert_eq!(refused.kind(), ErrorKind::Invalid);

    // Tim does not see Ana's Billing ticket on her page.
    let billing = ticket_in(&d, &t, t.billing);
    assert_eq!(requester(billing), ana);
    assert_eq!(e.contact(t.admin, ana).expect("admin").total, 5);
    let tims = e.contact(t.tim, ana).expect("tim");
    assert_eq!(tims.total, 4);
    assert!(tims.tickets.iter().all(|s| s.number != billing));
    assert_eq!(
        e.contact(t.admin, 9_999).expect_err("none").kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn ccs_are_set_checked_and_recorded() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let n = d.customer_writes("Copy my boss", "Please.").number;
    e.set_ccs(
        t.tim,
        n,
        &[
            " Boss@Example.com".into(),
            "boss@example.com".into(),
            "".into(),
        ],
    )
    .expect("ccs");
    let detail = e.ticket_detail(t.admin, n).expect("detail");
    assert_eq!(detail.ccs, ["boss@example.com"]);
    assert!(detail.history.iter().any(|h| h.change
        == model::HistoryChange::Ccs {
            added: vec!["boss@example.com".into()],
            removed: vec![],
        }));
    let bad = e
        .set_ccs(t.tim, n, &["not an address".into()])
        .expect_err("invalid");
    assert_eq!(bad.kind(), ErrorKind::Invalid);
    let many: Vec<String> = (0..21).map(|i| format!("cc{i}@example.com")).collect();
    assert_eq!(
        e.set_ccs(t.tim, n, &many).expect_err("too many").kind(),
        ErrorKind::Invalid
    );
    let billing = ticket_in(&d, &t, t.billing);
    forbidden(e.set_ccs(t.tim, billing, &["x@example.com".into()]));
    e.set_ccs(t.tim, n, &[]).expect("cleared");
    assert!(e.ticket_detail(t.admin, n).expect("detail").ccs.is_empty());
}

#[test]
fn an_agents_signature_goes_under_their_replies_and_never_under_notes() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let n = d.customer_writes("Hello", "Hi.").number;
    let me = e
        .set_agent_profile(t.tim, "  Tim   Novak ", "Tim · Support team\nExample Ltd")
        .expect("profile");
    assert_eq!(me.name, "Tim Novak");
    e.reply(t.tim, n, "Done.\n\n").expect("reply");
    e.add_note(t.tim, n, "Internal.").expect("note");
    let bodies: Vec<String> = e
        .ticket_detail(t.admin, n)
        .expect("detail")
        .messages
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(bodies[1], "Done.\n\nTim · Support team\nExample Ltd");
    assert_eq!(bodies[2], "Internal.");
    let long = "x".repeat(1_001);
    assert_eq!(
        e.set_agent_profile(t.tim, "Tim", &long)
            .expect_err("long")
            .kind(),
        ErrorKind::Invalid
    );
    assert_eq!(
        e.set_agent_profile(t.tim, "   ", "")
            .expect_err("no name")
            .kind(),
        ErrorKind::Invalid
    );
}

#[test]
fn no_engine_call_alters_or_removes_an_audit_event() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let a = d.customer_writes("First", "One");
    let b = d.customer_writes("Second", "Two");
    let c = ticket_in(&d, &t, t.billing);
    let history = |n: u64| -> Vec<String> {
        e.ticket_history(t.admin, n)
            .expect("history")
            .iter()
            .map(|r| format!("{r:?}"))
            .collect()
    };
    let numbers = [a.number, b.number, c];
    let mut before: Vec<Vec<String>> = numbers.iter().map(|&n| history(n)).collect();
    let unchanged_prefix = |before: &mut Vec<Vec<String>>, what: &str| {
        for (i, &n) in numbers.iter().enumerate() {
            let now = history(n);
            assert!(
                now.len() >= before[i].len() && now[..before[i].len()] == before[i][..],
                "{what} altered the history of #{n}"
            );
            before[i] = now;
        }
    };
    // Every kind of change, each followed by the check that earlier events stand.
    type Step<'a> = (&'a str, Box<dyn Fn() -> engine::Result<()> + 'a>);
    let steps: Vec<Step> = vec![
        (
            "status",
            Box::new(|| e.set_status(t.admin, a.number, TicketStatus::Pending)),
        ),
        (
            "priority",
            Box::new(|| e.set_priority(t.admin, a.number, Priority::High)),
        ),
        (
            "type",
            Box::new(|| e.set_ticket_type(t.admin, a.number, None)),
        ),
        (
            "tags",
            Box::new(|| e.set_tags(t.admin, a.number, &["vip".into()])),
        ),
        (
            "add tags",
            Box::new(|| e.add_tags(t.admin, b.number, &["vip".into()])),
        ),
        (
            "ccs",
            Box::new(|| e.set_ccs(t.admin, a.number, &["x@example.com".into()])),
        ),
        ("assign", Box::new(|| e.assign(t.admin, c, Some(t.bo)))),
        (
            "department",
            Box::new(|| e.set_department(t.admin, b.number, Some(t.tech))),
        ),
        (
            "escalate",
            Box::new(|| e.escalate(t.bo, c, Escalation::ToLeader)),
        ),
        (
            "postpone",
            Box::new(|| e.postpone(t.admin, b.number, d.clock.now() + Duration::hours(1))),
        ),
        ("spam", Box::new(|| e.set_spam(t.admin, b.number, true))),
        ("reply", Box::new(|| e.reply(t.admin, a.number, "Answer"))),
        ("note", Box::new(|| e.add_note(t.admin, a.number, "Note"))),
        (
            "customer reply",
            Box::new(|| e.customer_reply(a.number, &secret(&a), "More").map(|_| ())),
        ),
        (
            "rename tag",
            Box::new(|| {
                let vip = e
                    .tags()?
                    .into_iter()
                    .find(|l| l.name == "vip")
                    .map_or(0, |l| l.id);
                e.rename_tag(t.admin, vip, "gold").map(|_| ())
            }),
        ),
        (
            "merge",
            Box::new(|| e.merge(t.admin, &[b.number], a.number)),
        ),
        (
            "timers",
            Box::new(|| {
                d.clock.advance(Duration::days(30));
                e.run_timers().map(|_| ())
            }),
        ),
        (
            "close",
            Box::new(|| e.set_status(t.admin, c, TicketStatus::Closed)),
        ),
    ];
    for (what, step) in steps {
        step().unwrap_or_else(|err| panic!("{what}: {err}"));
        unchanged_prefix(&mut before, what);
    }
    assert!(
        before.iter().all(|h| h.len() > 2),
        "each ticket gathered events"
    );
}
