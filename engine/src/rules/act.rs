//! What a rule's actions do to a ticket, in the caller's transaction, each change in the
//! ticket's history as the rule's.

use chrono::{DateTime, Duration, Utc};
use model::{
    NotificationKind, Priority, Rule, RuleAction, RuleActionKind, RuleEffect, RuleEvent,
    TicketStatus,
};
use redb::{ReadableTable, WriteTransaction};

use super::values::{agent, shown, Table, NONE};
use crate::store::records::{Actor, Change, TicketRecord, WebhookRecord};
use crate::store::{self, codec, tables};
use crate::tickets::{self, name_in};
use crate::{audit, Event, Result};

/// Mail one address gets from rules in a day, at most (a rule must not make the desk
/// talk endlessly with an auto-responder).
pub const RULE_MAILS_PER_DAY: u32 = 10;
/// Mail rules send in an hour, at most, to anyone (a form filled by a script must not
/// make the desk a spammer).
pub const RULE_MAILS_PER_HOUR: u32 = 300;
/// Webhook calls waiting, at most; more are not queued.
pub const WEBHOOKS_WAITING_MAX: u64 = 10_000;

/// Does `rule`'s actions to `t` (which the caller stores). Answers what each did and
/// the events to publish.
pub(super) fn apply(
    txn: &WriteTransaction,
    rule: &Rule,
    event: RuleEvent,
    t: &mut TicketRecord,
    now: DateTime<Utc>,
) -> Result<(Vec<RuleEffect>, Vec<Event>)> {
    let mut effects = Vec::new();
    let mut events = Vec::new();
    for a in &rule.actions {
        let (from, to, changes) = act(txn, rule, event, a, t, now, &mut events)?;
        effects.push(RuleEffect {
            kind: a.kind,
            from,
            to,
            changes,
        });
    }
    Ok((effects, events))
}

fn named(txn: &WriteTransaction, field: model::RuleField, value: &str) -> Result<String> {
    shown(field, value, &|table: Table, id| {
        name_in(&txn.open_table(table)?, id)
    })
}

fn id_text(v: Option<u64>) -> String {
    v.map_or_else(|| NONE.to_string(), |v| v.to_string())
}

/// The agent an action names: `assignee`, `leader` or an id.
fn whom(txn: &WriteTransaction, value: &str, t: &TicketRecord) -> Result<Option<u64>> {
    Ok(match value {
        "assignee" => t.assignee,
        "leader" => tickets::leader_of(txn, t.department)?,
        id => id.parse().ok(),
    })
}

