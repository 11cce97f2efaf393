//! Fair distribution: a department hands its new tickets to its available members
//! below their capacity, in turn or to the least loaded; an agent away gets none and
//! may hand theirs back; who got what and why is in the history.

mod common;

use model::{Availability, Distribution, HistoryChange, TicketStatus};

/// Four agents in one department: A and B may hold 300 open tickets, C 100, D any
/// number but is away.
fn four(d: &common::Desk) -> (u64, u64, [u64; 4]) {
    let e = &d.engine;
    let admin = common::agent(d, "Admin", true);
    let agents = ["Ana", "Bo", "Cy", "Di"].map(|n| common::agent(d, n, false));
    let dept = e
        .save_department(
            admin,
            &model::Department {
                id: 0,
                name: "Support".into(),
                leader: None,
                members: agents.to_vec(),
            },
        )
        .expect("department")
        .id;
    e.set_capacity(admin, agents[0], Some(300)).expect("cap");
    e.set_capacity(admin, agents[1], Some(300)).expect("cap");
    e.set_capacity(admin, agents[2], Some(100)).expect("cap");
    e.set_availability(agents[3], Availability::Away, false)
        .expect("away");
    (admin, dept, agents)
}

fn loads(e: &engine::Engine, admin: u64, agents: &[u64; 4]) -> [u64; 4] {
    let (_, all) = e.distribution(admin).expect("loads");
    agents.map(|a| all.iter().find(|l| l.agent == a).expect("agent").open)
}

#[test]
fn a_thousand_tickets_go_round_in_turn_within_capacities() {
    let d = common::desk();
    let e = &d.engine;
    let (admin, dept, agents) = four(&d);
    // Manual: nothing is handed out.
    let first = d.customer_writes("Q0", "x").number;
    e.set_department(admin, first, Some(dept)).expect("moved");
    assert_eq!(loads(e, admin, &agents), [0, 0, 0, 0]);

    e.set_distribution(admin, dept, Distribution::RoundRobin)
        .expect("round robin");
    let mut unassigned = 0;
    for i in 0..1000 {
        let n = d.customer_writes(&format!("Q{i}"), "x").number;
        e.set_department(admin, n, Some(dept)).expect("moved");
        if e.ticket_detail(admin, n)
            .expect("d")
            .summary
            .assignee
            .is_none()
        {
            unassigned += 1;
        }
        if i == 8 {
            // In turn: three each among the three available.
            assert_eq!(loads(e, admin, &agents), [3, 3, 3, 0]);
        }
    }
    // Capacities hold; the one away got nothing; the rest wait in the queue.
    assert_eq!(loads(e, admin, &agents), [300, 300, 100, 0]);
    assert_eq!(unassigned, 300);

    // The history says who and why.
    let n = d.customer_writes("Why", "x").number;
    e.set_capacity(admin, agents[3], None).expect("no limit");
    e.set_availability(agents[3], Availability::Available, false)
        .expect("back");
    e.set_department(admin, n, Some(dept)).expect("moved");
    let detail = e.ticket_detail(admin, n).expect("detail");
    assert_eq!(detail.summary.assignee, Some(agents[3]));
    assert!(detail
        .history
        .iter()
        .any(|h| h.change == HistoryChange::Distributed(Distribution::RoundRobin, 0)));
}

