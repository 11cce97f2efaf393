//! The customer's account in the portal: sign in with a one-time link sent by mail (or
//! a password they chose), then see every request with its status; or, without signing in, have a request's
//! link mailed to its requester by number and address.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::field_error;
use crate::api::portal::{
    has_password, my_tickets, CustomerSignOut, PasswordSignIn, RequestSignIn, RequestStatus,
    SetPassword, SignInWithLink,
};
use crate::components::{brand, Ago, Field, LanguageMenu, StatusBadge};
use crate::i18n::t;

/// The portal's header, on every customer page.
#[component]
pub fn PortalHeader() -> impl IntoView {
    view! {
        <header class="portal-header">
            <a class="brand" href="/">{brand()}</a>
            <nav class="portal-links">
                <LanguageMenu/>
                <a class="quiet" href="/help">{t("help.title")}</a>
                <a class="quiet" href="/portal">{t("portal.my_requests")}</a>
            </nav>
        </header>
    }
}

#[component]
pub fn PortalAccount() -> impl IntoView {
    let sign_out = ServerAction::<CustomerSignOut>::new();
    let mine = Resource::new(move || sign_out.version().get(), |_| my_tickets());
    view! {
        <Title text=format!("{} · {}", t("portal.my_requests"), brand())/>
        <div class="portal">
            <PortalHeader/>
            <main id="main" class="portal-main">
                <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                    {move || Suspend::new(async move {
                        match mine.await {
                            Ok(Some(list)) => view! {
                                <h1>{t("portal.my_requests")}</h1>
                                {if list.is_empty() {
                                    view! { <p class="empty">{t("portal.no_requests")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="my-requests">
                                            {list.into_iter().map(|tk| view! {
                                                <li class="card">
                                                    <a href=format!("/portal/tickets/{}", tk.number)>
                                                        <span class="ticket-number">{format!("#{}", tk.number)}</span> " " {tk.subject}
                                                    </a>
                                                    <span class="meta"><StatusBadge status=tk.status/> " · " <Ago at=tk.updated_at/></span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <p class="actions">
                                    <a class="button primary" href="/">{t("portal.new_request")}</a>
                                </p>
                                <PasswordCard/>
                                <ActionForm action=sign_out>
                                    <button type="submit" class="link">{t("nav.sign_out")}</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! { <SignInForms/> }.into_any(),
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}

/// A signed-in customer's optional password: set, change or remove it.
#[component]
fn PasswordCard() -> impl IntoView {
    let save = ServerAction::<SetPassword>::new();
    let has = Resource::new(move || save.version().get(), |_| has_password());
    let error = field_error(save.value(), "password");
    let current_error = field_error(save.value(), "current");
    view! {
        <details class="card password-card" open=move || save.value().get().is_some()>
            <summary><h2>{t("portal.password_heading")}</h2></summary>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let set = matches!(has.await, Ok(Some(true)));
                    view! {
                        <p class="hint">{if set { t("portal.password_set_lead") } else { t("portal.password_lead") }}</p>
                        <ActionForm action=save attr:class="form" attr:novalidate=true>
                            {set.then(|| view! {
                                <Field name="current" id="portal-current-password" label=t("portal.current_password") kind="password" autocomplete="current-password" error=current_error/>
                            })}
                            <Field name="password" id="portal-new-password" label=t("portal.new_password") kind="password" autocomplete="new-password" error=error/>
                            <button type="submit" class="primary" disabled=move || save.pending().get()>{t("portal.save_password")}</button>
                            {set.then(|| view! {
                                <button type="submit" name="remove" value="1" class="link">{t("portal.remove_password")}</button>
                            })}
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p class="form-status" role="status">
                {move || match save.value().get() {
                    Some(Ok(true)) => Some(t("portal.password_saved")),
                    Some(Ok(false)) => Some(t("portal.password_removed")),
                    _ => None,
                }}
            </p>
        </details>
    }
}

/// Signing in by link or password, and the status lookup, for a customer not signed in.
#[component]
fn SignInForms() -> impl IntoView {
    let link = ServerAction::<RequestSignIn>::new();
    let status = ServerAction::<RequestStatus>::new();
    let password = ServerAction::<PasswordSignIn>::new();
    let password_email = field_error(password.value(), "email");
    let password_error = field_error(password.value(), "password");
    Effect::new(move |_| {
        if let Some(Ok(())) = password.value().get() {
            // Loaded again, the page is the signed-in customer's.
            let _ = window().location().set_href("/portal");
        }
    });
    let link_err = field_error(link.value(), "email");
    let status_number = field_error(status.value(), "number");
    let status_email = field_error(status.value(), "email");
    let other_error = move |v: Option<Result<(), crate::api::AppError>>| match v {
        Some(Err(e)) if !matches!(e, crate::api::AppError::Invalid(_)) => Some(e.message()),
        _ => None,
    };
    view! {
        <h1>{t("portal.my_requests")}</h1>
        <div class="portal-account">
            <ActionForm action=link attr:class="card form" attr:novalidate=true attr:aria-labelledby="sign-in-heading">
                <h2 id="sign-in-heading">{t("portal.sign_in")}</h2>
                <p class="hint">{t("portal.sign_in_lead")}</p>
                <Field name="email" label=t("portal.your_email") kind="email" autocomplete="email" error=link_err/>
                <p class="form-status" role="status">
                    {move || matches!(link.value().get(), Some(Ok(()))).then(|| t("portal.link_sent"))}
                    {move || other_error(link.value().get())}
                </p>
                <button type="submit" class="primary" disabled=move || link.pending().get()>{t("portal.send_link")}</button>
            </ActionForm>
            <ActionForm action=password attr:class="card form" attr:novalidate=true attr:aria-labelledby="password-heading">
                <h2 id="password-heading">{t("portal.password_sign_in")}</h2>
                <p class="hint">{t("portal.password_sign_in_lead")}</p>
                <Field name="email" id="password-email" label=t("portal.your_email") kind="email" autocomplete="email" error=password_email/>
                <Field name="password" id="portal-password" label=t("portal.password") kind="password" autocomplete="current-password" error=password_error/>
                <p class="form-error" role="alert">
                    {move || match password.value().get() {
                        Some(Err(e)) if !matches!(e, crate::api::AppError::Invalid(_)) => Some(e.message()),
                        _ => None,
                    }}
                </p>
                <button type="submit" class="primary" disabled=move || password.pending().get()>{t("portal.sign_in")}</button>
            </ActionForm>
            <ActionForm action=status attr:class="card form" attr:novalidate=true attr:aria-labelledby="status-heading">
                <h2 id="status-heading">{t("portal.status_lookup")}</h2>
                <p class="hint">{t("portal.status_lead")}</p>
                <Field name="number" label=t("portal.request_number") autocomplete="off" error=status_number/>
                <Field name="email" id="status-email" label=t("portal.your_email") kind="email" autocomplete="email" error=status_email/>
                <p class="form-status" role="status">
                    {move || matches!(status.value().get(), Some(Ok(()))).then(|| t("portal.status_sent"))}
                    {move || other_error(status.value().get())}
                </p>
                <button type="submit" class="primary" disabled=move || status.pending().get()>{t("portal.send_link")}</button>
            </ActionForm>
        </div>
    }
}

/// Where a sign-in link lands: one button, so a mail scanner that opens links does not
/// use up the customer's link.
#[component]
pub fn PortalSignIn() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let sign_in = ServerAction::<SignInWithLink>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(next)) = sign_in.value().get() {
            let to = match next {
                Some(n) => format!("/portal/tickets/{n}"),
                None => "/portal".to_string(),
            };
            navigate(&to, Default::default());
        }
    });
    view! {
        <Title text=format!("{} · {}", t("portal.sign_in"), brand())/>
        <div class="portal">
            <PortalHeader/>
            <main id="main" class="portal-main">
                <ActionForm action=sign_in attr:class="card form">
                    <h1>{t("portal.sign_in")}</h1>
                    <input type="hidden" name="token" value=token/>
                    <p class="form-error" role="alert">
                        {move || matches!(sign_in.value().get(), Some(Err(_))).then(|| view! {
                            {t("portal.link_used")} " " <a href="/portal">{t("portal.ask_again")}</a>
                        })}
                    </p>
                    <button type="submit" class="primary" disabled=move || sign_in.pending().get()>{t("portal.continue")}</button>
                </ActionForm>
            </main>
        </div>
    }
}
