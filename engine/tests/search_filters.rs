//! The agents' search box: a ticket by its number, words narrowed by `status:`, `tag:`,
//! `from:`, `priority:` and `assignee:me`, and filters alone; never a ticket the agent
//! may not see.

mod common;

use common::{desk, team, ticket_in};
use model::{Priority, TicketStatus};

#[test]
fn numbers_and_filters_narrow_the_search() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let a = ticket_in(&d, &t, t.billing);
    let b = e
        .create_ticket(
            &common::new_ticket(
                "Bob Marley",
                "bob@example.com",
                "Refund late",
                "My refund is late.",
            ),
            model::Channel::Email,
        )
        .expect("b")
        .number;
    e.set_department(t.admin, b, Some(t.billing))
        .expect("route");
    let c = e
        .create_ticket(
            &common::new_ticket(
                "Cleo",
                "cleo@example.com",
                "Refund question",
                "Where is the refund?",
            ),
            model::Channel::Portal,
        )
        .expect("c")
        .number;
    e.set_department(t.admin, c, Some(t.tech)).expect("route");
    e.set_tags(t.admin, b, &["billing".into()]).expect("tag");
    e.set_priority(t.admin, b, Priority::High).expect("prio");
    e.assign(t.lea, a, Some(t.bo)).expect("assign");
    e.set_status(t.admin, c, TicketStatus::Open).expect("open");
    d.indexed();
    let numbers = |agent: u64, q: &str| -> Vec<u64> {
        e.search(agent, q, 20)
            .expect("search")
            .into_iter()
            .map(|h| h.number)
            .collect()
    };
    // By number, with or without #.
    assert_eq!(numbers(t.admin, &format!("#{b}")), vec![b]);
    assert_eq!(numbers(t.admin, &b.to_string())[0], b);
    // Words narrowed.
    let refunds = numbers(t.admin, "refund");
    assert!(refunds.contains(&b) && refunds.contains(&c));
    assert_eq!(numbers(t.admin, "refund tag:billing"), vec![b]);
    assert_eq!(numbers(t.admin, "refund from:cleo@example.com"), vec![c]);
    assert_eq!(numbers(t.admin, "refund from:marley"), vec![b]);
    assert_eq!(numbers(t.admin, "refund status:open"), vec![c]);
    assert_eq!(numbers(t.admin, "refund priority:high"), vec![b]);
    // Filters alone list what matches.
    assert_eq!(numbers(t.admin, "tag:billing"), vec![b]);
    assert_eq!(numbers(t.bo, "assignee:me"), vec![a]);
    assert!(numbers(t.admin, "tag:no-such-tag").is_empty());
    // Never what the agent may not see: Cleo's ticket is Tech's.
    assert!(!numbers(t.bo, "refund").contains(&c));
    assert!(numbers(t.bo, &format!("#{c}")).is_empty());
    assert!(numbers(t.bo, "status:open").is_empty());
}
