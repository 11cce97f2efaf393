//! The search indexer: drains `IndexTicket` jobs from the outbox into tantivy. It reads
//! the jobs after the last sequence the index applied, so a crash between redb's commit
//! and tantivy's is repaired by replaying them.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use redb::{Database, ReadTransaction, ReadableDatabase, ReadableTable};

use super::{SearchIndex, TicketDoc};
use crate::store::records::{ContactRecord, Job, MessageRecord, TicketRecord};
use crate::store::{codec, tables, Db};
use crate::Result;

/// Messages to the indexer thread.
pub enum Signal {
    Wake,
    Stop,
}

/// Most jobs applied in one tantivy commit.
const BATCH: usize = 2_000;

/// The indexer thread's loop: wakes on a signal (or every few seconds) and applies
/// whatever is pending.
pub fn run(db: Arc<Db>, index: Arc<SearchIndex>, signals: Receiver<Signal>) {
    loop {
        if let Err(e) = apply_pending(&db, &index) {
            tracing::error!(%e, "search indexing failed; will retry");
        }
        match signals.recv_timeout(Duration::from_secs(5)) {
            Ok(Signal::Wake) | Err(RecvTimeoutError::Timeout) => {}
            Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => break,
        }
        // Coalesce a burst of wake-ups into one pass.
        while let Ok(s) = signals.try_recv() {
            if matches!(s, Signal::Stop) {
                let _ = apply_pending(&db, &index);
                return;
            }
        }
    }
}

/// Applies every pending index job, in batches, then prunes the applied ones.
pub fn apply_pending(db: &Db, index: &SearchIndex) -> Result<()> {
    loop {
        let from = index.applied_seq();
        let txn = db.with(|db| Ok(db.begin_read()?))?;
        let outbox = txn.open_table(tables::OUTBOX)?;
        let mut numbers = Vec::new();
        let mut last = from;
        for entry in outbox.range(from + 1..)?.take(BATCH) {
            let (seq, job) = entry?;
            last = seq.value();
            match codec::decode::<Job>(job.value())? {
                Job::IndexTicket(n) => numbers.push(n),
            }
        }
        if last == from {
            return Ok(());
        }
        numbers.sort_unstable();
        numbers.dedup();
        let docs = numbers
            .iter()
            .map(|&n| Ok((n, ticket_doc(&txn, n)?)))
            .collect::<Result<Vec<_>>>()?;
        drop(outbox);
        drop(txn);
        index.apply(&docs, last)?;
        db.with(|db| prune(db, last))?;
    }
}

/// Removes applied jobs from the outbox.
fn prune(db: &Database, upto: u64) -> Result<()> {
    let txn = db.begin_write()?;
    {
        let mut outbox = txn.open_table(tables::OUTBOX)?;
        outbox.retain_in(..=upto, |_, _| false)?;
    }
    txn.commit()?;
    Ok(())
}

/// What the index should hold of ticket `number`; None if there is no such ticket.
pub fn ticket_doc(txn: &ReadTransaction, number: u64) -> Result<Option<TicketDoc>> {
    let tickets = txn.open_table(tables::TICKETS)?;
    let Some(raw) = tickets.get(number)? else {
        return Ok(None);
    };
    doc_of(txn, codec::decode(raw.value())?).map(Some)
}

/// What the index should hold of `ticket`.
fn doc_of(txn: &ReadTransaction, ticket: TicketRecord) -> Result<TicketDoc> {
    let contacts = txn.open_table(tables::CONTACTS)?;
    let requester = match contacts.get(ticket.requester)? {
        Some(raw) => {
            let c: ContactRecord = codec::decode(raw.value())?;
            format!("{} {}", c.name, c.emails.join(" "))
        }
        None => String::new(),
    };
    Ok(TicketDoc {
        number: ticket.number,
        body: conversation_text(txn, ticket.number)?,
        subject: ticket.subject,
        requester,
        language: None,
    })
}

