//! Contacts: customers, recognised by their email address.

use chrono::{DateTime, Utc};
use redb::{ReadableTable, WriteTransaction};

use crate::store::records::ContactRecord;
use crate::store::{self, codec, tables};
use crate::Result;

/// The contact with `email`, created (or given a name it lacked) as needed.
pub fn find_or_create(
    txn: &WriteTransaction,
    name: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let key = email.trim().to_lowercase();
    let mut by_email = txn.open_table(tables::CONTACT_BY_EMAIL)?;
    let mut contacts = txn.open_table(tables::CONTACTS)?;
    let existing = by_email.get(key.as_str())?.map(|v| v.value());
    if let Some(id) = existing {
        let stored = contacts
            .get(id)?
            .map(|v| codec::decode::<ContactRecord>(v.value()));
        if let Some(mut c) = stored.transpose()? {
            if c.name.is_empty() && !name.trim().is_empty() {
                c.name = name.trim().to_string();
                contacts.insert(id, codec::encode(&c)?.as_slice())?;
            }
        }
        return Ok(id);
    }
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "contact")?;
    let record = ContactRecord {
        id,
        name: name.trim().to_string(),
        emails: vec![key.clone()],
        created_at: now,
        phones: Vec::new(),
        location: String::new(),
        organization: String::new(),
        group: String::new(),
        notes: String::new(),
        merged_into: None,
    };
    contacts.insert(id, codec::encode(&record)?.as_slice())?;
    by_email.insert(key.as_str(), id)?;
    Ok(id)
}

/// The contact with `email` (when given), else with phone `phone_key` (when given),
/// else a new one with the name, address and phone given.
pub fn find_or_create_by(
    txn: &WriteTransaction,
    name: &str,
    email: &str,
    phone_key: Option<&str>,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    if !email.is_empty() {
        let known = txn
            .open_table(tables::CONTACT_BY_EMAIL)?
            .get(email)?
            .map(|v| v.value());
        if known.is_some() || phone_key.is_none() {
            return find_or_create(txn, name, email, now);
        }
    }
    if let Some(key) = phone_key {
        let known = txn
            .open_table(tables::CONTACT_BY_PHONE)?
            .get(key)?
            .map(|v| v.value());
        if let Some(id) = known {
            return Ok(id);
        }
    }
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "contact")?;
    let record = ContactRecord {
        id,
        name: name.trim().to_string(),
        emails: if email.is_empty() {
            Vec::new()
        } else {
            vec![email.to_string()]
        },
        created_at: now,
        phones: if phone_key.is_some() {
            vec![phone.trim().to_string()]
        } else {
            Vec::new()
        },
        location: String::new(),
        organization: String::new(),
        group: String::new(),
        notes: String::new(),
        merged_into: None,
    };
    txn.open_table(tables::CONTACTS)?
        .insert(id, codec::encode(&record)?.as_slice())?;
    if !email.is_empty() {
        txn.open_table(tables::CONTACT_BY_EMAIL)?
            .insert(email, id)?;
    }
    if let Some(key) = phone_key {
        txn.open_table(tables::CONTACT_BY_PHONE)?.insert(key, id)?;
    }
    Ok(id)
}

/// A contact's display name: their name, else their email, else their phone, else a
/// visitor label ("Visitor 7f3a", the same for the same contact).
pub fn display_name(c: &ContactRecord) -> String {
    if !c.name.is_empty() {
        c.name.clone()
    } else if let Some(e) = c.emails.first() {
        e.clone()
    } else if let Some(p) = c.phones.first() {
        p.clone()
    } else {
        format!(
            "Visitor {:04x}",
            (c.id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48)
        )
    }
}

/// A phone number as the index keeps it: its digits, with a leading `+` when it had one;
/// None when it has too few digits to be a number.
pub fn phone_key(phone: &str) -> Option<String> {
    let phone = phone.trim();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 || digits.len() > 20 {
        return None;
    }
    Some(if phone.starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    })
}

