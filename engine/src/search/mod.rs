//! Full-text search over tickets with tantivy. The index is derived from redb: it is fed
//! from the outbox, remembers the last outbox sequence it applied in its commit payload,
//! and is rebuilt from redb when it is missing or of another schema version.

pub mod analyzer;
pub mod indexer;
pub mod stem;

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use analyzer::Matcher;
pub use stem::Lang;

use crate::{Error, Result};

/// Bumped whenever the schema or the analysis changes; an index of another version is
/// rebuilt from redb.
pub const INDEX_SCHEMA_VERSION: u32 = 2;

/// What the index holds of one ticket.
pub struct TicketDoc {
    pub number: u64,
    pub subject: String,
    /// Every message of the ticket, notes included (search is for agents).
    pub body: String,
    /// The requester's name and email addresses.
    pub requester: String,
    /// The ticket's language, if known; else detected from its text.
    pub language: Option<Lang>,
}

/// A ticket the index found.
#[derive(Clone, Copy, Debug)]
pub struct Found {
    pub number: u64,
    pub score: f32,
    /// The language its text was stemmed in.
    pub language: Lang,
}

#[derive(Clone, Copy)]
struct Fields {
    kind: Field,
    ticket: Field,
    subject: Field,
    body: Field,
    requester: Field,
    /// Stems of the subject and messages, in the ticket's language.
    stems: Field,
    language: Field,
}

/// The search index and its single writer.
pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    applied: Mutex<u64>,
    applied_changed: Condvar,
    needs_rebuild: bool,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let kind = b.add_text_field("kind", STRING);
    let ticket = b.add_u64_field("ticket", INDEXED | FAST);
    let subject = b.add_text_field("subject", text.clone());
    let body = b.add_text_field("body", text.clone());
    let requester = b.add_text_field("requester", text.clone());
    let stems = b.add_text_field("stems", text);
    let language = b.add_u64_field("language", FAST);
    (
        b.build(),
        Fields {
            kind,
            ticket,
            subject,
            body,
            requester,
            stems,
            language,
        },
    )
}

fn payload(seq: u64) -> String {
    format!("schema={INDEX_SCHEMA_VERSION};seq={seq}")
}

/// Reads (schema version, applied sequence) from a commit payload.
fn parse_payload(p: &str) -> Option<(u32, u64)> {
    let mut schema = None;
    let mut seq = None;
    for part in p.split(';') {
        match part.split_once('=') {
            Some(("schema", v)) => schema = v.parse().ok(),
            Some(("seq", v)) => seq = v.parse().ok(),
            _ => {}
        }
    }
    Some((schema?, seq?))
}

