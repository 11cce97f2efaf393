//! When rules run: after every change (in its transaction), every minute for time
//! rules, and on an admin's dry run (in a transaction that is thrown away).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use model::{DryRun, Rule, RuleEvent, RuleField, RuleOp, TicketStatus};
use redb::{ReadableTable, WriteTransaction};

use super::act::apply;
use super::facts::Facts;
use super::read_rules;
use crate::access::caller_in;
use crate::store::records::{Actor, AuditRecord, Change, Job, WebhookRecord};
use crate::store::{self, codec, tables};
use crate::{audit, enqueue, tickets, Engine, Error, Event, Result};

/// Rounds of rules running on what rules did, at most, after one change.
const MAX_ROUNDS: usize = 5;
/// Time rules firing in one sweep, and tickets checked, at most (the rest a minute
/// later): the sweep holds the write lock while it works.
const SWEEP_FIRINGS: usize = 500;
const SWEEP_CHECKS: usize = 20_000;

/// The last audit id written: what a change writes after it is what rules look at.
pub(crate) fn audit_mark(txn: &WriteTransaction) -> Result<u64> {
    store::counter(&txn.open_table(tables::COUNTERS)?, "audit")
}

/// The events audit record `r` means for rules.
fn events_of(r: &AuditRecord) -> Vec<RuleEvent> {
    match &r.change {
        Change::TicketCreated => vec![RuleEvent::Created],
        // Notes the desk or a rule writes wake no rule (a rule's note must not start
        // another round).
        Change::MessageAdded { .. } if matches!(r.actor, Actor::System | Actor::Rule(_)) => {
            Vec::new()
        }
        Change::MessageAdded {
            kind: model::MessageKind::Reply,
            ..
        } => match r.actor {
            Actor::Contact(_) => vec![RuleEvent::CustomerReplied, RuleEvent::Updated],
            Actor::Agent(_) => vec![RuleEvent::AgentReplied, RuleEvent::Updated],
            _ => vec![RuleEvent::Updated],
        },
        Change::StatusChanged { .. } => vec![RuleEvent::StatusChanged, RuleEvent::Updated],
        Change::Sla {
            breached: false, ..
        } => vec![RuleEvent::SlaWarning],
        Change::Sla { breached: true, .. } => vec![RuleEvent::SlaBreached],
        Change::RuleFired { .. } => Vec::new(),
        _ => vec![RuleEvent::Updated],
    }
}