/// Most contacts a contacts search reads.
pub const SEARCH_SCAN: usize = 50_000;

/// `s` lower-cased with accents dropped (č → c, ά → α), for matching.
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Longest notes on a contact, in characters.
pub const MAX_NOTES_CHARS: usize = 5_000;
/// Longest name, location, organization or group, in characters.
pub const MAX_FIELD_CHARS: usize = 120;
/// Most emails, and most phones, a contact keeps.
pub const MAX_ADDRESSES: usize = 10;
/// Most tickets a contact page lists.
pub const PAGE_TICKETS: usize = 100;

impl crate::Engine {
    /// Contacts for the contacts list, newest first: all of them, or those whose name,
    /// address, phone or organization holds `query` (case and accents aside). At most
    /// `limit`; a search reads at most [`SEARCH_SCAN`] contacts, newest first, past the
    /// exact address and phone matches.
    pub fn contacts_list(
        &self,
        viewer: u64,
        query: &str,
        limit: usize,
    ) -> Result<Vec<model::ContactRow>> {
        let txn = self.read()?;
        crate::access::caller_read(&txn, viewer)?;
        let table = txn.open_table(tables::CONTACTS)?;
        let needle = fold(query.trim());
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let row = |c: &ContactRecord| model::ContactRow {
            id: c.id,
            display_name: display_name(c),
            email: c.emails.first().cloned().unwrap_or_default(),
            phone: c.phones.first().cloned().unwrap_or_default(),
            organization: c.organization.clone(),
        };
        // Exact address or phone first: found at once however many contacts there are.
        if !needle.is_empty() {
            let by_email = txn
                .open_table(tables::CONTACT_BY_EMAIL)?
                .get(needle.as_str())?
                .map(|v| v.value());
            let by_phone = match phone_key(query) {
                Some(k) => txn
                    .open_table(tables::CONTACT_BY_PHONE)?
                    .get(k.as_str())?
                    .map(|v| v.value()),
                None => None,
            };
            for id in by_email.into_iter().chain(by_phone) {
                if let Some(raw) = table.get(id)? {
                    let c: ContactRecord = codec::decode(raw.value())?;
                    if c.merged_into.is_none() && seen.insert(c.id) {
                        out.push(row(&c));
                    }
                }
            }
        }
        for entry in table.iter()?.rev().take(if needle.is_empty() {
            limit * 4
        } else {
            SEARCH_SCAN
        }) {
            if out.len() >= limit {
                break;
            }
            let c: ContactRecord = codec::decode(entry?.1.value())?;
            if c.merged_into.is_some() || seen.contains(&c.id) {
                continue;
            }
            let hit = needle.is_empty()
                || fold(&c.name).contains(&needle)
                || c.emails.iter().any(|e| e.contains(&needle))
                || c.phones.iter().any(|p| fold(p).contains(&needle))
                || fold(&c.organization).contains(&needle);
            if hit {
                seen.insert(c.id);
                out.push(row(&c));
            }
        }
        Ok(out)
    }

    /// A contact with the tickets of theirs that `viewer` may work, newest first.
    pub fn contact(&self, viewer: u64, id: u64) -> Result<model::ContactPage> {
        let txn = self.read()?;
        let caller = crate::access::caller_read(&txn, viewer)?;
        let contact: ContactRecord = match txn.open_table(tables::CONTACTS)?.get(id)? {
            Some(raw) => codec::decode(raw.value())?,
            None => return Err(crate::Error::not_found("Contact")),
        };
        let numbers = {
            let facets = self.facets.read().unwrap_or_else(|p| p.into_inner());
            let visible = facets.visible(&caller);
            facets.tickets_of(&visible, id)
        };
        let total = numbers.len() as u64;
        let mut tickets = Vec::new();
        let mut ratings = Vec::new();
        let now = self.now();
        for number in numbers.into_iter().rev().take(PAGE_TICKETS) {
            let ticket = crate::tickets::read_ticket(&txn, number)?;
            if caller.may_work(&ticket) {
                tickets.push(crate::tickets::summary_of(&txn, &ticket)?);
                ratings.extend(crate::survey::rating_of(&txn, &ticket, now)?);
            }
        }
        ratings.sort_by_key(|r| std::cmp::Reverse(r.at));
        let bounced = txn.open_table(tables::FAILING_ADDRESSES)?;
        let mut failing = Vec::new();
        for email in &contact.emails {
            if let Some(reason) = bounced.get(email.as_str())? {
                failing.push((email.clone(), reason.value().to_string()));
            }
        }
        Ok(model::ContactPage {
            contact: info(&contact),
            tickets,
            total,
            ratings,
            failing,
        })
    }

