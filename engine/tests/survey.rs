//! Satisfaction surveys: a resolved ticket's customer is mailed one link per answer,
//! rates without signing in, may change it for seven days; tokens for other tickets,
//! tampered or expired ones do nothing; ratings count for the agent and department.

mod common;

use chrono::{Duration, NaiveDate};
use common::{desk, secret, team, ticket_in};
use engine::Clock;
use model::{Rating, TicketStatus};

/// The survey token in the newest survey mail.
fn survey_link(e: &engine::Engine) -> String {
    let due = e.due_mail(50).expect("due");
    let m = due
        .iter()
        .rev()
        .find(|m| m.text.contains("/rate/"))
        .expect("a survey mail");
    m.text
        .split_whitespace()
        .find_map(|w| w.split("/rate/").nth(1))
        .and_then(|rest| rest.split('/').next())
        .expect("a token")
        .to_string()
}

#[test]
fn a_resolved_ticket_is_rated_by_link_once_and_changed_within_a_week() {
    let d = desk();
    let t = team(&d);
    let e = &d.engine;
    let admin_addr = model::DeskProfile {
        name: String::new(),
        time_zone: "UTC".into(),
        language: "en".into(),
        address: "https://help.example".into(),
    };
    e.set_desk_profile(t.admin, &admin_addr).expect("address");
    let n = ticket_in(&d, &t, t.billing);
    e.assign(t.lea, n, Some(t.bo)).expect("assign");
    // Not resolved yet: nothing to rate.
    assert!(e
        .due_mail(50)
        .expect("due")
        .iter()
        .all(|m| !m.text.contains("/rate/")));
    e.set_status(t.bo, n, TicketStatus::Resolved)
        .expect("resolve");
    let link = survey_link(e);
    assert!(e.rate_by_link("tampered", Rating::Good, None).is_err());
    let r = e
        .rate_by_link(&link, Rating::Bad, Some("Took too long"))
        .expect("rated");
    assert_eq!((r.rating, r.ticket), (Rating::Bad, n));
    // Changed within the week, the comment kept.
    let r = e.rate_by_link(&link, Rating::Good, None).expect("changed");
    assert_eq!(r.rating, Rating::Good);
    assert_eq!(r.comment, "Took too long");
    let detail = e.ticket_detail(t.bo, n).expect("detail");
    assert_eq!(detail.rating.map(|r| r.rating), Some(Rating::Good));
    // After seven days it stands.
    d.clock.advance(Duration::days(8));
    let err = e
        .rate_by_link(&link, Rating::Bad, None)
        .expect_err("closed");
    assert_eq!(err.fields()[0].key, "error.rating_closed");
    // Counted for Bo and Billing.
    let today = d.clock.now().date_naive();
    let s = e
        .satisfaction(t.admin, today - Duration::days(30), today)
        .expect("satisfaction");
    assert_eq!((s.all.good, s.all.bad), (1, 0));
    assert_eq!(s.agents[0].name, "Bo");
    assert_eq!(s.departments[0].name, "Billing");
    assert_eq!(s.all.score(), Some(100));
    // Tim (Tech) counts nothing of Billing's.
    let tim = e
        .satisfaction(t.tim, today - Duration::days(30), today)
        .expect("tim");
    assert_eq!(tim.all.good + tim.all.okay + tim.all.bad, 0);
    // A period before it holds nothing.
    let old = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    assert_eq!(e.satisfaction(t.admin, old, old).expect("s").all.good, 0);
    // Bo's profile shows the rating; Tim (Tech) sees the count but not Billing's ticket.
    assert_eq!(s.agents[0].id, t.bo);
    let bo = e.agent_profile(t.admin, t.bo).expect("profile");
    assert_eq!((bo.counts.good, bo.recent_counts.good), (1, 1));
    assert_eq!(bo.ratings.len(), 1);
    assert_eq!(bo.ratings[0].ticket, n);
    assert_eq!(bo.departments, ["Billing"]);
    let seen_by_tim = e.agent_profile(t.tim, t.bo).expect("profile");
    assert_eq!(seen_by_tim.counts.good, 1);
    assert!(seen_by_tim.ratings.is_empty());
    d.clock.advance(Duration::days(30));
    let later = e.agent_profile(t.admin, t.bo).expect("profile");
    assert_eq!((later.counts.good, later.recent_counts.good), (1, 0));
    assert!(e.agent_profile(t.admin, 999).is_err());
}

#[test]
fn customers_rate_from_their_page_only_their_resolved_tickets() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", true);
    let mine = d.customer_writes("Mine", "Hello");
    let other = e
        .create_ticket(
            &common::new_ticket("Bob", "bob@example.com", "Bob's", "Hi"),
            model::Channel::Portal,
        )
        .expect("bob");
    let key = secret(&mine);
    let err = e
        .rate_as_customer(mine.number, &key, Rating::Good, None)
        .expect_err("not resolved yet");
    assert_eq!(err.fields()[0].key, "error.rating_not_resolved");
    e.set_status(agent, mine.number, TicketStatus::Resolved)
        .expect("resolve");
    e.set_status(agent, other.number, TicketStatus::Resolved)
        .expect("resolve");
    // Ana's key does not rate Bob's ticket.
    assert!(e
        .rate_as_customer(other.number, &key, Rating::Bad, None)
        .is_err());
    let r = e
        .rate_as_customer(mine.number, &key, Rating::Okay, Some("Fine"))
        .expect("rated");
    assert_eq!(r.rating, Rating::Okay);
    let seen = e.customer_ticket(mine.number, &key).expect("page");
    assert_eq!(seen.rating.map(|r| r.comment), Some("Fine".to_string()));
    // The contact page lists it.
    let requester = e
        .ticket_detail(agent, mine.number)
        .expect("d")
        .summary
        .requester;
    let page = e.contact(agent, requester).expect("contact");
    assert_eq!(page.ratings.len(), 1);
    assert_eq!(page.ratings[0].rating, Rating::Okay);
    // Without a desk address no survey mail is sent, but the page still asks.
    assert!(e
        .due_mail(50)
        .expect("due")
        .iter()
        .all(|m| !m.text.contains("/rate/")));
}
