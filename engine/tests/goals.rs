//! Goals: admins set them; the figures count each ticket of the period once its outcome
//! is known, in business hours of its calendar, on an injected clock.

mod common;

use chrono::Duration;
use model::{Calendar, Goal, GoalMetric, TicketStatus};

#[test]
fn goals_measure_the_period_in_business_hours() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    let resolved = Goal {
        name: "Resolved within a day".into(),
        metric: GoalMetric::Resolution,
        minutes: 8 * 60,
        percent: 90,
        ..Goal::default()
    };
    assert!(e.save_goal(t.tim, &resolved).is_err(), "admins only");
    assert!(e
        .save_goal(
            t.admin,
            &Goal {
                percent: 0,
                ..resolved.clone()
            }
        )
        .is_err());
    let resolved = e.save_goal(t.admin, &resolved).expect("goal");
    e.save_goal(
        t.admin,
        &Goal {
            name: "Answered within an hour".into(),
            metric: GoalMetric::FirstResponse,
            minutes: 60,
            percent: 80,
            ..Goal::default()
        },
    )
    .expect("goal");
    // Monday 09:00 UTC; open 9 to 17 on weekdays.
    let cal = e
        .save_calendar(
            t.admin,
            &Calendar {
                name: "Office".into(),
                ..Calendar::weekdays("UTC", 9, 17)
            },
        )
        .expect("calendar");
    e.use_calendar(t.admin, None, Some(cal.id))
        .expect("default");
    let figures = |e: &engine::Engine| e.goal_figures(t.tim, 7).expect("figures");
    assert!(figures(e).iter().all(|f| f.counted == 0 && f.on_track()));

    // One answered in 30 minutes and resolved the same day; one answered late and
    // resolved at closing time; one never answered.
    let a = d.customer_writes("A", "a").number;
    let b = d.customer_writes("B", "b").number;
    let c = d.customer_writes("C", "c").number;
    d.clock.advance(Duration::minutes(30));
    e.reply(t.admin, a, "Hello").expect("reply");
    e.set_status(t.admin, a, TicketStatus::Resolved)
        .expect("done");
    d.clock.advance(Duration::hours(2));
    e.reply(t.admin, b, "Hello").expect("late reply");
    // Resolved at 17:00: eight business hours exactly, which makes it.
    d.clock.advance(Duration::hours(5) + Duration::minutes(30));
    e.set_status(t.admin, b, TicketStatus::Resolved)
        .expect("done");
    let f = figures(e);
    assert_eq!(
        (f[0].made, f[0].counted),
        (2, 2),
        "c's outcome is not known yet"
    );
    assert_eq!((f[1].made, f[1].counted), (1, 3), "b late, c past the hour");
    assert!(f[0].on_track());
    assert!(!f[1].on_track());
    assert_eq!(f[1].percent().map(|p| p.round()), Some(33.0));
    // A business day later c is past its day too.
    d.clock.advance(Duration::hours(16) + Duration::minutes(1));
    let f = figures(e);
    assert_eq!((f[0].made, f[0].counted), (2, 3));
    assert!(!f[0].on_track());
    // Out of the period, tickets no longer count.
    d.clock.advance(Duration::days(8));
    assert!(figures(e).iter().all(|f| f.counted == 0));
    e.remove_goal(t.admin, resolved.id).expect("removed");
    assert_eq!(e.goals(t.tim).expect("goals").len(), 1);
    assert!(e.remove_goal(t.admin, resolved.id).is_err());
    let _ = c;
}
