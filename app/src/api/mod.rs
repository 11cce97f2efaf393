//! Server functions: each authenticates its caller, calls one `Engine` method and maps
//! the error. Nothing here decides business rules.

pub mod agent;
pub mod auth;
pub mod kb;
pub mod mailboxes;
pub mod portal;

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use model::FieldError;
use serde::{Deserialize, Serialize};

/// What can go wrong, as the UI needs to know it: each maps to a translated message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    NotFound,
    NotSignedIn,
    BadCredentials,
    /// Too many attempts from here; try again in this many seconds.
    TooMany(u64),
    /// The desk is at capacity for this work right now.
    Busy,
    /// The desk's storage refuses writes (full or read-only): nothing was saved.
    Storage,
    Forbidden,
    Closed,
    Invalid(Vec<FieldError>),
    Internal,
}

impl AppError {
    /// Translation key of the message shown to the user.
    pub fn key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::NotSignedIn => "error.not_signed_in",
            AppError::BadCredentials => "error.bad_credentials",
            AppError::TooMany(_) => "error.too_many",
            AppError::Busy => "error.busy",
            AppError::Storage => "error.storage",
            AppError::Forbidden => "error.forbidden",
            AppError::Closed => "error.closed",
            AppError::Invalid(_) => "error.generic",
            AppError::Internal => "error.generic",
        }
    }

    /// The message for the user, in the current language.
    pub fn message(&self) -> String {
        match self {
            AppError::TooMany(secs) => crate::i18n::tn("error.too_many", secs.div_ceil(60).max(1)),
            e => crate::i18n::t(e.key()).to_string(),
        }
    }

    /// What to tell the person in one line: the first invalid field's own message, else
    /// the error's.
    pub fn explain(&self) -> String {
        match self {
            AppError::Invalid(fields) if !fields.is_empty() => {
                crate::i18n::t_dyn(&fields[0].key).to_string()
            }
            e => e.message(),
        }
    }

    /// The HTTP status that tells the truth about this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::NotSignedIn | AppError::BadCredentials => 401,
            AppError::TooMany(_) => 429,
            AppError::Busy => 503,
            AppError::Storage => 507,
            AppError::Forbidden => 403,
            AppError::Closed => 409,
            AppError::Invalid(_) => 422,
            AppError::Internal => 500,
        }
    }

    /// The translation key of the error for `field`, if any.
    pub fn field(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(fields) => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.key.clone()),
            _ => None,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Arguments that do not parse are the caller's mistake (422), not a fault.
        let bad_input = matches!(
            value,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
        );
        #[cfg(feature = "ssr")]
        {
            tracing::warn!(%value, "server function failed");
            if bad_input {
                return ssr::fail(AppError::Invalid(Vec::new()));
            }
        }
        let _ = value;
        if bad_input {
            AppError::Invalid(Vec::new())
        } else {
            AppError::Internal
        }
    }
}

/// How many of a conversation's newest messages to show: a page by default, never more
/// than a ticket can hold.
pub fn conversation_length(asked: usize) -> usize {
    if asked == 0 {
        model::limits::CONVERSATION_PAGE
    } else {
        asked.min(10_000)
    }
}