/// Every message of ticket `number`, notes included, one after the other.
pub fn conversation_text(txn: &ReadTransaction, number: u64) -> Result<String> {
    let links = txn.open_table(tables::TICKET_MESSAGES)?;
    let messages = txn.open_table(tables::MESSAGES)?;
    let read = |id: u64| -> Result<Option<String>> {
        Ok(match messages.get(id)? {
            Some(raw) => Some(codec::decode::<MessageRecord>(raw.value())?.body),
            None => None,
        })
    };
    let range = || links.range((number, 0)..=(number, u64::MAX));
    // The opening message, then the newest ones back to the cap: what a long thread
    // costs to index stays bounded, whatever its length.
    let first = range()?.next().transpose()?.map(|l| l.0.value().1);
    let mut newest = Vec::new();
    let mut size = 0;
    for link in range()?.rev() {
        let (_, id) = link?.0.value();
        if Some(id) == first || size >= INDEXED_TEXT_MAX {
            break;
        }
        if let Some(text) = read(id)? {
            size += text.len();
            newest.push(text);
        }
    }
    let mut body = String::new();
    if let Some(text) = first.map(read).transpose()?.flatten() {
        body.push_str(&text);
        body.push_str("\n\n");
    }
    for text in newest.iter().rev() {
        body.push_str(text);
        body.push_str("\n\n");
    }
    Ok(body)
}

/// A snippet of ticket `number`'s conversation for a search hit: from the first message
/// (oldest first, notes included) where `matcher` finds a word, else from the opening
/// message. Messages are read one at a time until then, never the whole thread.
pub fn body_snippet(
    txn: &ReadTransaction,
    number: u64,
    matcher: &super::analyzer::Matcher,
    lang: super::Lang,
    max_chars: usize,
) -> Result<model::Snippet> {
    body_snippet_in(
        &txn.open_table(tables::TICKET_MESSAGES)?,
        &txn.open_table(tables::MESSAGES)?,
        number,
        matcher,
        lang,
        max_chars,
    )
}

/// [`body_snippet`] with the tables already open (a search opens them once for all
/// its hits).
pub fn body_snippet_in(
    links: &impl ReadableTable<(u64, u64), ()>,
    messages: &impl ReadableTable<u64, &'static [u8]>,
    number: u64,
    matcher: &super::analyzer::Matcher,
    lang: super::Lang,
    max_chars: usize,
) -> Result<model::Snippet> {
    let mut first = None;
    for link in links
        .range((number, 0)..=(number, u64::MAX))?
        .take(SNIPPET_MESSAGES)
    {
        let (_, id) = link?.0.value();
        let Some(raw) = messages.get(id)? else {
            continue;
        };
        let body = codec::decode::<MessageRecord>(raw.value())?.body;
        let snippet = super::snippet_with(&body, matcher, lang, max_chars);
        if !snippet.highlights.is_empty() || matcher.is_empty() {
            return Ok(snippet);
        }
        first.get_or_insert(snippet);
    }
    Ok(first.unwrap_or_default())
}

/// How many messages of a thread a search hit's snippet looks through.
const SNIPPET_MESSAGES: usize = 50;

/// How much of a conversation's text (besides its opening message) is indexed: the
/// newest messages up to this many bytes.
pub const INDEXED_TEXT_MAX: usize = 256 * 1024;

/// Refills the index from every ticket in redb.
pub fn rebuild(db: &Database, index: &SearchIndex) -> Result<()> {
    let txn = db.begin_read()?;
    let counters = txn.open_table(tables::COUNTERS)?;
    let seq = crate::store::counter(&counters, "outbox")?;
    let total = crate::store::counter(&counters, "ticket")?;
    let tickets = txn.open_table(tables::TICKETS)?;
    let docs = tickets.iter()?.map(|entry| {
        let (_, raw) = entry?;
        doc_of(&txn, codec::decode(raw.value())?)
    });
    tracing::info!(tickets = total, "rebuilding the search index");
    index.rebuild(docs, seq, |done| {
        tracing::info!("search index: {done} of {total} tickets");
    })
}
