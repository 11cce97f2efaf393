//! Agents sign in with email and password.

use leptos::prelude::*;

use crate::api::auth::SignIn;
use leptos_meta::Title;

use crate::components::LanguageMenu;
use crate::i18n::t;

#[component]
pub fn Login() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = sign_in.value().get() {
            let _ = window().location().set_href("/agent");
        }
    });
    view! {
        <Title text=format!("{} · {}", t("login.title"), crate::components::brand())/>
        <div class="portal">
            <header class="portal-header">
                <a class="brand" href="/">{crate::components::brand()}</a>
                <LanguageMenu/>
            </header>
            <main id="main" class="portal-main narrow">
                <h1>{t("login.title")}</h1>
                <ActionForm action=sign_in attr:class="card form">
                    <div class="field">
                        <label for="login-email">{t("login.email")}</label>
                        <input id="login-email" name="email" type="email" autocomplete="username" required=true autofocus=true/>
                    </div>
                    <div class="field">
                        <label for="login-password">{t("login.password")}</label>
                        <input id="login-password" name="password" type="password" autocomplete="current-password" required=true/>
                    </div>
                    <p class="form-error" role="alert">
                        {move || match sign_in.value().get() {
                            Some(Err(e)) => Some(e.message()),
                            _ => None,
                        }}
                    </p>
                    <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { t("login.signing_in") } else { t("login.submit") }}
                    </button>
                </ActionForm>
            </main>
        </div>
    }
}
