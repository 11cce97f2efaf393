//! Rules on real tickets: event rules act in the change's own transaction, in order,
//! each at most once per ticket and change, and rules reacting to rules stop; time rules
//! fire once per stay in a status, counted in business hours where asked, on an
//! injected clock; a dry run changes nothing; every firing is in the ticket's history
//! with the conditions that made it fire.

mod common;

use chrono::Duration;
use model::{
    Calendar, HistoryChange, Priority, Rule, RuleAction, RuleActionKind, RuleCondition, RuleEvent,
    RuleField, RuleOp, TicketStatus,
};

fn when(field: RuleField, op: RuleOp, value: &str) -> RuleCondition {
    RuleCondition {
        field,
        op,
        value: value.into(),
    }
}

fn does(kind: RuleActionKind, value: &str, text: &str) -> RuleAction {
    RuleAction {
        kind,
        value: value.into(),
        text: text.into(),
    }
}

fn rule(
    name: &str,
    event: RuleEvent,
    conditions: Vec<RuleCondition>,
    actions: Vec<RuleAction>,
) -> Rule {
    Rule {
        id: 0,
        name: name.into(),
        active: true,
        event,
        any: false,
        conditions,
        actions,
    }
}

/// The rule firings in a ticket's history, newest first.
fn firings(e: &engine::Engine, admin: u64, n: u64) -> Vec<(String, Vec<model::RuleCheck>)> {
    e.ticket_detail(admin, n)
        .expect("detail")
        .history
        .into_iter()
        .filter_map(|h| match h.change {
            HistoryChange::Rule { name, checks, .. } => Some((name, checks)),
            _ => None,
        })
        .collect()
}

#[test]
fn an_event_rule_routes_a_new_ticket_and_says_why() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    let refunds = rule(
        "Refunds to Billing",
        RuleEvent::Created,
        vec![
            when(RuleField::Subject, RuleOp::Contains, "refund"),
            when(RuleField::SenderDomain, RuleOp::Is, "example.com"),
        ],
        vec![
            // Named as people name them: the department by its name.
            does(RuleActionKind::SetDepartment, "billing", ""),
            does(RuleActionKind::SetPriority, "high", ""),
            does(RuleActionKind::AddTag, "refund", ""),
            does(RuleActionKind::AddNote, "", "Refund for {{customer.name}}"),
        ],
    );
    assert!(e.save_rule(t.tim, &refunds).is_err(), "admins only");
    let saved = e.save_rule(t.admin, &refunds).expect("saved");
    assert_eq!(saved.actions[0].value, t.billing.to_string(), "kept by id");
    assert_eq!(
        e.rules(t.admin).expect("rules")[0].actions[0].value,
        "Billing",
        "shown by name"
    );

    let other = d.customer_writes("Printer", "It jams.").number;
    let n = d.customer_writes("Refund please", "Charged twice.").number;
    let detail = e.ticket_detail(t.admin, n).expect("detail");
    assert_eq!(detail.summary.department_name.as_deref(), Some("Billing"));
    assert_eq!(detail.summary.priority, Priority::High);
    assert_eq!(detail.tags, vec!["refund".to_string()]);
    assert!(detail
        .messages
        .iter()
        .any(|m| m.body.contains("Refund for Ana Kovač") && m.author_name == "Refunds to Billing"));
    let fired = firings(e, t.admin, n);
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].0, "Refunds to Billing");
    assert!(fired[0].1.iter().all(|c| c.held));
    assert_eq!(fired[0].1[0].actual, "Refund please");
    // The changes are the rule's.
    let history = e.ticket_detail(t.admin, n).expect("detail").history;
    assert!(history.iter().any(
        |h| matches!(h.change, HistoryChange::Priority(_, Priority::High))
            && h.actor == "Refunds to Billing"
    ));

    let untouched = e.ticket_detail(t.admin, other).expect("detail");
    assert!(untouched.summary.department.is_none());
    assert!(firings(e, t.admin, other).is_empty());

    // Wrong values are refused with the row they are in.
    let wrong = rule(
        "Wrong",
        RuleEvent::Created,
        vec![when(RuleField::Department, RuleOp::Is, "Nowhere")],
        vec![does(RuleActionKind::SetStatus, "postponed", "")],
    );
    let err = e.save_rule(t.admin, &wrong).expect_err("refused");
    let fields: Vec<&str> = err.fields().iter().map(|f| f.field.as_str()).collect();
    assert!(
        fields.contains(&"condition0") && fields.contains(&"action0"),
        "{fields:?}"
    );
    let wrong_op = rule(
        "Wrong op",
        RuleEvent::Created,
        vec![when(RuleField::Status, RuleOp::AtLeast, "new")],
        vec![does(RuleActionKind::MarkSpam, "", "")],
    );
    assert!(e.save_rule(t.admin, &wrong_op).is_err());
}

