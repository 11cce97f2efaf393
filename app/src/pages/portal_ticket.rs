//! The customer's private ticket page: status, public replies, and a reply form.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use model::CustomerReplied;

use crate::api::portal::{load_portal_ticket, CustomerReply};
use crate::api::{field_error, AppError};
use leptos_meta::Title;

use crate::components::{
    earlier_href, long_date, number_param, show_param, when, Conversation, Field, StatusBadge,
};
use crate::i18n::t;
use crate::pages::not_found::NotFound;
use crate::pages::uploader::{FilePicker, Uploads};

#[component]
pub fn PortalTicket() -> impl IntoView {
    let params = use_params_map();
    let number = number_param();
    let key = move || params.read().get("key").unwrap_or_default();
    let show = show_param();
    let reply = ServerAction::<CustomerReply>::new();
    let ticket = Resource::new(
        move || (number(), key(), show(), reply.version().get()),
        |(number, key, show, _)| async move {
            match number {
                Some(n) => load_portal_ticket(n, key, Some(show)).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let form = NodeRef::<leptos::html::Form>::new();
    // A private link carries its key; a signed-in customer's page has none (the
    // session cookie stands in for it).
    let files_base = move |n: u64| {
        let k = key();
        if k.is_empty() {
            format!("/portal/tickets/{n}/files")
        } else {
            format!("/t/{n}/{}/files", crate::components::url_encode(&k))
        }
    };
    let uploads = Uploads::new(files_base(number().unwrap_or(0)));
    Effect::new(move |_| {
        if let Some(Ok(_)) = reply.value().get() {
            if let Some(f) = form.get() {
                f.reset();
                uploads.clear();
            }
        }
    });
    let body_error = field_error(reply.value(), "body");
    let files_error = field_error(reply.value(), "attachments");
    view! {
        <Suspense fallback=|| view! { <div class="skeleton-page" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match ticket.await {
                    Ok(tk) => view! {
                        <div class="portal">
                            <crate::pages::portal_account::PortalHeader/>
                            <Title text=format!("#{} {} · {}", tk.number, tk.subject, crate::components::brand())/>
                            <main id="main" class="portal-main">
                                <h1>
                                    <span class="ticket-number">{format!("#{}", tk.number)}</span> " " {tk.subject.clone()}
                                </h1>
                                <p class="meta">
                                    {t("portal.ticket_status")} ": " <StatusBadge status=tk.status/> " · "
                                    {t("portal.opened")} " "
                                    <time datetime=tk.created_at.to_rfc3339() title=when(tk.created_at)>{long_date(tk.created_at)}</time>
                                </p>
                                <Conversation
                                    files=files_base(tk.number)
                                    messages=tk.messages.clone()
                                    customer_view=true
                                    earlier=tk.earlier.then(|| earlier_href(&if key().is_empty() { format!("/portal/tickets/{}", tk.number) } else { format!("/t/{}/{}", tk.number, key()) }, tk.messages.len()))
                                />
                                {matches!(tk.status, model::TicketStatus::Resolved | model::TicketStatus::Closed).then(|| view! {
                                    <crate::pages::survey::RateBox number=tk.number key=key() rating=tk.rating.clone()/>
                                })}
                                <ActionForm action=reply node_ref=form attr:class="card form" attr:novalidate=true
                                    on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                                    on:drop=move |ev| uploads.on_drop(ev)
            on:paste=move |ev| uploads.on_paste(ev)
                                >
                                    <input type="hidden" name="number" value=tk.number.to_string()/>
                                    <input type="hidden" name="key" value=key()/>
                                    <Field name="body" label=t("portal.your_reply") multiline=true error=body_error/>
                                    <FilePicker uploads=uploads/>
                                    <p class="field-error" role="alert">{move || files_error.get().map(|k| crate::i18n::t_dyn(&k))}</p>
                                    <p class="form-status" role="status">
                                        {move || match reply.value().get() {
                                            Some(Ok(CustomerReplied::Added)) => Some(t("portal.reply_sent").into_any()),
                                            Some(Ok(CustomerReplied::FollowUp(c))) => Some(view! {
                                                {t("portal.follow_up")} " "
                                                <a class="private-link" href=c.link.clone()>{format!("#{}", c.number)}</a>
                                            }.into_any()),
                                            _ => None,
                                        }}
                                        {move || match reply.value().get() {
                                            Some(Err(e)) if !matches!(e, AppError::Invalid(_)) => Some(e.message()),
                                            _ => None,
                                        }}
                                    </p>
                                    <button type="submit" class="primary" disabled=move || reply.pending().get() || uploads.busy()>
                                        {t("portal.send_reply")}
                                    </button>
                                </ActionForm>
                            </main>
                        </div>
                    }
                    .into_any(),
                    Err(_) => view! { <NotFound/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
