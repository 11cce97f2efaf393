//! Pieces shared by several pages: form fields, status badges, ages, the agent frame.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use model::{AgentInfo, MessageKind, MessageView, TicketStatus};

use crate::api;
use crate::i18n::{self, t, t_dyn, tn};

/// How many of a conversation's newest messages the page asks for (`?show=N`; 0 means
/// the default page).
pub fn show_param() -> impl Fn() -> usize + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query
            .read()
            .get("show")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// The link that shows a page more of a conversation at `path`.
pub fn earlier_href(path: &str, shown: usize) -> String {
    format!("{path}?show={}", shown + model::limits::CONVERSATION_PAGE)
}

/// The ticket number in the current route (`:number`), if it is one.
pub fn number_param() -> impl Fn() -> Option<u64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("number").and_then(|n| n.parse().ok())
}

/// A labelled input with its error message beside it.
#[component]
pub fn Field(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] autofocus: bool,
    #[prop(into)] error: Signal<Option<String>>,
    /// Keeps the text in this signal, so it survives the field being drawn again.
    #[prop(optional)]
    keep: Option<RwSignal<String>>,
    /// The element's id, when two forms on a page have a field of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.map_or_else(|| format!("field-{name}"), str::to_string);
    let error_id = format!("{id}-error");
    let invalid = move || error.get().is_some().then_some("true");
    let described = error_id.clone();
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="8"
                required=true
                aria-invalid=invalid
                aria-describedby=described
                autofocus=autofocus
                prop:value=move || keep.map(|k| k.get()).unwrap_or_default()
                on:input=move |ev| {
                    if let Some(k) = keep {
                        k.set(event_target_value(&ev));
                    }
                }
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=kind
                required=true
                autocomplete=autocomplete
                maxlength=maxlength.map(|m| m.to_string())
                aria-invalid=invalid
                aria-describedby=described
                autofocus=autofocus
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            <p class="field-error" id=error_id role="alert">
                {move || error.get().map(|k| t_dyn(&k))}
            </p>
        </div>
    }
}

/// A status shown as a word with a coloured dot (never colour alone).
#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.slug())>{t(status.label_key())}</span> }
}

/// How long ago `at` was, in words ("3 hours ago").
pub fn age(at: DateTime<Utc>) -> String {
    i18n::ago_in(i18n::current(), at, Utc::now())
}

/// A date and time for people, the locale's way.
pub fn when(at: DateTime<Utc>) -> String {
    i18n::date_time_in(i18n::current(), at)
}

/// A date with the month's name, the locale's way.
pub fn long_date(at: DateTime<Utc>) -> String {
    i18n::long_date_in(i18n::current(), at)
}

/// How long ago `at` was, with the exact time on hover.
#[component]
pub fn Ago(at: DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339() title=when(at)>{age(at)}</time> }
}

