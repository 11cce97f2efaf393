//! The list beside an open ticket on wide screens (views, list, ticket): the inbox the
//! agent last looked at, its rows keyed by ticket, so a live change redraws only the
//! rows that changed and the list keeps its scroll, the current row and the focus.

use leptos::prelude::*;
use model::TicketSummary;

use crate::components::StatusBadge;
use crate::i18n::t;

/// Where the inbox keeps the query of the list it last showed (for this list).
pub const LAST_QUERY: &str = "tessera.last-query";

/// The last inbox list, the ticket `current()` marked. Filled in the browser only (the
/// server renders the empty frame, so hydration has nothing to disagree about).
#[component]
pub fn SideList(current: impl Fn() -> Option<u64> + Copy + Send + Sync + 'static) -> impl IntoView {
    let rows = RwSignal::new(Vec::<TicketSummary>::new());
    #[cfg(feature = "hydrate")]
    {
        use crate::components::Live;
        use leptos::task::spawn_local;
        let query = window()
            .session_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(LAST_QUERY).ok().flatten())
            .unwrap_or_default();
        let live = use_context::<Live>();
        // Wide screens only: a narrow one never shows the list, so never loads it.
        let wide = window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w >= 1400.0);
        Effect::new(move |_| {
            if let Some(l) = live {
                l.tick.track();
            }
            if !wide {
                return;
            }
            let q = query.clone();
            spawn_local(async move {
                if let Ok(p) = crate::api::agent::inbox(q, 0).await {
                    rows.set(p.tickets);
                }
            });
        });
    }
    view! {
        <nav class="side-list" class:empty=move || rows.with(Vec::is_empty) aria-label=t("inbox.title")>
            <ol>
                <For each=move || rows.get() key=|tk| (tk.number, tk.updated_at, tk.status) let:tk>
                    <li class:current=move || current() == Some(tk.number)>
                        <a
                            href=format!("/agent/tickets/{}", tk.number)
                            aria-current=move || (current() == Some(tk.number)).then_some("page")
                        >
                            <span class="side-top">
                                <span class="ticket-number">{format!("#{}", tk.number)}</span>
                                " "
                                <span class="side-subject">{tk.subject.clone()}</span>
                            </span>
                            <span class="side-meta">
                                <StatusBadge status=tk.status/>
                                " "
                                {crate::components::person(&tk.requester_name)}
                            </span>
                        </a>
                    </li>
                </For>
            </ol>
        </nav>
    }
}
