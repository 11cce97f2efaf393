//! Attachments over HTTP: uploads streamed into the desk's blob store, downloads
//! streamed out of it.
//!
//! - `POST /api/files?name=NAME` (a signed-in agent) and `POST /t/{number}/{secret}/files?name=NAME`
//!   (the customer, by their private link) take the file as the raw request body, its
//!   type in `Content-Type`; the answer is the upload as JSON, to be attached to the
//!   next message. Past the desk's limit the answer is 413 with the error's text key.
//! - `GET /files/{id}/{name}` (agents) and `GET /t/{number}/{secret}/files/{id}/{name}`
//!   (the customer) download a file. Files are always served as downloads; only raster
//!   images may be shown in the page (`?inline=1`, for previews). Types a browser would
//!   run (HTML, SVG, XML, scripts) are served as plain bytes.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use engine::store::records::Actor;
use engine::{Engine, ErrorKind};
use futures_util::StreamExt;
use serde::Deserialize;

/// The routes, with the engine as their state. They carry no body limit of their own
/// making: the engine refuses a file past the desk's limit as it streams in.
pub fn routes<S: Clone + Send + Sync + 'static>(engine: Arc<Engine>) -> Router<S> {
    Router::new()
        .route("/api/files", post(agent_upload))
        .route("/files/{id}/{name}", get(agent_download))
        .route("/messages/{id}/original.eml", get(original_download))
        .route("/t/{number}/{secret}/files", post(customer_upload))
        .route(
            "/t/{number}/{secret}/files/{id}/{name}",
            get(customer_download),
        )
        .route("/portal/tickets/{number}/files", post(session_upload))
        .route(
            "/portal/tickets/{number}/files/{id}/{name}",
            get(session_download),
        )
        .with_state(engine)
}

