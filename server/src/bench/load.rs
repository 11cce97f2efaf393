//! `--load`: many people at once against the release binary. Agents (50 by default)
//! browse the inbox, open tickets and search, while customers (20) submit tickets
//! through the portal, each as fast as the desk answers. Prints requests per second
//! and latency per route, the failures (any answer but 200), and the desk's memory.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http;

/// Who takes part, and for how long.
pub struct Load {
    pub agents: usize,
    pub customers: usize,
    pub seconds: u64,
}

/// What one route saw.
#[derive(Default)]
struct Route {
    times: Vec<Duration>,
    failures: BTreeMap<u16, usize>,
}

type Tally = Arc<Mutex<BTreeMap<&'static str, Route>>>;

fn record(tally: &Tally, route: &'static str, status: u16, took: Duration) {
    let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
    let r = t.entry(route).or_default();
    r.times.push(took);
    if status != 200 {
        *r.failures.entry(status).or_default() += 1;
    }
}

/// Runs the load against the desk at `base` (pid `desk`) with the agents' `cookies`;
/// `tickets` is how many tickets the desk holds and `queries` what agents search for.
/// Returns the number of failed requests.
pub fn run(
    base: &str,
    desk: u32,
    cookies: &[String],
    tickets: u64,
    queries: &[String],
    load: &Load,
) -> usize {
    let tally: Tally = Arc::default();
    let running = Arc::new(AtomicBool::new(true));
    let peak_rss = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for i in 0..load.agents {
        let (base, cookie, tally, running) = (
            base.to_string(),
            cookies[i % cookies.len()].clone(),
            tally.clone(),
            running.clone(),
        );
        let queries = queries.to_vec();
        threads.push(std::thread::spawn(move || {
            let mut n = i as u64;
            while running.load(Ordering::Relaxed) {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let (route, path): (&'static str, String) = match n >> 61 {
                    0..=2 => ("inbox", "/agent".into()),
                    3 => ("inbox, filtered", "/agent?status=new&sort=oldest".into()),
                    4 | 5 => (
                        "ticket page",
                        format!("/agent/tickets/{}", 1 + (n >> 20) % tickets.max(1)),
                    ),
                    _ => (
                        "search",
                        format!(
                            "/agent/search?q={}",
                            http::encode(&queries[(n >> 24) as usize % queries.len()])
                        ),
                    ),
                };
                let t = Instant::now();
                let status = http::get(&base, &path, &cookie).map_or(0, |r| r.0);
                record(&tally, route, status, t.elapsed());
            }
        }));
    }
    for i in 0..load.customers {
        let (base, tally, running) = (base.to_string(), tally.clone(), running.clone());
        threads.push(std::thread::spawn(move || {
            let mut n = 0u64;
            while running.load(Ordering::Relaxed) {
                n += 1;
                let t = Instant::now();
                let status = http::create_ticket(
                    &base,
                    &format!("Customer {i}"),
                    &format!("customer{i}@example.com"),
                    &format!("Order {i}-{n} has not arrived"),
                    "Hello, my parcel is late. Could you look into it? Thank you.",
                )
                .unwrap_or(0);
                record(&tally, "portal: new ticket", status, t.elapsed());
            }
        }));
    }
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(load.seconds) {
        peak_rss.fetch_max(crate::rss_kib(desk), Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(100));
    }
    running.store(false, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let tally = std::mem::take(&mut *tally.lock().unwrap_or_else(|p| p.into_inner()));
    println!(
        "\nLoad — {} agents and {} customers for {:.0} s against {} tickets",
        load.agents, load.customers, elapsed, tickets
    );
    println!(
        "  {:<20} {:>9} {:>10} {:>10} {:>10}  failures",
        "route", "requests", "req/s", "p50 ms", "p99 ms"
    );
    let mut failed = 0;
    let mut total = 0;
    for (route, r) in tally {
        let n = r.times.len();
        total += n;
        failed += r.failures.values().sum::<usize>();
        let (p50, p99) = crate::percentiles(r.times);
        println!(
            "  {route:<20} {n:>9} {:>10.0} {p50:>10.2} {p99:>10.2}  {:?}",
            n as f64 / elapsed,
            r.failures
        );
    }
    println!(
        "  {:<20} {total:>9} {:>10.0}",
        "all",
        total as f64 / elapsed
    );
    println!(
        "  desk RSS, peak under load {:>9.1} MiB",
        peak_rss.load(Ordering::Relaxed) as f64 / 1024.0
    );
    failed
}
