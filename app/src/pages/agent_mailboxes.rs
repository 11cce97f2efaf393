//! Mailboxes, for administrators: each with its health (last fetch, last error in
//! words, today's count, what waits), "fetch now", and the form that adds or changes
//! one (IMAP, the department its tickets go to, and an SMTP server of its own).

use leptos::prelude::*;
use leptos_meta::Title;
use model::{Department, Mailbox, SmtpSecurity};

use crate::api::field_error;
use crate::api::mailboxes::{mailboxes_page, DeleteMailbox, FetchMailbox, SaveMailbox};
use crate::components::{brand, AgentFrame, Ago};
use crate::i18n::{t, t_dyn};

#[component]
pub fn MailboxesAdmin() -> impl IntoView {
    view! { <AgentFrame><MailboxesPane/></AgentFrame> }
}

#[component]
fn MailboxesPane() -> impl IntoView {
    let save = ServerAction::<SaveMailbox>::new();
    let remove = ServerAction::<DeleteMailbox>::new();
    let fetch = ServerAction::<FetchMailbox>::new();
    let live = use_context::<crate::components::Live>();
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                remove.version().get(),
                fetch.version().get(),
                live.map(|l| l.tick.get()),
            )
        },
        |_| mailboxes_page(),
    );
    // The mailbox in the form (`None`: a new one). A save that went through empties it.
    let editing = RwSignal::new(None::<Mailbox>);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            editing.set(None);
        }
    });
    view! {
        <Title text=format!("{} · {}", t("mailbox.title"), brand())/>
        <div class="list-head"><h1>{t("mailbox.title")}</h1></div>
        <p class="lead">{t("mailbox.lead")}</p>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((boxes, departments)) if boxes.is_empty() => {
                        let _ = departments;
                        view! { <p class="empty">{t("mailbox.none")}</p> }.into_any()
                    }
                    Ok((boxes, departments)) => view! {
                        <table class="tickets mailboxes">
                            <thead><tr>
                                <th scope="col">{t("mailbox.col_mailbox")}</th>
                                <th scope="col">{t("mailbox.col_last")}</th>
                                <th scope="col" class="num">{t("mailbox.col_today")}</th>
                                <th scope="col" class="num">{t("mailbox.col_backlog")}</th>
                                <th scope="col">{t("mailbox.col_state")}</th>
                                <th scope="col"><span class="visually-hidden">{t("mailbox.actions")}</span></th>
                            </tr></thead>
                            <tbody>
                                {boxes.into_iter().map(|m| row(m, &departments, editing, fetch, remove)).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <MailboxForm save editing/>
    }
}

fn row(
    m: Mailbox,
    departments: &[Department],
    editing: RwSignal<Option<Mailbox>>,
    fetch: ServerAction<FetchMailbox>,
    remove: ServerAction<DeleteMailbox>,
) -> impl IntoView {
    let id = m.id;
    let department = m
        .department
        .and_then(|d| departments.iter().find(|x| x.id == d))
        .map(|d| d.name.clone());
    let state = if !m.active {
        view! { <span class="quiet">{t("mailbox.paused")}</span> }.into_any()
    } else if !m.last_error.is_empty() {
        view! { <span class="mail-error" role="status">{m.last_error.clone()}</span> }.into_any()
    } else if m.last_ok.is_some() {
        view! { <span class="ok">{t("mailbox.working")}</span> }.into_any()
    } else {
        view! { <span class="quiet">{t("mailbox.never")}</span> }.into_any()
    };
    let active = m.active;
    let edit = m.clone();
    view! {
        <tr class=if m.last_error.is_empty() { "mailbox" } else { "mailbox mailbox-failing" }>
            <td>
                <strong>{m.name.clone()}</strong> " "
                <span class="quiet">{m.address.clone()}</span>
                {department.map(|d| view! { <small class="quiet">" · " {d}</small> })}
            </td>
            <td>{match m.last_ok {
                Some(at) => view! { <Ago at/> }.into_any(),
                None => view! { <span class="quiet">{t("mailbox.never")}</span> }.into_any(),
            }}</td>
            <td class="num">{m.today}</td>
            <td class="num">{m.backlog}</td>
            <td>{state}</td>
            <td class="row-actions">
                {active.then(|| view! {
                    <button type="button" disabled=move || fetch.pending().get()
                        on:click=move |_| { fetch.dispatch(FetchMailbox { id }); }>
                        {t("mailbox.fetch_now")}
                    </button>
                })}
                " "
                <button type="button" class="link" on:click=move |_| editing.set(Some(edit.clone()))>
                    {t("mailbox.edit")}
                </button>
                " "
                <button type="button" class="link danger" on:click=move |_| { remove.dispatch(DeleteMailbox { id }); }>
                    {t("mailbox.remove")}
                </button>
            </td>
        </tr>
    }
}

/// The security choices, with the ports they usually go with.
fn security_options(selected: SmtpSecurity, imap: bool) -> impl IntoView {
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

/// Adds a mailbox, or changes the one being edited.
#[component]
fn MailboxForm(
    save: ServerAction<SaveMailbox>,
    editing: RwSignal<Option<Mailbox>>,
) -> impl IntoView {
    let departments = Resource::new(|| (), |_| crate::api::agent::list_departments());
    let err = move |name: &'static str| field_error(save.value(), name);
    let message = move |name: &'static str| {
        view! { <p class="field-error" role="alert">{move || err(name).get().map(|k| t_dyn(&k))}</p> }
    };
    view! {
        <section class="card" aria-labelledby="mailbox-form-heading">
            {move || {
                let m = editing.get();
                let new = m.is_none();
                let m = m.unwrap_or(Mailbox {
                    id: 0,
                    name: String::new(),
                    address: String::new(),
                    host: String::new(),
                    port: 993,
                    security: SmtpSecurity::Tls,
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
                });
                let smtp = m.smtp.clone().unwrap_or_default();
                let own = m.smtp.is_some();
                let smtp_port = if smtp.port == 0 { "587".to_string() } else { smtp.port.to_string() };
                let department = m.department;
                view! {
                    <h2 id="mailbox-form-heading">{if new { t("mailbox.add") } else { t("mailbox.editing") }}</h2>
                    <ActionForm action=save attr:class="form mailbox-form" attr:novalidate=true>
                        <input type="hidden" name="id" value=m.id/>
                        <div class="field">
                            <label for="mb-name">{t("mailbox.name")}</label>
                            <input id="mb-name" name="name" type="text" value=m.name.clone() prop:value=m.name.clone() placeholder="Support"/>
                        </div>
                        <div class="field">
                            <label for="mb-address">{t("mailbox.address")}</label>
                            <input id="mb-address" name="address" type="email" value=m.address.clone() prop:value=m.address.clone() placeholder="support@example.com"/>
                            {message("address")}
                        </div>
                        <fieldset>
                            <legend>{t("mailbox.imap")}</legend>
                            <div class="field">
                                <label for="mb-host">{t("mailbox.host")}</label>
                                <input id="mb-host" name="host" type="text" value=m.host.clone() prop:value=m.host.clone() autocomplete="off" spellcheck="false" placeholder="imap.example.com"/>
                                {message("host")}
                            </div>
                            <div class="field">
                                <label for="mb-port">{t("mail.port")}</label>
                                <input id="mb-port" name="port" type="number" min="1" max="65535" value=m.port prop:value=m.port.to_string()/>
                                {message("port")}
                            </div>
                            <div class="field">
                                <label for="mb-security">{t("mail.security")}</label>
                                <select id="mb-security" name="security" prop:value=m.security.slug()>{security_options(m.security, true)}</select>
                            </div>
                            <div class="field">
                                <label for="mb-user">{t("mail.username")}</label>
                                <input id="mb-user" name="username" type="text" value=m.username.clone() prop:value=m.username.clone() autocomplete="off"/>
                                {message("username")}
                            </div>
                            <div class="field">
                                <label for="mb-password">{t("mail.password")}</label>
                                <input id="mb-password" name="password" type="password" autocomplete="new-password" prop:value=""
                                    placeholder=if m.password_set { t("mail.password_kept") } else { "" }/>
                                {m.password_set.then(|| view! {
                                    <label class="check"><input type="checkbox" name="forget_password" value="1"/> {t("mail.forget_password")}</label>
                                })}
                            </div>
                            <div class="field">
                                <label for="mb-folder">{t("mailbox.folder")}</label>
                                <input id="mb-folder" name="folder" type="text" value=m.folder.clone() prop:value=m.folder.clone() spellcheck="false"/>
                            </div>
                        </fieldset>
                        <div class="field">
                            <label for="mb-department">{t("mailbox.department")}</label>
                            <Transition fallback=|| view! { <select id="mb-department" name="department" disabled=true></select> }>
                                {move || Suspend::new(async move {
                                    let all = departments.await.unwrap_or_default();
                                    view! {
                                        <select id="mb-department" name="department"
                                            prop:value=department.map(|d| d.to_string()).unwrap_or_default()>
                                            <option value="">{t("mailbox.no_department")}</option>
                                            {all.into_iter().map(|d| view! {
                                                <option value=d.id selected=department == Some(d.id)>{d.name}</option>
                                            }).collect_view()}
                                        </select>
                                    }
                                })}
                            </Transition>
                        </div>
                        <label class="check"><input type="checkbox" name="active" value="1" checked=m.active prop:checked=m.active/> {t("mailbox.active")}</label>
                        <details class="mailbox-smtp" open=own>
                            <summary>{t("mailbox.smtp")}</summary>
                            <label class="check"><input type="checkbox" name="smtp_own" value="1" checked=own prop:checked=own/> {t("mailbox.smtp_own")}</label>
                            <div class="field">
                                <label for="mb-smtp-host">{t("mailbox.host")}</label>
                                <input id="mb-smtp-host" name="smtp_host" type="text" value=smtp.host.clone() prop:value=smtp.host.clone() autocomplete="off" spellcheck="false" placeholder="smtp.example.com"/>
                                {message("smtp_host")}
                            </div>
                            <div class="field">
                                <label for="mb-smtp-port">{t("mail.port")}</label>
                                <input id="mb-smtp-port" name="smtp_port" type="number" min="1" max="65535"
                                    value=smtp_port.clone() prop:value=smtp_port/>
                                {message("smtp_port")}
                            </div>
                            <div class="field">
                                <label for="mb-smtp-security">{t("mail.security")}</label>
                                <select id="mb-smtp-security" name="smtp_security" prop:value=smtp.security.slug()>{security_options(smtp.security, false)}</select>
                            </div>
                            <div class="field">
                                <label for="mb-smtp-user">{t("mail.username")}</label>
                                <input id="mb-smtp-user" name="smtp_username" type="text" value=smtp.username.clone() prop:value=smtp.username.clone() autocomplete="off"/>
                            </div>
                            <div class="field">
                                <label for="mb-smtp-password">{t("mail.password")}</label>
                                <input id="mb-smtp-password" name="smtp_password" type="password" autocomplete="new-password" prop:value=""
                                    placeholder=if smtp.password_set { t("mail.password_kept") } else { "" }/>
                                {smtp.password_set.then(|| view! {
                                    <label class="check"><input type="checkbox" name="smtp_forget_password" value="1"/> {t("mail.forget_password")}</label>
                                })}
                            </div>
                        </details>
                        <p class="form-status" role="status">
                            {move || matches!(save.value().get(), Some(Ok(_))).then(|| t("settings.saved"))}
                        </p>
                        <div class="form-actions">
                            <button type="submit" class="primary" disabled=move || save.pending().get()>{t("settings.save")}</button>
                            {(!new).then(|| view! {
                                <button type="button" class="link" on:click=move |_| editing.set(None)>{t("mailbox.cancel")}</button>
                            })}
                        </div>
                    </ActionForm>
                }
            }}
        </section>
    }
}
