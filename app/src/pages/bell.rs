//! The bell at the top of the workspace's sidebar: the agent's notifications, and the
//! browser notifications that show new ones.

use leptos::prelude::*;

use crate::api;
use crate::components::{Ago, Bell, Live};
use crate::i18n::t;

/// The bell: unread notifications counted, the newest listed, each a link to its
/// ticket. New ones also show as browser notifications when the agent allowed them.
#[component]
pub fn BellMenu() -> impl IntoView {
    let Some(Bell(list)) = use_context::<Bell>() else {
        return ().into_any();
    };
    let read_all = ServerAction::<api::agent::ReadNotifications>::new();
    Effect::new(move |_| {
        if read_all.version().get() > 0 {
            if let Some(live) = use_context::<Live>() {
                live.notified.update(|n| *n += 1);
            }
        }
    });
    #[cfg(feature = "hydrate")]
    {
        // The newest notification already known: only later ones pop up.
        let known = StoredValue::new(None::<u64>);
        Effect::new(move |_| {
            let Some(Ok(n)) = list.get() else { return };
            let newest = n.items.iter().map(|i| i.id).max();
            if let Some(before) = known.get_value() {
                for item in n.items.iter().filter(|i| !i.read && i.id > before) {
                    browser_notification(item);
                }
            }
            known.set_value(newest.or(known.get_value()).or(Some(0)));
        });
    }
    let permission = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        permission
            .set(web_sys::Notification::permission() == web_sys::NotificationPermission::Default);
    });
    view! {
        <Transition fallback=|| view! { <span class="bell"></span> }>
            {move || Suspend::new(async move {
                let n = list.await.unwrap_or_default();
                let label = if n.unread > 0 {
                    format!("{} ({})", t("bell.label"), n.unread)
                } else {
                    t("bell.label").to_string()
                };
                view! {
                    <details class="bell">
                        <summary aria-label=label.clone() title=label>
                            <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
                                <path d="M8 1.5a4.5 4.5 0 0 0-4.5 4.5v3L2 11.5h12L12.5 9V6A4.5 4.5 0 0 0 8 1.5zM6.5 13a1.5 1.5 0 0 0 3 0" fill="none" stroke="currentColor"/>
                            </svg>
                            {(n.unread > 0).then(|| view! { <span class="count unread">{n.unread}</span> })}
                        </summary>
                        <div class="bell-menu">
                            {if n.items.is_empty() {
                                view! { <p class="quiet">{t("bell.empty")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul>
                                        {n.items.into_iter().map(|i| {
                                            let what = match i.kind {
                                                model::NotificationKind::Assigned => t("bell.assigned"),
                                                model::NotificationKind::SlaWarning => t("bell.sla_warning"),
                                                model::NotificationKind::SlaBreached => t("bell.sla_breached"),
                                                model::NotificationKind::CustomerReplied => t("bell.replied"),
                                                model::NotificationKind::Rule => t("bell.rule"),
                                            };
                                            view! {
                                                <li class:unread=!i.read>
                                                    <a href=format!("/agent/tickets/{}", i.ticket)>
                                                        <strong>{i.by}</strong> " " {what} " "
                                                        <span class="ticket-number">{format!("#{}", i.ticket)}</span> " " {i.subject}
                                                    </a>
                                                    " " <Ago at=i.at/>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <div class="bell-actions">
                                {(n.unread > 0).then(|| view! {
                                    <ActionForm action=read_all>
                                        <button type="submit" class="link">{t("bell.read_all")}</button>
                                    </ActionForm>
                                })}
                                <button type="button" class="link" hidden=move || !permission.get()
                                    on:click=move |_| {
                                        #[cfg(feature = "hydrate")]
                                        {
                                            let _ = web_sys::Notification::request_permission();
                                        }
                                        permission.set(false);
                                    }
                                >{t("bell.enable")}</button>
                            </div>
                        </div>
                    </details>
                }
            })}
        </Transition>
    }
    .into_any()
}

/// Shows one notification in the system's notification area.
#[cfg(feature = "hydrate")]
fn browser_notification(item: &model::Notification) {
    if web_sys::Notification::permission() != web_sys::NotificationPermission::Granted {
        return;
    }
    let what = match item.kind {
        model::NotificationKind::Assigned => t("bell.assigned"),
        model::NotificationKind::CustomerReplied => t("bell.replied"),
        model::NotificationKind::SlaWarning => t("bell.sla_warning"),
        model::NotificationKind::SlaBreached => t("bell.sla_breached"),
        model::NotificationKind::Rule => t("bell.rule"),
    };
    let options = web_sys::NotificationOptions::new();
    options.set_body(&format!("#{} {}", item.ticket, item.subject));
    options.set_tag(&format!("tessera-{}", item.id));
    if let Ok(n) = web_sys::Notification::new_with_options(&format!("{} {what}", item.by), &options)
    {
        let href = format!("/agent/tickets/{}", item.ticket);
        let on_click = leptos::wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let _ = window().focus();
            let _ = window().location().set_href(&href);
        });
        use leptos::wasm_bindgen::JsCast;
        n.set_onclick(Some(on_click.as_ref().unchecked_ref()));
        on_click.forget();
    }
}
