//! The IMAP fetcher: one task per active mailbox. Mail is followed by UID and
//! UIDVALIDITY, never by the \Seen flag, so a message another client read is still
//! fetched. Each message is turned into a ticket and committed before its UID is
//! recorded and before it is marked \Seen on the server; a crash in between fetches it
//! again, and the engine knows it (Message-ID plus a hash of the message) and adds
//! nothing. Between rounds the task waits in IDLE where the server offers it, else
//! polls. A mail server that is down never blocks start-up: its task retries with
//! backoff and the mailbox page says why.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::{Client, Session};
use engine::mailbox::ImapConfig;
use engine::{Engine, Event};
use futures_util::TryStreamExt;
use model::SmtpSecurity;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How long one command (connecting, logging in, a fetch of one batch) may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// Between rounds on a server without IDLE.
const POLL: Duration = Duration::from_secs(60);
/// IDLE is renewed before servers drop it (RFC 2177 asks for under 29 minutes).
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// Messages fetched per command, at most.
const BATCH: usize = 20;
/// Bytes fetched per command, at most (a larger message goes alone).
const BATCH_BYTES: u64 = 16 * 1024 * 1024;
/// The largest message taken; a larger one stays on the server, and the page says so.
const MAX_MESSAGE: u32 = 50 * 1024 * 1024;
/// The slowest transfer waited for, beyond [`COMMAND_TIMEOUT`], in bytes a second.
const SLOWEST: u64 = 128 * 1024;
/// The first wait after a failure; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// A connection, plain or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}
type Stream = Box<dyn Io>;

/// A running mailbox task and what it was started with.
struct Running {
    config: ImapConfig,
    now: Arc<Notify>,
    task: JoinHandle<()>,
}

/// Runs until the desk stops: keeps one task per active mailbox, started again when
/// its settings change.
pub async fn run(engine: Arc<Engine>, mut stopping: watch::Receiver<bool>) {
    let mut events = engine.subscribe();
    let mut running: HashMap<u64, Running> = HashMap::new();
    loop {
        let e = engine.clone();
        match tokio::task::spawn_blocking(move || e.imap_configs()).await {
            Ok(Ok(configs)) => {
                running.retain(|id, r| {
                    let keep = configs.iter().any(|c| c.id == *id && same(c, &r.config));
                    if !keep {
                        r.task.abort();
                    }
                    keep
                });
                for config in configs {
                    running.entry(config.id).or_insert_with(|| {
                        let now = Arc::new(Notify::new());
                        let task = tokio::spawn(follow(
                            engine.clone(),
                            config.clone(),
                            now.clone(),
                            stopping.clone(),
                        ));
                        Running { config, now, task }
                    });
                }
            }
            Ok(Err(e)) => tracing::error!(error = %e, "could not read the mailboxes"),
            Err(e) => tracing::error!(error = %e, "could not read the mailboxes"),
        }
        // Wait for a change of mailboxes, an admin's "fetch now", or the end.
        loop {
            tokio::select! {
                _ = stopping.changed() => {
                    for r in running.values() {
                        r.task.abort();
                    }
                    return;
                }
                event = events.recv() => match event {
                    Ok(Event::FetchNow(id)) => {
                        if let Some(r) = running.get(&id) {
                            r.now.notify_one();
                        }
                    }
                    Ok(Event::MailboxesChanged) | Err(RecvError::Lagged(_)) => break,
                    Ok(_) => {}
                    Err(RecvError::Closed) => return,
                },
            }
        }
    }
}

fn same(a: &ImapConfig, b: &ImapConfig) -> bool {
    a.host == b.host
        && a.port == b.port
        && a.security == b.security
        && a.username == b.username
        && a.password == b.password
        && a.folder == b.folder
}

