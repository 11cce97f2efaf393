//! Agents' notifications: a ticket assigned to them by someone else, a customer writing
//! on a ticket of theirs. Written in the transaction of the change that causes them;
//! the workspace's bell lists them and the live stream tells the agent's open pages.

use chrono::{DateTime, Utc};
use model::{Notification, NotificationKind, Notifications};
use redb::{ReadableTable, WriteTransaction};

use crate::store::records::{Actor, NotificationRecord};
use crate::store::{self, codec, tables};
use crate::{contacts, Engine, Event, Result};

/// Notifications kept per agent; older ones are dropped.
const KEPT: usize = 200;
/// Notifications the bell lists.
const LISTED: usize = 30;

/// Tells `agent` about ticket `ticket`; returns the event that reaches their pages.
pub(crate) fn notify(
    txn: &WriteTransaction,
    agent: u64,
    ticket: u64,
    kind: NotificationKind,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<Event> {
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "notification")?;
    let record = NotificationRecord {
        id,
        ticket,
        kind,
        by,
        at: now,
        read: false,
    };
    let mut table = txn.open_table(tables::NOTIFICATIONS)?;
    table.insert((agent, id), codec::encode(&record)?.as_slice())?;
    let old: Vec<(u64, u64)> = table
        .range((agent, 0)..=(agent, u64::MAX))?
        .rev()
        .skip(KEPT)
        .map(|e| Ok(e?.0.value()))
        .collect::<Result<_>>()?;
    for key in old {
        table.remove(key)?;
    }
    Ok(Event::Notified(agent))
}

impl Engine {
    /// The agent's newest notifications, with the count of unread ones.
    pub fn notifications(&self, agent: u64) -> Result<Notifications> {
        let txn = self.read()?;
        let caller = crate::access::caller_read(&txn, agent)?;
        let table = txn.open_table(tables::NOTIFICATIONS)?;
        let mut out = Notifications::default();
        for entry in table.range((agent, 0)..=(agent, u64::MAX))?.rev() {
            let n: NotificationRecord = codec::decode(entry?.1.value())?;
            if !n.read {
                out.unread += 1;
            }
            if out.items.len() >= LISTED {
                continue;
            }
            // A ticket the agent may no longer see keeps its notification, not its
            // subject.
            let subject = crate::tickets::read_ticket(&txn, n.ticket)
                .ok()
                .filter(|t| caller.may_work(t))
                .map(|t| t.subject)
                .unwrap_or_default();
            let by = match n.by {
                Actor::Agent(a) => crate::auth::read_agent(&txn, a)?
                    .map(|a| a.name)
                    .unwrap_or_default(),
                Actor::Contact(c) => match txn.open_table(tables::CONTACTS)?.get(c)? {
                    Some(raw) => contacts::display_name(&codec::decode(raw.value())?),
                    None => String::new(),
                },
                Actor::System => "Tessera".to_string(),
                Actor::Rule(r) => crate::rules::rule_name(&txn.open_table(tables::SETTINGS)?, r)?,
            };
            out.items.push(Notification {
                id: n.id,
                ticket: n.ticket,
                subject,
                kind: n.kind,
                by,
                at: n.at,
                read: n.read,
            });
        }
        Ok(out)
    }

    /// Marks the agent's notifications read: those about `ticket`, or all of them.
    /// Writes nothing when none is unread.
    pub fn mark_notifications_read(&self, agent: u64, ticket: Option<u64>) -> Result<()> {
        let find = |txn: &redb::ReadTransaction| -> Result<Vec<(u64, u64)>> {
            let table = txn.open_table(tables::NOTIFICATIONS)?;
            let mut keys = Vec::new();
            for entry in table.range((agent, 0)..=(agent, u64::MAX))? {
                let (k, v) = entry?;
                let n: NotificationRecord = codec::decode(v.value())?;
                if !n.read && ticket.is_none_or(|t| t == n.ticket) {
                    keys.push(k.value());
                }
            }
            Ok(keys)
        };
        if find(&self.read()?)?.is_empty() {
            return Ok(());
        }
        self.write(|txn| {
            let mut table = txn.open_table(tables::NOTIFICATIONS)?;
            let mut changed = false;
            let keys: Vec<(u64, u64)> = table
                .range((agent, 0)..=(agent, u64::MAX))?
                .map(|e| Ok(e?.0.value()))
                .collect::<Result<_>>()?;
            for key in keys {
                let Some(raw) = table.get(key)?.map(|v| v.value().to_vec()) else {
                    continue;
                };
                let mut n: NotificationRecord = codec::decode(&raw)?;
                if n.read || ticket.is_some_and(|t| t != n.ticket) {
                    continue;
                }
                n.read = true;
                changed = true;
                table.insert(key, codec::encode(&n)?.as_slice())?;
            }
            let events = if changed {
                vec![Event::Notified(agent)]
            } else {
                Vec::new()
            };
            Ok(((), events))
        })
    }
}
