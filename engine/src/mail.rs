//! Outgoing mail: one outbox for every message the desk sends (sign-in links, survey
//! invitations, reply notices, tests), written in the transaction of whatever caused
//! it, and sent by one mailer through the desk's SMTP server. Without a server set up,
//! messages wait in the outbox (listed on the admin's outgoing-mail page) and go out
//! once one is; nothing is lost. Temporary failures are retried with growing pauses;
//! permanent ones mark the message failed, with the reason, for an admin to resend.

use chrono::{DateTime, Duration, Utc};
use model::{MailKind, MailState, OutgoingMail, SmtpSecurity, SmtpSettings};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::access::{caller_in, caller_read};
use crate::store::{self, codec, tables};
use crate::{Engine, Error, Event, Result};

/// Tries before a temporary failure counts as permanent.
pub const MAX_ATTEMPTS: u32 = 8;
/// Messages the outgoing-mail page lists.
const LISTED: usize = 200;

/// A message in the outbox, as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MailRecord {
    pub id: u64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub kind: MailKind,
    pub ticket: Option<u64>,
    pub created_at: DateTime<Utc>,
    pub state: MailState,
    pub attempts: u32,
    pub last_error: String,
    pub sent_at: Option<DateTime<Utc>>,
}

impl MailRecord {
    fn view(&self) -> OutgoingMail {
        OutgoingMail {
            id: self.id,
            to: self.to.clone(),
            subject: self.subject.clone(),
            kind: self.kind,
            ticket: self.ticket,
            created_at: self.created_at,
            state: self.state,
            attempts: self.attempts,
            last_error: self.last_error.clone(),
            sent_at: self.sent_at,
        }
    }
}

/// The SMTP settings as stored: the password sealed (see [`crate::secret`]).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct SmtpRecord {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
    password: Vec<u8>,
    from: String,
}

/// What the mailer needs to send: the settings with the password opened (never
/// printed: its `Debug` leaves the password out).
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: String,
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// One message for the mailer.
#[derive(Clone, Debug, Default)]
pub struct Sending {
    pub id: u64,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The ticket it is about: named in its Message-ID (`t<ticket>.m<id>@…`), so
    /// that an answer to it threads back whatever the answering client keeps.
    pub ticket: Option<u64>,
    /// Shown as the sender's name ("Mara at Tessera"), when given.
    pub from_name: String,
    pub cc: Vec<String>,
    /// Message-IDs this one answers, oldest first (the last is In-Reply-To).
    pub references: Vec<String>,
    /// Files to attach: name, type and where the bytes are.
    pub attachments: Vec<(String, String, std::path::PathBuf)>,
    /// The local part of its Message-ID (`t<ticket>.m<id>.<tag>`; see
    /// [`crate::mailin::own_id_local`]); the mailer adds `@` and the sender's domain.
    pub message_id_local: String,
    /// The mailbox address it goes from; empty: the desk's sender.
    pub from: String,
    /// That mailbox's own SMTP server, if it has one; else the desk's.
    pub smtp: Option<SmtpConfig>,
    /// Sent by the desk by itself (an acknowledgement, a link, a survey), not by a
    /// person: marked so (Auto-Submitted) that auto-responders do not answer it.
    pub automatic: bool,
}

/// What an outgoing message carries beyond the basics (an agent's reply).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MailHeaders {
    pub from_name: String,
    pub cc: Vec<String>,
    pub references: Vec<String>,
    /// The ticket message whose files go along.
    pub message: Option<u64>,
}

/// A delivery report says outgoing message `id` bounced: it is Failed with `reason`
/// (an admin may send it again). Answers its address, or `None` if there is no such
/// message.
pub(crate) fn mark_bounced(
    txn: &WriteTransaction,
    id: u64,
    reason: &str,
) -> Result<Option<String>> {
    let mut mails = txn.open_table(tables::MAILS)?;
    let record = mails
        .get(id)?
        .map(|raw| codec::decode::<MailRecord>(raw.value()))
        .transpose()?;
    let Some(mut m) = record else {
        return Ok(None);
    };
    m.state = MailState::Failed;
    m.last_error = format!("bounced: {reason}");
    mails.insert(id, codec::encode(&m)?.as_slice())?;
    Ok(Some(m.to))
}

