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
use tower_http::limit::RequestBodyLimitLayer;

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
    trusted: app::api::ssr::TrustedProxies,
    metrics_token: Option<String>,
) -> Router {
    let counts = Arc::new(crate::metrics::Metrics::default());
    let metrics_state = crate::metrics::MetricsState {
        metrics: counts.clone(),
        engine: engine.clone(),
        token: metrics_token,
    };
    let routes = generate_route_list(app::App);
    let live_engine = engine.clone();
    let files = crate::files::routes(engine.clone());
    let mail_views = crate::mailview::routes(engine.clone());
    let admin_pages = crate::admin_pages::routes(engine.clone());
    let rule_pages = crate::rule_pages::routes(engine.clone());
    let goal_pages = crate::goal_pages::routes(engine.clone());
    let page_engine = engine.clone();
    let page_trusted = trusted.clone();
    let context = move || {
        provide_context(engine.clone());
        provide_context(trusted.clone());
    };
    let shell_options = options.clone();
    // Any other address gets the app's own "not found" page, in the visitor's language.
    let not_found_options = options.clone();
    let not_found_page = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(page_engine.clone());
            provide_context(page_trusted.clone());
        },
        move || app::shell(not_found_options.clone()),
    );
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/lang/{code}", get(crate::language::choose))
        .route(
            "/metrics",
            get(crate::metrics::serve).with_state(metrics_state),
        )
        .route(
            "/api/live",
            get(move |headers| crate::live::events(live_engine.clone(), shutdown.clone(), headers)),
        )
        .merge(admin_pages)
        .merge(rule_pages)
        .merge(goal_pages)
        .leptos_routes_with_context(&options, routes, context, move || {
            app::shell(shell_options.clone())
        })
        .fallback(move |req: Request<Body>| fallback(req, not_found_page.clone()))
        // No route takes more: forms and server functions are small. Uploads, merged
        // in below, are held to the desk's file limit as they stream in.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(files)
        .merge(mail_views)
        .layer(middleware::from_fn(same_origin))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            counts,
            crate::metrics::record,
        ))
        .with_state(options)
}

/// Embedded files, else the app's own 404 page (a plain one for missing files and for
/// anything but GET).
async fn fallback<F>(req: Request<Body>, page: impl Fn(Request<Body>) -> F) -> Response
where
    F: std::future::Future<Output = Response>,
{
    if let Some(resp) = assets::serve(req.uri(), req.headers()) {
        return resp;
    }
    let file_like = req.uri().path().starts_with("/pkg/")
        || req
            .uri()
            .path()
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'));
    if req.method() != Method::GET || file_like {
        return assets::not_found();
    }
    page(req).await
}

/// The largest request body any route accepts.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Whether responses for `path` are private to one person (never to be cached).
fn private_path(path: &str) -> bool {
    [
        "/t/",
        "/agent",
        "/api/",
        "/setup",
        "/lang/",
        "/files/",
        "/portal",
        "/messages/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// Headers every response carries: no MIME sniffing, and no private-link token leaked
/// to other sites through Referer; private pages and server-function answers are never
/// stored by a browser or proxy cache.
async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let private = private_path(req.uri().path());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if private {
        h.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
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

/// Refuses state-changing requests whose Origin (or Referer) is another site's, and
/// bodies that do not say how long they are (browsers always do; the limit on bodies
/// then answers 413 from the length alone).
async fn same_origin(req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if req.headers().contains_key(header::TRANSFER_ENCODING)
        && !req.headers().contains_key(header::CONTENT_LENGTH)
    {
        return (StatusCode::LENGTH_REQUIRED, "length required").into_response();
    }
    // HTTP/2 names the host in the request's authority rather than a Host header.
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
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
