//! Outgoing mail, for administrators: the SMTP server the desk sends through, a test
//! message, and the outbox with each message's state (waiting, retrying, sent, failed,
//! with the reason) and a button to send a failed one again.

use leptos::prelude::*;
use leptos_meta::Title;
use model::{MailKind, MailState, SmtpSecurity};

use crate::api::agent::{
    blocked_senders, mail_setup, BlockSender, ResendMail, SaveSmtp, SendTestMail,
};
use crate::api::field_error;
use crate::components::{brand, AgentFrame, Ago};
use crate::i18n::{t, t_dyn};

#[component]
pub fn MailAdmin() -> impl IntoView {
    view! { <AgentFrame><MailPane/></AgentFrame> }
}

fn state_label(s: MailState) -> &'static str {
    match s {
        MailState::Waiting => t("mail.waiting"),
        MailState::Retrying => t("mail.retrying"),
        MailState::Sent => t("mail.sent"),
        MailState::Failed => t("mail.failed"),
    }
}

fn kind_label(k: MailKind) -> &'static str {
    match k {
        MailKind::SignInLink => t("mail.kind_sign_in"),
        MailKind::TicketLink => t("mail.kind_ticket_link"),
        MailKind::Survey => t("mail.kind_survey"),
        MailKind::Reply => t("mail.kind_reply"),
        MailKind::Test => t("mail.kind_test"),
        MailKind::Acknowledgement => t("mail.kind_acknowledgement"),
        MailKind::Rule => t("mail.kind_rule"),
    }
}

