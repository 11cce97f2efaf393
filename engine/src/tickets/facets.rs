//! The inbox's index in memory: for each value of each field an inbox filters on, the set
//! of ticket numbers that have it (a compressed bitmap), and for each ticket the few
//! numbers its sorts and ranges need. Any combination of filters is then a handful of
//! set intersections, and any count a cardinality, at a million tickets as at ten.
//!
//! It is derived from redb: built from the tickets table when the engine opens, and
//! brought up to date after each commit from the tickets that commit changed, before
//! the writer returns, so an agent's next page load sees their change. A million
//! tickets take about 30 MB.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use model::{Assigned, InboxFilter, Priority, Sort, TicketStatus};
use redb::{ReadTransaction, ReadableTable};
use roaring::RoaringBitmap;

use crate::access::Caller;
use crate::store::records::TicketRecord;
use crate::store::{codec, tables};
use crate::Result;

/// What one ticket's sorts and ranges need; times in seconds since 1970 (0: none).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Row {
    requester: u32,
    created: u32,
    updated: u32,
    /// Since when it has waited on the team; 0 when it does not wait.
    waiting: u32,
}

#[derive(Default)]
pub(crate) struct Facets {
    all: RoaringBitmap,
    status: [RoaringBitmap; TicketStatus::ALL.len()],
    priority: [RoaringBitmap; Priority::ALL.len()],
    channel: [RoaringBitmap; model::Channel::ALL.len()],
    /// By department id; 0 holds the tickets of no department.
    department: HashMap<u64, RoaringBitmap>,
    /// By agent id; 0 holds the unassigned tickets.
    assignee: HashMap<u64, RoaringBitmap>,
    /// By ticket type id; 0 holds the tickets without a type.
    ticket_type: HashMap<u64, RoaringBitmap>,
    tag: HashMap<u64, RoaringBitmap>,
    spam: RoaringBitmap,
    /// By ticket number.
    rows: Vec<Row>,
    /// The waiting tickets by (waiting since, number), and every ticket by (updated,
    /// number): a page of a large selection in those orders is read off in order.
    waiting_order: BTreeSet<(u32, u32)>,
    updated_order: BTreeSet<(u32, u32)>,
    /// Open tickets under a service level: when the nearest clock warns and is due.
    /// Worked out in the background when the engine opens or a policy changes, and for
    /// each ticket a commit changes; not part of [`Facets::same_as`].
    sla: HashMap<u32, (u32, u32)>,
}

/// A selection at least this large is paged by walking an order rather than ranking
/// every ticket in it.
const DENSE: u64 = 20_000;
/// How far a walk goes before ranking takes over (a selection sparse in that order).
const WALK_MAX: usize = 60_000;

/// A time as the rows keep it.
fn secs(at: DateTime<Utc>) -> u32 {
    at.timestamp().clamp(1, u32::MAX as i64) as u32
}

/// The first second of `day`, and the first of the day after.
fn day_bounds(day: NaiveDate) -> (u32, u32) {
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (secs(start), secs(start + chrono::Duration::days(1)))
}

/// A ticket number as a bitmap holds it (numbers beyond 2³² do not occur: they are
/// counted from 1).
fn key(number: u64) -> Option<u32> {
    u32::try_from(number).ok()
}

/// The bitmap for `id` in `map`, or an empty one.
fn of<'a>(
    map: &'a HashMap<u64, RoaringBitmap>,
    id: u64,
    empty: &'a RoaringBitmap,
) -> &'a RoaringBitmap {
    map.get(&id).unwrap_or(empty)
}

/// What a filter selects: the tickets it matches whatever their status, and among
/// them those of its status.
pub(crate) struct Selection {
    /// Matches per status, in [`TicketStatus::ALL`] order.
    pub counts: Vec<(TicketStatus, u64)>,
    pub matches: RoaringBitmap,
}

