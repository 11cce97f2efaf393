//! The agent's own settings: the language of the workspace.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{
    me, my_availability, time_zones, ChangePassword, SaveLanguage, SaveProfile, SetAvailability,
};
use crate::api::field_error;
use crate::components::{AgentFrame, Field};
use crate::i18n::t;

#[component]
pub fn AgentSettings() -> impl IntoView {
    view! { <AgentFrame><SettingsPane/></AgentFrame> }
}

#[component]
fn SettingsPane() -> impl IntoView {
    let save = ServerAction::<SaveLanguage>::new();
    let profile = ServerAction::<SaveProfile>::new();
    let change = ServerAction::<ChangePassword>::new();
    let password_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            if let Some(f) = password_form.get() {
                f.reset();
            }
        }
    });
    let err = move |name: &'static str| field_error(change.value(), name);
    let agent = Resource::new(|| (), |_| me());
    let zones = Resource::new(|| (), |_| time_zones());
    // The whole workspace speaks the new language after a reload.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            let _ = window().location().reload();
        }
    });
    view! {
        <Title text=format!("{} · {}", t("settings.title"), crate::components::brand())/>
        <div class="list-head"><h1>{t("settings.title")}</h1></div>
        <p class="lead">{t("settings.lead")}</p>
        <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let me = agent.await.ok().flatten();
                let chosen = me.as_ref().and_then(|a| a.locale.clone()).unwrap_or_default();
                let zone = me.and_then(|a| a.time_zone).unwrap_or_default();
                let zones = zones.await.unwrap_or_default();
                view! {
                    <ActionForm action=save attr:class="card form settings language-form">
                        <div class="field">
                            <label for="settings-language">{t("settings.language")}</label>
                            <select id="settings-language" name="locale">
                                <option value="" selected=chosen.is_empty()>{t("settings.language_browser")}</option>
                                {model::LANGUAGES
                                    .iter()
                                    .map(|(code, name)| view! {
                                        <option value=*code lang=*code selected=chosen == *code>{*name}</option>
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="settings-zone">{t("settings.time_zone")}</label>
                            <input id="settings-zone" name="time_zone" type="text" list="settings-zones" value=zone
                                autocomplete="off" spellcheck="false" aria-describedby="settings-zone-hint"/>
                            <datalist id="settings-zones">
                                {zones.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                            </datalist>
                            <small id="settings-zone-hint" class="hint">{t("settings.time_zone_hint")}</small>
                        </div>
                        <p class="form-status" role="status">
                            {move || match save.value().get() {
                                Some(Ok(_)) => Some(t("settings.saved").to_string()),
                                Some(Err(e)) => Some(e.explain()),
                                None => None,
                            }}
                        </p>
                        <button type="submit" class="primary" disabled=move || save.pending().get()>
                            {t("settings.save")}
                        </button>
                    </ActionForm>
                }
            })}
        </Suspense>
        <h2>{t("settings.profile_heading")}</h2>
        <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let me = agent.await.ok().flatten();
                let (name, signature) = me.map(|a| (a.name, a.signature)).unwrap_or_default();
                view! {
                    <ActionForm action=profile attr:class="card form settings profile-form" attr:novalidate=true>
                        <div class="field">
                            <label for="settings-name">{t("settings.name")}</label>
                            <input id="settings-name" name="name" type="text" required=true maxlength="80" value=name/>
                        </div>
                        <div class="field">
                            <label for="settings-signature">{t("settings.signature")}</label>
                            <textarea id="settings-signature" name="signature" rows="3" aria-describedby="settings-signature-hint">{signature}</textarea>
                            <small id="settings-signature-hint" class="hint">{t("settings.signature_hint")}</small>
                        </div>
                        <p class="form-status" role="status">
                            {move || match profile.value().get() {
                                Some(Ok(_)) => Some(t("settings.saved").to_string()),
                                Some(Err(e)) => Some(e.explain()),
                                None => None,
                            }}
                        </p>
                        <button type="submit" class="primary" disabled=move || profile.pending().get()>
                            {t("settings.save")}
                        </button>
                    </ActionForm>
                }
            })}
        </Suspense>
        <Availability/>
        <h2>{t("settings.password_heading")}</h2>
        <ActionForm action=change node_ref=password_form attr:class="card form settings password-form" attr:novalidate=true>
            <Field name="current" label=t("settings.current_password") kind="password" autocomplete="current-password" error=err("current")/>
            <Field name="password" label=t("settings.new_password") kind="password" autocomplete="new-password" error=err("password")/>
            <p class="form-status" role="status">
                {move || matches!(change.value().get(), Some(Ok(()))).then(|| t("settings.password_changed"))}
            </p>
            <p class="form-error" role="alert">
                {move || match change.value().get() {
                    Some(Err(e)) if !matches!(e, crate::api::AppError::Invalid(_)) => Some(e.message()),
                    _ => None,
                }}
            </p>
            <button type="submit" class="primary" disabled=move || change.pending().get()>
                {t("settings.change_password")}
            </button>
        </ActionForm>
    }
}

/// Whether the agent takes new tickets from the distribution.
#[component]
fn Availability() -> impl IntoView {
    let set = ServerAction::<SetAvailability>::new();
    let now = Resource::new(move || set.version().get(), |_| my_availability());
    view! {
        <h2>{t("availability.heading")}</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let current = now.await.unwrap_or_default();
                view! {
                    <ActionForm action=set attr:class="card form settings availability-form">
                        <div class="field">
                            <label for="settings-availability">{t("availability.label")}</label>
                            <select id="settings-availability" name="availability">
                                {model::Availability::ALL.into_iter().map(|a| view! {
                                    <option value=a.slug() selected=a == current>{t(a.label_key())}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <label class="check"><input type="checkbox" name="hand_back" value="1"/> " " {t("availability.hand_back")}</label>
                        <p class="form-status" role="status">
                            {move || match set.value().get() {
                                Some(Ok(n)) => Some(t("availability.saved").replace("{n}", &n.to_string())),
                                Some(Err(e)) => Some(e.explain()),
                                None => None,
                            }}
                        </p>
                        <button type="submit" class="primary" disabled=move || set.pending().get()>{t("settings.save")}</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}