    /// Saves a contact's details. An address or phone another contact has is refused:
    /// merge the two instead.
    pub fn save_contact(&self, by: u64, c: &model::ContactInfo) -> Result<model::ContactInfo> {
        use model::validate::one_line;
        use model::FieldError;
        let (name, location, organization, group) = (
            one_line(&c.name),
            one_line(&c.location),
            one_line(&c.organization),
            one_line(&c.group),
        );
        let mut errors = Vec::new();
        for (field, value) in [
            ("name", &name),
            ("location", &location),
            ("organization", &organization),
            ("group", &group),
        ] {
            if value.chars().count() > MAX_FIELD_CHARS {
                errors.push(FieldError::new(field, "error.too_long"));
            }
        }
        if c.notes.chars().count() > MAX_NOTES_CHARS {
            errors.push(FieldError::new("notes", "error.too_long"));
        }
        let mut emails: Vec<String> = Vec::new();
        for e in &c.emails {
            let e = e.trim().to_lowercase();
            if e.is_empty() || emails.contains(&e) {
                continue;
            }
            if !model::validate::email_looks_valid(&e) {
                errors.push(FieldError::new("emails", "error.email_invalid"));
            }
            emails.push(e);
        }
        let mut phones: Vec<(String, String)> = Vec::new();
        for p in &c.phones {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            match phone_key(p) {
                Some(key) if !phones.iter().any(|(k, _)| *k == key) => {
                    phones.push((key, one_line(p)));
                }
                Some(_) => {}
                None => errors.push(FieldError::new("phones", "error.phone_invalid")),
            }
        }
        if emails.len() > MAX_ADDRESSES || phones.len() > MAX_ADDRESSES {
            errors.push(FieldError::new("emails", "error.too_many_addresses"));
        }
        if !errors.is_empty() {
            return Err(crate::Error::invalid(errors));
        }
        let id = c.id;
        let notes = c.notes.trim().to_string();
        let saved = self.write(|txn| {
            crate::access::caller_in(txn, by)?;
            let mut contacts = txn.open_table(tables::CONTACTS)?;
            let mut record: ContactRecord = match contacts.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(crate::Error::not_found("Contact")),
            };
            let mut by_email = txn.open_table(tables::CONTACT_BY_EMAIL)?;
            let mut by_phone = txn.open_table(tables::CONTACT_BY_PHONE)?;
            for e in &emails {
                if by_email.get(e.as_str())?.is_some_and(|o| o.value() != id) {
                    return Err(crate::Error::invalid(vec![FieldError::new(
                        "emails",
                        "error.contact_email_taken",
                    )]));
                }
            }
            for (key, _) in &phones {
                if by_phone.get(key.as_str())?.is_some_and(|o| o.value() != id) {
                    return Err(crate::Error::invalid(vec![FieldError::new(
                        "phones",
                        "error.phone_taken",
                    )]));
                }
            }
            for e in &record.emails {
                by_email.remove(e.as_str())?;
            }
            for p in &record.phones {
                if let Some(key) = phone_key(p) {
                    by_phone.remove(key.as_str())?;
                }
            }
            for e in &emails {
                by_email.insert(e.as_str(), id)?;
            }
            for (key, _) in &phones {
                by_phone.insert(key.as_str(), id)?;
            }
            record.name = name.clone();
            record.emails = emails.clone();
            record.phones = phones.iter().map(|(_, p)| p.clone()).collect();
            record.location = location.clone();
            record.organization = organization.clone();
            record.group = group.clone();
            record.notes = notes.clone();
            contacts.insert(id, codec::encode(&record)?.as_slice())?;
            Ok((info(&record), Vec::new()))
        })?;
        Ok(saved)
    }

    /// Merges contact `from` into `into`: their tickets, addresses and phones follow;
    /// `from` keeps only a pointer to `into`.
    pub fn merge_contacts(&self, by: u64, from: u64, into: u64) -> Result<()> {
        if from == into {
            return Err(crate::Error::invalid(vec![model::FieldError::new(
                "merge_into",
                "error.merge_self",
            )]));
        }
        let numbers = {
            let facets = self.facets.read().unwrap_or_else(|p| p.into_inner());
            facets.tickets_of(&facets.all_tickets(), from)
        };
        let now = self.now();
        self.write(|txn| {
            crate::access::caller_in(txn, by)?;
            let mut contacts = txn.open_table(tables::CONTACTS)?;
            let read = |contacts: &redb::Table<u64, &[u8]>, id: u64| -> Result<ContactRecord> {
                match contacts.get(id)? {
                    Some(raw) => codec::decode(raw.value()),
                    None => Err(crate::Error::not_found("Contact")),
                }
            };
            let mut source = read(&contacts, from)?;
            let mut target = read(&contacts, into)?;
            if source.merged_into.is_some() || target.merged_into.is_some() {
                return Err(crate::Error::invalid(vec![model::FieldError::new(
                    "merge_into",
                    "error.merged_already",
                )]));
            }
            let mut by_email = txn.open_table(tables::CONTACT_BY_EMAIL)?;
            for e in source.emails.drain(..) {
                by_email.insert(e.as_str(), into)?;
                if !target.emails.contains(&e) {
                    target.emails.push(e);
                }
            }
            let mut by_phone = txn.open_table(tables::CONTACT_BY_PHONE)?;
            for p in source.phones.drain(..) {
                if let Some(key) = phone_key(&p) {
                    by_phone.insert(key.as_str(), into)?;
                }
                if !target.phones.contains(&p) {
                    target.phones.push(p);
                }
            }
            for (mine, theirs) in [
                (&mut target.name, &source.name),
                (&mut target.location, &source.location),
                (&mut target.organization, &source.organization),
                (&mut target.group, &source.group),
            ] {
                if mine.is_empty() {
                    mine.clone_from(theirs);
                }
            }
            if !source.notes.is_empty() {
                if !target.notes.is_empty() {
                    target.notes.push_str("\n\n");
                }
                target.notes.push_str(&source.notes);
            }
            source.merged_into = Some(into);
            contacts.insert(from, codec::encode(&source)?.as_slice())?;
            contacts.insert(into, codec::encode(&target)?.as_slice())?;
            drop(contacts);
            let mut events = Vec::new();
            for number in numbers {
                let mut ticket = crate::tickets::get_ticket(txn, number)?;
                if ticket.requester != from {
                    continue;
                }
                ticket.requester = into;
                ticket.updated_at = now;
                crate::tickets::put_ticket(txn, &ticket)?;
                crate::enqueue(txn, &crate::store::records::Job::IndexTicket(number))?;
                events.push(crate::Event::TicketChanged(number));
            }
            Ok(((), events))
        })
    }
}

/// A contact as the workspace shows it.
fn info(c: &ContactRecord) -> model::ContactInfo {
    model::ContactInfo {
        id: c.id,
        name: c.name.clone(),
        display_name: display_name(c),
        emails: c.emails.clone(),
        phones: c.phones.clone(),
        location: c.location.clone(),
        organization: c.organization.clone(),
        group: c.group.clone(),
        notes: c.notes.clone(),
        created_at: c.created_at,
        merged_into: c.merged_into,
    }
}