/// One action: (what it was, what it became or whom it wrote to, whether anything
/// changed).
#[allow(clippy::too_many_arguments)]
fn act(
    txn: &WriteTransaction,
    rule: &Rule,
    event: RuleEvent,
    a: &RuleAction,
    t: &mut TicketRecord,
    now: DateTime<Utc>,
    events: &mut Vec<Event>,
) -> Result<(String, String, bool)> {
    let actor = Actor::Rule(rule.id);
    let number = t.number;
    let record = |change: Change| audit(txn, Some(number), actor, change, now);
    Ok(match a.kind {
        RuleActionKind::SetStatus => {
            let from = t.status;
            let to = TicketStatus::from_slug(&a.value).unwrap_or(from);
            if to != from {
                tickets::change_status(txn, t, to, actor, now)?;
            }
            (from.slug().into(), to.slug().into(), to != from)
        }
        RuleActionKind::SetPriority | RuleActionKind::RaisePriority => {
            let from = t.priority;
            let to = if a.kind == RuleActionKind::RaisePriority {
                match from {
                    Priority::Low => Priority::Normal,
                    Priority::Normal => Priority::High,
                    Priority::High | Priority::Urgent => Priority::Urgent,
                }
            } else {
                Priority::from_slug(&a.value).unwrap_or(from)
            };
            if to != from {
                t.priority = to;
                record(Change::PriorityChanged { from, to })?;
            }
            (from.slug().into(), to.slug().into(), to != from)
        }
        RuleActionKind::SetDepartment => {
            let from = t.department;
            let to: Option<u64> = a.value.parse().ok();
            let exists = match to {
                Some(d) => txn.open_table(tables::DEPARTMENTS)?.get(d)?.is_some(),
                None => false,
            };
            let mut changed = false;
            if exists {
                if let Some(change) = tickets::set_department_of(txn, t, to)? {
                    record(change)?;
                    changed = true;
                    for change in crate::distribution::distribute(txn, t, now)? {
                        told_of_assignment(txn, &change, number, actor, now, events)?;
                        record(change)?;
                    }
                }
            }
            let field = model::RuleField::Department;
            (
                named(txn, field, &id_text(from))?,
                named(txn, field, &a.value)?,
                changed,
            )
        }
        RuleActionKind::SetAssignee => {
            let from = t.assignee;
            let mut changes = Vec::new();
            if a.value == "distribute" {
                changes.extend(tickets::set_assignee(txn, t, None)?);
                changes.extend(crate::distribution::distribute(txn, t, now)?);
            } else {
                let to: Option<u64> = a.value.parse().ok();
                let active = match to {
                    Some(id) => agent(txn, id)?.is_some_and(|a| a.active),
                    None => true,
                };
                if active {
                    changes.extend(tickets::set_assignee(txn, t, to)?);
                }
            }
            for change in changes {
                told_of_assignment(txn, &change, number, actor, now, events)?;
                record(change)?;
            }
            let field = model::RuleField::Assignee;
            (
                named(txn, field, &id_text(from))?,
                named(txn, field, &id_text(t.assignee))?,
                from != t.assignee,
            )
        }
        RuleActionKind::SetType => {
            let from = t.ticket_type;
            let to: Option<u64> = a.value.parse().ok();
            let exists = match to {
                Some(k) => txn.open_table(tables::TICKET_TYPES)?.get(k)?.is_some(),
                None => true,
            };
            let changed = exists && to != from;
            if changed {
                t.ticket_type = to;
                record(Change::TypeChanged { from, to })?;
            }
            let field = model::RuleField::Type;
            (
                named(txn, field, &id_text(from))?,
                named(txn, field, &a.value)?,
                changed,
            )
        }
        RuleActionKind::AddTag | RuleActionKind::RemoveTag => {
            let mut ids = t.tags.clone();
            if a.kind == RuleActionKind::AddTag {
                let id = tickets::tag_ids(txn, std::slice::from_ref(&a.value))?;
                if ids.len() < tickets::MAX_TAGS {
                    ids.extend(id.into_iter().filter(|i| !t.tags.contains(i)));
                }
            } else {
                let key = a.value.to_lowercase();
                let id = txn
                    .open_table(tables::TAG_BY_NAME)?
                    .get(key.as_str())?
                    .map(|v| v.value());
                ids.retain(|i| Some(*i) != id);
            }
            let changes = tickets::retag(txn, t, ids)?;
            let changed = !changes.is_empty();
            for change in changes {
                record(change)?;
            }
            (String::new(), a.value.clone(), changed)
        }
        RuleActionKind::MarkSpam => {
            let changed = !t.spam;
            if changed {
                t.spam = true;
                record(Change::SpamMarked { spam: true })?;
            }
            (String::new(), String::new(), changed)
        }
        RuleActionKind::AddNote => {
            let text = filled(txn, t, &a.text)?;
            tickets::add_message(txn, number, actor, model::MessageKind::Note, &text, now)?;
            (String::new(), String::new(), true)
        }
        RuleActionKind::EmailCustomer => {
            let to = txn
                .open_table(tables::CONTACTS)?
                .get(t.requester)?
                .map(|raw| codec::decode::<crate::store::records::ContactRecord>(raw.value()))
                .transpose()?
                .and_then(|c| c.emails.first().cloned())
                .unwrap_or_default();
            // Never to spam, the desk itself, a failing address, nor more than a few a
            // day to one address or a few hundred an hour in all.
            let sent = !to.is_empty()
                && !t.spam
                && !own_address(txn, &to)?
                && !bounced(txn, &to)?
                && mail_allowed(txn, &to, now)?;
            if sent {
                let subject = format!("[#{number}] {}", t.subject);
                events.push(mail(txn, t, &to, &subject, &a.text, now)?);
            }
            (String::new(), to, sent)
        }
        RuleActionKind::EmailAgent => {
            let who = whom(txn, &a.value, t)?;
            let to = match who {
                Some(id) => agent(txn, id)?.filter(|a| a.active).map(|a| a.email),
                None => None,
            }
            .unwrap_or_default();
            let sent = !to.is_empty() && mail_allowed(txn, &to, now)?;
            if sent {
                let subject = format!("[#{number}] {} ({})", t.subject, rule.name);
                events.push(mail(txn, t, &to, &subject, &a.text, now)?);
            }
            (String::new(), to, sent)
        }
        RuleActionKind::Notify => {
            let who = whom(txn, &a.value, t)?;
            let name = match who {
                Some(id) => agent(txn, id)?.filter(|a| a.active).map(|a| a.name),
                None => None,
            };
            if let (Some(id), Some(_)) = (who, &name) {
                events.push(crate::notify::notify(
                    txn,
                    id,
                    number,
                    NotificationKind::Rule,
                    actor,
                    now,
                )?);
            }
            (
                String::new(),
                name.clone().unwrap_or_default(),
                name.is_some(),
            )
        }
        RuleActionKind::Postpone => {
            let hours: f64 = a.value.parse().unwrap_or(0.0);
            let until = now + Duration::minutes((hours * 60.0).round() as i64);
            let changed = until > now && t.status != TicketStatus::Closed;
            if changed {
                tickets::change_status(txn, t, TicketStatus::Postponed, actor, now)?;
                let mut timers = txn.open_table(tables::TICKETS_POSTPONED)?;
                if let Some(before) = t.postponed_until.replace(until) {
                    timers.remove((before.timestamp(), number))?;
                }
                timers.insert((until.timestamp(), number), ())?;
                drop(timers);
                record(Change::Postponed { until })?;
            }
            (String::new(), format!("{} h", a.value), changed)
        }
        RuleActionKind::Webhook => {
            use redb::ReadableTableMetadata;
            if txn.open_table(tables::WEBHOOKS)?.len()? >= WEBHOOKS_WAITING_MAX {
                tracing::warn!("webhook calls pile up; a rule's call was not queued");
                return Ok((String::new(), host_of(&a.value), false));
            }
            let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "webhook")?;
            let body = webhook_body(txn, rule, event, t)?;
            let record = WebhookRecord {
                id,
                url: a.value.clone(),
                body,
                ticket: number,
                rule: rule.id,
                attempts: 0,
                due: now.timestamp(),
                last_error: String::new(),
            };
            txn.open_table(tables::WEBHOOKS)?
                .insert(id, codec::encode(&record)?.as_slice())?;
            events.push(Event::WebhookQueued);
            (String::new(), host_of(&a.value), true)
        }
    })
}

