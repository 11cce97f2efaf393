//! `tessera-bench` (run by `cargo xtask bench`): seeds a data folder with N realistic
//! multilingual tickets and prints what matters to a person waiting: durable ticket
//! creations per second, inbox and search latency in the engine and over HTTP, memory,
//! and the sizes of what is shipped.

mod corpus;
mod http;
mod load;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use engine::Engine;
use model::{Channel, NewAgent};

struct Args {
    tickets: usize,
    /// Published articles for the help center and suggestions.
    articles: usize,
    corpus: Option<PathBuf>,
    queries: Option<PathBuf>,
    /// Instead of the single-client figures: many agents and customers at once.
    load: Option<load::Load>,
}

/// Raw emails ingested for the intake figure.
const MAILS: usize = 3_000;

/// Tickets per transaction when seeding through the batched import.
const IMPORT_BATCH: usize = 5_000;

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        tickets: 100_000,
        articles: 100_000,
        corpus: None,
        queries: None,
        load: None,
    };
    let mut load = load::Load {
        agents: 50,
        customers: 20,
        seconds: 30,
    };
    let mut it = std::env::args().skip(1);
    let mut under_load = false;
    while let Some(a) = it.next() {
        match a.as_str() {
            "--tickets" => args.tickets = it.next().context("--tickets N")?.parse()?,
            "--articles" => args.articles = it.next().context("--articles N")?.parse()?,
            "--corpus" => args.corpus = Some(it.next().context("--corpus FILE")?.into()),
            "--queries" => args.queries = Some(it.next().context("--queries FILE")?.into()),
            "--load" => under_load = true,
            "--agents" => load.agents = it.next().context("--agents N")?.parse()?,
            "--customers" => load.customers = it.next().context("--customers N")?.parse()?,
            "--seconds" => load.seconds = it.next().context("--seconds N")?.parse()?,
            other => {
                bail!("unknown argument {other}; use --tickets N, --articles N, --corpus FILE, --queries FILE, --load [--agents N --customers N --seconds N]")
            }
        }
    }
    if under_load {
        anyhow::ensure!(load.agents > 0, "--agents must be at least 1");
        args.load = Some(load);
    }
    Ok(args)
}

/// p50 and p99 of the durations, in milliseconds.
pub(crate) fn percentiles(mut d: Vec<Duration>) -> (f64, f64) {
    if d.is_empty() {
        return (0.0, 0.0);
    }
    d.sort();
    let at = |p: f64| d[((d.len() as f64 * p) as usize).min(d.len() - 1)].as_secs_f64() * 1000.0;
    (at(0.50), at(0.99))
}