#[component]
fn MailPane() -> impl IntoView {
    let save = ServerAction::<SaveSmtp>::new();
    let test = ServerAction::<SendTestMail>::new();
    let resend = ServerAction::<ResendMail>::new();
    let live = use_context::<crate::components::Live>();
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                test.version().get(),
                resend.version().get(),
                live.map(|l| l.tick.get()),
            )
        },
        |_| mail_setup(),
    );
    let err = move |name: &'static str| field_error(save.value(), name);
    let test_err = field_error(test.value(), "to");
    view! {
        <Title text=format!("{} · {}", t("mail.title"), brand())/>
        <div class="list-head"><h1>{t("mail.title")}</h1></div>
        <p class="lead">{t("mail.lead")}</p>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((smtp, outbox)) => view! {
                        <section class="card" aria-labelledby="smtp-heading">
                            <h2 id="smtp-heading">{t("mail.smtp")}</h2>
                            <ActionForm action=save attr:class="form smtp-form" attr:novalidate=true>
                                <div class="field">
                                    <label for="smtp-host">{t("mail.host")}</label>
                                    <input id="smtp-host" name="host" type="text" value=smtp.host.clone() autocomplete="off" spellcheck="false"/>
                                    <p class="field-error" role="alert">{move || err("host").get().map(|k| t_dyn(&k))}</p>
                                </div>
                                <div class="field">
                                    <label for="smtp-port">{t("mail.port")}</label>
                                    <input id="smtp-port" name="port" type="number" min="1" max="65535"
                                        value=if smtp.port == 0 { String::new() } else { smtp.port.to_string() }/>
                                    <p class="field-error" role="alert">{move || err("port").get().map(|k| t_dyn(&k))}</p>
                                </div>
                                <div class="field">
                                    <label for="smtp-security">{t("mail.security")}</label>
                                    <select id="smtp-security" name="security">
                                        {[(SmtpSecurity::StartTls, "mail.starttls"), (SmtpSecurity::Tls, "mail.tls"), (SmtpSecurity::None, "mail.plain")]
                                            .into_iter()
                                            .map(|(s, key)| view! { <option value=s.slug() selected=smtp.security == s>{t(key)}</option> })
                                            .collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="smtp-user">{t("mail.username")}</label>
                                    <input id="smtp-user" name="username" type="text" value=smtp.username.clone() autocomplete="off"/>
                                </div>
                                <div class="field">
                                    <label for="smtp-password">{t("mail.password")}</label>
                                    <input id="smtp-password" name="password" type="password" autocomplete="new-password"
                                        placeholder=if smtp.password_set { t("mail.password_kept") } else { "" }/>
                                    {smtp.password_set.then(|| view! {
                                        <label class="check"><input type="checkbox" name="forget_password" value="1"/> {t("mail.forget_password")}</label>
                                    })}
                                </div>
                                <div class="field">
                                    <label for="smtp-from">{t("mail.from")}</label>
                                    <input id="smtp-from" name="from" type="email" value=smtp.from.clone()/>
                                    <p class="field-error" role="alert">{move || err("from").get().map(|k| t_dyn(&k))}</p>
                                </div>
                                <p class="form-status" role="status">
                                    {move || matches!(save.value().get(), Some(Ok(()))).then(|| t("settings.saved"))}
                                </p>
                                <button type="submit" class="primary" disabled=move || save.pending().get()>{t("settings.save")}</button>
                            </ActionForm>
                            <ActionForm action=test attr:class="form label-row" attr:novalidate=true>
                                <label for="mail-test-to">{t("mail.test_to")}</label>
                                <input id="mail-test-to" name="to" type="email" required=true/>
                                <button type="submit">{t("mail.test")}</button>
                                <p class="field-error" role="alert">{move || test_err.get().map(|k| t_dyn(&k))}</p>
                            </ActionForm>
                        </section>
                        <h2>{t("mail.outbox")}</h2>
                        {if outbox.is_empty() {
                            view! { <p class="empty">{t("mail.none")}</p> }.into_any()
                        } else {
                            view! {
                                <table class="tickets outbox">
                                    <thead><tr>
                                        <th scope="col">{t("mail.col_to")}</th>
                                        <th scope="col">{t("mail.col_subject")}</th>
                                        <th scope="col">{t("mail.col_state")}</th>
                                        <th scope="col">{t("mail.col_when")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {outbox.into_iter().map(|m| {
                                            let id = m.id;
                                            let again = matches!(m.state, MailState::Failed | MailState::Waiting | MailState::Retrying);
                                            view! {
                                                <tr class=format!("mail-{}", match m.state { MailState::Waiting => "waiting", MailState::Retrying => "retrying", MailState::Sent => "sent", MailState::Failed => "failed" })>
                                                    <td>{m.to}</td>
                                                    <td>
                                                        {m.subject}
                                                        <small class="quiet">" · " {kind_label(m.kind)}</small>
                                                    </td>
                                                    <td>
                                                        {state_label(m.state)}
                                                        {(!m.last_error.is_empty()).then(|| view! { <small class="mail-error">{m.last_error.clone()}</small> })}
                                                        {again.then(|| view! {
                                                            " " <button type="button" class="link" on:click=move |_| { resend.dispatch(ResendMail { id }); }>{t("mail.resend")}</button>
                                                        })}
                                                    </td>
                                                    <td><Ago at=m.created_at/></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <Blocked/>
    }
}

/// Senders whose mail goes to Spam: addresses and whole domains.
#[component]
fn Blocked() -> impl IntoView {
    let block = ServerAction::<BlockSender>::new();
    let list = Resource::new(move || block.version().get(), |_| blocked_senders());
    let error = field_error(block.value(), "sender");
    view! {
        <section class="card" aria-labelledby="blocked-heading">
            <h2 id="blocked-heading">{t("mail.blocked_heading")}</h2>
            <p class="hint">{t("mail.blocked_lead")}</p>
            <ActionForm action=block attr:class="form label-row" attr:novalidate=true>
                <label for="block-sender">{t("mail.block_address")}</label>
                <input id="block-sender" name="sender" type="text" autocomplete="off" spellcheck="false"/>
                <button type="submit">{t("mail.block")}</button>
                <p class="field-error" role="alert">{move || error.get().map(|k| t_dyn(&k))}</p>
            </ActionForm>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let senders = list.await.unwrap_or_default();
                    if senders.is_empty() {
                        view! { <p class="empty">{t("mail.blocked_none")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="blocked-senders">
                                {senders.into_iter().map(|s| view! {
                                    <li>
                                        <code>{s.clone()}</code> " "
                                        <ActionForm action=block attr:class="inline">
                                            <input type="hidden" name="sender" value=s.clone()/>
                                            <input type="hidden" name="unblock" value="1"/>
                                            <button type="submit" class="link">{t("mail.unblock")}</button>
                                        </ActionForm>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