/// The new assignee hears that the rule gave them the ticket.
fn told_of_assignment(
    txn: &WriteTransaction,
    change: &Change,
    number: u64,
    actor: Actor,
    now: DateTime<Utc>,
    events: &mut Vec<Event>,
) -> Result<()> {
    if let Change::AssigneeChanged { to: Some(to), .. } = change {
        events.push(crate::notify::notify(
            txn,
            *to,
            number,
            NotificationKind::Assigned,
            actor,
            now,
        )?);
    }
    Ok(())
}

/// Mails `text`, its placeholders filled, about ticket `t` to `to`.
fn mail(
    txn: &WriteTransaction,
    t: &TicketRecord,
    to: &str,
    subject: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Event> {
    let text = filled(txn, t, text)?;
    crate::mail::queue(
        txn,
        to,
        subject,
        &text,
        model::MailKind::Rule,
        Some(t.number),
        now,
    )
}

/// `text` with the ticket's placeholders filled.
fn filled(txn: &WriteTransaction, t: &TicketRecord, text: &str) -> Result<String> {
    let values = crate::templates::ticket_values(txn, t)?;
    Ok(model::canned::fill_with(text, |n| {
        crate::templates::lookup(&values, n)
    }))
}

/// Whether `email` is one of the desk's own: a mailbox's, or an agent's.
fn own_address(txn: &WriteTransaction, email: &str) -> Result<bool> {
    let email = email.trim().to_lowercase();
    if txn
        .open_table(tables::AGENT_BY_EMAIL)?
        .get(email.as_str())?
        .is_some()
    {
        return Ok(true);
    }
    Ok(crate::mailbox::addresses_in(txn)?
        .iter()
        .any(|a| a.eq_ignore_ascii_case(&email)))
}

/// Whether mail to `email` bounced (the desk stops writing to a failing address).
fn bounced(txn: &WriteTransaction, email: &str) -> Result<bool> {
    Ok(txn
        .open_table(tables::FAILING_ADDRESSES)?
        .get(email.trim())?
        .is_some())
}

/// Whether `email` may get another message from rules today, and rules may send one
/// more this hour; counts it if so.
fn mail_allowed(txn: &WriteTransaction, email: &str, now: DateTime<Utc>) -> Result<bool> {
    let mut log = txn.open_table(tables::ACK_LOG)?;
    // (key, period, its number now, the most it takes)
    let day = now.timestamp().div_euclid(86_400);
    let hour = now.timestamp().div_euclid(3600);
    let address = format!("rule:{}", email.trim().to_lowercase());
    let limits = [
        (address.as_str(), day, RULE_MAILS_PER_DAY),
        ("rule-mail:all", hour, RULE_MAILS_PER_HOUR),
    ];
    let mut counts = Vec::new();
    for (key, period, most) in limits {
        let count = match log.get(key)?.map(|v| v.value()) {
            Some((p, n)) if p == period => n,
            _ => 0,
        };
        if count >= most {
            return Ok(false);
        }
        counts.push((key, period, count + 1));
    }
    for (key, period, count) in counts {
        log.insert(key, (period, count))?;
    }
    Ok(true)
}

/// The host a webhook URL names, which is what histories and notes show (the rest of
/// a URL may hold a secret).
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority.rsplit('@').next().unwrap_or_default().to_string()
}

