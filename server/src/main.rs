//! `tessera`: serves the help desk, or runs one of its shell commands.

mod admin_pages;
mod assets;
mod config;
mod control;
mod files;
mod goal_pages;
mod http;
mod imap;
mod language;
mod live;
mod mailcli;
mod mailer;
mod mailview;
mod metrics;
mod rule_pages;
mod smtpd;
mod tls;
mod webhooks;

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use engine::Engine;

use config::{AdminCommand, Cli, Command, MailCommand, Options};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tessera: {e:#}");
            if e.downcast_ref::<mailcli::TempFail>().is_some() {
                // EX_TEMPFAIL: the mail server keeps the message and tries again.
                ExitCode::from(75)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let options = cli.options.resolve()?;
    let filter = tracing_subscriber::EnvFilter::try_new(&options.log)
        .with_context(|| format!("invalid log filter {:?}", options.log))?;
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match options.log_format {
        config::LogFormat::Json => logs.json().init(),
        // Colour codes only where a person reads them.
        config::LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(options),
        Command::Admin {
            command: AdminCommand::Create { name, email },
        } => admin_create(&options, name, email),
        Command::Reindex => {
            let engine = open(&options, false)?;
            engine.reindex().map_err(anyhow_engine)?;
            println!("Search index rebuilt in {}", options.data_dir.display());
            Ok(())
        }
        Command::Backup { dest } => {
            match Engine::open_with(&options.data_dir, engine_options(&options, false)) {
                Ok(engine) => engine.backup(&dest).map_err(anyhow_engine)?,
                // The desk is running and holds the database: it makes the copy.
                Err(e) if e.kind() == engine::ErrorKind::Conflict => control::request(
                    &options.data_dir,
                    &format!("backup {}", absolute(&dest)?.display()),
                )?,
                Err(e) => return Err(anyhow_engine(e)),
            }
            println!("Backup written to {}", dest.display());
            Ok(())
        }
        Command::Mail {
            command: MailCommand::Ingest { file },
        } => mailcli::ingest(&options, file),
        Command::Mail {
            command: MailCommand::Import { source },
        } => mailcli::import(&options, &source),
        Command::Restore { src } => {
            engine::restore(&src, &options.data_dir).map_err(anyhow_engine)?;
            println!(
                "Restored {} into {}; the search index is rebuilt when the desk starts",
                src.display(),
                options.data_dir.display()
            );
            Ok(())
        }
    }
}

pub(crate) fn anyhow_engine(e: engine::Error) -> anyhow::Error {
    anyhow::anyhow!("{}", e.message())
}

pub(crate) fn engine_options(options: &Options, run_indexer: bool) -> engine::Options {
    engine::Options {
        run_indexer,
        portal_limits: options.portal,
        max_messages_per_ticket: options.max_messages_per_ticket,
        ..Default::default()
    }
}

fn open(options: &Options, run_indexer: bool) -> anyhow::Result<Engine> {
    Engine::open_with(&options.data_dir, engine_options(options, run_indexer))
        .map_err(anyhow_engine)
        .with_context(|| format!("cannot open the data folder {}", options.data_dir.display()))
}

/// `path` made absolute against the current folder (the desk may run elsewhere).
fn absolute(path: &std::path::Path) -> anyhow::Result<std::path::PathBuf> {
    Ok(if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    })
}

fn admin_create(options: &Options, name: String, email: String) -> anyhow::Result<()> {
    let engine = open(options, false)?;
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password (at least 10 characters): ")?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    let agent = engine
        .create_agent(
            None,
            &model::NewAgent {
                name,
                email,
                password,
                admin: true,
            },
        )
        .map_err(|e| {
            let fields: Vec<_> = e
                .fields()
                .iter()
                .map(|f| format!("{}: {}", f.field, f.key))
                .collect();
            anyhow::anyhow!("{} {}", e.message(), fields.join(", "))
        })?;
    println!(
        "Administrator {} <{}> created. Sign in at /agent/login.",
        agent.name, agent.email
    );
    Ok(())
}

/// Threads for engine work (redb, tantivy, argon2), shared by every request.
const BLOCKING_THREADS: usize = 16;

