//! Tickets and their conversations: what customers and agents do to them. Each method is
//! one write transaction holding the change, its audit events and its outbox jobs.

pub(crate) mod facets;
pub(crate) mod merge;
mod query;
pub use query::MAX_PAGE;
pub(crate) use query::{label, name_in, read_ticket, summary_of, tag_labels};
mod work;

pub(crate) use work::{leader_of, retag, set_assignee, set_department_of, tag_ids, tag_names};
pub use work::{MAX_TAGS, MAX_TAG_CHARS};

use chrono::{DateTime, Utc};
use model::{
    Channel, CustomerReplied, MessageKind, NewTicket, Priority, TicketCreated, TicketStatus,
};
use redb::{ReadableTable, WriteTransaction};

use crate::access::caller_in;
use crate::store::records::{Actor, Change, Job, MessageRecord, TicketRecord};
use crate::store::{self, codec, tables};
use crate::{audit, contacts, enqueue, token, Engine, Error, Event, Result};

impl Engine {
    /// Opens a ticket from a customer's first message.
    pub fn create_ticket(&self, input: &NewTicket, channel: Channel) -> Result<TicketCreated> {
        let errors = model::validate_new_ticket(input);
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let now = self.now();
        let secret = token::new_token();
        self.write(|txn| {
            let created = open_for_customer(txn, input, channel, &secret, now)?;
            let mut events = vec![Event::TicketChanged(created.number)];
            if let Some(d) = input.department {
                events.extend(to_department(txn, created.number, d, now)?);
            }
            Ok((created, events))
        })
    }

    /// An agent opens a ticket for a customer who called or came by (a phone intake):
    /// the customer is matched by email, else by phone, else added as a contact; the
    /// first message is what they asked, in the customer's name.
    pub fn open_for_customer(&self, agent: u64, input: &model::Intake) -> Result<TicketCreated> {
        let mut errors = Vec::new();
        let email = input.email.trim().to_lowercase();
        let phone = input.phone.trim().to_string();
        if email.is_empty() && phone.is_empty() {
            errors.push(model::FieldError::new("email", "error.email_or_phone"));
        }
        if !email.is_empty() && !model::validate::email_looks_valid(&email) {
            errors.push(model::FieldError::new("email", "error.email_invalid"));
        }
        let phone_key = if phone.is_empty() {
            None
        } else {
            match contacts::phone_key(&phone) {
                Some(k) => Some(k),
                None => {
                    errors.push(model::FieldError::new("phone", "error.phone_invalid"));
                    None
                }
            }
        };
        let name = model::validate::one_line(&input.name);
        if name.chars().count() > 120 {
            errors.push(model::FieldError::new("name", "error.name_required"));
        }
        let subject = model::validate::one_line(&input.subject);
        if subject.is_empty() {
            errors.push(model::FieldError::new("subject", "error.subject_required"));
        } else if subject.chars().count() > model::limits::SUBJECT_MAX_CHARS {
            errors.push(model::FieldError::new("subject", "error.subject_too_long"));
        }
        errors.extend(model::validate_reply(&input.body));
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let channel = match input.channel {
            Some(Channel::Phone) | None => Channel::Phone,
            Some(_) => Channel::Agent,
        };
        let now = self.now();
        let secret = token::new_token();
        self.write(|txn| {
            caller_in(txn, agent)?;
            let requester =
                contacts::find_or_create_by(txn, &name, &email, phone_key.as_deref(), &phone, now)?;
            let opening = Opening {
                subject: &subject,
                channel,
                requester,
                body: &input.body,
                follow_up_of: None,
            };
            let number = open_ticket(txn, &opening, &secret, now)?;
            Ok((created(number, &secret), vec![Event::TicketChanged(number)]))
        })
    }

