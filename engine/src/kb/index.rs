//! The knowledge base's search index: a tantivy index of its own (`kb-index/` in the
//! data folder), small beside the tickets' one. Articles change rarely, so each save
//! updates it at once; it is rebuilt from redb when missing or of another version.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::search::analyzer;
use crate::search::stem::{self, Lang};
use crate::{Error, Result};

/// Bumped when the schema or analysis changes: an index of another version is rebuilt.
const VERSION: &str = "kb-2";

/// How many distinct words of a message being written suggestions look for.
const SUGGEST_WORDS: usize = 12;

/// What the index holds of one article.
pub struct ArticleDoc {
    pub id: u64,
    pub title: String,
    pub body: String,
    pub tags: String,
    /// Published and public: customers may find it.
    pub public: bool,
    /// Published (public or internal): agents may find it.
    pub published: bool,
    pub language: String,
}

impl ArticleDoc {
    /// The language the article's words are stemmed in: its own, else detected.
    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.language)
            .or_else(|| stem::detect(&format!("{} {}", self.title, self.body)))
            .unwrap_or(Lang::En)
    }
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    tags: Field,
    public: Field,
    published: Field,
    language: Field,
    /// Stems of the title and text in the article's language.
    stems: Field,
}

pub struct KbIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    fresh: bool,
}

/// Where the index lives.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("kb-index")
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | FAST),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text.clone()),
        tags: b.add_text_field("tags", text.clone()),
        stems: b.add_text_field("stems", text),
        public: b.add_u64_field("public", INDEXED | FAST),
        published: b.add_u64_field("published", INDEXED | FAST),
        language: b.add_text_field("language", STRING),
    };
    (b.build(), fields)
}

impl KbIndex {
    /// Opens the index in `dir`, or makes an empty one (then [`KbIndex::fresh`]).
    pub fn open(dir: &Path) -> Result<Self> {
        let (schema, fields) = schema();
        let current = dir.join("meta.json").exists()
            && Index::open_in_dir(dir)
                .ok()
                .and_then(|i| i.load_metas().ok())
                .and_then(|m| m.payload)
                .is_some_and(|p| p == VERSION);
        let index = if current {
            Index::open_in_dir(dir)?
        } else {
            if dir.exists() {
                std::fs::remove_dir_all(dir)?;
            }
            std::fs::create_dir_all(dir)?;
            Index::create(
                MmapDirectory::open(dir).map_err(Error::internal)?,
                schema,
                Default::default(),
            )?
        };
        index
            .tokenizers()
            .register(analyzer::FOLDED, analyzer::folded_analyzer());
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(KbIndex {
            reader,
            writer: Mutex::new(writer),
            fields,
            fresh: !current,
        })
    }

    /// Whether the index was just made and must be filled from redb.
    pub fn fresh(&self) -> bool {
        self.fresh
    }

