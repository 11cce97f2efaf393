//! The desk's mailboxes: where mail is fetched from by IMAP (the password sealed with
//! the data folder's key, never shown back), the department their new tickets go to,
//! and how fetching goes: the UIDVALIDITY and last UID taken (mail is followed by UID,
//! never by the \\Seen flag, so what another client read is still fetched), the last
//! success, the last error in words, today's count and the backlog.

use chrono::{DateTime, NaiveDate, Utc};
use model::{Mailbox, MailboxInput, SmtpSecurity};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use crate::access::{caller_in, caller_read};
use crate::store::{self, codec, tables};
use crate::{Engine, Error, Event, Result};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct MailboxRecord {
    pub id: u64,
    pub name: String,
    pub address: String,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    /// Sealed with the data folder's key; empty for none.
    pub password: Vec<u8>,
    pub folder: String,
    pub department: Option<u64>,
    pub active: bool,
    /// Its own SMTP server for replies from its address; `None`: the desk's.
    pub smtp: Option<SmtpRecord>,
}

/// A mailbox's own SMTP server.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SmtpRecord {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
    /// Sealed with the data folder's key; empty for none.
    password: Vec<u8>,
}

/// Where fetching a mailbox stands.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct FetchState {
    uid_validity: u32,
    last_uid: u32,
    last_ok: Option<DateTime<Utc>>,
    last_error: String,
    day: Option<NaiveDate>,
    today: u64,
    backlog: u64,
}

/// What the fetcher needs of a mailbox (the password open; its `Debug` leaves it out).
#[derive(Clone)]
pub struct ImapConfig {
    pub id: u64,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: String,
    pub folder: String,
}

impl std::fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConfig")
            .field("id", &self.id)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("folder", &self.folder)
            .finish_non_exhaustive()
    }
}

fn view(r: &MailboxRecord, s: &FetchState, today: NaiveDate) -> Mailbox {
    Mailbox {
        id: r.id,
        name: r.name.clone(),
        address: r.address.clone(),
        host: r.host.clone(),
        port: r.port,
        security: r.security,
        username: r.username.clone(),
        password_set: !r.password.is_empty(),
        folder: r.folder.clone(),
        department: r.department,
        active: r.active,
        smtp: r.smtp.as_ref().map(|m| model::MailboxSmtp {
            host: m.host.clone(),
            port: m.port,
            security: m.security,
            username: m.username.clone(),
            password: String::new(),
            forget_password: false,
            password_set: !m.password.is_empty(),
        }),
        last_ok: s.last_ok,
        last_error: s.last_error.clone(),
        today: if s.day == Some(today) { s.today } else { 0 },
        backlog: s.backlog,
    }
}

impl Engine {
    /// Every mailbox with its health, for admins.
    pub fn mailboxes(&self, admin: u64) -> Result<Vec<Mailbox>> {
        let txn = self.read()?;
        caller_read(&txn, admin)?.must_be_admin()?;
        let states = txn.open_table(tables::MAILBOX_STATE)?;
        let today = self.now().date_naive();
        let mut out = Vec::new();
        for entry in txn.open_table(tables::MAILBOXES)?.iter()? {
            let (id, raw) = entry?;
            let r: MailboxRecord = codec::decode(raw.value())?;
            let s: FetchState = match states.get(id.value())? {
                Some(raw) => codec::decode(raw.value())?,
                None => FetchState::default(),
            };
            out.push(view(&r, &s, today));
        }
        Ok(out)
    }

