//! The customer portal's accounts: a customer signs in with a one-time link mailed to
//! an address the desk knows, then sees all their tickets. Anyone may ask for a
//! ticket's link with its number and the requester's address: the link goes to that
//! address, never to the page, so guessing numbers reveals nothing.
//!
//! A signed-in customer's ticket key is `session:<session token>`; every customer path
//! (page, reply, files) accepts it in place of a private link's secret.

use chrono::{DateTime, Duration, Utc};
use model::MailKind;
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use crate::store::records::TicketRecord;
use crate::store::{codec, tables};
use crate::{token, Engine, Error, Result};

/// How long a sign-in link works.
pub const LINK_MINUTES: i64 = 30;
/// How long a customer stays signed in.
pub const SESSION_DAYS: i64 = 30;
/// The prefix of a ticket key that is a customer's session.
pub const SESSION_KEY: &str = "session:";

/// A one-time sign-in link, as stored (by the hash of its token).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct LinkRecord {
    contact: u64,
    /// The ticket to open after signing in, for a status lookup.
    ticket: Option<u64>,
    expires_at: DateTime<Utc>,
}

/// A signed-in customer's browser.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct CustomerSessionRecord {
    contact: u64,
    expires_at: DateTime<Utc>,
}

/// Where a sign-in lands: the customer's session token, and the ticket to open.
#[derive(Clone, Debug)]
pub struct CustomerSignedIn {
    pub session: String,
    pub ticket: Option<u64>,
}

impl Engine {
    /// Mails a one-time sign-in link to `email` if a contact has that address; does
    /// nothing otherwise, and answers the same either way. `base` is the desk's address
    /// (`https://help.example.com`) the link starts with.
    pub fn request_sign_in_link(&self, email: &str, base: &str) -> Result<()> {
        self.mail_link(email, None, base)
    }

    /// Mails the link to ticket `number` to `email` if it is the ticket's requester's
    /// address; does nothing otherwise, answering the same.
    pub fn request_ticket_link(&self, number: u64, email: &str, base: &str) -> Result<()> {
        self.mail_link(email, Some(number), base)
    }