/// Runs the event rules on what was written after audit id `since`, in the same
/// transaction: rule by rule in order, each at most once per ticket, and again on what
/// rules changed, for at most [`MAX_ROUNDS`] rounds.
pub(crate) fn after_change(
    txn: &WriteTransaction,
    since: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Event>> {
    if audit_mark(txn)? == since {
        return Ok(Vec::new());
    }
    let rules: Vec<Rule> = read_rules(&txn.open_table(tables::SETTINGS)?)?
        .into_iter()
        .filter(|r| r.active && r.event != RuleEvent::Time)
        .collect();
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let mut fired: HashSet<(u64, u64)> = HashSet::new();
    let mut events = Vec::new();
    let mut from = since;
    for _ in 0..MAX_ROUNDS {
        let upto = audit_mark(txn)?;
        if upto == from {
            break;
        }
        // What happened to each ticket in this round.
        let mut happened: BTreeMap<u64, (HashSet<RuleEvent>, bool)> = BTreeMap::new();
        {
            let audit_table = txn.open_table(tables::AUDIT)?;
            for entry in audit_table.range(from + 1..=upto)? {
                let r: AuditRecord = codec::decode(entry?.1.value())?;
                let Some(number) = r.ticket else { continue };
                let slot = happened.entry(number).or_default();
                slot.0.extend(events_of(&r));
                slot.1 |= matches!(r.change, Change::TicketCreated);
            }
        }
        from = upto;
        for (number, (mut on, created)) in happened {
            // A new ticket is created, not updated: its first message and its routing
            // are part of being created.
            if created {
                on.retain(|e| matches!(e, RuleEvent::Created));
            }
            for rule in &rules {
                if !on.contains(&rule.event) || fired.contains(&(rule.id, number)) {
                    continue;
                }
                if fire(txn, rule, rule.event, number, now, &mut events)? {
                    fired.insert((rule.id, number));
                }
            }
        }
    }
    Ok(events)
}

/// Fires `rule` on ticket `number` if its conditions hold: its actions, then the record
/// of why, then the ticket stored. Answers whether it fired.
fn fire(
    txn: &WriteTransaction,
    rule: &Rule,
    event: RuleEvent,
    number: u64,
    now: DateTime<Utc>,
    events: &mut Vec<Event>,
) -> Result<bool> {
    let ticket = tickets::get_ticket(txn, number)?;
    fire_on(txn, rule, event, Facts::new(txn, ticket, now), now, events)
}

/// [`fire`] on a ticket whose facts are already being read.
fn fire_on(
    txn: &WriteTransaction,
    rule: &Rule,
    event: RuleEvent,
    facts: Facts<'_>,
    now: DateTime<Utc>,
    events: &mut Vec<Event>,
) -> Result<bool> {
    if facts.ticket.merged_into.is_some() {
        return Ok(false);
    }
    let number = facts.ticket.number;
    let (fires, checks) = facts.checks(rule)?;
    if !fires {
        return Ok(false);
    }
    let mut t = facts.ticket;
    let (effects, told) = apply(txn, rule, event, &mut t, now)?;
    events.extend(told);
    audit(
        txn,
        Some(number),
        Actor::Rule(rule.id),
        Change::RuleFired {
            rule: rule.id,
            name: rule.name.clone(),
            event,
            checks,
            effects,
        },
        now,
    )?;
    t.updated_at = now;
    tickets::put_ticket(txn, &t)?;
    enqueue(txn, &Job::IndexTicket(number))?;
    events.push(Event::TicketChanged(number));
    Ok(true)
}

/// The statuses a time rule may act in: those its conditions require, else every one
/// but Closed.
fn statuses_for(rule: &Rule) -> Vec<TicketStatus> {
    let required: Vec<TicketStatus> = rule
        .conditions
        .iter()
        .filter(|c| c.field == RuleField::Status && c.op == RuleOp::Is && !rule.any)
        .filter_map(|c| TicketStatus::from_slug(&c.value))
        .collect();
    if required.is_empty() {
        TicketStatus::ALL
            .into_iter()
            .filter(|s| *s != TicketStatus::Closed)
            .collect()
    } else {
        required
    }
}

impl Engine {
    /// Runs the time rules on the tickets they may act on: each fires once per stay of
    /// a ticket in a status. Run every minute; answers how many times rules fired.
    pub fn rule_sweep(&self) -> Result<usize> {
        let any = {
            let txn = self.read()?;
            read_rules(&txn.open_table(tables::SETTINGS)?)?
                .iter()
                .any(|r| r.active && r.event == RuleEvent::Time)
        };
        if !any {
            return Ok(0);
        }
        let now = self.now();
        self.write(|txn| {
            let rules: Vec<Rule> = read_rules(&txn.open_table(tables::SETTINGS)?)?
                .into_iter()
                .filter(|r| r.active && r.event == RuleEvent::Time)
                .collect();
            let mut fired = 0;
            let mut checked = 0;
            let mut events = Vec::new();
            // Rules take turns at the front, so one with many tickets does not keep
            // the others waiting for ever.
            let turn = (now.timestamp() / 60) as usize % rules.len().max(1);
            for rule in rules.iter().cycle().skip(turn).take(rules.len()) {
                let mut numbers = Vec::new();
                {
                    let by_status = txn.open_table(tables::TICKETS_BY_STATUS)?;
                    for status in statuses_for(rule) {
                        let code = status.code();
                        for entry in by_status.range((code, 0)..=(code, u64::MAX))? {
                            numbers.push(entry?.0.value().1);
                        }
                    }
                }
                for number in numbers {
                    if fired >= SWEEP_FIRINGS || checked >= SWEEP_CHECKS {
                        break;
                    }
                    checked += 1;
                    let ticket = tickets::get_ticket(txn, number)?;
                    let facts = Facts::new(txn, ticket, now);
                    let since = facts.status_since()?.timestamp();
                    let key = (rule.id, number);
                    let done = txn
                        .open_table(tables::RULE_FIRED)?
                        .get(key)?
                        .map(|v| v.value());
                    if done == Some(since) {
                        continue;
                    }
                    if fire_on(txn, rule, RuleEvent::Time, facts, now, &mut events)? {
                        txn.open_table(tables::RULE_FIRED)?.insert(key, since)?;
                        fired += 1;
                    }
                }
            }
            Ok((fired, events))
        })
    }

    /// Tries rule `id` on ticket `number` without changing anything: how each condition
    /// comes out, whether it would fire, and what its actions would do.
    pub fn dry_run(&self, admin: u64, id: u64, number: u64) -> Result<DryRun> {
        let now = self.now();
        self.db.with(|db| {
            let txn = db.begin_write()?;
            let found = (|| {
                caller_in(&txn, admin)?.must_be_admin()?;
                let rule = read_rules(&txn.open_table(tables::SETTINGS)?)?
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| Error::not_found("Rule"))?;
                let ticket = tickets::get_ticket(&txn, number)?;
                let facts = Facts::new(&txn, ticket, now);
                let (fires, checks) = facts.checks(&rule)?;
                let mut t = facts.ticket;
                let subject = t.subject.clone();
                let event = rule.event;
                // The actions run for real in this transaction, which is then thrown
                // away: what they report is what they would do.
                let (effects, _) = apply(&txn, &rule, event, &mut t, now)?;
                Ok(DryRun {
                    ticket: number,
                    subject,
                    fires,
                    checks,
                    effects,
                })
            })();
            txn.abort()?;
            found
        })
    }
}