    /// Opens many tickets in one transaction (an import, or seeding a benchmark), each
    /// exactly as [`Engine::create_ticket`] would: the same records, audit events and
    /// index jobs, with one commit for the batch. Every ticket is checked first; one
    /// invalid ticket refuses the whole batch, its field errors named by position
    /// (`tickets[3].email`).
    pub fn import_tickets(
        &self,
        batch: &[NewTicket],
        channel: Channel,
    ) -> Result<Vec<TicketCreated>> {
        let errors: Vec<model::FieldError> = batch
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                model::validate_new_ticket(t)
                    .into_iter()
                    .map(move |e| model::FieldError {
                        field: format!("tickets[{i}].{}", e.field),
                        key: e.key,
                    })
            })
            .collect();
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let now = self.now();
        let secrets: Vec<String> = batch.iter().map(|_| token::new_token()).collect();
        self.write(|txn| {
            let mut created = Vec::with_capacity(batch.len());
            for (input, secret) in batch.iter().zip(&secrets) {
                created.push(open_for_customer(txn, input, channel, secret, now)?);
            }
            let events = created
                .iter()
                .map(|c| Event::TicketChanged(c.number))
                .collect();
            Ok((created, events))
        })
    }

    /// An agent's public reply, with their signature under it; the ticket becomes
    /// Answered.
    pub fn reply(&self, agent: u64, number: u64, body: &str) -> Result<()> {
        self.post(agent, number, &Post::new(MessageKind::Reply, body))
            .map(|_| ())
    }

    /// An agent's internal note; the customer never sees it. The status is unchanged.
    pub fn add_note(&self, agent: u64, number: u64, body: &str) -> Result<()> {
        self.post(agent, number, &Post::new(MessageKind::Note, body))
            .map(|_| ())
    }

    /// An agent adds a reply, a note or a logged call to a ticket, with their uploads
    /// attached; returns the new message's id. A reply makes the ticket Answered and
    /// carries the agent's signature; a note or a call changes no status.
    ///
    /// When `post.seen` names the newest message the agent had on screen and someone
    /// else has written since (the customer, or another agent's reply), nothing is
    /// added: the post is held (`held` field error) until the agent has seen the new
    /// message and sends again.
    pub fn post(&self, agent: u64, number: u64, post: &Post<'_>) -> Result<u64> {
        let mut errors = if post.attachments.is_empty() || !post.body.trim().is_empty() {
            model::validate_reply(post.body)
        } else {
            Vec::new()
        };
        if let Some(call) = post.call {
            if post.kind != MessageKind::Call {
                errors.push(model::FieldError::new("kind", "error.generic"));
            }
            errors.extend(model::validate_call(call));
        } else if post.kind == MessageKind::Call {
            errors.push(model::FieldError::new("kind", "error.generic"));
        }
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let status = (post.kind == MessageKind::Reply).then_some(TicketStatus::Answered);
        self.add_to_ticket(number, Actor::Agent(agent), post, status)
    }

    /// The customer's reply through their private link; the ticket becomes Open again.
    /// A reply to a Closed ticket opens a follow-up ticket linked to it instead. Which of
    /// the two happens is decided in the same transaction that writes it, so a reply
    /// racing an agent's close still lands somewhere.
    pub fn customer_reply(&self, number: u64, secret: &str, body: &str) -> Result<CustomerReplied> {
        self.customer_reply_with_files(number, secret, body, &[])
    }

    /// [`Engine::customer_reply`] with the customer's uploads attached (the text may then
    /// be empty).
    pub fn customer_reply_with_files(
        &self,
        number: u64,
        secret: &str,
        body: &str,
        attachments: &[u64],
    ) -> Result<CustomerReplied> {
        // A stranger learns nothing, not even from validation, about a ticket they
        // cannot see, and uses up none of its replies.
        self.ticket_for_customer(number, secret)?;
        let errors = if attachments.is_empty() || !body.trim().is_empty() {
            model::validate_reply(body)
        } else {
            Vec::new()
        };
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        self.throttle.ticket_reply(number)?;
        let now = self.now();
        let new_secret = token::new_token();
        let max = self.max_messages_per_ticket;
        self.write(|txn| {
            let mut ticket = get_ticket(txn, number)?;
            let opens = crate::portal::key_opens(
                &txn.open_table(tables::CUSTOMER_SESSIONS)?,
                secret,
                &ticket,
                now,
            );
            if !opens {
                return Err(Error::not_found("Ticket"));
            }
            let actor = Actor::Contact(ticket.requester);
            if ticket.merged_into.is_some() {
                // The conversation goes on in the ticket this one was merged into; the
                // message is listed here too, so the customer sees what they wrote.
                let into = merge::live_ticket(txn, number)?;
                let mut target = get_ticket(txn, into)?;
                ensure_room(txn, into, max)?;
                let id = add_message(txn, into, actor, MessageKind::Reply, body, now)?;
                crate::files::attach(txn, actor, id, attachments)?;
                txn.open_table(tables::TICKET_MESSAGES)?
                    .insert((number, id), ())?;
                if reopens_on_customer_reply(target.status) || target.status == TicketStatus::Closed
                {
                    change_status(txn, &mut target, TicketStatus::Open, actor, now)?;
                }
                target.updated_at = now;
                put_ticket(txn, &target)?;
                enqueue(txn, &Job::IndexTicket(into))?;
                let mut events = vec![Event::TicketChanged(into), Event::TicketChanged(number)];
                events.extend(tell_assignee(txn, &target, actor, now)?);
                return Ok((CustomerReplied::Added, events));
            }
            if ticket.status != TicketStatus::Closed {
                ensure_room(txn, number, max)?;
                let id = add_message(txn, number, actor, MessageKind::Reply, body, now)?;
                crate::files::attach(txn, actor, id, attachments)?;
                if reopens_on_customer_reply(ticket.status) {
                    change_status(txn, &mut ticket, TicketStatus::Open, actor, now)?;
                }
                ticket.updated_at = now;
                put_ticket(txn, &ticket)?;
                enqueue(txn, &Job::IndexTicket(number))?;
                let mut events = vec![Event::TicketChanged(number)];
                events.extend(tell_assignee(txn, &ticket, actor, now)?);
                return Ok((CustomerReplied::Added, events));
            }
            let opening = Opening {
                subject: &ticket.subject,
                channel: ticket.channel,
                requester: ticket.requester,
                body,
                follow_up_of: Some(number),
            };
            let follow_up = open_ticket(txn, &opening, &new_secret, now)?;
            let first = txn
                .open_table(tables::TICKET_MESSAGES)?
                .range((follow_up, 0)..=(follow_up, u64::MAX))?
                .next()
                .transpose()?
                .map(|(k, _)| k.value().1);
            if let Some(first) = first {
                crate::files::attach(txn, actor, first, attachments)?;
            }
            audit(
                txn,
                Some(number),
                actor,
                Change::FollowUpOpened { ticket: follow_up },
                now,
            )?;
            let created = created(follow_up, &new_secret);
            Ok((
                CustomerReplied::FollowUp(created),
                vec![
                    Event::TicketChanged(follow_up),
                    Event::TicketChanged(number),
                ],
            ))
        })
    }

    /// An agent sets the ticket's status. Postponing needs a time: see
    /// [`Engine::postpone`].
    pub fn set_status(&self, agent: u64, number: u64, status: TicketStatus) -> Result<()> {
        if status == TicketStatus::Postponed {
            return Err(Error::invalid(vec![model::FieldError::new(
                "status",
                "error.postpone_needs_time",
            )]));
        }
        self.work_on(agent, number, |txn, _, ticket, now| {
            change_status(txn, ticket, status, Actor::Agent(agent), now)?;
            Ok(Vec::new())
        })
    }

    fn add_to_ticket(
        &self,
        number: u64,
        actor: Actor,
        post: &Post<'_>,
        status: Option<TicketStatus>,
    ) -> Result<u64> {
        let kind = post.kind;
        let now = self.now();
        let max = self.max_messages_per_ticket;
        self.write(|txn| {
            let mut ticket = get_ticket(txn, number)?;
            if let Actor::Agent(agent) = actor {
                caller_in(txn, agent)?.check(&ticket)?;
                if let Some(seen) = post.seen {
                    if written_since(txn, number, seen, agent)? {
                        return Err(Error::invalid(vec![model::FieldError::new(
                            "held",
                            "error.held_new_message",
                        )]));
                    }
                }
            }
            ensure_room(txn, number, max)?;
            let signed;
            let body = match (kind, actor) {
                (MessageKind::Reply, Actor::Agent(agent)) => {
                    signed = signed_by(txn, agent, post.body)?;
                    signed.as_str()
                }
                _ => post.body,
            };
            let id = add_message(txn, number, actor, kind, body, now)?;
            crate::files::attach(txn, actor, id, post.attachments)?;
            if let Some(call) = post.call {
                let record = crate::store::records::CallRecord::from(call);
                txn.open_table(tables::CALLS)?
                    .insert(id, codec::encode(&record)?.as_slice())?;
            }
            if let Some(status) = status {
                change_status(txn, &mut ticket, status, actor, now)?;
            }
            if kind == MessageKind::Reply && matches!(actor, Actor::Agent(_)) {
                ticket.first_response_at.get_or_insert(now);
            }
            ticket.updated_at = now;
            put_ticket(txn, &ticket)?;
            enqueue(txn, &Job::IndexTicket(number))?;
            let mut events = vec![Event::TicketChanged(number)];
            if let (MessageKind::Reply, Actor::Agent(agent)) = (kind, actor) {
                // The customer gets the answer by mail, threaded onto what they sent.
                events.extend(crate::mail::queue_reply(
                    txn, &ticket, agent, id, body, now,
                )?);
            }
            Ok((id, events))
        })
    }
}

