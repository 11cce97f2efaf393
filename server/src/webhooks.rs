//! Calls the webhooks the desk's rules asked for: the ticket as JSON, POSTed over HTTP
//! or HTTPS (certificates checked against the web's roots), ten seconds at most each.
//! A call that fails is tried again later by the engine's schedule, and given up after
//! a few tries with a note on the ticket.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use engine::{Engine, Event};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

/// Calls made per round, and the longest one may take.
const BATCH: usize = 20;
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the caller sleeps without looking.
const IDLE: Duration = Duration::from_secs(60);

/// Runs until the desk stops.
pub async fn run(engine: Arc<Engine>, mut stopping: watch::Receiver<bool>) {
    let mut events = engine.subscribe();
    loop {
        if *stopping.borrow() {
            return;
        }
        let e = engine.clone();
        let due = tokio::task::spawn_blocking(move || e.due_webhooks(BATCH))
            .await
            .ok()
            .and_then(Result::ok);
        let (calls, next) = due.unwrap_or_default();
        let full = calls.len() == BATCH;
        for call in calls {
            let outcome = match tokio::time::timeout(CALL_TIMEOUT, post(&call.url, call.body)).await
            {
                Ok(r) => r.err(),
                Err(_) => Some("no answer within 10 seconds".to_string()),
            };
            if let Some(error) = &outcome {
                let host = engine::rules::host_of(&call.url);
                tracing::warn!(%host, %error, "a rule's webhook call failed");
            }
            let e = engine.clone();
            let id = call.id;
            let _ = tokio::task::spawn_blocking(move || e.webhook_result(id, outcome)).await;
        }
        let wait = if full {
            Duration::ZERO
        } else {
            next.and_then(|at| (at - chrono::Utc::now()).to_std().ok())
                .unwrap_or(IDLE)
                .clamp(Duration::from_secs(1), IDLE)
        };
        tokio::select! {
            _ = stopping.changed() => return,
            _ = tokio::time::sleep(wait) => {}
            _ = queued(&mut events) => {}
        }
    }
}

async fn queued(events: &mut tokio::sync::broadcast::Receiver<Event>) {
    loop {
        match events.recv().await {
            Ok(Event::WebhookQueued) | Err(RecvError::Lagged(_)) => return,
            Ok(_) => {}
            Err(RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}

/// POSTs `body` to `url`; an answer outside 2xx is an error, in words.
async fn post(url: &str, body: String) -> Result<(), String> {
    let uri: http::Uri = url.parse().map_err(|_| format!("{url} is not a URL"))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(format!("{url} is not an http(s) URL")),
    };
    let host = uri
        .host()
        .ok_or_else(|| format!("{url} names no host"))?
        .to_string();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let tcp = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let authority = uri
        .authority()
        .map(|a| a.to_string())
        .unwrap_or(host.clone());
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
    let request = http::Request::post(path)
        .header(http::header::HOST, authority)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::USER_AGENT, "Tessera webhook")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let status = if https {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|_| format!("{host} is not a host name TLS can check"))?;
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| format!("the secure connection failed: {e}"))?;
        send(TokioIo::new(tls), request).await?
    } else {
        send(TokioIo::new(tcp), request).await?
    };
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the server answered {status}"))
    }
}

async fn send<I>(io: I, request: http::Request<Full<Bytes>>) -> Result<http::StatusCode, String>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("the call failed: {e}"))?;
    // Only the status counts; the body is not read (the connection closes with it).
    Ok(response.status())
}
