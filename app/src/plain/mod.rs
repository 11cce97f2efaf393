//! Pages rendered on the server alone, with plain HTML forms and no script: settings
//! an admin changes now and then. Their code stays out of the wasm every visitor
//! downloads. Links to them carry `rel="external"` so the browser loads them whole.
//! The routes that serve them are the server's; this renders.

use leptos::prelude::*;
use model::{AgentInfo, FieldError, MailTemplate, TemplateKind};

use crate::i18n::{t, t_dyn, Locale};

mod goals;
mod rules;
pub use goals::{dashboard_page, goals_page, PERIODS};
pub use rules::{
    rule_effect, rule_line, rule_page, rule_value, rules_page, word_rules, RuleView, BLANK_ACTIONS,
    BLANK_CONDITIONS,
};

/// Who is looking, and how the desk calls itself.
pub struct Viewer {
    pub agent: AgentInfo,
    pub locale: Locale,
    pub desk_name: String,
}

/// A whole page: the desk's frame (its navigation, the agent) around `body`.
pub fn page(viewer: &Viewer, title: &'static str, body: impl FnOnce() -> AnyView) -> String {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(viewer.locale);
        let desk = if viewer.desk_name.trim().is_empty() {
            t("app.name").to_string()
        } else {
            viewer.desk_name.clone()
        };
        let admin = viewer.agent.role == model::Role::Admin;
        let html = view! {
            <div class="workspace">
                <nav class="sidebar" aria-label=t("nav.views")>
                    <a class="skip" href="#main">{t("nav.skip")}</a>
                    <div class="brand-row"><a class="brand" href="/agent">{desk.clone()}</a></div>
                    <ul>
                        <li><a href="/agent">{t("nav.all")}</a></li>
                    </ul>
                    <ul>
                        {admin.then(crate::components::admin_links)}
                        <li><a href="/agent/contacts">{t("nav.contacts")}</a></li>
                        <li><a href="/agent/kb">{t("kb.title")}</a></li>
                        <li><a href="/agent/dashboard">{t("dashboard.title")}</a></li>
                        <li><a href="/agent/settings">{t("nav.settings")}</a></li>
                    </ul>
                    <div class="who"><span>{viewer.agent.name.clone()}</span></div>
                </nav>
                <main id="main" class="pane">{body()}</main>
            </div>
        }
        .to_html();
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · {desk}</title><link rel=\"stylesheet\" href=\"/pkg/tessera.css\">\
             </head><body>{html}</body></html>",
            lang = viewer.locale.code(),
            title = escape(t(title)),
            desk = escape(&desk),
        )
    })
}

/// What a template form sent back, with what was wrong, to show again.
pub struct TemplateDraft {
    pub kind: TemplateKind,
    pub subject: String,
    pub text: String,
    pub enabled: bool,
    pub errors: Vec<FieldError>,
}

fn template_name(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Acknowledgement => "templates.acknowledgement",
        TemplateKind::Reply => "templates.reply",
        TemplateKind::Survey => "templates.survey",
        TemplateKind::SignIn => "templates.sign_in",
        TemplateKind::AcknowledgementClosed => "templates.acknowledgement_closed",
    }
}

fn template_hint(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Acknowledgement => "templates.acknowledgement_hint",
        TemplateKind::Reply => "templates.reply_hint",
        TemplateKind::Survey => "templates.survey_hint",
        TemplateKind::SignIn => "templates.sign_in_hint",
        TemplateKind::AcknowledgementClosed => "templates.acknowledgement_closed_hint",
    }
}

