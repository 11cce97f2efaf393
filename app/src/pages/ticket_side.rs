//! The ticket page's side panel: the ticket's fields (status, priority, type, tags,
//! department, assignee), escalation and postponement, and its history. Each change is
//! one call; the engine decides whether the agent may make it, and the panel says so
//! when not.

use leptos::prelude::*;
use model::{DeskLists, HistoryChange, HistoryEntry, Priority, TicketDetail, TicketStatus};

use crate::api::agent::{ChangeTicket, SetStatus};
use crate::components::{when, Ago};
use crate::i18n::t;

#[component]
pub fn TicketSide(
    detail: TicketDetail,
    lists: DeskLists,
    change: ServerAction<ChangeTicket>,
    set_status: ServerAction<SetStatus>,
    /// The signed-in agent, for "assign to me".
    me: Option<u64>,
) -> impl IntoView {
    let s = detail.summary.clone();
    let n = s.number;
    let send = move |field: &str, value: String| {
        change.dispatch(ChangeTicket {
            number: n,
            field: field.to_string(),
            value,
        });
    };
    let error = move || match change
        .value()
        .get()
        .or(set_status.value().get().map(|r| r.map(|_| ())))
    {
        Some(Err(e)) => Some(e.explain()),
        _ => None,
    };
    let option = |id: u64, name: String, current: Option<u64>| {
        view! { <option value=id.to_string() selected=current == Some(id)>{name}</option> }
    };
    let (assignee, department, kind) = (s.assignee, s.department, detail.ticket_type);
    let tags = detail.tags.join(", ");
    let ccs = detail.ccs.join(", ");
    let postponed = detail.postponed_until;
    let escalate_to = NodeRef::<leptos::html::Select>::new();
    let reopen_at = NodeRef::<leptos::html::Input>::new();
    let merge_into = NodeRef::<leptos::html::Input>::new();
    view! {
        <aside class="ticket-side" aria-label=t("ticket.details")>
            // What the desk promised comes first: an agent sees at once how long is left.
            {detail.sla.clone().map(|s| view! { <SlaClocks sla=s/> })}
            <div class="fields">
                <label for="ticket-status">{t("ticket.status")}</label>
                <select
                    id="ticket-status"
                    on:change=move |ev| {
                        set_status.dispatch(SetStatus { number: n, status: event_target_value(&ev) });
                    }
                >
                    {TicketStatus::ALL
                        .into_iter()
                        .map(|st| view! {
                            // Postponing needs a time: it has its own control below.
                            <option value=st.slug() selected=st == s.status
                                disabled=st == TicketStatus::Postponed>{t(st.label_key())}</option>
                        })
                        .collect_view()}
                </select>

                <label for="ticket-priority">{t("ticket.priority")}</label>
                <select id="ticket-priority" on:change=move |ev| send("priority", event_target_value(&ev))>
                    {Priority::ALL
                        .into_iter()
                        .map(|p| view! {
                            <option value=p.slug() selected=p == s.priority>{t(p.label_key())}</option>
                        })
                        .collect_view()}
                </select>

                <label for="ticket-type">{t("ticket.type")}</label>
                <select id="ticket-type" on:change=move |ev| send("type", event_target_value(&ev))>
                    <option value="" selected=kind.is_none()>{t("ticket.none")}</option>
                    {lists.ticket_types.iter().map(|l| option(l.id, l.name.clone(), kind)).collect_view()}
                </select>

                <label for="ticket-tags">{t("ticket.tags")}</label>
                <input id="ticket-tags" type="text" value=tags aria-describedby="ticket-tags-hint"
                    on:change=move |ev| send("tags", event_target_value(&ev))/>
                <small id="ticket-tags-hint" class="hint">{t("ticket.tags_hint")}</small>

                <label for="ticket-ccs">{t("ticket.ccs")}</label>
                <input id="ticket-ccs" type="text" value=ccs aria-describedby="ticket-ccs-hint"
                    on:change=move |ev| send("ccs", event_target_value(&ev))/>
                <small id="ticket-ccs-hint" class="hint">{t("ticket.ccs_hint")}</small>

                <label for="ticket-department">{t("ticket.department")}</label>
                <select id="ticket-department" on:change=move |ev| send("department", event_target_value(&ev))>
                    <option value="" selected=department.is_none()>{t("ticket.shared_queue")}</option>
                    {lists.departments.iter().map(|l| option(l.id, l.name.clone(), department)).collect_view()}
                </select>

                <label for="ticket-assignee">{t("ticket.assignee")}</label>
                <div class="with-button">
                    <select id="ticket-assignee" on:change=move |ev| send("assignee", event_target_value(&ev))>
                        <option value="" selected=assignee.is_none()>{t("ticket.unassigned")}</option>
                        {lists.agents.iter().map(|l| option(l.id, l.name.clone(), assignee)).collect_view()}
                    </select>
                    {me.filter(|m| assignee != Some(*m)).map(|m| view! {
                        <button type="button" id="assign-me" class="quiet" aria-keyshortcuts="a" on:click=move |_| send("assignee", m.to_string())>
                            {t("ticket.assign_to_me")}
                        </button>
                    })}
                </div>
            </div>

            <details class="more-actions">
                <summary>{t("ticket.escalate")}</summary>
                <div class="fields">
                    <label for="ticket-escalate">{t("ticket.escalate_to")}</label>
                    <select id="ticket-escalate" node_ref=escalate_to>
                        <option value="leader">{t("ticket.department_leader")}</option>
                        {lists.departments.iter()
                            .filter(|l| Some(l.id) != department)
                            .map(|l| view! { <option value=l.id.to_string()>{l.name.clone()}</option> })
                            .collect_view()}
                    </select>
                    <button type="button" on:click=move |_| {
                        if let Some(select) = escalate_to.get() {
                            send("escalate", select.value());
                        }
                    }>{t("ticket.escalate")}</button>
                </div>
            </details>

            <details class="more-actions" open=postponed.is_some()>
                <summary>{t("ticket.postpone")}</summary>
                <div class="fields">
                    {postponed.map(|until| view! {
                        <p class="hint">{t("ticket.postponed_until")} " " {when(until)}</p>
                    })}
                    <label for="ticket-postpone">{t("ticket.reopens_at")}</label>
                    <input id="ticket-postpone" type="datetime-local" node_ref=reopen_at/>
                    <button type="button" on:click=move |_| {
                        if let Some(input) = reopen_at.get() {
                            // With the browser's offset from UTC, so the time means what
                            // the agent meant.
                            let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
                            send("postpone", format!("{} {offset}", input.value()));
                        }
                    }>{t("ticket.postpone")}</button>
                </div>
            </details>

            <details class="more-actions">
                <summary>{t("ticket.merge")}</summary>
                <div class="fields">
                    <p class="hint">{t("ticket.merge_hint")}</p>
                    <label for="ticket-merge">{t("ticket.merge_into")}</label>
                    <input id="ticket-merge" type="text" inputmode="numeric" placeholder="#" node_ref=merge_into/>
                    <button type="button" on:click=move |_| {
                        if let Some(input) = merge_into.get() {
                            send("merge_into", input.value());
                        }
                    }>{t("ticket.merge")}</button>
                </div>
            </details>

            <p class="form-error" role="alert">{error}</p>
            <span class="saved" role="status">
                {move || matches!(change.value().get().or(set_status.value().get()), Some(Ok(()))).then(|| t("ticket.saved"))}
            </span>

            {detail.rating.clone().map(|r| view! {
                <section class="rating-shown" aria-labelledby="rating-title">
                    <h2 id="rating-title">{t("rating.title")}</h2>
                    <p class=format!("rated rate-{}", r.rating.slug())><strong>{t(r.rating.label_key())}</strong></p>
                    {(!r.comment.is_empty()).then(|| view! { <blockquote>{r.comment.clone()}</blockquote> })}
                </section>
            })}
            <History entries=detail.history.clone()/>
        </aside>
    }
    // Erased, so the ticket page's view type stays within the compiler's depth limit.
    .into_any()
}