/// A conversation; notes are tinted and labelled.
#[component]
pub fn Conversation(
    messages: Vec<MessageView>,
    #[prop(optional)] customer_view: bool,
    /// Where earlier messages are, when the conversation shows only its newest.
    #[prop(default = None)]
    earlier: Option<String>,
    /// Where the messages' files download from (`/files`, or the customer's
    /// `/t/{number}/{token}/files`).
    files: String,
) -> impl IntoView {
    let count = messages.len() as u64;
    let heading = if earlier.is_some() {
        tn("ticket.latest_messages", count)
    } else {
        tn("ticket.messages", count)
    };
    view! {
        <h2 class="conversation-count">{heading}</h2>
        {earlier.map(|href| view! {
            <p class="earlier"><a href=href>{t("ticket.show_earlier")}</a></p>
        })}
        <ol class="conversation">
            {messages
                .into_iter()
                .map(|m| {
                    let note = m.kind == MessageKind::Note;
                    let class = match (m.kind, m.from_agent) {
                        (MessageKind::Note, _) => "message note",
                        (MessageKind::Call, _) => "message call",
                        (_, true) => "message from-agent",
                        (_, false) => "message from-customer",
                    };
                    let call = m.call.map(|c| {
                        let dir = match c.direction {
                            model::CallDirection::Inbound => t("call.inbound"),
                            model::CallDirection::Outbound => t("call.outbound"),
                        };
                        let mins = c.duration_secs.div_ceil(60);
                        view! {
                            <p class="call-line">
                                <span class="note-label">{dir}</span> " "
                                <a href=format!("tel:{}", c.number)>{c.number.clone()}</a> " · "
                                {crate::i18n::tn("call.minutes", u64::from(mins))}
                            </p>
                        }
                    });
                    let attachments = (!m.attachments.is_empty()).then(|| {
                        let base = files.clone();
                        view! {
                            <ul class="attachments" aria-label=t("files.label")>
                                {m.attachments.into_iter().map(|a| {
                                    let href = format!("{base}/{}/{}", a.id, url_encode(&a.name));
                                    let preview = a.is_image().then(|| view! {
                                        <img src=format!("{href}?inline=1") alt=a.name.clone() loading="lazy"/>
                                    });
                                    view! {
                                        <li>
                                            <a href=href download=a.name.clone() rel="external">
                                                {preview}
                                                <span class="file-name">{a.name.clone()}</span>
                                                " " <span class="quiet">{crate::i18n::file_size(a.size)}</span>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                    });
                    let who = if customer_view {
                        if m.from_agent { t("portal.team").to_string() } else { t("portal.you").to_string() }
                    } else {
                        person(&m.author_name)
                    };
                    view! {
                        <li class=class data-message-id=m.id.to_string()>
                            <header>
                                <strong>{who}</strong>
                                {note.then(|| view! { <span class="note-label">{t("ticket.note_label")}</span> })}
                                <time datetime=m.created_at.to_rfc3339()>{when(m.created_at)}</time>
                            </header>
                            {call}
                            <div class="body" inner_html=m.html></div>
                            {(!m.quoted_html.is_empty()).then(|| view! {
                                <details class="quoted">
                                    <summary>{t("message.quoted")}</summary>
                                    <div class="body" inner_html=m.quoted_html.clone()></div>
                                </details>
                            })}
                            {attachments}
                            {m.delivery.filter(|_| !customer_view).map(|d| {
                                let (key, class) = match d.state {
                                    model::MailState::Sent => ("delivery.sent", "delivery quiet"),
                                    model::MailState::Waiting => ("delivery.waiting", "delivery quiet"),
                                    model::MailState::Retrying => ("delivery.retrying", "delivery warn"),
                                    model::MailState::Failed => ("delivery.failed", "delivery failed"),
                                };
                                let again = matches!(d.state, model::MailState::Failed | model::MailState::Retrying);
                                let message = m.id;
                                view! {
                                    <p class=class role="status">
                                        {t(key)}
                                        {(!d.error.is_empty() && d.state != model::MailState::Sent).then(|| view! { ": " <span class="delivery-error">{d.error.clone()}</span> })}
                                        {again.then(|| view! { " " <ResendButton message=message/> })}
                                    </p>
                                }
                            })}
                            {(m.original && !customer_view).then(|| view! {
                                <p class="original">
                                    <a href=format!("/messages/{}/as-sent", m.id) target="_blank" rel="external noopener">{t("ticket.as_sent")}</a>
                                    " · "
                                    <a href=format!("/messages/{}/original.eml", m.id) download="" rel="external">{t("ticket.original")}</a>
                                </p>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Mails a failed or waiting reply again.
#[component]
fn ResendButton(message: u64) -> impl IntoView {
    let resend = ServerAction::<crate::api::agent::ResendReply>::new();
    view! {
        <ActionForm action=resend attr:class="inline">
            <input type="hidden" name="message" value=message.to_string()/>
            <button type="submit" class="link" disabled=move || resend.pending().get() || matches!(resend.value().get(), Some(Ok(())))>{t("delivery.resend")}</button>
        </ActionForm>
    }
}

/// A person's name as the desk shows it: a contact without name, address or phone
/// is a visitor ("Visitor 7f3a"), in the page's language.
pub fn person(name: &str) -> String {
    match name.strip_prefix("Visitor ") {
        Some(tag) if tag.len() == 4 && tag.chars().all(|c| c.is_ascii_hexdigit()) => {
            format!("{} {tag}", t("contact.visitor"))
        }
        _ => name.to_string(),
    }
}

/// A snippet with its matching words in `<mark>`.
pub fn marked(s: model::Snippet) -> impl IntoView {
    s.pieces()
        .into_iter()
        .map(|(text, hit)| {
            if hit {
                view! { <mark>{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}

/// The start of a Markdown text as plain words (for a page's description), at most
/// 160 characters.
pub fn plain_excerpt(markdown: &str) -> String {
    let plain: String = markdown
        .chars()
        .map(|c| if "#*_`>[]()!|".contains(c) { ' ' } else { c })
        .collect();
    let one = model::validate::one_line(&plain);
    match one.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", one[..i].trim_end()),
        None => one,
    }
}

/// The desk's name as an admin set it (empty for none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskName(pub String);

/// What the desk is called: its name, else "Tessera".
/// The admin's pages: address, name, and whether the server alone renders it (the
/// browser must then load it whole).
pub const ADMIN_PAGES: [(&str, &str, bool); 11] = [
    ("/agent/admin/agents", "nav.agents", false),
    ("/agent/admin/departments", "nav.departments", false),
    ("/agent/admin/desk", "nav.desk", false),
    ("/agent/admin/mail", "mail.title", false),
    ("/agent/admin/mailboxes", "mailbox.title", true),
    ("/agent/admin/templates", "templates.title", true),
    ("/agent/admin/hours", "hours.title", true),
    ("/agent/admin/sla", "slapage.title", true),
    ("/agent/admin/distribution", "distribution.title", true),
    ("/agent/admin/rules", "rules.title", true),
    ("/agent/admin/goals", "goals.title", true),
];

/// The admin's pages as the navigation lists them.
pub fn admin_links() -> impl IntoView {
    ADMIN_PAGES
        .iter()
        .map(|(href, key, plain)| {
            view! { <li><a href=*href rel=plain.then_some("external")>{t(key)}</a></li> }
        })
        .collect_view()
}

/// The weekdays' names, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "hours.mon",
    "hours.tue",
    "hours.wed",
    "hours.thu",
    "hours.fri",
    "hours.sat",
    "hours.sun",
];

pub fn brand() -> String {
    use_context::<DeskName>()
        .map(|d| d.0)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| t("app.name").to_string())
}

/// The signed-in agent, as the frame loads it; pages that need to know who is looking
/// (for "assign to me") read it under their own `<Suspense/>`.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<AgentInfo>, api::AppError>>);

/// The saved views the signed-in agent sees, loaded by the frame (the sidebar lists
/// them; the inbox names the one it shows and saves new ones).
#[derive(Clone, Copy)]
pub struct Views {
    pub list: Resource<Result<Vec<model::SavedView>, api::AppError>>,
    version: RwSignal<u64>,
}

impl Views {
    /// Loads the list again after a view was saved or deleted.
    pub fn changed(&self) {
        self.version.update(|v| *v += 1);
    }
}

/// The agent workspace around a page: checks the session, shows the sidebar.
///
/// The page is built here, outside the sidebar's `<Suspense/>`: a resource made inside
/// another resource's suspended view is created at a different moment on the server and
/// in the browser, and hydration then occasionally paired it with the wrong value.
#[component]
pub fn AgentFrame(children: Children) -> impl IntoView {
    let me = Resource::new(|| (), |_| api::auth::me());
    provide_context(Me(me));
    let live = Live {
        tick: RwSignal::new(0),
        changed: RwSignal::new(None),
        presence: RwSignal::new(None),
        notified: RwSignal::new(0),
    };
    provide_context(live);
    listen_for_changes(live);
    let version = RwSignal::new(0u64);
    let views = Views {
        list: Resource::new(
            move || (live.tick.get(), version.get()),
            |_| api::agent::views(),
        ),
        version,
    };
    provide_context(views);
    let bell = Bell(Resource::new(
        move || live.notified.get(),
        |_| api::agent::notifications(),
    ));
    provide_context(bell);
    view! {
        <div class="workspace">
            <crate::keys::KeyboardShortcuts/>
            <Suspense fallback=|| view! { <nav class="sidebar" aria-busy="true"></nav> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(agent)) => view! { <Sidebar agent=agent views=views/> }.into_any(),
                        _ => view! { <Redirect path="/agent/login"/> }.into_any(),
                    }
                })}
            </Suspense>
            <main id="main" class="pane">{children()}</main>
        </div>
    }
}

/// What the desk's live stream announced since the page loaded: lists that should stay
/// current read `tick` so they refetch when it moves; a ticket page reads
/// [`Live::ticket_tick`], which moves only for its own ticket.
#[derive(Clone, Copy)]
pub struct Live {
    /// Counts ticket changes.
    pub tick: RwSignal<u64>,
    /// The ticket the last change was about; `None` after a reconnect or missed events,
    /// when any ticket may have changed.
    pub changed: RwSignal<Option<u64>>,
    /// The ticket whose viewers changed last (with a count, so the same ticket twice
    /// still moves it).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub presence: RwSignal<Option<(u64, u64)>>,
    /// Counts changes to the agent's notifications.
    pub notified: RwSignal<u64>,
}

impl Live {
    /// The current count, tracked (0 where there is no workspace around).
    pub fn tick() -> u64 {
        use_context::<Live>().map(|l| l.tick.get()).unwrap_or(0)
    }

    /// A count that moves only when ticket `number()` changes (or anything may have).
    pub fn ticket_tick(
        number: impl Fn() -> Option<u64> + Copy + Send + Sync + 'static,
    ) -> RwSignal<u64> {
        let own = RwSignal::new(0u64);
        if let Some(live) = use_context::<Live>() {
            Effect::new(move |previous: Option<u64>| {
                let tick = live.tick.get();
                if previous.is_some_and(|p| p != tick) {
                    let changed = live.changed.get_untracked();
                    if changed.is_none() || changed == number() {
                        own.update(|n| *n += 1);
                    }
                }
                tick
            });
        }
        own
    }
}

/// The agent's notifications, loaded by the frame for the bell.
#[derive(Clone, Copy)]
pub struct Bell(pub Resource<Result<model::Notifications, api::AppError>>);

/// Opens the desk's live stream (`/api/live`) and bumps `live` on each change.
fn listen_for_changes(live: Live) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use leptos::wasm_bindgen::closure::Closure;
        use leptos::wasm_bindgen::JsCast;
        let Ok(source) = web_sys::EventSource::new("/api/live") else {
            return;
        };
        let data = |ev: &web_sys::Event| {
            ev.dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
                .unwrap_or_default()
        };
        let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            live.changed.set(data(&ev).parse().ok());
            live.tick.update(|n| *n += 1);
        });
        let _ =
            source.add_event_listener_with_callback("ticket", on_change.as_ref().unchecked_ref());
        on_change.forget();
        let on_presence = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if let Ok(n) = data(&ev).parse() {
                live.presence
                    .update(|p| *p = Some((n, p.map_or(0, |p| p.1 + 1))));
            }
        });
        let _ = source
            .add_event_listener_with_callback("presence", on_presence.as_ref().unchecked_ref());
        on_presence.forget();
        let on_notify = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            live.notified.update(|n| *n += 1);
        });
        let _ =
            source.add_event_listener_with_callback("notify", on_notify.as_ref().unchecked_ref());
        on_notify.forget();
        // After a reconnect, whatever changed while the stream was down was not announced:
        // refetch. The first opening only marks the page as live.
        let mut reconnect = false;
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if reconnect {
                live.changed.set(None);
                live.tick.update(|n| *n += 1);
                live.notified.update(|n| *n += 1);
            }
            reconnect = true;
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-live", "true");
            }
        });
        let _ = source.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
        on_open.forget();
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = live;
}

/// The workspace's left column: search, views, admin, sign-out.
#[component]
fn Sidebar(agent: AgentInfo, views: Views) -> impl IntoView {
    let sign_out = ServerAction::<api::auth::SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/agent/login");
        }
    });
    let admin = agent.role == model::Role::Admin;
    view! {
        <nav class="sidebar" aria-label=t("nav.views")>
            <a class="skip" href="#main">{t("nav.skip")}</a>
            <div class="brand-row">
                <a class="brand" href="/agent">{crate::components::brand()}</a>
                <crate::pages::bell::BellMenu/>
            </div>
            <form class="search-box" method="get" action="/agent/search" role="search">
                <label class="visually-hidden" for="global-search">{t("search.label")}</label>
                <input
                    id="global-search"
                    name="q"
                    type="search"
                    placeholder=t("search.placeholder")
                    title=t("search.key_hint")
                    aria-keyshortcuts="/"
                />
            </form>
            <ul>
                <li><a href="/agent">{t("nav.all")}</a></li>
                {[TicketStatus::New, TicketStatus::Open, TicketStatus::Answered, TicketStatus::Pending, TicketStatus::Resolved]
                    .into_iter()
                    .map(|s| view! { <li><a href=format!("/agent?status={}", s.slug())>{t(s.label_key())}</a></li> })
                    .collect_view()}
            </ul>
            <Transition>
                {move || Suspend::new(async move {
                    let saved = views.list.await.unwrap_or_default();
                    (!saved.is_empty()).then(|| view! {
                        <h2 class="sidebar-head">{t("nav.saved_views")}</h2>
                        <ul class="saved-views">
                            {saved
                                .into_iter()
                                .map(|v| view! {
                                    <li>
                                        <a href=crate::pages::agent_inbox::inbox_href(&v.filter, 0)>
                                            <span class="view-name">{v.name}</span>
                                            {v.shared.then(|| view! { <span class="visually-hidden">{t("nav.shared")}</span> })}
                                            " "
                                            <span class="count">{v.count}</span>
                                        </a>
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                    })
                })}
            </Transition>
            <ul>
                {admin.then(admin_links)}
                <li><a href="/agent/contacts">{t("nav.contacts")}</a></li>
                <li><a href="/agent/new-ticket">{t("intake.title")}</a></li>
                <li><a href="/agent/kb">{t("kb.title")}</a></li>
                <li><a href="/agent/satisfaction">{t("rating.page")}</a></li>
                <li><a href="/agent/dashboard" rel="external">{t("dashboard.title")}</a></li>
                <li><a href="/agent/canned">{t("nav.canned")}</a></li>
                <li><a href="/agent/settings">{t("nav.settings")}</a></li>
            </ul>
            <div class="who">
                <span>{agent.name}</span>
                <ActionForm action=sign_out>
                    <button type="submit" class="link">{t("nav.sign_out")}</button>
                </ActionForm>
            </div>
        </nav>
    }
}

/// The portal's language menu: each language in its own name; choosing one reloads the
/// page in it and keeps the choice in a cookie. Works without the wasm.
#[component]
pub fn LanguageMenu() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let here = move || {
        let path = location.pathname.get();
        let query = location.search.get();
        let next = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        url_encode(&next)
    };
    let current = i18n::current().code();
    let name = model::LANGUAGES
        .iter()
        .find(|(c, _)| *c == current)
        .map_or("", |(_, n)| *n);
    view! {
        <details class="lang-menu">
            <summary aria-label=format!("{}: {name}", t("lang.label"))>
                <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
                    <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor"/>
                    <ellipse cx="8" cy="8" rx="2.8" ry="6.5" fill="none" stroke="currentColor"/>
                    <path d="M1.5 8h13M2.5 4.8h11M2.5 11.2h11" fill="none" stroke="currentColor"/>
                </svg>
                {name}
            </summary>
            <ul>
                {model::LANGUAGES
                    .iter()
                    .map(|(code, own_name)| view! {
                        <li>
                            <a
                                href=move || format!("/lang/{code}?next={}", here())
                                rel="external"
                                hreflang=*code
                                lang=*code
                                aria-current=(*code == current).then_some("true")
                            >{*own_name}</a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

/// A search box's input handler: each keystroke replaces the page's address with
/// `path?q=<what is typed>` (in the history, not on top of it), so the results follow
/// the typing and the address can be shared. `scroll` says whether to go to the top.
pub fn query_follows_input(
    path: &'static str,
    scroll: bool,
) -> impl Fn(leptos::ev::Event) + Copy + 'static {
    let navigate = StoredValue::new(leptos_router::hooks::use_navigate());
    move |ev| {
        let href = format!("{path}?q={}", url_encode(&event_target_value(&ev)));
        navigate.with_value(|n| {
            n(
                &href,
                leptos_router::NavigateOptions {
                    replace: true,
                    scroll,
                    ..Default::default()
                },
            )
        });
    }
}

/// Runs `f` when the page goes away (closed, reloaded, left by a full load), for as
/// long as the current component lives.
#[cfg(feature = "hydrate")]
pub fn on_page_hide(f: impl FnMut() + 'static) {
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;
    let on_hide = Closure::<dyn FnMut()>::new(f);
    let _ = window().add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    let on_hide = send_wrapper::SendWrapper::new(on_hide);
    on_cleanup(move || {
        let _ = window()
            .remove_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    });
}

/// Posts form fields (`a=1&b=2`) to `url` with a beacon, which the browser sends even
/// as the page goes away.
#[cfg(feature = "hydrate")]
pub fn beacon(url: &str, form: &str) {
    let body = js_sys::Array::of1(&form.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/x-www-form-urlencoded");
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&body, &options) {
        let _ = window()
            .navigator()
            .send_beacon_with_opt_blob(url, Some(&blob));
    }
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