/// The templates page: one form per message the desk sends. `saved` names the one
/// just saved; `draft` one that came back with errors.
pub fn templates_page(
    viewer: &Viewer,
    templates: Vec<MailTemplate>,
    saved: Option<TemplateKind>,
    draft: Option<TemplateDraft>,
) -> String {
    page(viewer, "templates.title", move || {
        view! {
            <div class="list-head"><h1>{t("templates.title")}</h1></div>
            <p class="lead">{t("templates.lead")}</p>
            {templates
                .into_iter()
                .map(|tpl| {
                    let kind = tpl.kind;
                    let slug = kind.slug();
                    let mine = draft.as_ref().filter(|d| d.kind == kind);
                    let (subject, text, enabled) = match mine {
                        Some(d) => (d.subject.clone(), d.text.clone(), d.enabled),
                        None => (tpl.subject.clone(), tpl.text.clone(), tpl.enabled),
                    };
                    let error = |field: &str| {
                        mine.and_then(|d| d.errors.iter().find(|e| e.field == field))
                            .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
                    };
                    let subject_error = error("subject");
                    let text_error = error("text");
                    let invalid_subject = subject_error.is_some().then_some("true");
                    let invalid_text = text_error.is_some().then_some("true");
                    view! {
                        <section class="card template" id=format!("t-{slug}") aria-labelledby=format!("t-{slug}-h")>
                            <h2 id=format!("t-{slug}-h")>
                                {t(template_name(kind))}
                                {(!tpl.changed).then(|| view! { " " <small class="quiet">{t("templates.default")}</small> })}
                            </h2>
                            <p class="hint">{t(template_hint(kind))}</p>
                            <form method="post" action="/agent/admin/templates" class="form template-form">
                                <input type="hidden" name="kind" value=slug/>
                                {(kind == TemplateKind::Acknowledgement).then(|| view! {
                                    <label class="check">
                                        <input type="checkbox" name="enabled" value="1" checked=enabled/>
                                        " " {t("templates.send_acknowledgement")}
                                    </label>
                                })}
                                <div class="field">
                                    <label for=format!("t-{slug}-subject")>{t("templates.subject")}</label>
                                    <input id=format!("t-{slug}-subject") name="subject" type="text" value=subject
                                        maxlength="300" aria-invalid=invalid_subject/>
                                    {subject_error}
                                </div>
                                <div class="field">
                                    <label for=format!("t-{slug}-text")>{t("templates.text")}</label>
                                    <textarea id=format!("t-{slug}-text") name="text" rows="9" aria-invalid=invalid_text
                                        aria-describedby=format!("t-{slug}-ph")>{text}</textarea>
                                    {text_error}
                                    <p class="hint" id=format!("t-{slug}-ph")>
                                        {t("templates.placeholders")} " "
                                        {kind.placeholders().iter().map(|p| view! { <code>{*p}</code> " " }).collect_view()}
                                    </p>
                                </div>
                                <p class="form-status" role="status">
                                    {(saved == Some(kind)).then(|| t("settings.saved"))}
                                </p>
                                <div class="form-actions">
                                    <button type="submit" class="primary" name="do" value="save">{t("settings.save")}</button>
                                    {tpl.changed.then(|| view! {
                                        <button type="submit" class="link" name="do" value="reset">{t("templates.reset")}</button>
                                    })}
                                </div>
                            </form>
                        </section>
                    }
                })
                .collect_view()}
        }
        .into_any()
    })
}

/// `s` safe inside HTML text and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{22}' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What the mailboxes page shows besides the list: the mailbox in the form (a new one
/// when `None`), what was wrong with it, and what just happened.
pub struct MailboxesView {
    pub mailboxes: Vec<model::Mailbox>,
    pub departments: Vec<model::Department>,
    pub form: Option<model::Mailbox>,
    pub errors: Vec<FieldError>,
    /// A translation key: "saved", "removed", "fetched".
    pub notice: Option<&'static str>,
}

fn security_options(selected: model::SmtpSecurity, imap: bool) -> impl IntoView {
    use model::SmtpSecurity;
    let choices = if imap {
        [
            (SmtpSecurity::Tls, "mailbox.tls"),
            (SmtpSecurity::StartTls, "mailbox.starttls"),
            (SmtpSecurity::None, "mail.plain"),
        ]
    } else {
        [
            (SmtpSecurity::StartTls, "mail.starttls"),
            (SmtpSecurity::Tls, "mail.tls"),
            (SmtpSecurity::None, "mail.plain"),
        ]
    };
    choices
        .into_iter()
        .map(|(s, key)| view! { <option value=s.slug() selected=selected == s>{t(key)}</option> })
        .collect_view()
}

/// A new mailbox's form: IMAP over TLS on 993, the inbox, fetched.
pub fn blank_mailbox() -> model::Mailbox {
    model::Mailbox {
        id: 0,
        name: String::new(),
        address: String::new(),
        host: String::new(),
        port: 993,
        security: model::SmtpSecurity::Tls,
        username: String::new(),
        password_set: false,
        folder: "INBOX".into(),
        department: None,
        active: true,
        smtp: None,
        last_ok: None,
        last_error: String::new(),
        today: 0,
        backlog: 0,
    }
}

