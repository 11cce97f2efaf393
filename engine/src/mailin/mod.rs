//! Email intake: one raw message becomes exactly one ticket or one reply, in one
//! transaction with its attachments, its original (kept for download) and the ids that
//! thread and deduplicate it.
//!
//! - **Once.** A message is known by its Message-ID and by the SHA-256 of its bytes;
//!   either seen before, it is a duplicate and changes nothing (a refetch after a crash,
//!   the same mail sent to two of the desk's addresses, an import run twice).
//! - **Threading.** A reply joins its ticket by In-Reply-To, then References (the
//!   desk's own outgoing ids name their ticket), then a `[#1042]` in the subject, and
//!   only when the sender is the requester, one of the ticket's CCs or an agent;
//!   otherwise it opens a new ticket linked to that one. A reply to a Closed ticket
//!   opens a follow-up.
//! - **Machines.** Auto-replies and bounces never trigger anything automatic; a bounce
//!   marks the failed address and notes the failure on the ticket whose mail bounced.
//!   Spam-flagged mail opens its ticket in the Spam view.
//! - **Nothing lost.** A message the parser cannot read still opens a ticket, with the
//!   original kept and a note saying so.

pub mod parse;

use chrono::{DateTime, Utc};
use model::{Channel, MessageKind, TicketStatus};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::codec;
use crate::store::records::{Actor, Job, TicketRecord};
use crate::store::tables;
use crate::tickets::{self, Opening};
use crate::{contacts, enqueue, token, Engine, Event, Result};

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// It opened a new ticket.
    Created,
    /// It was added to an open ticket.
    Added,
    /// It answered a closed ticket: a follow-up was opened.
    FollowUp,
    /// It was seen before; nothing changed.
    Duplicate,
    /// A delivery failure: noted on the ticket whose mail bounced.
    Bounce,
    /// A copy of mail the desk sent (a mailbox that also receives what it sends, a
    /// Bcc): nothing to add, and no loop.
    Own,
}

/// Where a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ingested {
    pub ticket: u64,
    pub outcome: Outcome,
}

/// The subject a message without one is given.
pub const NO_SUBJECT: &str = "(no subject)";

/// The local part of the desk's own Message-ID for outgoing message `mail`:
/// `t<ticket>.m<mail>.<tag>` (or `m<mail>.<tag>` without a ticket), the tag a keyed
/// hash of the rest, so that only the desk makes ids that name its tickets.
pub fn own_id_local(data_dir: &std::path::Path, ticket: Option<u64>, mail: u64) -> Result<String> {
    let base = match ticket {
        Some(t) => format!("t{t}.m{mail}"),
        None => format!("m{mail}"),
    };
    let tag = crate::secret::tag(data_dir, "message-id", &base)?;
    Ok(format!("{base}.{tag}"))
}

/// The (ticket, outgoing message) one of the desk's own Message-IDs names, if it is one
/// the desk made (its tag checks out).
pub fn own_id_parts(data_dir: &std::path::Path, id: &str) -> Option<(u64, u64)> {
    let local = id.split('@').next()?;
    let (base, tag) = local.rsplit_once('.')?;
    let (t, m) = base.split_once('.')?;
    let ticket: u64 = t.strip_prefix('t')?.parse().ok()?;
    let mail: u64 = m.strip_prefix('m')?.parse().ok()?;
    let want = crate::secret::tag(data_dir, "message-id", base).ok()?;
    let same: bool = subtle::ConstantTimeEq::ct_eq(want.as_bytes(), tag.as_bytes()).into();
    same.then_some((ticket, mail))
}

/// The `[#1042]` of a subject.
pub fn ticket_in_subject(subject: &str) -> Option<u64> {
    let start = subject.find("[#")? + 2;
    let end = subject[start..].find(']')? + start;
    subject[start..end].trim().parse().ok()
}

/// Header fields the servers on the way add, which differ between two deliveries of
/// one message (to two of the desk's addresses, or fetched twice).
fn is_trace_header(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    matches!(
        n.as_str(),
        "received"
            | "x-received"
            | "delivered-to"
            | "x-original-to"
            | "return-path"
            | "envelope-to"
            | "x-envelope-to"
            | "authentication-results"
            | "received-spf"
            | "x-delivered-to"
    ) || n.starts_with("arc-")
        || n.starts_with("x-spam-")
        || n.starts_with("x-virus-")
}

