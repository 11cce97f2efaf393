//! The inbox's filters, sorts and counts, read from its index in memory: each filter
//! alone and combined, each sort, what an agent outside a department sees, and the index
//! staying what redb says through every kind of change and a restart.

mod common;

use chrono::{Duration, NaiveDate};
use common::{desk, new_ticket, team, ticket_in, Desk, Team};
use engine::Clock;
use model::{Assigned, Channel, Escalation, InboxFilter, InboxPage, Priority, Sort, TicketStatus};

fn list(d: &Desk, who: u64, f: &InboxFilter) -> InboxPage {
    d.engine.inbox(who, f, 0, 50).expect("inbox")
}

fn numbers(p: &InboxPage) -> Vec<u64> {
    p.tickets.iter().map(|t| t.number).collect()
}

fn count(p: &InboxPage, s: TicketStatus) -> u64 {
    p.counts.iter().find(|c| c.0 == s).map_or(0, |c| c.1)
}

/// Seven tickets over two days, two departments, two channels and two customers.
struct Scene {
    t: Team,
    /// In creation order.
    n: Vec<u64>,
    question: u64,
    vip: u64,
    day1: NaiveDate,
    day2: NaiveDate,
}

fn scene(d: &Desk) -> Scene {
    let t = team(d);
    let e = &d.engine;
    let day1 = d.clock.now().date_naive();
    let mut n = Vec::new();
    n.push(ticket_in(d, &t, t.billing)); // 0: billing
    n.push(ticket_in(d, &t, t.tech)); // 1: tech
    n.push(d.customer_writes("Shared one", "No department").number); // 2: shared queue
    d.clock.advance(Duration::days(1));
    let day2 = d.clock.now().date_naive();
    let by_mail = e
        .create_ticket(
            &new_ticket("Iva", "iva@example.com", "By mail", "Sent by email"),
            Channel::Email,
        )
        .expect("email ticket")
        .number;
    n.push(by_mail); // 3: email, another customer
    n.push(ticket_in(d, &t, t.billing)); // 4: billing
    n.push(ticket_in(d, &t, t.tech)); // 5: tech
    n.push(d.customer_writes("Shared two", "No department").number); // 6: shared

    e.set_priority(t.admin, n[4], Priority::Urgent)
        .expect("urgent");
    e.set_priority(t.admin, n[1], Priority::High).expect("high");
    e.set_priority(t.admin, n[6], Priority::Low).expect("low");
    let question = e.ticket_types().expect("types")[0].id;
    e.set_ticket_type(t.admin, n[0], Some(question))
        .expect("type");
    e.set_ticket_type(t.admin, n[3], Some(question))
        .expect("type");
    e.set_tags(t.admin, n[0], &["vip".into(), "refund".into()])
        .expect("tags");
    e.set_tags(t.admin, n[5], &["vip".into()]).expect("tags");
    let vip = e
        .tags()
        .expect("tags")
        .into_iter()
        .find(|l| l.name == "vip")
        .expect("vip")
        .id;
    e.assign(t.bo, n[0], Some(t.bo)).expect("take");
    e.assign(t.tim, n[5], Some(t.tim)).expect("take");
    e.assign(t.tim, n[2], Some(t.tim)).expect("take");
    e.reply(t.bo, n[4], "Answer").expect("reply");
    e.set_status(t.admin, n[6], TicketStatus::Resolved)
        .expect("resolve");
    Scene {
        t,
        n,
        question,
        vip,
        day1,
        day2,
    }
}

