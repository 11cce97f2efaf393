//! Satisfaction: the page a survey link opens (the answer is recorded as the page
//! loads, a comment may follow), the rating box on a customer's resolved ticket, and the
//! agents' satisfaction page per agent and department over a period.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::{Rating, RatingInfo};

use crate::api::agent::satisfaction;
use crate::api::portal::{rate_link, RateLink, RateTicket};
use crate::components::{brand, AgentFrame};
use crate::i18n::{t, tn};
use crate::pages::portal_account::PortalHeader;

/// `/rate/:token/:choice`, from the survey mail.
#[component]
pub fn RatePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let choice = move || params.read().get("choice").unwrap_or_default();
    let recorded = Resource::new(move || (token(), choice()), |(t, c)| rate_link(t, c, None));
    let comment = ServerAction::<RateLink>::new();
    view! {
        <Title text=format!("{} · {}", t("rating.title"), brand())/>
        <div class="portal">
            <PortalHeader/>
            <main id="main" class="portal-main">
                <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                    {move || Suspend::new(async move {
                        match recorded.await {
                            Ok(r) => view! {
                                <section class="card rating-done">
                                    <h1>{t("rating.thanks")}</h1>
                                    <p>
                                        <span class="ticket-number">{format!("#{}", r.ticket)}</span> " " {r.subject.clone()}
                                        " — " <strong>{t(r.rating.label_key())}</strong>
                                    </p>
                                    <ActionForm action=comment attr:class="form">
                                        <input type="hidden" name="token" value=token()/>
                                        <input type="hidden" name="choice" value=r.rating.slug()/>
                                        <div class="field">
                                            <label for="rating-comment">{t("rating.comment")}</label>
                                            <textarea id="rating-comment" name="comment" rows="4" maxlength="2000">{r.comment.clone()}</textarea>
                                        </div>
                                        <p class="form-status" role="status">
                                            {move || matches!(comment.value().get(), Some(Ok(_))).then(|| t("rating.comment_saved"))}
                                        </p>
                                        <button type="submit" class="primary">{t("rating.send_comment")}</button>
                                    </ActionForm>
                                    <p class="hint">{t("rating.change_hint")}</p>
                                </section>
                            }.into_any(),
                            Err(e) => view! {
                                <section class="card"><h1>{t("rating.title")}</h1><p class="form-error" role="alert">{e.explain()}</p></section>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}

/// On a customer's resolved ticket: "How did we do?" with three buttons and a comment.
#[component]
pub fn RateBox(number: u64, key: String, rating: Option<RatingInfo>) -> impl IntoView {
    let rate = ServerAction::<RateTicket>::new();
    let initial = StoredValue::new(rating);
    let current = move || match rate.value().get() {
        Some(Ok(r)) => Some(r),
        _ => initial.get_value(),
    };
    view! {
        <section class="card rate-box" aria-labelledby="rate-heading">
            <h2 id="rate-heading">{t("rating.question")}</h2>
            {move || current().map(|r| view! {
                <p role="status">{t("rating.yours")} " " <strong>{t(r.rating.label_key())}</strong></p>
            })}
            {move || {
                let open = current().is_none_or(|r| r.changeable);
                open.then(|| {
                    let key = key.clone();
                    view! {
                        <ActionForm action=rate attr:class="form">
                            <input type="hidden" name="number" value=number.to_string()/>
                            <input type="hidden" name="key" value=key/>
                            <div class="field">
                                <label for="rate-comment">{t("rating.comment")}</label>
                                <textarea id="rate-comment" name="comment" rows="2" maxlength="2000"></textarea>
                            </div>
                            <div class="rate-buttons">
                                {Rating::ALL.into_iter().map(|r| view! {
                                    <button type="submit" name="choice" value=r.slug() class=format!("rate-{}", r.slug())>{t(r.label_key())}</button>
                                }).collect_view()}
                            </div>
                        </ActionForm>
                    }
                })
            }}
        </section>
    }
}

/// The agents' satisfaction page.
#[component]
pub fn SatisfactionPage() -> impl IntoView {
    view! { <AgentFrame><SatisfactionPane/></AgentFrame> }
}

#[component]
fn SatisfactionPane() -> impl IntoView {
    let query = use_query_map();
    let from = move || query.read().get("from").unwrap_or_default();
    let to = move || query.read().get("to").unwrap_or_default();
    let data = Resource::new(move || (from(), to()), |(f, t)| satisfaction(f, t));
    let row = |(c, agent): (model::RatingCounts, bool)| {
        let score = c.score().map_or("—".to_string(), |s| format!("{s} %"));
        let name = if c.name.is_empty() {
            "—".to_string()
        } else {
            c.name.clone()
        };
        view! {
            <tr>
                <td>{if agent && c.id != 0 {
                    view! { <a href=format!("/agent/agents/{}", c.id)>{name}</a> }.into_any()
                } else {
                    name.into_any()
                }}</td>
                <td class="num">{c.good}</td>
                <td class="num">{c.okay}</td>
                <td class="num">{c.bad}</td>
                <td class="num">{score}</td>
            </tr>
        }
    };
    let table = move |caption: &'static str, rows: Vec<model::RatingCounts>| {
        view! {
            <table class="tickets satisfaction">
                <caption>{t(caption)}</caption>
                <thead><tr>
                    <th scope="col">{t("admin.name")}</th>
                    <th scope="col">{t("rating.good")}</th>
                    <th scope="col">{t("rating.okay")}</th>
                    <th scope="col">{t("rating.bad")}</th>
                    <th scope="col">{t("rating.score")}</th>
                </tr></thead>
                <tbody>{rows.into_iter().map(|r| row((r, caption == "rating.by_agent"))).collect_view()}</tbody>
            </table>
        }
    };
    view! {
        <Title text=format!("{} · {}", t("rating.page"), brand())/>
        <div class="list-head"><h1>{t("rating.page")}</h1></div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((f, to, s)) => {
                        let all = s.all.clone();
                        let total = all.good + all.okay + all.bad;
                        view! {
                            <form method="get" action="/agent/satisfaction" class="filters">
                                <div class="field"><label for="sat-from">{t("rating.from")}</label><input id="sat-from" type="date" name="from" value=f/></div>
                                <div class="field"><label for="sat-to">{t("rating.to")}</label><input id="sat-to" type="date" name="to" value=to/></div>
                                <button type="submit">{t("rating.show")}</button>
                            </form>
                            <p class="lead" role="status">
                                {tn("rating.count", total)} " · " {t("rating.score")} ": "
                                <strong>{all.score().map_or("—".to_string(), |s| format!("{s} %"))}</strong>
                            </p>
                            {table("rating.by_agent", s.agents.clone())}
                            {table("rating.by_department", s.departments.clone())}
                            {(!s.comments.is_empty()).then(|| view! {
                                <h2>{t("rating.comments")}</h2>
                                <ul class="rating-comments">
                                    {s.comments.into_iter().map(|c| view! {
                                        <li>
                                            <a href=format!("/agent/tickets/{}", c.ticket)>{format!("#{} {}", c.ticket, c.subject)}</a>
                                            " — " <strong>{t(c.rating.label_key())}</strong>
                                            <blockquote>{c.comment}</blockquote>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// An agent's profile: their departments and how customers rated their tickets.
#[component]
pub fn AgentProfilePage() -> impl IntoView {
    view! { <AgentFrame><AgentProfilePane/></AgentFrame> }
}

#[component]
fn AgentProfilePane() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let profile = Resource::new(id, crate::api::agent::agent_profile);
    let summary = |label: &'static str, c: model::RatingCounts| {
        let score = c.score().map_or("—".to_string(), |s| format!("{s} %"));
        view! {
            <div class="stat card">
                <h2>{t(label)}</h2>
                <p><strong>{score}</strong> " " {t("rating.score")}</p>
                <p class="quiet">
                    {t("rating.good")} " " {c.good} " · " {t("rating.okay")} " " {c.okay} " · " {t("rating.bad")} " " {c.bad}
                </p>
            </div>
        }
    };
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let p = profile.await?;
                let role = if p.role == model::Role::Admin { t("admin.role_admin") } else { t("admin.role_agent") };
                Ok::<_, crate::api::AppError>(view! {
                    <Title text=format!("{} · {} · {}", p.name, t("profile.title"), brand())/>
                    <div class="list-head">
                        <h1>{p.name.clone()}</h1>
                        <span class="quiet">{role} {(!p.active).then(|| view! { " · " {t("profile.inactive")} })}</span>
                    </div>
                    <p class="quiet"><a href=format!("mailto:{}", p.email)>{p.email.clone()}</a></p>
                    <p>
                        <strong>{t("profile.departments")}</strong> ": "
                        {if p.departments.is_empty() { t("profile.no_departments").to_string() } else { p.departments.join(", ") }}
                    </p>
                    <div class="stats">
                        {summary("profile.all_time", p.counts.clone())}
                        {summary("profile.last_30_days", p.recent_counts.clone())}
                    </div>
                    <h2>{t("rating.page")}</h2>
                    {if p.ratings.is_empty() {
                        view! { <p class="empty">{t("profile.no_ratings")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rating-comments">
                                {p.ratings.into_iter().map(|r| view! {
                                    <li>
                                        <a href=format!("/agent/tickets/{}", r.ticket)>{format!("#{} {}", r.ticket, r.subject)}</a>
                                        " — " <strong class=format!("rated rate-{}", r.rating.slug())>{t(r.rating.label_key())}</strong>
                                        " " <crate::components::Ago at=r.at/>
                                        {(!r.comment.is_empty()).then(|| view! { <blockquote>{r.comment.clone()}</blockquote> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                })
            })}
        </Transition>
    }
}
