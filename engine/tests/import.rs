//! The batched import: many tickets in one transaction, each exactly as if created one
//! by one (records, contacts, audit, counts, index jobs), or none at all.

mod common;

use common::{desk, new_ticket, secret};
use model::{Channel, Sort, TicketStatus};

#[test]
fn a_batch_becomes_tickets_like_one_by_one_creation() {
    let d = desk();
    let one = d.customer_writes("Before the import", "Created one by one.");
    let batch: Vec<_> = (0..500)
        .map(|i| {
            new_ticket(
                &format!("Customer {}", i % 40),
                &format!("customer{}@example.com", i % 40),
                &format!("Imported request imp{i}x"),
                &format!("Text of imported request {i}."),
            )
        })
        .collect();
    let created = d
        .engine
        .import_tickets(&batch, Channel::Email)
        .expect("import");
    assert_eq!(created.len(), 500);
    let numbers: Vec<u64> = created.iter().map(|c| c.number).collect();
    assert_eq!(
        numbers,
        (one.number + 1..=one.number + 500).collect::<Vec<_>>()
    );

    // Each is readable through its own private link, with its own subject.
    for (i, c) in created.iter().enumerate().step_by(37) {
        let t = d
            .engine
            .customer_ticket(c.number, &secret(c))
            .expect("customer view");
        assert_eq!(t.subject, format!("Imported request imp{i}x"));
        assert_eq!(t.status, TicketStatus::New);
        assert!(d.engine.customer_ticket(c.number, &secret(&one)).is_err());
    }
    // Counted, listed, audited and searchable like any other ticket.
    let page = d
        .engine
        .inbox(
            d.viewer(),
            &common::listing(Some(TicketStatus::New), Sort::Newest),
            0,
            10,
        )
        .expect("inbox");
    assert_eq!(page.total, 501);
    assert_eq!(page.tickets[0].number, one.number + 500);
    assert_eq!(page.tickets[0].channel, Channel::Email);
    let history = d
        .engine
        .ticket_history(d.viewer(), one.number + 7)
        .expect("history");
    assert!(!history.is_empty());
    assert_eq!(d.found("imp123x"), [one.number + 124]);
    // Customers writing twice are one contact.
    let a = d
        .engine
        .ticket_detail(d.viewer(), one.number + 1)
        .expect("detail");
    let b = d
        .engine
        .ticket_detail(d.viewer(), one.number + 41)
        .expect("detail");
    assert_eq!(a.summary.requester_email, "customer0@example.com");
    assert_eq!(b.summary.requester_email, a.summary.requester_email);
    assert_eq!(b.summary.requester_name, "Customer 0");
}

#[test]
fn one_invalid_ticket_refuses_the_whole_batch() {
    let d = desk();
    let mut batch: Vec<_> = (0..10)
        .map(|i| new_ticket("Ana", "ana@example.com", &format!("Fine {i}"), "Body"))
        .collect();
    batch[6].email = "not an address".into();
    let e = d
        .engine
        .import_tickets(&batch, Channel::Api)
        .expect_err("refused");
    assert_eq!(e.kind(), engine::ErrorKind::Invalid);
    assert!(
        e.fields().iter().any(|f| f.field == "tickets[6].email"),
        "{:?}",
        e.fields()
    );
    let page = d
        .engine
        .inbox(d.viewer(), &common::listing(None, Sort::Newest), 0, 10)
        .expect("inbox");
    assert_eq!(page.total, 0, "nothing of the batch was written");
}
