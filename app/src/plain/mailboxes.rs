//! The mailboxes page: each mailbox with its health, then the form.

use leptos::prelude::*;
use model::FieldError;

use super::{page, Viewer};
use crate::i18n::{t, t_dyn};

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