#[test]
fn the_least_loaded_get_tickets_and_an_agent_away_hands_theirs_back() {
    let d = common::desk();
    let e = &d.engine;
    let (admin, dept, agents) = four(&d);
    e.set_distribution(admin, dept, Distribution::LeastLoaded)
        .expect("least loaded");
    // Ana already holds five.
    for i in 0..5 {
        let n = d.customer_writes(&format!("Old {i}"), "x").number;
        e.assign(admin, n, Some(agents[0])).expect("assigned");
    }
    for i in 0..13 {
        let n = d.customer_writes(&format!("New {i}"), "x").number;
        e.set_department(admin, n, Some(dept)).expect("moved");
    }
    // 5 + 13 = 18 among three: six each.
    assert_eq!(loads(e, admin, &agents), [6, 6, 6, 0]);
    // Resolved tickets do not count as load.
    let bo_ticket = (1..=18)
        .find(|&n| e.ticket_detail(admin, n).expect("d").summary.assignee == Some(agents[1]))
        .expect("one of Bo's");
    e.set_status(admin, bo_ticket, TicketStatus::Resolved)
        .expect("resolved");
    assert_eq!(loads(e, admin, &agents)[1], 5);
    // Cy goes away and hands back New and Open tickets.
    let back = e
        .set_availability(agents[2], Availability::Away, true)
        .expect("away");
    assert_eq!(back, 6);
    assert_eq!(loads(e, admin, &agents)[2], 0);
    // Busy agents get nothing new either.
    e.set_availability(agents[1], Availability::Busy, false)
        .expect("busy");
    let n = d.customer_writes("Next", "x").number;
    e.set_department(admin, n, Some(dept)).expect("moved");
    assert_eq!(
        e.ticket_detail(admin, n).expect("d").summary.assignee,
        Some(agents[0])
    );
    // Only admins set modes and capacities.
    assert!(e
        .set_distribution(agents[0], dept, Distribution::Manual)
        .is_err());
    assert!(e.set_capacity(agents[0], agents[0], Some(1)).is_err());
}

#[test]
fn agents_get_tickets_only_in_their_working_hours() {
    let d = common::desk();
    let e = &d.engine;
    let (admin, dept, agents) = four(&d);
    e.set_distribution(admin, dept, Distribution::RoundRobin)
        .expect("round robin");
    // Monday 09:00 UTC. Ana works mornings, Bo afternoons; Cy has no hours set.
    let mornings = e
        .save_calendar(
            admin,
            &model::Calendar {
                name: "Mornings".into(),
                ..model::Calendar::weekdays("UTC", 8, 12)
            },
        )
        .expect("calendar");
    let afternoons = e
        .save_calendar(
            admin,
            &model::Calendar {
                name: "Afternoons".into(),
                ..model::Calendar::weekdays("UTC", 12, 18)
            },
        )
        .expect("calendar");
    e.set_agent_hours(admin, agents[0], Some(mornings.id))
        .expect("hours");
    e.set_agent_hours(admin, agents[1], Some(afternoons.id))
        .expect("hours");
    assert!(
        e.set_agent_hours(agents[2], agents[2], None).is_err(),
        "admins only"
    );
    let (_, all) = e.distribution(admin).expect("loads");
    assert_eq!(
        all.iter().find(|l| l.agent == agents[1]).expect("Bo").hours,
        Some(afternoons.id)
    );
    let hand_out = |count: usize| {
        for i in 0..count {
            let n = d.customer_writes(&format!("T{i}"), "x").number;
            e.set_department(admin, n, Some(dept)).expect("moved");
        }
    };
    hand_out(10);
    assert_eq!(
        loads(e, admin, &agents),
        [5, 0, 5, 0],
        "Bo is not at work yet"
    );
    d.clock.advance(chrono::Duration::hours(4));
    hand_out(10);
    assert_eq!(loads(e, admin, &agents), [5, 5, 10, 0], "now Ana is not");
}

#[test]
fn a_customer_choosing_a_department_is_routed_and_served_by_it() {
    let d = common::desk();
    let e = &d.engine;
    let (admin, dept, agents) = four(&d);
    e.set_distribution(admin, dept, Distribution::LeastLoaded)
        .expect("least loaded");
    let chosen = e
        .create_ticket(
            &model::NewTicket {
                department: Some(dept),
                ..common::new_ticket("Ana", "ana@example.com", "Help", "Please.")
            },
            model::Channel::Portal,
        )
        .expect("created");
    let detail = e.ticket_detail(admin, chosen.number).expect("detail");
    assert_eq!(detail.summary.department, Some(dept));
    assert_eq!(
        detail.summary.assignee,
        Some(agents[0]),
        "handed out at once"
    );
    // A department that is gone is no choice: the ticket is kept, in no department.
    let stale = e
        .create_ticket(
            &model::NewTicket {
                department: Some(9999),
                ..common::new_ticket("Bo", "bo@example.com", "Help", "Please.")
            },
            model::Channel::Portal,
        )
        .expect("kept");
    assert!(e
        .ticket_detail(admin, stale.number)
        .expect("detail")
        .summary
        .department
        .is_none());
}
