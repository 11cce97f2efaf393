//! The page for any address that leads nowhere (and any ticket a visitor may not see).

use leptos::prelude::*;

use leptos_meta::Title;

use crate::i18n::t;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::api::ssr::set_status(404);
    view! {
        <Title text=format!("{} · {}", t("notfound.title"), crate::components::brand())/>
        <div class="portal">
            <main id="main" class="portal-main not-found">
                <h1>{t("notfound.title")}</h1>
                <p>{t("notfound.text")}</p>
                <p><a href="/">{t("notfound.home")}</a></p>
            </main>
        </div>
    }
}
