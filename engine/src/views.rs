//! Saved inbox views: a name and a filter, an agent's own or shared with the team by an
//! administrator, listed in the sidebar with how many tickets each holds now.

use model::{FieldError, InboxFilter, SavedView};
use redb::ReadableTable;

use crate::access::{caller_in, caller_read};
use crate::store::records::ViewRecord;
use crate::store::{self, codec, tables};
use crate::{Engine, Error, Result};

/// Longest view name, in characters.
pub const MAX_NAME_CHARS: usize = 60;
/// Most views an agent may keep (shared ones aside), and most shared views.
pub const MAX_VIEWS: usize = 50;

impl Engine {
    /// The views `viewer` sees: the shared ones, then their own, each by name, with how
    /// many of the tickets they may work each selects.
    pub fn views(&self, viewer: u64) -> Result<Vec<SavedView>> {
        let records = {
            let txn = self.read()?;
            caller_read(&txn, viewer)?;
            let mut out = Vec::new();
            for entry in txn.open_table(tables::VIEWS)?.iter()? {
                let v: ViewRecord = codec::decode(entry?.1.value())?;
                if v.owner.is_none_or(|o| o == viewer) {
                    out.push(v);
                }
            }
            out
        };
        let filters: Vec<InboxFilter> = records
            .iter()
            .map(|v| InboxFilter::from_query(&v.query))
            .collect();
        let counts = self.inbox_counts(viewer, &filters)?;
        let mut views: Vec<SavedView> = records
            .into_iter()
            .zip(filters)
            .zip(counts)
            .map(|((v, filter), count)| SavedView {
                id: v.id,
                name: v.name,
                shared: v.owner.is_none(),
                filter,
                count,
            })
            .collect();
        views.sort_by(|a, b| {
            (!a.shared, a.name.to_lowercase()).cmp(&(!b.shared, b.name.to_lowercase()))
        });
        Ok(views)
    }

    /// Saves a view (a new one when `id` is 0). Only an administrator shares a view or
    /// changes a shared one; an agent changes only their own.
    pub fn save_view(
        &self,
        by: u64,
        id: u64,
        name: &str,
        filter: &InboxFilter,
        shared: bool,
    ) -> Result<SavedView> {
        let name = model::validate::one_line(name);
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(Error::invalid(vec![FieldError::new(
                "name",
                "error.view_name",
            )]));
        }
        let query = filter.to_query(0);
        let saved = self.write(|txn| {
            let caller = caller_in(txn, by)?;
            if shared {
                caller.must_be_admin()?;
            }
            let mut table = txn.open_table(tables::VIEWS)?;
            let owner = (!shared).then_some(by);
            let id = if id == 0 {
                if store::count_where(&table, |v: &ViewRecord| v.owner == owner)? >= MAX_VIEWS {
                    return Err(Error::invalid(vec![FieldError::new(
                        "name",
                        "error.too_many_views",
                    )]));
                }
                store::next_id(&mut txn.open_table(tables::COUNTERS)?, "view")?
            } else {
                let old: ViewRecord = match table.get(id)? {
                    Some(raw) => codec::decode(raw.value())?,
                    None => return Err(Error::not_found("View")),
                };
                caller.may_change_owned(old.owner, "View")?;
                id
            };
            let record = ViewRecord {
                id,
                name: name.clone(),
                owner,
                query: query.clone(),
            };
            table.insert(id, codec::encode(&record)?.as_slice())?;
            Ok((id, Vec::new()))
        })?;
        Ok(SavedView {
            id: saved,
            name,
            shared,
            filter: InboxFilter::from_query(&query),
            count: self.inbox_counts(by, std::slice::from_ref(filter))?[0],
        })
    }

    /// Deletes a view: an agent their own, an administrator a shared one too.
    pub fn delete_view(&self, by: u64, id: u64) -> Result<()> {
        self.write(|txn| {
            let caller = caller_in(txn, by)?;
            let mut table = txn.open_table(tables::VIEWS)?;
            let old: ViewRecord = match table.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("View")),
            };
            caller.may_change_owned(old.owner, "View")?;
            table.remove(id)?;
            Ok(((), Vec::new()))
        })
    }
}
