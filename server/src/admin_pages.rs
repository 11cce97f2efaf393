//! The routes of the admin pages rendered on the server alone (see `app::plain`):
//! GET shows a page, POST takes its form and answers with a redirect back (so a reload
//! does not send it twice), or with the page again and what was wrong (422).

use std::collections::HashMap;
use std::sync::Arc;

use app::plain::{TemplateDraft, Viewer};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use engine::{Engine, ErrorKind};
use model::TemplateKind;

pub fn routes<S: Clone + Send + Sync + 'static>(engine: Arc<Engine>) -> Router<S> {
    Router::new()
        .route(
            "/agent/admin/templates",
            get(templates_page).post(templates_form),
        )
        .route(
            "/agent/admin/mailboxes",
            get(mailboxes_page).post(mailboxes_form),
        )
        .route("/agent/admin/hours", get(hours_page).post(hours_form))
        .route("/agent/admin/sla", get(sla_page).post(sla_form))
        .route(
            "/agent/admin/distribution",
            get(distribution_page).post(distribution_form),
        )
        .with_state(engine)
}

/// The signed-in agent, in their language; else the answer to give instead (the
/// sign-in page for nobody, 403 for an agent who is not an admin).
pub(crate) async fn admin(engine: &Arc<Engine>, headers: &HeaderMap) -> Result<Viewer, Response> {
    let viewer = signed_in(engine, headers).await?;
    if viewer.agent.role != model::Role::Admin {
        return Err((
            StatusCode::FORBIDDEN,
            "Only administrators may see this page.",
        )
            .into_response());
    }
    Ok(viewer)
}

/// The signed-in agent, in their language; else the sign-in page.
pub(crate) async fn signed_in(
    engine: &Arc<Engine>,
    headers: &HeaderMap,
) -> Result<Viewer, Response> {
    let token = app::api::ssr::session_token_in(headers);
    let e = engine.clone();
    let found = tokio::task::spawn_blocking(move || {
        let agent = e.session_agent(&token?).ok()?;
        let desk = e.desk_profile().ok();
        Some((agent, desk))
    })
    .await
    .ok()
    .flatten();
    let Some((agent, desk)) = found else {
        return Err(Redirect::to("/agent/login").into_response());
    };
    let cookie = app::api::ssr::cookie_in(headers, app::i18n::COOKIE);
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let locale = app::i18n::resolve_with_default(
        agent.locale.as_deref(),
        cookie.as_deref(),
        accept,
        desk.as_ref().map(|d| d.language.as_str()),
    );
    Ok(Viewer {
        agent,
        locale,
        desk_name: desk.map(|d| d.name).unwrap_or_default(),
    })
}

/// An admin signed in, taken from the request (else the sign-in page or 403).
pub(crate) struct Admin(pub Viewer);

impl FromRequestParts<Arc<Engine>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, engine: &Arc<Engine>) -> Result<Self, Response> {
        admin(engine, &parts.headers).await.map(Admin)
    }
}

/// Any agent signed in, taken from the request (else the sign-in page).
pub(crate) struct SignedIn(pub Viewer);

impl FromRequestParts<Arc<Engine>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, engine: &Arc<Engine>) -> Result<Self, Response> {
        signed_in(engine, &parts.headers).await.map(SignedIn)
    }
}

/// A rendered page, private and never framed; no script may run in it.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    resp
}

/// An engine error as the answer, in its words.
pub(crate) fn failed(status: StatusCode, e: &engine::Error) -> Response {
    (status, e.message().to_string()).into_response()
}

pub(crate) async fn engine_call<T: Send + 'static>(
    engine: &Arc<Engine>,
    work: impl FnOnce(&Engine) -> engine::Result<T> + Send + 'static,
) -> engine::Result<T> {
    let e = engine.clone();
    tokio::task::spawn_blocking(move || work(&e))
        .await
        .unwrap_or_else(|e| Err(engine::Error::internal(e.to_string())))
}

