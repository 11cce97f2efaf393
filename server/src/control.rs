//! The desk's control socket, `control.sock` in the data folder (readable and writable
//! by the desk's own user only): shell commands ask the running desk for work that
//! needs its database, which it holds, such as an online backup.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use engine::Engine;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

/// The socket's name inside the data folder.
pub const SOCKET: &str = "control.sock";

/// The longest request line read.
const MAX_LINE: u64 = 4096;

/// Starts answering on the control socket until the desk stops. A desk that cannot
/// open it still serves; only the online commands are then unavailable.
pub fn listen(
    data_dir: &Path,
    engine: Arc<Engine>,
    mut stopping: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let path = data_dir.join(SOCKET);
    // A desk killed earlier leaves its socket behind; the database lock says we own it now.
    let _ = std::fs::remove_file(&path);
    let listener = match tokio::net::UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(%e, path = %path.display(), "no control socket: online backup from the shell is unavailable");
            return Ok(());
        }
    };
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .context("cannot restrict the control socket")?;
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&path)?);
    tokio::spawn(async move {
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    // Only the desk's own user may ask (the socket's mode says so too,
                    // but not during the moment between creating and restricting it).
                    Ok((stream, _)) if stream.peer_cred().is_ok_and(|c| c.uid() == owner) => {
                        tokio::spawn(answer(stream, engine.clone()));
                    }
                    Ok(_) => tracing::warn!("control socket: a connection from another user was refused"),
                    Err(e) => tracing::warn!(%e, "control socket"),
                },
                _ = stopping.changed() => break,
            }
        }
        let _ = std::fs::remove_file(&path);
    });
    Ok(())
}

/// Reads one request line (and, for `mail <bytes>`, the message after it) and writes
/// `ok` (`ok <ticket> <outcome>` for mail) or `error: …`.
async fn answer(stream: tokio::net::UnixStream, engine: Arc<Engine>) {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    let mut reader = tokio::io::BufReader::new(tokio::io::AsyncReadExt::take(
        read,
        MAX_LINE + crate::mailcli::MAX_MESSAGE_BYTES as u64,
    ));
    if (&mut reader)
        .take(MAX_LINE)
        .read_line(&mut line)
        .await
        .is_err()
    {
        return;
    }
    let reply = match line.trim_end().split_once(' ') {
        Some(("mail", size)) => match size.parse::<usize>() {
            Ok(size) if size <= crate::mailcli::MAX_MESSAGE_BYTES => {
                // Read as it arrives (nothing reserved up front), for a minute at most.
                let mut raw = Vec::new();
                let read = tokio::time::timeout(
                    std::time::Duration::from_secs(60),
                    (&mut reader).take(size as u64).read_to_end(&mut raw),
                )
                .await;
                match read
                    .map_err(|_| std::io::Error::other("timed out"))
                    .and_then(|r| r)
                {
                    Ok(n) if n == size => {
                        match tokio::task::spawn_blocking(move || engine.ingest_mail(&raw)).await {
                            Ok(Ok(i)) => format!(
                                "ok {} {}",
                                i.ticket,
                                serde_json::to_string(&i.outcome)
                                    .unwrap_or_default()
                                    .trim_matches('"')
                            ),
                            Ok(Err(e)) => format!("error: {}", e.message()),
                            Err(e) => format!("error: {e}"),
                        }
                    }
                    Ok(_) => "error: the message was cut short".to_string(),
                    Err(e) => format!("error: the message was cut short: {e}"),
                }
            }
            _ => "error: the message is too large".to_string(),
        },
        Some(("backup", dest)) => {
            let dest = PathBuf::from(dest);
            match tokio::task::spawn_blocking(move || engine.backup(&dest)).await {
                Ok(Ok(())) => "ok".to_string(),
                Ok(Err(e)) => format!("error: {}", e.message()),
                Err(e) => format!("error: {e}"),
            }
        }
        _ => "error: unknown request".to_string(),
    };
    let _ = write.write_all(format!("{reply}\n").as_bytes()).await;
}

/// Hands one raw message to the desk running on `data_dir`; answers once it is stored.
pub fn send_mail(data_dir: &Path, raw: &[u8]) -> anyhow::Result<engine::mailin::Ingested> {
    let path = data_dir.join(SOCKET);
    let mut stream = std::os::unix::net::UnixStream::connect(&path).with_context(|| {
        format!(
            "the data folder {} is in use, but the desk's control socket {} cannot be reached",
            data_dir.display(),
            path.display()
        )
    })?;
    stream.write_all(format!("mail {}\n", raw.len()).as_bytes())?;
    stream.write_all(raw)?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
    let answer = answer.trim_end();
    if let Some(message) = answer.strip_prefix("error: ") {
        bail!("{message}");
    }
    let mut parts = answer.strip_prefix("ok ").unwrap_or_default().split(' ');
    let ticket = parts.next().and_then(|t| t.parse().ok());
    let outcome = parts
        .next()
        .and_then(|o| serde_json::from_str(&format!("\"{o}\"")).ok());
    match (ticket, outcome) {
        (Some(ticket), Some(outcome)) => Ok(engine::mailin::Ingested { ticket, outcome }),
        _ => bail!("the desk gave no answer"),
    }
}

/// Sends `line` to the desk running on `data_dir` and waits for its answer.
pub fn request(data_dir: &Path, line: &str) -> anyhow::Result<()> {
    let path = data_dir.join(SOCKET);
    let mut stream = std::os::unix::net::UnixStream::connect(&path).with_context(|| {
        format!(
            "the data folder {} is in use, but the desk's control socket {} cannot be reached",
            data_dir.display(),
            path.display()
        )
    })?;
    stream.write_all(format!("{line}\n").as_bytes())?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
    match answer.trim_end().strip_prefix("error: ") {
        None if answer.trim_end() == "ok" => Ok(()),
        Some(message) => bail!("{message}"),
        None => bail!("the desk gave no answer"),
    }
}
