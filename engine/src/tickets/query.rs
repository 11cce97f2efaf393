//! Reading tickets: the agent's inbox and ticket page, the customer's private view,
//! full-text search and a ticket's audit history.

use model::{
    CustomerTicket, Escalation, HistoryChange, HistoryEntry, InboxFilter, InboxPage, MessageKind,
    MessageView, SearchHit, TicketDetail, TicketSummary,
};
use redb::{ReadTransaction, ReadableTable};

use crate::access::caller_read;
use crate::auth::read_agent;
use crate::store::records::{
    Actor, AuditRecord, CallRecord, Change, ContactRecord, MessageRecord, TicketRecord,
};
use crate::store::{codec, tables};
use crate::{contacts, search, Engine, Error, Result};

/// Longest inbox page.
pub const MAX_PAGE: usize = 200;

impl Engine {
    /// A page of the tickets `viewer` may work that `filter` selects, in its order, with
    /// how many it selects and how many of those are in each status. Filters and
    /// counts come from the inbox's index in memory; only the page's own tickets are
    /// read from redb (and checked once more against the viewer's rights).
    pub fn inbox(
        &self,
        viewer: u64,
        filter: &InboxFilter,
        offset: usize,
        limit: usize,
    ) -> Result<InboxPage> {
        let limit = limit.min(MAX_PAGE);
        let txn = self.read()?;
        let caller = caller_read(&txn, viewer)?;
        let requester = requester_of(&txn, filter)?;
        let (numbers, selection) = {
            let facets = self.facets.read().unwrap_or_else(|p| p.into_inner());
            let visible = facets.visible(&caller);
            let selection = facets.select(&visible, filter, viewer, requester);
            let numbers: Vec<_> = facets
                .page(&selection.matches, filter.sort, offset, limit)
                .into_iter()
                .map(|n| (n, facets.sla_of(n)))
                .collect();
            (numbers, selection)
        };
        let now = self.now();
        let mut tickets = Vec::with_capacity(numbers.len());
        for (number, sla) in numbers {
            let ticket = read_ticket(&txn, number)?;
            if caller.may_work(&ticket) {
                let mut s = summary(&txn, &ticket)?;
                s.sla = sla.map(|(warn, due)| {
                    let state = if now >= due {
                        model::ClockState::Breached
                    } else if now >= warn {
                        model::ClockState::Warning
                    } else {
                        model::ClockState::Running
                    };
                    (state, due)
                });
                tickets.push(s);
            }
        }
        Ok(InboxPage {
            tickets,
            total: selection.matches.len(),
            counts: selection.counts,
        })
    }

    /// How many tickets each of `filters` selects for `viewer`.
    pub fn inbox_counts(&self, viewer: u64, filters: &[InboxFilter]) -> Result<Vec<u64>> {
        let txn = self.read()?;
        let caller = caller_read(&txn, viewer)?;
        let requesters = filters
            .iter()
            .map(|f| requester_of(&txn, f))
            .collect::<Result<Vec<_>>>()?;
        let facets = self.facets.read().unwrap_or_else(|p| p.into_inner());
        let visible = facets.visible(&caller);
        Ok(filters
            .iter()
            .zip(requesters)
            .map(|(f, r)| facets.count(&visible, f, viewer, r))
            .collect())
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
            merged_into: ticket.merged_into,
            ccs: ticket.ccs.clone(),
            history: history(&txn, number, model::limits::HISTORY_PAGE)?,
            rating: crate::survey::rating_of(&txn, &ticket, self.now())?,
            sla: crate::sla::ticket_sla(&txn, &ticket, self.now())?,
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
        let rating = crate::survey::rating_of(&txn, &ticket, self.now())?;
        Ok(CustomerTicket {
            number,
            subject: ticket.subject,
            status: ticket.status,
            created_at: ticket.created_at,
            messages,
            earlier,
            rating,
        })
    }

    pub(crate) fn ticket_for_customer(&self, number: u64, secret: &str) -> Result<TicketRecord> {
        let txn = self.read()?;
        let ticket = read_ticket(&txn, number)?;
        let sessions = txn.open_table(tables::CUSTOMER_SESSIONS)?;
        if crate::portal::key_opens(&sessions, secret, &ticket, self.now()) {
            Ok(ticket)
        } else {
            Err(Error::not_found("Ticket"))
        }
    }

