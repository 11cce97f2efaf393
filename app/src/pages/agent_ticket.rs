//! One ticket in the workspace: the conversation, the composer (reply or note) and the
//! status.

use leptos::prelude::*;

use crate::api::agent::{desk_lists, ticket, ChangeTicket, PostMessage, SetStatus};
use crate::api::{field_error, AppError};
use leptos_meta::Title;

use crate::components::{
    earlier_href, long_date, number_param, show_param, when, AgentFrame, Bell, Conversation, Field,
    Live, Me,
};
use crate::i18n::t;
use crate::pages::canned_picker::CannedPicker;
use crate::pages::not_found::NotFound;
use crate::pages::ticket_side::TicketSide;
use crate::pages::uploader::{FilePicker, Uploads};

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
    // The page refetches on its own ticket's changes only.
    let own = Live::ticket_tick(number);
    let data = Resource::new(
        move || {
            (
                number(),
                show(),
                post.version().get(),
                set_status.version().get(),
                change.version().get(),
                own.get(),
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
    let suggested = Resource::new(number, |n| {
        crate::api::agent::suggest_articles(n.unwrap_or(0))
    });
    // Opening the ticket read its notifications: the bell catches up.
    let bell_and_live = (use_context::<Bell>(), use_context::<Live>());
    Effect::new(move |_| {
        let Some(Ok(tk)) = data.get() else { return };
        let (Some(Bell(bell)), Some(live)) = bell_and_live else {
            return;
        };
        let unread_here = bell.get_untracked().and_then(|r| r.ok()).is_some_and(|n| {
            n.items
                .iter()
                .any(|i| !i.read && i.ticket == tk.summary.number)
        });
        if unread_here {
            live.notified.update(|n| *n += 1);
        }
    });
    let me = use_context::<Me>();
    let form = NodeRef::<leptos::html::Form>::new();
    let kind = RwSignal::new("reply".to_string());
    // What the agent is typing outlives the ticket being redrawn (a status change).
    let draft = RwSignal::new(String::new());
    let uploads = Uploads::new("/api/files".into());
    // The newest message on screen when the agent began writing: the server holds the
    // post if someone else wrote after it.
    let seen = RwSignal::new(None::<u64>);
    let newest = move || {
        data.get_untracked()
            .and_then(|r| r.ok())
            .and_then(|tk| tk.messages.iter().map(|m| m.id).max())
    };
    Effect::new(move |_| {
        let writing = !draft.read().trim().is_empty() || !uploads.list.read().is_empty();
        if !writing {
            seen.set(None);
        } else if seen.get_untracked().is_none() {
            seen.set(newest());
        }
    });
    // A draft belongs to its ticket.
    Effect::new(move |previous: Option<Option<u64>>| {
        let current = number();
        if previous.is_some_and(|p| p != current) {
            draft.set(String::new());
            uploads.clear();
            seen.set(None);
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
                uploads.clear();
                seen.set(None);
            }
        }
    });
    let held = field_error(post.value(), "held");
    // Held: once what arrived is on screen, sending again goes through.
    Effect::new(move |_| {
        let latest = data
            .get()
            .and_then(|r| r.ok())
            .and_then(|tk| tk.messages.iter().map(|m| m.id).max());
        if held.get().is_some() {
            seen.set(latest);
        }
    });
    let body_error = field_error(post.value(), "body");
    let phone_error = field_error(post.value(), "phone");
    let duration_error = field_error(post.value(), "duration");
    let files_error = field_error(post.value(), "attachments");
    let viewers = crate::pages::presence::watch(number, draft);
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
        <div class="with-list">
        <crate::pages::side_list::SideList current=number/>
        <div class="ticket-column">
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
                            <Title text=format!("#{n} {} · {}", s.subject, crate::components::brand())/>
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
                                            <a href=format!("/agent/contacts/{}", s.requester)>{crate::components::person(&s.requester_name)}</a>
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
                                            files="/files".to_string()
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
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = suggested.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <details class="suggested card">
                        <summary>{crate::i18n::tn("kb.suggested", list.len() as u64)}</summary>
                        <ul>
                            {list.into_iter().map(|a| {
                                let link = format!("[{}]({})", a.title, a.slug);
                                let text = a.body.clone();
                                view! {
                                    <li>
                                        <span class="suggested-title">{a.title.clone()}</span>
                                        {(!a.public).then(|| view! { <span class="note-label">{t("kb.internal")}</span> })}
                                        <span class="suggested-actions">
                                            {a.public.then(|| view! {
                                                <button type="button" class="link" on:click=move |_| {
                                                    draft.update(|d| {
                                                        if !d.is_empty() && !d.ends_with('\n') { d.push('\n'); }
                                                        d.push_str(&link);
                                                    });
                                                }>{t("kb.insert_link")}</button>
                                            })}
                                            <button type="button" class="link" on:click=move |_| {
                                                draft.update(|d| {
                                                    if !d.is_empty() && !d.ends_with('\n') { d.push('\n'); }
                                                    d.push_str(&text);
                                                });
                                            }>{t("kb.insert_text")}</button>
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </details>
                })
            })}
        </Transition>
        <crate::pages::presence::Viewers viewers=viewers/>
        <ActionForm action=post node_ref=form attr:class=move || format!("composer card form {}", kind.get()) attr:novalidate=true
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev| uploads.on_drop(ev)
            on:paste=move |ev| uploads.on_paste(ev)
        >
            <input type="hidden" name="number" value=move || number().map(|n| n.to_string())/>
            <input type="hidden" name="seen" prop:value=move || seen.get().map(|s| s.to_string()).unwrap_or_default()/>
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
                <label>
                    <input type="radio" name="kind" value="call" checked=move || kind.get() == "call"
                        on:change=move |_| kind.set("call".into())/>
                    {t("call.tab")}
                </label>
            </fieldset>
            <div class="call-fields" hidden=move || kind.get() != "call">
                <div class="field">
                    <label for="call-direction">{t("call.direction")}</label>
                    <select id="call-direction" name="direction">
                        <option value="in">{t("call.inbound")}</option>
                        <option value="out">{t("call.outbound")}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="field-phone">{t("call.phone")}</label>
                    <input id="field-phone" name="phone" type="tel" autocomplete="off"
                        aria-invalid=move || phone_error.get().is_some().then_some("true")
                        aria-describedby="field-phone-error"/>
                    <p class="field-error" id="field-phone-error" role="alert">{move || phone_error.get().map(|k| crate::i18n::t_dyn(&k))}</p>
                </div>
                <div class="field">
                    <label for="field-minutes">{t("call.duration")}</label>
                    <input id="field-minutes" name="minutes" type="number" min="0" max="1440" step="1" inputmode="numeric"
                        aria-invalid=move || duration_error.get().is_some().then_some("true")
                        aria-describedby="field-minutes-error"/>
                    <p class="field-error" id="field-minutes-error" role="alert">{move || duration_error.get().map(|k| crate::i18n::t_dyn(&k))}</p>
                </div>
            </div>
            <crate::pages::markdown_bar::MarkdownBar draft=draft/>
            <CannedPicker draft=draft placeholders=placeholders>
                <Field name="body" label=t("ticket.compose") multiline=true error=body_error keep=draft/>
            </CannedPicker>
            <p class="markdown-hint quiet">{t("ticket.markdown_hint")}</p>
            <FilePicker uploads=uploads/>
            <p class="field-error" role="alert">{move || files_error.get().map(|k| crate::i18n::t_dyn(&k))}</p>
            {move || held.get().map(|_| view! {
                <p class="notice held" role="alert">{t("ticket.held")}</p>
            })}
            <button type="submit" class="primary" disabled=move || post.pending().get() || uploads.busy()>
                {move || match (held.get().is_some(), kind.get().as_str()) {
                    (true, _) => t("ticket.send_anyway"),
                    (false, "note") => t("ticket.add_note"),
                    (false, "call") => t("call.log"),
                    _ => t("ticket.send_reply"),
                }}
            </button>
        </ActionForm>
        </div>
        </div>
    }
}
