//! Merging tickets: the conversation, CCs and requester of each merged ticket join the
//! target; the merged ticket is closed, points to the target, and both histories say
//! so. A merged ticket keeps its own messages too, so its customer still reads their
//! conversation through their private link; what they write next lands on the target.

use model::TicketStatus;
use redb::{ReadableTable, WriteTransaction};

use super::{change_status, get_ticket, put_ticket};
use crate::access::caller_in;
use crate::store::records::{Actor, Change, ContactRecord, Job};
use crate::store::{codec, tables};
use crate::{audit, enqueue, Engine, Error, Event, Result};

/// How many tickets one merge takes in.
pub const MAX_MERGED: usize = 50;

impl Engine {
    /// Merges `sources` into ticket `into`. The agent must be able to work every one of
    /// them; a ticket already merged elsewhere, or the target itself, is refused.
    pub fn merge(&self, agent: u64, sources: &[u64], into: u64) -> Result<()> {
        let mut sources: Vec<u64> = sources.to_vec();
        sources.sort_unstable();
        sources.dedup();
        if sources.is_empty() || sources.len() > MAX_MERGED || sources.contains(&into) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "merge_into",
                "error.merge_self",
            )]));
        }
        let now = self.now();
        let max = self.max_messages_per_ticket;
        self.write(|txn| {
            let caller = caller_in(txn, agent)?;
            let mut target = get_ticket(txn, into)?;
            caller.check(&target)?;
            if target.merged_into.is_some() {
                return Err(merged_already("merge_into"));
            }
            let actor = Actor::Agent(agent);
            let mut events = vec![Event::TicketChanged(into)];
            for &number in &sources {
                let mut source = get_ticket(txn, number)?;
                caller.check(&source)?;
                if source.merged_into.is_some() {
                    return Err(merged_already("numbers"));
                }
                let moved = copy_messages(txn, number, into)?;
                let held = txn
                    .open_table(tables::TICKET_MESSAGES)?
                    .range((into, 0)..=(into, u64::MAX))?
                    .count();
                if held > max {
                    return Err(Error::invalid(vec![model::FieldError::new(
                        "merge_into",
                        "error.ticket_full",
                    )]));
                }
                let mut ccs = source.ccs.clone();
                if source.requester != target.requester {
                    if let Some(email) = first_email(txn, source.requester)? {
                        ccs.push(email);
                    }
                }
                for cc in ccs {
                    if !target.ccs.iter().any(|c| c.eq_ignore_ascii_case(&cc)) {
                        target.ccs.push(cc);
                    }
                }
                source.merged_into = Some(into);
                change_status(txn, &mut source, TicketStatus::Closed, actor, now)?;
                audit(
                    txn,
                    Some(number),
                    actor,
                    Change::MergedInto { ticket: into },
                    now,
                )?;
                audit(
                    txn,
                    Some(into),
                    actor,
                    Change::MergedFrom {
                        ticket: number,
                        messages: moved,
                    },
                    now,
                )?;
                source.updated_at = now;
                put_ticket(txn, &source)?;
                enqueue(txn, &Job::IndexTicket(number))?;
                events.push(Event::TicketChanged(number));
            }
            target.updated_at = now;
            put_ticket(txn, &target)?;
            enqueue(txn, &Job::IndexTicket(into))?;
            Ok(((), events))
        })
    }
}

fn merged_already(field: &str) -> Error {
    Error::invalid(vec![model::FieldError::new(field, "error.merged_already")])
}

/// Lists the messages of ticket `from` under ticket `into` as well; how many.
fn copy_messages(txn: &WriteTransaction, from: u64, into: u64) -> Result<u64> {
    let mut index = txn.open_table(tables::TICKET_MESSAGES)?;
    let ids: Vec<u64> = index
        .range((from, 0)..=(from, u64::MAX))?
        .map(|e| e.map(|(k, _)| k.value().1))
        .collect::<std::result::Result<_, _>>()?;
    for &id in &ids {
        index.insert((into, id), ())?;
    }
    Ok(ids.len() as u64)
}

/// A contact's first email address.
fn first_email(txn: &WriteTransaction, contact: u64) -> Result<Option<String>> {
    let contacts = txn.open_table(tables::CONTACTS)?;
    let Some(raw) = contacts.get(contact)? else {
        return Ok(None);
    };
    let record: ContactRecord = codec::decode(raw.value())?;
    Ok(record.emails.into_iter().next())
}

/// The ticket a customer's words for `number` belong on: the ticket itself, or the one
/// it was merged into (following a chain of merges).
pub(crate) fn live_ticket(txn: &WriteTransaction, number: u64) -> Result<u64> {
    let mut at = number;
    for _ in 0..16 {
        match get_ticket(txn, at)?.merged_into {
            Some(next) => at = next,
            None => return Ok(at),
        }
    }
    Ok(at)
}