/// Password hashing takes ~19 MiB at a time. glibc would serve later hashes from a heap
/// it then keeps (one per thread arena); with a fixed mmap threshold each hash's memory
/// goes back to the system when it is done.
fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt only changes a malloc tunable; called once, before any threads.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn serve(options: Options) -> anyhow::Result<()> {
    return_large_allocations();
    // Engine calls run on the blocking pool. A small pool queues a flood instead of
    // growing hundreds of threads (and their memory); the work itself is short.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()?;
    runtime.block_on(async move {
        let engine = Arc::new(open(&options, true)?);
        let data = std::fs::canonicalize(&options.data_dir).unwrap_or_else(|_| options.data_dir.clone());
        if data.starts_with("/tmp") || data.starts_with("/dev/shm") {
            tracing::warn!(data_dir = %data.display(), "the data folder is in a temporary place and may be wiped on reboot; use --data-dir to keep your tickets");
        }
        if !assets::has_wasm() {
            tracing::warn!("this binary was built without its web assets; pages will not be interactive");
        }
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .with_context(|| format!("cannot listen on {}", options.listen))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, data_dir = %options.data_dir.display(), "Tessera is serving");
        // Nothing here may fail the desk: its output can be a closed pipe. One write, so
        // whoever reads it sees the address and the setup link together.
        let base = match &options.tls {
            config::Tls::Off => format!("http://{addr}"),
            config::Tls::Files { .. } => format!("https://{addr}"),
            config::Tls::Acme { domains, .. } => match addr.port() {
                443 => format!("https://{}", domains[0]),
                port => format!("https://{}:{port}", domains[0]),
            },
        };
        let mut greeting = format!(
            "Tessera is serving at {base}/ (data in {})\n",
            options.data_dir.display()
        );
        let smtp = match options.smtp_listen {
            Some(at) => {
                let listener = smtpd::bind(at).await?;
                greeting.push_str(&format!("Taking mail by SMTP at {}\n", listener.local_addr()?));
                Some(listener)
            }
            None => None,
        };
        if !engine.has_admin().map_err(anyhow_engine)? {
            let token = engine.new_setup_token().map_err(anyhow_engine)?;
            greeting.push_str(&format!(
                "No administrator yet. Open this link within 30 minutes to create one:\n\n    {base}/setup?token={token}\n\n"
            ));
        }
        say(greeting.trim_end());
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let redirect_stopping = stopping.clone();
        // Forget expired sessions every ten minutes (start-up already did).
        tokio::spawn(every(
            std::time::Duration::from_secs(600),
            false,
            engine.clone(),
            stopping.clone(),
            "pruning sessions",
            Engine::prune_sessions,
            |()| {},
        ));
        // Write the help center's article views, counted in memory, every minute.
        tokio::spawn(every(
            std::time::Duration::from_secs(60),
            false,
            engine.clone(),
            stopping.clone(),
            "counting article views",
            Engine::flush_article_views,
            |_| {},
        ));
        // Forget uploads never attached to a message, hourly.
        tokio::spawn(every(
            std::time::Duration::from_secs(3600),
            true,
            engine.clone(),
            stopping.clone(),
            "pruning uploads",
            Engine::prune_uploads,
            |_| {},
        ));
        // Service levels: each warning and breach goes into the ticket's history once,
        // and its assignee (or department leader) hears of it; every minute.
        tokio::spawn(every(
            std::time::Duration::from_secs(60),
            false,
            engine.clone(),
            stopping.clone(),
            "checking service levels",
            Engine::sla_sweep,
            |told| {
                if told > 0 {
                    tracing::info!(told, "service levels: warnings and breaches told");
                }
            },
        ));
        // Time rules (so long in a status, unassigned…): every minute.
        tokio::spawn(every(
            std::time::Duration::from_secs(60),
            false,
            engine.clone(),
            stopping.clone(),
            "running the time rules",
            Engine::rule_sweep,
            |fired| {
                if fired > 0 {
                    tracing::info!(fired, "time rules fired");
                }
            },
        ));
        // Calls the webhooks rules asked for.
        tokio::spawn(webhooks::run(engine.clone(), stopping.clone()));
        // Move tickets on by time every half minute: postponed tickets reopen, resolved
        // ones close after the desk's auto-close days.
        tokio::spawn(every(
            std::time::Duration::from_secs(30),
            true,
            engine.clone(),
            stopping.clone(),
            "running the ticket timers",
            Engine::run_timers,
            |moved| {
                if moved > 0 {
                    tracing::info!(tickets = moved, "timers moved tickets on");
                }
            },
        ));
        // Sends the outbox through the desk's SMTP server, once one is set up.
        tokio::spawn(mailer::run(engine.clone(), stopping.clone()));
        // Fetches the mailboxes by IMAP; a server that is down delays nothing here.
        tokio::spawn(imap::run(engine.clone(), stopping.clone()));
        if let Some(listener) = smtp {
            smtpd::spawn(listener, engine.clone(), stopping.clone());
        }
        control::listen(&options.data_dir, engine.clone(), stopping.clone())?;
        let trusted = app::api::ssr::TrustedProxies(options.trusted_proxies.clone());
        let app = http::router(
            engine.clone(),
            http::leptos_options(addr),
            stopping,
            trusted,
            options.metrics_token.clone(),
        );
        let stopped = async move {
            shutdown_signal().await;
            // Ends the live streams, which would otherwise hold the shutdown open.
            let _ = stop.send(true);
        };
        if options.tls == config::Tls::Off {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(stopped)
            .await?;
        } else {
            if let Some(plain) = options.redirect_http {
                let plain = tokio::net::TcpListener::bind(plain)
                    .await
                    .with_context(|| format!("cannot listen on {plain}"))?;
                let domains = match &options.tls {
                    config::Tls::Acme { domains, .. } => domains.clone(),
                    _ => Vec::new(),
                };
                tokio::spawn(tls::redirect(plain, addr.port(), domains, redirect_stopping));
            }
            tls::serve(listener.into_std()?, app, &options.tls, &options.data_dir, stopped).await?;
        }
        tracing::info!("shutting down: finishing the search index");
        tokio::task::spawn_blocking(move || engine.shutdown()).await?;
        Ok(())
    })
}

/// Runs `work` on the engine every `period` (off the async threads) until the desk
/// stops, logging what fails; with `at_once`, also right away.
async fn every<T: Send + 'static>(
    period: std::time::Duration,
    at_once: bool,
    engine: Arc<Engine>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
    what: &'static str,
    work: fn(&Engine) -> engine::Result<T>,
    done: fn(T),
) {
    let mut ticks = tokio::time::interval(period);
    if !at_once {
        ticks.tick().await;
    }
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopping.changed() => return,
        }
        let engine = engine.clone();
        match tokio::task::spawn_blocking(move || work(&engine)).await {
            Ok(Ok(value)) => done(value),
            Ok(Err(e)) => tracing::warn!(error = %e.message(), "{what} failed"),
            Err(e) => tracing::warn!(%e, "{what} failed"),
        }
    }
}

/// Writes a line to standard output, if there is anywhere to write it.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(format!("{line}\n").as_bytes());
    let _ = out.flush();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
