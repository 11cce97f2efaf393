//! The HTTP side: Leptos pages and server functions, embedded assets, `/healthz`, and
//! the same-origin check on every state-changing request.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use engine::Engine;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use crate::assets;

/// Leptos's options, built in code so the binary needs no Cargo.toml at run time.
pub fn leptos_options(addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("tessera")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build()
}

/// The whole application.
pub fn router(
    engine: Arc<Engine>,
    options: LeptosOptions,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> Router {
    let routes = generate_route_list(app::App);
    let live_engine = engine.clone();
    let context = move || provide_context(engine.clone());
    let shell_options = options.clone();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/api/live",
            get(move |headers| crate::live::events(live_engine.clone(), shutdown.clone(), headers)),
        )
        .leptos_routes_with_context(&options, routes, context, move || {
            app::shell(shell_options.clone())
        })
        .fallback(fallback)
        .layer(middleware::from_fn(same_origin))
        .layer(middleware::from_fn(security_headers))
        .with_state(options)
}

/// Embedded files, else the app's own 404 page.
async fn fallback(req: Request<Body>) -> Response {
    if let Some(resp) = assets::serve(req.uri(), req.headers()) {
        return resp;
    }
    assets::not_found()
}

/// Headers every response carries: no MIME sniffing, and no private-link token leaked
/// to other sites through Referer.
async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    resp
}

/// Refuses state-changing requests whose Origin (or Referer) is another site's.
async fn same_origin(req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let source = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    if let Some(source) = source {
        let source_host = source
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("");
        if source_host != host {
            tracing::warn!(source, host, "cross-origin request refused");
            return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
        }
    }
    next.run(req).await
}