impl Facets {
    /// Reads every ticket of the database.
    pub fn build(txn: &ReadTransaction) -> Result<Facets> {
        let mut facets = Facets::default();
        let tickets = txn.open_table(tables::TICKETS)?;
        for entry in tickets.iter()? {
            let ticket: TicketRecord = codec::decode(entry?.1.value())?;
            facets.set(&ticket);
        }
        Ok(facets)
    }

    /// Sets when ticket `number`'s nearest service-level clock warns and is due (none:
    /// no clock runs).
    pub fn set_sla(&mut self, number: u64, at: Option<(DateTime<Utc>, DateTime<Utc>)>) {
        let Some(n) = key(number) else { return };
        match at {
            Some((warn, due)) => {
                self.sla.insert(n, (secs(warn), secs(due)));
            }
            None => {
                self.sla.remove(&n);
            }
        }
    }

    /// Forgets the dues of tickets not among `numbers`.
    pub fn keep_sla_of(&mut self, numbers: &[u64]) {
        let keep: std::collections::HashSet<u32> = numbers.iter().filter_map(|&n| key(n)).collect();
        self.sla.retain(|n, _| keep.contains(n));
    }

    /// When ticket `number`'s nearest clock warns and is due.
    pub fn sla_of(&self, number: u64) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (warn, due) = *self.sla.get(&key(number)?)?;
        let at = |s: u32| DateTime::<Utc>::from_timestamp(i64::from(s), 0);
        Some((at(warn)?, at(due)?))
    }

    /// Puts `t` in the sets of its values, out of any other.
    pub fn set(&mut self, t: &TicketRecord) {
        let Some(n) = key(t.number) else { return };
        if self.all.contains(n) {
            let old = self.rows[n as usize];
            if old.waiting != 0 {
                self.waiting_order.remove(&(old.waiting, n));
            }
            self.updated_order.remove(&(old.updated, n));
            self.forget(n);
        }
        self.all.insert(n);
        self.status[t.status.code() as usize].insert(n);
        self.priority[t.priority.code() as usize].insert(n);
        self.channel[t.channel.code() as usize].insert(n);
        let put = |map: &mut HashMap<u64, RoaringBitmap>, id: u64| {
            map.entry(id).or_default().insert(n);
        };
        put(&mut self.department, t.department.unwrap_or(0));
        put(&mut self.assignee, t.assignee.unwrap_or(0));
        put(&mut self.ticket_type, t.ticket_type.unwrap_or(0));
        for &tag in &t.tags {
            put(&mut self.tag, tag);
        }
        if t.spam {
            self.spam.insert(n);
        }
        let at = n as usize;
        if self.rows.len() <= at {
            self.rows.resize(at + 1, Row::default());
        }
        let row = Row {
            requester: u32::try_from(t.requester).unwrap_or(u32::MAX),
            created: secs(t.created_at),
            updated: secs(t.updated_at),
            waiting: t.waiting_since.map_or(0, secs),
        };
        self.rows[at] = row;
        if row.waiting != 0 {
            self.waiting_order.insert((row.waiting, n));
        }
        self.updated_order.insert((row.updated, n));
    }

    /// Takes ticket `n` out of every set (its row is overwritten by the next `set`).
    fn forget(&mut self, n: u32) {
        for set in self
            .status
            .iter_mut()
            .chain(self.priority.iter_mut())
            .chain(self.channel.iter_mut())
        {
            set.remove(n);
        }
        for map in [
            &mut self.department,
            &mut self.assignee,
            &mut self.ticket_type,
            &mut self.tag,
        ] {
            map.retain(|_, set| {
                set.remove(n);
                !set.is_empty()
            });
        }
        self.spam.remove(n);
    }

    /// The tickets `caller` may work: an administrator all; an agent those of their
    /// departments, of no department, and those assigned to them.
    pub fn visible(&self, caller: &Caller) -> RoaringBitmap {
        if caller.admin {
            return self.all.clone();
        }
        let empty = RoaringBitmap::new();
        let mut out = of(&self.department, 0, &empty) | of(&self.assignee, caller.id, &empty);
        for d in &caller.departments {
            out |= of(&self.department, *d, &empty);
        }
        out
    }

    /// Every ticket.
    pub fn all_tickets(&self) -> RoaringBitmap {
        self.all.clone()
    }

    /// The numbers of the tickets of `visible` that contact `requester` opened, oldest
    /// first.
    pub fn tickets_of(&self, visible: &RoaringBitmap, requester: u64) -> Vec<u64> {
        let Ok(r) = u32::try_from(requester) else {
            return Vec::new();
        };
        visible
            .iter()
            .filter(|&n| self.rows[n as usize].requester == r)
            .map(u64::from)
            .collect()
    }

    /// The tickets of `visible` that `f` selects, for the agent `viewer`; `requester` is
    /// the contact the filter's address names (None when it names none, Some(None)
    /// when it names one the desk does not know).
    pub fn select(
        &self,
        visible: &RoaringBitmap,
        f: &InboxFilter,
        viewer: u64,
        requester: Option<Option<u64>>,
    ) -> Selection {
        let empty = RoaringBitmap::new();
        let mut base = visible.clone();
        if f.spam {
            base &= &self.spam;
        } else {
            base -= &self.spam;
        }
        match f.assigned {
            Assigned::Anyone => {}
            Assigned::Me => base &= of(&self.assignee, viewer, &empty),
            Assigned::Unassigned => base &= of(&self.assignee, 0, &empty),
            Assigned::Agent(id) => base &= of(&self.assignee, id, &empty),
        }
        if let Some(d) = f.department {
            base &= of(&self.department, d, &empty);
        }
        if let Some(p) = f.priority {
            base &= &self.priority[p.code() as usize];
        }
        if let Some(t) = f.ticket_type {
            base &= of(&self.ticket_type, t, &empty);
        }
        if let Some(t) = f.tag {
            base &= of(&self.tag, t, &empty);
        }
        if let Some(c) = f.channel {
            base &= &self.channel[c.code() as usize];
        }
        let created = range(f.created_from, f.created_to);
        let updated = range(f.updated_from, f.updated_to);
        let requester = requester.map(|r| r.and_then(|id| u32::try_from(id).ok()));
        if created.is_some() || updated.is_some() || requester.is_some() {
            base = base
                .iter()
                .filter(|&n| {
                    let row = self.rows[n as usize];
                    created.is_none_or(|(a, b)| (a..b).contains(&row.created))
                        && updated.is_none_or(|(a, b)| (a..b).contains(&row.updated))
                        && requester.is_none_or(|r| Some(row.requester) == r)
                })
                .collect();
        }
        let counts = TicketStatus::ALL
            .into_iter()
            .map(|s| (s, base.intersection_len(&self.status[s.code() as usize])))
            .collect();
        if let Some(s) = f.status {
            base &= &self.status[s.code() as usize];
        }
        Selection {
            counts,
            matches: base,
        }
    }

    /// How many tickets of `visible` `f` selects.
    pub fn count(
        &self,
        visible: &RoaringBitmap,
        f: &InboxFilter,
        viewer: u64,
        requester: Option<Option<u64>>,
    ) -> u64 {
        self.select(visible, f, viewer, requester).matches.len()
    }

    /// The numbers of one page of `matches` in the order `sort` asks for.
    pub fn page(
        &self,
        matches: &RoaringBitmap,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Vec<u64> {
        let numbers: Vec<u32> = match sort {
            Sort::Newest => matches.iter().rev().skip(offset).take(limit).collect(),
            Sort::Oldest => matches.iter().skip(offset).take(limit).collect(),
            Sort::Priority => Priority::ALL
                .iter()
                .rev()
                .flat_map(|p| (matches & &self.priority[p.code() as usize]).into_iter())
                .skip(offset)
                .take(limit)
                .collect(),
            // The nearest due first; then those without a running clock, least
            // recently updated first.
            Sort::Due => self.top(matches, offset, limit, |r, n| match self.sla.get(&n) {
                Some(&(_, due)) => u64::from(due),
                None => (1 << 32) | u64::from(r.updated),
            }),
            Sort::Updated => self
                .walk(matches, offset, limit, self.updated_order.iter().rev())
                .unwrap_or_else(|| {
                    self.top(matches, offset, limit, |r, n| {
                        (u64::from(u32::MAX - r.updated) << 32) | u64::from(u32::MAX - n)
                    })
                }),
            // Waiting tickets first, the longest waiting at the top; then the rest,
            // least recently updated first.
            Sort::Waiting => {
                let rest = self
                    .updated_order
                    .iter()
                    .filter(|e| self.rows[e.1 as usize].waiting == 0);
                self.walk(
                    matches,
                    offset,
                    limit,
                    self.waiting_order.iter().chain(rest),
                )
                .unwrap_or_else(|| {
                    self.top(matches, offset, limit, |r, _| match r.waiting {
                        0 => (1 << 32) | u64::from(r.updated),
                        w => u64::from(w),
                    })
                })
            }
        };
        numbers.into_iter().map(u64::from).collect()
    }

    /// One page of `matches` ordered by `rank` (smallest first, then by number), in
    /// one pass over the matches: the first pages keep only their own length in a
    /// heap; deep pages partially sort.
    fn top(
        &self,
        matches: &RoaringBitmap,
        offset: usize,
        limit: usize,
        rank: impl Fn(Row, u32) -> u64,
    ) -> Vec<u32> {
        let keep = offset.saturating_add(limit).min(matches.len() as usize);
        if offset >= keep {
            return Vec::new();
        }
        let keyed = |n: u32| (rank(self.rows[n as usize], n), n);
        let best: Vec<(u64, u32)> = if keep <= 4096 {
            let mut heap = std::collections::BinaryHeap::with_capacity(keep + 1);
            for n in matches {
                let k = keyed(n);
                if heap.len() < keep {
                    heap.push(k);
                } else if let Some(mut worst) = heap.peek_mut() {
                    if k < *worst {
                        *worst = k;
                    }
                }
            }
            heap.into_sorted_vec()
        } else {
            let mut all: Vec<(u64, u32)> = matches.iter().map(keyed).collect();
            if keep < all.len() {
                all.select_nth_unstable(keep);
                all.truncate(keep);
            }
            all.sort_unstable();
            all
        };
        best[offset..].iter().map(|k| k.1).collect()
    }

    /// One page of a large selection read off an order: the numbers of `order` that
    /// are in `matches`, skipping `offset`. None when the selection is small, the page
    /// deep, or the walk long (a selection sparse in that order): ranking is cheaper.
    fn walk<'a>(
        &self,
        matches: &RoaringBitmap,
        offset: usize,
        limit: usize,
        order: impl Iterator<Item = &'a (u32, u32)>,
    ) -> Option<Vec<u32>> {
        if matches.len() < DENSE || offset.saturating_add(limit) > WALK_MAX / 10 {
            return None;
        }
        let mut out = Vec::with_capacity(limit);
        let mut skipped = 0;
        for (steps, &(_, n)) in order.enumerate() {
            if steps >= WALK_MAX {
                return None;
            }
            if !matches.contains(n) {
                continue;
            }
            if skipped < offset {
                skipped += 1;
                continue;
            }
            out.push(n);
            if out.len() >= limit {
                break;
            }
        }
        Some(out)
    }

    /// Whether two indexes hold the same tickets with the same values.
    pub fn same_as(&self, other: &Facets) -> bool {
        let live = |m: &HashMap<u64, RoaringBitmap>| {
            let mut v: Vec<_> = m
                .iter()
                .filter(|(_, s)| !s.is_empty())
                .map(|(k, s)| (*k, s.clone()))
                .collect();
            v.sort_by_key(|e| e.0);
            v
        };
        let rows = |f: &Facets| f.all.iter().map(|n| f.rows[n as usize]).collect::<Vec<_>>();
        self.all == other.all
            && self.status == other.status
            && self.priority == other.priority
            && self.channel == other.channel
            && live(&self.department) == live(&other.department)
            && live(&self.assignee) == live(&other.assignee)
            && live(&self.ticket_type) == live(&other.ticket_type)
            && live(&self.tag) == live(&other.tag)
            && self.spam == other.spam
            && rows(self) == rows(other)
            && self.waiting_order == other.waiting_order
            && self.updated_order == other.updated_order
    }
}