/// The translation key of the error for field `name` in an action's last result.
pub fn field_error<T: 'static>(
    result: impl With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
    name: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(e)) => e.field(name),
            _ => None,
        })
    })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Server-side helpers shared by the server functions.

    use std::sync::Arc;

    use engine::{Engine, ErrorKind};
    use http::header::{HeaderValue, COOKIE, SET_COOKIE};
    use http::StatusCode;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use model::AgentInfo;

    use super::AppError;

    /// Name of the session cookie.
    pub const SESSION_COOKIE: &str = "tessera_session";

    impl From<engine::Error> for AppError {
        fn from(e: engine::Error) -> Self {
            match e.kind() {
                ErrorKind::NotFound => AppError::NotFound,
                ErrorKind::Unauthorized => AppError::NotSignedIn,
                ErrorKind::TooManyRequests => AppError::TooMany(e.retry_after().unwrap_or(60)),
                ErrorKind::Busy => AppError::Busy,
                ErrorKind::Storage => AppError::Storage,
                ErrorKind::Forbidden => AppError::Forbidden,
                ErrorKind::Conflict => AppError::Closed,
                ErrorKind::Invalid => AppError::Invalid(e.fields().to_vec()),
                ErrorKind::Internal => AppError::Internal,
            }
        }
    }

    /// Sets the HTTP status of the response (the page's, during server rendering).
    pub fn set_status(code: u16) {
        if let (Some(opts), Ok(code)) =
            (use_context::<ResponseOptions>(), StatusCode::from_u16(code))
        {
            opts.set_status(code);
        }
    }

    /// Runs `f` on the engine off the async threads, mapping its error and setting the
    /// response status to match.
    pub async fn call<T: Send + 'static>(
        f: impl FnOnce(&Engine) -> engine::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let engine = use_context::<Arc<Engine>>().ok_or(AppError::Internal)?;
        let result = tokio::task::spawn_blocking(move || f(&engine))
            .await
            .map_err(|e| {
                tracing::error!(%e, "engine task failed");
                AppError::Internal
            })?;
        result.map_err(|e| {
            if let Some(secs) = e.retry_after() {
                retry_after(secs);
            }
            fail(e.into())
        })
    }

    /// Sets the response's status to match `e`, and gives `e` back.
    pub fn fail(e: AppError) -> AppError {
        set_status(e.status());
        e
    }

    /// Tells the client when to try again (`Retry-After`).
    pub fn retry_after(secs: u64) {
        if let (Some(opts), Ok(v)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&secs.to_string()),
        ) {
            opts.insert_header(http::header::RETRY_AFTER, v);
        }
    }

    /// The operator's list of reverse proxies whose `X-Forwarded-For` is believed.
    #[derive(Clone, Debug, Default)]
    pub struct TrustedProxies(pub Vec<std::net::IpAddr>);

    /// The address of the client: the socket's peer, or, when that peer is one of the
    /// operator's trusted proxies, the last address in `X-Forwarded-For` that is not.
    pub fn client_address() -> String {
        let Some(parts) = use_context::<http::request::Parts>() else {
            return "unknown".into();
        };
        let trusted = use_context::<TrustedProxies>().unwrap_or_default();
        let trusted: Vec<std::net::IpAddr> = trusted.0.iter().map(|ip| ip.to_canonical()).collect();
        client_address_of(&parts, &trusted)
    }

    /// [`client_address`] for a request's parts.
    pub fn client_address_of(parts: &http::request::Parts, trusted: &[std::net::IpAddr]) -> String {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_canonical());
        let Some(peer) = peer else {
            return "unknown".into();
        };
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        client_key(model::headers::forwarded_client(peer, &forwarded, trusted))
    }

    /// The key limits count a client by: its IPv4 address, or its IPv6 /64 (one
    /// subscriber's whole network, which they can rotate through at will).
    pub fn client_key(ip: std::net::IpAddr) -> String {
        match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }

    /// The session token from the request's cookie.
    pub fn session_token() -> Option<String> {
        session_token_in(&use_context::<http::request::Parts>()?.headers)
    }

    /// The session token among a request's cookies.
    pub fn session_token_in(headers: &http::HeaderMap) -> Option<String> {
        cookie_in(headers, SESSION_COOKIE)
    }

    /// The value of cookie `name` among a request's cookies.
    pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    /// The address the browser reached the desk at (`https://help.example.com`), from
    /// the request's Host and scheme.
    pub fn request_origin() -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| parts.uri.authority().map(|a| a.to_string()))?;
        let scheme = if over_https() { "https" } else { "http" };
        Some(format!("{scheme}://{host}"))
    }

    /// The desk's address for links in mail: the one an admin set (or setup noted),
    /// else the request's own.
    pub fn desk_address() -> String {
        desk_profile()
            .map(|p| p.address)
            .filter(|a| !a.is_empty())
            .or_else(request_origin)
            .unwrap_or_default()
    }

    /// The customer session cookie's name.
    pub const CUSTOMER_COOKIE: &str = "tessera_customer";

    /// The signed-in customer's session token, if the request carries one.
    pub fn customer_session() -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        cookie_in(&parts.headers, CUSTOMER_COOKIE)
    }

    /// Sets (or with `None` clears) the customer's session cookie.
    pub fn set_customer_cookie(token: Option<&str>) {
        let Some(opts) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        let secure = if over_https() { "; Secure" } else { "" };
        let value = match token {
            Some(t) => format!(
                "{CUSTOMER_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                engine::portal::SESSION_DAYS * 24 * 3600
            ),
            None => {
                format!("{CUSTOMER_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
            }
        };
        if let Ok(v) = HeaderValue::from_str(&value) {
            opts.append_header(SET_COOKIE, v);
        }
    }

    /// A customer's ticket key: the private link's secret when given, else the signed-in
    /// customer's session (see `engine::portal::SESSION_KEY`).
    pub fn customer_key(key: String) -> String {
        if !key.is_empty() {
            return key;
        }
        match customer_session() {
            Some(s) => format!("{}{s}", engine::portal::SESSION_KEY),
            None => String::new(),
        }
    }

    /// The agent a request's session cookie signs in, if any.
    pub fn signed_in_agent(headers: &http::HeaderMap) -> Option<AgentInfo> {
        let engine = use_context::<Arc<Engine>>()?;
        let token = session_token_in(headers)?;
        engine.session_agent(&token).ok()
    }

    /// The desk's name, time zone and default language.
    pub fn desk_profile() -> Option<model::DeskProfile> {
        use_context::<Arc<Engine>>()?.desk_profile().ok()
    }

    /// The signed-in agent, or `NotSignedIn`.
    pub async fn agent() -> Result<AgentInfo, AppError> {
        let token = session_token().ok_or_else(|| fail(AppError::NotSignedIn))?;
        call(move |e| e.session_agent(&token)).await
    }

    /// Whether the browser reached the desk over TLS, directly or through a proxy that
    /// says so (`X-Forwarded-Proto: https`).
    fn over_https() -> bool {
        let Some(parts) = use_context::<http::request::Parts>() else {
            return false;
        };
        parts.uri.scheme_str() == Some("https")
            || parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https"))
    }

    /// For a form posted before the wasm took over (a plain HTML form), sends the
    /// browser on to `path` afterwards instead of back to the form. Hydrated forms get
    /// their result as data and are left alone.
    pub fn redirect_plain_form(path: &str) {
        let plain = use_context::<http::request::Parts>().is_some_and(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        if plain {
            leptos_axum::redirect(path);
        }
    }

    /// Sets (or, with `None`, clears) the session cookie.
    pub fn set_session_cookie(token: Option<&str>) {
        let Some(opts) = use_context::<ResponseOptions>() else {
            return;
        };
        let secure = if over_https() { "; Secure" } else { "" };
        let value = match token {
            Some(t) => format!(
                "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                engine::auth::SESSION_LIFETIME.num_seconds()
            ),
            None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
        };
        if let Ok(v) = HeaderValue::from_str(&value) {
            opts.append_header(SET_COOKIE, v);
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use std::net::{IpAddr, SocketAddr};

    use super::ssr::{client_address_of, client_key};

    fn parts(peer: &str, forwarded: &[&str]) -> http::request::Parts {
        let mut req = http::Request::builder();
        for f in forwarded {
            req = req.header("x-forwarded-for", *f);
        }
        let (mut parts, ()) = req.body(()).expect("request").into_parts();
        let peer: SocketAddr = peer.parse().expect("peer");
        parts.extensions.insert(axum::extract::ConnectInfo(peer));
        parts
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let spoofed = parts("203.0.113.5:4000", &["198.51.100.1"]);
        assert_eq!(client_address_of(&spoofed, &[]), "203.0.113.5");
        let proxied = parts("10.0.0.2:4000", &["198.51.100.1, 198.51.100.9"]);
        assert_eq!(
            client_address_of(&proxied, &[ip("10.0.0.2")]),
            "198.51.100.9"
        );
        // A left-hand entry the client wrote itself is never believed past an unreadable one.
        let odd = parts("10.0.0.2:4000", &["6.6.6.6, 1.2.3.4:5678"]);
        assert_eq!(client_address_of(&odd, &[ip("10.0.0.2")]), "10.0.0.2");
        // A dual-stack socket shows IPv4 proxies as mapped addresses.
        let mapped = parts("[::ffff:10.0.0.2]:4000", &["198.51.100.7"]);
        assert_eq!(
            client_address_of(&mapped, &[ip("10.0.0.2")]),
            "198.51.100.7"
        );
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(client_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(client_key(ip("2001:db8:1:2:bbbb::9")), "2001:db8:1:2::/64");
        assert_eq!(client_key(ip("192.0.2.1")), "192.0.2.1");
    }
}