/// The pause before try number `attempts + 1` of a webhook call.
fn backoff(attempts: u32) -> Duration {
    const MINUTES: [i64; 5] = [1, 5, 30, 120, 360];
    Duration::minutes(MINUTES[(attempts as usize).min(MINUTES.len() - 1)])
}

/// Tries a webhook call gets before it is given up (with a note on the ticket).
pub const WEBHOOK_TRIES: u32 = 6;

/// A webhook call to make now.
#[derive(Clone, Debug)]
pub struct WebhookCall {
    pub id: u64,
    pub url: String,
    pub body: String,
}

impl Engine {
    /// Webhook calls due now (at most `limit`), and when the next one is due after them.
    pub fn due_webhooks(&self, limit: usize) -> Result<(Vec<WebhookCall>, Option<DateTime<Utc>>)> {
        let now = self.now().timestamp();
        let txn = self.read()?;
        let table = txn.open_table(tables::WEBHOOKS)?;
        let mut due = Vec::new();
        let mut next: Option<i64> = None;
        for entry in table.iter()? {
            let r: WebhookRecord = codec::decode(entry?.1.value())?;
            if r.due <= now && due.len() < limit {
                due.push(WebhookCall {
                    id: r.id,
                    url: r.url,
                    body: r.body,
                });
            } else {
                next = Some(next.map_or(r.due, |n| n.min(r.due)));
            }
        }
        Ok((
            due,
            next.and_then(|n| DateTime::<Utc>::from_timestamp(n, 0)),
        ))
    }

    /// How webhook call `id` went: done, or failed with `error` (tried again later, and
    /// after [`WEBHOOK_TRIES`] given up with a note on its ticket).
    pub fn webhook_result(&self, id: u64, error: Option<String>) -> Result<()> {
        let now = self.now();
        self.write(|txn| {
            let mut table = txn.open_table(tables::WEBHOOKS)?;
            let Some(mut r) = table
                .get(id)?
                .map(|raw| codec::decode::<WebhookRecord>(raw.value()))
                .transpose()?
            else {
                return Ok(((), Vec::new()));
            };
            let Some(error) = error else {
                table.remove(id)?;
                return Ok(((), Vec::new()));
            };
            r.attempts += 1;
            r.last_error = error.chars().take(300).collect();
            if r.attempts < WEBHOOK_TRIES {
                r.due = (now + backoff(r.attempts - 1)).timestamp();
                table.insert(id, codec::encode(&r)?.as_slice())?;
                return Ok(((), Vec::new()));
            }
            table.remove(id)?;
            drop(table);
            let note = format!(
                "A rule's webhook call to {} failed {} times and was given up: {}",
                super::act::host_of(&r.url),
                r.attempts,
                r.last_error
            );
            tickets::add_message(
                txn,
                r.ticket,
                Actor::Rule(r.rule),
                model::MessageKind::Note,
                &note,
                now,
            )?;
            Ok(((), vec![Event::TicketChanged(r.ticket)]))
        })
    }
}