    /// An admin adds (id 0) or changes a mailbox. An empty password keeps the stored
    /// one unless `forget_password`.
    pub fn save_mailbox(&self, admin: u64, input: &MailboxInput) -> Result<Mailbox> {
        let mut errors = Vec::new();
        let address = input.address.trim().to_lowercase();
        if !model::validate::email_looks_valid(&address) {
            errors.push(model::FieldError::new("address", "error.email_invalid"));
        }
        let host = input.host.trim().to_string();
        if host.is_empty() || host.len() > 253 || host.contains(char::is_whitespace) {
            errors.push(model::FieldError::new("host", "error.mail_host"));
        }
        if input.port == 0 {
            errors.push(model::FieldError::new("port", "error.mail_port"));
        }
        if input.username.trim().is_empty() {
            errors.push(model::FieldError::new("username", "error.generic"));
        }
        if let Some(smtp) = &input.smtp {
            let host = smtp.host.trim();
            if host.is_empty() || host.len() > 253 || host.contains(char::is_whitespace) {
                errors.push(model::FieldError::new("smtp_host", "error.mail_host"));
            }
            if smtp.port == 0 {
                errors.push(model::FieldError::new("smtp_port", "error.mail_port"));
            }
        }
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let sealed = match input.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Some(crate::secret::seal(&self.data_dir, p)?),
            None => None,
        };
        let smtp_sealed = match input.smtp.as_ref().filter(|s| !s.password.is_empty()) {
            Some(s) => Some(crate::secret::seal(&self.data_dir, &s.password)?),
            None => None,
        };
        let today = self.now().date_naive();
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if let Some(d) = input.department {
                if txn.open_table(tables::DEPARTMENTS)?.get(d)?.is_none() {
                    return Err(Error::not_found("Department"));
                }
            }
            let mut boxes = txn.open_table(tables::MAILBOXES)?;
            let old: Option<MailboxRecord> = if input.id == 0 {
                None
            } else {
                match boxes.get(input.id)? {
                    Some(raw) => Some(codec::decode(raw.value())?),
                    None => return Err(Error::not_found("Mailbox")),
                }
            };
            let id = match &old {
                Some(o) => o.id,
                None => store::next_id(&mut txn.open_table(tables::COUNTERS)?, "mailbox")?,
            };
            let username = input.username.trim().to_string();
            let password = match (&sealed, &old) {
                (Some(s), _) => s.clone(),
                (None, _) if input.forget_password => Vec::new(),
                (None, Some(o))
                    if o.host == host
                        && o.port == input.port
                        && o.security == input.security
                        && o.username == username =>
                {
                    o.password.clone()
                }
                _ => Vec::new(),
            };
            // A stored password goes only to the server it was typed for: another host,
            // port, encryption or user needs it typed again.
            let smtp = input.smtp.as_ref().map(|i| {
                let (host, username) = (i.host.trim().to_string(), i.username.trim().to_string());
                let password = match (&smtp_sealed, old.as_ref().and_then(|o| o.smtp.as_ref())) {
                    (Some(s), _) => s.clone(),
                    (None, _) if i.forget_password => Vec::new(),
                    (None, Some(o))
                        if o.host == host
                            && o.port == i.port
                            && o.security == i.security
                            && o.username == username =>
                    {
                        o.password.clone()
                    }
                    _ => Vec::new(),
                };
                SmtpRecord {
                    host,
                    port: i.port,
                    security: i.security,
                    username,
                    password,
                }
            });
            let folder = input.folder.trim();
            let record = MailboxRecord {
                id,
                name: model::validate::one_line(&input.name),
                address: address.clone(),
                host: host.clone(),
                port: input.port,
                security: input.security,
                username: input.username.trim().to_string(),
                password,
                folder: if folder.is_empty() {
                    "INBOX".into()
                } else {
                    folder.to_string()
                },
                department: input.department,
                active: input.active,
                smtp,
            };
            boxes.insert(id, codec::encode(&record)?.as_slice())?;
            // Another server or folder is another sequence of UIDs.
            if old.is_some_and(|o| {
                o.host != record.host || o.folder != record.folder || o.username != record.username
            }) {
                txn.open_table(tables::MAILBOX_STATE)?.remove(id)?;
            }
            let s: FetchState = match txn.open_table(tables::MAILBOX_STATE)?.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => FetchState::default(),
            };
            Ok((view(&record, &s, today), vec![Event::MailboxesChanged]))
        })
    }

    /// An admin removes a mailbox (its tickets stay).
    pub fn delete_mailbox(&self, admin: u64, id: u64) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if txn.open_table(tables::MAILBOXES)?.remove(id)?.is_none() {
                return Err(Error::not_found("Mailbox"));
            }
            txn.open_table(tables::MAILBOX_STATE)?.remove(id)?;
            Ok(((), vec![Event::MailboxesChanged]))
        })
    }

    /// An admin asks for mailbox `id` to be fetched now; the fetcher hears of it.
    /// Answers whether it is fetched at all (a paused mailbox is not).
    pub fn fetch_now(&self, admin: u64, id: u64) -> Result<bool> {
        let txn = self.read()?;
        caller_read(&txn, admin)?.must_be_admin()?;
        let Some(raw) = txn.open_table(tables::MAILBOXES)?.get(id)? else {
            return Err(Error::not_found("Mailbox"));
        };
        if !codec::decode::<MailboxRecord>(raw.value())?.active {
            return Ok(false);
        }
        let _ = self.events.send(Event::FetchNow(id));
        Ok(true)
    }

    /// The department new tickets from mailbox `id` go to.
    pub(crate) fn mailbox_department(&self, id: u64) -> Result<Option<u64>> {
        let txn = self.read()?;
        Ok(match txn.open_table(tables::MAILBOXES)?.get(id)? {
            Some(raw) => codec::decode::<MailboxRecord>(raw.value())?.department,
            None => None,
        })
    }

    /// Where mail sent from mailbox `id` goes out: its address, and its own SMTP
    /// server (the password open) if it has one.
    pub(crate) fn sending_via(
        &self,
        txn: &redb::ReadTransaction,
        id: u64,
    ) -> Result<Option<(String, Option<crate::mail::SmtpConfig>)>> {
        let Some(raw) = txn.open_table(tables::MAILBOXES)?.get(id)? else {
            return Ok(None);
        };
        let r: MailboxRecord = codec::decode(raw.value())?;
        let smtp = match r.smtp {
            Some(s) => Some(crate::mail::SmtpConfig {
                host: s.host,
                port: s.port,
                security: s.security,
                username: s.username,
                password: if s.password.is_empty() {
                    String::new()
                } else {
                    crate::secret::open(&self.data_dir, &s.password)?
                },
                from: r.address.clone(),
            }),
            None => None,
        };
        Ok(Some((r.address, smtp)))
    }

    /// The addresses mail may be sent to at the desk: each mailbox's (with its id) and
    /// the desk's sender (without).
    pub fn intake_addresses(&self) -> Result<Vec<(String, Option<u64>)>> {
        let txn = self.read()?;
        own_addresses(
            &txn.open_table(tables::MAILBOXES)?,
            &txn.open_table(tables::SETTINGS)?,
        )
    }

    /// The active mailboxes as the fetcher needs them.
    pub fn imap_configs(&self) -> Result<Vec<ImapConfig>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for entry in txn.open_table(tables::MAILBOXES)?.iter()? {
            let r: MailboxRecord = codec::decode(entry?.1.value())?;
            if !r.active {
                continue;
            }
            let password = if r.password.is_empty() {
                String::new()
            } else {
                crate::secret::open(&self.data_dir, &r.password)?
            };
            out.push(ImapConfig {
                id: r.id,
                host: r.host,
                port: r.port,
                security: r.security,
                username: r.username,
                password,
                folder: r.folder,
            });
        }
        Ok(out)
    }

    /// Where fetching mailbox `id` stands: (UIDVALIDITY, last UID taken).
    pub fn fetch_position(&self, id: u64) -> Result<(u32, u32)> {
        let txn = self.read()?;
        let s: FetchState = match txn.open_table(tables::MAILBOX_STATE)?.get(id)? {
            Some(raw) => codec::decode(raw.value())?,
            None => FetchState::default(),
        };
        Ok((s.uid_validity, s.last_uid))
    }

    /// The fetcher took message `uid` of mailbox `id` (its ticket is committed), or
    /// found the mailbox's UIDVALIDITY changed (`uid` 0: start again from the first;
    /// what was taken before is known and not taken twice).
    pub fn fetched(&self, id: u64, uid_validity: u32, uid: u32) -> Result<()> {
        let today = self.now().date_naive();
        self.update_state(id, |s| {
            if s.uid_validity != uid_validity {
                s.uid_validity = uid_validity;
                s.last_uid = 0;
            }
            if uid > s.last_uid {
                s.last_uid = uid;
                if s.day != Some(today) {
                    s.day = Some(today);
                    s.today = 0;
                }
                s.today += 1;
                s.backlog = s.backlog.saturating_sub(1);
            }
        })
    }

    /// How a fetch of mailbox `id` went: `Ok(backlog)` (messages still to take), or
    /// the error in words.
    pub fn fetch_report(&self, id: u64, result: std::result::Result<u64, String>) -> Result<()> {
        let now = self.now();
        self.update_state(id, |s| match &result {
            Ok(backlog) => {
                s.last_ok = Some(now);
                s.last_error.clear();
                s.backlog = *backlog;
            }
            Err(e) => s.last_error = e.chars().take(500).collect(),
        })?;
        let _ = self.events.send(Event::MailboxChecked(id));
        Ok(())
    }

    fn update_state(&self, id: u64, change: impl FnOnce(&mut FetchState)) -> Result<()> {
        self.write(|txn| {
            if txn.open_table(tables::MAILBOXES)?.get(id)?.is_none() {
                return Err(Error::not_found("Mailbox"));
            }
            let mut states = txn.open_table(tables::MAILBOX_STATE)?;
            let mut s: FetchState = match states.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => FetchState::default(),
            };
            change(&mut s);
            states.insert(id, codec::encode(&s)?.as_slice())?;
            Ok(((), Vec::new()))
        })
    }
}