/// Notifies the ticket's assignee that the customer wrote, if it has one.
pub(crate) fn tell_assignee(
    txn: &WriteTransaction,
    ticket: &TicketRecord,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<Option<Event>> {
    ticket
        .assignee
        .map(|a| {
            crate::notify::notify(
                txn,
                a,
                ticket.number,
                model::NotificationKind::CustomerReplied,
                by,
                now,
            )
        })
        .transpose()
}

/// What an agent adds to a ticket (see [`Engine::post`]).
#[derive(Clone, Debug)]
pub struct Post<'a> {
    pub kind: MessageKind,
    pub body: &'a str,
    /// The agent's uploads to attach.
    pub attachments: &'a [u64],
    /// For a logged call ([`MessageKind::Call`]): its details; the body is its summary.
    pub call: Option<&'a model::CallInfo>,
    /// The newest message the agent had on screen, to hold the post if someone else
    /// wrote since; `None` sends regardless.
    pub seen: Option<u64>,
}

impl<'a> Post<'a> {
    /// A post of `kind` with `body` and nothing else.
    pub fn new(kind: MessageKind, body: &'a str) -> Self {
        Post {
            kind,
            body,
            attachments: &[],
            call: None,
            seen: None,
        }
    }
}

/// Whether anyone but `agent` wrote to ticket `number` after message `seen`: the
/// customer, or another agent's reply (notes and calls hold nothing back).
fn written_since(txn: &WriteTransaction, number: u64, seen: u64, agent: u64) -> Result<bool> {
    let links = txn.open_table(tables::TICKET_MESSAGES)?;
    let messages = txn.open_table(tables::MESSAGES)?;
    for link in links.range((number, seen.saturating_add(1))..=(number, u64::MAX))? {
        let id = link?.0.value().1;
        let Some(raw) = messages.get(id)? else {
            continue;
        };
        let m: MessageRecord = codec::decode(raw.value())?;
        let held = match m.author {
            Actor::Agent(a) => a != agent && m.kind == MessageKind::Reply,
            Actor::Contact(_) => true,
            Actor::System | Actor::Rule(_) => false,
        };
        if held {
            return Ok(true);
        }
    }
    Ok(false)
}