/// A day range as seconds: from the first second of `from` to the end of `to`.
fn range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<(u32, u32)> {
    if from.is_none() && to.is_none() {
        return None;
    }
    let start = from.map_or(0, |d| day_bounds(d).0);
    let end = to.map_or(u32::MAX, |d| day_bounds(d).1);
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages taken from the heap and from the partial sort are those of a full sort.
    #[test]
    fn pages_by_rank_match_a_full_sort() {
        let mut f = Facets::default();
        let mut matches = RoaringBitmap::new();
        // A spread of update times with many ties.
        for n in 1..=20_000u32 {
            f.rows.resize(n as usize + 1, Row::default());
            f.rows[n as usize].updated = (n.wrapping_mul(2_654_435_761) >> 20) % 500;
            if n % 3 != 0 {
                matches.insert(n);
            }
        }
        let rank = |r: Row, _: u32| u64::from(r.updated);
        let mut expected: Vec<(u64, u32)> = matches
            .iter()
            .map(|n| (rank(f.rows[n as usize], n), n))
            .collect();
        expected.sort_unstable();
        let want = |offset: usize, limit: usize| -> Vec<u32> {
            expected
                .iter()
                .skip(offset)
                .take(limit)
                .map(|k| k.1)
                .collect()
        };
        for (offset, limit) in [
            (0, 50),
            (50, 50),
            (4000, 200),
            (9000, 50),
            (13_300, 50),
            (20_000, 50),
        ] {
            assert_eq!(
                f.top(&matches, offset, limit, rank),
                want(offset, limit),
                "{offset}+{limit}"
            );
        }
    }

    /// A page read off an order is the page ranking gives, ties included.
    #[test]
    fn walked_pages_match_ranked_pages() {
        let mut f = Facets::default();
        let mut matches = RoaringBitmap::new();
        for n in 1..=60_000u32 {
            f.rows.resize(n as usize + 1, Row::default());
            let updated = 1_000 + (n.wrapping_mul(2_654_435_761) >> 22) % 300;
            let waiting = if n % 7 == 0 { 500 + (n % 50) } else { 0 };
            f.rows[n as usize] = Row {
                updated,
                waiting,
                ..Row::default()
            };
            if waiting != 0 {
                f.waiting_order.insert((waiting, n));
            }
            f.updated_order.insert((updated, n));
            if n % 5 != 0 {
                matches.insert(n);
            }
        }
        for sort in [Sort::Waiting, Sort::Updated] {
            for (offset, limit) in [(0, 50), (3_000, 50), (8_560, 40)] {
                let walked = f.page(&matches, sort, offset, limit);
                let ranked: Vec<u64> = match sort {
                    Sort::Updated => f.top(&matches, offset, limit, |r, n| {
                        (u64::from(u32::MAX - r.updated) << 32) | u64::from(u32::MAX - n)
                    }),
                    _ => f.top(&matches, offset, limit, |r, _| match r.waiting {
                        0 => (1 << 32) | u64::from(r.updated),
                        w => u64::from(w),
                    }),
                }
                .into_iter()
                .map(u64::from)
                .collect();
                assert_eq!(walked, ranked, "{sort:?} {offset}+{limit}");
            }
        }
    }
}