#[test]
fn any_or_all_and_the_order_of_rules_decide() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    let mut either = rule(
        "Either",
        RuleEvent::Created,
        vec![
            when(RuleField::Subject, RuleOp::Contains, "outage"),
            when(RuleField::Text, RuleOp::Contains, "down"),
        ],
        vec![does(RuleActionKind::SetPriority, "urgent", "")],
    );
    either.any = true;
    e.save_rule(t.admin, &either).expect("either");
    let low = e
        .save_rule(
            t.admin,
            &rule(
                "Calm",
                RuleEvent::Created,
                vec![when(RuleField::Text, RuleOp::Contains, "down")],
                vec![does(RuleActionKind::SetPriority, "low", "")],
            ),
        )
        .expect("calm");
    let n = d.customer_writes("Hello", "The site is down").number;
    // Both fired, in order: the later one's word stands.
    assert_eq!(
        e.ticket_detail(t.admin, n)
            .expect("detail")
            .summary
            .priority,
        Priority::Low
    );
    e.move_rule(t.admin, low.id, engine::rules::RuleMove::Up)
        .expect("up");
    let m = d.customer_writes("Hello", "The site is down").number;
    assert_eq!(
        e.ticket_detail(t.admin, m)
            .expect("detail")
            .summary
            .priority,
        Priority::Urgent
    );
    let plain = d.customer_writes("Hello", "A question").number;
    assert_eq!(
        e.ticket_detail(t.admin, plain)
            .expect("detail")
            .summary
            .priority,
        Priority::Normal
    );
}

#[test]
fn rules_answering_each_other_stop_and_each_fires_once_per_change() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    // Two rules that undo each other on every update would run forever.
    e.save_rule(
        t.admin,
        &rule(
            "Tag on",
            RuleEvent::Updated,
            vec![],
            vec![does(RuleActionKind::AddTag, "ping", "")],
        ),
    )
    .expect("on");
    e.save_rule(
        t.admin,
        &rule(
            "Tag off",
            RuleEvent::Updated,
            vec![when(RuleField::Tags, RuleOp::Contains, "ping")],
            vec![does(RuleActionKind::RemoveTag, "ping", "")],
        ),
    )
    .expect("off");
    let n = d.customer_writes("Loop", "Hello").number;
    assert!(firings(e, t.admin, n).is_empty(), "created, not updated");
    e.set_priority(t.admin, n, Priority::High).expect("change");
    let fired = firings(e, t.admin, n);
    assert_eq!(fired.len(), 2, "each once: {fired:?}");
    assert!(e.ticket_detail(t.admin, n).expect("detail").tags.is_empty());
    e.set_priority(t.admin, n, Priority::Low).expect("again");
    assert_eq!(firings(e, t.admin, n).len(), 4);
}

