//! HTTPS served by the desk itself, for a desk that is not behind a proxy: with the
//! operator's certificate files, or with certificates obtained and renewed over ACME
//! (TLS-ALPN-01, answered on the same port; kept in the data folder across restarts).
//! Requests that came over TLS are marked `X-Forwarded-Proto: https` (whatever the
//! client sent), so the session cookie is `Secure`, and every answer carries HSTS.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::StreamExt;
use rustls_acme::caches::DirCache;
use rustls_acme::AcmeConfig;

use crate::config::Tls;

/// How long browsers keep to HTTPS once they have seen the desk over it: a year.
const HSTS: &str = "max-age=31536000";

/// How long open connections get to finish when the desk stops.
const GRACE: Duration = Duration::from_secs(10);

/// Marks requests as HTTPS and answers with HSTS.
pub fn layer(app: Router) -> Router {
    app.layer(middleware::from_fn(https_only))
}

async fn https_only(mut req: Request<Body>, next: Next) -> Response {
    req.headers_mut()
        .insert("x-forwarded-proto", HeaderValue::from_static("https"));
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    );
    resp
}

/// Serves `app` over TLS on `listener` until `stop` resolves.
pub async fn serve(
    listener: std::net::TcpListener,
    app: Router,
    tls: &Tls,
    data_dir: &Path,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopper.graceful_shutdown(Some(GRACE));
    });
    let service = layer(app).into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        Tls::Off => anyhow::bail!("TLS is off"),
        Tls::Files { cert, key } => {
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .with_context(|| {
                    format!(
                        "cannot use the certificate {} with the key {}",
                        cert.display(),
                        key.display()
                    )
                })?;
            axum_server::from_tcp_rustls(listener, config)?
                .handle(handle)
                .serve(service)
                .await?;
        }
        Tls::Acme {
            domains,
            email,
            directory,
            ca,
        } => {
            // The cache holds the certificates' private keys: for the desk's user alone.
            let cache = data_dir.join("acme");
            std::fs::create_dir_all(&cache)
                .with_context(|| format!("cannot create {}", cache.display()))?;
            private(&cache)?;
            let mut config = AcmeConfig::new(domains)
                .contact(email.iter().map(|e| format!("mailto:{e}")))
                .cache(DirCache::new(cache))
                .directory(directory);
            if let Some(ca) = ca {
                config = config.client_tls_config(client_trusting(ca)?);
            }
            let mut state = config.state();
            let acceptor = state.axum_acceptor(state.default_rustls_config());
            tokio::spawn(async move {
                while let Some(event) = state.next().await {
                    match event {
                        Ok(ok) => tracing::info!(event = ?ok, "ACME"),
                        Err(e) => {
                            tracing::error!(error = ?e, "ACME: getting a certificate failed; trying again later")
                        }
                    }
                }
            });
            axum_server::from_tcp(listener)?
                .acceptor(acceptor)
                .handle(handle)
                .serve(service)
                .await?;
        }
    }
    Ok(())
}

fn private(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("cannot make {} private", dir.display()))
}

/// A TLS client configuration trusting the CA certificates in the PEM file `ca` (and
/// the usual public roots).
fn client_trusting(ca: &Path) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let pem = std::fs::read(ca).with_context(|| format!("cannot read {}", ca.display()))?;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut added = 0;
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        roots
            .add(cert.with_context(|| format!("{} is not PEM", ca.display()))?)
            .with_context(|| format!("{} holds an unusable certificate", ca.display()))?;
        added += 1;
    }
    anyhow::ensure!(added > 0, "{} holds no certificate", ca.display());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    ))
}

/// Answers every plain-HTTP request with a permanent redirect to the same address over
/// HTTPS (on `https_port`, left out when it is 443). With ACME `domains`, a host that is
/// not one of them is sent to the first (its certificate would not match anyway).
pub async fn redirect(
    listener: tokio::net::TcpListener,
    https_port: u16,
    domains: Vec<String>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let domains = Arc::new(domains);
    let app = Router::new().fallback(move |req: Request<Body>| {
        let domains = domains.clone();
        async move { to_https(&req, https_port, &domains) }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stopping.changed().await;
        })
        .await?;
    Ok(())
}

fn to_https(req: &Request<Body>, https_port: u16, domains: &[String]) -> Response {
    let asked = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<axum::http::uri::Authority>().ok())
        .map(|a| a.host().to_ascii_lowercase());
    let host = match (asked, domains.first()) {
        (Some(h), Some(first)) if !domains.contains(&h) => first.clone(),
        (Some(h), _) => h,
        (None, Some(first)) => first.clone(),
        (None, None) => return (StatusCode::BAD_REQUEST, "no host").into_response(),
    };
    let authority = match https_port {
        443 => host,
        port => format!("{host}:{port}"),
    };
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    match Uri::builder()
        .scheme("https")
        .authority(authority)
        .path_and_query(path)
        .build()
    {
        Ok(uri) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, uri.to_string())],
        )
            .into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "bad address").into_response(),
    }
}