#[test]
fn each_filter_narrows_the_list_and_its_counts() {
    let d = desk();
    let s = scene(&d);
    let (t, n) = (&s.t, &s.n);
    let admin = |f: InboxFilter| numbers(&list(&d, t.admin, &f));
    let oldest = |f: InboxFilter| InboxFilter {
        sort: Sort::Oldest,
        ..f
    };
    assert_eq!(admin(oldest(InboxFilter::default())), n.clone());
    assert_eq!(
        admin(oldest(InboxFilter {
            department: Some(t.billing),
            ..Default::default()
        })),
        vec![n[0], n[4]]
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            department: Some(0),
            ..Default::default()
        })),
        vec![n[2], n[3], n[6]],
        "department 0 is the shared queue"
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            priority: Some(Priority::Urgent),
            ..Default::default()
        })),
        vec![n[4]]
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            ticket_type: Some(s.question),
            ..Default::default()
        })),
        vec![n[0], n[3]]
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            tag: Some(s.vip),
            ..Default::default()
        })),
        vec![n[0], n[5]]
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            channel: Some(Channel::Email),
            ..Default::default()
        })),
        vec![n[3]]
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            requester: Some("IVA@example.com".into()),
            ..Default::default()
        })),
        vec![n[3]],
        "the requester's address, in any case"
    );
    assert!(admin(InboxFilter {
        requester: Some("nobody@example.com".into()),
        ..Default::default()
    })
    .is_empty());
    assert_eq!(
        admin(oldest(InboxFilter {
            assigned: Assigned::Agent(t.tim),
            ..Default::default()
        })),
        vec![n[2], n[5]]
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            assigned: Assigned::Unassigned,
            ..Default::default()
        })),
        vec![n[1], n[3], n[4], n[6]]
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            created_from: Some(s.day2),
            ..Default::default()
        })),
        n[3..].to_vec()
    );
    assert_eq!(
        admin(oldest(InboxFilter {
            created_to: Some(s.day1),
            ..Default::default()
        })),
        n[..3].to_vec()
    );
    // Every ticket was changed on the second day (priorities, tags, replies).
    assert!(admin(InboxFilter {
        updated_to: Some(s.day1),
        ..Default::default()
    })
    .is_empty());

    // Filters combine, and the counts are of the filter without its status.
    let combined = list(
        &d,
        t.admin,
        &InboxFilter {
            status: Some(TicketStatus::New),
            department: Some(t.billing),
            created_from: Some(s.day1),
            ..Default::default()
        },
    );
    assert_eq!(numbers(&combined), vec![n[0]]);
    assert_eq!(combined.total, 1);
    assert_eq!(count(&combined, TicketStatus::New), 1);
    assert_eq!(count(&combined, TicketStatus::Answered), 1);
}

#[test]
fn each_sort_orders_the_list() {
    let d = desk();
    let s = scene(&d);
    let (t, n) = (&s.t, &s.n);
    let sorted = |sort| {
        numbers(&list(
            &d,
            t.admin,
            &InboxFilter {
                sort,
                ..Default::default()
            },
        ))
    };
    let mut newest = n.clone();
    newest.reverse();
    assert_eq!(sorted(Sort::Newest), newest);
    assert_eq!(sorted(Sort::Oldest), n.clone());
    assert_eq!(
        sorted(Sort::Priority),
        vec![n[4], n[1], n[0], n[2], n[3], n[5], n[6]],
        "urgent, high, then normal oldest first, then low"
    );
    // Waiting: the five tickets waiting on the team (New) by how long they have
    // waited; then the answered and the resolved one, least recently updated first.
    assert_eq!(
        sorted(Sort::Waiting),
        vec![n[0], n[1], n[2], n[3], n[5], n[4], n[6]]
    );
    // Touch the oldest ticket: it becomes the most recently updated.
    d.clock.advance(Duration::hours(1));
    d.engine
        .add_note(t.admin, n[1], "Looked at it")
        .expect("note");
    assert_eq!(sorted(Sort::Updated)[0], n[1]);
    // An answered ticket opened again waits from now: last of the waiting.
    d.clock.advance(Duration::hours(1));
    d.engine
        .set_status(t.admin, n[4], TicketStatus::Open)
        .expect("open");
    let waiting = sorted(Sort::Waiting);
    assert_eq!(waiting[..5], [n[0], n[1], n[2], n[3], n[5]]);
    assert_eq!(waiting[5], n[4]);

    // Pages follow the order.
    let page2 = d
        .engine
        .inbox(
            t.admin,
            &InboxFilter {
                sort: Sort::Priority,
                ..Default::default()
            },
            2,
            3,
        )
        .expect("page");
    assert_eq!(numbers(&page2), vec![n[0], n[2], n[3]]);
    assert_eq!(page2.total, 7);
}

