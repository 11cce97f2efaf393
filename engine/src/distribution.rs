//! Fair automatic distribution: a department hands a new ticket of its own (unassigned)
//! to one of its members who is available and below their capacity, in turn
//! (round-robin) or to the one with the fewest open tickets (least-loaded). Who got it
//! and why goes into the ticket's history. An agent going away may hand their New and
//! Open tickets back to the queue.

use chrono::{DateTime, Utc};
use model::{AgentLoad, Availability, Distribution, TicketStatus};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::access::{caller_in, caller_read};
use crate::store::records::{Actor, AgentRecord, Change, DepartmentRecord, TicketRecord};
use crate::store::{codec, tables};
use crate::{audit, Engine, Error, Event, Result};

/// Each department's way of handing out tickets, and each active agent's load.
pub type Distributions = (Vec<(u64, Distribution)>, Vec<AgentLoad>);

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct AgentState {
    availability: Availability,
    capacity: Option<u32>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct DepartmentState {
    mode: Distribution,
    /// Who got the last ticket (round-robin goes on after them).
    last: Option<u64>,
}

/// A record of `table` for `id`, or its default when there is none.
fn state_in<T: serde::de::DeserializeOwned + Default>(
    table: &impl ReadableTable<u64, &'static [u8]>,
    id: u64,
) -> Result<T> {
    Ok(match table.get(id)? {
        Some(raw) => codec::decode(raw.value())?,
        None => T::default(),
    })
}

fn agent_state(txn: &WriteTransaction, agent: u64) -> Result<AgentState> {
    state_in(&txn.open_table(tables::AGENT_AVAILABILITY)?, agent)
}

fn department_state(txn: &WriteTransaction, department: u64) -> Result<DepartmentState> {
    state_in(
        &txn.open_table(tables::DEPARTMENT_DISTRIBUTION)?,
        department,
    )
}

/// Whether agent `agent`'s working hours are open at `now` (no hours set: always).
fn at_work(txn: &WriteTransaction, agent: u64, now: DateTime<Utc>) -> Result<bool> {
    let Some(calendar) = txn
        .open_table(tables::AGENT_HOURS)?
        .get(agent)?
        .map(|v| v.value())
    else {
        return Ok(true);
    };
    let Some(raw) = txn
        .open_table(tables::CALENDARS)?
        .get(calendar)?
        .map(|v| v.value().to_vec())
    else {
        return Ok(true);
    };
    let calendar: model::Calendar = codec::decode(&raw)?;
    Ok(crate::sla::Hours::new(&calendar).is_open(now))
}

fn open_status(s: TicketStatus) -> bool {
    !matches!(s, TicketStatus::Resolved | TicketStatus::Closed)
}

/// Tickets assigned to `agent` that are not resolved or closed.
fn open_load(
    assigned: &impl ReadableTable<(u64, u64), ()>,
    tickets: &impl ReadableTable<u64, &'static [u8]>,
    agent: u64,
) -> Result<u64> {
    let mut n = 0;
    for entry in assigned.range((agent, 0)..=(agent, u64::MAX))? {
        let number = entry?.0.value().1;
        if let Some(raw) = tickets.get(number)? {
            let t: TicketRecord = codec::decode(raw.value())?;
            if open_status(t.status) {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Hands ticket `t` (new to its department, nobody's) to an agent if the department
/// distributes. Answers the changes for its history (the assignment, and how it was
/// chosen), which the caller writes; the caller stores `t`.
pub(crate) fn distribute(
    txn: &WriteTransaction,
    t: &mut TicketRecord,
    now: DateTime<Utc>,
) -> Result<Vec<Change>> {
    let (Some(department), None) = (t.department, t.assignee) else {
        return Ok(Vec::new());
    };
    if !open_status(t.status) || t.spam {
        return Ok(Vec::new());
    }
    let state = department_state(txn, department)?;
    if state.mode == Distribution::Manual {
        return Ok(Vec::new());
    }
    let Some(raw) = txn
        .open_table(tables::DEPARTMENTS)?
        .get(department)?
        .map(|v| v.value().to_vec())
    else {
        return Ok(Vec::new());
    };
    let d: DepartmentRecord = codec::decode(&raw)?;
    let mut members: Vec<u64> = d.members.iter().copied().chain(d.leader).collect();
    members.sort_unstable();
    members.dedup();
    // Who may take it now, with their load.
    let mut candidates: Vec<(u64, u64)> = Vec::new();
    {
        let agents = txn.open_table(tables::AGENTS)?;
        let assigned = txn.open_table(tables::TICKETS_BY_ASSIGNEE)?;
        let tickets = txn.open_table(tables::TICKETS)?;
        for id in members {
            let Some(raw) = agents.get(id)? else { continue };
            let a: AgentRecord = codec::decode(raw.value())?;
            if !a.active {
                continue;
            }
            let s = agent_state(txn, id)?;
            if s.availability != Availability::Available || !at_work(txn, id, now)? {
                continue;
            }
            let open = open_load(&assigned, &tickets, id)?;
            if s.capacity.is_some_and(|c| open >= u64::from(c)) {
                continue;
            }
            candidates.push((id, open));
        }
    }
    let chosen = match state.mode {
        Distribution::Manual => None,
        // The first after the last one served, in order of id, around.
        Distribution::RoundRobin => candidates
            .iter()
            .find(|(id, _)| state.last.is_none_or(|last| *id > last))
            .or_else(|| candidates.first())
            .copied(),
        // The fewest open tickets; of equals, the one served longest ago in turn.
        Distribution::LeastLoaded => {
            let fewest = candidates.iter().map(|(_, open)| *open).min();
            let equal: Vec<(u64, u64)> = candidates
                .iter()
                .copied()
                .filter(|(_, open)| Some(*open) == fewest)
                .collect();
            equal
                .iter()
                .find(|(id, _)| state.last.is_none_or(|last| *id > last))
                .or_else(|| equal.first())
                .copied()
        }
    };
    let Some((agent, open)) = chosen else {
        return Ok(Vec::new());
    };
    let mut changes: Vec<Change> = crate::tickets::set_assignee(txn, t, Some(agent))?
        .into_iter()
        .collect();
    changes.push(Change::Distributed {
        mode: state.mode,
        open,
    });
    txn.open_table(tables::DEPARTMENT_DISTRIBUTION)?.insert(
        department,
        codec::encode(&DepartmentState {
            last: Some(agent),
            ..state
        })?
        .as_slice(),
    )?;
    Ok(changes)
}

impl Engine {
    /// Every department's way of handing out tickets, and every active agent's
    /// availability, capacity and open tickets.
    pub fn distribution(&self, agent: u64) -> Result<Distributions> {
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        let distribution = txn.open_table(tables::DEPARTMENT_DISTRIBUTION)?;
        let mut modes = Vec::new();
        for entry in txn.open_table(tables::DEPARTMENTS)?.iter()? {
            let id = entry?.0.value();
            let s: DepartmentState = state_in(&distribution, id)?;
            modes.push((id, s.mode));
        }
        let availability = txn.open_table(tables::AGENT_AVAILABILITY)?;
        let hours = txn.open_table(tables::AGENT_HOURS)?;
        let assigned = txn.open_table(tables::TICKETS_BY_ASSIGNEE)?;
        let tickets = txn.open_table(tables::TICKETS)?;
        let mut loads = Vec::new();
        for entry in txn.open_table(tables::AGENTS)?.iter()? {
            let a: AgentRecord = codec::decode(entry?.1.value())?;
            if !a.active {
                continue;
            }
            let s: AgentState = state_in(&availability, a.id)?;
            loads.push(AgentLoad {
                agent: a.id,
                name: a.name,
                availability: s.availability,
                capacity: s.capacity,
                open: open_load(&assigned, &tickets, a.id)?,
                hours: hours.get(a.id)?.map(|v| v.value()),
            });
        }
        Ok((modes, loads))
    }

    /// An admin sets how department `department` hands out its tickets.
    pub fn set_distribution(&self, admin: u64, department: u64, mode: Distribution) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if txn
                .open_table(tables::DEPARTMENTS)?
                .get(department)?
                .is_none()
            {
                return Err(Error::not_found("Department"));
            }
            let s = department_state(txn, department)?;
            txn.open_table(tables::DEPARTMENT_DISTRIBUTION)?.insert(
                department,
                codec::encode(&DepartmentState { mode, ..s })?.as_slice(),
            )?;
            Ok(((), Vec::new()))
        })
    }

    /// An admin sets agent `agent`'s working hours: a calendar, or none (always at work).
    pub fn set_agent_hours(&self, admin: u64, agent: u64, calendar: Option<u64>) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if txn.open_table(tables::AGENTS)?.get(agent)?.is_none() {
                return Err(Error::not_found("Agent"));
            }
            let mut hours = txn.open_table(tables::AGENT_HOURS)?;
            match calendar {
                Some(c) => {
                    if txn.open_table(tables::CALENDARS)?.get(c)?.is_none() {
                        return Err(Error::not_found("Calendar"));
                    }
                    hours.insert(agent, c)?;
                }
                None => {
                    hours.remove(agent)?;
                }
            }
            Ok(((), Vec::new()))
        })
    }

    /// An admin sets how many open tickets agent `agent` may hold (`None`: no limit).
    pub fn set_capacity(&self, admin: u64, agent: u64, capacity: Option<u32>) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if txn.open_table(tables::AGENTS)?.get(agent)?.is_none() {
                return Err(Error::not_found("Agent"));
            }
            let s = agent_state(txn, agent)?;
            txn.open_table(tables::AGENT_AVAILABILITY)?.insert(
                agent,
                codec::encode(&AgentState { capacity, ..s })?.as_slice(),
            )?;
            Ok(((), Vec::new()))
        })
    }

    /// An agent says whether they are available, busy or away; going away, they may
    /// hand their New and Open tickets back to the queue. Answers how many went back.
    pub fn set_availability(
        &self,
        agent: u64,
        availability: Availability,
        hand_back: bool,
    ) -> Result<usize> {
        let now = self.now();
        self.write(|txn| {
            caller_in(txn, agent)?;
            let s = agent_state(txn, agent)?;
            txn.open_table(tables::AGENT_AVAILABILITY)?.insert(
                agent,
                codec::encode(&AgentState { availability, ..s })?.as_slice(),
            )?;
            let mut events = Vec::new();
            if availability == Availability::Away && hand_back {
                let numbers: Vec<u64> = txn
                    .open_table(tables::TICKETS_BY_ASSIGNEE)?
                    .range((agent, 0)..=(agent, u64::MAX))?
                    .map(|e| e.map(|(k, _)| k.value().1))
                    .collect::<std::result::Result<_, _>>()?;
                for n in numbers {
                    let mut t = crate::tickets::get_ticket(txn, n)?;
                    if !matches!(t.status, TicketStatus::New | TicketStatus::Open) {
                        continue;
                    }
                    if let Some(change) = crate::tickets::set_assignee(txn, &mut t, None)? {
                        audit(txn, Some(n), Actor::Agent(agent), change, now)?;
                    }
                    crate::tickets::put_ticket(txn, &t)?;
                    events.push(Event::TicketChanged(n));
                }
            }
            let returned = events.len();
            Ok((returned, events))
        })
    }
}
