//! How often one client may try something: signing in (per account *and* address, so a
//! stranger cannot lock the real owner out), and writing tickets and replies in the
//! portal (per address, and per ticket). The portal's limits are GCRA limits from
//! governor, on the engine's own clock so tests move time by hand. Sign-in needs what
//! a GCRA cell cannot give back: an attempt is reserved before the password is checked
//! (so parallel guesses cannot slip past the limit) and only a failure keeps counting,
//! so an owner who signs in often is never locked out by their own successes. Every
//! table of keys is bounded in size.

use std::collections::{HashMap, VecDeque};
use std::fmt::Debug;
use std::hash::Hash;
use std::num::NonZeroU32;
use std::ops::Add;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use governor::clock::{Clock as GovernorClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::clock::Clock;
use crate::{Error, ErrorKind, Result};

/// Sign-in attempts allowed per account and address within [`SIGN_IN_WINDOW`].
pub const SIGN_IN_ATTEMPTS: u32 = 5;
/// The window over which sign-in attempts are counted.
pub const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Sign-in attempts one address may make per [`SIGN_IN_WINDOW`], whatever the account:
/// room for an office behind one address (successes count too), while one attacker
/// cycling through accounts fills the tables only slowly.
pub const SIGN_IN_ATTEMPTS_PER_ADDRESS: u32 = 300;
/// The most keys one limiter remembers; past it, stale keys are dropped, and if the table
/// is still full the attempt is refused (an attacker cycling through keys gets nothing).
pub const MAX_KEYS: usize = 50_000;

/// How much the portal accepts from one address or for one ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortalLimits {
    /// New tickets per address per hour.
    pub tickets_per_hour: u32,
    /// Customer replies per address, and per ticket, per hour.
    pub replies_per_hour: u32,
}

impl Default for PortalLimits {
    fn default() -> Self {
        PortalLimits {
            tickets_per_hour: 20,
            replies_per_hour: 60,
        }
    }
}

/// An instant on the engine's clock, in nanoseconds since 1970.
#[derive(Debug, Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(u64);

impl Add<Nanos> for Instant {
    type Output = Self;
    fn add(self, other: Nanos) -> Self {
        Instant(self.0.saturating_add(other.as_u64()))
    }
}

impl Reference for Instant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        Nanos::from(self.0.saturating_sub(earlier.0))
    }
    fn saturating_sub(&self, duration: Nanos) -> Self {
        Instant(self.0.saturating_sub(duration.as_u64()))
    }
}

/// The engine's clock, as governor wants one.
#[derive(Clone)]
pub struct EngineClock(pub Arc<dyn Clock>);

impl GovernorClock for EngineClock {
    type Instant = Instant;
    fn now(&self) -> Instant {
        let nanos = self.0.now().timestamp_nanos_opt().unwrap_or(0).max(0);
        Instant(nanos as u64)
    }
}

/// One keyed limit.
struct Limiter<K: Hash + Eq + Clone> {
    inner: RateLimiter<K, DashMapStateStore<K>, EngineClock, NoOpMiddleware<Instant>>,
    clock: EngineClock,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// `count` attempts per `window`, refilled evenly.
    fn new(count: u32, window: Duration, clock: EngineClock) -> Self {
        let count = NonZeroU32::new(count.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = window / count.get();
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(count))
            .allow_burst(count);
        Limiter {
            inner: RateLimiter::new(quota, DashMapStateStore::default(), clock.clone()),
            clock,
        }
    }

