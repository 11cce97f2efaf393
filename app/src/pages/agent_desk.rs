//! The desk's settings, for administrators: after how many days resolved tickets
//! close, the ticket types (add, rename) and the tags (rename, merge one into another).

use leptos::prelude::*;
use leptos_meta::Title;
use model::Label;

use crate::api::agent::{desk_setup, ChangeDesk, SaveDeskProfile};
use crate::api::auth::time_zones;
use crate::components::AgentFrame;
use crate::i18n::t;

#[component]
pub fn DeskAdmin() -> impl IntoView {
    view! { <AgentFrame><DeskPane/></AgentFrame> }
}

#[component]
fn DeskPane() -> impl IntoView {
    let change = ServerAction::<ChangeDesk>::new();
    let save_profile = ServerAction::<SaveDeskProfile>::new();
    let setup = Resource::new(
        move || (change.version().get(), save_profile.version().get()),
        |_| desk_setup(),
    );
    let zones = Resource::new(|| (), |_| time_zones());
    view! {
        <Title text=format!("{} · {}", t("desk.title"), crate::components::brand())/>
        <div class="list-head"><h1>{t("desk.title")}</h1></div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let zone_list = zones.await.unwrap_or_default();
                match setup.await {
                    Ok(s) => view! {
                        <div class="desk-setup">
                            <section class="card" aria-labelledby="desk-profile">
                                <h2 id="desk-profile">{t("desk.profile")}</h2>
                                <ActionForm action=save_profile attr:class="form" attr:novalidate=true>
                                    <div class="field">
                                        <label for="desk-name">{t("desk.name")}</label>
                                        <input id="desk-name" name="name" type="text" maxlength="80" value=s.profile.name.clone()
                                            placeholder=t("app.name")/>
                                    </div>
                                    <div class="field">
                                        <label for="desk-zone">{t("desk.time_zone")}</label>
                                        <input id="desk-zone" name="time_zone" type="text" list="desk-zones" required=true
                                            autocomplete="off" spellcheck="false" value=s.profile.time_zone.clone()/>
                                        <datalist id="desk-zones">
                                            {zone_list.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                                        </datalist>
                                    </div>
                                    <div class="field">
                                        <label for="desk-address">{t("desk.address")}</label>
                                        <input id="desk-address" name="address" type="url" value=s.profile.address.clone()
                                            placeholder="https://help.example.com" spellcheck="false"/>
                                    </div>
                                    <div class="field">
                                        <label for="desk-language">{t("desk.language")}</label>
                                        <select id="desk-language" name="language">
                                            {model::LANGUAGES.iter().map(|(code, name)| view! {
                                                <option value=*code lang=*code selected=s.profile.language == *code>{*name}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <p class="form-status" role="status">
                                        {move || match save_profile.value().get() {
                                            Some(Ok(_)) => Some(t("settings.saved").to_string()),
                                            Some(Err(e)) => Some(e.explain()),
                                            None => None,
                                        }}
                                    </p>
                                    <button type="submit" class="primary" disabled=move || save_profile.pending().get()>
                                        {t("settings.save")}
                                    </button>
                                </ActionForm>
                            </section>
                            <section class="card form" aria-labelledby="desk-auto-close">
                                <h2 id="desk-auto-close">{t("desk.auto_close")}</h2>
                                <LabelRow what="auto_close" id=0 value=s.auto_close_days.to_string()
                                    label=t("desk.auto_close_days") button=t("admin.save") change=change kind="number"/>
                            </section>
                            <section class="card form" aria-labelledby="desk-files">
                                <h2 id="desk-files">{t("files.label")}</h2>
                                <LabelRow what="attachment_max" id=0 value=s.attachment_max_mib.to_string()
                                    label=t("desk.attachment_max") button=t("admin.save") change=change kind="number"/>
                                <p class="hint">{t("desk.attachment_max_hint")}</p>
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