/// The desk's own addresses, in the caller's transaction: each mailbox's and the
/// desk's sender.
pub(crate) fn addresses_in(txn: &redb::WriteTransaction) -> Result<Vec<String>> {
    Ok(own_addresses(
        &txn.open_table(tables::MAILBOXES)?,
        &txn.open_table(tables::SETTINGS)?,
    )?
    .into_iter()
    .map(|(address, _)| address)
    .collect())
}

/// Each mailbox's address (with its id) and the desk's sender (without).
fn own_addresses(
    mailboxes: &impl ReadableTable<u64, &'static [u8]>,
    settings: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Vec<(String, Option<u64>)>> {
    let mut out = Vec::new();
    for entry in mailboxes.iter()? {
        let r: MailboxRecord = codec::decode(entry?.1.value())?;
        out.push((r.address, Some(r.id)));
    }
    if let Some(from) = crate::mail::sender_address(settings)? {
        out.push((from, None));
    }
    Ok(out)
}

/// The mailbox mail about `ticket` goes from: the one it came through, else an active
/// one of its department (the lowest id), else none (the desk's sender).
pub(crate) fn mailbox_for_ticket(
    txn: &redb::WriteTransaction,
    ticket: u64,
    department: Option<u64>,
) -> Result<Option<u64>> {
    let boxes = txn.open_table(tables::MAILBOXES)?;
    if let Some(id) = txn
        .open_table(tables::TICKET_MAILBOX)?
        .get(ticket)?
        .map(|v| v.value())
    {
        if boxes.get(id)?.is_some() {
            return Ok(Some(id));
        }
    }
    let Some(department) = department else {
        return Ok(None);
    };
    for entry in boxes.iter()? {
        let r: MailboxRecord = codec::decode(entry?.1.value())?;
        if r.active && r.department == Some(department) {
            return Ok(Some(r.id));
        }
    }
    Ok(None)
}