#[test]
fn an_agent_sees_and_counts_only_what_they_may_work() {
    let d = desk();
    let s = scene(&d);
    let (t, n) = (&s.t, &s.n);
    // Tim works Tech and the shared queue: never Billing's tickets, in list or counts.
    let all = InboxFilter {
        sort: Sort::Oldest,
        ..Default::default()
    };
    let tim = list(&d, t.tim, &all);
    assert_eq!(numbers(&tim), vec![n[1], n[2], n[3], n[5], n[6]]);
    assert_eq!(tim.total, 5);
    assert_eq!(
        count(&tim, TicketStatus::Answered),
        0,
        "Billing's answered ticket is not counted"
    );
    let billing_only = list(
        &d,
        t.tim,
        &InboxFilter {
            department: Some(t.billing),
            ..Default::default()
        },
    );
    assert_eq!(billing_only.total, 0);
    // Assigned to him, a Billing ticket becomes his to see.
    d.engine
        .assign(t.lea, n[4], Some(t.bo))
        .expect("leader assigns");
    d.engine
        .escalate(t.bo, n[4], Escalation::ToDepartment(t.tech))
        .expect("escalate");
    let tim = list(&d, t.tim, &all);
    assert!(numbers(&tim).contains(&n[4]));
    // Mine means the viewer's own.
    let mine = list(
        &d,
        t.tim,
        &InboxFilter {
            assigned: Assigned::Me,
            sort: Sort::Oldest,
            ..Default::default()
        },
    );
    assert_eq!(numbers(&mine), vec![n[2], n[5]]);
    assert_eq!(
        d.engine
            .inbox_counts(
                t.tim,
                &[
                    InboxFilter {
                        assigned: Assigned::Me,
                        ..Default::default()
                    },
                    InboxFilter {
                        department: Some(t.billing),
                        ..Default::default()
                    },
                ]
            )
            .expect("counts"),
        vec![2, 0]
    );
}

#[test]
fn the_index_stays_what_the_database_says_through_every_change_and_a_restart() {
    let d = desk();
    let s = scene(&d);
    let (t, n) = (&s.t, &s.n);
    let e = &d.engine;
    assert!(e.inbox_index_is_current().expect("check"));
    e.postpone(t.admin, n[1], d.clock.now() + Duration::hours(1))
        .expect("postpone");
    e.escalate(t.tim, n[5], Escalation::ToLeader).ok();
    e.set_department(t.admin, n[2], Some(t.billing))
        .expect("route");
    let refund = e
        .tags()
        .expect("tags")
        .into_iter()
        .find(|l| l.name == "refund")
        .expect("refund")
        .id;
    e.merge_tags(t.admin, refund, s.vip).expect("merge tags");
    e.set_status(t.admin, n[0], TicketStatus::Closed)
        .expect("close");
    let created = &d.customer_writes("Follow-up", "Again");
    e.customer_reply(created.number, &common::secret(created), "More")
        .expect("reply");
    e.import_tickets(
        &[new_ticket(
            "Old",
            "old@example.com",
            "Imported",
            "From before",
        )],
        Channel::Email,
    )
    .expect("import");
    d.clock.advance(Duration::days(30));
    e.run_timers().expect("timers");
    assert!(e.inbox_index_is_current().expect("check"));

    let f = InboxFilter {
        tag: Some(s.vip),
        ..Default::default()
    };
    let before = list(&d, t.admin, &f);
    assert_eq!(
        numbers(&before).len(),
        2,
        "the merged tag's tickets carry the kept tag"
    );
    let dir = d.dir.path().to_path_buf();
    let clock = d.clock.clone();
    let common::Desk {
        dir: keep, engine, ..
    } = d;
    engine.shutdown();
    drop(engine);
    let reopened = common::open(&dir, clock, false);
    assert_eq!(reopened.inbox(t.admin, &f, 0, 50).expect("inbox"), before);
    drop(keep);
}

