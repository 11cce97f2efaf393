//! First run: the one-time setup link creates the first administrator.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{setup_valid, CompleteSetup};
use crate::api::field_error;
use leptos_meta::Title;
use model::limits;

use crate::components::{Field, LanguageMenu};
use crate::i18n::{t, tn};

#[component]
pub fn Setup() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let valid = Resource::new(token, setup_valid);
    let setup = ServerAction::<CompleteSetup>::new();
    let result = setup.value();
    let err = move |name: &'static str| field_error(result, name);
    Effect::new(move |_| {
        if let Some(Ok(_)) = result.get() {
            let _ = window().location().set_href("/agent");
        }
    });
    view! {
        <Title text=format!("{} · {}", t("setup.title"), crate::components::brand())/>
        <div class="portal">
            <header class="portal-header">
                <span class="brand">{crate::components::brand()}</span>
                <LanguageMenu/>
            </header>
            <main id="main" class="portal-main narrow">
                <h1>{t("setup.title")}</h1>
                <Suspense fallback=|| view! { <div class="skeleton-page" aria-busy="true"></div> }>
                    {move || Suspend::new(async move {
                        if valid.await.unwrap_or(false) {
                            view! {
                                <p class="lead">{tn("setup.lead", limits::SETUP_LINK_MINUTES as u64)}</p>
                                <ActionForm action=setup attr:class="card form" attr:novalidate=true>
                                    <input type="hidden" name="token" value=token()/>
                                    <Field name="name" label=t("setup.name") autocomplete="name" error=err("name")/>
                                    <Field name="email" label=t("setup.email") kind="email" autocomplete="username" error=err("email")/>
                                    <Field
                                        name="password"
                                        label=tn("setup.password", limits::PASSWORD_MIN_CHARS as u64)
                                        kind="password"
                                        autocomplete="new-password"
                                        error=err("password")
                                    />
                                    <button type="submit" class="primary" disabled=move || setup.pending().get()>
                                        {t("setup.submit")}
                                    </button>
                                </ActionForm>
                            }
                            .into_any()
                        } else {
                            #[cfg(feature = "ssr")]
                            crate::api::ssr::set_status(404);
                            view! { <p class="form-error">{t("setup.invalid")}</p> }.into_any()
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}
