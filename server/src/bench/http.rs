//! A tiny HTTP/1.1 client over loopback for the benchmark, and the desk it talks to.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// Starts the release binary on `data` and waits for `/healthz`.
pub fn start(data: &Path, extra: &[&str]) -> anyhow::Result<(Child, String)> {
    let bin = std::env::var("TESSERA_BIN").context("TESSERA_BIN not set")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let base = format!("127.0.0.1:{port}");
    let child = Command::new(bin)
        // Loopback is the trusted proxy, so the sign-in flood can come from many addresses.
        .args([
            "--listen",
            &base,
            "--log",
            "error",
            "--trusted-proxies",
            "127.0.0.1",
            "--data-dir",
        ])
        .arg(data)
        .args(extra)
        .stdout(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok((200, _)) = get(&base, "/healthz", "") {
            return Ok((child, base));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("the desk did not start")
}

/// Stops the desk with SIGTERM, as an operator would.
pub fn stop(mut child: Child) {
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
}

fn request(base: &str, raw: &str) -> anyhow::Result<(u16, String, String)> {
    let mut s = TcpStream::connect(base)?;
    s.write_all(raw.as_bytes())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, head.to_string(), body.to_string()))
}

/// GETs a page with a cookie.
pub fn get(base: &str, path: &str, cookie: &str) -> anyhow::Result<(u16, String)> {
    let raw = format!(
        "GET {path} HTTP/1.1\r\nHost: {base}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    let (status, _, body) = request(base, &raw)?;
    Ok((status, body))
}

/// POSTs a form to a server function, as the browser's `fetch` does; (status, body).
pub fn post_form(base: &str, path: &str, body: &str) -> anyhow::Result<(u16, String)> {
    let raw = format!(
        "POST {path} HTTP/1.1\r\nHost: {base}\r\nOrigin: http://{base}\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, _, body) = request(base, &raw)?;
    Ok((status, body))
}

/// Signs in through the server function and returns the session cookie.
pub fn sign_in(base: &str, email: &str, password: &str) -> anyhow::Result<String> {
    let body = format!("email={}&password={}", encode(email), encode(password));
    let raw = format!(
        "POST /api/auth/sign-in HTTP/1.1\r\nHost: {base}\r\nOrigin: http://{base}\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, head, _) = request(base, &raw)?;
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .map(String::from);
    match cookie {
        Some(c) if status < 400 => Ok(c),
        _ => bail!("sign-in failed with {status}"),
    }
}

/// Submits a new ticket through the portal's server function; its status.
pub fn create_ticket(
    base: &str,
    name: &str,
    email: &str,
    subject: &str,
    message: &str,
) -> anyhow::Result<u16> {
    let body = format!(
        "name={}&email={}&subject={}&body={}",
        encode(name),
        encode(email),
        encode(subject),
        encode(message)
    );
    let raw = format!(
        "POST /api/portal/create HTTP/1.1\r\nHost: {base}\r\nOrigin: http://{base}\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Ok(request(base, &raw)?.0)
}

/// One sign-in attempt as if from `client` (through the trusted proxy); its status.
pub fn sign_in_from(base: &str, client: &str, email: &str, password: &str) -> anyhow::Result<u16> {
    let body = format!("email={}&password={}", encode(email), encode(password));
    let raw = format!(
        "POST /api/auth/sign-in HTTP/1.1\r\nHost: {base}\r\nOrigin: http://{base}\r\nX-Forwarded-For: {client}\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Ok(request(base, &raw)?.0)
}

/// Percent-encodes a query or form value.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
