//! Canned responses: reply texts an agent inserts instead of typing them again, with
//! placeholders filled from the ticket. An agent keeps their own; an administrator
//! shares some with everyone or with chosen departments.

use model::{Canned, FieldError};
use redb::ReadableTable;

use crate::access::{caller_in, caller_read, Caller};
use crate::store::records::CannedRecord;
use crate::store::{self, codec, tables};
use crate::{Engine, Error, Result};

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest text, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;
/// Most canned responses an agent keeps (and most shared ones).
pub const MAX_CANNED: usize = 500;

impl Engine {
    /// The canned responses `viewer` may use: shared ones meant for them (for everyone,
    /// or for a department of theirs; an administrator sees all) and their own, by title.
    pub fn canned(&self, viewer: u64) -> Result<Vec<Canned>> {
        let txn = self.read()?;
        let caller = caller_read(&txn, viewer)?;
        let mut out = Vec::new();
        for entry in txn.open_table(tables::CANNED)?.iter()? {
            let c: CannedRecord = codec::decode(entry?.1.value())?;
            if may_use(&caller, &c) {
                out.push(Canned {
                    id: c.id,
                    title: c.title,
                    body: c.body,
                    shared: c.owner.is_none(),
                    departments: c.departments,
                });
            }
        }
        out.sort_by_key(|c| c.title.to_lowercase());
        Ok(out)
    }

    /// Saves a canned response (a new one when `c.id` is 0). Sharing, and changing a
    /// shared one, is for administrators; an agent changes their own.
    pub fn save_canned(&self, by: u64, c: &Canned) -> Result<Canned> {
        let title = model::validate::one_line(&c.title);
        let body = c.body.trim().to_string();
        let mut errors = Vec::new();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            errors.push(FieldError::new("title", "error.canned_title"));
        }
        if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
            errors.push(FieldError::new("body", "error.canned_body"));
        }
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let shared = c.shared;
        let mut departments = if shared {
            c.departments.clone()
        } else {
            Vec::new()
        };
        departments.sort_unstable();
        departments.dedup();
        let id = self.write(|txn| {
            let caller = caller_in(txn, by)?;
            if shared {
                caller.must_be_admin()?;
                let known = txn.open_table(tables::DEPARTMENTS)?;
                for d in &departments {
                    if known.get(*d)?.is_none() {
                        return Err(Error::not_found("Department"));
                    }
                }
            }
            let mut table = txn.open_table(tables::CANNED)?;
            let owner = (!shared).then_some(by);
            let id = if c.id == 0 {
                if store::count_where(&table, |r: &CannedRecord| r.owner == owner)? >= MAX_CANNED {
                    return Err(Error::invalid(vec![FieldError::new(
                        "title",
                        "error.too_many_canned",
                    )]));
                }
                store::next_id(&mut txn.open_table(tables::COUNTERS)?, "canned")?
            } else {
                let old: CannedRecord = match table.get(c.id)? {
                    Some(raw) => codec::decode(raw.value())?,
                    None => return Err(Error::not_found("Canned response")),
                };
                caller.may_change_owned(old.owner, "Canned response")?;
                c.id
            };
            let record = CannedRecord {
                id,
                title: title.clone(),
                body: body.clone(),
                owner,
                departments: departments.clone(),
            };
            table.insert(id, codec::encode(&record)?.as_slice())?;
            Ok((id, Vec::new()))
        })?;
        Ok(Canned {
            id,
            title,
            body,
            shared,
            departments,
        })
    }

    /// Deletes a canned response: an agent their own, an administrator a shared one.
    pub fn delete_canned(&self, by: u64, id: u64) -> Result<()> {
        self.write(|txn| {
            let caller = caller_in(txn, by)?;
            let mut table = txn.open_table(tables::CANNED)?;
            let old: CannedRecord = match table.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("Canned response")),
            };
            caller.may_change_owned(old.owner, "Canned response")?;
            table.remove(id)?;
            Ok(((), Vec::new()))
        })
    }
}

/// Whether `caller` may insert `c`.
fn may_use(caller: &Caller, c: &CannedRecord) -> bool {
    match c.owner {
        Some(owner) => owner == caller.id,
        None => {
            caller.admin
                || c.departments.is_empty()
                || c.departments.iter().any(|d| caller.departments.contains(d))
        }
    }
}
