//! Service-level policies on real tickets: the first policy in order whose conditions
//! hold applies; its clocks run in business minutes, stand still while the ticket is
//! Pending, and stop when answered or resolved; a changed policy applies at once.

mod common;

use chrono::Duration;
use model::{ClockState, Priority, SlaConditions, SlaPolicy, SlaTargets, TicketStatus};

fn policy(name: &str, first: u32, resolution: u32, conditions: SlaConditions) -> SlaPolicy {
    SlaPolicy {
        name: name.into(),
        conditions,
        targets: SlaTargets {
            first_response: Some(first),
            next_response: Some(30),
            resolution: Some(resolution),
        },
        ..SlaPolicy::default()
    }
}

#[test]
fn the_first_matching_policy_runs_a_tickets_clocks() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    let n = d.customer_writes("Printer", "It jams.").number;
    assert!(
        e.ticket_detail(t.admin, n).expect("detail").sla.is_none(),
        "no policy yet"
    );

    let standard = policy("Standard", 60, 480, SlaConditions::default());
    assert!(e.save_sla_policy(t.tim, &standard).is_err(), "admins only");
    assert!(
        e.save_sla_policy(
            t.admin,
            &SlaPolicy {
                targets: SlaTargets::default(),
                ..standard.clone()
            }
        )
        .is_err(),
        "some target"
    );
    e.save_sla_policy(t.admin, &standard).expect("standard");
    let urgent = e
        .save_sla_policy(
            t.admin,
            &policy(
                "Urgent billing",
                15,
                120,
                SlaConditions {
                    priorities: vec![Priority::Urgent],
                    departments: vec![t.billing],
                    ..SlaConditions::default()
                },
            ),
        )
        .expect("urgent");
    let sla = |e: &engine::Engine| {
        e.ticket_detail(t.admin, n)
            .expect("detail")
            .sla
            .expect("a policy")
    };
    assert_eq!(sla(e).policy, "Standard");

    // Moved first, it takes the urgent billing tickets only.
    e.change_sla_policy(t.admin, urgent.id, Some(true))
        .expect("up");
    assert_eq!(sla(e).policy, "Standard");
    e.set_priority(t.admin, n, Priority::Urgent)
        .expect("urgent");
    assert_eq!(sla(e).policy, "Standard", "not in Billing");
    e.set_department(t.admin, n, Some(t.billing))
        .expect("billing");
    assert_eq!(sla(e).policy, "Urgent billing");

    // Ten minutes: running; five more: warning (80 % of 15).
    d.clock.advance(Duration::minutes(10));
    let first = sla(e).first_response.expect("first");
    assert_eq!((first.state, first.used_minutes), (ClockState::Running, 10));
    d.clock.advance(Duration::minutes(3));
    assert_eq!(
        sla(e).first_response.expect("first").state,
        ClockState::Warning
    );
    // Pending: it stands still.
    e.set_status(t.admin, n, TicketStatus::Pending)
        .expect("pending");
    d.clock.advance(Duration::minutes(60));
    let first = sla(e).first_response.expect("first");
    assert_eq!((first.state, first.used_minutes), (ClockState::Paused, 13));
    // Back and answered in time: met.
    e.set_status(t.admin, n, TicketStatus::Open).expect("open");
    d.clock.advance(Duration::minutes(1));
    e.reply(t.admin, n, "On it.").expect("reply");
    let s = sla(e);
    assert_eq!(s.first_response.expect("first").state, ClockState::Met);
    assert!(s.next_response.is_none(), "no customer message since");
    assert_eq!(s.resolution.expect("resolution").used_minutes, 14);

    // A changed target applies at once: 10 minutes to answer was missed.
    let mut tighter = policy(
        "Urgent billing",
        10,
        120,
        SlaConditions {
            priorities: vec![Priority::Urgent],
            departments: vec![t.billing],
            ..SlaConditions::default()
        },
    );
    tighter.id = urgent.id;
    e.save_sla_policy(t.admin, &tighter).expect("changed");
    assert_eq!(
        sla(e).first_response.expect("first").state,
        ClockState::MetLate
    );

    // Removed, the next in order applies.
    e.change_sla_policy(t.admin, urgent.id, None)
        .expect("removed");
    assert_eq!(sla(e).policy, "Standard");
    let (all, warn) = e.sla_policies(t.tim).expect("list");
    assert_eq!((all.len(), warn), (1, 80));
    assert!(e.set_sla_warning(t.admin, 100).is_err());
    e.set_sla_warning(t.admin, 50).expect("warn");
    assert_eq!(e.sla_policies(t.admin).expect("list").1, 50);
}

