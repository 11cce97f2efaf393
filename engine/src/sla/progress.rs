//! Working out every open ticket's nearest service-level due for the inbox, in the
//! background: when the engine opens, and again when a policy, the warning share or a
//! calendar changes. Admins see how far it has come.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use model::TicketStatus;
use redb::ReadableDatabase;

use crate::store::{tables, Db};
use crate::tickets::facets::Facets;
use crate::{Clock, Engine, Result};

/// Tickets worked out per turn of the inbox's lock.
const BATCH: usize = 200;

#[derive(Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    /// (running, asked again while running).
    state: Mutex<(bool, bool)>,
    /// Set when the engine shuts down: a pass stops at its next batch.
    stop: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn running(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }
}

/// One pass over the open tickets.
fn pass(db: &Db, facets: &RwLock<Facets>, clock: &dyn Clock, progress: &Progress) -> Result<()> {
    let numbers: Vec<u64> = db.with(|db| {
        let txn = db.begin_read()?;
        // Without a policy no clock runs: nothing to read.
        if !super::any_policy(&txn)? {
            return Ok(Vec::new());
        }
        let by_status = txn.open_table(tables::TICKETS_BY_STATUS)?;
        let mut out = Vec::new();
        for status in TicketStatus::ALL {
            if matches!(status, TicketStatus::Resolved | TicketStatus::Closed) {
                continue;
            }
            let code = status.code();
            for entry in by_status.range((code, 0)..=(code, u64::MAX))? {
                out.push(entry?.0.value().1);
            }
        }
        Ok(out)
    })?;
    progress.total.store(numbers.len(), Ordering::SeqCst);
    progress.done.store(0, Ordering::SeqCst);
    for chunk in numbers.chunks(BATCH) {
        if progress.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        // Read after the lock is taken, as every refresh does: the later read wins.
        let mut f = facets.write().unwrap_or_else(|p| p.into_inner());
        db.with(|db| {
            let txn = db.begin_read()?;
            let policies = super::any_policy(&txn)?;
            let now = clock.now();
            for &n in chunk {
                let t = crate::tickets::read_ticket(&txn, n)?;
                let at = if policies {
                    super::nearest(&txn, &t, now)?
                } else {
                    None
                };
                f.set_sla(n, at);
            }
            Ok(())
        })?;
        drop(f);
        progress.done.fetch_add(chunk.len(), Ordering::SeqCst);
    }
    // Tickets done since (resolved, closed) lose their dues as their commits refresh
    // them; those the pass did not visit and that hold one are cleared here.
    let mut f = facets.write().unwrap_or_else(|p| p.into_inner());
    f.keep_sla_of(&numbers);
    Ok(())
}

impl Engine {
    /// Works out every open ticket's nearest due again, in the background; if a pass is
    /// running, another follows it.
    pub(crate) fn recompute_sla(&self) {
        {
            let mut s = self
                .sla_progress
                .state
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if s.0 {
                s.1 = true;
                return;
            }
            *s = (true, false);
        }
        let (db, facets, clock, progress) = (
            self.db.clone(),
            self.facets.clone(),
            self.clock.clone(),
            self.sla_progress.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("sla-dues".into())
            .spawn(move || loop {
                if let Err(e) = pass(&db, &facets, clock.as_ref(), &progress) {
                    tracing::warn!(error = %e.message(), "service-level dues were not worked out");
                }
                let mut s = progress.state.lock().unwrap_or_else(|p| p.into_inner());
                if s.1 {
                    s.1 = false;
                    continue;
                }
                s.0 = false;
                break;
            });
        if let Err(e) = spawned {
            tracing::error!(%e, "could not work out service-level dues");
            *self
                .sla_progress
                .state
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = (false, false);
        }
    }

    /// How far working out the open tickets' dues has come: (done, of), while it runs.
    pub fn sla_recompute_progress(&self) -> Option<(usize, usize)> {
        let p = &self.sla_progress;
        p.running().then(|| {
            (
                p.done.load(Ordering::SeqCst),
                p.total.load(Ordering::SeqCst),
            )
        })
    }

    /// Stops working out dues (the engine shuts down) and waits for the pass to end.
    pub(crate) fn stop_sla(&self) {
        self.sla_progress.stop.store(true, Ordering::SeqCst);
        self.wait_for_sla(Duration::from_secs(30));
    }

    /// Waits until the dues are worked out; false on timeout.
    pub fn wait_for_sla(&self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while self.sla_progress.running() {
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        true
    }
}
