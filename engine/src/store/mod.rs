//! The redb database: table definitions, the record format, counters and migrations.
//! redb is the source of truth; everything else (the search index) is derived from it.

pub mod codec;
mod handle;
pub mod migrate;
pub mod records;
pub mod tables;

pub use handle::{open, Db};
use redb::{ReadableTable, Table};

use crate::Result;

/// Takes the next value of a named sequence (ticket numbers, message ids, ...).
/// How many records of `table` (by id, in the one record format) satisfy `wanted`.
pub fn count_where<T: serde::de::DeserializeOwned>(
    table: &impl redb::ReadableTable<u64, &'static [u8]>,
    wanted: impl Fn(&T) -> bool,
) -> Result<usize> {
    let mut n = 0;
    for entry in table.iter()? {
        n += usize::from(wanted(&codec::decode(entry?.1.value())?));
    }
    Ok(n)
}

pub fn next_id(counters: &mut Table<&str, u64>, name: &str) -> Result<u64> {
    let next = counters.get(name)?.map(|v| v.value()).unwrap_or(0) + 1;
    counters.insert(name, next)?;
    Ok(next)
}

/// Adds `delta` to a named counter (status counts).
pub fn bump(counters: &mut Table<&str, u64>, name: &str, delta: i64) -> Result<()> {
    let now = counters.get(name)?.map(|v| v.value()).unwrap_or(0);
    counters.insert(name, now.saturating_add_signed(delta))?;
    Ok(())
}

/// The current value of a counter.
pub fn counter(counters: &impl ReadableTable<&'static str, u64>, name: &str) -> Result<u64> {
    Ok(counters.get(name)?.map(|v| v.value()).unwrap_or(0))
}

/// The counter name holding the number of tickets in a status.
pub fn status_counter(status: model::TicketStatus) -> String {
    format!("status:{}", status.slug())
}

/// The counter name holding the number of unassigned tickets in a status.
pub fn unassigned_counter(status: model::TicketStatus) -> String {
    format!("unassigned:{}", status.slug())
}
