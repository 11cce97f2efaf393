//! Tessera's help desk engine: tickets, contacts, agents, audit, outbox and search, on
//! redb and tantivy in one data folder. Every way in (portal, email, UI, API) calls one
//! `Engine` method, which does its work in one redb write transaction.

mod access;
pub mod auth;
pub mod canned;
pub mod clock;
mod contacts;
pub mod desk;
pub mod distribution;
pub mod error;
pub mod files;
pub mod goals;
pub mod kb;
pub mod mail;
pub mod mailbox;
pub mod mailin;
pub mod markdown;
mod notify;
pub mod portal;
pub mod presence;
pub mod rules;
pub mod search;
pub mod secret;
pub mod sla;
pub mod store;
pub mod survey;
pub mod templates;
pub mod throttle;
pub mod tickets;
pub mod token;
pub mod views;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};
use redb::{Database, ReadableDatabase, WriteTransaction};

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, ErrorKind, Result};
use search::indexer::{self, Signal};
use search::SearchIndex;
use store::records::{Actor, AuditRecord, Change, Job};
use store::{codec, tables};

/// Published after each commit, for live views and workers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    TicketChanged(u64),
    /// The agent's notifications changed (a new one, or some were read).
    Notified(u64),
    /// Who is on the ticket's page changed (see [`Engine::presence`]).
    Presence(u64),
    /// A message joined the outbox (or the SMTP settings changed): the mailer looks.
    MailQueued,
    /// A mailbox was added, changed or removed: the fetcher looks again.
    MailboxesChanged,
    /// An admin asked for mailbox `id` to be fetched now.
    FetchNow(u64),
    /// A fetch of mailbox `id` ended (its health changed).
    MailboxChecked(u64),
    /// A rule asked for a webhook call: the caller looks.
    WebhookQueued,
}

/// Figures for monitoring (see [`Engine::stats`]).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub tickets_by_status: Vec<(&'static str, u64)>,
    /// Jobs in the outbox not yet pruned.
    pub outbox_backlog: u64,
    /// Outbox jobs the search index has not applied yet.
    pub index_lag: u64,
    /// Sessions stored (live or not yet pruned).
    pub sessions: u64,
    /// Keys the sign-in and portal limits remember.
    pub throttle_keys: u64,
}

/// How to open an engine.
pub struct Options {
    pub clock: Arc<dyn Clock>,
    /// Start the search indexer thread (tests turn it off to simulate a crash).
    pub run_indexer: bool,
    /// How much the portal accepts from one address or for one ticket.
    pub portal_limits: throttle::PortalLimits,
    /// The most messages one ticket takes.
    pub max_messages_per_ticket: usize,
    /// How many passwords may be hashed or checked at once (argon2 takes ~19 MiB and
    /// a core each); past it, sign-ins are told the desk is busy.
    pub password_slots: usize,
}

/// Messages a ticket takes unless configured otherwise.
pub const DEFAULT_MAX_MESSAGES: usize = 1000;

