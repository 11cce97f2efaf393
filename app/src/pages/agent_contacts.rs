//! The contacts list (search by name, address, phone or organization) and the form an
//! agent opens a ticket with for a customer who called or came by.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::agent::{contacts, NewTicket};
use crate::api::field_error;
use crate::components::{AgentFrame, Field};
use crate::i18n::t;

#[component]
pub fn ContactsList() -> impl IntoView {
    view! { <AgentFrame><ContactsPane/></AgentFrame> }
}

#[component]
fn ContactsPane() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let list = Resource::new(q, contacts);
    let on_input = crate::components::query_follows_input("/agent/contacts", true);
    view! {
        <Title text=format!("{} · {}", t("contacts.title"), crate::components::brand())/>
        <div class="list-head">
            <h1>{t("contacts.title")}</h1>
            <a class="button" href="/agent/new-ticket">{t("intake.title")}</a>
        </div>
        <form method="get" action="/agent/contacts" role="search" class="search-page">
            <label for="contacts-q">{t("contacts.search")}</label>
            <input id="contacts-q" name="q" type="search" value=q on:input=on_input/>
        </form>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let rows = list.await.unwrap_or_default();
                if rows.is_empty() {
                    view! { <p class="empty">{t("contacts.none")}</p> }.into_any()
                } else {
                    view! {
                        <table class="tickets contacts">
                            <thead><tr>
                                <th scope="col">{t("admin.name")}</th>
                                <th scope="col">{t("contacts.col_email")}</th>
                                <th scope="col">{t("contacts.col_phone")}</th>
                                <th scope="col">{t("contact.organization")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|c| view! {
                                    <tr>
                                        <td><a href=format!("/agent/contacts/{}", c.id)>{crate::components::person(&c.display_name)}</a></td>
                                        <td>{if c.email.is_empty() { "—".to_string() } else { c.email }}</td>
                                        <td>{if c.phone.is_empty() { "—".to_string() } else { c.phone }}</td>
                                        <td>{if c.organization.is_empty() { "—".to_string() } else { c.organization }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    view! { <AgentFrame><NewTicketPane/></AgentFrame> }
}

#[component]
fn NewTicketPane() -> impl IntoView {
    let open = ServerAction::<NewTicket>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(n)) = open.value().get() {
            navigate(&format!("/agent/tickets/{n}"), Default::default());
        }
    });
    let err = move |name: &'static str| field_error(open.value(), name);
    view! {
        <Title text=format!("{} · {}", t("intake.title"), crate::components::brand())/>
        <div class="list-head"><h1>{t("intake.title")}</h1></div>
        <p class="lead">{t("intake.lead")}</p>
        <ActionForm action=open attr:class="card form intake" attr:novalidate=true>
            <div class="field">
                <label for="intake-channel">{t("intake.channel")}</label>
                <select id="intake-channel" name="channel">
                    <option value="phone">{t("channel.phone")}</option>
                    <option value="agent">{t("intake.in_person")}</option>
                </select>
            </div>
            <Field name="phone" label=t("call.phone") kind="tel" autocomplete="off" error=err("phone")/>
            <Field name="email" label=t("intake.email") kind="email" autocomplete="off" error=err("email")/>
            <Field name="name" label=t("intake.name") autocomplete="off" error=err("name")/>
            <Field name="subject" label=t("intake.subject") error=err("subject")/>
            <Field name="body" label=t("intake.body") multiline=true error=err("body")/>
            <p class="form-error" role="alert">
                {move || match open.value().get() {
                    Some(Err(e)) if !matches!(e, crate::api::AppError::Invalid(_)) => Some(e.message()),
                    _ => None,
                }}
            </p>
            <button type="submit" class="primary" disabled=move || open.pending().get()>{t("intake.open")}</button>
        </ActionForm>
    }
}
