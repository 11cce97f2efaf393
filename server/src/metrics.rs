//! `GET /metrics` in Prometheus's text format: requests and their latency by route,
//! tickets by status, the outbox backlog and the search index's lag. Off unless the
//! operator sets a token, and then only for requests that bear it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use engine::Engine;
use std::fmt::Write as _;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// What the middleware has counted since the desk started.
#[derive(Default)]
pub struct Metrics {
    /// (method, route, status) → requests.
    requests: Mutex<BTreeMap<(String, &'static str, u16), u64>>,
    /// route → latency.
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
}

/// The shared state of `/metrics`: the counts, the engine and the operator's token.
#[derive(Clone)]
pub struct MetricsState {
    pub metrics: Arc<Metrics>,
    pub engine: Arc<Engine>,
    pub token: Option<String>,
}

/// A route for labels: a small fixed set, never the raw path (which holds tokens and
/// would grow without bound).
fn route_of(path: &str) -> &'static str {
    match path {
        "/" => "/",
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        "/setup" => "/setup",
        "/api/live" => "/api/live",
        p if p.starts_with("/t/") => "/t/:number/:key",
        p if p.starts_with("/agent/tickets/") => "/agent/tickets/:number",
        p if p.starts_with("/agent") => "/agent",
        p if p.starts_with("/api/portal/") => "/api/portal",
        p if p.starts_with("/api/agent/") => "/api/agent",
        p if p.starts_with("/api/") => "/api/other",
        p if p.starts_with("/pkg/") => "/pkg",
        p if p.starts_with("/lang/") => "/lang",
        _ => "other",
    }
}

/// A method for labels: the standard ones, else `other` (a client may send any word).
fn method_of(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts every request and how long it took.
pub async fn record(
    State(metrics): State<Arc<Metrics>>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let route = route_of(req.uri().path());
    let method = method_of(req.method()).to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    if let Ok(mut requests) = metrics.requests.lock() {
        *requests.entry((method, route, status)).or_default() += 1;
    }
    if let Ok(mut latency) = metrics.latency.lock() {
        let h = latency.entry(route).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }
    resp
}

/// `GET /metrics`.
pub async fn serve(State(state): State<MetricsState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !engine::token::same(given, token) {
        return (StatusCode::UNAUTHORIZED, "a valid bearer token is required").into_response();
    }
    let engine = state.engine.clone();
    let stats = match tokio::task::spawn_blocking(move || engine.stats()).await {
        Ok(Ok(stats)) => stats,
        _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let mut out = String::new();
    out.push_str("# HELP tessera_http_requests_total HTTP requests by method, route and status.\n");
    out.push_str("# TYPE tessera_http_requests_total counter\n");
    if let Ok(requests) = state.metrics.requests.lock() {
        for ((method, route, status), n) in requests.iter() {
            let _ = writeln!(
                out,
                "tessera_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
    }
    out.push_str("# HELP tessera_http_request_duration_seconds Time to answer, by route.\n");
    out.push_str("# TYPE tessera_http_request_duration_seconds histogram\n");
    if let Ok(latency) = state.metrics.latency.lock() {
        for (route, h) in latency.iter() {
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "tessera_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "tessera_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "tessera_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "tessera_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
    }
    out.push_str("# HELP tessera_tickets Tickets by status.\n# TYPE tessera_tickets gauge\n");
    for (status, n) in &stats.tickets_by_status {
        let _ = writeln!(out, "tessera_tickets{{status=\"{status}\"}} {n}");
    }
    let gauges = [
        (
            "tessera_outbox_backlog",
            "Jobs waiting in the outbox.",
            stats.outbox_backlog,
        ),
        (
            "tessera_index_lag",
            "Outbox jobs the search index has not applied yet.",
            stats.index_lag,
        ),
        ("tessera_sessions", "Stored agent sessions.", stats.sessions),
        (
            "tessera_throttle_keys",
            "Clients the rate limits remember.",
            stats.throttle_keys,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    }
    (
        [
            (header::CONTENT_TYPE, "text/plain; version=0.0.4"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::route_of;

    #[test]
    fn routes_never_carry_tokens_or_numbers() {
        assert_eq!(route_of("/t/12/secret-token"), "/t/:number/:key");
        assert_eq!(route_of("/agent/tickets/9"), "/agent/tickets/:number");
        assert_eq!(route_of("/api/portal/create"), "/api/portal");
        assert_eq!(route_of("/anything/else"), "other");
        let odd = axum::http::Method::from_bytes(b"AAAA1").expect("method");
        assert_eq!(super::method_of(&odd), "other");
    }
}