    /// Tickets matching `query` that `agent` may work, best first, with highlighted
    /// snippets.
    pub fn search(&self, agent: u64, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let parsed = model::query::parse_search(query);
        let limit = limit.min(MAX_PAGE);
        let txn = self.read()?;
        let caller = caller_read(&txn, agent)?;
        let tag_id = match &parsed.tag {
            Some(name) => Some(
                txn.open_table(tables::TAG_BY_NAME)?
                    .get(name.to_lowercase().as_str())?
                    .map(|v| v.value()),
            ),
            None => None,
        };
        let mut hits: Vec<SearchHit> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let text = parsed.text.as_str();
        let matcher = search::analyzer::Matcher::new(text);
        // Tables opened once for every hit.
        let tickets_t = txn.open_table(tables::TICKETS)?;
        let contacts_t = txn.open_table(tables::CONTACTS)?;
        let links_t = txn.open_table(tables::TICKET_MESSAGES)?;
        let messages_t = txn.open_table(tables::MESSAGES)?;
        let get_ticket = |number: u64| -> Result<TicketRecord> {
            let raw = tickets_t
                .get(number)?
                .ok_or_else(|| Error::not_found("Ticket"))?;
            codec::decode(raw.value())
        };
        let hit = |number: u64, ticket: &TicketRecord, score: f32, lang| -> Result<SearchHit> {
            let requester: Option<ContactRecord> = contacts_t
                .get(ticket.requester)?
                .map(|r| codec::decode(r.value()))
                .transpose()?;
            Ok(SearchHit {
                number,
                subject: search::snippet_with(&ticket.subject, &matcher, lang, 200),
                body: search::indexer::body_snippet_in(
                    &links_t,
                    &messages_t,
                    number,
                    &matcher,
                    lang,
                    180,
                )?,
                status: ticket.status,
                requester_name: requester
                    .as_ref()
                    .map(contacts::display_name)
                    .unwrap_or_default(),
                score,
            })
        };
        // What the filters ask of a ticket.
        let passes = |ticket: &TicketRecord| -> Result<bool> {
            if parsed.status.is_some_and(|s| s != ticket.status)
                || parsed.priority.is_some_and(|p| p != ticket.priority)
                || parsed.channel.is_some_and(|c| c != ticket.channel)
                || (parsed.mine && ticket.assignee != Some(agent))
            {
                return Ok(false);
            }
            if let Some(tag) = tag_id {
                if !tag.is_some_and(|t| ticket.tags.contains(&t)) {
                    return Ok(false);
                }
            }
            if let Some(from) = &parsed.from {
                let requester = read_contact(&txn, ticket.requester)?;
                let matches = requester.is_some_and(|c| {
                    c.emails.iter().any(|e| e.contains(from.as_str()))
                        || c.name.to_lowercase().contains(from.as_str())
                });
                if !matches {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        // A ticket named by its number comes first.
        if let Some(number) = parsed.number {
            if let Ok(ticket) = read_ticket(&txn, number) {
                if caller.may_work(&ticket) && passes(&ticket)? {
                    seen.insert(number);
                    let lang = search::stem::detect(&ticket.subject).unwrap_or(search::Lang::En);
                    hits.push(hit(number, &ticket, f32::MAX, lang)?);
                }
            }
        }
        if !text.trim().is_empty() {
            // Filters thin the words' hits out: look further down the list for them.
            let wanted = if parsed.has_filters() {
                MAX_PAGE
            } else {
                limit
            };
            for found in self.search.search(text, wanted)? {
                let number = found.number;
                if hits.len() >= limit {
                    break;
                }
                // The index may briefly hold a ticket redb no longer has.
                let ticket = match get_ticket(number) {
                    Err(e) if e.kind() == crate::ErrorKind::NotFound => continue,
                    other => other?,
                };
                if !caller.may_work(&ticket) || !passes(&ticket)? || !seen.insert(number) {
                    continue;
                }
                hits.push(hit(number, &ticket, found.score, found.language)?);
            }
        } else if parsed.has_filters() && tag_id.is_none_or(|t| t.is_some()) {
            // Only filters: the inbox's index lists what matches, newest first.
            let email = parsed.from.as_ref().filter(|f| f.contains('@')).cloned();
            let filter = InboxFilter {
                status: parsed.status,
                priority: parsed.priority,
                channel: parsed.channel,
                tag: tag_id.flatten(),
                requester: email,
                assigned: if parsed.mine {
                    model::inbox::Assigned::Me
                } else {
                    model::inbox::Assigned::Anyone
                },
                sort: model::inbox::Sort::Newest,
                ..Default::default()
            };
            drop((tickets_t, contacts_t, links_t, messages_t));
            drop(txn);
            let page = self.inbox(agent, &filter, 0, MAX_PAGE)?;
            let txn2 = self.read()?;
            for s in page.tickets {
                if hits.len() >= limit {
                    break;
                }
                let ticket = read_ticket(&txn2, s.number)?;
                if !passes_after(&parsed, &txn2, &ticket)? || !seen.insert(s.number) {
                    continue;
                }
                let requester = read_contact(&txn2, ticket.requester)?;
                let none = search::analyzer::Matcher::new("");
                hits.push(SearchHit {
                    number: s.number,
                    subject: search::snippet(&ticket.subject, "", 200),
                    body: search::indexer::body_snippet(
                        &txn2,
                        s.number,
                        &none,
                        search::Lang::En,
                        180,
                    )?,
                    status: ticket.status,
                    requester_name: requester
                        .as_ref()
                        .map(contacts::display_name)
                        .unwrap_or_default(),
                    score: 0.0,
                });
            }
            return Ok(hits);
        }
        Ok(hits)
    }

    /// The bare tantivy query beneath [`Engine::search`] for the same words: its top
    /// `limit` documents and nothing more (no filters, access, records or snippets).
    /// The benchmark measures the search against it.
    pub fn search_bare(&self, query: &str, limit: usize) -> Result<usize> {
        let parsed = model::query::parse_search(query);
        self.search.bare_search(&parsed.text, limit)
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

/// The contact a filter's requester address names: None when it names none,
/// Some(None) when no contact has that address.
/// The `from:` part of a search that the inbox's index cannot apply (part of a name or
/// address, rather than a whole address).
fn passes_after(
    parsed: &model::query::ParsedSearch,
    txn: &ReadTransaction,
    ticket: &TicketRecord,
) -> Result<bool> {
    let Some(from) = &parsed.from else {
        return Ok(true);
    };
    let requester = read_contact(txn, ticket.requester)?;
    Ok(requester.is_some_and(|c| {
        c.emails.iter().any(|e| e.contains(from.as_str()))
            || c.name.to_lowercase().contains(from.as_str())
    }))
}

fn requester_of(txn: &ReadTransaction, filter: &InboxFilter) -> Result<Option<Option<u64>>> {
    let Some(email) = &filter.requester else {
        return Ok(None);
    };
    let by_email = txn.open_table(tables::CONTACT_BY_EMAIL)?;
    let key = email.trim().to_lowercase();
    Ok(Some(by_email.get(key.as_str())?.map(|v| v.value())))
}

/// How mailing message `id` to the customer went, if it was mailed.
fn delivery_of(txn: &ReadTransaction, id: u64) -> Result<Option<model::Delivery>> {
    let Some(mail) = txn
        .open_table(tables::MESSAGE_MAILS)?
        .get(id)?
        .map(|v| v.value())
    else {
        return Ok(None);
    };
    Ok(txn
        .open_table(tables::MAILS)?
        .get(mail)?
        .map(|raw| codec::decode::<crate::mail::MailRecord>(raw.value()))
        .transpose()?
        .map(|m| model::Delivery {
            state: m.state,
            error: m.last_error,
        }))
}

pub(crate) fn read_ticket(txn: &ReadTransaction, number: u64) -> Result<TicketRecord> {
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

pub(crate) fn summary_of(txn: &ReadTransaction, t: &TicketRecord) -> Result<TicketSummary> {
    summary(txn, t)
}

fn summary(txn: &ReadTransaction, t: &TicketRecord) -> Result<TicketSummary> {
    let requester = read_contact(txn, t.requester)?;
    Ok(TicketSummary {
        number: t.number,
        subject: t.subject.clone(),
        requester: t.requester,
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
        sla: None,
    })
}

fn agent_name(txn: &ReadTransaction, id: u64) -> Result<String> {
    Ok(read_agent(txn, id)?.map(|a| a.name).unwrap_or_default())
}

/// The name of record `id` in a table of departments, tags or ticket types (empty if it
/// is gone).
pub(crate) fn label(
    txn: &ReadTransaction,
    table: redb::TableDefinition<u64, &[u8]>,
    id: u64,
) -> Result<String> {
    name_in(&txn.open_table(table)?, id)
}

/// The name of record `id` in a table of named records (departments, tags, types,
/// agents, mailboxes all start with their id and name); empty when it is gone.
pub(crate) fn name_in(table: &impl ReadableTable<u64, &'static [u8]>, id: u64) -> Result<String> {
    let Some(raw) = table.get(id)? else {
        return Ok(String::new());
    };
    let named: Named = codec::decode(raw.value())?;
    Ok(named.name)
}

/// The names of tags `ids`.
pub(crate) fn tag_labels(
    tags: &impl ReadableTable<u64, &'static [u8]>,
    ids: &[u64],
) -> Result<Vec<String>> {
    ids.iter().map(|&id| name_in(tags, id)).collect()
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
    let mut rule_names = crate::rules::RuleNames::default();
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
            Change::SpamMarked { spam } => HistoryChange::Spam(spam),
            Change::MergedInto { ticket } => HistoryChange::MergedInto(ticket),
            Change::MergedFrom { ticket, .. } => HistoryChange::MergedFrom(ticket),
            Change::CcsChanged { added, removed } => HistoryChange::Ccs { added, removed },
            Change::Distributed { mode, open } => HistoryChange::Distributed(mode, open),
            Change::Sla { clock, breached } => HistoryChange::Sla(clock, breached),
            Change::RuleFired {
                name,
                event,
                checks,
                effects,
                ..
            } => HistoryChange::Rule {
                name,
                event,
                checks,
                effects,
            },
            // Events about agents and the desk are not a ticket's.
            _ => continue,
        };
        let actor = match record.actor {
            // A firing names its rule itself.
            _ if matches!(change, HistoryChange::Rule { .. }) => String::new(),
            Actor::Agent(a) => agent_name(txn, a)?,
            Actor::Contact(c) => read_contact(txn, c)?
                .as_ref()
                .map(contacts::display_name)
                .unwrap_or_default(),
            Actor::System => String::new(),
            Actor::Rule(r) => rule_names.get(&txn.open_table(tables::SETTINGS)?, r)?,
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
    let mut rule_names = crate::rules::RuleNames::default();
    let mut earlier = false;
    for link in links.range((number, 0)..=(number, u64::MAX))?.rev() {
        let id = link?.0.value().1;
        let Some(raw) = table.get(id)? else { continue };
        let m: MessageRecord = codec::decode(raw.value())?;
        if !m.kind.public() && !with_notes {
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
            Actor::Rule(r) => (rule_names.get(&txn.open_table(tables::SETTINGS)?, r)?, true),
        };
        let call = match m.kind {
            MessageKind::Call => match txn.open_table(tables::CALLS)?.get(m.id)? {
                Some(raw) => Some(codec::decode::<CallRecord>(raw.value())?.into()),
                None => None,
            },
            _ => None,
        };
        // Mail quotes what came before: that part is folded away.
        let by_mail = txn
            .open_table(tables::MESSAGE_SOURCES)?
            .get(m.id)?
            .is_some();
        let (new, quoted) = if by_mail {
            crate::markdown::split_quoted(&m.body)
        } else {
            (m.body.as_str(), "")
        };
        let html = crate::markdown::to_html(new);
        let quoted_html = if quoted.is_empty() {
            String::new()
        } else {
            crate::markdown::to_html(quoted)
        };
        out.push(MessageView {
            id: m.id,
            kind: m.kind,
            author_name,
            from_agent,
            html,
            quoted_html,
            body: m.body,
            created_at: m.created_at,
            attachments: crate::files::of_message(txn, m.id)?,
            original: with_notes && by_mail,
            delivery: if with_notes {
                delivery_of(txn, m.id)?
            } else {
                None
            },
            call,
        });
    }
    out.reverse();
    Ok((out, earlier))
}