#[test]
fn replies_and_status_changes_wake_their_rules() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    e.save_rule(
        t.admin,
        &rule(
            "Customer wrote",
            RuleEvent::CustomerReplied,
            vec![],
            vec![does(RuleActionKind::AddTag, "customer-wrote", "")],
        ),
    )
    .expect("customer");
    e.save_rule(
        t.admin,
        &rule(
            "Answered",
            RuleEvent::AgentReplied,
            vec![when(RuleField::Assignee, RuleOp::Is, "none")],
            vec![does(RuleActionKind::SetAssignee, "bo@desk.example", "")],
        ),
    )
    .expect("agent");
    e.save_rule(
        t.admin,
        &rule(
            "Solved",
            RuleEvent::StatusChanged,
            vec![when(RuleField::Status, RuleOp::Is, "resolved")],
            vec![does(RuleActionKind::Notify, "leader", "")],
        ),
    )
    .expect("status");
    let created = d.customer_writes("Help", "Hello");
    let n = created.number;
    e.set_department(t.admin, n, Some(t.billing))
        .expect("route");
    e.reply(t.admin, n, "Hello, on it.").expect("reply");
    let detail = e.ticket_detail(t.admin, n).expect("detail");
    assert_eq!(detail.summary.assignee_name.as_deref(), Some("Bo"));
    assert!(detail.tags.is_empty(), "no customer reply yet");
    e.customer_reply(n, &common::secret(&created), "Thanks, more.")
        .expect("customer");
    assert_eq!(
        e.ticket_detail(t.admin, n).expect("detail").tags,
        vec!["customer-wrote".to_string()]
    );
    e.set_status(t.admin, n, TicketStatus::Resolved)
        .expect("resolve");
    let told = e.notifications(t.lea).expect("bell");
    assert!(told
        .items
        .iter()
        .any(|i| i.ticket == n && i.kind == model::NotificationKind::Rule));
}

#[test]
fn time_rules_fire_once_per_stay_in_business_hours_on_the_clock() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
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
    let pending = e
        .save_rule(
            t.admin,
            &rule(
                "Pending too long",
                RuleEvent::Time,
                vec![
                    when(RuleField::Status, RuleOp::Is, "pending"),
                    when(RuleField::BusinessHoursInStatus, RuleOp::AtLeast, "16"),
                ],
                vec![does(RuleActionKind::SetStatus, "resolved", "")],
            ),
        )
        .expect("time rule");
    e.save_rule(
        t.admin,
        &rule(
            "Close resolved",
            RuleEvent::Time,
            vec![
                when(RuleField::Status, RuleOp::Is, "resolved"),
                when(RuleField::HoursInStatus, RuleOp::AtLeast, "168"),
            ],
            vec![does(RuleActionKind::SetStatus, "closed", "")],
        ),
    )
    .expect("close");
    e.save_rule(
        t.admin,
        &rule(
            "Nobody took it",
            RuleEvent::Time,
            vec![
                when(RuleField::Assignee, RuleOp::Is, "none"),
                when(RuleField::HoursSinceCreated, RuleOp::AtLeast, "2"),
            ],
            vec![does(RuleActionKind::Notify, "leader", "")],
        ),
    )
    .expect("unassigned");
    // A time rule needs a condition on time.
    assert!(e
        .save_rule(
            t.admin,
            &rule(
                "Always",
                RuleEvent::Time,
                vec![],
                vec![does(RuleActionKind::MarkSpam, "", "")]
            )
        )
        .is_err());

    let n = common::ticket_in(&d, &t, t.billing);
    e.assign(t.admin, n, Some(t.bo)).expect("assign");
    e.set_status(t.admin, n, TicketStatus::Pending)
        .expect("pending");
    let lonely = common::ticket_in(&d, &t, t.billing);

    d.clock.advance(Duration::hours(1));
    assert_eq!(e.rule_sweep().expect("sweep"), 0);
    d.clock.advance(Duration::hours(1));
    assert_eq!(e.rule_sweep().expect("sweep"), 1, "the unassigned one");
    assert_eq!(e.rule_sweep().expect("sweep"), 0, "once");
    let bell = |who| {
        e.notifications(who)
            .expect("bell")
            .items
            .iter()
            .filter(|i| i.ticket == lonely && i.kind == model::NotificationKind::Rule)
            .count()
    };
    assert_eq!(bell(t.lea), 1);

    // 16 business hours: Monday 09–17 and Tuesday 09–17. Tuesday 16:00 is not enough,
    // though 31 hours have passed.
    d.clock.advance(Duration::hours(29));
    e.rule_sweep().expect("sweep");
    assert_eq!(
        e.ticket_detail(t.admin, n).expect("detail").summary.status,
        TicketStatus::Pending
    );
    d.clock.advance(Duration::hours(1));
    assert_eq!(e.rule_sweep().expect("sweep"), 1);
    assert_eq!(
        e.ticket_detail(t.admin, n).expect("detail").summary.status,
        TicketStatus::Resolved
    );
    let fired = firings(e, t.admin, n);
    assert_eq!(fired[0].0, "Pending too long");
    assert!(fired[0].1[1].held && fired[0].1[1].actual.starts_with("16"));

    // A week later it closes; back in Pending it would be counted afresh.
    d.clock.advance(Duration::hours(167));
    e.rule_sweep().expect("sweep");
    assert_eq!(
        e.ticket_detail(t.admin, n).expect("detail").summary.status,
        TicketStatus::Resolved
    );
    d.clock.advance(Duration::hours(1));
    e.rule_sweep().expect("sweep");
    assert_eq!(
        e.ticket_detail(t.admin, n).expect("detail").summary.status,
        TicketStatus::Closed
    );
    // Turned off, a rule does nothing.
    let mut off = e
        .rules(t.admin)
        .expect("rules")
        .into_iter()
        .find(|r| r.id == pending.id)
        .expect("there");
    off.active = false;
    e.save_rule(t.admin, &off).expect("off");
    let again = common::ticket_in(&d, &t, t.billing);
    e.assign(t.admin, again, Some(t.bo)).expect("assign");
    e.set_status(t.admin, again, TicketStatus::Pending)
        .expect("pending");
    d.clock.advance(Duration::days(30));
    e.rule_sweep().expect("sweep");
    assert_eq!(
        e.ticket_detail(t.admin, again)
            .expect("detail")
            .summary
            .status,
        TicketStatus::Pending
    );
}

