//! Direct intake (off unless `--smtp-listen` is given): an SMTP server an MX record or
//! a forwarding rule can point at. It takes mail for the desk's addresses and their
//! domains only (it relays nothing), and answers 250 to a message only once its ticket
//! is committed; when the desk cannot store it, it answers 451 so the sender retries.
//! The protocol's state machine is `mailin`'s; the connections are tokio's.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use engine::Engine;
use mailin::{Action, Handler, Response, SessionBuilder};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// The largest message taken (as the big mail services take).
const MAX_MESSAGE: usize = 25 * 1024 * 1024;
/// The longest line read (RFC 5321 asks for 1,000; some senders send more). A longer
/// one ends the connection: cut in pieces, its end could pass for the end of data.
const MAX_LINE: usize = 64 * 1024;
/// Connections served at once; one more is told to come back later (421).
const CONNECTIONS: usize = 32;
/// Connections from one address at once.
const PER_ADDRESS: usize = 4;
/// How long the server waits for a command or a line of data (RFC 5321 4.5.3.2).
const TIMEOUT: Duration = Duration::from_secs(300);
/// How long one connection may last in all.
const SESSION: Duration = Duration::from_secs(30 * 60);
/// Recipients per message.
const MAX_RECIPIENTS: usize = 100;

/// Binds `addr`, failing start-up if it cannot.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot take mail by SMTP on {addr}: {e}"))
}

/// Serves `listener` until the desk stops.
pub fn spawn(listener: TcpListener, engine: Arc<Engine>, stopping: watch::Receiver<bool>) {
    tokio::spawn(serve(listener, engine, hostname(), stopping));
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "tessera".into())
}

async fn serve(
    listener: TcpListener,
    engine: Arc<Engine>,
    name: String,
    mut stopping: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(CONNECTIONS));
    let per_address: Arc<std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>> =
        Arc::default();
    let builder = SessionBuilder::new(name.clone());
    loop {
        let (mut stream, peer) = tokio::select! {
            _ = stopping.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "SMTP accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let ip = peer.ip();
        let crowded = {
            let mut counts = per_address.lock().unwrap_or_else(|p| p.into_inner());
            let n = counts.entry(ip).or_default();
            *n += 1;
            *n > PER_ADDRESS
        };
        let slot = slots.clone().try_acquire_owned().ok();
        let (Some(slot), false) = (slot, crowded) else {
            release(&per_address, ip);
            tokio::spawn(async move {
                let _ = stream
                    .write_all(b"421 Too many connections, try again later\r\n")
                    .await;
            });
            continue;
        };
        let engine = engine.clone();
        let builder = builder.clone();
        let name = name.clone();
        let per_address = per_address.clone();
        tokio::spawn(async move {
            let talk = conversation(stream, peer, engine, &builder, name);
            match tokio::time::timeout(SESSION, talk).await {
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "SMTP connection ended"),
                Err(_) => tracing::debug!(%peer, "SMTP connection lasted too long"),
                Ok(Ok(())) => {}
            }
            release(&per_address, ip);
            drop(slot);
        });
    }
}

fn release(counts: &std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>, ip: IpAddr) {
    let mut counts = counts.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(n) = counts.get_mut(&ip) {
        *n -= 1;
        if *n == 0 {
            counts.remove(&ip);
        }
    }
}