pub(crate) fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let tickets = match &args.corpus {
        Some(path) => corpus::from_file(path)?,
        None => corpus::generate(args.tickets),
    };
    let queries = match &args.queries {
        Some(path) => std::fs::read_to_string(path)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        None => corpus::default_queries(),
    };
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    println!("Seeding {} tickets into {}", tickets.len(), data.display());

    let engine = Engine::open(&data).map_err(|e| anyhow::anyhow!("{e}"))?;
    let password = "bench password 123";
    let admin = engine
        .create_agent(
            None,
            &NewAgent {
                name: "Bench Agent".into(),
                email: "bench@desk.example".into(),
                password: password.into(),
                admin: true,
            },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    // Most tickets arrive through the batched import; a sample is then created one
    // durable transaction at a time, as customers create them.
    let sample = tickets.len().min(2_000);
    let (bulk, singles) = tickets.split_at(tickets.len() - sample);
    let start = Instant::now();
    let mut last_report = Instant::now();
    let mut done = 0;
    for batch in bulk.chunks(IMPORT_BATCH) {
        engine
            .import_tickets(batch, Channel::Email)
            .map_err(|e| anyhow::anyhow!("import: {e} {:?}", e.fields()))?;
        done += batch.len();
        if last_report.elapsed() > Duration::from_secs(10) {
            eprintln!("  {done} of {} tickets", tickets.len());
            last_report = Instant::now();
        }
    }
    let import_seconds = start.elapsed().as_secs_f64();
    let import_rate = bulk.len() as f64 / import_seconds.max(1e-9);
    let start = Instant::now();
    for (i, t) in singles.iter().enumerate() {
        engine
            .create_ticket(t, Channel::Portal)
            .map_err(|e| anyhow::anyhow!("ticket {i}: {e} {:?}", e.fields()))?;
    }
    let seconds = start.elapsed().as_secs_f64();
    let rate = singles.len() as f64 / seconds.max(1e-9);
    // The bench agent has some tickets of their own, spread over the range.
    let step = (tickets.len() / 500).max(1);
    for number in (1..=tickets.len() as u64).step_by(step) {
        engine
            .assign(admin, number, Some(admin))
            .map_err(|e| anyhow::anyhow!("assign {number}: {e}"))?;
    }
    let index_start = Instant::now();
    if !engine
        .wait_for_index(Duration::from_secs(3600))
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        bail!("the index did not catch up");
    }
    let index_lag = index_start.elapsed().as_secs_f64();
    let seed_rss = rss_kib(std::process::id());

    // Fields spread over the range, so the inbox's filters have something to find:
    // a department, urgent and high priorities, a tag.
    let billing = engine
        .save_department(
            admin,
            &model::Department {
                id: 0,
                name: "Billing".into(),
                leader: Some(admin),
                members: Vec::new(),
            },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    let spread = (tickets.len() / 400).max(1);
    for (i, number) in (1..=tickets.len() as u64).step_by(spread).enumerate() {
        let done = match i % 4 {
            0 => engine.set_priority(admin, number, model::Priority::Urgent),
            1 => engine.set_department(admin, number, Some(billing)),
            2 => engine.set_tags(admin, number, &["vip".to_string()]),
            _ => engine.set_priority(admin, number, model::Priority::High),
        };
        done.map_err(|e| anyhow::anyhow!("spread {number}: {e}"))?;
    }
    let vip = engine
        .tags()
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .find(|t| t.name == "vip")
        .map_or(0, |t| t.id);
    let filters: Vec<(String, model::InboxFilter)> = [
        ("all".to_string(), String::new()),
        ("status new".into(), "status=new".into()),
        ("urgent".into(), "priority=urgent".into()),
        ("department".into(), format!("department={billing}")),
        ("tag".into(), format!("tag={vip}")),
        (
            "unassigned, open".into(),
            "assigned=unassigned&status=open".into(),
        ),
        ("mine".into(), "assigned=mine".into()),
    ]
    .into_iter()
    .map(|(name, q)| (name, model::InboxFilter::from_query(&q)))
    .collect();
    let mut inbox_engine: Vec<(String, Vec<Duration>)> = Vec::new();
    for sort in model::Sort::ALL {
        let mut times = Vec::new();
        for round in 0..25 {
            for (_, f) in &filters {
                let f = model::InboxFilter { sort, ..f.clone() };
                let t = Instant::now();
                let page = engine
                    .inbox(admin, &f, 0, 50)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                if round >= 5 {
                    times.push(t.elapsed());
                }
                std::hint::black_box(page);
            }
        }
        inbox_engine.push((sort.slug().to_string(), times));
    }

    // The search and the bare tantivy query beneath it, side by side on the same index:
    // the same words, top 20; the search adds filters, access, records and snippets.
    let mut engine_times = Vec::new();
    let mut bare_times = Vec::new();
    let mut hits = 0usize;
    for round in 0..12 {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(
                engine
                    .search_bare(q, 20)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            );
            let bare = t.elapsed();
            let t = Instant::now();
            let found = engine
                .search(admin, q, 20)
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .len();
            let full = t.elapsed();
            if round >= 2 {
                hits += found;
                bare_times.push(bare);
                engine_times.push(full);
            }
        }
    }

    {
        let (e50, e99) = percentiles(engine_times.clone());
        let (b50, b99) = percentiles(bare_times.clone());
        println!("  search, engine alone       p50 {e50:>7.2} ms   p99 {e99:>7.2} ms   (top 20, snippets and highlights)");
        println!("  bare tantivy top-20 query  p50 {b50:>7.2} ms   p99 {b99:>7.2} ms   (the same query, same index)");
        println!(
            "    search / bare             p50 {:>7.2} x    p99 {:>7.2} x",
            e50 / b50.max(1e-9),
            e99 / b99.max(1e-9)
        );
    }
    // Email intake: raw messages parsed, stored with their original and indexed, one
    // durable transaction each, as a mailbox or a mail server's pipe delivers them.
    let mails: Vec<Vec<u8>> = tickets
        .iter()
        .take(MAILS)
        .enumerate()
        .map(|(i, t)| {
            format!(
                "From: {} <{}>\r\nTo: support@desk.example\r\nSubject: {}\r\nMessage-ID: <bench-{i}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
                t.name, t.email, t.subject, t.body
            )
            .into_bytes()
        })
        .collect();
    let t = Instant::now();
    for m in &mails {
        engine
            .ingest_mail(m)
            .map_err(|e| anyhow::anyhow!("ingest: {e}"))?;
    }
    if !engine
        .wait_for_index(Duration::from_secs(600))
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        bail!("the index did not catch up with the mail");
    }
    let ingest_seconds = t.elapsed().as_secs_f64();
    let ingest_rate = mails.len() as f64 / ingest_seconds.max(1e-9);
    println!(
        "  email ingest               {ingest_rate:>10.0} messages/s ({} parsed, stored with their original and indexed in {ingest_seconds:.1} s; target 300)",
        mails.len()
    );
    // The knowledge base: articles in five languages, imported in batches.
    let t = Instant::now();
    let articles = corpus::articles(args.articles);
    for batch in articles.chunks(IMPORT_BATCH) {
        engine
            .import_articles(admin, batch)
            .map_err(|e| anyhow::anyhow!("articles: {e} {:?}", e.fields()))?;
    }
    let articles_seconds = t.elapsed().as_secs_f64();
    let suggestion_texts = corpus::suggestion_texts();
    let mut kb_engine_times = Vec::new();
    for round in 0..6 {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(
                engine
                    .search_articles(q, true, 10)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            );
            if round >= 1 {
                kb_engine_times.push(t.elapsed());
            }
        }
    }
    if let Some(load) = &args.load {
        // Agents of their own, each signed in once, as a team would be.
        for i in 1..load.agents.min(50) {
            engine
                .create_agent(
                    None,
                    &NewAgent {
                        name: format!("Agent {i}"),
                        email: format!("agent{i}@desk.example"),
                        password: password.into(),
                        admin: false,
                    },
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    drop(engine);
    // Opening reads every ticket once to build the inbox's index in memory.
    let t = Instant::now();
    let engine = Engine::open(&data).map_err(|e| anyhow::anyhow!("{e}"))?;
    let open_seconds = t.elapsed().as_secs_f64();
    let rules = rules_and_levels(&engine, admin, args.tickets.min(500))?;
    engine.shutdown();
    drop(engine);
    println!(
        "  engine opens in            {open_seconds:>10.2} s   (inbox index built from {} tickets)",
        tickets.len()
    );
    rules.print();
    println!("  inbox, engine alone, {} filters each:", filters.len());
    for (sort, times) in &inbox_engine {
        let (p50, p99) = percentiles(times.clone());
        println!("    sorted by {sort:<15} p50 {p50:>7.2} ms   p99 {p99:>7.2} ms");
    }

    if let Some(load) = &args.load {
        println!("  batched import             {import_rate:>10.0} tickets/s   ({} in {import_seconds:.1} s, {IMPORT_BATCH} a transaction)", bulk.len());
        println!("  durable ticket creations   {rate:>10.0} /s   ({} one by one, one fsynced transaction each)", singles.len());
        println!("  index caught up after      {index_lag:>10.1} s   after the last creation");
        let (server, base) = http::start(&data, &["--portal-tickets-per-hour", "100000000"])?;
        let mut cookies = vec![http::sign_in(&base, "bench@desk.example", password)?];
        for i in 1..load.agents.min(50) {
            cookies.push(http::sign_in(
                &base,
                &format!("agent{i}@desk.example"),
                password,
            )?);
        }
        let idle = rss_kib(server.id());
        let failed = load::run(
            &base,
            server.id(),
            &cookies,
            tickets.len() as u64,
            &queries,
            load,
        );
        println!(
            "  desk RSS, idle before      {:>9.1} MiB",
            idle as f64 / 1024.0
        );
        println!(
            "  desk RSS, after the load   {:>9.1} MiB",
            rss_kib(server.id()) as f64 / 1024.0
        );
        http::stop(server);
        if failed > 0 {
            bail!("{failed} requests failed under load");
        }
        return Ok(());
    }

    let (server, base) = http::start(&data, &[])?;
    let cookie = http::sign_in(&base, "bench@desk.example", password)?;
    // The inbox as agents filter it: all (waiting longest first, the default; newest
    // first), one status, nobody's, their own, and by priority, department, update.
    const INBOX_VIEWS: [(&str, &str); 8] = [
        ("all, waiting longest", "/agent"),
        ("all, newest", "/agent?sort=newest"),
        ("new, oldest first", "/agent?status=new&sort=oldest"),
        ("nobody's, waiting longest", "/agent?assigned=unassigned"),
        ("mine, oldest first", "/agent?assigned=mine&sort=oldest"),
        ("urgent, waiting longest", "/agent?priority=urgent"),
        (
            "department, by priority",
            "/agent?department=1&sort=priority",
        ),
        ("open, last updated", "/agent?status=open&sort=updated"),
    ];
    let mut inbox_times = Vec::new();
    let mut view_times: Vec<Vec<Duration>> = vec![Vec::new(); INBOX_VIEWS.len()];
    for round in 0..60 {
        for (i, (_, path)) in INBOX_VIEWS.iter().enumerate() {
            let t = Instant::now();
            let (status, body) = http::get(&base, path, &cookie)?;
            let took = t.elapsed();
            if round >= 10 {
                view_times[i].push(took);
                inbox_times.push(took);
            }
            if status != 200 || !body.contains("<main") {
                bail!("inbox page {path} failed: {status}");
            }
        }
    }
    let mut search_times = Vec::new();
    for _ in 0..3 {
        for q in &queries {
            let path = format!("/agent/search?q={}", http::encode(q));
            let t = Instant::now();
            let (status, _) = http::get(&base, &path, &cookie)?;
            search_times.push(t.elapsed());
            if status != 200 {
                bail!("search page failed: {status}");
            }
        }
    }
    // The help center as customers use it: search as they type (the server function),
    // the search page itself, and suggestions beside a ticket being written.
    let mut help_times = Vec::new();
    let mut help_page_times = Vec::new();
    let mut suggest_times = Vec::new();
    for round in 0..6 {
        for q in &queries {
            let t = Instant::now();
            let (status, body) = http::post_form(
                &base,
                "/api/help/search",
                &format!("query={}", http::encode(q)),
            )?;
            let took = t.elapsed();
            if status != 200 || !body.starts_with('[') {
                bail!("help search failed: {status} {body}");
            }
            let t = Instant::now();
            let (status, _) = http::get(&base, &format!("/help?q={}", http::encode(q)), "")?;
            let page = t.elapsed();
            if status != 200 {
                bail!("help page failed: {status}");
            }
            if round >= 1 {
                help_times.push(took);
                help_page_times.push(page);
            }
        }
        for text in &suggestion_texts {
            let t = Instant::now();
            let (status, body) = http::post_form(
                &base,
                "/api/help/suggest",
                &format!("text={}", http::encode(text)),
            )?;
            let took = t.elapsed();
            if status != 200 || !body.starts_with('[') {
                bail!("suggestions failed: {status} {body}");
            }
            if round >= 1 {
                suggest_times.push(took);
            }
        }
    }
    // 400 clients guess passwords at once while an agent browses the inbox.
    let flooding = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flood: Vec<_> = (0..400)
        .map(|i| {
            let (base, flooding) = (base.clone(), flooding.clone());
            std::thread::spawn(move || {
                let mut answers = Vec::new();
                let client = format!("198.18.{}.{}", i / 200, i % 200 + 1);
                while flooding.load(std::sync::atomic::Ordering::Relaxed) && answers.len() < 20 {
                    let email = format!("guess{i}@desk.example");
                    answers.push(
                        http::sign_in_from(&base, &client, &email, "wrong guess").unwrap_or(0),
                    );
                }
                answers
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut flood_times = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let (status, _) = http::get(&base, "/agent", &cookie)?;
        flood_times.push(t.elapsed());
        if status != 200 {
            bail!("inbox page failed during the flood: {status}");
        }
    }
    flooding.store(false, std::sync::atomic::Ordering::Relaxed);
    let mut answered = std::collections::BTreeMap::<u16, usize>::new();
    for t in flood {
        for status in t.join().unwrap_or_default() {
            *answered.entry(status).or_default() += 1;
        }
    }
    let server_rss = rss_kib(server.id());
    http::stop(server);

    let bin = std::env::var("TESSERA_BIN").unwrap_or_default();
    let site = PathBuf::from(std::env::var("TESSERA_SITE").unwrap_or_default());
    let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1024.0;

    let (e50, e99) = percentiles(engine_times);
    let (b50, b99) = percentiles(bare_times);
    let (k50, k99) = percentiles(kb_engine_times);
    let (h50, h99) = percentiles(help_times);
    let (hp50, hp99) = percentiles(help_page_times);
    let (g50, g99) = percentiles(suggest_times);
    let (i50, i99) = percentiles(inbox_times);
    let (s50, s99) = percentiles(search_times);
    let (f50, f99) = percentiles(flood_times);
    println!(
        "\nTessera benchmark — {} tickets, {} queries ({} hits in the engine runs)",
        tickets.len(),
        queries.len(),
        hits
    );
    println!("  batched import             {import_rate:>10.0} tickets/s   ({} in {import_seconds:.1} s, {IMPORT_BATCH} a transaction)", bulk.len());
    println!("  durable ticket creations   {rate:>10.0} /s   ({} one by one, one fsynced transaction each)", singles.len());
    println!("  index caught up after      {index_lag:>10.1} s   after the last creation");
    println!("  inbox page over HTTP       p50 {i50:>7.2} ms   p99 {i99:>7.2} ms");
    for ((name, _), times) in INBOX_VIEWS.iter().zip(view_times) {
        let (p50, p99) = percentiles(times);
        println!("    {name:<24} p50 {p50:>7.2} ms   p99 {p99:>7.2} ms");
    }
    println!("  search, engine alone       p50 {e50:>7.2} ms   p99 {e99:>7.2} ms   (top 20, snippets and highlights)");
    println!("  bare tantivy top-20 query  p50 {b50:>7.2} ms   p99 {b99:>7.2} ms   (the same query, same index)");
    println!(
        "    search / bare             p50 {:>7.2} x    p99 {:>7.2} x",
        e50 / b50.max(1e-9),
        e99 / b99.max(1e-9)
    );
    println!("  search page over HTTP      p50 {s50:>7.2} ms   p99 {s99:>7.2} ms");
    println!(
        "  articles                   {:>10} imported in {articles_seconds:.1} s",
        articles.len()
    );
    println!("  help search, engine alone  p50 {k50:>7.2} ms   p99 {k99:>7.2} ms");
    println!("  help search over HTTP      p50 {h50:>7.2} ms   p99 {h99:>7.2} ms   (as you type)");
    println!("  help search page over HTTP p50 {hp50:>7.2} ms   p99 {hp99:>7.2} ms   (/help?q=)");
    println!(
        "  suggestions over HTTP      p50 {g50:>7.2} ms   p99 {g99:>7.2} ms   (target p99 15 ms)"
    );
    println!("  inbox during a sign-in flood (400 clients) p50 {f50:>7.2} ms   p99 {f99:>7.2} ms");
    println!("    the flood was answered   {answered:?} (status: count; 503 = busy, at once)");
    println!(
        "  RSS after seeding          {:>10.1} MiB (seeding process)",
        seed_rss as f64 / 1024.0
    );
    println!(
        "  RSS of the desk serving    {:>10.1} MiB (after the HTTP runs)",
        server_rss as f64 / 1024.0
    );
    println!(
        "  binary size                {:>10.1} MiB",
        size(PathBuf::from(&bin)) / 1024.0
    );
    println!(
        "  wasm size                  {:>10.1} KiB raw, {:.1} KiB brotli",
        size(site.join("pkg/tessera_bg.wasm")),
        size(site.join("pkg/tessera_bg.wasm.br"))
    );
    Ok(())
}

/// What service levels and rules cost on the seeded desk.
struct RuleFigures {
    dues_seconds: f64,
    open: usize,
    creations: usize,
    rate: f64,
    first_sweep: f64,
    fired: usize,
    steady_sweep: f64,
}

impl RuleFigures {
    fn print(&self) {
        println!(
            "  service-level dues worked out {:>7.2} s   (a new policy, {} open tickets, in the background)",
            self.dues_seconds, self.open
        );
        println!(
            "  creations with 5 rules     {:>10.0} /s   ({} one by one, event rules in each transaction)",
            self.rate, self.creations
        );
        println!(
            "  time-rule sweep            {:>10.1} ms  (first: {} fired, {:.1} ms; then nothing to do)",
            self.steady_sweep * 1000.0,
            self.fired,
            self.first_sweep * 1000.0
        );
    }
}

/// A policy for every ticket, three event rules and two time rules; then tickets made
/// one by one and the time rules swept.
fn rules_and_levels(engine: &Engine, admin: u64, creations: usize) -> anyhow::Result<RuleFigures> {
    use model::{
        Rule, RuleAction, RuleActionKind as A, RuleCondition, RuleEvent, RuleField as F,
        RuleOp as O,
    };
    let fail = |e: engine::Error| anyhow::anyhow!("{e} {:?}", e.fields());
    let open = engine
        .stats()
        .map_err(fail)?
        .tickets_by_status
        .iter()
        .filter(|(s, _)| !matches!(*s, "resolved" | "closed"))
        .map(|(_, n)| *n as usize)
        .sum();
    let t = Instant::now();
    engine
        .save_sla_policy(
            admin,
            &model::SlaPolicy {
                name: "Standard".into(),
                targets: model::SlaTargets {
                    first_response: Some(240),
                    next_response: Some(480),
                    resolution: Some(3 * 1440),
                },
                ..Default::default()
            },
        )
        .map_err(fail)?;
    engine.wait_for_sla(Duration::from_secs(600));
    let dues_seconds = t.elapsed().as_secs_f64();
    let when = |field, op, value: &str| RuleCondition {
        field,
        op,
        value: value.into(),
    };
    let does = |kind, value: &str| RuleAction {
        kind,
        value: value.into(),
        text: String::new(),
    };
    let rules = [
        (
            RuleEvent::Created,
            vec![when(F::Subject, O::Contains, "refund")],
            vec![does(A::AddTag, "refund")],
        ),
        (
            RuleEvent::Updated,
            vec![when(F::Priority, O::Is, "urgent")],
            vec![does(A::Notify, "leader")],
        ),
        (
            RuleEvent::CustomerReplied,
            vec![],
            vec![does(A::AddTag, "replied")],
        ),
        (
            RuleEvent::Time,
            vec![
                when(F::Status, O::Is, "pending"),
                when(F::BusinessHoursInStatus, O::AtLeast, "48"),
            ],
            vec![does(A::SetStatus, "resolved")],
        ),
        (
            RuleEvent::Time,
            vec![
                when(F::Assignee, O::Is, "none"),
                when(F::HoursSinceCreated, O::AtLeast, "2"),
            ],
            vec![does(A::AddTag, "waiting")],
        ),
    ];
    for (i, (event, conditions, actions)) in rules.into_iter().enumerate() {
        engine
            .save_rule(
                admin,
                &Rule {
                    id: 0,
                    name: format!("Rule {i}"),
                    active: true,
                    event,
                    any: false,
                    conditions,
                    actions,
                },
            )
            .map_err(fail)?;
    }
    let t = Instant::now();
    for i in 0..creations {
        engine
            .create_ticket(
                &model::NewTicket {
                    name: "Rule Bench".into(),
                    email: format!("rules{i}@example.com"),
                    subject: format!("Refund for order {i}"),
                    body: "Charged twice.".into(),
                    department: None,
                },
                Channel::Portal,
            )
            .map_err(fail)?;
    }
    let rate = creations as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    let fired = engine.rule_sweep().map_err(fail)?;
    let first_sweep = t.elapsed().as_secs_f64();
    // Swept until nothing is left to fire, then once more: the steady cost.
    while engine.rule_sweep().map_err(fail)? > 0 {}
    let t = Instant::now();
    engine.rule_sweep().map_err(fail)?;
    let steady_sweep = t.elapsed().as_secs_f64();
    Ok(RuleFigures {
        dues_seconds,
        open,
        creations,
        rate,
        first_sweep,
        fired,
        steady_sweep,
    })
}