#[test]
fn a_dry_run_shows_what_would_happen_and_changes_nothing() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    let r = e
        .save_rule(
            t.admin,
            &rule(
                "Escalate VIP",
                RuleEvent::Updated,
                vec![
                    when(RuleField::Priority, RuleOp::Is, "normal"),
                    when(RuleField::Subject, RuleOp::Contains, "vip"),
                ],
                vec![
                    does(RuleActionKind::RaisePriority, "", ""),
                    does(RuleActionKind::SetAssignee, "Lea", ""),
                    does(RuleActionKind::EmailCustomer, "", "We are on it."),
                    does(RuleActionKind::Webhook, "http://127.0.0.1:9/hook", ""),
                ],
            ),
        )
        .expect("rule");
    let n = d.customer_writes("VIP order", "Where is it?").number;
    let before = e.ticket_detail(t.admin, n).expect("detail");
    let run = e.dry_run(t.admin, r.id, n).expect("dry run");
    assert!(run.fires);
    assert!(run.checks.iter().all(|c| c.held));
    assert_eq!(run.effects.len(), 4);
    assert_eq!(
        (run.effects[0].from.as_str(), run.effects[0].to.as_str()),
        ("normal", "high")
    );
    assert_eq!(run.effects[1].to, "Lea");
    assert_eq!(run.effects[2].to, "ana@example.com");
    let after = e.ticket_detail(t.admin, n).expect("detail");
    assert_eq!(before.summary.priority, after.summary.priority);
    assert_eq!(before.summary.assignee, after.summary.assignee);
    assert_eq!(before.history.len(), after.history.len());
    assert!(e.due_webhooks(10).expect("hooks").0.is_empty());
    assert!(e
        .outgoing_mail(t.admin)
        .expect("mail")
        .iter()
        .all(|m| m.kind != model::MailKind::Rule));

    let m = d.customer_writes("Printer", "It jams.").number;
    let no = e.dry_run(t.admin, r.id, m).expect("dry run");
    assert!(!no.fires);
    assert!(!no.checks[1].held && no.checks[0].held);
    assert!(e.dry_run(t.admin, r.id, 9999).is_err(), "no such ticket");
    assert!(e.dry_run(t.tim, r.id, n).is_err(), "admins only");
}

