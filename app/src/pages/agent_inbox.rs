//! The agent's ticket list: filters (status, assignee, department, priority, type, tag,
//! channel, requester, created and updated days), sorts, saved views, pages of 50, and
//! changes to many tickets at once. The filter lives in the page's address, so a list
//! can be bookmarked, shared and saved as a view; the filter form is a plain GET form
//! that the wasm turns into in-page navigation.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use model::{Channel, DeskLists, InboxFilter, Priority, SavedView, Sort, TicketStatus};

use crate::api::agent::{desk_lists, inbox, BulkChange, DeleteView, SaveView, PAGE_SIZE};
use crate::components::{AgentFrame, Ago, Live, Me, StatusBadge, Views};
use crate::i18n::{t, tn};

/// Shown in a cell that has no value, so no cell is ever empty.
const NONE: &str = "—";

/// The inbox address for `filter` at `page`.
pub fn inbox_href(filter: &InboxFilter, page: usize) -> String {
    let q = filter.to_query(page);
    if q.is_empty() {
        "/agent".into()
    } else {
        format!("/agent?{q}")
    }
}

#[component]
pub fn Inbox() -> impl IntoView {
    view! { <AgentFrame><InboxList/></AgentFrame> }
}

#[component]
fn InboxList() -> impl IntoView {
    let location = use_location();
    let query = move || location.search.get().trim_start_matches('?').to_string();
    let filter = Memo::new(move |_| InboxFilter::from_query(&query()));
    let params = use_query_map();
    let page = Memo::new(move |_| {
        params
            .read()
            .get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0usize)
    });
    let bulk = ServerAction::<BulkChange>::new();
    let data = Resource::new(
        move || {
            (
                filter.get().to_query(0),
                page.get(),
                Live::tick(),
                bulk.version().get(),
            )
        },
        |(q, p, _, _)| inbox(q, p),
    );
    let lists = Resource::new(|| (), |_| desk_lists());
    // Remembered for `j`/`k` on a ticket page (next and previous ticket of this list).
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            let numbers: Vec<String> = p.tickets.iter().map(|t| t.number.to_string()).collect();
            if let Ok(Some(storage)) = window().session_storage() {
                let _ = storage.set_item(crate::keys::LAST_LIST, &numbers.join(","));
                let _ = storage.set_item(
                    crate::pages::side_list::LAST_QUERY,
                    &filter.get_untracked().to_query(0),
                );
            }
        }
    });
    let views = use_context::<Views>();
    let me = use_context::<Me>();
    // Tickets ticked for a change to many at once; a new list starts with none.
    let selected = RwSignal::new(Vec::<u64>::new());
    Effect::new(move |_| {
        filter.track();
        page.track();
        selected.set(Vec::new());
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = bulk.value().get() {
            selected.set(Vec::new());
        }
    });
    view! {
        <Transition fallback=|| view! { <div class="list-head"><h1>{t("inbox.title")}</h1></div> }>
            {move || {
                let f = filter.get();
                Suspend::new(async move {
                    let saved = match views {
                        Some(v) => v.list.await.unwrap_or_default(),
                        None => Vec::new(),
                    };
                    let current = saved.into_iter().find(|v| v.filter == f);
                    let title = current
                        .as_ref()
                        .map(|v| v.name.clone())
                        .unwrap_or_else(|| t("inbox.title").to_string());
                    view! {
                        <Title text=format!("{title} · {}", crate::components::brand())/>
                        <div class="list-head">
                            <h1>{title}</h1>
                            <SaveViewControl filter=filter current=current views=views me=me/>
                        </div>
                    }
                })
            }}
        </Transition>
        <Transition fallback=|| view! { <div class="filters-skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let lists = lists.await.unwrap_or_default();
                view! { <FilterForm filter=filter lists=lists/> }
            })}
        </Transition>
        <Transition fallback=|| view! { <SkeletonRows/> }>
            {move || Suspend::new(async move {
                let lists = lists.await.unwrap_or_default();
                match data.await {
                    Ok(p) => {
                        let f = filter.get_untracked();
                        let pg = page.get_untracked();
                        let numbers: Vec<u64> = p.tickets.iter().map(|t| t.number).collect();
                        view! {
                            <StatusTabs filter=f.clone() counts=p.counts.clone()/>
                            <BulkBar selected=selected bulk=bulk lists=lists/>
                            {if p.tickets.is_empty() {
                                view! { <p class="empty">{t("inbox.empty")}</p> }.into_any()
                            } else {
                                view! { <TicketTable tickets=p.tickets selected=selected numbers=numbers/> }.into_any()
                            }}
                            <nav class="pager" aria-label=t("inbox.pages")>
                                <span class="count-total">{tn("inbox.count", p.total)}</span>
                                {(pg > 0).then(|| view! { <a href=inbox_href(&f, pg - 1)>{t("inbox.previous")}</a> })}
                                {((pg + 1) * PAGE_SIZE < p.total as usize)
                                    .then(|| view! { <a href=inbox_href(&f, pg + 1)>{t("inbox.next")}</a> })}
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

/// The status tabs: every status with tickets under the current filter, with counts.
#[component]
fn StatusTabs(filter: InboxFilter, counts: Vec<(TicketStatus, u64)>) -> impl IntoView {
    let all = InboxFilter {
        status: None,
        ..filter.clone()
    };
    let current = filter.status;
    view! {
        <nav class="status-tabs" aria-label=t("inbox.filter")>
            <a href=inbox_href(&all, 0) aria-current=current.is_none().then_some("page")>
                {t("nav.all")}
            </a>
            {counts
                .into_iter()
                .filter(|(s, n)| *n > 0 || current == Some(*s))
                .map(|(s, n)| {
                    let href = inbox_href(&InboxFilter { status: Some(s), ..all.clone() }, 0);
                    view! {
                        <a href=href aria-current=(current == Some(s)).then_some("page")>
                            {t(s.label_key())} " " <span class="count">{n}</span>
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The filter form. Without the wasm it is a GET form with an Apply button; with it,
/// each change moves the list at once.
#[component]
fn FilterForm(filter: Memo<InboxFilter>, lists: DeskLists) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let navigate = StoredValue::new(use_navigate());
    let apply = move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form.get() {
            use leptos::wasm_bindgen::JsCast;
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            let Ok(params) =
                web_sys::UrlSearchParams::new_with_str_sequence_sequence(data.unchecked_ref())
            else {
                return;
            };
            let f = InboxFilter::from_query(&String::from(params.to_string()));
            navigate.with_value(|n| n(&inbox_href(&f, 0), Default::default()));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (form, navigate);
    };
    let labels = |first: Vec<(String, String)>, rest: &[model::Label]| {
        let mut all = first;
        all.extend(rest.iter().map(|l| (l.id.to_string(), l.name.clone())));
        all
    };
    let any = || (String::new(), t("inbox.any").to_string());
    let assigned = labels(
        vec![
            (String::new(), t("inbox.anyone").into()),
            ("mine".into(), t("inbox.mine").into()),
            ("unassigned".into(), t("inbox.unassigned").into()),
        ],
        &lists.agents,
    );
    let departments = labels(
        vec![any(), ("0".into(), t("inbox.no_department").into())],
        &lists.departments,
    );
    let mut priorities = vec![any()];
    priorities.extend(
        Priority::ALL
            .into_iter()
            .rev()
            .map(|p| (p.slug().to_string(), t(p.label_key()).to_string())),
    );
    let sorts: Vec<(String, String)> = Sort::ALL
        .into_iter()
        .map(|s| (s.slug().to_string(), t(s.label_key()).to_string()))
        .collect();
    let types = labels(
        vec![any(), ("0".into(), t("ticket.none").into())],
        &lists.ticket_types,
    );
    let tags = labels(vec![any()], &lists.tags);
    let mut channels = vec![any()];
    channels.extend(
        Channel::ALL
            .into_iter()
            .map(|c| (c.slug().to_string(), t(c.label_key()).to_string())),
    );
    let current = |of: fn(&InboxFilter) -> String| Signal::derive(move || filter.with(of));
    let more_open = filter.with_untracked(|f| {
        f.ticket_type.is_some()
            || f.tag.is_some()
            || f.channel.is_some()
            || f.requester.is_some()
            || f.created_from.is_some()
            || f.created_to.is_some()
            || f.updated_from.is_some()
            || f.updated_to.is_some()
            || f.spam
    });
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let initial = filter.get_untracked();
    view! {
        <form
            class="filters"
            method="get"
            action="/agent"
            node_ref=form
            aria-label=t("inbox.filters")
            on:change=move |_| apply()
            on:submit=move |ev| {
                ev.prevent_default();
                apply();
            }
        >
            <input type="hidden" name="status" prop:value=move || filter.with(|f| f.status.map(|s| s.slug()).unwrap_or_default())
                value=initial.status.map(|s| s.slug()).unwrap_or_default()/>
            <FilterSelect id="f-assigned" name="assigned" label=t("inbox.assigned") options=assigned current=current(|f| f.assigned.slug())/>
            <FilterSelect id="f-department" name="department" label=t("ticket.department") options=departments current=current(|f| f.department.map(|d| d.to_string()).unwrap_or_default())/>
            <FilterSelect id="f-priority" name="priority" label=t("ticket.priority") options=priorities current=current(|f| f.priority.map(|p| p.slug().to_string()).unwrap_or_default())/>
            <FilterSelect id="f-sort" name="sort" label=t("inbox.sort") options=sorts current=current(|f| f.sort.slug().to_string())/>
            <details class="more-filters" open=more_open>
                <summary>{t("inbox.more_filters")}</summary>
                <div class="more-grid">
                    <FilterSelect id="f-type" name="type" label=t("ticket.type") options=types current=current(|f| f.ticket_type.map(|d| d.to_string()).unwrap_or_default())/>
                    <FilterSelect id="f-tag" name="tag" label=t("inbox.tag") options=tags current=current(|f| f.tag.map(|d| d.to_string()).unwrap_or_default())/>
                    <FilterSelect id="f-channel" name="channel" label=t("inbox.channel") options=channels current=current(|f| f.channel.map(|c| c.slug().to_string()).unwrap_or_default())/>
                    <div class="control">
                        <label for="f-requester">{t("inbox.requester_email")}</label>
                        <input id="f-requester" name="requester" type="email" autocomplete="off"
                            value=initial.requester.clone().unwrap_or_default()
                            prop:value=move || filter.with(|f| f.requester.clone().unwrap_or_default())/>
                    </div>
                    <fieldset class="control dates">
                        <legend>{t("inbox.created")}</legend>
                        <label for="f-created-from">{t("inbox.from")}</label>
                        <input id="f-created-from" name="created_from" type="date" value=day(initial.created_from)
                            prop:value=move || filter.with(|f| day(f.created_from))/>
                        <label for="f-created-to">{t("inbox.to")}</label>
                        <input id="f-created-to" name="created_to" type="date" value=day(initial.created_to)
                            prop:value=move || filter.with(|f| day(f.created_to))/>
                    </fieldset>
                    <fieldset class="control dates">
                        <legend>{t("inbox.updated")}</legend>
                        <label for="f-updated-from">{t("inbox.from")}</label>
                        <input id="f-updated-from" name="updated_from" type="date" value=day(initial.updated_from)
                            prop:value=move || filter.with(|f| day(f.updated_from))/>
                        <label for="f-updated-to">{t("inbox.to")}</label>
                        <input id="f-updated-to" name="updated_to" type="date" value=day(initial.updated_to)
                            prop:value=move || filter.with(|f| day(f.updated_to))/>
                    </fieldset>
                    <label class="check">
                        <input type="checkbox" name="spam" value="1" checked=initial.spam prop:checked=move || filter.with(|f| f.spam)/>
                        {t("inbox.spam_only")}
                    </label>
                </div>
                <div class="filter-actions">
                    <button type="submit">{t("inbox.apply")}</button>
                    <a href="/agent">{t("inbox.clear")}</a>
                </div>
            </details>
            <noscript><button type="submit">{t("inbox.apply")}</button></noscript>
        </form>
    }
    .into_any()
}

/// A select of the bulk bar: its label is its first, empty choice; picking another
/// calls `on_pick` with its value.
#[component]
fn BulkSelect(
    id: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    on_pick: Callback<String>,
) -> impl IntoView {
    view! {
        <label for=id class="visually-hidden">{label}</label>
        <select id=id on:change=move |ev| {
            let v = event_target_value(&ev);
            if v != "-" {
                on_pick.run(v);
            }
        }>
            <option value="-" selected=true>{label}</option>
            {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
        </select>
    }
    .into_any()
}

/// One labelled select of the filter form; `current` is the value the address holds.
#[component]
fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    current: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="control">
            <label for=id>{label}</label>
            <select id=id name=name>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let v = value.clone();
                        view! { <option value=value selected=move || current.with(|c| *c == v)>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
    .into_any()
}

/// The list's table, a tick box on each row for changes to many tickets.
#[component]
fn TicketTable(
    tickets: Vec<model::TicketSummary>,
    selected: RwSignal<Vec<u64>>,
    numbers: Vec<u64>,
) -> impl IntoView {
    let page = StoredValue::new(numbers);
    let all_ticked = move || {
        page.with_value(|p| selected.with(|s| !p.is_empty() && p.iter().all(|n| s.contains(n))))
    };
    view! {
        <table class="tickets">
            <thead>
                <tr>
                    <th scope="col" class="pick">
                        <input
                            type="checkbox"
                            aria-label=t("inbox.select_all")
                            prop:checked=all_ticked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.set(if on { page.get_value() } else { Vec::new() });
                            }
                        />
                    </th>
                    <th scope="col" class="col-number">{t("inbox.col_number")}</th>
                    <th scope="col">{t("inbox.col_subject")}</th>
                    <th scope="col" class="col-requester">{t("inbox.col_requester")}</th>
                    <th scope="col">{t("inbox.col_status")}</th>
                    <th scope="col" class="col-priority">{t("inbox.col_priority")}</th>
                    <th scope="col" class="col-assignee">{t("inbox.col_assignee")}</th>
                    <th scope="col">{t("inbox.col_age")}</th>
                </tr>
            </thead>
            <tbody>
                {tickets
                    .into_iter()
                    .map(|tk| {
                        let n = tk.number;
                        let label = format!("{} #{n}", t("inbox.select"));
                        view! {
                            <tr class:picked=move || selected.with(|s| s.contains(&n))>
                                <td class="pick">
                                    <input
                                        type="checkbox"
                                        aria-label=label
                                        prop:checked=move || selected.with(|s| s.contains(&n))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| {
                                                s.retain(|x| *x != n);
                                                if on {
                                                    s.push(n);
                                                }
                                            });
                                        }
                                    />
                                </td>
                                <td class="num col-number">{format!("#{n}")}</td>
                                <td class="subject">
                                    <a href=format!("/agent/tickets/{n}")>{tk.subject}</a>
                                    {tk.sla.and_then(|(state, _)| match state {
                                        model::ClockState::Breached => Some(("breached", t("sla.breached"))),
                                        model::ClockState::Warning => Some(("warning", t("sla.due_soon"))),
                                        _ => None,
                                    }).map(|(class, text)| view! { " " <span class=format!("sla-mark {class}")>{text}</span> })}
                                </td>
                                <td class="col-requester">{if tk.requester_name.is_empty() { NONE.to_string() } else { crate::components::person(&tk.requester_name) }}</td>
                                <td><StatusBadge status=tk.status/></td>
                                <td class=format!("col-priority priority priority-{}", tk.priority.slug())>{t(tk.priority.label_key())}</td>
                                <td class="col-assignee">{tk.assignee_name.filter(|n| !n.is_empty()).unwrap_or_else(|| NONE.to_string())}</td>
                                <td class="age"><Ago at=tk.created_at/></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// What to do with the ticked tickets: assign, set status or priority, add a tag, mark
/// as spam. Shown while any are ticked.
#[component]
fn BulkBar(
    selected: RwSignal<Vec<u64>>,
    bulk: ServerAction<BulkChange>,
    lists: DeskLists,
) -> impl IntoView {
    let send = move |field: &str, value: String| {
        let numbers = selected.with(|s| s.iter().map(u64::to_string).collect::<Vec<_>>().join(","));
        if numbers.is_empty() {
            return;
        }
        bulk.dispatch(BulkChange {
            numbers,
            field: field.to_string(),
            value,
        });
    };
    let tag = NodeRef::<leptos::html::Input>::new();
    let merge = NodeRef::<leptos::html::Input>::new();
    let outcome = move || match bulk.value().get() {
        Some(Ok(o)) if o.refused.is_empty() => Some(tn("inbox.bulk_done", o.changed.len() as u64)),
        Some(Ok(o)) => Some(format!(
            "{} {} {}",
            tn("inbox.bulk_done", o.changed.len() as u64),
            t("inbox.bulk_refused"),
            o.refused
                .iter()
                .map(|n| format!("#{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Some(Err(e)) => Some(e.message()),
        None => None,
    };
    let mut assign_options = vec![(String::new(), t("inbox.unassigned").to_string())];
    assign_options.extend(
        lists
            .agents
            .iter()
            .map(|a| (a.id.to_string(), a.name.clone())),
    );
    let status_options: Vec<(String, String)> = TicketStatus::ALL
        .into_iter()
        .filter(|s| *s != TicketStatus::Postponed)
        .map(|s| (s.slug().to_string(), t(s.label_key()).to_string()))
        .collect();
    let priority_options: Vec<(String, String)> = Priority::ALL
        .into_iter()
        .rev()
        .map(|p| (p.slug().to_string(), t(p.label_key()).to_string()))
        .collect();
    view! {
        <p class="bulk-outcome" role="status">{outcome}</p>
        <Show when=move || selected.with(|s| !s.is_empty())>
            <div class="bulk-bar" role="region" aria-label=t("inbox.bulk")>
                <span class="bulk-count">{move || tn("inbox.selected", selected.with(|s| s.len() as u64))}</span>
                <BulkSelect id="bulk-assign" label=t("inbox.bulk_assign") options=assign_options.clone() on_pick=Callback::new(move |v: String| send("assignee", v))/>
                <BulkSelect id="bulk-status" label=t("inbox.bulk_status") options=status_options.clone() on_pick=Callback::new(move |v: String| send("status", v))/>
                <BulkSelect id="bulk-priority" label=t("inbox.bulk_priority") options=priority_options.clone() on_pick=Callback::new(move |v: String| send("priority", v))/>
                <span class="bulk-tag">
                    <label for="bulk-tag" class="visually-hidden">{t("inbox.bulk_tag")}</label>
                    <input id="bulk-tag" type="text" node_ref=tag placeholder=t("inbox.bulk_tag") maxlength="40"/>
                    <button type="button" class="secondary" on:click=move |_| {
                        if let Some(input) = tag.get() {
                            let v = input.value();
                            if !v.trim().is_empty() {
                                send("add_tags", v);
                                input.set_value("");
                            }
                        }
                    }>{t("inbox.bulk_add_tag")}</button>
                </span>
                <span class="bulk-tag">
                    <label for="bulk-merge" class="visually-hidden">{t("ticket.merge_into")}</label>
                    <input id="bulk-merge" type="text" inputmode="numeric" node_ref=merge placeholder=t("ticket.merge_into")/>
                    <button type="button" class="secondary" on:click=move |_| {
                        if let Some(input) = merge.get() {
                            let v = input.value();
                            if !v.trim().is_empty() {
                                send("merge_into", v);
                                input.set_value("");
                            }
                        }
                    }>{t("ticket.merge")}</button>
                </span>
                <button type="button" class="secondary" on:click=move |_| send("spam", "1".into())>
                    {t("inbox.bulk_spam")}
                </button>
                <button type="button" class="link" on:click=move |_| selected.set(Vec::new())>
                    {t("inbox.bulk_clear")}
                </button>
            </div>
        </Show>
    }
}

/// Saves the current filter as a view (shared with the team when an administrator
/// asks), or deletes the view the list is showing.
#[component]
fn SaveViewControl(
    filter: Memo<InboxFilter>,
    current: Option<SavedView>,
    views: Option<Views>,
    me: Option<Me>,
) -> impl IntoView {
    let save = ServerAction::<SaveView>::new();
    let delete = ServerAction::<DeleteView>::new();
    let Some(views) = views else {
        return ().into_any();
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            views.changed();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            views.changed();
        }
    });
    let error = move || match save
        .value()
        .get()
        .map(|r| r.map(|_| ()))
        .or(delete.value().get())
    {
        Some(Err(e)) => Some(e.explain()),
        _ => None,
    };
    view! {
        <div class="view-actions">
            {match current {
                Some(v) => {
                    let id = v.id;
                    view! {
                        <button type="button" class="link" on:click=move |_| { delete.dispatch(DeleteView { id }); }>
                            {t("inbox.delete_view")}
                        </button>
                    }
                    .into_any()
                }
                None => view! {
                    <details class="save-view">
                        <summary>{t("inbox.save_view")}</summary>
                        <ActionForm action=save>
                            <input type="hidden" name="id" value="0"/>
                            <input type="hidden" name="query" prop:value=move || filter.with(|f| f.to_query(0))/>
                            <label for="view-name">{t("inbox.view_name")}</label>
                            <input id="view-name" name="name" type="text" required=true maxlength="60"/>
                            <Suspense>
                                {move || Suspend::new(async move {
                                    let admin = match me {
                                        Some(Me(me)) => me.await.ok().flatten().is_some_and(|a| a.role == model::Role::Admin),
                                        None => false,
                                    };
                                    admin.then(|| view! {
                                        <label class="check">
                                            <input type="checkbox" name="shared" value="1"/>
                                            {t("inbox.share_view")}
                                        </label>
                                    })
                                })}
                            </Suspense>
                            <button type="submit">{t("inbox.save")}</button>
                        </ActionForm>
                    </details>
                }
                .into_any(),
            }}
            <p class="form-error" role="alert">{error}</p>
        </div>
    }
    .into_any()
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