/// A span of minutes for people: `45 min`, `2 h 5 min`, `3 d 4 h`.
fn span(minutes: i64) -> String {
    let m = minutes.max(0);
    let fill = |key: &'static str| {
        t(key)
            .replace("{d}", &(m / 1440).to_string())
            .replace("{h}", &(m % 1440 / 60).to_string())
            .replace("{m}", &(m % 60).to_string())
    };
    if m >= 1440 {
        fill("sla.days_hours")
    } else if m >= 60 {
        fill("sla.hours_minutes")
    } else {
        fill("sla.minutes")
    }
}

/// The ticket's service-level policy and its clocks, counting down each half minute.
#[component]
fn SlaClocks(sla: model::TicketSla) -> impl IntoView {
    use model::ClockState;
    let now = RwSignal::new(chrono::Utc::now());
    #[cfg(feature = "hydrate")]
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(chrono::Utc::now()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || handle.clear());
    }
    let row = move |key: &'static str, c: Option<model::SlaClock>| {
        c.map(|c| {
            let class = match c.state {
                ClockState::Met => "sla-met",
                ClockState::MetLate | ClockState::Breached => "sla-breached",
                ClockState::Warning => "sla-warning",
                ClockState::Paused => "sla-paused",
                ClockState::Running => "sla-running",
            };
            let text = move || {
                let left = c.due.map(|d| (d - now.get()).num_minutes());
                match (c.state, left) {
                    (ClockState::Met, _) => t("sla.met").to_string(),
                    (ClockState::MetLate, _) => t("sla.met_late").to_string(),
                    (ClockState::Paused, _) => t("sla.paused").to_string(),
                    (_, Some(l)) if l < 0 => t("sla.overdue").replace("{time}", &span(-l)),
                    (ClockState::Breached, _) => t("sla.breached").to_string(),
                    (_, Some(l)) => t("sla.due_in").replace("{time}", &span(l)),
                    (_, None) => String::new(),
                }
            };
            view! {
                <tr class=class>
                    <th scope="row">{t(key)}</th>
                    <td title=c.due.map(when)>{text}</td>
                </tr>
            }
        })
    };
    view! {
        <section class="sla" aria-labelledby="sla-title">
            <h2 id="sla-title">{t("sla.title")} " " <small class="quiet">{sla.policy.clone()}</small></h2>
            // The browser puts rows in a tbody; so does the view, or hydration breaks.
            <table><tbody>
                {row("sla.first_response", sla.first_response)}
                {row("sla.next_response", sla.next_response)}
                {row("sla.resolution", sla.resolution)}
            </tbody></table>
        </section>
    }
}