impl Default for Options {
    fn default() -> Self {
        Options {
            clock: Arc::new(SystemClock),
            run_indexer: true,
            portal_limits: Default::default(),
            max_messages_per_ticket: DEFAULT_MAX_MESSAGES,
            password_slots: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// An open data folder.
pub struct Engine {
    db: Arc<store::Db>,
    search: Arc<SearchIndex>,
    clock: Arc<dyn Clock>,
    events: tokio::sync::broadcast::Sender<Event>,
    indexer: Mutex<Option<(Sender<Signal>, JoinHandle<()>)>>,
    throttle: throttle::Throttle,
    password_slots: auth::password::Slots,
    max_messages_per_ticket: usize,
    data_dir: PathBuf,
    /// The inbox's index of ticket fields, kept in step with each commit.
    facets: Arc<std::sync::RwLock<tickets::facets::Facets>>,
    /// How far working out every open ticket's service-level due has come.
    sla_progress: Arc<sla::Progress>,
    /// Who is on which ticket's page, in memory.
    presence: presence::Presence,
    /// The knowledge base's search index.
    kb_index: kb::index::KbIndex,
    /// Article views not yet written.
    kb_views: kb::PendingViews,
    help_fronts: kb::HelpFronts,
}

/// The database file inside a data folder.
pub fn db_file(data_dir: &Path) -> PathBuf {
    data_dir.join("tessera.redb")
}

impl Engine {
    /// Opens (or creates) the data folder with the system clock and the indexer running.
    pub fn open(data_dir: &Path) -> Result<Self> {
        Self::open_with(data_dir, Options::default())
    }

    /// Opens (or creates) the data folder.
    pub fn open_with(data_dir: &Path, options: Options) -> Result<Self> {
        let new_folder = !data_dir.exists();
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot create the data folder {}: {e}", data_dir.display()),
            )
        })?;
        if new_folder {
            // Tickets and password hashes are for the desk's user alone.
            private_folder(data_dir)?;
        }
        let file = db_file(data_dir);
        let db = store::open(&file).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => Error::new(
                ErrorKind::Conflict,
                format!(
                    "the data folder {} is in use by another tessera process",
                    data_dir.display()
                ),
            ),
            // The operator needs the reason (read-only folder, disk full, damaged file).
            e => Error::new(
                ErrorKind::Internal,
                format!(
                    "cannot open the database {}: {e}{}",
                    file.display(),
                    hint(&e)
                ),
            ),
        })?;
        store::migrate::run(&db, &file)?;
        files::clear_partial_uploads(data_dir);
        let db = Arc::new(store::Db::new(&file, db));
        let search = Arc::new(SearchIndex::open(&search::index_dir(data_dir))?);
        let (events, _) = tokio::sync::broadcast::channel(256);
        let facets = db.with(|db| tickets::facets::Facets::build(&db.begin_read()?))?;
        let kb_index = kb::index::KbIndex::open(&kb::index::dir(data_dir))?;
        if kb_index.fresh() {
            db.with(|db| kb::rebuild_index(&db.begin_read()?, &kb_index))?;
        }
        let engine = Engine {
            facets: Arc::new(std::sync::RwLock::new(facets)),
            sla_progress: Default::default(),
            presence: Default::default(),
            kb_index,
            kb_views: Default::default(),
            help_fronts: Default::default(),
            db,
            search,
            throttle: throttle::Throttle::new(options.clock.clone(), options.portal_limits),
            clock: options.clock,
            events,
            indexer: Mutex::new(None),
            password_slots: auth::password::Slots::new(options.password_slots),
            max_messages_per_ticket: options.max_messages_per_ticket.max(1),
            data_dir: data_dir.to_path_buf(),
        };
        engine.prune_sessions()?;
        // The inbox's service-level dues are worked out behind the start.
        engine.recompute_sla();
        if options.run_indexer {
            engine.start_indexer();
        }
        Ok(engine)
    }

    fn start_indexer(&self) {
        let (tx, rx) = mpsc::channel();
        let db = self.db.clone();
        let index = self.search.clone();
        let handle = std::thread::Builder::new()
            .name("indexer".into())
            .spawn(move || {
                if index.needs_rebuild() {
                    if let Err(e) = db.with(|db| indexer::rebuild(db, &index)) {
                        tracing::error!(%e, "rebuilding the search index failed");
                    }
                }
                indexer::run(db, index, rx)
            });
        match handle {
            Ok(h) => *self.indexer.lock().unwrap_or_else(|p| p.into_inner()) = Some((tx, h)),
            Err(e) => tracing::error!(%e, "could not start the indexer"),
        }
    }

    /// The limits on how often clients may try things.
    pub fn throttle(&self) -> &throttle::Throttle {
        &self.throttle
    }

    /// Stops the indexer after it has applied what is pending. Also done on drop.
    pub fn shutdown(&self) {
        // The dues' pass holds the database open: it ends first.
        self.stop_sla();
        // Views counted since the last flush are not lost with the process.
        if let Err(e) = self.flush_article_views() {
            tracing::warn!(error = %e.message(), "article views were not written");
        }
        let taken = self
            .indexer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some((tx, handle)) = taken {
            let _ = tx.send(Signal::Stop);
            let _ = handle.join();
        }
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Events published after each commit.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Waits until everything committed so far is searchable; false on timeout.
    pub fn wait_for_index(&self, timeout: Duration) -> Result<bool> {
        let seq = self.last_outbox_seq()?;
        Ok(self.search.wait_for(seq, timeout))
    }

    /// Figures for monitoring: tickets by status, the outbox's backlog and how far the
    /// search index lags behind it, sessions, and what the throttle remembers.
    pub fn stats(&self) -> Result<Stats> {
        let txn = self.read()?;
        let counters = txn.open_table(tables::COUNTERS)?;
        let mut tickets_by_status = Vec::new();
        for status in model::TicketStatus::ALL {
            let n = store::counter(&counters, &store::status_counter(status))?;
            tickets_by_status.push((status.slug(), n));
        }
        let last = store::counter(&counters, "outbox")?;
        let outbox_backlog = {
            use redb::ReadableTableMetadata;
            txn.open_table(tables::OUTBOX)?.len()?
        };
        let sessions = {
            use redb::ReadableTableMetadata;
            txn.open_table(tables::SESSIONS)?.len()?
        };
        Ok(Stats {
            tickets_by_status,
            outbox_backlog,
            index_lag: last.saturating_sub(self.search.applied_seq()),
            sessions,
            throttle_keys: self.throttle.remembered() as u64,
        })
    }

    fn last_outbox_seq(&self) -> Result<u64> {
        let txn = self.read()?;
        let counters = txn.open_table(tables::COUNTERS)?;
        store::counter(&counters, "outbox")
    }

    /// Empties the search index and refills it from redb, now, on this thread.
    pub fn reindex(&self) -> Result<()> {
        self.db.with(|db| indexer::rebuild(db, &self.search))
    }

    /// A read transaction on the database.
    fn read(&self) -> Result<redb::ReadTransaction> {
        self.db.with(|db| Ok(db.begin_read()?))
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs `f` in one write transaction, commits, then wakes the workers and publishes
    /// `events`.
    fn write<T>(&self, f: impl FnOnce(&WriteTransaction) -> Result<(T, Vec<Event>)>) -> Result<T> {
        let (value, events) = self.db.with(|db| {
            let txn = db.begin_write()?;
            let mark = rules::audit_mark(&txn)?;
            let (value, mut events) = f(&txn)?;
            // The desk's rules act on what was just written, in the same transaction.
            events.extend(rules::after_change(&txn, mark, self.now())?);
            txn.commit()?;
            Ok((value, events))
        })?;
        if let Some((tx, _)) = &*self.indexer.lock().unwrap_or_else(|p| p.into_inner()) {
            let _ = tx.send(Signal::Wake);
        }
        self.refresh_facets(&events);
        for e in events {
            let _ = self.events.send(e);
        }
        Ok(value)
    }

    /// Whether the inbox's index in memory says what the database says: it is built
    /// again from redb and compared.
    pub fn inbox_index_is_current(&self) -> Result<bool> {
        let fresh = self
            .db
            .with(|db| tickets::facets::Facets::build(&db.begin_read()?))?;
        let facets = self.facets.read().unwrap_or_else(|p| p.into_inner());
        Ok(facets.same_as(&fresh))
    }

    /// Brings the inbox's index up to date with the tickets `events` name. Each ticket is
    /// read after the lock is taken, so of two writers racing, the later read wins and
    /// the index ends with what redb holds.
    fn refresh_facets(&self, events: &[Event]) {
        if events.is_empty() {
            return;
        }
        let now = self.now();
        let mut facets = self.facets.write().unwrap_or_else(|p| p.into_inner());
        let fresh = self.read().and_then(|txn| {
            let policies = sla::any_policy(&txn)?;
            for event in events {
                if let Event::TicketChanged(number) = event {
                    let t = tickets::read_ticket(&txn, *number)?;
                    facets.set(&t);
                    if policies {
                        facets.set_sla(t.number, sla::nearest(&txn, &t, now)?);
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = fresh {
            tracing::error!(%e, "the inbox index could not read a changed ticket");
        }
    }

    /// Writes a consistent copy of the database and the attachments' blob store to `dest`
    /// (a folder that must not exist or be empty). The search index is not copied: it is
    /// rebuilt from the copy.
    pub fn backup(&self, dest: &Path) -> Result<()> {
        if dest.exists() && std::fs::read_dir(dest)?.next().is_some() {
            return Err(Error::new(
                ErrorKind::Conflict,
                format!("{} is not empty", dest.display()),
            ));
        }
        if !dest.exists() {
            std::fs::create_dir_all(dest)?;
            private_folder(dest)?;
        }
        // Holding the write lock keeps the file unchanged while it is copied. The copy
        // is a new file, never something already there (such as a planted link).
        let db = self.db.get()?;
        let txn = db.begin_write()?;
        let mut from = std::fs::File::open(db_file(&self.data_dir))?;
        let mut to = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(db_file(dest))?;
        std::io::copy(&mut from, &mut to)?;
        to.sync_all()?;
        txn.abort()?;
        // Outside the lock: blobs never change once written, every one the copy names was
        // written before it, and only unattached uploads' blobs are ever removed.
        files::copy_blobs(&self.data_dir, dest)?;
        let key = secret::key_file(&self.data_dir);
        if key.exists() {
            std::fs::copy(&key, secret::key_file(dest))?;
        }
        Ok(())
    }
}

/// What an operator can do about a database that does not open for want of storage.
fn hint(e: &redb::DatabaseError) -> &'static str {
    let redb::DatabaseError::Storage(redb::StorageError::Io(io)) = e else {
        return "";
    };
    match io.kind() {
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
            " (the data folder is read-only: make it writable for tessera, or choose another with --data-dir)"
        }
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            " (the disk holding the data folder is full: free some space and start tessera again)"
        }
        _ => "",
    }
}

/// Makes `dir` readable by its owner only.
fn private_folder(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let _ = dir;
    Ok(())
}

/// Replaces the database in `data_dir` with the backup in `src` (written by
/// [`Engine::backup`]), with the desk stopped. The database it replaces is kept beside it
/// as `tessera.redb.before-restore-<time>`; the search index is dropped, to be rebuilt
/// from the restored data when the desk starts.
pub fn restore(src: &Path, data_dir: &Path) -> Result<()> {
    let backup = db_file(src);
    if !backup.is_file() {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!(
                "{} holds no backup (no {})",
                src.display(),
                backup.display()
            ),
        ));
    }
    {
        let db = Database::open(&backup).map_err(|e| {
            Error::new(
                ErrorKind::Invalid,
                format!("{} is not a readable backup: {e}", backup.display()),
            )
        })?;
        let version = store::migrate::stored_version(&db)?;
        if version > store::migrate::SCHEMA_VERSION {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "the backup has schema {version}, newer than this build; use a newer tessera"
                ),
            ));
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let current = db_file(data_dir);
    if current.exists() {
        match Database::open(&current) {
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "the desk is running on {}; stop it before restoring",
                        data_dir.display()
                    ),
                ))
            }
            Ok(db) => drop(db),
            // A damaged database is exactly what a restore replaces.
            Err(e) => tracing::warn!(%e, "the database being replaced does not open"),
        }
        let kept = current.with_extension(format!(
            "redb.before-restore-{}",
            Utc::now().format("%Y%m%d-%H%M%S")
        ));
        std::fs::rename(&current, &kept)?;
    }
    let partial = current.with_extension("redb.restoring");
    std::fs::copy(&backup, &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &current)?;
    // The backup's files join the store; blobs already there are the same content.
    files::copy_blobs(src, data_dir)?;
    // The backup's secrets open with the backup's key.
    let key = secret::key_file(src);
    if key.exists() {
        let here = secret::key_file(data_dir);
        if here.exists() {
            std::fs::rename(
                &here,
                here.with_extension(format!(
                    "key.before-restore-{}",
                    Utc::now().format("%Y%m%d-%H%M%S")
                )),
            )?;
        }
        std::fs::copy(&key, &here)?;
    }
    let index = search::index_dir(data_dir);
    if index.exists() {
        std::fs::remove_dir_all(&index)?;
    }
    Ok(())
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Appends a job to the outbox, in the caller's transaction.
fn enqueue(txn: &WriteTransaction, job: &Job) -> Result<()> {
    let mut counters = txn.open_table(tables::COUNTERS)?;
    let seq = store::next_id(&mut counters, "outbox")?;
    let mut outbox = txn.open_table(tables::OUTBOX)?;
    outbox.insert(seq, codec::encode(job)?.as_slice())?;
    Ok(())
}

/// Appends an audit event, in the caller's transaction.
fn audit(
    txn: &WriteTransaction,
    ticket: Option<u64>,
    actor: Actor,
    change: Change,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut counters = txn.open_table(tables::COUNTERS)?;
    let id = store::next_id(&mut counters, "audit")?;
    let record = AuditRecord {
        id,
        ticket,
        actor,
        change,
        at,
    };
    txn.open_table(tables::AUDIT)?
        .insert(id, codec::encode(&record)?.as_slice())?;
    if let Some(t) = ticket {
        txn.open_table(tables::AUDIT_BY_TICKET)?
            .insert((t, id), ())?;
    }
    Ok(())
}