async fn templates_page(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let id = viewer.agent.id;
    match engine_call(&engine, move |e| e.templates(id)).await {
        Ok(all) => {
            let saved = q.get("saved").and_then(|s| TemplateKind::from_slug(s));
            html(
                StatusCode::OK,
                app::plain::templates_page(&viewer, all, saved, None),
            )
        }
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn templates_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(kind) = form.get("kind").and_then(|k| TemplateKind::from_slug(k)) else {
        return (StatusCode::BAD_REQUEST, "Unknown template.").into_response();
    };
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let (subject, text) = (field("subject"), field("text"));
    let enabled = form.get("enabled").is_some_and(|v| !v.is_empty());
    let reset = form.get("do").is_some_and(|d| d == "reset");
    let id = viewer.agent.id;
    let (s, x) = (subject.clone(), text.clone());
    let saved = engine_call(&engine, move |e| {
        e.save_template(
            id,
            kind,
            (!reset).then_some((s.as_str(), x.as_str(), enabled)),
        )
    })
    .await;
    match saved {
        Ok(()) => Redirect::to(&format!(
            "/agent/admin/templates?saved={}#t-{}",
            kind.slug(),
            kind.slug()
        ))
        .into_response(),
        Err(e) if e.kind() == ErrorKind::Invalid => {
            let errors = e.fields().to_vec();
            match engine_call(&engine, move |e| e.templates(id)).await {
                Ok(all) => html(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    app::plain::templates_page(
                        &viewer,
                        all,
                        None,
                        Some(TemplateDraft {
                            kind,
                            subject,
                            text,
                            enabled,
                            errors,
                        }),
                    ),
                ),
                Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
            }
        }
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn mailboxes_page(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let edit: Option<u64> = q.get("edit").and_then(|v| v.parse().ok());
    let notice = match q.get("done").map(String::as_str) {
        Some("saved") => Some("settings.saved"),
        Some("removed") => Some("mailbox.removed"),
        Some("fetched") => Some("mailbox.fetched"),
        _ => None,
    };
    show_mailboxes(
        &engine,
        &viewer,
        edit.map(Err),
        Vec::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// The page, with the form holding mailbox `form` (`Err(id)`: the stored one with that
/// id; `Ok`: what was typed).
async fn show_mailboxes(
    engine: &Arc<Engine>,
    viewer: &Viewer,
    form: Option<Result<model::Mailbox, u64>>,
    errors: Vec<model::FieldError>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let id = viewer.agent.id;
    match engine_call(engine, move |e| Ok((e.mailboxes(id)?, e.departments()?))).await {
        Ok((mailboxes, departments)) => {
            let form = match form {
                Some(Ok(m)) => Some(m),
                Some(Err(id)) => mailboxes.iter().find(|m| m.id == id).cloned(),
                None => None,
            };
            html(
                status,
                app::plain::mailboxes_page(
                    viewer,
                    app::plain::MailboxesView {
                        mailboxes,
                        departments,
                        form,
                        errors,
                        notice,
                    },
                ),
            )
        }
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn mailboxes_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let me = viewer.agent.id;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let ticked = |name: &str| form.get(name).is_some_and(|v| !v.is_empty());
    let id: u64 = field("id").trim().parse().unwrap_or(0);
    match field("do").as_str() {
        "remove" => {
            return match engine_call(&engine, move |e| e.delete_mailbox(me, id)).await {
                Ok(()) => Redirect::to("/agent/admin/mailboxes?done=removed").into_response(),
                Err(e) => failed(StatusCode::NOT_FOUND, &e),
            };
        }
        "fetch" => {
            // Back when that fetch has ended (or after 20 seconds; it goes on).
            return match app::api::mailboxes::fetch_and_wait(engine.clone(), me, id).await {
                Ok(()) => Redirect::to("/agent/admin/mailboxes?done=fetched").into_response(),
                Err(e) => failed(StatusCode::NOT_FOUND, &e),
            };
        }
        _ => {}
    }
    let port = |name: &str, key: &'static str| -> Result<u16, model::FieldError> {
        match field(name).trim() {
            "" => Ok(0),
            p => p
                .parse()
                .map_err(|_| model::FieldError::new(key, "error.mail_port")),
        }
    };
    let (imap_port, smtp_port) = (port("port", "port"), port("smtp_port", "smtp_port"));
    let security =
        |name: &str, default| model::SmtpSecurity::from_slug(&field(name)).unwrap_or(default);
    let smtp = ticked("smtp_own").then(|| model::MailboxSmtp {
        host: field("smtp_host"),
        port: *smtp_port.as_ref().unwrap_or(&0),
        security: security("smtp_security", model::SmtpSecurity::StartTls),
        username: field("smtp_username"),
        password: field("smtp_password"),
        forget_password: ticked("smtp_forget_password"),
        password_set: false,
    });
    let input = model::MailboxInput {
        id,
        name: field("name"),
        address: field("address"),
        host: field("host"),
        port: *imap_port.as_ref().unwrap_or(&0),
        security: security("security", model::SmtpSecurity::Tls),
        username: field("username"),
        password: Some(field("password")),
        forget_password: ticked("forget_password"),
        folder: field("folder"),
        department: field("department").trim().parse().ok().filter(|d| *d > 0),
        active: ticked("active"),
        smtp,
    };
    let mut errors: Vec<model::FieldError> = [imap_port.err(), smtp_port.err()]
        .into_iter()
        .flatten()
        .collect();
    if errors.is_empty() {
        let saving = input.clone();
        match engine_call(&engine, move |e| e.save_mailbox(me, &saving)).await {
            Ok(_) => return Redirect::to("/agent/admin/mailboxes?done=saved").into_response(),
            Err(e) if e.kind() == ErrorKind::Invalid => errors = e.fields().to_vec(),
            Err(e) => return failed(StatusCode::NOT_FOUND, &e),
        }
    }
    // Shown again as typed (never the password), with what was wrong.
    let stored = if id == 0 {
        None
    } else {
        engine_call(&engine, move |e| e.mailboxes(me))
            .await
            .ok()
            .and_then(|all| all.into_iter().find(|m| m.id == id))
    };
    let mut typed = app::plain::blank_mailbox();
    typed.id = id;
    typed.name = input.name;
    typed.address = input.address;
    typed.host = input.host;
    typed.port = input.port;
    typed.security = input.security;
    typed.username = input.username;
    typed.password_set = stored.as_ref().is_some_and(|m| m.password_set);
    typed.folder = input.folder;
    typed.department = input.department;
    typed.active = input.active;
    typed.smtp = input.smtp.map(|mut s| {
        s.password.clear();
        s.password_set = stored
            .as_ref()
            .and_then(|m| m.smtp.as_ref())
            .is_some_and(|o| o.password_set);
        s
    });
    show_mailboxes(
        &engine,
        &viewer,
        Some(Ok(typed)),
        errors,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn hours_page(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("saved") => Some("settings.saved"),
        Some("removed") => Some("hours.removed"),
        _ => None,
    };
    show_hours(&engine, &viewer, None, notice, StatusCode::OK).await
}

type HoursDraft = (model::Calendar, [String; 7], String, Vec<model::FieldError>);

async fn show_hours(
    engine: &Arc<Engine>,
    viewer: &Viewer,
    draft: Option<HoursDraft>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let id = viewer.agent.id;
    match engine_call(engine, move |e| Ok((e.calendars(id)?, e.departments()?))).await {
        Ok(((calendars, default, uses), departments)) => html(
            status,
            app::plain::hours_page(
                viewer,
                app::plain::HoursView {
                    calendars,
                    default,
                    departments,
                    uses,
                    draft,
                    notice,
                },
            ),
        ),
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn hours_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let me = viewer.agent.id;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let id: u64 = field("id").trim().parse().unwrap_or(0);
    let chosen = |name: &str| field(name).trim().parse::<u64>().ok();
    match field("do").as_str() {
        "remove" => {
            return match engine_call(&engine, move |e| e.delete_calendar(me, id)).await {
                Ok(()) => Redirect::to("/agent/admin/hours?done=removed").into_response(),
                Err(e) => failed(StatusCode::NOT_FOUND, &e),
            };
        }
        "uses" => {
            let default = chosen("default");
            let departments: Vec<(u64, Option<u64>)> = form
                .iter()
                .filter_map(|(k, v)| {
                    let d: u64 = k.strip_prefix("dept")?.parse().ok()?;
                    Some((d, v.trim().parse().ok()))
                })
                .collect();
            let done = engine_call(&engine, move |e| {
                e.use_calendar(me, None, default)?;
                for (d, c) in departments {
                    e.use_calendar(me, Some(d), c)?;
                }
                Ok(())
            })
            .await;
            return match done {
                Ok(()) => Redirect::to("/agent/admin/hours?done=saved").into_response(),
                Err(e) => failed(StatusCode::NOT_FOUND, &e),
            };
        }
        _ => {}
    }
    let week_text: [String; 7] = std::array::from_fn(|i| field(&format!("d{i}")));
    let holidays_text = field("holidays");
    let mut errors = Vec::new();
    let mut week: [Vec<model::OpenInterval>; 7] = Default::default();
    for (i, text) in week_text.iter().enumerate() {
        match app::plain::parse_day(text) {
            Some(day) => week[i] = day,
            None => {
                if !errors.iter().any(|e: &model::FieldError| e.field == "week") {
                    errors.push(model::FieldError::new("week", "error.calendar_hours"));
                }
            }
        }
    }
    let (holidays, bad) = app::plain::parse_holidays(&holidays_text);
    if !bad.is_empty() {
        errors.push(model::FieldError::new("holidays", "error.holiday_lines"));
    }
    let calendar = model::Calendar {
        id,
        name: field("name"),
        time_zone: field("time_zone").trim().to_string(),
        week,
        holidays,
    };
    let ical = field("ical");
    if errors.is_empty() {
        let saving = calendar.clone();
        let saved = engine_call(&engine, move |e| {
            let c = e.save_calendar(me, &saving)?;
            if !ical.trim().is_empty() {
                e.import_holidays(me, c.id, &ical)?;
            }
            Ok(c)
        })
        .await;
        match saved {
            Ok(c) => {
                return Redirect::to(&format!("/agent/admin/hours?done=saved#calendar-{}", c.id))
                    .into_response()
            }
            Err(e) if e.kind() == ErrorKind::Invalid => errors = e.fields().to_vec(),
            Err(e) => return failed(StatusCode::NOT_FOUND, &e),
        }
    }
    show_hours(
        &engine,
        &viewer,
        Some((calendar, week_text, holidays_text, errors)),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn sla_page(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("saved") => Some("settings.saved"),
        Some("removed") => Some("slapage.removed"),
        _ => None,
    };
    show_sla(&engine, &viewer, None, notice, StatusCode::OK).await
}

type SlaDraft = (model::SlaPolicy, [String; 3], Vec<model::FieldError>);

async fn show_sla(
    engine: &Arc<Engine>,
    viewer: &Viewer,
    draft: Option<SlaDraft>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let id = viewer.agent.id;
    let read = engine_call(engine, move |e| {
        Ok((
            e.sla_policies(id)?,
            e.desk_lists()?,
            e.calendars(id)?.0,
            e.sla_recompute_progress(),
        ))
    })
    .await;
    match read {
        Ok(((policies, warn), lists, calendars, progress)) => html(
            status,
            app::plain::sla_page(
                viewer,
                app::plain::SlaView {
                    policies,
                    warn,
                    lists,
                    calendars,
                    draft,
                    notice,
                    progress,
                },
            ),
        ),
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn sla_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let me = viewer.agent.id;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |name: &str| -> Vec<String> {
        form.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let list = |name: &str| -> Vec<String> {
        field(name)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let id: u64 = field("id").trim().parse().unwrap_or(0);
    let done = |r: engine::Result<()>, to: &str| match r {
        Ok(()) => Redirect::to(to).into_response(),
        Err(e) if e.kind() == ErrorKind::Invalid => {
            (StatusCode::UNPROCESSABLE_ENTITY, e.message().to_string()).into_response()
        }
        Err(e) => failed(StatusCode::NOT_FOUND, &e),
    };
    match field("do").as_str() {
        "warn" => {
            let percent: u8 = field("warn").trim().parse().unwrap_or(0);
            let r = engine_call(&engine, move |e| e.set_sla_warning(me, percent)).await;
            return done(r, "/agent/admin/sla?done=saved");
        }
        "remove" => {
            let r = engine_call(&engine, move |e| e.change_sla_policy(me, id, None)).await;
            return done(r, "/agent/admin/sla?done=removed");
        }
        "up" | "down" => {
            let up = field("do") == "up";
            let r = engine_call(&engine, move |e| e.change_sla_policy(me, id, Some(up))).await;
            return done(r, &format!("/agent/admin/sla?done=saved#policy-{id}"));
        }
        _ => {}
    }
    let texts = [field("first"), field("next"), field("resolution")];
    let mut errors = Vec::new();
    let mut minutes = [None; 3];
    for (i, text) in texts.iter().enumerate() {
        match app::plain::parse_minutes(text) {
            Some(m) => minutes[i] = m,
            None => {
                if errors.is_empty() {
                    errors.push(model::FieldError::new(
                        "targets",
                        "error.policy_target_text",
                    ));
                }
            }
        }
    }
    let policy = model::SlaPolicy {
        id,
        name: field("name"),
        conditions: model::SlaConditions {
            priorities: all("priority")
                .iter()
                .filter_map(|s| model::Priority::from_slug(s))
                .collect(),
            channels: all("channel")
                .iter()
                .filter_map(|s| model::Channel::from_slug(s))
                .collect(),
            departments: all("department")
                .iter()
                .filter_map(|s| s.parse().ok())
                .collect(),
            types: all("type").iter().filter_map(|s| s.parse().ok()).collect(),
            tags: list("tags"),
            groups: list("groups"),
            organizations: list("organizations"),
        },
        targets: model::SlaTargets {
            first_response: minutes[0],
            next_response: minutes[1],
            resolution: minutes[2],
        },
        calendar: field("calendar").trim().parse().ok(),
    };
    if errors.is_empty() {
        let saving = policy.clone();
        match engine_call(&engine, move |e| e.save_sla_policy(me, &saving)).await {
            Ok(p) => {
                return Redirect::to(&format!("/agent/admin/sla?done=saved#policy-{}", p.id))
                    .into_response()
            }
            Err(e) if e.kind() == ErrorKind::Invalid => errors = e.fields().to_vec(),
            Err(e) => return failed(StatusCode::NOT_FOUND, &e),
        }
    }
    show_sla(
        &engine,
        &viewer,
        Some((policy, texts, errors)),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn distribution_page(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let notice = q.contains_key("done").then_some("settings.saved");
    let id = viewer.agent.id;
    match engine_call(&engine, move |e| {
        Ok((e.departments()?, e.distribution(id)?, e.calendars(id)?.0))
    })
    .await
    {
        Ok((departments, (modes, loads), calendars)) => html(
            StatusCode::OK,
            app::plain::distribution_page(
                &viewer,
                app::plain::DistributionView {
                    departments,
                    modes,
                    loads,
                    calendars,
                    notice,
                },
            ),
        ),
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn distribution_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let me = viewer.agent.id;
    let modes: Vec<(u64, model::Distribution)> = form
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("mode")?.parse().ok()?,
                model::Distribution::from_slug(v)?,
            ))
        })
        .collect();
    let capacities: Vec<(u64, Option<u32>)> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("cap")?.parse().ok()?, v.trim().parse().ok())))
        .collect();
    let hours: Vec<(u64, Option<u64>)> = form
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("hours")?.parse().ok()?,
                v.trim().parse().ok(),
            ))
        })
        .collect();
    let done = engine_call(&engine, move |e| {
        for (d, m) in modes {
            e.set_distribution(me, d, m)?;
        }
        for (a, c) in capacities {
            e.set_capacity(me, a, c)?;
        }
        for (a, c) in hours {
            e.set_agent_hours(me, a, c)?;
        }
        Ok(())
    })
    .await;
    match done {
        Ok(()) => Redirect::to("/agent/admin/distribution?done=saved").into_response(),
        Err(e) => failed(StatusCode::NOT_FOUND, &e),
    }
}