/// The ticket's history, newest first.
#[component]
fn History(entries: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <section class="history" aria-labelledby="history-title">
            <h2 id="history-title">{t("ticket.history")}</h2>
            <ol>
                {entries
                    .into_iter()
                    .map(|e| {
                        let who = if e.actor.is_empty() { t("history.desk").to_string() } else { e.actor.clone() };
                        view! {
                            <li>
                                <span class="who">{who}</span> " "
                                <span class="what">{describe(&e.change)}</span> " "
                                <Ago at=e.at/>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

/// One change in words: a label, then what it was and what it became.
fn describe(change: &HistoryChange) -> String {
    let none = || t("ticket.none").to_string();
    let name = |n: &Option<String>| n.clone().filter(|n| !n.is_empty()).unwrap_or_else(none);
    let arrow = |label: &str, from: String, to: String| format!("{label}: {from} → {to}");
    match change {
        HistoryChange::Created => t("history.created").to_string(),
        HistoryChange::Message(model::MessageKind::Reply) => t("history.replied").to_string(),
        HistoryChange::Message(model::MessageKind::Note) => t("history.noted").to_string(),
        HistoryChange::Message(model::MessageKind::Call) => t("history.called").to_string(),
        HistoryChange::FollowUpOpened(n) => format!("{} #{n}", t("history.follow_up")),
        HistoryChange::Status(a, b) => arrow(
            t("ticket.status"),
            t(a.label_key()).into(),
            t(b.label_key()).into(),
        ),
        HistoryChange::Priority(a, b) => arrow(
            t("ticket.priority"),
            t(a.label_key()).into(),
            t(b.label_key()).into(),
        ),
        HistoryChange::Type(a, b) => arrow(t("ticket.type"), name(a), name(b)),
        HistoryChange::Tags { added, removed } => {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("+ {}", added.join(", ")));
            }
            if !removed.is_empty() {
                parts.push(format!("− {}", removed.join(", ")));
            }
            format!("{}: {}", t("ticket.tags"), parts.join("; "))
        }
        HistoryChange::Assignee(a, b) => arrow(t("ticket.assignee"), name(a), name(b)),
        HistoryChange::Department(a, b) => arrow(t("ticket.department"), name(a), name(b)),
        HistoryChange::Escalated(to) => format!(
            "{} → {}",
            t("ticket.escalate"),
            to.clone()
                .unwrap_or_else(|| t("ticket.department_leader").to_string())
        ),
        HistoryChange::Postponed(until) => {
            format!("{} {}", t("ticket.postponed_until"), when(*until))
        }
        HistoryChange::Spam(true) => t("history.spam").to_string(),
        HistoryChange::Spam(false) => t("history.not_spam").to_string(),
        HistoryChange::MergedInto(n) => format!("{} #{n}", t("history.merged_into")),
        HistoryChange::MergedFrom(n) => format!("{} #{n}", t("history.merged_from")),
        HistoryChange::Ccs { added, removed } => {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("+ {}", added.join(", ")));
            }
            if !removed.is_empty() {
                parts.push(format!("− {}", removed.join(", ")));
            }
            format!("{}: {}", t("ticket.ccs"), parts.join("; "))
        }
        HistoryChange::Sla(clock, breached) => {
            let which = match clock {
                0 => t("sla.first_response"),
                1 => t("sla.next_response"),
                _ => t("sla.resolution"),
            };
            let key = if *breached {
                "history.sla_breached"
            } else {
                "history.sla_warning"
            };
            t(key).replace("{clock}", which)
        }
        HistoryChange::Said(line) => line.clone(),
        #[cfg(not(target_arch = "wasm32"))]
        HistoryChange::Rule { .. } => String::new(),
        HistoryChange::Distributed(mode, open) => t("history.distributed")
            .replace("{how}", t(mode.label_key()))
            .replace("{open}", &open.to_string()),
    }
}
