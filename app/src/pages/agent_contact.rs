//! A contact: their details (name, emails, phones, location, organization, customer
//! group, notes), their tickets, and merging them into another contact.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::ContactInfo;

use crate::api::agent::{contact, MergeContact, SaveContact};
use crate::api::AppError;
use crate::components::{AgentFrame, Ago, Live, StatusBadge};
use crate::i18n::{t, tn};
use crate::pages::not_found::NotFound;

#[component]
pub fn ContactView() -> impl IntoView {
    view! { <AgentFrame><ContactPane/></AgentFrame> }
}

#[component]
fn ContactPane() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|n| n.parse::<u64>().ok());
    let save = ServerAction::<SaveContact>::new();
    let merge = ServerAction::<MergeContact>::new();
    let data = Resource::new(
        move || {
            (
                id(),
                save.version().get(),
                merge.version().get(),
                Live::tick(),
            )
        },
        |(id, _, _, _)| async move {
            match id {
                Some(id) => contact(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let error = move || {
        let failed = save
            .value()
            .get()
            .map(|r| r.map(|_| ()))
            .or(merge.value().get());
        match failed {
            Some(Err(e)) => Some(e.explain()),
            _ => None,
        }
    };
    view! {
        <Transition fallback=|| view! { <div class="skeleton-page" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => {
                        let c = page.contact.clone();
                        view! {
                            <Title text=format!("{} · {}", crate::components::person(&c.display_name), crate::components::brand())/>
                            <div class="list-head"><h1>{crate::components::person(&c.display_name)}</h1></div>
                            {page.failing.iter().map(|(email, reason)| view! {
                                <p class="notice bounced" role="note">
                                    {t("contact.bounced")} " " <strong>{email.clone()}</strong> ": " {reason.clone()}
                                </p>
                            }).collect_view()}
                            {c.merged_into.map(|into| view! {
                                <p class="notice" role="note">
                                    {t("contact.merged_notice")} " "
                                    <a href=format!("/agent/contacts/{into}")>{format!("#{into}")}</a>
                                </p>
                            })}
                            <div class="contact-body">
                                <ContactForm contact=c.clone() save=save/>
                                <section class="contact-tickets" aria-labelledby="contact-tickets">
                                    <h2 id="contact-tickets">{tn("contact.tickets", page.total)}</h2>
                                    <ul class="plain-list">
                                        {page.tickets.into_iter().map(|tk| view! {
                                            <li>
                                                <a href=format!("/agent/tickets/{}", tk.number)>{format!("#{} {}", tk.number, tk.subject)}</a>
                                                " " <StatusBadge status=tk.status/> " " <Ago at=tk.created_at/>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                    {(!page.ratings.is_empty()).then(|| view! {
                                        <h2>{t("rating.page")}</h2>
                                        <ul class="rating-comments">
                                            {page.ratings.clone().into_iter().map(|r| view! {
                                                <li>
                                                    <a href=format!("/agent/tickets/{}", r.ticket)>{format!("#{} {}", r.ticket, r.subject)}</a>
                                                    " — " <strong class=format!("rated rate-{}", r.rating.slug())>{t(r.rating.label_key())}</strong>
                                                    {(!r.comment.is_empty()).then(|| view! { <blockquote>{r.comment.clone()}</blockquote> })}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    })}
                                    <details class="more-actions">
                                        <summary>{t("contact.merge")}</summary>
                                        <ActionForm action=merge>
                                            <input type="hidden" name="id" value=c.id.to_string()/>
                                            <p class="hint">{t("contact.merge_hint")}</p>
                                            <label for="contact-merge">{t("contact.merge_into")}</label>
                                            <input id="contact-merge" name="into" type="text" inputmode="numeric" required=true/>
                                            <button type="submit">{t("contact.merge")}</button>
                                        </ActionForm>
                                    </details>
                                </section>
                            </div>
                        }
                        .into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <p class="form-error" role="alert">{error}</p>
        <p class="form-status" role="status">
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| t("ticket.saved"))}
        </p>
    }
}

/// The contact's details, saved together.
#[component]
fn ContactForm(contact: ContactInfo, save: ServerAction<SaveContact>) -> impl IntoView {
    let field = |name: &'static str, label: &'static str, value: String| {
        let id = format!("contact-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{t(label)}</label>
                <input id=id name=name type="text" value=value maxlength="120"/>
            </div>
        }
    };
    let area = |name: &'static str, label: &'static str, value: String, rows: &'static str| {
        let id = format!("contact-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{t(label)}</label>
                <textarea id=id name=name rows=rows>{value}</textarea>
            </div>
        }
    };
    view! {
        <ActionForm action=save attr:class="card form contact-form" attr:aria-label=t("contact.details")>
            <input type="hidden" name="id" value=contact.id.to_string()/>
            {field("name", "contact.name", contact.name)}
            {area("emails", "contact.emails", contact.emails.join("\n"), "2")}
            {area("phones", "contact.phones", contact.phones.join("\n"), "2")}
            {field("location", "contact.location", contact.location)}
            {field("organization", "contact.organization", contact.organization)}
            {field("group", "contact.group", contact.group)}
            {area("notes", "contact.notes", contact.notes, "4")}
            <button type="submit" class="primary">{t("admin.save")}</button>
        </ActionForm>
    }
    .into_any()
}
