//! Full-text search over tickets, as you type, with the matching words highlighted.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::Snippet;

use crate::api::agent::search;
use crate::components::{AgentFrame, StatusBadge};
use crate::i18n::{t, tn};
use leptos_meta::Title;

#[component]
pub fn SearchPage() -> impl IntoView {
    view! { <AgentFrame><SearchPane/></AgentFrame> }
}

fn highlighted(s: Snippet) -> impl IntoView {
    crate::components::marked(s)
}

#[component]
fn SearchPane() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let results = Resource::new(q, search);
    let on_input = crate::components::query_follows_input("/agent/search", true);
    view! {
        <Title text=format!("{} · {}", t("search.results"), crate::components::brand())/>
        <div class="list-head">
            <h1>{t("search.results")}</h1>
        </div>
        <form method="get" action="/agent/search" role="search" class="search-page">
            <label for="search-page-q">{t("search.label")}</label>
            <input id="search-page-q" name="q" type="search" value=q autofocus=true on:input=on_input/>
        </form>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let hits = results.await.unwrap_or_default();
                if q().trim().chars().count() < 2 {
                    view! { <p class="empty">{t("search.hint")}</p> }.into_any()
                } else if hits.is_empty() {
                    view! { <p class="empty">{t("search.none")}</p> }.into_any()
                } else {
                    let found = hits.len() as u64;
                    view! {
                        <p class="count-total" role="status">{tn("search.count", found)}</p>
                        <ol class="hits">
                            {hits
                                .into_iter()
                                .map(|h| view! {
                                    <li class="hit">
                                        <a href=format!("/agent/tickets/{}", h.number)>
                                            <span class="ticket-number">{format!("#{}", h.number)}</span> " "
                                            <span class="hit-subject">{highlighted(h.subject)}</span>
                                        </a>
                                        <span class="hit-meta">{crate::components::person(&h.requester_name)} " " <StatusBadge status=h.status/></span>
                                        <p class="hit-body">{highlighted(h.body)}</p>
                                    </li>
                                })
                                .collect_view()}
                        </ol>
                    }
                    .into_any()
                }
            })}
        </Transition>
    }
}