    fn mail_link(&self, email: &str, ticket: Option<u64>, base: &str) -> Result<()> {
        let email = email.trim().to_lowercase();
        if !model::validate::email_looks_valid(&email) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "email",
                "error.email_invalid",
            )]));
        }
        let now = self.now();
        let secret = token::new_token();
        self.write(|txn| {
            let Some(contact) = txn
                .open_table(tables::CONTACT_BY_EMAIL)?
                .get(email.as_str())?
                .map(|v| v.value())
            else {
                return Ok(((), Vec::new()));
            };
            // A ticket's link goes only to its requester.
            if let Some(n) = ticket {
                match crate::tickets::get_ticket(txn, n) {
                    Ok(t) if t.requester == contact => {}
                    _ => return Ok(((), Vec::new())),
                }
            }
            let record = LinkRecord {
                contact,
                ticket,
                expires_at: now + Duration::minutes(LINK_MINUTES),
            };
            txn.open_table(tables::CUSTOMER_LINKS)?.insert(
                token::hash_token(&secret).as_slice(),
                codec::encode(&record)?.as_slice(),
            )?;
            let link = format!("{}/portal/sign-in/{secret}", base.trim_end_matches('/'));
            let settings = txn.open_table(tables::SETTINGS)?;
            let values = vec![
                (("link", ""), link.clone()),
                (("minutes", ""), LINK_MINUTES.to_string()),
                (("customer", "email"), email.clone()),
                (("desk", "name"), crate::templates::desk_name(&settings)?),
            ];
            let Some((subject, text)) =
                crate::templates::render(&settings, model::TemplateKind::SignIn, |n| {
                    crate::templates::lookup(&values, n)
                })?
            else {
                return Ok(((), Vec::new()));
            };
            drop(settings);
            let subject = match ticket {
                Some(n) => format!("[#{n}] {subject}"),
                None => subject,
            };
            let kind = if ticket.is_some() {
                MailKind::TicketLink
            } else {
                MailKind::SignInLink
            };
            let event = crate::mail::queue(txn, &email, &subject, &text, kind, ticket, now)?;
            Ok(((), vec![event]))
        })
    }

    /// Signs a customer in with a sign-in link's token: once, before it expires.
    pub fn customer_sign_in(&self, link: &str) -> Result<CustomerSignedIn> {
        let now = self.now();
        let session = token::new_token();
        self.write(|txn| {
            let mut links = txn.open_table(tables::CUSTOMER_LINKS)?;
            let hash = token::hash_token(link);
            // Used once: taken out whatever happens next.
            let record = links
                .remove(hash.as_slice())?
                .map(|raw| codec::decode::<LinkRecord>(raw.value()))
                .transpose()?;
            let Some(record) = record.filter(|r| r.expires_at > now) else {
                return Err(Error::not_found("Sign-in link"));
            };
            drop(links);
            open_session(txn, &session, record.contact, now)?;
            Ok((
                CustomerSignedIn {
                    session: session.clone(),
                    ticket: record.ticket,
                },
                Vec::new(),
            ))
        })
    }

    /// Signs a customer in with their address and the password they chose. Attempts are
    /// throttled like agents' (per account and address, and per client), a wrong
    /// address answers like a wrong password, and checking takes as long either way.
    pub fn customer_sign_in_password(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<CustomerSignedIn> {
        let email = email.trim().to_lowercase();
        let wrong = || Error::unauthorized("That email and password do not match.");
        if email.len() > model::limits::EMAIL_MAX_BYTES
            || password.len() > model::limits::PASSWORD_MAX_BYTES
        {
            return Err(wrong());
        }
        self.throttle.sign_in_from(client)?;
        let slot = self.password_slots.take()?;
        let attempt = self
            .throttle
            .sign_in(&format!("customer:{email}"), client)?;
        let found = {
            let txn = self.read()?;
            let contact = txn
                .open_table(tables::CONTACT_BY_EMAIL)?
                .get(email.as_str())?
                .map(|v| v.value());
            match contact {
                Some(c) => txn
                    .open_table(tables::CUSTOMER_PASSWORDS)?
                    .get(c)?
                    .map(|h| (c, h.value().to_string())),
                None => None,
            }
        };
        let ok = crate::auth::password::verify(
            password,
            found
                .as_ref()
                .map_or(crate::auth::DUMMY_HASH, |f| f.1.as_str()),
        );
        drop(slot);
        let Some((contact, hash)) = found.filter(|_| ok) else {
            return Err(wrong());
        };
        attempt.succeeded();
        let now = self.now();
        let session = token::new_token();
        self.write(|txn| {
            // The password may have changed or gone while it was being checked.
            let current = txn
                .open_table(tables::CUSTOMER_PASSWORDS)?
                .get(contact)?
                .map(|h| h.value() == hash);
            if current != Some(true) {
                return Err(wrong());
            }
            open_session(txn, &session, contact, now)?;
            Ok(((), Vec::new()))
        })?;
        Ok(CustomerSignedIn {
            session,
            ticket: None,
        })
    }

    /// Whether the signed-in customer has chosen a password.
    pub fn customer_has_password(&self, session: &str) -> Result<bool> {
        let contact = self.customer_session_contact(session)?;
        let txn = self.read()?;
        Ok(txn
            .open_table(tables::CUSTOMER_PASSWORDS)?
            .get(contact)?
            .is_some())
    }

    /// Sets the signed-in customer's password, or with `None` removes it (then only
    /// links sign them in). Once one is set, changing or removing it takes the current
    /// one (`current`), so that a borrowed session cannot take the account over. Their
    /// other sessions end; this one stays.
    pub fn set_customer_password(
        &self,
        session: &str,
        current: &str,
        password: Option<&str>,
    ) -> Result<()> {
        let contact = self.customer_session_contact(session)?;
        let stored = self
            .read()?
            .open_table(tables::CUSTOMER_PASSWORDS)?
            .get(contact)?
            .map(|h| h.value().to_string());
        if let Some(stored) = &stored {
            let _slot = self.password_slots.take()?;
            if current.len() > model::limits::PASSWORD_MAX_BYTES
                || !crate::auth::password::verify(current, stored)
            {
                return Err(Error::invalid(vec![model::FieldError::new(
                    "current",
                    "error.password_wrong",
                )]));
            }
        }
        let hash = match password {
            Some(p) => {
                if let Some(error) = model::validate_password(p) {
                    return Err(Error::invalid(vec![error]));
                }
                let _slot = self.password_slots.take()?;
                Some(crate::auth::password::hash(p)?)
            }
            None => None,
        };
        let keep = token::hash_token(session);
        let now = self.now();
        self.write(|txn| {
            let mut passwords = txn.open_table(tables::CUSTOMER_PASSWORDS)?;
            match &hash {
                Some(h) => passwords.insert(contact, h.as_str())?,
                None => passwords.remove(contact)?,
            };
            let mut sessions = txn.open_table(tables::CUSTOMER_SESSIONS)?;
            sessions.retain(|key, raw| {
                key == keep.as_slice()
                    || codec::decode::<CustomerSessionRecord>(raw)
                        .map_or(true, |r| r.contact != contact || r.expires_at <= now)
            })?;
            Ok(((), Vec::new()))
        })
    }

    /// Ends a customer's session.
    pub fn customer_sign_out(&self, session: &str) -> Result<()> {
        self.write(|txn| {
            txn.open_table(tables::CUSTOMER_SESSIONS)?
                .remove(token::hash_token(session).as_slice())?;
            Ok(((), Vec::new()))
        })
    }

    /// The contact a customer session signs in, while it holds.
    pub fn customer_session_contact(&self, session: &str) -> Result<u64> {
        let txn = self.read()?;
        session_contact(
            &txn.open_table(tables::CUSTOMER_SESSIONS)?,
            session,
            self.now(),
        )
    }

    /// A signed-in customer's tickets, newest first (merged ones left out).
    pub fn customer_tickets(&self, session: &str) -> Result<Vec<model::TicketSummary>> {
        let contact = self.customer_session_contact(session)?;
        let numbers = {
            let facets = self.facets.read().unwrap_or_else(|p| p.into_inner());
            let all = facets.all_tickets();
            facets.tickets_of(&all, contact)
        };
        let txn = self.read()?;
        let mut out = Vec::new();
        for number in numbers.into_iter().rev().take(200) {
            let t = crate::tickets::read_ticket(&txn, number)?;
            if t.merged_into.is_none() {
                out.push(crate::tickets::summary_of(&txn, &t)?);
            }
        }
        Ok(out)
    }
}

