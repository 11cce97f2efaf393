//! Tessera's user interface: the customer portal, the agent workspace and the admin
//! pages, rendered on the server and hydrated in the browser. Server functions live in
//! [`api`]; they reach the engine only when built with the `ssr` feature.

pub mod api;
mod components;
pub mod i18n;
mod keys;
mod pages;
#[cfg(feature = "ssr")]
pub mod plain;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use i18n::Locale;

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let (locale, zone, desk_name) = server_settings();
    provide_context(locale);
    provide_context(i18n::Zone(zone.clone()));
    provide_context(components::DeskName(desk_name.clone()));
    #[cfg(feature = "ssr")]
    content_security_policy();
    let lang = locale.code();
    view! {
        <!DOCTYPE html>
        <html lang=lang data-tz=zone>
            <head>
                <meta charset="utf-8"/>
                <meta name="application-name" content=desk_name/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The page's texts for the wasm: outside the body, which hydration walks.
                <script type="application/json" id=i18n::TABLE_ID inner_html=page_texts(locale)></script>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's texts for the browser (see [`i18n::page_table`]).
fn page_texts(locale: Locale) -> String {
    #[cfg(feature = "ssr")]
    return i18n::page_table(locale).to_string();
    #[cfg(not(feature = "ssr"))]
    {
        let _ = locale;
        String::new()
    }
}

/// Allows scripts only from the desk itself and Leptos's own inline scripts (by nonce).
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use leptos::nonce::{provide_nonce, use_nonce};
    if use_nonce().is_none() {
        provide_nonce();
    }
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The language of the request being answered (for a server function's words).
#[cfg(feature = "ssr")]
pub fn request_locale() -> Locale {
    server_settings().0
}

/// What the page is rendered in: the locale the request asks for (the desk's default
/// language when the browser asks for none the desk speaks), the time zone (the
/// agent's, else the desk's) and the desk's name.
fn server_settings() -> (Locale, String, String) {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            let accept = parts
                .headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let cookie = api::ssr::cookie_in(&parts.headers, i18n::COOKIE);
            let agent = parts
                .uri
                .path()
                .starts_with("/agent")
                .then(|| api::ssr::signed_in_agent(&parts.headers))
                .flatten();
            let desk = api::ssr::desk_profile().unwrap_or_default();
            let locale = i18n::resolve_with_default(
                agent.as_ref().and_then(|a| a.locale.as_deref()),
                cookie.as_deref(),
                accept,
                Some(desk.language.as_str()),
            );
            let zone = agent.and_then(|a| a.time_zone).unwrap_or(desk.time_zone);
            return (locale, zone, desk.name);
        }
    }
    (Locale::default(), "UTC".to_string(), String::new())
}

/// The locale the server rendered the page in (read back from `<html lang>`).
fn client_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        if let Some(lang) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
        {
            return i18n::Locale::from_code(&lang).unwrap_or_default();
        }
    }
    Locale::default()
}

/// An attribute of the page's `<html>` element, as the server wrote it.
fn root_attribute(_name: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        if let Some(v) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute(_name))
        {
            return v;
        }
    }
    String::new()
}

/// The desk's name, as the server wrote it in `<meta name="application-name">`.
fn desk_name_in_page() -> String {
    #[cfg(feature = "hydrate")]
    {
        if let Some(v) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector("meta[name=application-name]")
                    .ok()
                    .flatten()
            })
            .and_then(|e| e.get_attribute("content"))
        {
            return v;
        }
    }
    String::new()
}

/// The root component: routes of the portal, the workspace and setup.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    if use_context::<Locale>().is_none() {
        provide_context(client_locale());
        provide_context(i18n::Zone(root_attribute("data-tz")));
        provide_context(components::DeskName(desk_name_in_page()));
    }
    // Marks the page once the wasm has taken over, for tests and styling.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="tessera" href="/pkg/tessera.css"/>
        <Title text=components::brand()/>
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/") view=pages::portal_home::PortalHome/>
                <Route
                    path=path!("/t/:number/:key")
                    view=pages::portal_ticket::PortalTicket
                    ssr=SsrMode::Async
                />
                <Route path=path!("/portal") view=pages::portal_account::PortalAccount ssr=SsrMode::Async/>
                <Route path=path!("/help") view=pages::help::HelpHome ssr=SsrMode::Async/>
                <Route path=path!("/rate/:token/:choice") view=pages::survey::RatePage ssr=SsrMode::Async/>
                <Route path=path!("/agent/satisfaction") view=pages::survey::SatisfactionPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/agents/:id") view=pages::survey::AgentProfilePage ssr=SsrMode::Async/>
                <Route path=path!("/help/category/:id") view=pages::help::HelpCategory ssr=SsrMode::Async/>
                <Route path=path!("/help/:slug") view=pages::help::HelpArticle ssr=SsrMode::Async/>
                <Route path=path!("/agent/kb") view=pages::kb::KbList ssr=SsrMode::Async/>
                <Route path=path!("/agent/kb/:number") view=pages::kb::KbEdit ssr=SsrMode::Async/>
                <Route path=path!("/portal/sign-in/:token") view=pages::portal_account::PortalSignIn/>
                <Route
                    path=path!("/portal/tickets/:number")
                    view=pages::portal_ticket::PortalTicket
                    ssr=SsrMode::Async
                />
                <Route path=path!("/setup") view=pages::setup::Setup ssr=SsrMode::Async/>
                <Route path=path!("/agent/login") view=pages::agent_login::Login/>
                <Route path=path!("/agent") view=pages::agent_inbox::Inbox ssr=SsrMode::Async/>
                <Route
                    path=path!("/agent/tickets/:number")
                    view=pages::agent_ticket::AgentTicket
                    ssr=SsrMode::Async
                />
                <Route path=path!("/agent/admin/desk") view=pages::agent_desk::DeskAdmin ssr=SsrMode::Async/>
                <Route path=path!("/agent/admin/mail") view=pages::agent_mail::MailAdmin ssr=SsrMode::Async/>
                <Route path=path!("/agent/contacts/:id") view=pages::agent_contact::ContactView ssr=SsrMode::Async/>
                <Route path=path!("/agent/contacts") view=pages::agent_contacts::ContactsList ssr=SsrMode::Async/>
                <Route path=path!("/agent/new-ticket") view=pages::agent_contacts::NewTicketPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/canned") view=pages::agent_canned::CannedAdmin ssr=SsrMode::Async/>
                <Route path=path!("/agent/search") view=pages::agent_search::SearchPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/agent/settings")
                    view=pages::agent_settings::AgentSettings
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/agent/admin/agents")
                    view=pages::agent_admin::AgentsAdmin
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/agent/admin/departments")
                    view=pages::agent_departments::DepartmentsAdmin
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