    /// Replaces the documents of the given articles (`None`: deleted) and commits.
    pub fn put(&self, docs: &[(u64, Option<ArticleDoc>)]) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let f = self.fields;
        let mut fill = || -> Result<()> {
            for (id, doc) in docs {
                writer.delete_term(Term::from_field_u64(f.id, *id));
                if let Some(doc) = doc {
                    let mut d = TantivyDocument::default();
                    d.add_u64(f.id, doc.id);
                    d.add_text(f.title, &doc.title);
                    d.add_text(f.body, &doc.body);
                    d.add_text(f.tags, &doc.tags);
                    d.add_u64(f.public, u64::from(doc.public));
                    d.add_u64(f.published, u64::from(doc.published));
                    d.add_text(f.language, &doc.language);
                    d.add_pre_tokenized_text(
                        f.stems,
                        analyzer::stems_of(&doc.title, &doc.body, doc.lang()),
                    );
                    writer.add_document(d)?;
                }
            }
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(VERSION);
            prepared.commit()?;
            self.reader.reload()?;
            Ok(())
        };
        let result = fill();
        if result.is_err() {
            let _ = writer.rollback();
        }
        result
    }

    /// Articles matching every word of `query` (the last also as a prefix; words of five
    /// letters or more also one typo away), best first: public ones only, or every
    /// published one for agents.
    pub fn search(&self, query: &str, public_only: bool, limit: usize) -> Result<Vec<u64>> {
        self.find(query, public_only, limit)
    }

    /// Articles matching any of the words of `text` (of three letters or more), the
    /// more the better: for suggestions beside a message being written. One flat union
    /// of term queries (titles, and the stems of every language), so tantivy skips
    /// whole blocks that cannot make the top; the public gate is read from a fast field
    /// afterwards.
    pub fn suggest(&self, text: &str, limit: usize) -> Result<Vec<u64>> {
        let mut words: Vec<String> = Vec::new();
        for (w, _, _) in analyzer::words(text) {
            if w.chars().count() >= 3 && !words.contains(&w) {
                words.push(w);
            }
        }
        // The longest words say the most.
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        words.truncate(SUGGEST_WORDS);
        // A message is long enough for its language to be told: its stems only.
        let lang = stem::detect(text);
        let f = self.fields;
        let mut terms: Vec<Term> = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Plain term queries, no boosts: a union of bare term scorers is what tantivy
        // answers with block-max WAND, skipping blocks that cannot make the top.
        let mut add = |term: Term| {
            if !terms.contains(&term) {
                terms.push(term.clone());
                let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(q) as Box<dyn Query>));
            }
        };
        for w in &words {
            // The stems field holds the title's words too.
            match lang {
                Some(lang) => stem::each_stem(w, lang, |s| {
                    add(Term::from_field_text(f.stems, s));
                }),
                None => {
                    for s in stem::query_stems(w) {
                        add(Term::from_field_text(f.stems, &s));
                    }
                }
            }
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let q = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        // Internal articles are few: a few more than asked leaves room to drop them.
        let top = searcher.search(&q, &TopDocs::with_limit(limit * 4).order_by_score())?;
        let mut out = Vec::new();
        for (_, addr) in top {
            let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
            if fast.u64("public")?.first(addr.doc_id) != Some(1) {
                continue;
            }
            if let Some(id) = fast.u64("id")?.first(addr.doc_id) {
                out.push(id);
            }
            if out.len() == limit {
                break;
            }
        }
        Ok(out)
    }

    fn find(&self, query: &str, public_only: bool, limit: usize) -> Result<Vec<u64>> {
        let words = analyzer::words(query);
        let Some(last) = words.len().checked_sub(1) else {
            return Ok(Vec::new());
        };
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .enumerate()
            .map(|(i, (word, _, _))| {
                let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (field, boost) in [(f.title, 3.0), (f.tags, 2.0), (f.body, 1.0)] {
                    let term = Term::from_field_text(field, word);
                    let exact = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                    any.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(exact), boost)),
                    ));
                    if i == last && word.chars().count() >= 2 {
                        let prefix = FuzzyTermQuery::new_prefix(term.clone(), 0, true);
                        any.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(prefix), boost * 0.6)),
                        ));
                    }
                    if word.chars().count() >= 5 {
                        let typo = FuzzyTermQuery::new(term, 1, true);
                        any.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(typo), boost * 0.4)),
                        ));
                    }
                }
                for s in stem::query_stems(word) {
                    let term = Term::from_field_text(f.stems, &s);
                    let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 1.5))));
                }
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                )
            })
            .collect();
        let gate = if public_only { f.public } else { f.published };
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(gate, 1),
                IndexRecordOption::Basic,
            )),
        ));
        let q = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(limit).order_by_score())?;
        top.into_iter()
            .map(|(_, addr): (f32, DocAddress)| {
                let ids = searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .u64("id")?;
                ids.first(addr.doc_id)
                    .ok_or_else(|| Error::internal("an article document without id"))
            })
            .collect()
    }
}
