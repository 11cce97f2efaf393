//! `GET /lang/{code}?next=/path`: the portal's language menu. Keeps the choice in a
//! cookie for a year and sends the browser back to the page it came from, which the
//! server then renders in that language.

use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::assets;

/// How long the choice is remembered.
const ONE_YEAR_SECS: u32 = 365 * 24 * 3600;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn choose(
    Path(code): Path<String>,
    Query(query): Query<Next>,
    headers: HeaderMap,
) -> Response {
    if !model::is_language(&code) {
        return assets::not_found();
    }
    let next = query
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".into());
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let cookie = format!(
        "{}={code}; Path=/; Max-Age={ONE_YEAR_SECS}; SameSite=Lax{}",
        app::i18n::COOKIE,
        if secure { "; Secure" } else { "" }
    );
    let (Ok(cookie), Ok(location)) = (HeaderValue::from_str(&cookie), HeaderValue::from_str(&next))
    else {
        return assets::not_found();
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}

/// A path on this desk, never another site (`//evil.example`, `/\evil.example`).
fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control())
        && p.len() <= 2048
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/t/12/abc?x=1"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "evil",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }
}
