//! The knowledge base: categories (nested one level), articles in Markdown with a
//! language, a slug, tags, draft or published, public or internal; every save is a
//! revision (who, when) that can be restored; customers' views and "was this helpful?"
//! votes are counted. Internal articles and drafts never reach customers: every public
//! path checks, and the search index marks what is public.

pub mod index;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use model::{Article, ArticleInput, ArticleRevision, ArticleSummary, HelpCenter, KbCategory};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::access::{caller_in, caller_read};
use crate::store::{self, codec, tables};
use crate::{Engine, Error, Result};

/// Longest article, in bytes of Markdown.
pub const MAX_BODY_BYTES: usize = 200_000;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct CategoryRecord {
    id: u64,
    name: String,
    parent: Option<u64>,
    position: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct ArticleRecord {
    id: u64,
    category: Option<u64>,
    title: String,
    slug: String,
    body: String,
    language: String,
    public: bool,
    published: bool,
    tags: Vec<String>,
    views: u64,
    helpful_yes: u64,
    helpful_no: u64,
    /// Times a customer opened it from the suggestions and left without writing.
    deflections: u64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    updated_by: u64,
    revisions: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct RevisionRecord {
    title: String,
    body: String,
    by: u64,
    at: DateTime<Utc>,
}

/// Views counted since the last flush, by article (written in batches, not per view).
#[derive(Default)]
pub(crate) struct PendingViews(Mutex<HashMap<u64, u64>>);

/// How many articles of each category the help center's front lists.
pub const FRONT_PER_CATEGORY: usize = 10;

/// The help center's front per visitor language, made once and kept until an article,
/// a category or the view counts change: with many articles, reading them all for each
/// visit would be slow.
#[derive(Default)]
pub(crate) struct HelpFronts(Mutex<(u64, HashMap<String, Arc<HelpCenter>>)>);

impl HelpFronts {
    /// The front kept for `language`, or the generation a new one must be made in.
    fn get(&self, language: &str) -> std::result::Result<Arc<HelpCenter>, u64> {
        let held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        held.1.get(language).cloned().ok_or(held.0)
    }

    /// Keeps a front made in `generation`, unless something changed since.
    fn put(&self, generation: u64, language: String, front: Arc<HelpCenter>) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if held.0 == generation {
            held.1.insert(language, front);
        }
    }

    /// Forgets every front: something on them changed.
    pub(crate) fn clear(&self) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        held.0 += 1;
        held.1.clear();
    }
}

/// A slug made from a title: lower-case letters and digits (accents dropped, other
/// scripts kept), words joined by `-`, at most 80 characters.
pub fn slug_of(title: &str) -> String {
    let mut folded = String::new();
    let mut out = String::new();
    for (word, _, _) in crate::search::analyzer::words(title) {
        crate::search::analyzer::fold(&word, &mut folded);
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&folded);
        if out.chars().count() >= 80 {
            break;
        }
    }
    out.chars()
        .take(80)
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