    /// Counts an attempt for `key`; how long to wait when there are none left.
    fn check(&self, key: &K) -> std::result::Result<(), Duration> {
        if self.inner.len() >= MAX_KEYS {
            self.inner.retain_recent();
            self.inner.shrink_to_fit();
            if self.inner.len() >= MAX_KEYS {
                return Err(Duration::from_secs(60));
            }
        }
        self.inner
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    fn len(&self) -> usize {
        self.inner.len()
    }
}

/// Every limit the engine applies to clients.
pub struct Throttle {
    sign_in: SignInGuard,
    sign_in_address: Limiter<String>,
    portal_tickets: Limiter<String>,
    portal_replies: Limiter<String>,
    ticket_replies: Limiter<u64>,
}

fn refuse(wait: Duration, what: &str) -> Error {
    let secs = wait.as_secs().max(1);
    let minutes = secs.div_ceil(60);
    Error::new(
        ErrorKind::TooManyRequests,
        format!("{what}. Try again in {minutes} minutes."),
    )
    .with_retry_after(secs)
}

/// Keys are cut to a sane length before they are kept: a 2 MB "email" costs no more
/// than a real one.
fn bounded(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

impl Throttle {
    pub fn new(clock: Arc<dyn Clock>, portal: PortalLimits) -> Self {
        let clock = EngineClock(clock);
        let hour = Duration::from_secs(3600);
        Throttle {
            sign_in: SignInGuard {
                clock: clock.0.clone(),
                keys: Mutex::new(HashMap::new()),
            },
            sign_in_address: Limiter::new(
                SIGN_IN_ATTEMPTS_PER_ADDRESS,
                SIGN_IN_WINDOW,
                clock.clone(),
            ),
            portal_tickets: Limiter::new(portal.tickets_per_hour, hour, clock.clone()),
            portal_replies: Limiter::new(portal.replies_per_hour, hour, clock.clone()),
            ticket_replies: Limiter::new(portal.replies_per_hour, hour, clock),
        }
    }

    /// Reserves a sign-in attempt for `email` from `client`, before the password is
    /// checked. The attempt counts as failed unless [`Attempt::succeeded`] is called.
    pub fn sign_in(&self, email: &str, client: &str) -> Result<Attempt<'_>> {
        let key = (
            bounded(email, model::limits::EMAIL_MAX_BYTES),
            bounded(client, 64),
        );
        self.sign_in.begin(key)
    }

    /// Counts a sign-in attempt from `client`, whatever the account.
    pub fn sign_in_from(&self, client: &str) -> Result<()> {
        self.sign_in_address
            .check(&bounded(client, 64))
            .map_err(|wait| refuse(wait, "Too many sign-ins from this address"))
    }

    /// Counts a new portal ticket from `client`.
    pub fn portal_ticket(&self, client: &str) -> Result<()> {
        self.portal_tickets
            .check(&bounded(client, 64))
            .map_err(|wait| refuse(wait, "Too many new requests from this address"))
    }

    /// Counts a customer reply from `client` (to any ticket, with any key).
    pub fn portal_reply(&self, client: &str) -> Result<()> {
        self.portal_replies
            .check(&bounded(client, 64))
            .map_err(|wait| refuse(wait, "Too many replies from this address"))
    }

    /// Counts a reply to ticket `number` by someone holding its private link (so that
    /// strangers guessing numbers cannot use up a customer's replies).
    pub fn ticket_reply(&self, number: u64) -> Result<()> {
        self.ticket_replies
            .check(&number)
            .map_err(|wait| refuse(wait, "Too many replies to this request"))
    }

    /// How many keys the limits remember (for tests and metrics).
    pub fn remembered(&self) -> usize {
        self.sign_in.len()
            + self.sign_in_address.len()
            + self.portal_tickets.len()
            + self.portal_replies.len()
            + self.ticket_replies.len()
    }
}

/// Failed sign-ins and attempts under way, per (account, address).
struct SignInGuard {
    clock: Arc<dyn Clock>,
    keys: Mutex<HashMap<(String, String), Tries>>,
}

#[derive(Default)]
struct Tries {
    /// When recent attempts failed, oldest first.
    failed: VecDeque<DateTime<Utc>>,
    /// Attempts whose password is being checked now.
    checking: u32,
}

/// A reserved sign-in attempt; counts as a failure when dropped, unless it succeeded.
pub struct Attempt<'a> {
    guard: &'a SignInGuard,
    key: Option<(String, String)>,
}

impl Attempt<'_> {
    /// The password was right: this attempt does not count against the account.
    pub fn succeeded(mut self) {
        if let Some(key) = self.key.take() {
            self.guard.finish(key, true);
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.guard.finish(key, false);
        }
    }
}

impl SignInGuard {
    fn window() -> chrono::Duration {
        chrono::Duration::from_std(SIGN_IN_WINDOW).unwrap_or(chrono::Duration::minutes(15))
    }

    fn begin(&self, key: (String, String)) -> Result<Attempt<'_>> {
        let now = self.clock.now();
        let since = now - Self::window();
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if keys.len() >= MAX_KEYS && !keys.contains_key(&key) {
            keys.retain(|_, t| {
                t.failed.retain(|at| *at > since);
                t.checking > 0 || !t.failed.is_empty()
            });
            // Still full: forget the idle keys whose last failure is oldest, rather than
            // refuse everyone (the per-address limit keeps one client from filling it).
            if keys.len() >= MAX_KEYS {
                let mut idle: Vec<_> = keys
                    .iter()
                    .filter(|(_, t)| t.checking == 0)
                    .map(|(k, t)| (t.failed.back().copied(), k.clone()))
                    .collect();
                idle.sort();
                for (_, k) in idle.into_iter().take(keys.len() + 1 - MAX_KEYS) {
                    keys.remove(&k);
                }
            }
        }
        let tries = keys.entry(key.clone()).or_default();
        tries.failed.retain(|at| *at > since);
        if tries.failed.len() + tries.checking as usize >= SIGN_IN_ATTEMPTS as usize {
            let wait = tries
                .failed
                .front()
                .map(|oldest| {
                    (*oldest + Self::window() - now)
                        .to_std()
                        .unwrap_or_default()
                })
                .unwrap_or(Duration::from_secs(1));
            return Err(refuse(wait, "Too many sign-ins for this account from here"));
        }
        tries.checking += 1;
        Ok(Attempt {
            guard: self,
            key: Some(key),
        })
    }

    fn finish(&self, key: (String, String), success: bool) {
        let now = self.clock.now();
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tries) = keys.get_mut(&key) {
            tries.checking = tries.checking.saturating_sub(1);
            if success {
                tries.failed.clear();
            } else {
                tries.failed.push_back(now);
            }
            if tries.checking == 0 && tries.failed.is_empty() {
                keys.remove(&key);
            }
        }
    }

    fn len(&self) -> usize {
        self.keys.lock().map(|k| k.len()).unwrap_or(0)
    }
}