/// Follows one mailbox until the desk stops: a session, and after it fails a wait
/// that grows (cut short by "fetch now").
async fn follow(
    engine: Arc<Engine>,
    config: ImapConfig,
    now: Arc<Notify>,
    mut stopping: watch::Receiver<bool>,
) {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let failure = session(&engine, &config, &now, &mut backoff).await;
        if *stopping.borrow() {
            return;
        }
        tracing::warn!(mailbox = config.id, error = %failure, "fetching mail failed");
        report(&engine, config.id, Err(failure)).await;
        tokio::select! {
            _ = stopping.changed() => return,
            _ = tokio::time::sleep(backoff) => {}
            _ = now.notified() => {}
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One connection: fetch what is new, wait for more, again, until something fails.
/// Returns the failure in plain words.
async fn session(
    engine: &Arc<Engine>,
    config: &ImapConfig,
    now: &Notify,
    backoff: &mut Duration,
) -> String {
    let mut s = match timed(connect(config)).await {
        Ok(s) => s,
        Err(e) => return e,
    };
    let idle = match timed(async { s.capabilities().await.map_err(|e| words(&e)) }).await {
        Ok(caps) => caps.has_str("IDLE"),
        Err(e) => return e,
    };
    // What was passed over stays said while the connection lasts.
    let mut warning: Option<String> = None;
    loop {
        match fetch_new(engine, config, &mut s).await {
            Ok(Some(w)) => warning = Some(w),
            Ok(None) => {}
            Err(e) => return e,
        }
        *backoff = FIRST_BACKOFF;
        report(
            engine,
            config.id,
            match &warning {
                Some(w) => Err(w.clone()),
                None => Ok(0),
            },
        )
        .await;
        if idle {
            s = match wait_idle(s, now).await {
                Ok(s) => s,
                Err(e) => return e,
            };
        } else {
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = now.notified() => {}
            }
        }
    }
}

/// Takes every message above the last UID taken, oldest first.
async fn fetch_new(
    engine: &Arc<Engine>,
    config: &ImapConfig,
    s: &mut Session<Stream>,
) -> Result<Option<String>, String> {
    let folder = config.folder.clone();
    let selected = timed(async {
        s.select(&folder).await.map_err(|e| match e {
            async_imap::error::Error::No(_) => format!("The folder “{folder}” does not exist."),
            e => words(&e),
        })
    })
    .await?;
    let validity = selected.uid_validity.unwrap_or(0);
    let (known, mut last) = blocking(engine, {
        let id = config.id;
        move |e| e.fetch_position(id)
    })
    .await?;
    if known != validity {
        // Another sequence of UIDs: start from the first; what was taken before is
        // known by its Message-ID and hash and is not added twice.
        blocking(engine, {
            let id = config.id;
            move |e| e.fetched(id, validity, 0)
        })
        .await?;
        last = 0;
    }
    if selected.exists == 0 {
        return Ok(None);
    }
    // What is new, with sizes. "n:*" always names the highest UID, even below n.
    let range = format!("{}:*", last.saturating_add(1));
    let mut sizes: Vec<(u32, u32)> = timed(async {
        let stream = s
            .uid_fetch(&range, "(UID RFC822.SIZE)")
            .await
            .map_err(|e| words(&e))?;
        let listed: Vec<_> = stream.try_collect().await.map_err(|e| words(&e))?;
        Ok(listed
            .iter()
            .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
            .filter(|(uid, _)| *uid > last)
            .collect())
    })
    .await?;
    sizes.sort_unstable();
    let mut left = sizes.len() as u64;
    if left > 0 {
        report(engine, config.id, Ok(left)).await;
    }
    // Too large to take: passed over, and said.
    let too_large: Vec<u32> = sizes
        .iter()
        .filter(|(_, size)| *size > MAX_MESSAGE)
        .map(|(uid, _)| *uid)
        .collect();
    let mut batches: Vec<(Vec<u32>, u64)> = Vec::new();
    for &(uid, size) in &sizes {
        let size = u64::from(size);
        match batches.last_mut() {
            Some((uids, bytes)) if uids.len() < BATCH && *bytes + size <= BATCH_BYTES => {
                uids.push(uid);
                *bytes += size;
            }
            _ => batches.push((vec![uid], size)),
        }
    }
    for (chunk, bytes) in &batches {
        let wanted: Vec<String> = chunk
            .iter()
            .filter(|u| !too_large.contains(u))
            .map(|u| u.to_string())
            .collect();
        let set = wanted.join(",");
        let patience = COMMAND_TIMEOUT + Duration::from_secs(bytes / SLOWEST);
        let fetch = async {
            if set.is_empty() {
                return Ok::<_, String>(Vec::new());
            }
            let stream = s
                .uid_fetch(&set, "(UID BODY.PEEK[])")
                .await
                .map_err(|e| words(&e))?;
            let fetched: Vec<_> = stream.try_collect().await.map_err(|e| words(&e))?;
            Ok(fetched
                .iter()
                .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
                .collect())
        };
        let mut messages: Vec<(u32, Vec<u8>)> = match tokio::time::timeout(patience, fetch).await {
            Ok(r) => r?,
            Err(_) => {
                return Err(format!(
                    "The server did not send the messages within {} seconds.",
                    patience.as_secs()
                ))
            }
        };
        messages.sort_by_key(|m| m.0);
        // A UID asked for and not returned was expunged meanwhile: passed over.
        let mut taken = Vec::new();
        for &uid in chunk.iter() {
            let raw = messages
                .iter()
                .position(|m| m.0 == uid)
                .map(|i| std::mem::take(&mut messages[i].1));
            let id = config.id;
            blocking(engine, move |e| {
                if let Some(raw) = raw {
                    e.ingest_mail_via(&raw, Some(id))?;
                }
                e.fetched(id, validity, uid)
            })
            .await?;
            taken.push(uid.to_string());
            left -= 1;
        }
        // Only now, with the tickets committed, is the server told: \Seen shows a
        // person looking at the mailbox what the desk took. A server that refuses it
        // loses nothing.
        let store = async {
            let responses = s
                .uid_store(taken.join(","), "+FLAGS.SILENT (\\Seen)")
                .await
                .map_err(|e| words(&e))?;
            let _: Vec<_> = responses.try_collect().await.map_err(|e| words(&e))?;
            Ok::<_, String>(())
        };
        if let Err(e) = timed(store).await {
            tracing::warn!(mailbox = config.id, error = %e, "could not mark fetched mail as seen");
        }
        if left > 0 {
            report(engine, config.id, Ok(left)).await;
        }
    }
    if !too_large.is_empty() {
        let list = too_large
            .iter()
            .map(|u| u.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Ok(Some(format!(
            "{} message(s) larger than {} MB were left on the server (UID {list}).",
            too_large.len(),
            MAX_MESSAGE / (1024 * 1024)
        )));
    }
    Ok(None)
}

/// Waits in IDLE until the server says something changed, "fetch now" is asked, or it
/// is time to renew.
async fn wait_idle(s: Session<Stream>, now: &Notify) -> Result<Session<Stream>, String> {
    let mut handle = s.idle();
    timed(async { handle.init().await.map_err(|e| words(&e)) }).await?;
    {
        let (wait, stop) = handle.wait_with_timeout(IDLE_RENEW);
        tokio::pin!(wait);
        let answer = tokio::select! {
            answer = &mut wait => answer,
            _ = now.notified() => {
                drop(stop);
                wait.await
            }
        };
        match answer {
            Ok(
                IdleResponse::NewData(_) | IdleResponse::Timeout | IdleResponse::ManualInterrupt,
            ) => {}
            Err(e) => return Err(words(&e)),
        }
    }
    timed(async { handle.done().await.map_err(|e| words(&e)) }).await
}

/// Connects and logs in, with TLS from the first byte, after STARTTLS, or plain.
async fn connect(config: &ImapConfig) -> Result<Session<Stream>, String> {
    let place = format!("{}:{}", config.host, config.port);
    let tcp = TcpStream::connect((config.host.as_str(), config.port))
        .await
        .map_err(|e| format!("Could not connect to {place}: {}.", io_words(&e)))?;
    let _ = tcp.set_nodelay(true);
    let client: Client<Stream> = match config.security {
        SmtpSecurity::Tls => {
            let tls = tls(config, tcp).await?;
            greeted(Client::new(tls)).await?
        }
        SmtpSecurity::StartTls => {
            let mut plain = greeted(Client::new(Box::new(tcp) as Stream)).await?;
            plain
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| format!("The server at {place} refused STARTTLS: {}", words(&e)))?;
            // Only now is the connection encrypted; there is no second greeting.
            let tcp = plain.into_inner();
            Client::new(tls(config, tcp).await?)
        }
        SmtpSecurity::None => greeted(Client::new(Box::new(tcp) as Stream)).await?,
    };
    client
        .login(&config.username, &config.password)
        .await
        .map_err(|(e, _)| match e {
            async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => {
                "The server refused the user name or password.".to_string()
            }
            e => words(&e),
        })
}

async fn greeted(mut client: Client<Stream>) -> Result<Client<Stream>, String> {
    match client.read_response().await {
        Ok(Some(_)) => Ok(client),
        Ok(None) => Err("The server closed the connection before greeting.".into()),
        Err(e) => Err(format!("The server did not greet: {}.", io_words(&e))),
    }
}

/// Wraps `io` in TLS, checking the server's certificate against the web's roots.
async fn tls<S>(config: &ImapConfig, io: S) -> Result<Stream, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug + 'static,
{
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(config.host.clone())
        .map_err(|_| format!("“{}” is not a host name TLS can check.", config.host))?;
    let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
        .connect(name, io)
        .await
        .map_err(|e| format!("The secure connection failed: {e}."))?;
    Ok(Box::new(stream))
}

async fn timed<T>(work: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    match tokio::time::timeout(COMMAND_TIMEOUT, work).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "The server did not answer within {} seconds.",
            COMMAND_TIMEOUT.as_secs()
        )),
    }
}