impl SearchIndex {
    /// Opens the index in `dir`, or makes an empty one there (then `needs_rebuild`).
    pub fn open(dir: &Path) -> Result<Self> {
        let (schema, fields) = schema();
        let existing = Self::open_existing(dir);
        let (index, applied, needs_rebuild) = match existing {
            Some((index, seq)) => (index, seq, false),
            None => {
                if dir.exists() {
                    std::fs::remove_dir_all(dir)?;
                }
                std::fs::create_dir_all(dir)?;
                let mmap = MmapDirectory::open(dir).map_err(Error::internal)?;
                (Index::create(mmap, schema, Default::default())?, 0, true)
            }
        };
        index
            .tokenizers()
            .register(analyzer::FOLDED, analyzer::folded_analyzer());
        let writer = index.writer_with_num_threads(1, 64_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            reader,
            writer: Mutex::new(writer),
            fields,
            applied: Mutex::new(applied),
            applied_changed: Condvar::new(),
            needs_rebuild,
        })
    }

    /// The index in `dir` and its applied sequence, if it is there, readable and current.
    fn open_existing(dir: &Path) -> Option<(Index, u64)> {
        if !dir.join("meta.json").exists() {
            return None;
        }
        let index = Index::open_in_dir(dir)
            .map_err(|e| tracing::warn!(%e, "search index unreadable; rebuilding"))
            .ok()?;
        let metas = index.load_metas().ok()?;
        match metas.payload.as_deref().and_then(parse_payload) {
            Some((INDEX_SCHEMA_VERSION, seq)) => Some((index, seq)),
            other => {
                tracing::info!(?other, "search index of another version; rebuilding");
                None
            }
        }
    }

    /// Whether the index was just created and must be filled from redb.
    pub fn needs_rebuild(&self) -> bool {
        self.needs_rebuild
    }

    /// The last outbox sequence whose jobs are searchable.
    pub fn applied_seq(&self) -> u64 {
        *self.applied.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Blocks until the jobs up to `seq` are searchable, or `timeout` passes.
    pub fn wait_for(&self, seq: u64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut applied = self.applied.lock().unwrap_or_else(|p| p.into_inner());
        while *applied < seq {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            applied = match self.applied_changed.wait_timeout(applied, left) {
                Ok((guard, _)) => guard,
                Err(p) => p.into_inner().0,
            };
        }
        true
    }

    fn add(&self, writer: &IndexWriter, doc: &TicketDoc) -> Result<()> {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.kind, "ticket");
        d.add_u64(f.ticket, doc.number);
        d.add_text(f.subject, &doc.subject);
        d.add_text(f.body, &doc.body);
        d.add_text(f.requester, &doc.requester);
        let language = doc.language.or_else(|| {
            stem::detect(if doc.body.len() > 40 {
                &doc.body
            } else {
                &doc.subject
            })
        });
        let language = language.unwrap_or(Lang::En);
        d.add_u64(f.language, language.id());
        d.add_pre_tokenized_text(
            f.stems,
            analyzer::stems_of(&doc.subject, &doc.body, language),
        );
        writer.add_document(d)?;
        Ok(())
    }

    fn commit(&self, writer: &mut IndexWriter, seq: u64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(seq));
        prepared.commit()?;
        self.reader.reload()?;
        *self.applied.lock().unwrap_or_else(|p| p.into_inner()) = seq;
        self.applied_changed.notify_all();
        Ok(())
    }

    /// Replaces the documents of the given tickets (None: the ticket is gone) and records
    /// `seq` as applied. Applying the same jobs twice gives the same index.
    pub fn apply(&self, docs: &[(u64, Option<TicketDoc>)], seq: u64) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut fill = || {
            for (number, doc) in docs {
                writer.delete_term(Term::from_field_u64(self.fields.ticket, *number));
                if let Some(doc) = doc {
                    self.add(&writer, doc)?;
                }
            }
            self.commit(&mut writer, seq)
        };
        let result = fill();
        if result.is_err() {
            // A failed write (a full disk) leaves the writer unusable: start it again
            // from the last commit; the jobs are still pending and are applied again.
            if let Err(e) = writer.rollback() {
                tracing::error!(%e, "could not roll the search index back");
            }
        }
        result
    }

    /// Empties the index and fills it from `docs`, recording `seq` as applied.
    pub fn rebuild(
        &self,
        docs: impl Iterator<Item = Result<TicketDoc>>,
        seq: u64,
        mut progress: impl FnMut(u64),
    ) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_all_documents()?;
        let mut n = 0u64;
        for doc in docs {
            self.add(&writer, &doc?)?;
            n += 1;
            if n.is_multiple_of(10_000) {
                progress(n);
            }
        }
        progress(n);
        self.commit(&mut writer, seq)
    }

    /// Tickets matching every word of `query` (the last word also as a prefix, any word
    /// also by its stem), best first. Numbers and languages come from fast fields: no
    /// stored document is read.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Found>> {
        let Some(q) = self.build_query(query) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(limit).order_by_score())?;
        let mut columns = std::collections::HashMap::new();
        top.into_iter()
            .map(|(score, addr): (f32, DocAddress)| {
                let (numbers, languages) = match columns.entry(addr.segment_ord) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
                        e.insert((fast.u64("ticket")?, fast.u64("language")?))
                    }
                };
                let number = numbers
                    .first(addr.doc_id)
                    .ok_or_else(|| Error::internal("search document without ticket"))?;
                let language = Lang::from_id(languages.first(addr.doc_id).unwrap_or(0));
                Ok(Found {
                    number,
                    score,
                    language,
                })
            })
            .collect()
    }

    /// The bare tantivy query beneath [`SearchIndex::search`]: the same query, top
    /// `limit` addresses, nothing read. For the benchmark's comparison.
    pub fn bare_search(&self, query: &str, limit: usize) -> Result<usize> {
        let Some(q) = self.build_query(query) else {
            return Ok(0);
        };
        let searcher = self.reader.searcher();
        Ok(searcher
            .search(&q, &TopDocs::with_limit(limit).order_by_score())?
            .len())
    }

    fn build_query(&self, query: &str) -> Option<BooleanQuery> {
        let words = analyzer::words(query);
        let last = words.len().checked_sub(1)?;
        let f = self.fields;
        let clauses = words
            .iter()
            .enumerate()
            .map(|(i, (word, _, _))| {
                let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (field, boost) in [(f.subject, 2.0), (f.requester, 1.5), (f.body, 1.0)] {
                    let term = Term::from_field_text(field, word);
                    let exact = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                    any.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(exact), boost)),
                    ));
                    if i == last && word.chars().count() >= 2 {
                        let prefix = FuzzyTermQuery::new_prefix(term, 0, true);
                        any.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(prefix), boost * 0.5)),
                        ));
                    }
                }
                for s in stem::query_stems(word) {
                    let term = Term::from_field_text(f.stems, &s);
                    let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 0.8))));
                }
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(BooleanQuery::new(clauses))
    }
}

