//! The desk's settings, for administrators: after how many days resolved tickets
//! close, the ticket types (add, rename) and the tags (rename, merge one into another).

use leptos::prelude::*;
use leptos_meta::Title;
use model::Label;

use crate::api::agent::{desk_setup, ChangeDesk};
use crate::components::AgentFrame;
use crate::i18n::t;

#[component]
pub fn DeskAdmin() -> impl IntoView {
    view! { <AgentFrame><DeskPane/></AgentFrame> }
}

#[component]
fn DeskPane() -> impl IntoView {
    let change = ServerAction::<ChangeDesk>::new();
    let setup = Resource::new(move || change.version().get(), |_| desk_setup());
    view! {
        <Title text=format!("{} · {}", t("desk.title"), t("app.name"))/>
        <div class="list-head"><h1>{t("desk.title")}</h1></div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(s) => view! {
                        <div class="desk-setup">
                            <section class="card form" aria-labelledby="desk-auto-close">
                                <h2 id="desk-auto-close">{t("desk.auto_close")}</h2>
                                <LabelRow what="auto_close" id=0 value=s.auto_close_days.to_string()
                                    label=t("desk.auto_close_days") button=t("admin.save") change=change kind="number"/>
                            </section>
                            <section class="card form" aria-labelledby="desk-types">
                                <h2 id="desk-types">{t("desk.types")}</h2>
                                {s.ticket_types.into_iter().map(|l| view! {
                                    <LabelRow what="type" id=l.id value=l.name.clone() label=l.name button=t("desk.rename") change=change/>
                                }).collect_view()}
                                <LabelRow what="type" id=0 value=String::new() label=t("desk.new_type") button=t("desk.add") change=change/>
                            </section>
                            <section class="card form" aria-labelledby="desk-tags">
                                <h2 id="desk-tags">{t("desk.tags")}</h2>
                                {s.tags.is_empty().then(|| view! { <p class="hint">{t("desk.no_tags")}</p> })}
                                {s.tags.iter().cloned().map(|l| view! {
                                    <TagRow tag=l all=s.tags.clone() change=change/>
                                }).collect_view()}
                            </section>
                        </div>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <p class="form-error" role="alert">
            {move || match change.value().get() {
                Some(Err(e)) => Some(e.explain()),
                _ => None,
            }}
        </p>
        <p class="form-status" role="status">
            {move || matches!(change.value().get(), Some(Ok(()))).then(|| t("ticket.saved"))}
        </p>
    }
}

/// A labelled input and its button, sending one change.
#[component]
fn LabelRow(
    what: &'static str,
    id: u64,
    value: String,
    #[prop(into)] label: String,
    button: &'static str,
    change: ServerAction<ChangeDesk>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let field = format!("desk-{what}-{id}");
    view! {
        <form class="label-row" on:submit=move |ev| {
            ev.prevent_default();
            if let Some(i) = input.get() {
                change.dispatch(ChangeDesk { what: what.to_string(), id, value: i.value() });
                if id == 0 && what == "type" {
                    i.set_value("");
                }
            }
        }>
            <label for=field.clone()>{label}</label>
            <input id=field type=kind value=value node_ref=input required=true/>
            <button type="submit">{button}</button>
        </form>
    }
    .into_any()
}

/// A tag: rename it, or merge it into another.
#[component]
fn TagRow(tag: Label, all: Vec<Label>, change: ServerAction<ChangeDesk>) -> impl IntoView {
    let id = tag.id;
    let into = NodeRef::<leptos::html::Select>::new();
    let field = format!("desk-merge-{id}");
    view! {
        <div class="tag-row">
            <LabelRow what="tag" id=id value=tag.name.clone() label=tag.name.clone() button=t("desk.rename") change=change/>
            <div class="label-row">
                <label for=field.clone()>{format!("{} — {}", tag.name, t("desk.merge_tag"))}</label>
                <select id=field node_ref=into>
                    {all.into_iter().filter(|l| l.id != id).map(|l| view! {
                        <option value=l.id.to_string()>{l.name}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="secondary" on:click=move |_| {
                    if let Some(s) = into.get() {
                        change.dispatch(ChangeDesk { what: "merge_tag".into(), id, value: s.value() });
                    }
                }>{t("desk.merge")}</button>
            </div>
        </div>
    }
    .into_any()
}