/// The JSON a webhook gets: the rule, the event and the ticket.
fn webhook_body(
    txn: &WriteTransaction,
    rule: &Rule,
    event: RuleEvent,
    t: &TicketRecord,
) -> Result<String> {
    let name = |table, id: Option<u64>| -> Result<Option<String>> {
        id.map(|id| name_in(&txn.open_table(table)?, id))
            .transpose()
    };
    let contact = txn
        .open_table(tables::CONTACTS)?
        .get(t.requester)?
        .map(|raw| codec::decode::<crate::store::records::ContactRecord>(raw.value()))
        .transpose()?;
    let body = serde_json::json!({
        "rule": { "id": rule.id, "name": rule.name },
        "event": event.slug(),
        "ticket": {
            "number": t.number,
            "subject": t.subject,
            "status": t.status.slug(),
            "priority": t.priority.slug(),
            "channel": t.channel.slug(),
            "department": name(tables::DEPARTMENTS, t.department)?,
            "assignee": name(tables::AGENTS, t.assignee)?,
            "type": name(tables::TICKET_TYPES, t.ticket_type)?,
            "tags": tickets::tag_labels(&txn.open_table(tables::TAGS)?, &t.tags)?,
            "spam": t.spam,
            "created_at": t.created_at.to_rfc3339(),
            "updated_at": t.updated_at.to_rfc3339(),
            "customer": {
                "name": contact.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                "email": contact.and_then(|c| c.emails.into_iter().next()).unwrap_or_default(),
            },
        },
    });
    Ok(body.to_string())
}
