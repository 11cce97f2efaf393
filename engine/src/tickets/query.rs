//! Reading tickets: the agent's inbox and ticket page, the customer's private view,
//! full-text search and a ticket's audit history.

use model::{
    Assigned, CustomerTicket, Escalation, HistoryChange, HistoryEntry, InboxPage, MessageKind,
    MessageView, SearchHit, Sort, TicketDetail, TicketStatus, TicketSummary,
};
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata};

use crate::access::caller_read;
use crate::auth::read_agent;
use crate::store::records::{
    Actor, AuditRecord, Change, ContactRecord, MessageRecord, TicketRecord,
};
use crate::store::{self, codec, tables};
use crate::{contacts, search, token, Engine, Error, Result};

/// Longest inbox page.
pub const MAX_PAGE: usize = 200;

impl Engine {
    /// A page of the tickets `viewer` may work, optionally of one status, newest or
    /// oldest first.
    pub fn inbox(
        &self,
        viewer: u64,
        status: Option<TicketStatus>,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<InboxPage> {
        self.inbox_of(viewer, status, Assigned::Anyone, sort, offset, limit)
    }

    /// [`Engine::inbox`], also narrowed to the viewer's own or to unassigned tickets.
    /// Each narrowing walks an index in ticket order and counts from a counter or the
    /// index, so a page costs about its own length at any size.
    pub fn inbox_of(
        &self,
        viewer: u64,
        status: Option<TicketStatus>,
        assigned: Assigned,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<InboxPage> {
        let limit = limit.min(MAX_PAGE);
        let txn = self.read()?;
        let caller = caller_read(&txn, viewer)?;
        let counters = txn.open_table(tables::COUNTERS)?;
        let counts = TicketStatus::ALL
            .into_iter()
            .map(|s| Ok((s, store::counter(&counters, &store::status_counter(s))?)))
            .collect::<Result<Vec<_>>>()?;
        let tickets = txn.open_table(tables::TICKETS)?;
        let of_status = |t: &TicketRecord| status.is_none_or(|s| t.status == s);
        let admin = caller.admin;
        let may = |t: &TicketRecord| caller.may_work(t);
        let (page, total) = match (assigned, status) {
            (Assigned::Me, _) => {
                // Their own tickets: always theirs to see.
                let mine = txn.open_table(tables::TICKETS_BY_ASSIGNEE)?;
                let wanted = |t: &TicketRecord| of_status(t);
                let range = || mine.range((viewer, 0)..=(viewer, u64::MAX));
                let page = page_of(&txn, range()?, sort, offset, limit, |k| k.1, Some(&wanted))?;
                let total = match status {
                    None => range()?.count() as u64,
                    Some(_) => count_where(&txn, range()?, |k| k.1, &wanted)?,
                };
                (page, total)
            }
            (Assigned::Unassigned, Some(s)) => {
                let by_status = txn.open_table(tables::TICKETS_BY_STATUS)?;
                let range = by_status.range((s.code(), 0)..=(s.code(), u64::MAX))?;
                let wanted = |t: &TicketRecord| t.assignee.is_none() && (admin || may(t));
                let page = page_of(&txn, range, sort, offset, limit, |k| k.1, Some(&wanted))?;
                (
                    page,
                    store::counter(&counters, &store::unassigned_counter(s))?,
                )
            }
            (Assigned::Unassigned, None) => {
                let unassigned = txn.open_table(tables::TICKETS_UNASSIGNED)?;
                let visible: Option<&dyn Fn(&TicketRecord) -> bool> =
                    if admin { None } else { Some(&may) };
                let page = page_of(
                    &txn,
                    unassigned.iter()?,
                    sort,
                    offset,
                    limit,
                    |k| k,
                    visible,
                )?;
                (page, unassigned.len()?)
            }
            (Assigned::Anyone, Some(s)) => {
                // Admins see everything: no ticket needs reading to page.
                let visible: Option<&dyn Fn(&TicketRecord) -> bool> =
                    if admin { None } else { Some(&may) };
                let by_status = txn.open_table(tables::TICKETS_BY_STATUS)?;
                let range = by_status.range((s.code(), 0)..=(s.code(), u64::MAX))?;
                let page = page_of(&txn, range, sort, offset, limit, |k| k.1, visible)?;
                let total = counts.iter().find(|c| c.0 == s).map(|c| c.1).unwrap_or(0);
                (page, total)
            }
            (Assigned::Anyone, None) => {
                let visible: Option<&dyn Fn(&TicketRecord) -> bool> =
                    if admin { None } else { Some(&may) };
                let page = page_of(&txn, tickets.iter()?, sort, offset, limit, |k| k, visible)?;
                (page, tickets.len()?)
            }
        };
        let tickets = page
            .iter()
            .map(|t| summary(&txn, t))
            .collect::<Result<Vec<_>>>()?;
        Ok(InboxPage {
            tickets,
            total,
            counts,
        })
    }

    /// A ticket with its conversation, notes included, for an agent who may work it.
    pub fn ticket_detail(&self, agent: u64, number: u64) -> Result<TicketDetail> {
        self.ticket_detail_latest(agent, number, model::limits::CONVERSATION_PAGE)
    }

    /// A ticket with its newest `count` messages (a long conversation comes in pages).
    pub fn ticket_detail_latest(
        &self,
        agent: u64,
        number: u64,
        count: usize,
    ) -> Result<TicketDetail> {
        let txn = self.read()?;
        let ticket = read_ticket(&txn, number)?;
        caller_read(&txn, agent)?.check(&ticket)?;
        let (messages, earlier) = messages(&txn, number, true, count)?;
        Ok(TicketDetail {
            summary: summary(&txn, &ticket)?,
            messages,
            earlier,
            ticket_type: ticket.ticket_type,
            tags: ticket
                .tags
                .iter()
                .map(|&t| label(&txn, tables::TAGS, t))
                .collect::<Result<_>>()?,
            postponed_until: ticket.postponed_until,
            history: history(&txn, number, model::limits::HISTORY_PAGE)?,
        })
    }

    /// A ticket as its customer sees it. A wrong number or token is "not found", never
    /// another ticket.
    pub fn customer_ticket(&self, number: u64, secret: &str) -> Result<CustomerTicket> {
        self.customer_ticket_latest(number, secret, model::limits::CONVERSATION_PAGE)
    }

    /// [`Engine::customer_ticket`] with its newest `count` public messages.
    pub fn customer_ticket_latest(
        &self,
        number: u64,
        secret: &str,
        count: usize,
    ) -> Result<CustomerTicket> {
        let ticket = self.ticket_for_customer(number, secret)?;
        let txn = self.read()?;
        let (messages, earlier) = messages(&txn, number, false, count)?;
        Ok(CustomerTicket {
            number,
            subject: ticket.subject,
            status: ticket.status,
            created_at: ticket.created_at,
            messages,
            earlier,
        })
    }

    pub(crate) fn ticket_for_customer(&self, number: u64, secret: &str) -> Result<TicketRecord> {
        let txn = self.read()?;
        let ticket = read_ticket(&txn, number)?;
        if token::token_matches(secret, &ticket.access_hash) {
            Ok(ticket)
        } else {
            Err(Error::not_found("Ticket"))
        }
    }

    /// Tickets matching `query` that `agent` may work, best first, with highlighted
    /// snippets.
    pub fn search(&self, agent: u64, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let found = self.search.search(query, limit.min(MAX_PAGE))?;
        let txn = self.read()?;
        let caller = caller_read(&txn, agent)?;
        let mut hits = Vec::with_capacity(found.len());
        for (number, score) in found {
            // The index may briefly hold a ticket redb no longer has.
            let ticket = match read_ticket(&txn, number) {
                Err(e) if e.kind() == crate::ErrorKind::NotFound => continue,
                other => other?,
            };
            if !caller.may_work(&ticket) {
                continue;
            }
            let requester = read_contact(&txn, ticket.requester)?;
            let body = search::indexer::conversation_text(&txn, number)?;
            hits.push(SearchHit {
                number,
                subject: search::snippet(&ticket.subject, query, 200),
                body: search::snippet(&body, query, 180),
                status: ticket.status,
                requester_name: requester
                    .as_ref()
                    .map(contacts::display_name)
                    .unwrap_or_default(),
                score,
            });
        }
        Ok(hits)
    }

    /// The audit history of a ticket, oldest first.
    pub fn ticket_history(&self, agent: u64, number: u64) -> Result<Vec<AuditRecord>> {
        let txn = self.read()?;
        caller_read(&txn, agent)?.check(&read_ticket(&txn, number)?)?;
        let by_ticket = txn.open_table(tables::AUDIT_BY_TICKET)?;
        let audit = txn.open_table(tables::AUDIT)?;
        let mut out = Vec::new();
        for e in by_ticket.range((number, 0)..=(number, u64::MAX))? {
            let id = e?.0.value().1;
            if let Some(raw) = audit.get(id)? {
                out.push(codec::decode(raw.value())?);
            }
        }
        Ok(out)
    }
}

/// How many tickets of a key range `wanted` keeps.
fn count_where<'a, K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &ReadTransaction,
    range: redb::Range<'a, K, V>,
    number: impl Fn(K::SelfType<'_>) -> u64,
    wanted: &dyn Fn(&TicketRecord) -> bool,
) -> Result<u64> {
    let mut n = 0;
    for key in range {
        if wanted(&read_ticket(txn, number(key?.0.value()))?) {
            n += 1;
        }
    }
    Ok(n)
}

/// One page of the visible tickets of a key range, in the asked order; each ticket is
/// read once.
fn page_of<'a, K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &ReadTransaction,
    range: redb::Range<'a, K, V>,
    sort: Sort,
    offset: usize,
    limit: usize,
    number: impl Fn(K::SelfType<'_>) -> u64,
    visible: Option<&dyn Fn(&TicketRecord) -> bool>,
) -> Result<Vec<TicketRecord>> {
    let keys: Box<dyn Iterator<Item = _>> = match sort {
        Sort::Newest => Box::new(range.rev()),
        Sort::Oldest => Box::new(range),
    };
    let Some(visible) = visible else {
        return keys
            .skip(offset)
            .take(limit)
            .map(|e| read_ticket(txn, number(e?.0.value())))
            .collect();
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    for key in keys {
        let ticket = read_ticket(txn, number(key?.0.value()))?;
        if !visible(&ticket) {
            continue;
        }
        if skipped < offset {
            skipped += 1;
            continue;
        }
        out.push(ticket);
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

fn read_ticket(txn: &ReadTransaction, number: u64) -> Result<TicketRecord> {
    let tickets = txn.open_table(tables::TICKETS)?;
    let raw = tickets
        .get(number)?
        .ok_or_else(|| Error::not_found("Ticket"))?;
    codec::decode(raw.value())
}

fn read_contact(txn: &ReadTransaction, id: u64) -> Result<Option<ContactRecord>> {
    let contacts = txn.open_table(tables::CONTACTS)?;
    let raw = contacts.get(id)?;
    raw.map(|r| codec::decode(r.value())).transpose()
}

fn summary(txn: &ReadTransaction, t: &TicketRecord) -> Result<TicketSummary> {
    let requester = read_contact(txn, t.requester)?;
    Ok(TicketSummary {
        number: t.number,
        subject: t.subject.clone(),
        requester_name: requester
            .as_ref()
            .map(contacts::display_name)
            .unwrap_or_default(),
        requester_email: requester
            .and_then(|c| c.emails.first().cloned())
            .unwrap_or_default(),
        status: t.status,
        channel: t.channel,
        created_at: t.created_at,
        updated_at: t.updated_at,
        follow_up_of: t.follow_up_of,
        priority: t.priority,
        assignee: t.assignee,
        assignee_name: t.assignee.map(|a| agent_name(txn, a)).transpose()?,
        department: t.department,
        department_name: t
            .department
            .map(|d| label(txn, tables::DEPARTMENTS, d))
            .transpose()?,
    })
}

fn agent_name(txn: &ReadTransaction, id: u64) -> Result<String> {
    Ok(read_agent(txn, id)?.map(|a| a.name).unwrap_or_default())
}

/// The name of record `id` in a table of departments, tags or ticket types (empty if it
/// is gone).
fn label(
    txn: &ReadTransaction,
    table: redb::TableDefinition<u64, &[u8]>,
    id: u64,
) -> Result<String> {
    let table = txn.open_table(table)?;
    let Some(raw) = table.get(id)? else {
        return Ok(String::new());
    };
    // Departments start with the same (id, name) as labels.
    let named: Named = codec::decode(raw.value())?;
    Ok(named.name)
}

/// The leading fields every department, tag and ticket type record shares.
#[derive(serde::Deserialize)]
struct Named {
    #[allow(dead_code)]
    id: u64,
    name: String,
}

/// A ticket's history, newest first, with names resolved.
fn history(txn: &ReadTransaction, number: u64, limit: usize) -> Result<Vec<HistoryEntry>> {
    let by_ticket = txn.open_table(tables::AUDIT_BY_TICKET)?;
    let audit = txn.open_table(tables::AUDIT)?;
    let agent = |a: Option<u64>| a.map(|a| agent_name(txn, a)).transpose();
    let dept = |d: Option<u64>| d.map(|d| label(txn, tables::DEPARTMENTS, d)).transpose();
    let kind = |k: Option<u64>| k.map(|k| label(txn, tables::TICKET_TYPES, k)).transpose();
    let tags = |ids: &[u64]| {
        ids.iter()
            .map(|&i| label(txn, tables::TAGS, i))
            .collect::<Result<Vec<_>>>()
    };
    let mut out = Vec::new();
    for e in by_ticket.range((number, 0)..=(number, u64::MAX))?.rev() {
        if out.len() >= limit {
            break;
        }
        let id = e?.0.value().1;
        let Some(raw) = audit.get(id)? else { continue };
        let record: AuditRecord = codec::decode(raw.value())?;
        let change = match record.change {
            Change::TicketCreated => HistoryChange::Created,
            Change::MessageAdded { kind, .. } => HistoryChange::Message(kind),
            Change::FollowUpOpened { ticket } => HistoryChange::FollowUpOpened(ticket),
            Change::StatusChanged { from, to } => HistoryChange::Status(from, to),
            Change::PriorityChanged { from, to } => HistoryChange::Priority(from, to),
            Change::TypeChanged { from, to } => HistoryChange::Type(kind(from)?, kind(to)?),
            Change::TagsChanged { added, removed } => HistoryChange::Tags {
                added: tags(&added)?,
                removed: tags(&removed)?,
            },
            Change::AssigneeChanged { from, to } => {
                HistoryChange::Assignee(agent(from)?, agent(to)?)
            }
            Change::DepartmentChanged { from, to } => {
                HistoryChange::Department(dept(from)?, dept(to)?)
            }
            Change::Escalated { to } => HistoryChange::Escalated(match to {
                Escalation::ToLeader => None,
                Escalation::ToDepartment(d) => dept(Some(d))?,
            }),
            Change::Postponed { until } => HistoryChange::Postponed(until),
            // Events about agents and the desk are not a ticket's.
            _ => continue,
        };
        let actor = match record.actor {
            Actor::Agent(a) => agent_name(txn, a)?,
            Actor::Contact(c) => read_contact(txn, c)?
                .as_ref()
                .map(contacts::display_name)
                .unwrap_or_default(),
            Actor::System => String::new(),
        };
        out.push(HistoryEntry {
            at: record.at,
            actor,
            change,
        });
    }
    Ok(out)
}

/// The newest `count` messages of a ticket (oldest first), and whether earlier ones
/// exist; reading stops there, so a long conversation costs no more than a page.
fn messages(
    txn: &ReadTransaction,
    number: u64,
    with_notes: bool,
    count: usize,
) -> Result<(Vec<MessageView>, bool)> {
    let links = txn.open_table(tables::TICKET_MESSAGES)?;
    let table = txn.open_table(tables::MESSAGES)?;
    let mut out = Vec::new();
    let mut earlier = false;
    for link in links.range((number, 0)..=(number, u64::MAX))?.rev() {
        let id = link?.0.value().1;
        let Some(raw) = table.get(id)? else { continue };
        let m: MessageRecord = codec::decode(raw.value())?;
        if m.kind == MessageKind::Note && !with_notes {
            continue;
        }
        if out.len() >= count.max(1) {
            earlier = true;
            break;
        }
        let (author_name, from_agent) = match m.author {
            Actor::Contact(c) => (
                read_contact(txn, c)?
                    .as_ref()
                    .map(contacts::display_name)
                    .unwrap_or_default(),
                false,
            ),
            Actor::Agent(a) => (
                read_agent(txn, a)?.map(|a| a.name).unwrap_or_default(),
                true,
            ),
            Actor::System => ("Tessera".to_string(), true),
        };
        out.push(MessageView {
            id: m.id,
            kind: m.kind,
            author_name,
            from_agent,
            body: m.body,
            created_at: m.created_at,
        });
    }
    out.reverse();
    Ok((out, earlier))
}
