//! The agent's own settings: the language of the workspace.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{me, SaveLanguage};
use crate::components::AgentFrame;
use crate::i18n::{t, t_dyn};

#[component]
pub fn AgentSettings() -> impl IntoView {
    view! { <AgentFrame><SettingsPane/></AgentFrame> }
}

#[component]
fn SettingsPane() -> impl IntoView {
    let save = ServerAction::<SaveLanguage>::new();
    let agent = Resource::new(|| (), |_| me());
    // The whole workspace speaks the new language after a reload.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            let _ = window().location().reload();
        }
    });
    view! {
        <Title text=format!("{} · {}", t("settings.title"), t("app.name"))/>
        <div class="list-head"><h1>{t("settings.title")}</h1></div>
        <p class="lead">{t("settings.lead")}</p>
        <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let chosen = agent.await.ok().flatten().and_then(|a| a.locale).unwrap_or_default();
                view! {
                    <ActionForm action=save attr:class="card form settings">
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
                        <p class="form-status" role="status">
                            {move || match save.value().get() {
                                Some(Ok(_)) => Some(t("settings.saved")),
                                Some(Err(e)) => Some(e.field("locale").map_or(t(e.key()), |k| t_dyn(&k))),
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
    }
}
