//! Server functions: each authenticates its caller, calls one `Engine` method and maps
//! the error. Nothing here decides business rules.

pub mod agent;
pub mod auth;
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
    TooManySignIns,
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
            AppError::TooManySignIns => "error.too_many_sign_ins",
            AppError::Forbidden => "error.forbidden",
            AppError::Closed => "error.closed",
            AppError::Invalid(_) => "error.generic",
            AppError::Internal => "error.generic",
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
        #[cfg(feature = "ssr")]
        tracing::warn!(%value, "server function failed");
        let _ = value;
        AppError::Internal
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
                ErrorKind::TooManyRequests => AppError::TooManySignIns,
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
            set_status(e.http_status());
            e.into()
        })
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

    /// The workspace language the agent signed in on this request chose, if any. Read
    /// while the page renders, so it is a plain (fast) lookup in the engine.
    pub fn agent_locale(headers: &http::HeaderMap) -> Option<String> {
        let engine = use_context::<Arc<Engine>>()?;
        let token = session_token_in(headers)?;
        engine.session_agent(&token).ok()?.locale
    }

    /// The signed-in agent, or `NotSignedIn`.
    pub async fn agent() -> Result<AgentInfo, AppError> {
        let token = session_token().ok_or(AppError::NotSignedIn)?;
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