/// The mailboxes page: each with its health and buttons, then the form.
pub fn mailboxes_page(viewer: &Viewer, v: MailboxesView) -> String {
    page(viewer, "mailbox.title", move || {
        let MailboxesView {
            mailboxes,
            departments,
            form,
            errors,
            notice,
        } = v;
        let error = |field: &str| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
        };
        let editing = form.as_ref().is_some_and(|m| m.id != 0);
        let m = form.unwrap_or_else(blank_mailbox);
        let smtp = m.smtp.clone().unwrap_or_default();
        let own = m.smtp.is_some();
        let department_name = |id: Option<u64>| {
            id.and_then(|d| departments.iter().find(|x| x.id == d))
                .map(|d| d.name.clone())
        };
        let rows = mailboxes
            .iter()
            .map(|b| {
                let state = if !b.active {
                    view! { <span class="quiet">{t("mailbox.paused")}</span> }.into_any()
                } else if !b.last_error.is_empty() {
                    view! { <span class="mail-error">{b.last_error.clone()}</span> }.into_any()
                } else if b.last_ok.is_some() {
                    view! { <span class="ok">{t("mailbox.working")}</span> }.into_any()
                } else {
                    view! { <span class="quiet">{t("mailbox.never")}</span> }.into_any()
                };
                let last = match b.last_ok {
                    Some(at) => crate::i18n::ago_in(crate::i18n::current(), at, chrono::Utc::now()),
                    None => t("mailbox.never").to_string(),
                };
                view! {
                    <tr class=if b.last_error.is_empty() { "mailbox" } else { "mailbox mailbox-failing" }>
                        <td>
                            <strong>{b.name.clone()}</strong> " "
                            <span class="quiet">{b.address.clone()}</span>
                            {department_name(b.department).map(|d| view! { <small class="quiet">" · " {d}</small> })}
                        </td>
                        <td>{last}</td>
                        <td class="num">{b.today}</td>
                        <td class="num">{b.backlog}</td>
                        <td>{state}</td>
                        <td class="row-actions">
                            <form method="post" action="/agent/admin/mailboxes" class="inline">
                                <input type="hidden" name="id" value=b.id/>
                                {b.active.then(|| view! { <button type="submit" name="do" value="fetch">{t("mailbox.fetch_now")}</button> " " })}
                                <a href=format!("/agent/admin/mailboxes?edit={}#mailbox-form", b.id)>{t("mailbox.edit")}</a> " "
                                <button type="submit" name="do" value="remove" class="link danger">{t("mailbox.remove")}</button>
                            </form>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let department = m.department;
        let smtp_port = if smtp.port == 0 { 587 } else { smtp.port };
        view! {
            <div class="list-head"><h1>{t("mailbox.title")}</h1></div>
            <p class="lead">{t("mailbox.lead")}</p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            {if mailboxes.is_empty() {
                view! { <p class="empty">{t("mailbox.none")}</p> }.into_any()
            } else {
                view! {
                    <table class="tickets mailboxes">
                        <thead><tr>
                            <th scope="col">{t("mailbox.col_mailbox")}</th>
                            <th scope="col">{t("mailbox.col_last")}</th>
                            <th scope="col" class="num">{t("mailbox.col_today")}</th>
                            <th scope="col" class="num">{t("mailbox.col_backlog")}</th>
                            <th scope="col">{t("mailbox.col_state")}</th>
                            <th scope="col"><span class="visually-hidden">{t("mailbox.actions")}</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
            <section class="card" id="mailbox-form" aria-labelledby="mailbox-form-heading">
                <h2 id="mailbox-form-heading">{if editing { t("mailbox.editing") } else { t("mailbox.add") }}</h2>
                <form method="post" action="/agent/admin/mailboxes" class="form mailbox-form" novalidate>
                    <input type="hidden" name="do" value="save"/>
                    <input type="hidden" name="id" value=m.id/>
                    <div class="field">
                        <label for="mb-name">{t("mailbox.name")}</label>
                        <input id="mb-name" name="name" type="text" value=m.name.clone() placeholder="Support"/>
                    </div>
                    <div class="field">
                        <label for="mb-address">{t("mailbox.address")}</label>
                        <input id="mb-address" name="address" type="email" value=m.address.clone() placeholder="support@example.com"/>
                        {error("address")}
                    </div>
                    <fieldset>
                        <legend>{t("mailbox.imap")}</legend>
                        <div class="field">
                            <label for="mb-host">{t("mailbox.host")}</label>
                            <input id="mb-host" name="host" type="text" value=m.host.clone() autocomplete="off" spellcheck="false" placeholder="imap.example.com"/>
                            {error("host")}
                        </div>
                        <div class="field">
                            <label for="mb-port">{t("mail.port")}</label>
                            <input id="mb-port" name="port" type="number" min="1" max="65535" value=m.port/>
                            {error("port")}
                        </div>
                        <div class="field">
                            <label for="mb-security">{t("mail.security")}</label>
                            <select id="mb-security" name="security">{security_options(m.security, true)}</select>
                        </div>
                        <div class="field">
                            <label for="mb-user">{t("mail.username")}</label>
                            <input id="mb-user" name="username" type="text" value=m.username.clone() autocomplete="off"/>
                            {error("username")}
                        </div>
                        <div class="field">
                            <label for="mb-password">{t("mail.password")}</label>
                            <input id="mb-password" name="password" type="password" autocomplete="new-password"
                                placeholder=if m.password_set { t("mail.password_kept") } else { "" }/>
                            {m.password_set.then(|| view! {
                                <label class="check"><input type="checkbox" name="forget_password" value="1"/> {t("mail.forget_password")}</label>
                            })}
                        </div>
                        <div class="field">
                            <label for="mb-folder">{t("mailbox.folder")}</label>
                            <input id="mb-folder" name="folder" type="text" value=m.folder.clone() spellcheck="false"/>
                        </div>
                    </fieldset>
                    <div class="field">
                        <label for="mb-department">{t("mailbox.department")}</label>
                        <select id="mb-department" name="department">
                            <option value="">{t("mailbox.no_department")}</option>
                            {departments.iter().map(|d| view! {
                                <option value=d.id selected=department == Some(d.id)>{d.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <label class="check"><input type="checkbox" name="active" value="1" checked=m.active/> {t("mailbox.active")}</label>
                    <details class="mailbox-smtp" open=own>
                        <summary>{t("mailbox.smtp")}</summary>
                        <label class="check"><input type="checkbox" name="smtp_own" value="1" checked=own/> {t("mailbox.smtp_own")}</label>
                        <div class="field">
                            <label for="mb-smtp-host">{t("mailbox.host")}</label>
                            <input id="mb-smtp-host" name="smtp_host" type="text" value=smtp.host.clone() autocomplete="off" spellcheck="false" placeholder="smtp.example.com"/>
                            {error("smtp_host")}
                        </div>
                        <div class="field">
                            <label for="mb-smtp-port">{t("mail.port")}</label>
                            <input id="mb-smtp-port" name="smtp_port" type="number" min="1" max="65535" value=smtp_port/>
                            {error("smtp_port")}
                        </div>
                        <div class="field">
                            <label for="mb-smtp-security">{t("mail.security")}</label>
                            <select id="mb-smtp-security" name="smtp_security">{security_options(smtp.security, false)}</select>
                        </div>
                        <div class="field">
                            <label for="mb-smtp-user">{t("mail.username")}</label>
                            <input id="mb-smtp-user" name="smtp_username" type="text" value=smtp.username.clone() autocomplete="off"/>
                        </div>
                        <div class="field">
                            <label for="mb-smtp-password">{t("mail.password")}</label>
                            <input id="mb-smtp-password" name="smtp_password" type="password" autocomplete="new-password"
                                placeholder=if smtp.password_set { t("mail.password_kept") } else { "" }/>
                            {smtp.password_set.then(|| view! {
                                <label class="check"><input type="checkbox" name="smtp_forget_password" value="1"/> {t("mail.forget_password")}</label>
                            })}
                        </div>
                    </details>
                    <div class="form-actions">
                        <button type="submit" class="primary">{t("settings.save")}</button>
                        {editing.then(|| view! { <a href="/agent/admin/mailboxes">{t("mailbox.cancel")}</a> })}
                    </div>
                </form>
            </section>
        }
        .into_any()
    })
}

/// The business-hours page: each calendar (its week, zone, holidays, who uses it) in a
/// form of its own, then a new one.
pub struct HoursView {
    pub calendars: Vec<model::Calendar>,
    pub default: Option<u64>,
    pub departments: Vec<model::Department>,
    /// (department, calendar)
    pub uses: Vec<(u64, u64)>,
    /// A form that came back with errors: the calendar as typed, the text of its week
    /// and holidays, and what was wrong.
    pub draft: Option<(model::Calendar, [String; 7], String, Vec<FieldError>)>,
    pub notice: Option<&'static str>,
}

use crate::components::WEEKDAYS as DAYS;

/// A day's intervals as typed: `09:00-12:00, 13:00-17:00`.
pub fn day_text(day: &[model::OpenInterval]) -> String {
    day.iter()
        .map(|i| {
            format!(
                "{:02}:{:02}-{:02}:{:02}",
                i.start / 60,
                i.start % 60,
                i.end / 60,
                i.end % 60
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A day's intervals from what was typed; `None` when it cannot be read.
pub fn parse_day(text: &str) -> Option<Vec<model::OpenInterval>> {
    let minutes = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':').unwrap_or((t.trim(), "0"));
        let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
    };
    text.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p.split_once(['-', '–'])?;
            Some(model::OpenInterval {
                start: minutes(a)?,
                end: minutes(b)?,
            })
        })
        .collect()
}

/// Holidays as typed, one a line: `2026-12-25 yearly Christmas` or `2026-06-08 Move`.
pub fn holidays_text(holidays: &[model::Holiday]) -> String {
    holidays
        .iter()
        .map(|h| {
            let mut line = h.date.format("%Y-%m-%d").to_string();
            if h.yearly {
                line.push_str(" yearly");
            }
            if !h.name.is_empty() {
                line.push(' ');
                line.push_str(&h.name);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Holidays from what was typed; the line numbers that could not be read.
pub fn parse_holidays(text: &str) -> (Vec<model::Holiday>, Vec<usize>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let Ok(date) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            bad.push(n + 1);
            continue;
        };
        let rest = rest.trim();
        let (yearly, name) = match rest.strip_prefix("yearly") {
            Some(name) => (true, name.trim()),
            None => (false, rest),
        };
        out.push(model::Holiday {
            date,
            yearly,
            name: name.to_string(),
        });
    }
    (out, bad)
}

pub fn hours_page(viewer: &Viewer, v: HoursView) -> String {
    page(viewer, "hours.title", move || {
        let HoursView {
            calendars,
            default,
            departments,
            uses,
            draft,
            notice,
        } = v;
        let zones = engine::desk::time_zones();
        let form = |c: model::Calendar,
                    week: [String; 7],
                    holidays: String,
                    errors: &[FieldError]| {
            let id = c.id;
            let error = |field: &str| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
            };
            let prefix = format!("c{id}");
            view! {
                <form method="post" action="/agent/admin/hours" class="form hours-form" novalidate>
                    <input type="hidden" name="id" value=id/>
                    <div class="field">
                        <label for=format!("{prefix}-name")>{t("hours.name")}</label>
                        <input id=format!("{prefix}-name") name="name" type="text" value=c.name.clone() maxlength="80"/>
                        {error("name")}
                    </div>
                    <div class="field">
                        <label for=format!("{prefix}-zone")>{t("hours.zone")}</label>
                        <input id=format!("{prefix}-zone") name="time_zone" type="text" list="zones" value=c.time_zone.clone() spellcheck="false"/>
                        {error("time_zone")}
                    </div>
                    <fieldset class="week">
                        <legend>{t("hours.week")}</legend>
                        <p class="hint">{t("hours.week_hint")}</p>
                        {DAYS.iter().enumerate().map(|(i, key)| view! {
                            <div class="field day">
                                <label for=format!("{prefix}-d{i}")>{t(key)}</label>
                                <input id=format!("{prefix}-d{i}") name=format!("d{i}") type="text" value=week[i].clone()
                                    placeholder=t("hours.closed") spellcheck="false"/>
                            </div>
                        }).collect_view()}
                        {error("week")}
                    </fieldset>
                    <div class="field">
                        <label for=format!("{prefix}-holidays")>{t("hours.holidays")}</label>
                        <textarea id=format!("{prefix}-holidays") name="holidays" rows="5" spellcheck="false"
                            aria-describedby=format!("{prefix}-holidays-hint")>{holidays}</textarea>
                        <p class="hint" id=format!("{prefix}-holidays-hint")>{t("hours.holidays_hint")}</p>
                        {error("holidays")}
                    </div>
                    <div class="field">
                        <label for=format!("{prefix}-ical")>{t("hours.ical")}</label>
                        <textarea id=format!("{prefix}-ical") name="ical" rows="2" spellcheck="false"
                            placeholder="BEGIN:VCALENDAR …"></textarea>
                        {error("ical")}
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="primary" name="do" value="save">{t("settings.save")}</button>
                        {(id != 0).then(|| view! {
                            <button type="submit" class="link danger" name="do" value="remove">{t("hours.remove")}</button>
                        })}
                    </div>
                </form>
            }
        };
        let draft_for = |id: u64| draft.as_ref().filter(|d| d.0.id == id);
        let cards = calendars
            .iter()
            .map(|c| {
                let users: Vec<String> = uses
                    .iter()
                    .filter(|(_, cal)| *cal == c.id)
                    .filter_map(|(d, _)| departments.iter().find(|x| x.id == *d))
                    .map(|d| d.name.clone())
                    .collect();
                let (cal, week, holidays, errors) = match draft_for(c.id) {
                    Some((cal, week, holidays, errors)) => (cal.clone(), week.clone(), holidays.clone(), errors.clone()),
                    None => (
                        c.clone(),
                        std::array::from_fn(|i| day_text(&c.week[i])),
                        holidays_text(&c.holidays),
                        Vec::new(),
                    ),
                };
                view! {
                    <section class="card calendar" id=format!("calendar-{}", c.id)>
                        <h2>
                            {c.name.clone()}
                            {(default == Some(c.id)).then(|| view! { " " <small class="badge">{t("hours.default")}</small> })}
                        </h2>
                        {(!users.is_empty()).then(|| view! { <p class="hint">{t("hours.used_by")} " " {users.join(", ")}</p> })}
                        {form(cal, week, holidays, &errors)}
                    </section>
                }
            })
            .collect_view();
        let (new_cal, new_week, new_holidays, new_errors) = match draft_for(0) {
            Some((cal, week, holidays, errors)) => {
                (cal.clone(), week.clone(), holidays.clone(), errors.clone())
            }
            None => {
                let c = model::Calendar {
                    name: String::new(),
                    ..model::Calendar::weekdays("Europe/Ljubljana", 9, 17)
                };
                let week = std::array::from_fn(|i| day_text(&c.week[i]));
                (c, week, String::new(), Vec::new())
            }
        };
        let choice = |selected: Option<u64>| {
            calendars
                .iter()
                .map(|c| view! { <option value=c.id selected=selected == Some(c.id)>{c.name.clone()}</option> })
                .collect_view()
        };
        view! {
            <div class="list-head"><h1>{t("hours.title")}</h1></div>
            <p class="lead">{t("hours.lead")}</p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            <datalist id="zones">{zones.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist>
            {(!calendars.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="uses-heading">
                    <h2 id="uses-heading">{t("hours.uses")}</h2>
                    <form method="post" action="/agent/admin/hours" class="form label-rows">
                        <input type="hidden" name="do" value="uses"/>
                        <div class="field">
                            <label for="use-default">{t("hours.desk_default")}</label>
                            <select id="use-default" name="default">
                                <option value="">{t("hours.none")}</option>
                                {choice(default)}
                            </select>
                        </div>
                        {departments.iter().map(|d| {
                            let own = uses.iter().find(|(dep, _)| *dep == d.id).map(|(_, c)| *c);
                            view! {
                                <div class="field">
                                    <label for=format!("use-{}", d.id)>{d.name.clone()}</label>
                                    <select id=format!("use-{}", d.id) name=format!("dept{}", d.id)>
                                        <option value="">{t("hours.desk_default_short")}</option>
                                        {choice(own)}
                                    </select>
                                </div>
                            }
                        }).collect_view()}
                        <div class="form-actions"><button type="submit" class="primary">{t("settings.save")}</button></div>
                    </form>
                </section>
            })}
            {cards}
            <section class="card calendar" id="calendar-new">
                <h2>{t("hours.add")}</h2>
                {form(new_cal, new_week, new_holidays, &new_errors)}
            </section>
        }
        .into_any()
    })
}

/// The service-level page: the warning share, each policy in order (the first that
/// matches a ticket applies) in a form of its own, then a new one.
pub struct SlaView {
    pub policies: Vec<model::SlaPolicy>,
    pub warn: u8,
    pub lists: model::DeskLists,
    pub calendars: Vec<model::Calendar>,
    /// A form that came back: the policy as typed, its targets as typed, and what was
    /// wrong.
    pub draft: Option<(model::SlaPolicy, [String; 3], Vec<FieldError>)>,
    pub notice: Option<&'static str>,
    /// While the open tickets' due times are worked out again: (done, of).
    pub progress: Option<(usize, usize)>,
}

/// Minutes as typed: `1d 4h 30m`, `90m`, `2h`, or a number of minutes.
pub fn minutes_text(m: Option<u32>) -> String {
    let Some(m) = m else { return String::new() };
    let (d, h, mi) = (m / 1440, m % 1440 / 60, m % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if mi > 0 || parts.is_empty() {
        parts.push(format!("{mi}m"));
    }
    parts.join(" ")
}

/// Minutes from what was typed (`Some(None)` for empty); `None` when unreadable.
pub fn parse_minutes(text: &str) -> Option<Option<u32>> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return Some(None);
    }
    if let Ok(n) = text.parse::<u32>() {
        return Some(Some(n));
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut seen = false;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'd' => 1440,
            'h' => 60,
            'm' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        seen = true;
    }
    if !number.is_empty() || !seen {
        return None;
    }
    u32::try_from(total).ok().map(Some)
}

pub fn sla_page(viewer: &Viewer, v: SlaView) -> String {
    page(viewer, "slapage.title", move || {
        let SlaView {
            policies,
            warn,
            lists,
            calendars,
            draft,
            notice,
            progress,
        } = v;
        let count = policies.len();
        let form = |p: model::SlaPolicy,
                    targets: [String; 3],
                    errors: &[FieldError],
                    position: Option<usize>| {
            let id = p.id;
            let prefix = format!("p{id}");
            let error = |field: &str| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
            };
            let c = p.conditions.clone();
            let boxes = |name: &'static str, items: Vec<(String, String, bool)>| {
                items
                    .into_iter()
                    .map(|(value, label, on)| view! {
                        <label class="check"><input type="checkbox" name=name value=value checked=on/> " " {label}</label>
                    })
                    .collect_view()
            };
            let priorities = model::Priority::ALL
                .iter()
                .map(|x| {
                    (
                        x.slug().to_string(),
                        t(x.label_key()).to_string(),
                        c.priorities.contains(x),
                    )
                })
                .collect();
            let channels = model::Channel::ALL
                .iter()
                .map(|x| {
                    (
                        x.slug().to_string(),
                        t(x.label_key()).to_string(),
                        c.channels.contains(x),
                    )
                })
                .collect();
            let departments = lists
                .departments
                .iter()
                .map(|d| {
                    (
                        d.id.to_string(),
                        d.name.clone(),
                        c.departments.contains(&d.id),
                    )
                })
                .collect();
            let types = lists
                .ticket_types
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone(), c.types.contains(&d.id)))
                .collect();
            let target = |i: usize, key: &'static str, name: &'static str| {
                view! {
                    <div class="field">
                        <label for=format!("{prefix}-{name}")>{t(key)}</label>
                        <input id=format!("{prefix}-{name}") name=name type="text" value=targets[i].clone()
                            placeholder=t("slapage.no_target") spellcheck="false"/>
                    </div>
                }
            };
            view! {
                <form method="post" action="/agent/admin/sla" class="form sla-form" novalidate>
                    <input type="hidden" name="id" value=id/>
                    <div class="field">
                        <label for=format!("{prefix}-name")>{t("slapage.name")}</label>
                        <input id=format!("{prefix}-name") name="name" type="text" value=p.name.clone() maxlength="80"/>
                        {error("name")}
                    </div>
                    <fieldset class="targets">
                        <legend>{t("slapage.targets")}</legend>
                        <p class="hint">{t("slapage.targets_hint")}</p>
                        {target(0, "sla.first_response", "first")}
                        {target(1, "sla.next_response", "next")}
                        {target(2, "sla.resolution", "resolution")}
                        {error("targets")}
                    </fieldset>
                    <div class="field">
                        <label for=format!("{prefix}-calendar")>{t("slapage.calendar")}</label>
                        <select id=format!("{prefix}-calendar") name="calendar">
                            <option value="">{t("slapage.calendar_department")}</option>
                            {calendars.iter().map(|cal| view! {
                                <option value=cal.id selected=p.calendar == Some(cal.id)>{cal.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <fieldset class="conditions">
                        <legend>{t("slapage.conditions")}</legend>
                        <p class="hint">{t("slapage.conditions_hint")}</p>
                        <div class="group"><span class="group-label">{t("slapage.priority")}</span>{boxes("priority", priorities)}</div>
                        <div class="group"><span class="group-label">{t("slapage.channel")}</span>{boxes("channel", channels)}</div>
                        <div class="group"><span class="group-label">{t("slapage.department")}</span>{boxes("department", departments)}</div>
                        <div class="group"><span class="group-label">{t("slapage.type")}</span>{boxes("type", types)}</div>
                        <div class="field">
                            <label for=format!("{prefix}-tags")>{t("slapage.tags")}</label>
                            <input id=format!("{prefix}-tags") name="tags" type="text" value=c.tags.join(", ")/>
                        </div>
                        <div class="field">
                            <label for=format!("{prefix}-groups")>{t("slapage.groups")}</label>
                            <input id=format!("{prefix}-groups") name="groups" type="text" value=c.groups.join(", ")/>
                        </div>
                        <div class="field">
                            <label for=format!("{prefix}-organizations")>{t("slapage.organizations")}</label>
                            <input id=format!("{prefix}-organizations") name="organizations" type="text" value=c.organizations.join(", ")/>
                        </div>
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" class="primary" name="do" value="save">{t("settings.save")}</button>
                        {position.map(|i| view! {
                            {(i > 0).then(|| view! { <button type="submit" name="do" value="up">{t("slapage.up")}</button> })}
                            {(i + 1 < count).then(|| view! { <button type="submit" name="do" value="down">{t("slapage.down")}</button> })}
                            <button type="submit" class="link danger" name="do" value="remove">{t("slapage.remove")}</button>
                        })}
                    </div>
                </form>
            }
        };
        let draft_for = |id: u64| draft.as_ref().filter(|d| d.0.id == id);
        let targets_of = |p: &model::SlaPolicy| {
            [
                minutes_text(p.targets.first_response),
                minutes_text(p.targets.next_response),
                minutes_text(p.targets.resolution),
            ]
        };
        let cards = policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (id, name) = (p.id, p.name.clone());
                let (p, targets, errors) = match draft_for(p.id) {
                    Some((d, tx, e)) => (d.clone(), tx.clone(), e.clone()),
                    None => (p.clone(), targets_of(p), Vec::new()),
                };
                view! {
                    <section class="card policy" id=format!("policy-{id}")>
                        <h2><span class="order">{i + 1} "."</span> " " {name}</h2>
                        {form(p, targets, &errors, Some(i))}
                    </section>
                }
            })
            .collect_view();
        let (new_p, new_targets, new_errors) = match draft_for(0) {
            Some((d, tx, e)) => (d.clone(), tx.clone(), e.clone()),
            None => (
                model::SlaPolicy::default(),
                ["1h".to_string(), "4h".to_string(), "1d".to_string()],
                Vec::new(),
            ),
        };
        view! {
            <div class="list-head"><h1>{t("slapage.title")}</h1></div>
            <p class="lead">{t("slapage.lead")}</p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            {progress.map(|(done, of)| view! {
                <p class="progress-note" role="status">
                    <progress value=done max=of.max(1)></progress> " "
                    {t("slapage.recomputing").replace("{done}", &done.to_string()).replace("{of}", &of.to_string())}
                </p>
            })}
            <form method="post" action="/agent/admin/sla" class="form label-row">
                <input type="hidden" name="do" value="warn"/>
                <label for="sla-warn">{t("slapage.warn")}</label>
                <input id="sla-warn" name="warn" type="number" min="1" max="99" value=warn/>
                <button type="submit">{t("settings.save")}</button>
            </form>
            {(policies.is_empty()).then(|| view! { <p class="empty">{t("slapage.none")}</p> })}
            {cards}
            <section class="card policy" id="policy-new">
                <h2>{t("slapage.add")}</h2>
                {form(new_p, new_targets, &new_errors, None)}
            </section>
        }
        .into_any()
    })
}

/// What the distribution page shows: how each department hands out its tickets, and
/// each agent's availability, open tickets, capacity and working hours.
pub struct DistributionView {
    pub departments: Vec<model::Department>,
    pub modes: Vec<(u64, model::Distribution)>,
    pub loads: Vec<model::AgentLoad>,
    pub calendars: Vec<model::Calendar>,
    pub notice: Option<&'static str>,
}

pub fn distribution_page(viewer: &Viewer, v: DistributionView) -> String {
    page(viewer, "distribution.title", move || {
        let DistributionView {
            departments,
            modes,
            loads,
            calendars,
            notice,
        } = v;
        let mode_of = |d: u64| {
            modes
                .iter()
                .find(|(id, _)| *id == d)
                .map(|(_, m)| *m)
                .unwrap_or_default()
        };
        view! {
            <div class="list-head"><h1>{t("distribution.title")}</h1></div>
            <p class="lead">{t("distribution.lead")}</p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            <form method="post" action="/agent/admin/distribution" class="form distribution-form">
                <section class="card" aria-labelledby="dist-departments">
                    <h2 id="dist-departments">{t("distribution.departments")}</h2>
                    {if departments.is_empty() {
                        view! { <p class="empty">{t("distribution.no_departments")}</p> }.into_any()
                    } else {
                        departments.iter().map(|d| {
                            let current = mode_of(d.id);
                            view! {
                                <div class="field">
                                    <label for=format!("mode-{}", d.id)>{d.name.clone()}</label>
                                    <select id=format!("mode-{}", d.id) name=format!("mode{}", d.id)>
                                        {model::Distribution::ALL.into_iter().map(|m| view! {
                                            <option value=m.slug() selected=m == current>{t(m.label_key())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                </section>
                <section class="card" aria-labelledby="dist-agents">
                    <h2 id="dist-agents">{t("distribution.agents")}</h2>
                    <table class="tickets loads">
                        <thead><tr>
                            <th scope="col">{t("distribution.agent")}</th>
                            <th scope="col">{t("availability.label")}</th>
                            <th scope="col" class="num">{t("distribution.open")}</th>
                            <th scope="col">{t("distribution.capacity")}</th>
                            <th scope="col">{t("distribution.hours")}</th>
                        </tr></thead>
                        <tbody>
                            {loads.iter().map(|l| view! {
                                <tr>
                                    <td><label for=format!("cap-{}", l.agent)>{l.name.clone()}</label></td>
                                    <td>{t(l.availability.label_key())}</td>
                                    <td class="num">{l.open}</td>
                                    <td>
                                        <input id=format!("cap-{}", l.agent) name=format!("cap{}", l.agent) type="number" min="0" max="100000"
                                            value=l.capacity.map(|c| c.to_string()).unwrap_or_default() placeholder=t("distribution.no_limit")/>
                                    </td>
                                    <td>
                                        <select name=format!("hours{}", l.agent) aria-label=format!("{} {}", t("distribution.hours"), l.name)>
                                            <option value="">{t("distribution.always")}</option>
                                            {calendars.iter().map(|c| view! {
                                                <option value=c.id selected=l.hours == Some(c.id)>{c.name.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                <div class="form-actions"><button type="submit" class="primary">{t("settings.save")}</button></div>
            </form>
        }
        .into_any()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_hours_holidays_and_targets_read_back() {
        let day = parse_day("09:00-12:00, 13:00–17:30").expect("day");
        assert_eq!(day_text(&day), "09:00-12:00, 13:00-17:30");
        assert_eq!(parse_day("").expect("closed"), Vec::new());
        assert_eq!(parse_day("0-24").expect("all day")[0].end, 24 * 60);
        assert!(parse_day("9-25").is_none() && parse_day("nine to five").is_none());
        let (h, bad) = parse_holidays("2026-12-25 yearly Christmas\n\n2026-06-08 Move\nlater");
        assert_eq!((h.len(), bad), (2, vec![4]));
        assert_eq!(
            holidays_text(&h),
            "2026-12-25 yearly Christmas\n2026-06-08 Move"
        );
        for (text, minutes) in [
            ("90", Some(90)),
            ("1h 30m", Some(90)),
            ("1d4h", Some(1680)),
            ("", None),
        ] {
            assert_eq!(parse_minutes(text), Some(minutes), "{text}");
            assert_eq!(parse_minutes(&minutes_text(minutes)), Some(minutes));
        }
        assert!(
            parse_minutes("soon").is_none()
                && parse_minutes("4x").is_none()
                && parse_minutes("h").is_none()
        );
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
