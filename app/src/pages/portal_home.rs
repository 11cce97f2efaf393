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
    // Articles that may answer what the customer writes, found as they type (after a
    // pause); one opened and then no ticket sent counts as a deflection.
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let suggestions = RwSignal::new(Vec::<model::ArticleSummary>::new());
    let opened = RwSignal::new(Vec::<u64>::new());
    // The department the customer writes to: the hours shown are its.
    let department = RwSignal::new(None::<u64>);
    let departments = Resource::new(|| (), |_| crate::api::portal::opening_hours(None));
    #[cfg(feature = "hydrate")]
    {
        let asked = StoredValue::new(0u64);
        Effect::new(move |_| {
            let text = format!("{} {}", subject.get(), body.get());
            let n = asked.get_value() + 1;
            asked.set_value(n);
            set_timeout(
                move || {
                    if asked.get_value() != n {
                        return;
                    }
                    leptos::task::spawn_local(async move {
                        if let Ok(list) = crate::api::kb::help_suggest(text).await {
                            if asked.get_value() == n {
                                suggestions.set(list);
                            }
                        }
                    });
                },
                std::time::Duration::from_millis(350),
            );
        });
        crate::components::on_page_hide(move || {
            let ids = opened.get_untracked();
            let sent = matches!(create.value().get_untracked(), Some(Ok(_)));
            if !ids.is_empty() && !sent {
                let list: Vec<String> = ids.iter().map(u64::to_string).collect();
                crate::components::beacon(
                    "/api/help/deflect",
                    &format!("ids={}", list.join("%2C")),
                );
            }
        });
    }
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
                <OpeningHours department/>
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
                    <div class="with-suggestions">
                    <ActionForm action=create attr:class="card form" attr:novalidate=true
                        on:input=move |ev: leptos::ev::Event| {
                            use leptos::wasm_bindgen::JsCast;
                            let Some(el) = ev.target() else { return };
                            let (name, value) = if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                                (i.name(), i.value())
                            } else if let Some(a) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                                (a.name(), a.value())
                            } else {
                                return;
                            };
                            match name.as_str() {
                                "subject" => subject.set(value),
                                "body" => body.set(value),
                                _ => {}
                            }
                        }
                    >
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
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = departments.await.map(|d| d.0).unwrap_or_default();
                                (!list.is_empty()).then(|| view! {
                                    <div class="field">
                                        <label for="f-department">{t("portal.department")}</label>
                                        <select id="f-department" name="department"
                                            on:change=move |ev| department.set(event_target_value(&ev).parse().ok())>
                                            <option value="">{t("portal.any_department")}</option>
                                            {list.into_iter().map(|d| view! { <option value=d.id>{d.name}</option> }).collect_view()}
                                        </select>
                                    </div>
                                })
                            })}
                        </Suspense>
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
                    <aside class="suggestions" aria-live="polite" aria-label=t("help.suggested")>
                        {move || {
                            let list = suggestions.get();
                            (!list.is_empty()).then(|| view! {
                                <h2>{t("help.suggested")}</h2>
                                <ul>
                                    {list.into_iter().map(|a| {
                                        let id = a.id;
                                        view! {
                                            <li>
                                                <a href=format!("/help/{}", a.slug) target="_blank" rel="noopener"
                                                    on:click=move |_| opened.update(|o| if !o.contains(&id) { o.push(id) })
                                                >{a.title}</a>
                                                <p class="quiet">{a.excerpt}</p>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            })
                        }}
                    </aside>
                    </div>
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

/// Whether the desk (or the department chosen) is open now, and its week, once an
/// admin has set business hours.
#[component]
fn OpeningHours(department: RwSignal<Option<u64>>) -> impl IntoView {
    let hours = Resource::new(move || department.get(), crate::api::portal::opening_hours);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                hours.await.ok().and_then(|h| h.1).map(|h| {
                    let state = if h.open_now {
                        t("portal.open_now").to_string()
                    } else {
                        match &h.opens {
                            Some((day, time)) => t("portal.opens")
                                .replace("{day}", t(crate::components::WEEKDAYS[usize::from(*day) % 7]))
                                .replace("{time}", time),
                            None => t("portal.closed_now").to_string(),
                        }
                    };
                    view! {
                        <details class=if h.open_now { "hours open" } else { "hours closed" }>
                            <summary>{state}</summary>
                            <table class="hours-week">
                                <caption class="visually-hidden">{t("hours.week")}</caption>
                                <tbody>
                                {h.week.iter().enumerate().map(|(i, text)| view! {
                                    <tr>
                                        <th scope="row">{t(crate::components::WEEKDAYS[i % 7])}</th>
                                        <td>{if text.is_empty() { t("hours.closed").to_string() } else { text.clone() }}</td>
                                    </tr>
                                }).collect_view()}
                                </tbody>
                            </table>
                            <p class="hint">{h.time_zone.clone()}</p>
                        </details>
                    }
                })
            })}
        </Transition>
    }
}
