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
}

/// Where a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ingested {
    pub ticket: u64,
    pub outcome: Outcome,
}

/// The subject a message without one is given.
pub const NO_SUBJECT: &str = "(no subject)";

/// The ticket number in one of the desk's own Message-IDs (`t1042.m7.…@host`).
pub fn ticket_in_own_id(id: &str) -> Option<u64> {
    let local = id.split('@').next()?;
    let rest = local.strip_prefix('t')?;
    let (number, tail) = rest.split_once('.')?;
    tail.starts_with('m').then_some(())?;
    number.parse().ok()
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
    /// Turns one raw message into a ticket or a reply, as a fetched one, a piped one
    /// and an imported one all are. Returns once it is committed.
    pub fn ingest_mail(&self, raw: &[u8]) -> Result<Ingested> {
        let parsed = parse::parse(raw);
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
        let max = self.max_messages_per_ticket;
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
            let placed = place(txn, &parsed, &secret, max, now)?;
            let Placed {
                sender,
                ticket,
                message,
                outcome,
                mut events,
            } = placed;
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
            crate::files::keep_source(txn, &blobs, &original, message)?;
            if let Some(id) = &parsed.message_id {
                txn.open_table(tables::MESSAGE_IDS)?
                    .insert(id.as_str(), ticket)?;
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

/// Where a message was put.
struct Placed {
    /// The contact who sent it.
    sender: u64,
    ticket: u64,
    message: u64,
    outcome: Outcome,
    events: Vec<Event>,
}

/// The ticket a message refers to by its ids or subject, if any.
fn referred_ticket(txn: &WriteTransaction, p: &parse::Parsed) -> Result<Option<TicketRecord>> {
    let ids = txn.open_table(tables::MESSAGE_IDS)?;
    let mut number = None;
    for id in &p.refers_to {
        number = ticket_in_own_id(id).or(ids.get(id.as_str())?.map(|v| v.value()));
        if number.is_some() {
            break;
        }
    }
    let number = number.or_else(|| ticket_in_subject(&p.subject));
    let Some(number) = number else {
        return Ok(None);
    };
    match tickets::get_ticket(txn, number) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == crate::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `email` may add to `ticket` by mail: its requester, one of its CCs, or an
/// agent of the desk.
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
    if requester == Some(ticket.requester) {
        return Ok(true);
    }
    Ok(txn
        .open_table(tables::AGENT_BY_EMAIL)?
        .get(email)?
        .is_some())
}

fn place(
    txn: &WriteTransaction,
    p: &parse::Parsed,
    secret: &str,
    max: usize,
    now: DateTime<Utc>,
) -> Result<Placed> {
    let email = if model::validate::email_looks_valid(&p.from_email) {
        p.from_email.clone()
    } else {
        String::new()
    };
    let name = if p.from_name.is_empty() && email.is_empty() {
        "Unknown sender".to_string()
    } else {
        p.from_name.clone()
    };
    let sender = if email.is_empty() {
        contacts::find_or_create_by(txn, &name, "", None, "", now)?
    } else {
        contacts::find_or_create(txn, &name, &email, now)?
    };
    let subject = if p.subject.trim().is_empty() {
        NO_SUBJECT.to_string()
    } else {
        model::validate::one_line(&p.subject)
    };
    let body = if p.text.trim().is_empty() {
        "(no text)".to_string()
    } else {
        p.text.clone()
    };

    // A bounce: the address fails, and the ticket whose mail bounced hears of it.
    if let Some(b) = &p.bounce {
        let mut failing = txn.open_table(tables::FAILING_ADDRESSES)?;
        let reason = if b.reason.is_empty() {
            "The message could not be delivered.".to_string()
        } else {
            b.reason.clone()
        };
        for r in &b.recipients {
            failing.insert(r.as_str(), reason.as_str())?;
        }
        drop(failing);
        let original = match &b.original {
            Some(id) => match ticket_in_own_id(id) {
                Some(n) => Some(n),
                None => txn
                    .open_table(tables::MESSAGE_IDS)?
                    .get(id.as_str())?
                    .map(|v| v.value()),
            },
            None => None,
        };
        if let Some(number) = original.filter(|&n| tickets::get_ticket(txn, n).is_ok()) {
            let note = format!(
                "Delivery to {} failed: {reason}",
                if b.recipients.is_empty() {
                    "the customer".to_string()
                } else {
                    b.recipients.join(", ")
                }
            );
            let message =
                tickets::add_message(txn, number, Actor::System, MessageKind::Note, &note, now)?;
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

    let actor = Actor::Contact(sender);
    let referred = referred_ticket(txn, p)?;
    let mut follow_up_of = None;
    if let Some(mut ticket) = referred {
        if ticket.merged_into.is_some() {
            let live = tickets::merge::live_ticket(txn, ticket.number)?;
            ticket = tickets::get_ticket(txn, live)?;
        }
        if ticket.status != TicketStatus::Closed && may_write_to(txn, &ticket, &email)? {
            let number = ticket.number;
            tickets::ensure_room(txn, number, max)?;
            let message = tickets::add_message(txn, number, actor, MessageKind::Reply, &body, now)?;
            if tickets::reopens_on_customer_reply(ticket.status) {
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
        // A closed ticket's follow-up, or a stranger's mail linked to the ticket it
        // names but kept apart from it.
        follow_up_of = Some(ticket.number);
    }
    let requester = sender;
    let opening = Opening {
        subject: &subject,
        channel: Channel::Email,
        requester,
        body: &body,
        follow_up_of,
    };
    let number = tickets::open_ticket(txn, &opening, secret, now)?;
    let message = txn
        .open_table(tables::TICKET_MESSAGES)?
        .range((number, 0)..=(number, u64::MAX))?
        .next()
        .transpose()?
        .map(|(k, _)| k.value().1)
        .unwrap_or_default();
    if p.spam {
        let mut t = tickets::get_ticket(txn, number)?;
        t.spam = true;
        tickets::put_ticket(txn, &t)?;
    }
    if !p.cc.is_empty() {
        // Those copied stay copied on the answers.
        let mut t = tickets::get_ticket(txn, number)?;
        for c in &p.cc {
            if !t.ccs.contains(c) && *c != email {
                t.ccs.push(c.clone());
            }
        }
        tickets::put_ticket(txn, &t)?;
    }
    if p.unreadable {
        warn_unreadable(txn, number, now)?;
    }
    let outcome = match follow_up_of {
        Some(old) if tickets::get_ticket(txn, old)?.status == TicketStatus::Closed => {
            Outcome::FollowUp
        }
        _ => Outcome::Created,
    };
    Ok(Placed {
        sender,
        ticket: number,
        message,
        outcome,
        events: Vec::new(),
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
        assert_eq!(ticket_in_own_id("t1042.m7.ab12@desk.example"), Some(1042));
        assert_eq!(ticket_in_own_id("t1042@desk.example"), None);
        assert_eq!(ticket_in_own_id("abc@mail.example"), None);
        assert_eq!(ticket_in_subject("Re: [#1042] Printer"), Some(1042));
        assert_eq!(ticket_in_subject("Re: [# 7] x"), Some(7));
        assert_eq!(ticket_in_subject("Re: [#abc] x"), None);
        assert_eq!(ticket_in_subject("no number"), None);
    }
}
