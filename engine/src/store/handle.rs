//! The open database, reopened after its storage failed and works again. After an I/O
//! error redb refuses to write until the database is reopened (which repairs it from its
//! last commit), so a full disk would otherwise need a restart even once space is freed.
//! While the storage still fails, the failed database stays open for reading.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use redb::Database;

use crate::{Error, ErrorKind, Result};

/// How long closing waits for work still using the failed database.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// How often the storage is tried again while it fails.
const TRY_EVERY: Duration = Duration::from_secs(1);

/// How much of the database redb keeps in memory. Its default (1 GiB) would let a
/// large desk's memory grow with its data; pages beyond this come from the OS's file
/// cache, which the kernel can take back.
pub const CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Opens (or creates) the database file with a bounded cache.
pub fn open(file: &Path) -> Result<Database, redb::DatabaseError> {
    redb::Builder::new()
        .set_cache_size(CACHE_BYTES)
        .create(file)
}

/// How much the storage must take to count as working again: room for a commit.
const PROBE_SIZE: usize = 256 * 1024;

/// The database of a data folder, shared by the engine's threads.
pub struct Db {
    file: PathBuf,
    current: RwLock<Option<Arc<Database>>>,
    /// Set when the storage failed a write: the database must be reopened once the
    /// storage takes writes again.
    failed: AtomicBool,
    last_try: Mutex<Option<Instant>>,
}

impl Db {
    pub fn new(file: &Path, db: Database) -> Self {
        Db {
            file: file.to_path_buf(),
            current: RwLock::new(Some(Arc::new(db))),
            failed: AtomicBool::new(false),
            last_try: Mutex::new(None),
        }
    }

    /// The database; after a storage failure, reopened first if the storage works again.
    pub fn get(&self) -> Result<Arc<Database>> {
        if self.failed.load(Ordering::Acquire) && self.time_to_try() && self.storage_works() {
            let failed = self
                .current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            if let Some(db) = failed {
                self.close_failed(db);
            }
        }
        if let Some(db) = &*self.current.read().unwrap_or_else(|p| p.into_inner()) {
            return Ok(db.clone());
        }
        self.reopen()
    }

    /// Runs `f` on the database, noting a failure of its storage.
    pub fn with<T>(&self, f: impl FnOnce(&Database) -> Result<T>) -> Result<T> {
        let result = f(&*self.get()?);
        if let Err(e) = &result {
            if e.kind() == ErrorKind::Storage {
                self.failed.store(true, Ordering::Release);
            }
        }
        result
    }

    /// Whether a second has passed since the storage was last tried.
    fn time_to_try(&self) -> bool {
        let mut last = self.last_try.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_some_and(|t| t.elapsed() < TRY_EVERY) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }

    /// Whether the data folder takes a write of a few pages again.
    fn storage_works(&self) -> bool {
        let probe = self.file.with_extension("probe");
        let result = (|| {
            let mut f = std::fs::File::create(&probe)?;
            f.write_all(&[0u8; PROBE_SIZE])?;
            f.sync_all()
        })();
        let _ = std::fs::remove_file(&probe);
        result.is_ok()
    }

    /// Closes `failed` (if it is still the current database) once nothing else uses it.
    fn close_failed(&self, failed: Arc<Database>) {
        let mut slot = self.current.write().unwrap_or_else(|p| p.into_inner());
        if !slot.as_ref().is_some_and(|db| Arc::ptr_eq(db, &failed)) {
            return;
        }
        drop(failed);
        let Some(mut db) = slot.take() else {
            return;
        };
        let deadline = Instant::now() + CLOSE_WAIT;
        loop {
            match Arc::try_unwrap(db) {
                Ok(db) => {
                    drop(db);
                    tracing::warn!("closed the database after a storage failure");
                    break;
                }
                Err(shared) if Instant::now() < deadline => {
                    db = shared;
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(shared) => {
                    // Still in use: keep it, the next failure tries again.
                    *slot = Some(shared);
                    return;
                }
            }
        }
        drop(slot);
        *self.last_try.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let _ = self.reopen();
    }

    fn reopen(&self) -> Result<Arc<Database>> {
        let mut slot = self.current.write().unwrap_or_else(|p| p.into_inner());
        if let Some(db) = &*slot {
            return Ok(db.clone());
        }
        if !self.time_to_try() {
            return Err(Error::storage_unavailable());
        }
        let db = match open(&self.file) {
            Ok(db) => Arc::new(db),
            // Reads begun before the close still hold the file; they end soon.
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(Error::storage_unavailable())
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(file = %self.file.display(), "reopened the database");
        self.failed.store(false, Ordering::Release);
        *slot = Some(db.clone());
        Ok(db)
    }
}
