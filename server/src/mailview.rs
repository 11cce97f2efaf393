//! An email as it was sent, for agents: its HTML (or its text), sanitized with
//! ammonia, its inline images shown inline, and remote content (images, styles that
//! load them) blocked until the agent asks for it. The page is sandboxed: no script
//! runs in it, whatever the mail carried.

use std::sync::Arc;

use app::plain::escape;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use engine::Engine;
use mail_parser::{MessageParser, MimeHeaders, PartType};
use serde::Deserialize;

/// The largest original read for this view.
const MAX_ORIGINAL: u64 = 64 * 1024 * 1024;
/// The most HTML sanitized; a longer body is shown as its text.
const MAX_HTML: usize = 2 * 1024 * 1024;
/// Inline images linked at most, per message.
const MAX_INLINE: usize = 50;

/// Originals parsed at once (each may be large): the rest wait their turn.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

pub fn routes<S: Clone + Send + Sync + 'static>(engine: Arc<Engine>) -> Router<S> {
    Router::new()
        .route("/messages/{id}/as-sent", get(as_sent))
        .route("/messages/{id}/inline/{part}", get(inline_part))
        .with_state(engine)
}

#[derive(Deserialize)]
struct ViewQuery {
    /// Present when the agent chose to load remote content.
    remote: Option<String>,
}

/// The original of message `id`, if the signed-in agent may see its ticket.
async fn original(
    engine: &Arc<Engine>,
    headers: &HeaderMap,
    id: u64,
) -> Option<(Option<String>, Vec<u8>)> {
    let token = app::api::ssr::session_token_in(headers)?;
    let e = engine.clone();
    tokio::task::spawn_blocking(move || {
        let agent = e.session_agent(&token).ok()?;
        let (path, size) = e.message_source_for_agent(agent.id, id).ok()?;
        if size > MAX_ORIGINAL {
            return None;
        }
        Some((agent.locale, std::fs::read(path).ok()?))
    })
    .await
    .ok()
    .flatten()
}

