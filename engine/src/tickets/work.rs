//! What agents change on a ticket besides its conversation: priority, type, tags,
//! department, assignee, escalation and postponement. Every change is checked against
//! the agent's permissions here and recorded in the ticket's history, in the same
//! transaction.

use chrono::{DateTime, Utc};
use model::{Escalation, Priority, TicketStatus};
use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::{change_status, get_ticket, put_ticket};
use crate::access::{caller_in, Caller};
use crate::store::records::{
    Actor, AgentRecord, Change, DepartmentRecord, Job, LabelRecord, TicketRecord,
};
use crate::store::{self, codec, tables};
use crate::{audit, enqueue, Engine, Error, Event, Result};

/// Most tags on one ticket, and the longest tag name.
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;
/// Most addresses copied on a ticket.
pub const MAX_CCS: usize = 20;

impl Engine {
    /// Sets a ticket's priority.
    pub fn set_priority(&self, agent: u64, number: u64, priority: Priority) -> Result<()> {
        self.work_on(agent, number, |_, _, t, _| {
            let from = t.priority;
            t.priority = priority;
            Ok(none_if(
                from == priority,
                Change::PriorityChanged { from, to: priority },
            ))
        })
    }

    /// Sets the addresses copied on a ticket's replies (at most [`MAX_CCS`]).
    pub fn set_ccs(&self, agent: u64, number: u64, ccs: &[String]) -> Result<()> {
        let mut wanted: Vec<String> = Vec::new();
        for cc in ccs {
            let cc = cc.trim().to_lowercase();
            if cc.is_empty() || wanted.contains(&cc) {
                continue;
            }
            if !model::validate::email_looks_valid(&cc) {
                return Err(invalid("ccs", "error.email_invalid"));
            }
            wanted.push(cc);
        }
        if wanted.len() > MAX_CCS {
            return Err(invalid("ccs", "error.too_many_ccs"));
        }
        self.work_on(agent, number, |_, _, t, _| {
            let added: Vec<String> = wanted
                .iter()
                .filter(|c| !t.ccs.contains(c))
                .cloned()
                .collect();
            let removed: Vec<String> = t
                .ccs
                .iter()
                .filter(|c| !wanted.contains(c))
                .cloned()
                .collect();
            t.ccs = wanted.clone();
            let unchanged = added.is_empty() && removed.is_empty();
            Ok(none_if(unchanged, Change::CcsChanged { added, removed }))
        })
    }

    /// Marks a ticket as spam, which takes it out of every inbox view but the spam one,
    /// or as not spam.
    pub fn set_spam(&self, agent: u64, number: u64, spam: bool) -> Result<()> {
        self.work_on(agent, number, |_, _, t, _| {
            let from = t.spam;
            t.spam = spam;
            Ok(none_if(from == spam, Change::SpamMarked { spam }))
        })
    }

    /// Sets a ticket's type (one of the desk's ticket types), or clears it.
    pub fn set_ticket_type(&self, agent: u64, number: u64, to: Option<u64>) -> Result<()> {
        self.work_on(agent, number, |txn, _, t, _| {
            if let Some(id) = to {
                if txn.open_table(tables::TICKET_TYPES)?.get(id)?.is_none() {
                    return Err(invalid("ticket_type", "error.unknown_type"));
                }
            }
            let from = t.ticket_type;
            t.ticket_type = to;
            Ok(none_if(from == to, Change::TypeChanged { from, to }))
        })
    }

    /// Sets a ticket's tags by name; tags that do not exist yet are created.
    pub fn set_tags(&self, agent: u64, number: u64, names: &[String]) -> Result<()> {
        let names = tag_names(names)?;
        self.work_on(agent, number, |txn, _, t, _| {
            let ids = tag_ids(txn, &names)?;
            retag(txn, t, ids)
        })
    }

