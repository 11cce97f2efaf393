//! One ticket in the workspace: the conversation, the composer (reply or note) and the
//! status.

use leptos::prelude::*;

use crate::api::agent::{desk_lists, ticket, ChangeTicket, PostMessage, SetStatus};
use crate::api::{field_error, AppError};
use leptos_meta::Title;

use crate::components::{
    earlier_href, long_date, number_param, show_param, when, AgentFrame, Conversation, Field, Live,
    Me,
};
use crate::i18n::t;
use crate::pages::canned_picker::CannedPicker;
use crate::pages::not_found::NotFound;
use crate::pages::ticket_side::TicketSide;

#[component]
pub fn AgentTicket() -> impl IntoView {
    view! { <AgentFrame><TicketPane/></AgentFrame> }
}

#[component]
fn TicketPane() -> impl IntoView {
    let number = number_param();
    let show = show_param();
    let post = ServerAction::<PostMessage>::new();
    let set_status = ServerAction::<SetStatus>::new();
    let change = ServerAction::<ChangeTicket>::new();
    let data = Resource::new(
        move || {
            (
                number(),
                show(),
                post.version().get(),
                set_status.version().get(),
                change.version().get(),
                Live::tick(),
            )
        },
        |(n, show, _, _, _, _)| async move {
            match n {
                Some(n) => ticket(n, Some(show)).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let lists = Resource::new(|| (), |_| desk_lists());
    let me = use_context::<Me>();
    let form = NodeRef::<leptos::html::Form>::new();
    let kind = RwSignal::new("reply".to_string());
    // What the agent is typing outlives the ticket being redrawn (a status change).
    let draft = RwSignal::new(String::new());
    // A draft belongs to its ticket.
    Effect::new(move |previous: Option<Option<u64>>| {
        let current = number();
        if previous.is_some_and(|p| p != current) {
            draft.set(String::new());
        }
        current
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = post.value().get() {
            if let Some(f) = form.get() {
                // Resetting the form brings the Reply tab back; the tint follows it.
                f.reset();
                kind.set("reply".into());
                draft.set(String::new());
            }
        }
    });
    let body_error = field_error(post.value(), "body");
    // What a canned response's placeholders stand for here.
    let placeholders = Signal::derive(move || {
        let agent_name = me
            .and_then(|Me(me)| me.get())
            .and_then(|r| r.ok().flatten())
            .map(|a| a.name)
            .unwrap_or_default();
        match data.get() {
            Some(Ok(tk)) => model::Placeholders {
                customer_name: tk.summary.requester_name.clone(),
                customer_email: tk.summary.requester_email.clone(),
                ticket_number: tk.summary.number,
                ticket_subject: tk.summary.subject.clone(),
                agent_name,
            },
            _ => model::Placeholders {
                agent_name,
                ..Default::default()
            },
        }
    });
    view! {
        <Transition fallback=|| view! { <div class="skeleton-page" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(tk) => {
                        let lists = lists.await.unwrap_or_default();
                        let me = match me {
                            Some(Me(me)) => me.await.ok().flatten().map(|a| a.id),
                            None => None,
                        };
                        let s = tk.summary.clone();
                        let n = s.number;
                        view! {
                            <Title text=format!("#{n} {} · {}", s.subject, t("app.name"))/>
                            <article class="ticket">
                                <header class="ticket-head">
                                    <p><a href="/agent" class="quiet">{"← "}{t("ticket.back")}</a></p>
                                    <h1>
                                        <span class="ticket-number">{format!("#{n}")}</span> " " {s.subject.clone()}
                                    </h1>
                                    {tk.merged_into.map(|into| view! {
                                        <p class="notice" role="note">
                                            {t("ticket.merged_notice")} " "
                                            <a href=format!("/agent/tickets/{into}")>{format!("#{into}")}</a>
                                        </p>
                                    })}
                                    <div class="ticket-meta">
                                        <span>
                                            <a href=format!("/agent/contacts/{}", s.requester)>{s.requester_name.clone()}</a>
                                            " · " {s.requester_email.clone()}
                                        </span>
                                        <span>{t(s.channel.label_key())}</span>
                                        {s.follow_up_of.map(|prev| view! {
                                            <span>
                                                {t("ticket.follow_up_of")} " "
                                                <a href=format!("/agent/tickets/{prev}")>{format!("#{prev}")}</a>
                                            </span>
                                        })}
                                        <span>
                                            {t("ticket.created")} " "
                                            <time datetime=s.created_at.to_rfc3339() title=when(s.created_at)>{long_date(s.created_at)}</time>
                                        </span>
                                    </div>
                                </header>
                                <div class="ticket-body">
                                    <div class="ticket-conversation">
                                        <Conversation
                                            messages=tk.messages.clone()
                                            earlier=tk.earlier.then(|| earlier_href(&format!("/agent/tickets/{n}"), tk.messages.len()))
                                        />
                                    </div>
                                    <TicketSide detail=tk.clone() lists=lists change=change set_status=set_status me=me/>
                                </div>
                            </article>
                        }
                        .into_any()
                    }
                    Err(AppError::NotFound) => {
                        view! { <div class="ticket-missing"><NotFound/></div> }.into_any()
                    }
                    Err(e) => view! { <p class="form-error ticket-missing">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        // Outside the Transition, so a redraw of the ticket (a live update, a status
        // change) never takes the editor, its text or its focus away.
        <ActionForm action=post node_ref=form attr:class=move || format!("composer card form {}", kind.get()) attr:novalidate=true>
            <input type="hidden" name="number" value=move || number().map(|n| n.to_string())/>
            <fieldset class="tabs">
                <legend class="visually-hidden">{t("ticket.compose")}</legend>
                <label>
                    <input type="radio" name="kind" value="reply" checked=move || kind.get() == "reply"
                        on:change=move |_| kind.set("reply".into())/>
                    {t("ticket.reply")}
                </label>
                <label>
                    <input type="radio" name="kind" value="note" checked=move || kind.get() == "note"
                        on:change=move |_| kind.set("note".into())/>
                    {t("ticket.note")}
                </label>
            </fieldset>
            <CannedPicker draft=draft placeholders=placeholders>
                <Field name="body" label=t("ticket.compose") multiline=true error=body_error keep=draft/>
            </CannedPicker>
            <button type="submit" class="primary" disabled=move || post.pending().get()>
                {move || if kind.get() == "note" { t("ticket.add_note") } else { t("ticket.send_reply") }}
            </button>
        </ActionForm>
    }
}