/// What a message is known by, once ingested: its Message-ID and the SHA-256 of its
/// bytes without the trace fields servers add on the way. A message delivered twice is
/// the same; two messages that happen to share a Message-ID are not.
pub fn seen_key(raw: &[u8], message_id: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    // Line by line, whatever their endings (a message from an mbox and the same one
    // from IMAP), trace fields of the header left out, trailing blank lines ignored.
    let mut in_header = true;
    let mut skipping = false;
    let mut blank_run = 0usize;
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if in_header {
            if line.is_empty() {
                in_header = false;
                hasher.update(b"\n");
                continue;
            }
            let folded = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
            if !folded {
                let name = line.split(|&b| b == b':').next().unwrap_or_default();
                skipping = is_trace_header(&String::from_utf8_lossy(name));
            }
            if !skipping {
                hasher.update(line);
                hasher.update(b"\n");
            }
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            blank_run += 1;
            continue;
        }
        for _ in 0..blank_run {
            hasher.update(b"\n");
        }
        blank_run = 0;
        hasher.update(line);
        hasher.update(b"\n");
    }
    format!("{}:{}", message_id.unwrap_or(""), hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Engine {
    /// Turns one raw message into a ticket or a reply, as a piped one and an imported
    /// one are. Returns once it is committed.
    pub fn ingest_mail(&self, raw: &[u8]) -> Result<Ingested> {
        self.ingest_mail_via(raw, None)
    }

    /// As [`Engine::ingest_mail`], for a message fetched from `mailbox`: a new ticket
    /// goes to the mailbox's department.
    pub fn ingest_mail_via(&self, raw: &[u8], mailbox: Option<u64>) -> Result<Ingested> {
        let mut parsed = parse::parse(raw);
        let key = seen_key(raw, parsed.message_id.as_deref());
        // Already seen: answer without staging anything.
        {
            let txn = self.read()?;
            let known = txn
                .open_table(tables::MAIL_SEEN)?
                .get(key.as_str())?
                .map(|v| v.value());
            if let Some(ticket) = known {
                return Ok(Ingested {
                    ticket,
                    outcome: Outcome::Duplicate,
                });
            }
        }
        // The desk's own Message-IDs carry a tag only it can make.
        if let Some((ticket, _)) = parsed
            .message_id
            .as_deref()
            .and_then(|id| own_id_parts(&self.data_dir, id))
        {
            return Ok(Ingested {
                ticket,
                outcome: Outcome::Own,
            });
        }
        // A delivery report counts only when it quotes a message the desk really sent.
        let bounced = parsed.bounce.as_ref().and_then(|b| {
            let (ticket, mail) = own_id_parts(&self.data_dir, b.original.as_deref()?)?;
            Some((ticket, mail))
        });
        // Files the desk keeps of any message (the original holds them all anyway).
        let max_bytes = self.attachment_max_bytes()? as usize;
        let left_out = if bounced.is_some() {
            parsed.attachments.clear();
            0
        } else {
            let before = parsed.attachments.len();
            parsed.attachments.retain(|a| a.bytes.len() <= max_bytes);
            parsed.attachments.truncate(crate::files::MAX_PER_MESSAGE);
            before - parsed.attachments.len()
        };
        // Files go to the blob store first, outside the transaction.
        let original = self.stage_bytes(raw)?;
        let files = parsed
            .attachments
            .iter()
            .map(|a| self.stage_bytes(&a.bytes))
            .collect::<Result<Vec<_>>>()?;
        let now = self.now();
        let secret = token::new_token();
        let blobs = crate::files::blobs_dir(&self.data_dir);
        // One read, and no password opened, per message.
        let desk_addresses: Vec<String> = self
            .intake_addresses()?
            .into_iter()
            .map(|(address, _)| address)
            .collect();
        let department = match mailbox {
            Some(id) => self.mailbox_department(id)?,
            None => None,
        };
        let ctx = Context {
            secret: &secret,
            max: self.max_messages_per_ticket,
            bounced,
            data_dir: &self.data_dir,
            desk_addresses: &desk_addresses,
            department,
            mailbox,
            now,
        };
        self.write(|txn| {
            // Checked again inside: two deliveries of one message may race.
            {
                let known = txn
                    .open_table(tables::MAIL_SEEN)?
                    .get(key.as_str())?
                    .map(|v| v.value());
                if let Some(ticket) = known {
                    return Ok((
                        Ingested {
                            ticket,
                            outcome: Outcome::Duplicate,
                        },
                        Vec::new(),
                    ));
                }
            }
            let Placed {
                sender,
                ticket,
                message,
                outcome,
                mut events,
            } = place(txn, &parsed, &ctx)?;
            for (a, staged) in parsed.attachments.iter().zip(&files) {
                crate::files::add_file(
                    txn,
                    &blobs,
                    staged,
                    Actor::Contact(sender),
                    message,
                    &a.name,
                    &a.content_type,
                    now,
                )?;
            }
            if left_out > 0 && outcome != Outcome::Bounce {
                let note = format!(
                    "{left_out} attached file(s) were too large or too many to keep; the original email holds them."
                );
                tickets::add_message(txn, ticket, Actor::System, MessageKind::Note, &note, now)?;
            }
            crate::files::keep_source(txn, &blobs, &original, message)?;
            if let Some(id) = &parsed.message_id {
                // The first message with an id keeps it: a later one reusing it cannot
                // pull the thread's answers to itself.
                let mut ids = txn.open_table(tables::MESSAGE_IDS)?;
                if ids.get(id.as_str())?.is_none() {
                    ids.insert(id.as_str(), ticket)?;
                }
                if outcome != Outcome::Bounce {
                    txn.open_table(tables::THREAD_IDS)?
                        .insert((ticket, message), id.as_str())?;
                }
            }
            txn.open_table(tables::MAIL_SEEN)?
                .insert(key.as_str(), ticket)?;
            events.push(Event::TicketChanged(ticket));
            Ok((Ingested { ticket, outcome }, events))
        })
    }

    /// Whether `email` bounced, and why, as the last delivery report said.
    pub fn address_failing(&self, email: &str) -> Result<Option<String>> {
        let txn = self.read()?;
        Ok(txn
            .open_table(tables::FAILING_ADDRESSES)?
            .get(email.trim().to_lowercase().as_str())?
            .map(|v| v.value().to_string()))
    }
}

/// What placing a message needs besides the message.
struct Context<'a> {
    secret: &'a str,
    max: usize,
    /// For a delivery report about mail the desk sent: (ticket, outgoing message).
    bounced: Option<(u64, u64)>,
    data_dir: &'a std::path::Path,
    /// The desk's own addresses (its mailboxes and its sender), never kept as a CC.
    desk_addresses: &'a [String],
    /// Where a new ticket goes (the department of the mailbox it came through).
    department: Option<u64>,
    /// The mailbox it came through: a new ticket's answers go from its address.
    mailbox: Option<u64>,
    now: DateTime<Utc>,
}

