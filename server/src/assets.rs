//! The built site (wasm, js, css, icons) embedded in the binary, served with the
//! brotli or gzip sibling when the browser takes it.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../target/site"]
#[allow_missing = true]
struct Site;

/// Whether the wasm bundle was embedded (a binary built without it cannot hydrate).
pub fn has_wasm() -> bool {
    Site::get("pkg/tessera_bg.wasm").is_some()
}

/// Serves an embedded file, or `None` if there is no such file.
pub fn serve(uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let path = uri.path().trim_start_matches('/');
    if path.is_empty() || path.ends_with(".br") || path.ends_with(".gz") {
        return None;
    }
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (file, encoding) = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(name, _)| accept.contains(name))
        .find_map(|(name, ext)| Site::get(&format!("{path}{ext}")).map(|f| (f, Some(name))))
        .or_else(|| Site::get(path).map(|f| (f, None)))?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut resp = Response::new(Body::from(file.data.into_owned()));
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(enc) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Some(resp)
}

/// A plain 404 for an unknown asset.
pub fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}