#[derive(Deserialize)]
struct UploadQuery {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct DownloadQuery {
    #[serde(default)]
    inline: Option<String>,
}

async fn agent_upload(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(agent) = signed_in(&engine, &headers).await else {
        return error(StatusCode::UNAUTHORIZED, "error.signed_out");
    };
    receive(engine, Actor::Agent(agent), &q.name, &headers, body).await
}

async fn customer_upload(
    State(engine): State<Arc<Engine>>,
    Path((number, secret)): Path<(u64, String)>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let e = engine.clone();
    let Ok(owner) = blocking(move || e.customer_uploader(number, &secret)).await else {
        return error(StatusCode::NOT_FOUND, "error.not_found");
    };
    receive(engine, owner, &q.name, &headers, body).await
}

/// A signed-in customer's key (`session:…`, from their cookie), if any.
fn session_key(headers: &HeaderMap) -> Option<String> {
    app::api::ssr::cookie_in(headers, app::api::ssr::CUSTOMER_COOKIE)
        .map(|s| format!("{}{s}", engine::portal::SESSION_KEY))
}

async fn session_upload(
    state: State<Arc<Engine>>,
    Path(number): Path<u64>,
    q: Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(key) = session_key(&headers) else {
        return error(StatusCode::NOT_FOUND, "error.not_found");
    };
    customer_upload(state, Path((number, key)), q, headers, body).await
}

async fn session_download(
    state: State<Arc<Engine>>,
    Path((number, id, name)): Path<(u64, u64, String)>,
    q: Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(key) = session_key(&headers) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    customer_download(state, Path((number, key, id, name)), q).await
}

async fn agent_download(
    State(engine): State<Arc<Engine>>,
    Path((id, _name)): Path<(u64, String)>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(agent) = signed_in(&engine, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let e = engine.clone();
    match blocking(move || e.attachment_for_agent(agent, id)).await {
        Ok((file, path)) => send(file, path, q.inline.is_some()).await,
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The original email a message came from, for an agent who may see its ticket;
/// always a download (`message/rfc822`), never shown.
async fn original_download(
    State(engine): State<Arc<Engine>>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response {
    let Some(agent) = signed_in(&engine, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let e = engine.clone();
    match blocking(move || e.message_source_for_agent(agent, id)).await {
        Ok((path, size)) => {
            let file = model::Attachment {
                id,
                name: format!("message-{id}.eml"),
                content_type: "message/rfc822".into(),
                size,
            };
            send(file, path, false).await
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn customer_download(
    State(engine): State<Arc<Engine>>,
    Path((number, secret, id, _name)): Path<(u64, String, u64, String)>,
    Query(q): Query<DownloadQuery>,
) -> Response {
    let e = engine.clone();
    match blocking(move || e.attachment_for_customer(number, &secret, id)).await {
        Ok((file, path)) => send(file, path, q.inline.is_some()).await,
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// How long an upload may send nothing before it is dropped.
const UPLOAD_IDLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Streams the request body into the blob store as `owner`'s upload.
async fn receive(
    engine: Arc<Engine>,
    owner: Actor,
    name: &str,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            mime_guess::from_path(name)
                .first_or_octet_stream()
                .essence_str()
                .to_string()
        });
    let e = engine.clone();
    let mut upload = match blocking(move || e.start_upload(declared)).await {
        Ok(u) => u,
        Err(e) => return engine_error(&e),
    };
    let mut stream = body.into_data_stream();
    loop {
        // A sender that goes quiet is dropped rather than held open.
        let Ok(next) = tokio::time::timeout(UPLOAD_IDLE, stream.next()).await else {
            return error(StatusCode::REQUEST_TIMEOUT, "error.upload_broken");
        };
        let Some(chunk) = next else { break };
        let Ok(chunk) = chunk else {
            // The sender went away or sent too much for the connection: nothing is kept.
            return error(StatusCode::BAD_REQUEST, "error.upload_broken");
        };
        if let Err(e) = tokio::task::block_in_place(|| upload.write(&chunk)) {
            return engine_error(&e);
        }
    }
    let name = name.to_string();
    match blocking(move || engine.finish_upload(owner, &name, &content_type, upload)).await {
        Ok(file) => (
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&file).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => engine_error(&e),
    }
}

/// A file as a download (or, for a raster image asked `inline`, as a picture).
async fn send(file: model::Attachment, path: std::path::PathBuf, inline: bool) -> Response {
    let Ok(f) = tokio::fs::File::open(&path).await else {
        tracing::error!(path = %path.display(), "an attachment's blob is missing");
        return StatusCode::NOT_FOUND.into_response();
    };
    let picture = inline && file.is_image();
    let content_type = served_type(&file.content_type);
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if picture { "inline" } else { "attachment" },
        ascii_name(&file.name),
        percent(&file.name)
    );
    let mut resp = Body::from_stream(tokio_util::io::ReaderStream::new(f)).into_response();
    let h = resp.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_LENGTH, file.size.to_string()),
        (header::CONTENT_DISPOSITION, disposition),
        // Even opened directly, a file can run nothing and load nothing.
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox".to_string(),
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    resp
}

/// The type a file is served with: its own, unless a browser could run it.
fn served_type(content_type: &str) -> String {
    let risky = ["html", "xml", "svg", "javascript", "ecmascript", "xsl"]
        .iter()
        .any(|w| content_type.contains(w));
    if risky || content_type.is_empty() {
        "application/octet-stream".to_string()
    } else {
        content_type.to_string()
    }
}

/// The name with only printable ASCII, for old browsers' `filename=`.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '\u{22}' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5987 percent-encoding for `filename*=`.
fn percent(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn signed_in(engine: &Arc<Engine>, headers: &HeaderMap) -> Option<u64> {
    let token = app::api::ssr::session_token_in(headers)?;
    let e = engine.clone();
    blocking(move || e.session_agent(&token).map(|a| a.id))
        .await
        .ok()
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> engine::Result<T> + Send + 'static,
) -> engine::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(engine::Error::internal(e.to_string())))
}

fn engine_error(e: &engine::Error) -> Response {
    let key = e
        .fields()
        .first()
        .map(|f| f.key.clone())
        .unwrap_or_else(|| "error.generic".to_string());
    let status = match e.kind() {
        ErrorKind::Invalid if key == "error.file_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        _ => {
            tracing::error!(%e, "an upload failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    error(status, &key)
}

fn error(status: StatusCode, key: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "error": key }).to_string(),
    )
        .into_response()
}