/// Where a message was put.
struct Placed {
    /// The contact who sent it.
    sender: u64,
    ticket: u64,
    message: u64,
    outcome: Outcome,
    events: Vec<Event>,
}

/// The ticket a message refers to: by the first of its ids that names one (the desk's
/// own, checked, or one that came in before), else by the number in its subject.
fn referred_ticket(
    txn: &WriteTransaction,
    p: &parse::Parsed,
    data_dir: &std::path::Path,
) -> Result<Option<TicketRecord>> {
    let ids = txn.open_table(tables::MESSAGE_IDS)?;
    let mut candidates: Vec<u64> = Vec::new();
    for id in &p.refers_to {
        if let Some((t, _)) = own_id_parts(data_dir, id) {
            candidates.push(t);
        } else if let Some(t) = ids.get(id.as_str())?.map(|v| v.value()) {
            candidates.push(t);
        }
    }
    candidates.extend(ticket_in_subject(&p.subject));
    for number in candidates {
        match tickets::get_ticket(txn, number) {
            Ok(t) => return Ok(Some(t)),
            Err(e) if e.kind() == crate::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Acknowledgements one address gets in a day, at most.
const ACKS_PER_DAY: u32 = 5;

/// Whether `email` may get another acknowledgement today; counts it if so.
fn acknowledgement_allowed(
    txn: &WriteTransaction,
    email: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let day = now.timestamp().div_euclid(86_400);
    let mut log = txn.open_table(tables::ACK_LOG)?;
    let count = match log.get(email)?.map(|v| v.value()) {
        Some((d, n)) if d == day => n,
        _ => 0,
    };
    if count >= ACKS_PER_DAY {
        return Ok(false);
    }
    log.insert(email, (day, count + 1))?;
    Ok(true)
}

/// The active agent whose address `email` is.
fn agent_by_email(txn: &WriteTransaction, email: &str) -> Result<Option<u64>> {
    if email.is_empty() {
        return Ok(None);
    }
    let Some(id) = txn
        .open_table(tables::AGENT_BY_EMAIL)?
        .get(email)?
        .map(|v| v.value())
    else {
        return Ok(None);
    };
    let agent: crate::store::records::AgentRecord = match txn.open_table(tables::AGENTS)?.get(id)? {
        Some(raw) => codec::decode(raw.value())?,
        None => return Ok(None),
    };
    Ok(agent.active.then_some(id))
}

/// Whether `email` may add to `ticket` by mail: its requester or one of its CCs.
fn may_write_to(txn: &WriteTransaction, ticket: &TicketRecord, email: &str) -> Result<bool> {
    if email.is_empty() {
        return Ok(false);
    }
    if ticket.ccs.iter().any(|c| c.eq_ignore_ascii_case(email)) {
        return Ok(true);
    }
    let requester = txn
        .open_table(tables::CONTACT_BY_EMAIL)?
        .get(email)?
        .map(|v| v.value());
    Ok(requester == Some(ticket.requester))
}

/// Whether `email` or its domain is blocked.
fn is_blocked(txn: &WriteTransaction, email: &str) -> Result<bool> {
    if email.is_empty() {
        return Ok(false);
    }
    let blocked = txn.open_table(tables::BLOCKED_SENDERS)?;
    let domain = email.rsplit_once('@').map(|(_, d)| format!("@{d}"));
    Ok(blocked.get(email)?.is_some()
        || match domain {
            Some(d) => blocked.get(d.as_str())?.is_some(),
            None => false,
        })
}

/// A blocked-sender entry as stored: an address or `@domain`, lower-cased; `None`
/// when it is neither.
pub fn blocked_pattern(input: &str) -> Option<String> {
    let p = input.trim().to_lowercase();
    if let Some(domain) = p.strip_prefix('@') {
        let ok = domain.contains('.')
            && domain.len() <= 253
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        ok.then_some(p)
    } else {
        model::validate::email_looks_valid(&p).then_some(p)
    }
}

impl Engine {
    /// The blocked senders, for admins.
    pub fn blocked_senders(&self, admin: u64) -> Result<Vec<String>> {
        let txn = self.read()?;
        crate::access::caller_read(&txn, admin)?.must_be_admin()?;
        let mut out = Vec::new();
        for entry in txn.open_table(tables::BLOCKED_SENDERS)?.iter()? {
            out.push(entry?.0.value().to_string());
        }
        Ok(out)
    }

    /// An admin blocks an address or a domain (`@example.com`): its mail goes to
    /// Spam from now on. `block` false lets it in again.
    pub fn block_sender(&self, admin: u64, input: &str, block: bool) -> Result<()> {
        let Some(pattern) = blocked_pattern(input) else {
            return Err(crate::Error::invalid(vec![model::FieldError::new(
                "sender",
                "error.block_pattern",
            )]));
        };
        self.write(|txn| {
            crate::access::caller_in(txn, admin)?.must_be_admin()?;
            let mut blocked = txn.open_table(tables::BLOCKED_SENDERS)?;
            if block {
                blocked.insert(pattern.as_str(), ())?;
            } else {
                blocked.remove(pattern.as_str())?;
            }
            Ok(((), Vec::new()))
        })
    }
}

/// How many addresses copied on a mail the ticket keeps copying.
const MAX_CCS: usize = 10;
/// The longest bounce reason kept.
const MAX_REASON_CHARS: usize = 500;

fn cut_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn place(txn: &WriteTransaction, p: &parse::Parsed, ctx: &Context<'_>) -> Result<Placed> {
    let now = ctx.now;
    let email = if model::validate::email_looks_valid(&p.from_email) {
        p.from_email.clone()
    } else {
        String::new()
    };
    let name = if p.from_name.is_empty() && email.is_empty() {
        "Unknown sender".to_string()
    } else {
        cut_chars(&p.from_name, model::limits::NAME_MAX_CHARS)
    };
    let sender = if email.is_empty() {
        contacts::find_or_create_by(txn, &name, "", None, "", now)?
    } else {
        contacts::find_or_create(txn, &name, &email, now)?
    };
    let subject = if p.subject.trim().is_empty() {
        NO_SUBJECT.to_string()
    } else {
        cut_chars(
            &model::validate::one_line(&p.subject),
            model::limits::SUBJECT_MAX_CHARS,
        )
    };
    let body = if p.text.trim().is_empty() {
        "(no text)".to_string()
    } else {
        p.text.clone()
    };

    // A report about mail the desk sent: that message failed, its address is marked,
    // and its ticket hears of it.
    if let (Some(b), Some((number, mail))) = (&p.bounce, ctx.bounced) {
        let reason = if b.reason.trim().is_empty() {
            "The message could not be delivered.".to_string()
        } else {
            cut_chars(b.reason.trim(), MAX_REASON_CHARS)
        };
        if let Some(to) = crate::mail::mark_bounced(txn, mail, &reason)? {
            if b.recipients.is_empty() || b.recipients.iter().any(|r| r.eq_ignore_ascii_case(&to)) {
                txn.open_table(tables::FAILING_ADDRESSES)?
                    .insert(to.to_lowercase().as_str(), reason.as_str())?;
            }
            if tickets::get_ticket(txn, number).is_ok()
                && tickets::ensure_room(txn, number, ctx.max).is_ok()
            {
                let note = format!("Delivery to {to} failed: {reason}");
                let message = tickets::add_message(
                    txn,
                    number,
                    Actor::System,
                    MessageKind::Note,
                    &note,
                    now,
                )?;
                enqueue(txn, &Job::IndexTicket(number))?;
                return Ok(Placed {
                    sender,
                    ticket: number,
                    message,
                    outcome: Outcome::Bounce,
                    events: Vec::new(),
                });
            }
        }
    }

    let actor = Actor::Contact(sender);
    let spam = p.spam || is_blocked(txn, &email)?;
    // Threading trusts the sender's address only when nothing says it is forged, and
    // never for spam.
    let trusted = !spam && p.authenticated != Some(false);
    let referred = referred_ticket(txn, p, ctx.data_dir)?;
    let mut follow_up_of = None;
    if let Some(mut ticket) = referred {
        if ticket.merged_into.is_some() {
            let live = tickets::merge::live_ticket(txn, ticket.number)?;
            ticket = tickets::get_ticket(txn, live)?;
        }
        let room = tickets::ensure_room(txn, ticket.number, ctx.max).is_ok();
        // An agent of the desk writing in (a reply from their own mail client) joins
        // the ticket as their note: it is kept, and nothing goes out or changes state.
        // Only when the receiving server vouches for the sender (DKIM or DMARC pass),
        // and only on a ticket the agent may work: a From line is easy to make up.
        let agent = agent_by_email(txn, &email)?
            .filter(|_| trusted && room && p.authenticated == Some(true));
        let agent = match agent {
            Some(a) if crate::access::caller_in(txn, a)?.may_work(&ticket) => Some(a),
            _ => None,
        };
        if let Some(agent) = agent {
            let number = ticket.number;
            let message = tickets::add_message(
                txn,
                number,
                Actor::Agent(agent),
                MessageKind::Note,
                &body,
                now,
            )?;
            ticket.updated_at = now;
            tickets::put_ticket(txn, &ticket)?;
            enqueue(txn, &Job::IndexTicket(number))?;
            return Ok(Placed {
                sender,
                ticket: number,
                message,
                outcome: Outcome::Added,
                events: Vec::new(),
            });
        }
        if trusted
            && room
            && ticket.status != TicketStatus::Closed
            && may_write_to(txn, &ticket, &email)?
        {
            let number = ticket.number;
            let message = tickets::add_message(txn, number, actor, MessageKind::Reply, &body, now)?;
            // An auto-reply (an out-of-office) changes nothing of the ticket's state.
            if !p.automatic && tickets::reopens_on_customer_reply(ticket.status) {
                tickets::change_status(txn, &mut ticket, TicketStatus::Open, actor, now)?;
            }
            ticket.updated_at = now;
            tickets::put_ticket(txn, &ticket)?;
            enqueue(txn, &Job::IndexTicket(number))?;
            let events = tickets::tell_assignee(txn, &ticket, actor, now)?
                .into_iter()
                .collect();
            if p.unreadable {
                warn_unreadable(txn, number, now)?;
            }
            return Ok(Placed {
                sender,
                ticket: number,
                message,
                outcome: Outcome::Added,
                events,
            });
        }
        // A closed or full ticket's follow-up, or mail from someone else linked to the
        // ticket it names but kept apart from it.
        follow_up_of = Some(ticket.number);
    }
    let opening = Opening {
        subject: &subject,
        channel: Channel::Email,
        requester: sender,
        body: &body,
        follow_up_of,
    };
    let number = tickets::open_ticket(txn, &opening, ctx.secret, now)?;
    let message = txn
        .open_table(tables::TICKET_MESSAGES)?
        .range((number, 0)..=(number, u64::MAX))?
        .next()
        .transpose()?
        .map(|(k, _)| k.value().1)
        .unwrap_or_default();
    let mut t = tickets::get_ticket(txn, number)?;
    t.spam = spam;
    // Those copied stay copied on the answers: a few, never the desk or its agents.
    let agents = txn.open_table(tables::AGENT_BY_EMAIL)?;
    for c in &p.cc {
        if t.ccs.len() >= MAX_CCS {
            break;
        }
        if !t.ccs.contains(c)
            && *c != email
            && !ctx.desk_addresses.iter().any(|d| d.eq_ignore_ascii_case(c))
            && agents.get(c.as_str())?.is_none()
        {
            t.ccs.push(c.clone());
        }
    }
    drop(agents);
    if let Some(m) = ctx.mailbox {
        txn.open_table(tables::TICKET_MAILBOX)?.insert(number, m)?;
    }
    if let Some(d) = ctx.department {
        // A department removed since the mailbox was set leaves the ticket unsorted.
        if txn.open_table(tables::DEPARTMENTS)?.get(d)?.is_some() {
            if let Some(change) = tickets::set_department_of(txn, &mut t, Some(d))? {
                crate::audit(txn, Some(number), Actor::System, change, now)?;
            }
        }
    }
    // A department that hands out its tickets gives this one to an agent, who hears.
    let mut told = Vec::new();
    for change in crate::distribution::distribute(txn, &mut t, now)? {
        if let crate::store::records::Change::AssigneeChanged { to: Some(to), .. } = change {
            told.push(crate::notify::notify(
                txn,
                to,
                number,
                model::NotificationKind::Assigned,
                Actor::System,
                now,
            )?);
        }
        crate::audit(txn, Some(number), Actor::System, change, now)?;
    }
    tickets::put_ticket(txn, &t)?;
    if p.unreadable {
        warn_unreadable(txn, number, now)?;
    }
    let outcome = match follow_up_of {
        Some(old) if tickets::get_ticket(txn, old)?.status == TicketStatus::Closed => {
            Outcome::FollowUp
        }
        _ => Outcome::Created,
    };
    let mut events = told;
    // The acknowledgement: never to a machine, to spam, to the desk itself or to one
    // of its agents, so no two auto-responders talk to each other.
    let own = ctx
        .desk_addresses
        .iter()
        .any(|d| d.eq_ignore_ascii_case(&email));
    // Nor to mail that says it is forged, nor more than a few a day to one address (a
    // forged sender must not make the desk a spammer).
    if !p.automatic
        && !spam
        && !own
        && !email.is_empty()
        && p.authenticated != Some(false)
        && agent_by_email(txn, &email)?.is_none()
        && acknowledgement_allowed(txn, &email, now)?
    {
        let mut values = crate::templates::ticket_values(txn, &t)?;
        let settings = txn.open_table(tables::SETTINGS)?;
        let address = crate::templates::public_address(&settings)?;
        values.push((
            ("ticket", "link"),
            if address.is_empty() {
                String::new()
            } else {
                format!("{address}/t/{number}/{}", ctx.secret)
            },
        ));
        drop(settings);
        // Outside business hours another text applies; both may say when the desk opens
        // and by when the first answer is due.
        let promise = crate::sla::promise(txn, &t, now)?;
        values.push((("answer_by", ""), promise.answer_by));
        values.push((("opens_at", ""), promise.opens_at));
        let settings = txn.open_table(tables::SETTINGS)?;
        let ack =
            match crate::templates::render(&settings, model::TemplateKind::Acknowledgement, |n| {
                crate::templates::lookup(&values, n)
            })? {
                Some(_) if promise.closed => crate::templates::render(
                    &settings,
                    model::TemplateKind::AcknowledgementClosed,
                    |n| crate::templates::lookup(&values, n),
                )?,
                open => open,
            };
        drop(settings);
        if let Some((subject, text)) = ack {
            events.push(crate::mail::queue(
                txn,
                &email,
                &subject,
                &text,
                model::MailKind::Acknowledgement,
                Some(number),
                now,
            )?);
        }
    }
    Ok(Placed {
        sender,
        ticket: number,
        message,
        outcome,
        events,
    })
}

/// The note under a message the parser could not read.
pub const UNREADABLE_NOTE: &str =
    "This message could not be read as email. Its original is kept: download it from the message.";

fn warn_unreadable(txn: &WriteTransaction, number: u64, now: DateTime<Utc>) -> Result<()> {
    tickets::add_message(
        txn,
        number,
        Actor::System,
        MessageKind::Note,
        UNREADABLE_NOTE,
        now,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_delivered_twice_is_known_and_another_is_not() {
        let one = b"Received: from a\r\nDelivered-To: support@desk.example\r\nMessage-ID: <m@x>\r\nSubject: Hi\r\n\r\nBody\r\n";
        let two = b"Received: from b\r\n  by c\r\nDelivered-To: sales@desk.example\r\nMessage-ID: <m@x>\r\nSubject: Hi\r\n\r\nBody\r\n";
        let other = b"Message-ID: <m@x>\r\nSubject: Hi\r\n\r\nAnother body\r\n";
        assert_eq!(seen_key(one, Some("m@x")), seen_key(two, Some("m@x")));
        assert_ne!(seen_key(one, Some("m@x")), seen_key(other, Some("m@x")));
        let unix = b"Message-ID: <m@x>\nSubject: Hi\n\nBody\n\n";
        assert_eq!(seen_key(one, Some("m@x")), seen_key(unix, Some("m@x")));
    }

    #[test]
    fn own_ids_and_subjects_name_their_ticket() {
        let dir = tempfile::tempdir().expect("dir");
        let local = own_id_local(dir.path(), Some(1042), 7).expect("id");
        assert!(local.starts_with("t1042.m7."), "{local}");
        let id = format!("{local}@desk.example");
        assert_eq!(own_id_parts(dir.path(), &id), Some((1042, 7)));
        // Made up, or with another ticket's number: not the desk's.
        assert_eq!(
            own_id_parts(dir.path(), "t1042.m7.0123456789abcdef@x"),
            None
        );
        let forged = id.replacen("t1042", "t1043", 1);
        assert_eq!(own_id_parts(dir.path(), &forged), None);
        assert_eq!(own_id_parts(dir.path(), "abc@mail.example"), None);
        assert_eq!(ticket_in_subject("Re: [#1042] Printer"), Some(1042));
        assert_eq!(ticket_in_subject("Re: [# 7] x"), Some(7));
        assert_eq!(ticket_in_subject("Re: [#abc] x"), None);
        assert_eq!(ticket_in_subject("no number"), None);
    }
}