#[test]
fn warnings_and_breaches_go_into_the_history_once_and_the_assignee_hears() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    assert_eq!(e.sla_sweep().expect("sweep"), 0, "no policy, nothing to do");
    e.save_sla_policy(
        t.admin,
        &policy("Standard", 15, 480, SlaConditions::default()),
    )
    .expect("policy");
    let n = d.customer_writes("Printer", "It jams.").number;
    e.assign(t.admin, n, Some(t.bo)).expect("Bo's");
    d.clock.advance(Duration::minutes(5));
    assert_eq!(e.sla_sweep().expect("sweep"), 0);
    // 13 of 15 minutes: a warning, told once.
    d.clock.advance(Duration::minutes(8));
    assert_eq!(e.sla_sweep().expect("sweep"), 1);
    assert_eq!(e.sla_sweep().expect("sweep"), 0, "once");
    let bell = e.notifications(t.bo).expect("bell");
    assert!(bell
        .items
        .iter()
        .any(|i| i.ticket == n && i.kind == model::NotificationKind::SlaWarning));
    // Past it: the breach, once.
    d.clock.advance(Duration::minutes(5));
    assert_eq!(e.sla_sweep().expect("sweep"), 1);
    d.clock.advance(Duration::minutes(5));
    assert_eq!(e.sla_sweep().expect("sweep"), 0);
    let history = e.ticket_detail(t.admin, n).expect("detail").history;
    assert!(history
        .iter()
        .any(|h| h.change == model::HistoryChange::Sla(0, false)));
    assert!(history
        .iter()
        .any(|h| h.change == model::HistoryChange::Sla(0, true)));
    // Waiting tickets are not swept; a ticket of nobody's tells the department leader.
    let m = d.customer_writes("Refund", "Twice.").number;
    e.set_department(t.admin, m, Some(t.billing))
        .expect("billing");
    d.clock.advance(Duration::minutes(20));
    assert_eq!(e.sla_sweep().expect("sweep"), 1);
    assert!(e
        .notifications(t.lea)
        .expect("bell")
        .items
        .iter()
        .any(|i| i.ticket == m && i.kind == model::NotificationKind::SlaBreached));
}

#[test]
fn the_inbox_sorts_by_the_nearest_due_and_marks_tickets_near_and_past_it() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    let a = d.customer_writes("Printer", "It jams.").number;
    let b = d.customer_writes("Refund", "Twice.").number;
    let c = d.customer_writes("Login", "Cannot.").number;
    let listed = |e: &engine::Engine| {
        e.inbox(t.admin, &common::listing(None, model::Sort::Due), 0, 10)
            .expect("inbox")
            .tickets
    };
    assert!(
        listed(e).iter().all(|s| s.sla.is_none()),
        "no policy, no dues"
    );
    // Urgent tickets get 10 minutes, others 60: the change applies to tickets that
    // exist, in the background.
    e.save_sla_policy(
        t.admin,
        &policy(
            "Urgent",
            10,
            480,
            SlaConditions {
                priorities: vec![Priority::Urgent],
                ..SlaConditions::default()
            },
        ),
    )
    .expect("urgent");
    e.save_sla_policy(
        t.admin,
        &policy("Standard", 60, 480, SlaConditions::default()),
    )
    .expect("standard");
    assert!(e.wait_for_sla(std::time::Duration::from_secs(10)));
    e.set_priority(t.admin, c, Priority::Urgent)
        .expect("urgent");
    // Waiting on the customer: no clock runs, so it comes last.
    e.set_status(t.admin, a, TicketStatus::Pending)
        .expect("pending");
    let order: Vec<u64> = listed(e).iter().map(|s| s.number).collect();
    assert_eq!(order, vec![c, b, a]);
    let marks = |e: &engine::Engine| -> Vec<Option<ClockState>> {
        listed(e).iter().map(|s| s.sla.map(|x| x.0)).collect()
    };
    assert_eq!(
        marks(e),
        vec![Some(ClockState::Running), Some(ClockState::Running), None]
    );
    // 8 of 10 minutes: near; 11: past.
    d.clock.advance(Duration::minutes(8));
    assert_eq!(marks(e)[0], Some(ClockState::Warning));
    d.clock.advance(Duration::minutes(3));
    assert_eq!(marks(e)[0], Some(ClockState::Breached));
    assert_eq!(marks(e)[1], Some(ClockState::Running));
    // A longer target, and the order and marks follow once worked out again.
    let urgent = e.sla_policies(t.admin).expect("list").0[0].clone();
    e.save_sla_policy(
        t.admin,
        &SlaPolicy {
            targets: SlaTargets {
                first_response: Some(600),
                ..urgent.targets
            },
            ..urgent
        },
    )
    .expect("changed");
    assert!(e.wait_for_sla(std::time::Duration::from_secs(10)));
    let order: Vec<u64> = listed(e).iter().map(|s| s.number).collect();
    assert_eq!(order, vec![b, c, a]);
    assert!(e.sla_recompute_progress().is_none(), "done");
    // Resolved, a ticket's clocks stop.
    e.set_status(t.admin, b, TicketStatus::Resolved)
        .expect("resolved");
    assert!(listed(e)
        .iter()
        .find(|s| s.number == b)
        .expect("b")
        .sla
        .is_none());
}