fn slug_ok(slug: &str) -> bool {
    !slug.is_empty()
        && slug.chars().count() <= 80
        && slug
            .chars()
            .all(|c| c == '-' || (c.is_alphanumeric() && !c.is_uppercase()))
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// The text of a Markdown body on one line, without its markup characters.
fn plain(body: &str) -> String {
    let plain: String = body
        .chars()
        .map(|c| if "#*_`>[]()!".contains(c) { ' ' } else { c })
        .collect();
    model::validate::one_line(&plain)
}

fn excerpt(body: &str) -> String {
    let one = plain(body);
    match one.char_indices().nth(180) {
        Some((i, _)) => format!("{}…", one[..i].trim_end()),
        None => one,
    }
}

/// An article input checked and cleaned for saving.
struct Checked {
    title: String,
    slug: String,
    language: String,
    tags: Vec<String>,
}

impl ArticleRecord {
    fn summary(&self) -> ArticleSummary {
        ArticleSummary {
            id: self.id,
            category: self.category,
            title: self.title.clone(),
            slug: self.slug.clone(),
            excerpt: excerpt(&self.body),
            language: self.language.clone(),
            public: self.public,
            published: self.published,
            updated_at: self.updated_at,
            title_marks: Vec::new(),
            excerpt_marks: Vec::new(),
        }
    }

    /// The summary as a search result: the matching words of the title marked, and the
    /// excerpt taken around the first match in the text.
    fn found(&self, matcher: &crate::search::analyzer::Matcher) -> ArticleSummary {
        let lang = self.doc().lang();
        let title = crate::search::snippet_with(&self.title, matcher, lang, 200);
        let text = crate::search::snippet_with(&plain(&self.body), matcher, lang, 180);
        let mut summary = self.summary();
        summary.title_marks = title.highlights;
        if !text.highlights.is_empty() {
            summary.excerpt = text.text;
            summary.excerpt_marks = text.highlights;
        }
        summary
    }

    fn doc(&self) -> index::ArticleDoc {
        index::ArticleDoc {
            id: self.id,
            title: self.title.clone(),
            body: self.body.clone(),
            tags: self.tags.join(" "),
            public: self.public && self.published,
            published: self.published,
            language: self.language.clone(),
        }
    }
}

fn read_article(txn: &ReadTransaction, id: u64) -> Result<ArticleRecord> {
    match txn.open_table(tables::ARTICLES)?.get(id)? {
        Some(raw) => codec::decode(raw.value()),
        None => Err(Error::not_found("Article")),
    }
}

fn categories_in(txn: &ReadTransaction) -> Result<Vec<KbCategory>> {
    let mut out = Vec::new();
    for entry in txn.open_table(tables::KB_CATEGORIES)?.iter()? {
        let c: CategoryRecord = codec::decode(entry?.1.value())?;
        out.push(KbCategory {
            id: c.id,
            name: c.name,
            parent: c.parent,
            position: c.position,
        });
    }
    out.sort_by_key(|c| (c.position, c.id));
    Ok(out)
}

impl Engine {
    fn view(&self, txn: &ReadTransaction, a: ArticleRecord) -> Result<Article> {
        let pending = self
            .kb_views
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&a.id)
            .copied()
            .unwrap_or(0);
        let by = crate::auth::read_agent(txn, a.updated_by)?
            .map(|x| x.name)
            .unwrap_or_default();
        Ok(Article {
            id: a.id,
            category: a.category,
            html: crate::markdown::to_html(&a.body),
            title: a.title,
            slug: a.slug,
            body: a.body,
            language: a.language,
            public: a.public,
            published: a.published,
            tags: a.tags,
            views: a.views + pending,
            helpful_yes: a.helpful_yes,
            helpful_no: a.helpful_no,
            deflections: a.deflections,
            updated_at: a.updated_at,
            updated_by: by,
            revisions: a.revisions,
        })
    }

    /// The categories, in order (top level and one level below).
    pub fn kb_categories(&self) -> Result<Vec<KbCategory>> {
        categories_in(&self.read()?)
    }

    /// Creates (id 0) or renames a category: any agent. A category sits at the top or
    /// under a top-level one.
    pub fn save_kb_category(&self, agent: u64, c: &KbCategory) -> Result<KbCategory> {
        let name = model::validate::one_line(&c.name);
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::invalid(vec![model::FieldError::new(
                "name",
                "error.name_required",
            )]));
        }
        let saved = self.write(|txn| {
            caller_in(txn, agent)?;
            let mut table = txn.open_table(tables::KB_CATEGORIES)?;
            if let Some(parent) = c.parent {
                let p: Option<CategoryRecord> = table
                    .get(parent)?
                    .map(|raw| codec::decode(raw.value()))
                    .transpose()?;
                match p {
                    Some(p) if p.parent.is_none() && p.id != c.id => {}
                    _ => {
                        return Err(Error::invalid(vec![model::FieldError::new(
                            "parent",
                            "error.kb_nesting",
                        )]))
                    }
                }
            }
            let id = if c.id == 0 {
                store::next_id(&mut txn.open_table(tables::COUNTERS)?, "kb_category")?
            } else if table.get(c.id)?.is_some() {
                c.id
            } else {
                return Err(Error::not_found("Category"));
            };
            let record = CategoryRecord {
                id,
                name: name.clone(),
                parent: c.parent,
                position: c.position,
            };
            table.insert(id, codec::encode(&record)?.as_slice())?;
            Ok((
                KbCategory {
                    id,
                    name: name.clone(),
                    parent: c.parent,
                    position: c.position,
                },
                Vec::new(),
            ))
        })?;
        self.help_fronts.clear();
        Ok(saved)
    }

    /// An article as it will be saved: its title on one line, its slug, language and
    /// tags; or what needs attention.
    fn checked_article(input: &ArticleInput) -> Result<Checked> {
        let title = model::validate::one_line(&input.title);
        let mut errors = Vec::new();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            errors.push(model::FieldError::new("title", "error.kb_title"));
        }
        if input.body.trim().is_empty() {
            errors.push(model::FieldError::new("body", "error.message_required"));
        } else if input.body.len() > MAX_BODY_BYTES {
            errors.push(model::FieldError::new("body", "error.message_too_long"));
        }
        let slug = if input.slug.trim().is_empty() {
            slug_of(&title)
        } else {
            input.slug.trim().to_lowercase()
        };
        if !slug_ok(&slug) {
            errors.push(model::FieldError::new("slug", "error.kb_slug"));
        }
        // No language given: the one its text is written in.
        let language = if input.language.trim().is_empty() {
            crate::search::stem::detect(&format!("{title}\n{}", input.body))
                .map_or("en", |l| l.code())
                .to_string()
        } else {
            input.language.clone()
        };
        if !model::LANGUAGES.iter().any(|(c, _)| *c == language) {
            errors.push(model::FieldError::new("language", "error.generic"));
        }
        let tags = crate::tickets::tag_names(&input.tags)?;
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        Ok(Checked {
            title,
            slug,
            language,
            tags,
        })
    }

    /// Writes one checked article and its revision in `txn`.
    fn put_article(
        txn: &WriteTransaction,
        agent: u64,
        input: &ArticleInput,
        c: &Checked,
        now: DateTime<Utc>,
    ) -> Result<ArticleRecord> {
        caller_in(txn, agent)?;
        if let Some(cat) = input.category {
            if txn.open_table(tables::KB_CATEGORIES)?.get(cat)?.is_none() {
                return Err(Error::not_found("Category"));
            }
        }
        let mut articles = txn.open_table(tables::ARTICLES)?;
        let old: Option<ArticleRecord> = if input.id == 0 {
            None
        } else {
            match articles.get(input.id)? {
                Some(raw) => Some(codec::decode(raw.value())?),
                None => return Err(Error::not_found("Article")),
            }
        };
        let id = match &old {
            Some(o) => o.id,
            None => store::next_id(&mut txn.open_table(tables::COUNTERS)?, "article")?,
        };
        let mut slugs = txn.open_table(tables::ARTICLE_SLUGS)?;
        let holder = slugs.get(c.slug.as_str())?.map(|v| v.value());
        if holder.is_some_and(|h| h != id) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "slug",
                "error.kb_slug_taken",
            )]));
        }
        if let Some(o) = &old {
            if o.slug != c.slug {
                slugs.remove(o.slug.as_str())?;
            }
        }
        slugs.insert(c.slug.as_str(), id)?;
        let revisions = old.as_ref().map_or(0, |o| o.revisions) + 1;
        let record = ArticleRecord {
            id,
            category: input.category,
            title: c.title.clone(),
            slug: c.slug.clone(),
            body: input.body.clone(),
            language: c.language.clone(),
            public: input.public,
            published: input.published,
            tags: c.tags.clone(),
            views: old.as_ref().map_or(0, |o| o.views),
            helpful_yes: old.as_ref().map_or(0, |o| o.helpful_yes),
            helpful_no: old.as_ref().map_or(0, |o| o.helpful_no),
            deflections: old.as_ref().map_or(0, |o| o.deflections),
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
            updated_by: agent,
            revisions,
        };
        articles.insert(id, codec::encode(&record)?.as_slice())?;
        txn.open_table(tables::ARTICLE_REVISIONS)?.insert(
            (id, revisions),
            codec::encode(&RevisionRecord {
                title: c.title.clone(),
                body: input.body.clone(),
                by: agent,
                at: now,
            })?
            .as_slice(),
        )?;
        Ok(record)
    }

    /// Creates (id 0) or changes an article: any agent. Each save is a revision.
    pub fn save_article(&self, agent: u64, input: &ArticleInput) -> Result<Article> {
        let checked = Self::checked_article(input)?;
        let now = self.now();
        let saved = self.write(|txn| {
            Ok((
                Self::put_article(txn, agent, input, &checked, now)?,
                Vec::new(),
            ))
        })?;
        self.kb_index.put(&[(saved.id, Some(saved.doc()))])?;
        self.help_fronts.clear();
        let txn = self.read()?;
        self.view(&txn, saved)
    }

    /// Adds many articles at once, in one transaction and one index commit (moving a
    /// knowledge base in; the benchmark's 100,000 articles). All or none.
    pub fn import_articles(&self, agent: u64, inputs: &[ArticleInput]) -> Result<usize> {
        let checked = inputs
            .iter()
            .map(Self::checked_article)
            .collect::<Result<Vec<_>>>()?;
        let now = self.now();
        let saved = self.write(|txn| {
            let mut saved = Vec::with_capacity(inputs.len());
            for (input, c) in inputs.iter().zip(&checked) {
                saved.push(Self::put_article(txn, agent, input, c, now)?);
            }
            Ok((saved, Vec::new()))
        })?;
        let docs: Vec<_> = saved.iter().map(|a| (a.id, Some(a.doc()))).collect();
        self.kb_index.put(&docs)?;
        self.help_fronts.clear();
        Ok(saved.len())
    }

    /// An article for an agent: drafts and internal ones included.
    pub fn article(&self, agent: u64, id: u64) -> Result<Article> {
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        let a = read_article(&txn, id)?;
        self.view(&txn, a)
    }

    /// Every article, for the agents' list: newest change first.
    pub fn articles(&self, agent: u64) -> Result<Vec<ArticleSummary>> {
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        let mut out = Vec::new();
        for entry in txn.open_table(tables::ARTICLES)?.iter()? {
            out.push(codec::decode::<ArticleRecord>(entry?.1.value())?.summary());
        }
        out.sort_by_key(|a| std::cmp::Reverse(a.updated_at));
        Ok(out)
    }

    /// An article's revisions, newest first.
    pub fn article_revisions(&self, agent: u64, id: u64) -> Result<Vec<ArticleRevision>> {
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        read_article(&txn, id)?;
        let mut out = Vec::new();
        for entry in txn
            .open_table(tables::ARTICLE_REVISIONS)?
            .range((id, 0)..=(id, u32::MAX))?
            .rev()
        {
            let (k, v) = entry?;
            let r: RevisionRecord = codec::decode(v.value())?;
            out.push(ArticleRevision {
                number: k.value().1,
                title: r.title,
                by: crate::auth::read_agent(&txn, r.by)?
                    .map(|a| a.name)
                    .unwrap_or_default(),
                at: r.at,
            });
        }
        Ok(out)
    }

    /// Restores revision `number` of an article: saved as a new revision.
    pub fn restore_article(&self, agent: u64, id: u64, number: u32) -> Result<Article> {
        let (current, old) = {
            let txn = self.read()?;
            let current = read_article(&txn, id)?;
            let old: RevisionRecord = match txn
                .open_table(tables::ARTICLE_REVISIONS)?
                .get((id, number))?
            {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("Revision")),
            };
            (current, old)
        };
        self.save_article(
            agent,
            &ArticleInput {
                id,
                category: current.category,
                title: old.title,
                slug: current.slug,
                body: old.body,
                language: current.language,
                public: current.public,
                published: current.published,
                tags: current.tags,
            },
        )
    }

    /// The help center's front: categories and the public, published articles (in
    /// `language` first when given).
    pub fn help_center(&self, language: Option<&str>) -> Result<Arc<HelpCenter>> {
        let key = language.unwrap_or_default().to_string();
        let generation = match self.help_fronts.get(&key) {
            Ok(front) => return Ok(front),
            Err(generation) => generation,
        };
        let txn = self.read()?;
        // Per category: how many, and the few shown (the visitor's language first, then
        // the most read).
        let mut shown: HashMap<Option<u64>, Vec<ArticleRecord>> = HashMap::new();
        let mut totals: HashMap<Option<u64>, u64> = HashMap::new();
        let rank = |a: &ArticleRecord| {
            (
                Some(a.language.as_str()) != language,
                std::cmp::Reverse(a.views),
                a.title.clone(),
            )
        };
        for entry in txn.open_table(tables::ARTICLES)?.iter()? {
            let a: ArticleRecord = codec::decode(entry?.1.value())?;
            if !(a.public && a.published) {
                continue;
            }
            *totals.entry(a.category).or_default() += 1;
            let list = shown.entry(a.category).or_default();
            list.push(a);
            if list.len() > FRONT_PER_CATEGORY * 4 {
                list.sort_by_cached_key(rank);
                list.truncate(FRONT_PER_CATEGORY);
            }
        }
        let mut articles = Vec::new();
        for (_, mut list) in shown {
            list.sort_by_cached_key(rank);
            articles.extend(list.iter().take(FRONT_PER_CATEGORY).map(|a| a.summary()));
        }
        articles.sort_by(|a, b| {
            let first = |x: &ArticleSummary| Some(x.language.as_str()) != language;
            (first(a), &a.title).cmp(&(first(b), &b.title))
        });
        let front = Arc::new(HelpCenter {
            categories: categories_in(&txn)?,
            articles,
            totals: totals.into_iter().collect(),
        });
        self.help_fronts.put(generation, key, front.clone());
        Ok(front)
    }

    /// The public, published articles of a category (`None`: those in none), by title:
    /// `limit` from `offset`, and how many there are.
    pub fn help_category(
        &self,
        category: Option<u64>,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<ArticleSummary>, u64)> {
        let txn = self.read()?;
        if let Some(id) = category {
            if txn.open_table(tables::KB_CATEGORIES)?.get(id)?.is_none() {
                return Err(Error::not_found("Category"));
            }
        }
        let mut all: Vec<ArticleSummary> = Vec::new();
        for entry in txn.open_table(tables::ARTICLES)?.iter()? {
            let a: ArticleRecord = codec::decode(entry?.1.value())?;
            if a.public && a.published && a.category == category {
                all.push(a.summary());
            }
        }
        all.sort_by(|a, b| a.title.cmp(&b.title));
        let total = all.len() as u64;
        Ok((
            all.into_iter().skip(offset).take(limit.min(200)).collect(),
            total,
        ))
    }

    /// A public, published article by its slug (anything else is "not found"); the
    /// view is counted.
    pub fn public_article(&self, slug: &str) -> Result<Article> {
        let txn = self.read()?;
        let id = txn
            .open_table(tables::ARTICLE_SLUGS)?
            .get(slug)?
            .map(|v| v.value())
            .ok_or_else(|| Error::not_found("Article"))?;
        let a = read_article(&txn, id)?;
        if !(a.public && a.published) {
            return Err(Error::not_found("Article"));
        }
        *self
            .kb_views
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(id)
            .or_default() += 1;
        self.view(&txn, a)
    }

    /// A customer's "was this helpful?" on a public article.
    pub fn vote_article(&self, id: u64, helpful: bool) -> Result<()> {
        self.write(|txn| {
            let mut articles = txn.open_table(tables::ARTICLES)?;
            let mut a: ArticleRecord = match articles.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("Article")),
            };
            if !(a.public && a.published) {
                return Err(Error::not_found("Article"));
            }
            if helpful {
                a.helpful_yes += 1;
            } else {
                a.helpful_no += 1;
            }
            articles.insert(id, codec::encode(&a)?.as_slice())?;
            Ok(((), Vec::new()))
        })
    }

    /// Public articles that may answer what a customer is writing (subject and message).
    pub fn suggest_for_customer(&self, text: &str, limit: usize) -> Result<Vec<ArticleSummary>> {
        let ids = self.kb_index.suggest(text, limit)?;
        let txn = self.read()?;
        let mut out = Vec::new();
        for id in ids {
            let Ok(a) = read_article(&txn, id) else {
                continue;
            };
            if a.published && a.public {
                out.push(a.summary());
            }
        }
        Ok(out)
    }

    /// A customer opened these suggested articles and left without writing: each counts
    /// a deflection (public articles only; at most ten per call).
    pub fn record_deflection(&self, ids: &[u64]) -> Result<()> {
        self.write(|txn| {
            let mut articles = txn.open_table(tables::ARTICLES)?;
            let mut seen = std::collections::HashSet::new();
            for id in ids.iter().take(10) {
                if !seen.insert(*id) {
                    continue;
                }
                let record: Option<ArticleRecord> = articles
                    .get(*id)?
                    .map(|raw| codec::decode(raw.value()))
                    .transpose()?;
                if let Some(mut a) = record.filter(|a| a.public && a.published) {
                    a.deflections += 1;
                    articles.insert(*id, codec::encode(&a)?.as_slice())?;
                }
            }
            Ok(((), Vec::new()))
        })
    }

    /// Writes the views counted since the last flush. Run it now and then.
    pub fn flush_article_views(&self) -> Result<usize> {
        let pending: Vec<(u64, u64)> = {
            let mut map = self.kb_views.0.lock().unwrap_or_else(|p| p.into_inner());
            map.drain().collect()
        };
        if pending.is_empty() {
            return Ok(0);
        }
        let n = pending.len();
        self.write(|txn| {
            let mut articles = txn.open_table(tables::ARTICLES)?;
            for (id, views) in &pending {
                let record: Option<ArticleRecord> = articles
                    .get(*id)?
                    .map(|raw| codec::decode(raw.value()))
                    .transpose()?;
                if let Some(mut a) = record {
                    a.views += views;
                    articles.insert(*id, codec::encode(&a)?.as_slice())?;
                }
            }
            Ok(((), Vec::new()))
        })?;
        self.help_fronts.clear();
        Ok(n)
    }

    /// Articles matching `query`: public ones for customers, every published one for
    /// agents (`public_only` false), best first.
    pub fn search_articles(
        &self,
        query: &str,
        public_only: bool,
        limit: usize,
    ) -> Result<Vec<ArticleSummary>> {
        let ids = self.kb_index.search(query, public_only, limit)?;
        let matcher = crate::search::analyzer::Matcher::new(query);
        let txn = self.read()?;
        let mut out = Vec::new();
        for id in ids {
            let Ok(a) = read_article(&txn, id) else {
                continue;
            };
            // The record decides, whatever the index says.
            if a.published && (a.public || !public_only) {
                out.push(a.found(&matcher));
            }
        }
        Ok(out)
    }
}

/// Fills a fresh knowledge-base index from redb.
pub(crate) fn rebuild_index(txn: &ReadTransaction, index: &index::KbIndex) -> Result<()> {
    let mut docs = Vec::new();
    for entry in txn.open_table(tables::ARTICLES)?.iter()? {
        let a: ArticleRecord = codec::decode(entry?.1.value())?;
        docs.push((a.id, Some(a.doc())));
    }
    index.put(&docs)
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_fold_and_join_words() {
        assert_eq!(
            super::slug_of("How do I reset my password?"),
            "how-do-i-reset-my-password"
        );
        assert_eq!(super::slug_of("Čišćenje pisača"), "ciscenje-pisaca");
        assert_eq!(super::slug_of("Κωδικός πρόσβασης"), "κωδικοσ-προσβασησ");
        assert!(super::slug_ok("ciscenje-pisaca"));
        assert!(!super::slug_ok("Has Space"));
        assert!(!super::slug_ok("../etc"));
    }
}
