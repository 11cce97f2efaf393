//! The agent's ticket list: filter by status, newest or oldest first, pages of 50.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use model::TicketStatus;

use crate::api::agent::{inbox, PAGE_SIZE};
use leptos_meta::Title;

use crate::components::{AgentFrame, Ago, Live, StatusBadge};
use crate::i18n::{t, tn};

fn inbox_href(status: &str, sort: &str, page: usize) -> String {
    let mut q = Vec::new();
    if !status.is_empty() {
        q.push(format!("status={status}"));
    }
    if sort == "oldest" {
        q.push("sort=oldest".into());
    }
    if page > 0 {
        q.push(format!("page={page}"));
    }
    if q.is_empty() {
        "/agent".into()
    } else {
        format!("/agent?{}", q.join("&"))
    }
}

#[component]
pub fn Inbox() -> impl IntoView {
    view! { <AgentFrame><InboxList/></AgentFrame> }
}

#[component]
fn InboxList() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let sort = move || query.read().get("sort").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0usize)
    };
    let data = Resource::new(
        move || (status(), sort(), page(), Live::tick()),
        |(s, o, p, _)| inbox(s, o, p, None),
    );
    let navigate = use_navigate();
    let nav = StoredValue::new(navigate);
    let go = move |s: String, o: String| {
        nav.with_value(|n| n(&inbox_href(&s, &o, 0), Default::default()))
    };
    view! {
        <Title text=format!("{} · {}", t("inbox.title"), t("app.name"))/>
        <div class="list-head">
            <h1>{t("inbox.title")}</h1>
            <div class="controls">
                <label for="inbox-status">{t("inbox.filter")}</label>
                <select id="inbox-status" on:change=move |ev| go(event_target_value(&ev), sort())>
                    <option value="" selected=move || status().is_empty()>{t("nav.all")}</option>
                    {TicketStatus::ALL
                        .into_iter()
                        .map(|s| view! {
                            <option value=s.slug() selected=move || status() == s.slug()>{t(s.label_key())}</option>
                        })
                        .collect_view()}
                </select>
                <label for="inbox-sort">{t("inbox.sort")}</label>
                <select id="inbox-sort" on:change=move |ev| go(status(), event_target_value(&ev))>
                    <option value="newest" selected=move || sort() != "oldest">{t("inbox.newest")}</option>
                    <option value="oldest" selected=move || sort() == "oldest">{t("inbox.oldest")}</option>
                </select>
            </div>
        </div>
        <Transition fallback=|| view! { <SkeletonRows/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => {
                        let counts = p.counts.clone();
                        let total = p.total;
                        let (s, o, pg) = (status(), sort(), page());
                        view! {
                            <nav class="status-tabs" aria-label=t("inbox.filter")>
                                <a href=inbox_href("", &o, 0) aria-current=s.is_empty().then_some("page")>
                                    {t("nav.all")}
                                </a>
                                {counts
                                    .into_iter()
                                    .filter(|(_, n)| *n > 0)
                                    .map(|(st, n)| view! {
                                        <a href=inbox_href(st.slug(), &o, 0) aria-current=(s == st.slug()).then_some("page")>
                                            {t(st.label_key())} " " <span class="count">{n}</span>
                                        </a>
                                    })
                                    .collect_view()}
                            </nav>
                            {if p.tickets.is_empty() {
                                view! { <p class="empty">{t("inbox.empty")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="tickets">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t("inbox.col_number")}</th>
                                                <th scope="col">{t("inbox.col_subject")}</th>
                                                <th scope="col">{t("inbox.col_requester")}</th>
                                                <th scope="col">{t("inbox.col_status")}</th>
                                                <th scope="col">{t("inbox.col_age")}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {p.tickets
                                                .into_iter()
                                                .map(|tk| view! {
                                                    <tr>
                                                        <td class="num">{format!("#{}", tk.number)}</td>
                                                        <td class="subject">
                                                            <a href=format!("/agent/tickets/{}", tk.number)>{tk.subject}</a>
                                                        </td>
                                                        <td>{tk.requester_name}</td>
                                                        <td><StatusBadge status=tk.status/></td>
                                                        <td class="age">
                                                            <Ago at=tk.created_at/>
                                                        </td>
                                                    </tr>
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                }
                                .into_any()
                            }}
                            <nav class="pager">
                                <span class="count-total">{tn("inbox.count", total)}</span>
                                {(pg > 0).then(|| view! { <a href=inbox_href(&s, &o, pg - 1)>{t("inbox.previous")}</a> })}
                                {((pg + 1) * PAGE_SIZE < total as usize)
                                    .then(|| view! { <a href=inbox_href(&s, &o, pg + 1)>{t("inbox.next")}</a> })}
                            </nav>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Placeholder rows while the list loads, so nothing jumps.
#[component]
fn SkeletonRows() -> impl IntoView {
    view! {
        <div class="skeleton" aria-busy="true">
            {(0..8).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}