/// Stores customer session `session` of `contact`, good for [`SESSION_DAYS`].
fn open_session(
    txn: &redb::WriteTransaction,
    session: &str,
    contact: u64,
    now: DateTime<Utc>,
) -> Result<()> {
    let stored = CustomerSessionRecord {
        contact,
        expires_at: now + Duration::days(SESSION_DAYS),
    };
    txn.open_table(tables::CUSTOMER_SESSIONS)?.insert(
        token::hash_token(session).as_slice(),
        codec::encode(&stored)?.as_slice(),
    )?;
    Ok(())
}

/// The contact behind customer session `session` (in `sessions`, the
/// `CUSTOMER_SESSIONS` table), if it holds at `now`.
fn session_contact(
    sessions: &impl ReadableTable<&'static [u8], &'static [u8]>,
    session: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let record = sessions
        .get(token::hash_token(session).as_slice())?
        .map(|raw| codec::decode::<CustomerSessionRecord>(raw.value()))
        .transpose()?;
    match record {
        Some(r) if r.expires_at > now => Ok(r.contact),
        _ => Err(Error::unauthorized("Please sign in again")),
    }
}

/// Whether `key` opens `ticket` for its customer: the private link's secret, or the
/// session of the customer who asked it.
pub(crate) fn key_opens(
    sessions: &impl ReadableTable<&'static [u8], &'static [u8]>,
    key: &str,
    ticket: &TicketRecord,
    now: DateTime<Utc>,
) -> bool {
    match key.strip_prefix(SESSION_KEY) {
        Some(session) => {
            session_contact(sessions, session, now).is_ok_and(|c| c == ticket.requester)
        }
        None => token::token_matches(key, &ticket.access_hash),
    }
}