/// Puts outgoing message `id` back in the queue, due now, its tries counted afresh;
/// nothing for a message already sent.
fn requeue(txn: &WriteTransaction, id: u64, now: DateTime<Utc>) -> Result<Option<Event>> {
    let mut mails = txn.open_table(tables::MAILS)?;
    let mut m: MailRecord = match mails.get(id)? {
        Some(raw) => codec::decode(raw.value())?,
        None => return Err(Error::not_found("Message")),
    };
    if m.state == MailState::Sent {
        return Ok(None);
    }
    m.state = MailState::Waiting;
    m.attempts = 0;
    mails.insert(id, codec::encode(&m)?.as_slice())?;
    txn.open_table(tables::MAIL_DUE)?
        .insert((now.timestamp(), id), ())?;
    Ok(Some(Event::MailQueued))
}

/// How many of a ticket's incoming Message-IDs an answer refers to.
const REFERENCES_MAX: usize = 20;

/// Mails an agent's public reply to the ticket's requester, the ticket's CCs copied,
/// as an answer to the last email that came into the ticket; nothing when the
/// requester has no address. In the caller's transaction.
pub(crate) fn queue_reply(
    txn: &WriteTransaction,
    ticket: &crate::store::records::TicketRecord,
    agent: u64,
    message: u64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Option<Event>> {
    let to = txn
        .open_table(tables::CONTACTS)?
        .get(ticket.requester)?
        .map(|raw| codec::decode::<crate::store::records::ContactRecord>(raw.value()))
        .transpose()?
        .and_then(|c| c.emails.first().cloned());
    let Some(to) = to else {
        return Ok(None);
    };
    let agent_name = txn
        .open_table(tables::AGENTS)?
        .get(agent)?
        .map(|raw| codec::decode::<crate::store::records::AgentRecord>(raw.value()))
        .transpose()?
        .map(|a| a.name)
        .unwrap_or_default();
    let desk = crate::templates::desk_name(&txn.open_table(tables::SETTINGS)?)?;
    let mut references: Vec<String> = Vec::new();
    for entry in txn
        .open_table(tables::THREAD_IDS)?
        .range((ticket.number, 0)..=(ticket.number, u64::MAX))?
        .rev()
        .take(REFERENCES_MAX)
    {
        references.push(entry?.1.value().to_string());
    }
    references.reverse();
    let mut values = crate::templates::ticket_values(txn, ticket)?;
    values.extend([
        (("reply", ""), text.to_string()),
        (("agent", "name"), agent_name.clone()),
    ]);
    let (subject, body) = crate::templates::render(
        &txn.open_table(tables::SETTINGS)?,
        model::TemplateKind::Reply,
        |n| crate::templates::lookup(&values, n),
    )?
    .unwrap_or_else(|| {
        (
            format!("Re: [#{}] {}", ticket.number, ticket.subject),
            text.to_string(),
        )
    });
    let (id, event) = queue_id(
        txn,
        &to,
        &subject,
        &body,
        MailKind::Reply,
        Some(ticket.number),
        now,
    )?;
    let headers = MailHeaders {
        from_name: if agent_name.is_empty() {
            desk
        } else {
            format!("{agent_name} ({desk})")
        },
        cc: ticket.ccs.clone(),
        references,
        message: Some(message),
    };
    txn.open_table(tables::MAIL_HEADERS)?
        .insert(id, codec::encode(&headers)?.as_slice())?;
    txn.open_table(tables::MESSAGE_MAILS)?.insert(message, id)?;
    Ok(Some(event))
}

/// Puts a message in the outbox, in the caller's transaction: it goes out after the
/// commit (or never, if the transaction fails). The event wakes the mailer.
pub(crate) fn queue(
    txn: &WriteTransaction,
    to: &str,
    subject: &str,
    text: &str,
    kind: MailKind,
    ticket: Option<u64>,
    now: DateTime<Utc>,
) -> Result<Event> {
    Ok(queue_id(txn, to, subject, text, kind, ticket, now)?.1)
}

/// [`queue`], answering the new message's id too.
fn queue_id(
    txn: &WriteTransaction,
    to: &str,
    subject: &str,
    text: &str,
    kind: MailKind,
    ticket: Option<u64>,
    now: DateTime<Utc>,
) -> Result<(u64, Event)> {
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "mail")?;
    let record = MailRecord {
        id,
        to: to.trim().to_string(),
        subject: model::validate::one_line(subject),
        text: text.to_string(),
        kind,
        ticket,
        created_at: now,
        state: MailState::Waiting,
        attempts: 0,
        last_error: String::new(),
        sent_at: None,
    };
    txn.open_table(tables::MAILS)?
        .insert(id, codec::encode(&record)?.as_slice())?;
    txn.open_table(tables::MAIL_DUE)?
        .insert((now.timestamp(), id), ())?;
    // Mail about a ticket goes from the mailbox the ticket came through, or its
    // department's.
    if let Some(number) = ticket {
        let department = match txn.open_table(tables::TICKETS)?.get(number)? {
            Some(raw) => {
                codec::decode::<crate::store::records::TicketRecord>(raw.value())?.department
            }
            None => None,
        };
        if let Some(mailbox) = crate::mailbox::mailbox_for_ticket(txn, number, department)? {
            txn.open_table(tables::MAIL_VIA)?.insert(id, mailbox)?;
        }
    }
    Ok((id, Event::MailQueued))
}