#[test]
fn spam_leaves_every_view_but_its_own_and_says_so_in_history() {
    let d = desk();
    let s = scene(&d);
    let (t, n) = (&s.t, &s.n);
    let e = &d.engine;
    e.set_spam(t.tim, n[1], true).expect("spam");
    let all = list(&d, t.admin, &InboxFilter::default());
    assert!(!numbers(&all).contains(&n[1]));
    assert_eq!(all.total, 6);
    let spam = list(
        &d,
        t.admin,
        &InboxFilter {
            spam: true,
            ..Default::default()
        },
    );
    assert_eq!(numbers(&spam), vec![n[1]]);
    let history = e.ticket_detail(t.admin, n[1]).expect("detail").history;
    assert!(history
        .iter()
        .any(|h| h.change == model::HistoryChange::Spam(true)));
    // Billing's ticket is not Tim's to judge.
    let refused = e.set_spam(t.tim, n[0], true).expect_err("refused");
    assert_eq!(refused.kind(), engine::ErrorKind::Forbidden);
    e.set_spam(t.admin, n[1], false).expect("not spam");
    assert_eq!(list(&d, t.admin, &InboxFilter::default()).total, 7);
}

#[test]
fn saved_views_are_their_owners_and_shared_ones_are_the_admins() {
    let d = desk();
    let s = scene(&d);
    let t = &s.t;
    let e = &d.engine;
    let urgent = InboxFilter {
        priority: Some(Priority::Urgent),
        ..Default::default()
    };
    let mine = InboxFilter {
        assigned: Assigned::Me,
        ..Default::default()
    };
    let shared = e
        .save_view(t.admin, 0, "  Urgent   now ", &urgent, true)
        .expect("shared view");
    assert_eq!(shared.name, "Urgent now");
    let own = e
        .save_view(t.tim, 0, "Mine", &mine, false)
        .expect("own view");
    let refused = e
        .save_view(t.tim, 0, "Team view", &urgent, true)
        .expect_err("agents do not share");
    assert_eq!(refused.kind(), engine::ErrorKind::Forbidden);
    let invalid = e
        .save_view(t.tim, 0, "   ", &urgent, false)
        .expect_err("a name is needed");
    assert_eq!(invalid.kind(), engine::ErrorKind::Invalid);

    // Tim sees the shared view (with his own count: Billing's urgent ticket is not
    // his) and his own; Bo sees the shared one only.
    let tims = e.views(t.tim).expect("views");
    assert_eq!(
        tims.iter()
            .map(|v| (v.name.as_str(), v.shared, v.count))
            .collect::<Vec<_>>(),
        vec![("Urgent now", true, 0), ("Mine", false, 2)]
    );
    assert_eq!(tims[1].filter, mine);
    let bos = e.views(t.bo).expect("views");
    assert_eq!(bos.len(), 1);
    assert_eq!(bos[0].count, 1, "Bo is in Billing");
    assert_eq!(e.views(t.admin).expect("views")[0].count, 1);

    // Another agent's view does not exist for Bo; a shared one is not his to change.
    assert_eq!(
        e.delete_view(t.bo, own.id).expect_err("not his").kind(),
        engine::ErrorKind::NotFound
    );
    assert_eq!(
        e.save_view(t.bo, shared.id, "Mine now", &mine, false)
            .expect_err("not his")
            .kind(),
        engine::ErrorKind::Forbidden
    );
    e.save_view(t.tim, own.id, "My tickets", &mine, false)
        .expect("rename");
    e.delete_view(t.admin, shared.id).expect("admin deletes");
    let left = e.views(t.tim).expect("views");
    assert_eq!(
        left.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        vec!["My tickets"]
    );
}