async fn as_sent(
    State(engine): State<Arc<Engine>>,
    Path(id): Path<u64>,
    Query(q): Query<ViewQuery>,
    headers: HeaderMap,
) -> Response {
    let Some((setting, raw)) = original(&engine, &headers, id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let locale = {
        let cookie = app::api::ssr::cookie_in(&headers, app::i18n::COOKIE);
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        app::i18n::resolve(setting.as_deref(), cookie.as_deref(), accept)
    };
    let remote = q.remote.is_some();
    let Ok(_turn) = PARSING.acquire().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let Ok((body, blocked)) = tokio::task::spawn_blocking(move || render(id, &raw, remote)).await
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let t = |key| app::i18n::translate(locale, key);
    let banner = if blocked {
        format!(
            "<p class=\"banner\">{} <a href=\"?remote=1\">{}</a></p>",
            escape(t("mail.remote_blocked")),
            escape(t("mail.remote_show")),
        )
    } else {
        String::new()
    };
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font:15px/1.5 system-ui,sans-serif;margin:0;padding:12px 16px;color:#1c2230;background:#fff;word-wrap:break-word}}\
         img{{max-width:100%;height:auto}} pre{{white-space:pre-wrap}}\
         .banner{{background:#fff6d6;border:1px solid #c99a06;border-radius:6px;padding:6px 10px;margin:0 0 12px}}\
         </style></head><body>{banner}{body}</body></html>",
        lang = locale.code(),
        title = escape(t("ticket.as_sent")),
    );
    // Scripts never run (the sandbox has no allow-scripts); the page keeps its origin
    // so its inline images load with the agent's session.
    let img = if remote {
        "'self' data: https: http:"
    } else {
        "'self' data:"
    };
    let csp = format!(
        "default-src 'none'; img-src {img}; style-src 'unsafe-inline'{}; font-src 'none'; \
         frame-ancestors 'self'; form-action 'none'; base-uri 'none'; \
         sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox",
        if remote { " https: http:" } else { "" }
    );
    let mut resp = page.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// The message's HTML (or its text), sanitized; and whether remote content was left
/// out.
fn render(id: u64, raw: &[u8], remote: bool) -> (String, bool) {
    let Some(m) = MessageParser::default().parse(raw) else {
        return (
            format!("<pre>{}</pre>", escape(&String::from_utf8_lossy(raw))),
            false,
        );
    };
    // Inline parts by Content-ID, for `cid:` references.
    let mut cids = std::collections::HashMap::new();
    for (i, part) in m.parts.iter().enumerate() {
        if cids.len() >= MAX_INLINE {
            break;
        }
        if let Some(cid) = part.content_id() {
            cids.insert(cid.trim_matches(['<', '>']).to_string(), i);
        }
    }
    let html_part = m
        .html_body
        .first()
        .and_then(|&i| m.parts.get(i as usize))
        .filter(|p| matches!(&p.body, PartType::Html(h) if h.len() <= MAX_HTML));
    let Some(part) = html_part else {
        let mut text = String::new();
        for i in 0..m.text_body_count() {
            if let Some(t) = m.body_text(i) {
                text.push_str(&t);
                text.push('\n');
            }
        }
        return (format!("<pre>{}</pre>", escape(&text)), false);
    };
    let html = match &part.body {
        PartType::Html(h) => h.to_string(),
        _ => String::new(),
    };
    let blocked = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Inline images get a scheme of this render's own, made a path after cleaning; a
    // message cannot guess it, so it cannot point at another message's parts.
    let scheme = format!("x-inline-{:016x}", rand_u64());
    let marker = format!("{scheme}:");
    let flag = blocked.clone();
    let clean = ammonia::Builder::default()
        .add_generic_attributes([
            "style", "align", "valign", "width", "height", "bgcolor", "color", "border",
        ])
        .add_tag_attributes("table", ["cellpadding", "cellspacing"])
        .add_tag_attributes("font", ["face", "size"])
        .add_tags(["font", "center"])
        .add_url_schemes(["cid", "data", scheme.as_str()])
        // Relative links would reach the desk's own pages with the agent's session.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(move |element, attribute, value| {
            let remote_url = |v: &str| {
                let v = v.trim_start().to_ascii_lowercase();
                v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//")
            };
            match (element, attribute) {
                (_, "src") if value.trim_start().to_ascii_lowercase().starts_with("cid:") => {
                    // Made absolute on the way out (relative links are denied).
                    let cid = value.trim_start()[4..].trim_matches(['<', '>']);
                    cids.get(cid)
                        .map(|i| format!("{marker}{id}/inline/{i}").into())
                }
                // data: only for pictures.
                (_, "href") if value.trim_start().to_ascii_lowercase().starts_with("data:") => None,
                (_, "src") | (_, "background") if remote_url(value) && !remote => {
                    flag.store(true, std::sync::atomic::Ordering::Relaxed);
                    None
                }
                (_, "src") if value.trim_start().to_ascii_lowercase().starts_with("data:") => value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("data:image/")
                    .then(|| value.into()),
                (_, "style")
                    if !remote && {
                        let v = value.to_ascii_lowercase();
                        v.contains("url") || v.contains("image") || v.contains('\\')
                    } =>
                {
                    flag.store(true, std::sync::atomic::Ordering::Relaxed);
                    None
                }
                _ => Some(value.into()),
            }
        })
        .clean(&html)
        .to_string()
        .replace(&format!("{scheme}:"), "/messages/");
    (clean, blocked.load(std::sync::atomic::Ordering::Relaxed))
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}

/// One part of message `id` that its HTML shows inline (an image), for an agent who
/// may see the ticket.
async fn inline_part(
    State(engine): State<Arc<Engine>>,
    Path((id, index)): Path<(u64, usize)>,
    headers: HeaderMap,
) -> Response {
    let Some((_, raw)) = original(&engine, &headers, id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(_turn) = PARSING.acquire().await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let found = tokio::task::spawn_blocking(move || {
        let m = MessageParser::default().parse(&raw)?;
        let part = m.parts.get(index)?;
        let kind = part
            .content_type()
            .map(|c| {
                format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()).to_ascii_lowercase()
            })
            .unwrap_or_default();
        // Only images are shown inline (and never SVG, which may carry script).
        (kind.starts_with("image/") && !kind.contains("svg"))
            .then(|| (kind, part.contents().to_vec()))
    })
    .await
    .ok()
    .flatten();
    let Some((kind, bytes)) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&kind) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    resp
}