/// An agent's public reply with their signature under it (read in the same
/// transaction that stores the reply).
fn signed_by(txn: &WriteTransaction, agent: u64, body: &str) -> Result<String> {
    let signature = match txn.open_table(tables::AGENTS)?.get(agent)? {
        Some(raw) => codec::decode::<crate::store::records::AgentRecord>(raw.value())?.signature,
        None => String::new(),
    };
    Ok(if signature.is_empty() {
        body.to_string()
    } else {
        format!("{}\n\n{signature}", body.trim_end())
    })
}

/// What a new ticket starts with.
pub(crate) struct Opening<'a> {
    pub subject: &'a str,
    pub channel: Channel,
    pub requester: u64,
    pub body: &'a str,
    pub follow_up_of: Option<u64>,
}

/// Opens a ticket from a customer's validated first message, matching them to a
/// contact by email.
fn open_for_customer(
    txn: &WriteTransaction,
    input: &NewTicket,
    channel: Channel,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<TicketCreated> {
    let contact = contacts::find_or_create(txn, &input.name, &input.email, now)?;
    let opening = Opening {
        subject: input.subject.trim(),
        channel,
        requester: contact,
        body: &input.body,
        follow_up_of: None,
    };
    let number = open_ticket(txn, &opening, secret, now)?;
    Ok(created(number, secret))
}

/// The answer to a new ticket: its number and the customer's private link.
fn created(number: u64, secret: &str) -> TicketCreated {
    TicketCreated {
        number,
        link: format!("/t/{number}/{secret}"),
    }
}

/// Writes a new ticket (status New) with its first message; returns its number.
pub(crate) fn open_ticket(
    txn: &WriteTransaction,
    o: &Opening<'_>,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let number = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "ticket")?;
    let ticket = TicketRecord {
        number,
        subject: o.subject.to_string(),
        status: TicketStatus::New,
        channel: o.channel,
        requester: o.requester,
        access_hash: token::hash_token(secret),
        created_at: now,
        updated_at: now,
        first_response_at: None,
        follow_up_of: o.follow_up_of,
        priority: Priority::Normal,
        ticket_type: None,
        tags: Vec::new(),
        department: None,
        assignee: None,
        ccs: Vec::new(),
        postponed_until: None,
        resolved_at: None,
        closed_at: None,
        merged_into: None,
        spam: false,
        waiting_since: Some(now),
    };
    put_ticket(txn, &ticket)?;
    txn.open_table(tables::TICKETS_BY_STATUS)?
        .insert((ticket.status.code(), number), ())?;
    store::bump(
        &mut txn.open_table(tables::COUNTERS)?,
        &store::status_counter(ticket.status),
        1,
    )?;
    txn.open_table(tables::TICKETS_UNASSIGNED)?
        .insert(number, ())?;
    store::bump(
        &mut txn.open_table(tables::COUNTERS)?,
        &store::unassigned_counter(ticket.status),
        1,
    )?;
    let actor = Actor::Contact(o.requester);
    audit(txn, Some(number), actor, Change::TicketCreated, now)?;
    add_message(txn, number, actor, MessageKind::Reply, o.body, now)?;
    enqueue(txn, &Job::IndexTicket(number))?;
    Ok(number)
}

/// Puts a new ticket in the department its customer chose, which may hand it out; a
/// department that is gone (a stale form) is no choice, and the ticket is kept.
fn to_department(
    txn: &WriteTransaction,
    number: u64,
    department: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Event>> {
    if txn
        .open_table(tables::DEPARTMENTS)?
        .get(department)?
        .is_none()
    {
        return Ok(Vec::new());
    }
    let mut t = get_ticket(txn, number)?;
    let mut events = Vec::new();
    if let Some(change) = set_department_of(txn, &mut t, Some(department))? {
        audit(txn, Some(number), Actor::Contact(t.requester), change, now)?;
    }
    for change in crate::distribution::distribute(txn, &mut t, now)? {
        if let Change::AssigneeChanged { to: Some(to), .. } = change {
            events.push(crate::notify::notify(
                txn,
                to,
                number,
                model::NotificationKind::Assigned,
                Actor::System,
                now,
            )?);
        }
        audit(txn, Some(number), Actor::System, change, now)?;
    }
    put_ticket(txn, &t)?;
    Ok(events)
}

pub(crate) fn get_ticket(txn: &WriteTransaction, number: u64) -> Result<TicketRecord> {
    let tickets = txn.open_table(tables::TICKETS)?;
    let raw = tickets
        .get(number)?
        .ok_or_else(|| Error::not_found("Ticket"))?;
    codec::decode(raw.value())
}

pub(crate) fn put_ticket(txn: &WriteTransaction, ticket: &TicketRecord) -> Result<()> {
    txn.open_table(tables::TICKETS)?
        .insert(ticket.number, codec::encode(ticket)?.as_slice())?;
    Ok(())
}

/// Refuses a message when ticket `number` already holds `max`.
pub(crate) fn ensure_room(txn: &WriteTransaction, number: u64, max: usize) -> Result<()> {
    let held = txn
        .open_table(tables::TICKET_MESSAGES)?
        .range((number, 0)..=(number, u64::MAX))?
        .take(max)
        .count();
    if held >= max {
        return Err(Error::invalid(vec![model::FieldError::new(
            "body",
            "error.ticket_full",
        )]));
    }
    Ok(())
}

pub(crate) fn add_message(
    txn: &WriteTransaction,
    number: u64,
    author: Actor,
    kind: MessageKind,
    body: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "message")?;
    let message = MessageRecord {
        id,
        ticket: number,
        kind,
        author,
        body: body.trim_end().to_string(),
        created_at: now,
    };
    txn.open_table(tables::MESSAGES)?
        .insert(id, codec::encode(&message)?.as_slice())?;
    txn.open_table(tables::TICKET_MESSAGES)?
        .insert((number, id), ())?;
    audit(
        txn,
        Some(number),
        author,
        Change::MessageAdded { message: id, kind },
        now,
    )?;
    Ok(id)
}

/// Whether a customer's reply brings a ticket in this status back to Open: one that
/// waited on them, or that was answered, solved or snoozed. New and Open tickets are
/// already waiting for an agent; On hold waits on a third party.
pub(crate) fn reopens_on_customer_reply(status: TicketStatus) -> bool {
    matches!(
        status,
        TicketStatus::Answered
            | TicketStatus::Pending
            | TicketStatus::Resolved
            | TicketStatus::Postponed
    )
}

/// Moves the ticket to `to`, keeping the status index, the counts, the timers
/// (postponement, auto-close) and the audit in step.
pub(crate) fn change_status(
    txn: &WriteTransaction,
    ticket: &mut TicketRecord,
    to: TicketStatus,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let from = ticket.status;
    if from == to {
        return Ok(());
    }
    let mut by_status = txn.open_table(tables::TICKETS_BY_STATUS)?;
    by_status.remove((from.code(), ticket.number))?;
    by_status.insert((to.code(), ticket.number), ())?;
    let mut counters = txn.open_table(tables::COUNTERS)?;
    store::bump(&mut counters, &store::status_counter(from), -1)?;
    store::bump(&mut counters, &store::status_counter(to), 1)?;
    if ticket.assignee.is_none() {
        store::bump(&mut counters, &store::unassigned_counter(from), -1)?;
        store::bump(&mut counters, &store::unassigned_counter(to), 1)?;
    }
    drop(counters);
    if from == TicketStatus::Postponed {
        if let Some(until) = ticket.postponed_until.take() {
            txn.open_table(tables::TICKETS_POSTPONED)?
                .remove((until.timestamp(), ticket.number))?;
        }
    }
    if from == TicketStatus::Resolved {
        if let Some(at) = ticket.resolved_at {
            txn.open_table(tables::TICKETS_RESOLVED)?
                .remove((at.timestamp(), ticket.number))?;
        }
    }
    match to {
        TicketStatus::Resolved => {
            ticket.resolved_at = Some(now);
            txn.open_table(tables::TICKETS_RESOLVED)?
                .insert((now.timestamp(), ticket.number), ())?;
            // The customer is asked how it went (the mailer wakes on the ticket's event).
            crate::survey::invite(txn, ticket, now)?;
        }
        TicketStatus::Closed => {
            ticket.resolved_at.get_or_insert(now);
            ticket.closed_at = Some(now);
        }
        _ => {}
    }
    ticket.status = to;
    // Only New and Open tickets wait on the team; one that comes back to them waits
    // from now, one that stays among them keeps its time.
    ticket.waiting_since = match to {
        TicketStatus::New | TicketStatus::Open => ticket.waiting_since.or(Some(now)),
        _ => None,
    };
    audit(
        txn,
        Some(ticket.number),
        actor,
        Change::StatusChanged { from, to },
        now,
    )
}