    /// Adds tags by name to those a ticket has (for changing many tickets at once).
    pub fn add_tags(&self, agent: u64, number: u64, names: &[String]) -> Result<()> {
        let names = tag_names(names)?;
        self.work_on(agent, number, |txn, _, t, _| {
            let mut ids = t.tags.clone();
            for id in tag_ids(txn, &names)? {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.len() > MAX_TAGS {
                return Err(invalid("tags", "error.too_many_tags"));
            }
            retag(txn, t, ids)
        })
    }

    /// Assigns a ticket to an agent, or leaves it unassigned. Anyone who may work the
    /// ticket may take it or give it back; the department's leader may assign it to any
    /// of its members; admins to anyone.
    pub fn assign(&self, agent: u64, number: u64, to: Option<u64>) -> Result<()> {
        self.work_on(agent, number, |txn, caller, t, _| {
            let allowed = caller.admin
                || to == Some(caller.id)
                || (to.is_none() && t.assignee == Some(caller.id))
                || (caller.leads(t.department)
                    && to.is_none_or(|a| member_of(txn, t.department, a).unwrap_or(false)));
            if !allowed {
                return Err(Error::forbidden(
                    "Only the department's leader or an administrator may assign this ticket to someone else",
                ));
            }
            if let Some(a) = to {
                active_agent(txn, a)?;
            }
            Ok(set_assignee(txn, t, to)?.into_iter().collect())
        })
    }

    /// Moves a ticket to another department (or to the shared queue): admins, and the
    /// leader of the department it is in. Others escalate instead.
    pub fn set_department(&self, agent: u64, number: u64, to: Option<u64>) -> Result<()> {
        self.work_on(agent, number, |txn, caller, t, now| {
            if !caller.admin && !caller.leads(t.department) {
                return Err(Error::forbidden(
                    "Only the department's leader or an administrator may move this ticket",
                ));
            }
            if let Some(d) = to {
                department(txn, d)?;
            }
            let mut changes: Vec<Change> = set_department_of(txn, t, to)?.into_iter().collect();
            // Arrived unassigned in a department that hands out its tickets: given out,
            // and the history says how.
            if !changes.is_empty() {
                changes.extend(crate::distribution::distribute(txn, t, now)?);
            }
            Ok(changes)
        })
    }

    /// Hands a ticket on: to its department's leader (who becomes the assignee), or to
    /// another department (unassigned there). Recorded as an escalation.
    pub fn escalate(&self, agent: u64, number: u64, to: Escalation) -> Result<()> {
        self.work_on(agent, number, |txn, _, t, _| {
            let mut changes = vec![Change::Escalated { to }];
            match to {
                Escalation::ToLeader => {
                    let leader = t
                        .department
                        .map(|d| department(txn, d))
                        .transpose()?
                        .and_then(|d| d.leader)
                        .ok_or_else(|| invalid("escalation", "error.no_leader"))?;
                    changes.extend(set_assignee(txn, t, Some(leader))?);
                }
                Escalation::ToDepartment(d) => {
                    department(txn, d)?;
                    changes.extend(set_department_of(txn, t, Some(d))?);
                    changes.extend(set_assignee(txn, t, None)?);
                }
            }
            Ok(changes)
        })
    }

    /// Snoozes a ticket until `until`, when it reopens by itself.
    pub fn postpone(&self, agent: u64, number: u64, until: DateTime<Utc>) -> Result<()> {
        let now = self.now();
        if until <= now {
            return Err(invalid("until", "error.until_past"));
        }
        self.work_on(agent, number, |txn, _, t, now| {
            change_status(txn, t, TicketStatus::Postponed, Actor::Agent(agent), now)?;
            if let Some(before) = t.postponed_until.replace(until) {
                txn.open_table(tables::TICKETS_POSTPONED)?
                    .remove((before.timestamp(), t.number))?;
            }
            txn.open_table(tables::TICKETS_POSTPONED)?
                .insert((until.timestamp(), t.number), ())?;
            Ok(vec![Change::Postponed { until }])
        })
    }

    /// Runs `f` on ticket `number` for `agent` in one write transaction, if the agent may
    /// work the ticket; records what `f` says changed, and saves the ticket if anything did.
    pub(crate) fn work_on(
        &self,
        agent: u64,
        number: u64,
        f: impl FnOnce(
            &WriteTransaction,
            &Caller,
            &mut TicketRecord,
            DateTime<Utc>,
        ) -> Result<Vec<Change>>,
    ) -> Result<()> {
        let now = self.now();
        self.write(|txn| {
            let caller = caller_in(txn, agent)?;
            let mut ticket = get_ticket(txn, number)?;
            caller.check(&ticket)?;
            let status = ticket.status;
            let changes = f(txn, &caller, &mut ticket, now)?;
            if changes.is_empty() && ticket.status == status {
                return Ok(((), Vec::new()));
            }
            let mut events = vec![Event::TicketChanged(number)];
            for change in changes {
                // Given a ticket by someone else: the new assignee hears of it.
                if let Change::AssigneeChanged { to: Some(to), .. } = change {
                    if to != agent {
                        events.push(crate::notify::notify(
                            txn,
                            to,
                            number,
                            model::NotificationKind::Assigned,
                            Actor::Agent(agent),
                            now,
                        )?);
                    }
                }
                audit(txn, Some(number), Actor::Agent(agent), change, now)?;
            }
            ticket.updated_at = now;
            put_ticket(txn, &ticket)?;
            enqueue(txn, &Job::IndexTicket(number))?;
            Ok(((), events))
        })
    }
}

fn none_if(unchanged: bool, change: Change) -> Vec<Change> {
    if unchanged {
        Vec::new()
    } else {
        vec![change]
    }
}

fn invalid(field: &str, key: &str) -> Error {
    Error::invalid(vec![model::FieldError::new(field, key)])
}

/// Tag names as stored: trimmed, inner spaces single, at most [`MAX_TAG_CHARS`], at
/// most [`MAX_TAGS`], without repeats (ignoring case).
pub(crate) fn tag_names(names: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let name = model::validate::one_line(name);
        if name.is_empty() {
            continue;
        }
        if name.chars().count() > MAX_TAG_CHARS {
            return Err(invalid("tags", "error.tag_too_long"));
        }
        if !out.iter().any(|o| o.to_lowercase() == name.to_lowercase()) {
            out.push(name);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(invalid("tags", "error.too_many_tags"));
    }
    Ok(out)
}

/// The ids of tags named `names`, created where there are none.
pub(crate) fn tag_ids(txn: &WriteTransaction, names: &[String]) -> Result<Vec<u64>> {
    let mut ids = Vec::new();
    for name in names {
        let id = tag_id(txn, name)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Gives `t` the tags `ids`, keeping the tag index in step.
pub(crate) fn retag(
    txn: &WriteTransaction,
    t: &mut TicketRecord,
    ids: Vec<u64>,
) -> Result<Vec<Change>> {
    let added: Vec<u64> = ids
        .iter()
        .copied()
        .filter(|i| !t.tags.contains(i))
        .collect();
    let removed: Vec<u64> = t
        .tags
        .iter()
        .copied()
        .filter(|i| !ids.contains(i))
        .collect();
    let mut index = txn.open_table(tables::TICKETS_BY_TAG)?;
    for &id in &removed {
        index.remove((id, t.number))?;
    }
    for &id in &added {
        index.insert((id, t.number), ())?;
    }
    t.tags = ids;
    let unchanged = added.is_empty() && removed.is_empty();
    Ok(none_if(unchanged, Change::TagsChanged { added, removed }))
}

/// The id of the tag named `name`, created if there is none.
fn tag_id(txn: &WriteTransaction, name: &str) -> Result<u64> {
    let key = name.to_lowercase();
    let mut by_name = txn.open_table(tables::TAG_BY_NAME)?;
    if let Some(id) = by_name.get(key.as_str())? {
        return Ok(id.value());
    }
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "tag")?;
    let record = LabelRecord {
        id,
        name: name.to_string(),
    };
    txn.open_table(tables::TAGS)?
        .insert(id, codec::encode(&record)?.as_slice())?;
    by_name.insert(key.as_str(), id)?;
    Ok(id)
}

/// The leader of `department`, if it has one (and still exists).
pub(crate) fn leader_of(txn: &WriteTransaction, department: Option<u64>) -> Result<Option<u64>> {
    let Some(d) = department else { return Ok(None) };
    Ok(txn
        .open_table(tables::DEPARTMENTS)?
        .get(d)?
        .map(|raw| codec::decode::<DepartmentRecord>(raw.value()))
        .transpose()?
        .and_then(|d| d.leader))
}

pub(crate) fn department(txn: &WriteTransaction, id: u64) -> Result<DepartmentRecord> {
    let table = txn.open_table(tables::DEPARTMENTS)?;
    let raw = table
        .get(id)?
        .ok_or_else(|| Error::not_found("Department"))?;
    codec::decode(raw.value())
}

fn member_of(txn: &WriteTransaction, department_id: Option<u64>, agent: u64) -> Result<bool> {
    let Some(d) = department_id else {
        return Ok(false);
    };
    let d = department(txn, d)?;
    Ok(d.leader == Some(agent) || d.members.contains(&agent))
}

fn active_agent(txn: &WriteTransaction, id: u64) -> Result<AgentRecord> {
    let table = txn.open_table(tables::AGENTS)?;
    let raw = table.get(id)?.ok_or_else(|| Error::not_found("Agent"))?;
    let agent: AgentRecord = codec::decode(raw.value())?;
    if !agent.active {
        return Err(invalid("assignee", "error.agent_inactive"));
    }
    Ok(agent)
}

/// Moves `number` from `from` to `to` in an index keyed by (owner, ticket number).
fn reindex(
    txn: &WriteTransaction,
    table: TableDefinition<(u64, u64), ()>,
    number: u64,
    from: Option<u64>,
    to: Option<u64>,
) -> Result<()> {
    let mut index = txn.open_table(table)?;
    if let Some(f) = from {
        index.remove((f, number))?;
    }
    if let Some(t) = to {
        index.insert((t, number), ())?;
    }
    Ok(())
}

/// Sets the assignee, keeping the index in step; the change, if any.
pub(crate) fn set_assignee(
    txn: &WriteTransaction,
    t: &mut TicketRecord,
    to: Option<u64>,
) -> Result<Option<Change>> {
    let from = t.assignee;
    if from == to {
        return Ok(None);
    }
    reindex(txn, tables::TICKETS_BY_ASSIGNEE, t.number, from, to)?;
    // Into or out of the unassigned list, with its count.
    if from.is_none() != to.is_none() {
        let mut unassigned = txn.open_table(tables::TICKETS_UNASSIGNED)?;
        let delta = if to.is_none() {
            unassigned.insert(t.number, ())?;
            1
        } else {
            unassigned.remove(t.number)?;
            -1
        };
        store::bump(
            &mut txn.open_table(tables::COUNTERS)?,
            &store::unassigned_counter(t.status),
            delta,
        )?;
    }
    t.assignee = to;
    Ok(Some(Change::AssigneeChanged { from, to }))
}

/// Sets the department, keeping the index in step; the change, if any.
pub(crate) fn set_department_of(
    txn: &WriteTransaction,
    t: &mut TicketRecord,
    to: Option<u64>,
) -> Result<Option<Change>> {
    let from = t.department;
    if from == to {
        return Ok(None);
    }
    reindex(txn, tables::TICKETS_BY_DEPARTMENT, t.number, from, to)?;
    t.department = to;
    Ok(Some(Change::DepartmentChanged { from, to }))
}