/// The pause before try number `attempts + 1`: a minute, then growing to six hours.
fn backoff(attempts: u32) -> Duration {
    const MINUTES: [i64; 8] = [1, 5, 15, 30, 60, 120, 240, 360];
    Duration::minutes(MINUTES[(attempts as usize).min(MINUTES.len() - 1)])
}

impl Engine {
    /// The SMTP settings for the admin's form (the password never comes back; only
    /// whether one is set).
    pub fn smtp_settings(&self, admin: u64) -> Result<SmtpSettings> {
        let txn = self.read()?;
        caller_read(&txn, admin)?.must_be_admin()?;
        let r = read_smtp(&txn.open_table(tables::SETTINGS)?)?.unwrap_or_default();
        Ok(SmtpSettings {
            host: r.host,
            port: r.port,
            security: r.security,
            username: r.username,
            password: None,
            password_set: !r.password.is_empty(),
            from: r.from,
        })
    }

    /// Saves the SMTP settings: admins only. A `None` password keeps the stored one;
    /// `Some("")` removes it. An empty host turns sending off (messages wait).
    pub fn set_smtp_settings(&self, admin: u64, s: &SmtpSettings) -> Result<()> {
        let host = s.host.trim().to_string();
        let from = s.from.trim().to_string();
        let mut errors = Vec::new();
        if host.contains(char::is_whitespace) || host.len() > 253 {
            errors.push(model::FieldError::new("host", "error.smtp_host"));
        }
        if !host.is_empty() && s.port == 0 {
            errors.push(model::FieldError::new("port", "error.smtp_port"));
        }
        if !host.is_empty() && !model::validate::email_looks_valid(&from) {
            errors.push(model::FieldError::new("from", "error.email_invalid"));
        }
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let sealed = match &s.password {
            Some(p) if p.is_empty() => Some(Vec::new()),
            Some(p) => Some(crate::secret::seal(&self.data_dir, p)?),
            None => None,
        };
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut settings = txn.open_table(tables::SETTINGS)?;
            let old = read_smtp(&settings)?.unwrap_or_default();
            let record = SmtpRecord {
                host: host.clone(),
                port: s.port,
                security: s.security,
                username: s.username.trim().to_string(),
                password: sealed.clone().unwrap_or(old.password),
                from: from.clone(),
            };
            settings.insert("smtp", codec::encode(&record)?.as_slice())?;
            // Whatever waited for a server may go now.
            Ok(((), vec![Event::MailQueued]))
        })
    }

    /// The settings the mailer sends with; `None` while no server is set up.
    pub fn smtp_config(&self) -> Result<Option<SmtpConfig>> {
        let txn = self.read()?;
        let Some(r) = read_smtp(&txn.open_table(tables::SETTINGS)?)? else {
            return Ok(None);
        };
        if r.host.is_empty() {
            return Ok(None);
        }
        let password = if r.password.is_empty() {
            String::new()
        } else {
            crate::secret::open(&self.data_dir, &r.password)?
        };
        Ok(Some(SmtpConfig {
            host: r.host,
            port: r.port,
            security: r.security,
            username: r.username,
            password,
            from: r.from,
        }))
    }

    /// Messages due to go now, oldest first (at most `limit`).
    pub fn due_mail(&self, limit: usize) -> Result<Vec<Sending>> {
        let now = self.now().timestamp();
        let txn = self.read()?;
        let due = txn.open_table(tables::MAIL_DUE)?;
        let mails = txn.open_table(tables::MAILS)?;
        let extra = txn.open_table(tables::MAIL_HEADERS)?;
        let via = txn.open_table(tables::MAIL_VIA)?;
        let blobs = crate::files::blobs_dir(&self.data_dir);
        let mut out = Vec::new();
        for entry in due.range(..=(now, u64::MAX))?.take(limit) {
            let id = entry?.0.value().1;
            if let Some(raw) = mails.get(id)? {
                let m: MailRecord = codec::decode(raw.value())?;
                let h: MailHeaders = match extra.get(id)? {
                    Some(raw) => codec::decode(raw.value())?,
                    None => MailHeaders::default(),
                };
                let attachments = match h.message {
                    Some(message) => crate::files::paths_of_message(&txn, &blobs, message)?,
                    None => Vec::new(),
                };
                let message_id_local = crate::mailin::own_id_local(&self.data_dir, m.ticket, id)?;
                let (from, smtp) = match via.get(id)?.map(|v| v.value()) {
                    Some(mailbox) => self.sending_via(&txn, mailbox)?.unwrap_or_default(),
                    None => (String::new(), None),
                };
                out.push(Sending {
                    automatic: !matches!(m.kind, MailKind::Reply | MailKind::Test),
                    from,
                    smtp,
                    id,
                    message_id_local,
                    to: m.to,
                    subject: m.subject,
                    text: m.text,
                    ticket: m.ticket,
                    from_name: h.from_name,
                    cc: h.cc,
                    references: h.references,
                    attachments,
                });
            }
        }
        Ok(out)
    }

    /// When the next message is due, if any waits.
    pub fn next_mail_due(&self) -> Result<Option<DateTime<Utc>>> {
        let txn = self.read()?;
        let due = txn.open_table(tables::MAIL_DUE)?;
        let first = due.first()?.map(|(k, _)| k.value().0);
        Ok(first.and_then(|secs| DateTime::from_timestamp(secs, 0)))
    }

    /// The mailer reports how sending message `id` went: `Ok` sent; `Err((reason,
    /// permanent))` failed, to be retried later unless permanent or tried too often.
    pub fn mail_result(
        &self,
        id: u64,
        result: std::result::Result<(), (String, bool)>,
    ) -> Result<()> {
        let now = self.now();
        self.write(|txn| {
            let mut mails = txn.open_table(tables::MAILS)?;
            let Some(mut m) = mails
                .get(id)?
                .map(|raw| codec::decode::<MailRecord>(raw.value()))
                .transpose()?
            else {
                return Ok(((), Vec::new()));
            };
            let mut due = txn.open_table(tables::MAIL_DUE)?;
            let stale: Vec<(i64, u64)> = due
                .iter()?
                .filter_map(|e| e.ok().map(|(k, _)| k.value()))
                .filter(|k| k.1 == id)
                .collect();
            for k in stale {
                due.remove(k)?;
            }
            m.attempts += 1;
            match result {
                Ok(()) => {
                    m.state = MailState::Sent;
                    m.sent_at = Some(now);
                    m.last_error.clear();
                }
                Err((reason, permanent)) => {
                    m.last_error = reason.chars().take(500).collect();
                    if permanent || m.attempts >= MAX_ATTEMPTS {
                        m.state = MailState::Failed;
                    } else {
                        m.state = MailState::Retrying;
                        due.insert(((now + backoff(m.attempts - 1)).timestamp(), id), ())?;
                    }
                }
            }
            mails.insert(id, codec::encode(&m)?.as_slice())?;
            Ok(((), Vec::new()))
        })
    }

    /// The outbox, newest first, for admins.
    pub fn outgoing_mail(&self, admin: u64) -> Result<Vec<OutgoingMail>> {
        let txn = self.read()?;
        caller_read(&txn, admin)?.must_be_admin()?;
        let mails = txn.open_table(tables::MAILS)?;
        let mut out = Vec::new();
        for entry in mails.iter()?.rev().take(LISTED) {
            out.push(codec::decode::<MailRecord>(entry?.1.value())?.view());
        }
        Ok(out)
    }

    /// An admin sends a failed message again, or sends a waiting one now.
    pub fn resend_mail(&self, admin: u64, id: u64) -> Result<()> {
        let now = self.now();
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let queued = requeue(txn, id, now)?;
            Ok(((), queued.into_iter().collect()))
        })
    }

    /// An agent sends the mail of their ticket's message `message` again (it failed,
    /// or waits): any agent who may work the ticket.
    pub fn resend_reply(&self, agent: u64, message: u64) -> Result<()> {
        let now = self.now();
        self.write(|txn| {
            let caller = caller_in(txn, agent)?;
            let ticket = txn
                .open_table(tables::MESSAGES)?
                .get(message)?
                .map(|raw| codec::decode::<crate::store::records::MessageRecord>(raw.value()))
                .transpose()?
                .ok_or_else(|| Error::not_found("Message"))?
                .ticket;
            caller.check(&crate::tickets::get_ticket(txn, ticket)?)?;
            let id = txn
                .open_table(tables::MESSAGE_MAILS)?
                .get(message)?
                .map(|v| v.value())
                .ok_or_else(|| Error::not_found("Message"))?;
            let queued = requeue(txn, id, now)?;
            let mut events: Vec<Event> = queued.into_iter().collect();
            if !events.is_empty() {
                events.push(Event::TicketChanged(ticket));
            }
            Ok(((), events))
        })
    }

    /// An admin sends a test message to `to` (to check the SMTP settings).
    pub fn send_test_mail(&self, admin: u64, to: &str) -> Result<()> {
        if !model::validate::email_looks_valid(to.trim()) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "to",
                "error.email_invalid",
            )]));
        }
        let now = self.now();
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let event = queue(
                txn,
                to,
                "Tessera: test message",
                "This message shows that the help desk can send mail.",
                MailKind::Test,
                None,
                now,
            )?;
            Ok(((), vec![event]))
        })
    }
}

/// The desk's sender address, lower-cased, when an SMTP server is set up (read without
/// opening its password).
pub(crate) fn sender_address(
    settings: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<String>> {
    Ok(read_smtp(settings)?
        .filter(|r| !r.host.is_empty())
        .map(|r| r.from.to_lowercase()))
}

fn read_smtp(
    settings: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<SmtpRecord>> {
    settings
        .get("smtp")?
        .map(|raw| codec::decode(raw.value()))
        .transpose()
}