/// Marks, in `text`, the words matching the query's words (the last one as a prefix),
/// and cuts a window of about `max_chars` around the first match.
pub fn snippet(text: &str, query: &str, max_chars: usize) -> model::Snippet {
    snippet_with(text, &Matcher::new(query), Lang::En, max_chars)
}

/// [`snippet`] for a text of language `lang`, whose words also match by their stems.
/// Only the text up to the end of the window is read.
pub fn snippet_with(text: &str, m: &Matcher, lang: Lang, max_chars: usize) -> model::Snippet {
    let mut matches: Vec<(usize, usize)> = Vec::new();
    let mut window: Option<(usize, usize)> = None;
    if !m.is_empty() {
        analyzer::each_token(text, |t| {
            if window.is_some_and(|(_, end)| t.offset_to > end) {
                return false;
            }
            if m.hits(&t.text, lang) {
                if window.is_none() {
                    let start = window_start(text, t.offset_from, max_chars);
                    window = Some((start, start + cut(text, start, max_chars).len()));
                }
                matches.push((t.offset_from, t.offset_to));
            }
            true
        });
    }
    let (start, end) = window.unwrap_or_else(|| (0, cut(text, 0, max_chars).len()));
    let highlights = matches
        .into_iter()
        .filter(|&(s, e)| s >= start && e <= end)
        .map(|(s, e)| (s - start, e - start))
        .collect();
    model::Snippet {
        text: text[start..end].to_string(),
        highlights,
    }
}

/// Where a window of `max_chars` showing the match at byte `first` starts: a little
/// before it, on a character boundary, after a space when there is one.
fn window_start(text: &str, first: usize, max_chars: usize) -> usize {
    let mut start = first.saturating_sub(max_chars / 4);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    if let Some(space) = text[start..first].find(' ') {
        if start > 0 {
            start += space + 1;
        }
    }
    start
}

/// At most `max_chars` characters of `text` from byte `start`.
fn cut(text: &str, start: usize, max_chars: usize) -> &str {
    let rest = &text[start..];
    match rest.char_indices().nth(max_chars) {
        Some((i, _)) => &rest[..i],
        None => rest,
    }
}

/// Where the index lives inside the data folder.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("index")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_highlights_accentless_matches_in_accented_text() {
        let s = snippet(
            "Ne mogu se prijaviti, lozinka za Đurđevac ne radi",
            "durdevac",
            200,
        );
        let pieces = s.pieces();
        assert!(
            pieces.contains(&("Đurđevac".to_string(), true)),
            "{pieces:?}"
        );
    }

    #[test]
    fn payload_round_trips() {
        assert_eq!(
            parse_payload(&payload(42)),
            Some((INDEX_SCHEMA_VERSION, 42))
        );
        assert_eq!(parse_payload("garbage"), None);
    }

    mod properties {
        use std::sync::OnceLock;

        use proptest::prelude::*;

        use super::super::*;

        /// One index for every case: ticket 1 holds a sentence in each of the desk's
        /// scripts, ticket 2 unrelated words.
        fn index() -> &'static SearchIndex {
            static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
            &INDEX
                .get_or_init(|| {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let index = SearchIndex::open(&dir.path().join("index")).expect("index");
                    (dir, index)
                })
                .1
        }

        fn doc(number: u64, subject: &str) -> (u64, Option<TicketDoc>) {
            let doc = TicketDoc {
                number,
                subject: subject.to_string(),
                body: String::new(),
                requester: String::new(),
                language: None,
            };
            (number, Some(doc))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Any text at all is a query: it parses, runs and answers, never panics.
            #[test]
            fn any_query_runs(query in any::<String>()) {
                prop_assert!(index().search(&query, 10).is_ok());
            }

            /// A ticket is found by each word of its subject, as typed, in capitals, or
            /// folded (without accents), and by its first letters as the last word.
            #[test]
            fn each_word_of_a_subject_finds_its_ticket(
                words in prop::collection::vec("[a-zčćžšđάέήίόύώαβγδεζηθικλμνξοπρστυφχψωабвгдежзийклмнопрстуфхцчшщъьюя]{3,10}", 1..5),
                pick in any::<prop::sample::Index>(),
                form in 0u8..4,
            ) {
                let index = index();
                let subject = words.join(" ");
                index
                    .apply(&[doc(1, &subject), doc(2, "unrelated filler text")], 1)
                    .expect("apply");
                let word = pick.get(&words);
                let query = match form {
                    0 => word.clone(),
                    1 => word.to_uppercase(),
                    2 => {
                        let mut folded = String::new();
                        analyzer::fold(word, &mut folded);
                        folded
                    }
                    _ => word.chars().take(2).collect(),
                };
                let found: Vec<u64> = index.search(&query, 10).expect("search").into_iter().map(|h| h.number).collect();
                prop_assert!(found.contains(&1), "{query:?} did not find {subject:?}: {found:?}");
            }
        }
    }
}