#[test]
fn webhooks_and_mail_go_out_and_failing_calls_are_given_up_with_a_note() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    e.save_rule(
        t.admin,
        &rule(
            "Tell the CRM",
            RuleEvent::Created,
            vec![],
            vec![
                does(RuleActionKind::Webhook, "https://crm.example/hook", ""),
                does(
                    RuleActionKind::EmailCustomer,
                    "",
                    "Ticket {{ticket.number}} is in.",
                ),
            ],
        ),
    )
    .expect("rule");
    let n = d.customer_writes("Order", "Hi").number;
    let (calls, _) = e.due_webhooks(10).expect("hooks");
    assert_eq!(calls.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&calls[0].body).expect("json");
    assert_eq!(body["ticket"]["number"], n);
    assert_eq!(body["event"], "created");
    assert_eq!(body["ticket"]["customer"]["email"], "ana@example.com");
    let mails = e.due_mail(10).expect("mail");
    assert!(mails
        .iter()
        .any(|m| m.to == "ana@example.com" && m.text == format!("Ticket {n} is in.")));

    for _ in 0..engine::rules::WEBHOOK_TRIES {
        let (calls, _) = e.due_webhooks(10).expect("hooks");
        assert_eq!(calls.len(), 1);
        e.webhook_result(calls[0].id, Some("connection refused".into()))
            .expect("result");
        d.clock.advance(Duration::hours(7));
    }
    assert!(e.due_webhooks(10).expect("hooks").0.is_empty());
    let detail = e.ticket_detail(t.admin, n).expect("detail");
    let note = detail
        .messages
        .iter()
        .find(|m| m.body.contains("connection refused"))
        .expect("given up, with a note");
    // The URL's path may hold a secret: only its host is shown.
    assert!(note.body.contains("crm.example") && !note.body.contains("/hook"));
    assert!(!format!("{:?}", detail.history).contains("/hook"));
    // The note wakes no rule: nothing new was queued.
    assert!(e.due_webhooks(10).expect("hooks").0.is_empty());

    // A URL with credentials in it is refused.
    let creds = rule(
        "Leaky",
        RuleEvent::Created,
        vec![],
        vec![does(
            RuleActionKind::Webhook,
            "https://user:secret@crm.example/hook",
            "",
        )],
    );
    assert!(e.save_rule(t.admin, &creds).is_err());
}

#[test]
fn a_breach_escalates_by_rule() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    e.save_sla_policy(
        t.admin,
        &model::SlaPolicy {
            name: "Standard".into(),
            targets: model::SlaTargets {
                first_response: Some(60),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .expect("policy");
    e.save_rule(
        t.admin,
        &rule(
            "Breached: raise and hand over",
            RuleEvent::SlaBreached,
            vec![],
            vec![
                does(RuleActionKind::RaisePriority, "", ""),
                does(RuleActionKind::SetAssignee, "lea@desk.example", ""),
            ],
        ),
    )
    .expect("rule");
    let n = common::ticket_in(&d, &t, t.billing);
    d.clock.advance(Duration::minutes(50));
    e.sla_sweep().expect("sweep");
    assert_eq!(
        e.ticket_detail(t.admin, n)
            .expect("detail")
            .summary
            .priority,
        Priority::Normal,
        "a warning is not a breach"
    );
    d.clock.advance(Duration::minutes(11));
    e.sla_sweep().expect("sweep");
    let detail = e.ticket_detail(t.admin, n).expect("detail");
    assert_eq!(detail.summary.priority, Priority::High);
    assert_eq!(detail.summary.assignee_name.as_deref(), Some("Lea"));
    e.sla_sweep().expect("sweep");
    assert_eq!(firings(e, t.admin, n).len(), 1, "once");
}

#[test]
fn contact_fields_and_copies_are_conditions_too() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    e.save_rule(
        t.admin,
        &rule(
            "Boss copied",
            RuleEvent::Updated,
            vec![
                when(RuleField::Ccs, RuleOp::Contains, "boss@"),
                when(RuleField::CustomerName, RuleOp::Is, "ana kovač"),
                when(RuleField::CustomerPhone, RuleOp::NotContains, "555"),
            ],
            vec![does(RuleActionKind::SetPriority, "urgent", "")],
        ),
    )
    .expect("rule");
    let n = d.customer_writes("Order", "Hi").number;
    e.set_ccs(t.admin, n, &["clerk@example.com".to_string()])
        .expect("cc");
    assert_eq!(
        e.ticket_detail(t.admin, n)
            .expect("detail")
            .summary
            .priority,
        Priority::Normal
    );
    e.set_ccs(t.admin, n, &["boss@example.com".to_string()])
        .expect("cc");
    assert_eq!(
        e.ticket_detail(t.admin, n)
            .expect("detail")
            .summary
            .priority,
        Priority::Urgent
    );
}