/// One client: lines in, the state machine's answers out.
async fn conversation(
    stream: TcpStream,
    peer: SocketAddr,
    engine: Arc<Engine>,
    builder: &SessionBuilder,
    name: String,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    // Which addresses are the desk's; when that cannot be read, nothing is taken.
    let addresses = {
        let e = engine.clone();
        tokio::task::spawn_blocking(move || e.intake_addresses())
            .await
            .ok()
            .and_then(Result::ok)
    };
    let Some(addresses) = addresses else {
        write
            .write_all(b"421 Cannot take mail now, try again later\r\n")
            .await?;
        return Ok(());
    };
    let intake = Intake {
        engine,
        addresses,
        peer: peer.ip(),
        name,
        helo: String::new(),
        mailbox: None,
        sender: String::new(),
        recipients: 0,
        data: Vec::new(),
        too_big: false,
    };
    let mut session = builder.build(peer.ip(), intake);
    write
        .write_all(&session.greeting().buffer().unwrap_or_default())
        .await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = match tokio::time::timeout(
            TIMEOUT,
            (&mut read)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut line),
        )
        .await
        {
            Ok(r) => r?,
            Err(_) => {
                write
                    .write_all(b"421 Timeout, closing connection\r\n")
                    .await?;
                return Ok(());
            }
        };
        if n == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") {
            write.write_all(b"500 Line too long\r\n").await?;
            return Ok(());
        }
        // The end of a message stores it: a blocking write, kept off the async threads.
        let response: Response = if line == b".\r\n" {
            tokio::task::block_in_place(|| session.process(&line))
        } else {
            session.process(&line)
        };
        match response.action {
            Action::NoReply => {}
            Action::Close => {
                write.write_all(&response.buffer()?).await?;
                return Ok(());
            }
            // No STARTTLS is offered, so none is started.
            Action::Reply | Action::UpgradeTls => write.write_all(&response.buffer()?).await?,
        }
    }
}

/// What one connection has been told.
struct Intake {
    engine: Arc<Engine>,
    /// The desk's addresses, with the mailbox each belongs to.
    addresses: Vec<(String, Option<u64>)>,
    peer: IpAddr,
    name: String,
    helo: String,
    /// The mailbox of the first recipient that is one.
    mailbox: Option<u64>,
    /// The envelope sender (empty for a delivery report).
    sender: String,
    recipients: usize,
    data: Vec<u8>,
    too_big: bool,
}

impl Intake {
    /// Mail for one of the desk's addresses, or another at one of their domains; with
    /// no address set up yet, any.
    fn takes(&self, to: &str) -> bool {
        let to = to.trim().to_lowercase();
        if self.addresses.is_empty() {
            return true;
        }
        let domain = to.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        self.addresses
            .iter()
            .any(|(a, _)| a == &to || a.rsplit_once('@').is_some_and(|(_, d)| d == domain))
    }
}

impl Handler for Intake {
    fn helo(&mut self, _ip: IpAddr, domain: &str) -> Response {
        self.helo = domain
            .chars()
            .filter(|c| !c.is_control())
            .take(255)
            .collect();
        mailin::response::OK
    }

    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.mailbox = None;
        self.recipients = 0;
        self.sender = from
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '<' | '>'))
            .take(320)
            .collect();
        mailin::response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if self.recipients >= MAX_RECIPIENTS {
            return Response::custom(452, "Too many recipients".into());
        }
        if !self.takes(to) {
            return mailin::response::NO_MAILBOX;
        }
        self.recipients += 1;
        if self.mailbox.is_none() {
            let to = to.trim().to_lowercase();
            self.mailbox = self
                .addresses
                .iter()
                .find(|(a, _)| *a == to)
                .and_then(|(_, m)| *m);
        }
        mailin::response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.data.clear();
        self.too_big = false;
        // As the last server on the way the desk adds what it knows: the envelope
        // sender, its own verdict on authentication (none checked: any verdict below
        // it came with the message and counts for nothing), and a trace line.
        self.data.extend_from_slice(
            format!(
                "Return-Path: <{}>\r\nAuthentication-Results: {}; none\r\n\
                 Received: from {} ([{}]) by {} with ESMTP; {}\r\n",
                self.sender,
                self.name,
                if self.helo.is_empty() {
                    "unknown"
                } else {
                    &self.helo
                },
                self.peer,
                self.name,
                chrono::Utc::now().to_rfc2822()
            )
            .as_bytes(),
        );
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.data.len() + buf.len() > MAX_MESSAGE {
            self.too_big = true;
        } else {
            self.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let raw = std::mem::take(&mut self.data);
        if self.too_big {
            return mailin::response::NO_STORAGE;
        }
        match self.engine.ingest_mail_via(&raw, self.mailbox) {
            Ok(_) => Response::custom(250, "OK, stored".into()),
            Err(e) => {
                tracing::warn!(error = %e, "mail taken by SMTP could not be stored");
                Response::custom(451, "Cannot store the message now; try again later".into())
            }
        }
    }
}