async fn blocking<T: Send + 'static>(
    engine: &Arc<Engine>,
    work: impl FnOnce(&Engine) -> engine::Result<T> + Send + 'static,
) -> Result<T, String> {
    let e = engine.clone();
    match tokio::task::spawn_blocking(move || work(&e)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(format!("The desk could not store the mail: {e}")),
        Err(e) => Err(format!("The desk could not store the mail: {e}")),
    }
}

async fn report(engine: &Arc<Engine>, id: u64, result: Result<u64, String>) {
    let e = engine.clone();
    if let Ok(Err(err)) = tokio::task::spawn_blocking(move || e.fetch_report(id, result)).await {
        tracing::warn!(mailbox = id, error = %err, "could not record how fetching went");
    }
}

/// An IMAP error in words an admin can act on.
fn words(e: &async_imap::error::Error) -> String {
    use async_imap::error::Error;
    match e {
        Error::Io(io) => format!("The connection failed: {}.", io_words(io)),
        Error::ConnectionLost => "The server closed the connection.".into(),
        Error::No(said) | Error::Bad(said) => format!("The server said: {said}"),
        other => format!("The server's answer could not be read: {other}"),
    }
}

fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => "nothing answers there (connection refused)".into(),
        ErrorKind::TimedOut => "it timed out".into(),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
            "the server closed the connection".into()
        }
        ErrorKind::UnexpectedEof => "the server closed the connection".into(),
        _ => e.to_string(),
    }
}
