//! The portal's front page: "How can we help?" and the contact form.

use leptos::prelude::*;
use model::limits;

use crate::api::{field_error, portal::CreateTicket};
use crate::components::{Field, LanguageMenu};
use crate::i18n::t;
use leptos_meta::Title;

#[component]
pub fn PortalHome() -> impl IntoView {
    let create = ServerAction::<CreateTicket>::new();
    let result = create.value();
    let err = move |name: &'static str| field_error(result, name);
    let created = move || match result.get() {
        Some(Ok(c)) => Some(c),
        _ => None,
    };
    view! {
        <Title text=format!("{} · {}", t("portal.title"), crate::components::brand())/>
        <div class="portal">
            <header class="portal-header">
                <a class="brand" href="/">{crate::components::brand()}</a>
                <nav class="portal-links">
                    <LanguageMenu/>
                    <a class="quiet" href="/help">{t("help.title")}</a>
                    <a class="quiet" href="/portal">{t("portal.my_requests")}</a>
                    <a class="quiet" href="/agent">{t("portal.agent_link")}</a>
                </nav>
            </header>
            <main id="main" class="portal-main">
                <Show
                    when=move || created().is_none()
                    fallback=move || {
                        let c = created().expect("shown only when created");
                        let href = c.link.clone();
                        let full = format!("{}{}", origin(), c.link);
                        view! {
                            <section class="card created" aria-live="polite">
                                <h1>{t("portal.created_title")}</h1>
                                <p>
                                    {t("portal.created_number")} " "
                                    <strong class="ticket-number">{format!("#{}", c.number)}</strong>
                                </p>
                                <p>{t("portal.created_next")}</p>
                                <p>
                                    <a class="private-link" href=href.clone()>{full}</a>
                                </p>
                                <button type="button" class="secondary" on:click=move |_| create.value().set(None)>
                                    {t("portal.another")}
                                </button>
                            </section>
                        }
                    }
                >
                    <h1>{t("portal.title")}</h1>
                    <p class="lead">{t("portal.lead")}</p>
                    <ActionForm action=create attr:class="card form" attr:novalidate=true>
                        <Field name="name" label=t("portal.name") autocomplete="name" error=err("name")/>
                        <Field
                            name="email"
                            label=t("portal.email")
                            kind="email"
                            autocomplete="email"
                            error=err("email")
                        />
                        <Field
                            name="subject"
                            label=t("portal.subject")
                            maxlength=limits::SUBJECT_MAX_CHARS
                            error=err("subject")
                        />
                        <Field name="body" label=t("portal.message") multiline=true error=err("body")/>
                        <p class="form-error" role="alert">
                            {move || match result.get() {
                                Some(Err(e)) if !matches!(e, crate::api::AppError::Invalid(_)) => Some(e.message()),
                                _ => None,
                            }}
                        </p>
                        <button type="submit" class="primary" disabled=move || create.pending().get()>
                            {move || if create.pending().get() { t("portal.sending") } else { t("portal.send") }}
                        </button>
                    </ActionForm>
                </Show>
            </main>
        </div>
    }
}

/// The desk's address as the browser sees it, so the private link can be copied whole.
fn origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
