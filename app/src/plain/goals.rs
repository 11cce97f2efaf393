//! Goals: the admin's page that sets them, and the dashboard whose tiles measure the
//! chosen period against them.

use leptos::prelude::*;
use model::{FieldError, Goal, GoalFigure, GoalMetric};

use super::{minutes_text, page, Viewer};
use crate::i18n::{t, t_dyn, tn};

/// Periods the dashboard offers, in days.
pub const PERIODS: [u32; 4] = [7, 30, 90, 365];

/// A goal in words: "95 % of tickets resolved within 1d".
fn goal_words(g: &Goal) -> String {
    let sentence = match g.metric {
        GoalMetric::FirstResponse => t("goals.sentence_first_response"),
        GoalMetric::Resolution => t("goals.sentence_resolution"),
    };
    sentence
        .replace("{percent}", &g.percent.to_string())
        .replace("{time}", &minutes_text(Some(g.minutes)))
}

/// The dashboard: a tile per goal for the last `days` days.
pub fn dashboard_page(viewer: &Viewer, figures: Vec<GoalFigure>, days: u32) -> String {
    let admin = viewer.agent.role == model::Role::Admin;
    page(viewer, "dashboard.title", move || {
        view! {
            <div class="list-head"><h1>{t("dashboard.title")}</h1></div>
            <form method="get" action="/agent/dashboard" class="form label-row period-form">
                <label for="period">{t("dashboard.period")}</label>
                <select id="period" name="days">
                    {PERIODS.into_iter().map(|d| view! {
                        <option value=d selected=d == days>{t("dashboard.last_days").replace("{days}", &d.to_string())}</option>
                    }).collect_view()}
                </select>
                <button type="submit">{t("dashboard.show")}</button>
            </form>
            {if figures.is_empty() {
                view! {
                    <p class="empty">
                        {t("goals.none")} " "
                        {admin.then(|| view! { <a href="/agent/admin/goals">{t("goals.set")}</a> })}
                    </p>
                }.into_any()
            } else {
                view! {
                    <ul class="tiles">
                        {figures.into_iter().map(|f| {
                            let on_track = f.on_track();
                            let figure = f.percent().map_or_else(|| "—".to_string(), |p| format!("{p:.0} %"));
                            let state = if f.counted == 0 {
                                t("goals.nothing_yet")
                            } else if on_track {
                                t("goals.on_track")
                            } else {
                                t("goals.below")
                            };
                            view! {
                                <li class="tile" class:below=!on_track class:unknown=f.counted == 0>
                                    <h2>{f.goal.name.clone()}</h2>
                                    <p class="goal">{goal_words(&f.goal)}</p>
                                    <p class="figure">{figure}</p>
                                    <p class="counts">
                                        {tn("goals.counts", f.counted).replace("{made}", &f.made.to_string())}
                                    </p>
                                    <p class="state">{state}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
        .into_any()
    })
}

/// The goals page: each goal in a form of its own, then a new one. `draft` is a form
/// that came back: the goal, its time as typed, and what was wrong.
pub fn goals_page(
    viewer: &Viewer,
    goals: Vec<Goal>,
    draft: Option<(Goal, String, Vec<FieldError>)>,
    notice: Option<&'static str>,
) -> String {
    page(viewer, "goals.title", move || {
        let form = |g: Goal, time: String, errors: Vec<FieldError>| {
            let id = g.id;
            let error = |field: &str| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
            };
            view! {
                <form method="post" action="/agent/admin/goals" class="form goal-form" novalidate>
                    <input type="hidden" name="id" value=id/>
                    <div class="field">
                        <label for=format!("g{id}-name")>{t("goals.name")}</label>
                        <input id=format!("g{id}-name") name="name" type="text" value=g.name.clone() maxlength="80"/>
                        {error("name")}
                    </div>
                    <div class="field">
                        <label for=format!("g{id}-metric")>{t("goals.metric")}</label>
                        <select id=format!("g{id}-metric") name="metric">
                            {GoalMetric::ALL.into_iter().map(|m| view! {
                                <option value=m.slug() selected=m == g.metric>{t(m.label_key())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=format!("g{id}-within")>{t("goals.within")}</label>
                        <input id=format!("g{id}-within") name="within" type="text" value=time spellcheck="false"/>
                        <p class="hint">{t("goals.within_hint")}</p>
                        {error("minutes")}
                    </div>
                    <div class="field">
                        <label for=format!("g{id}-percent")>{t("goals.percent")}</label>
                        <input id=format!("g{id}-percent") name="percent" type="number" min="1" max="100" value=g.percent/>
                        {error("percent")}
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="primary" name="do" value="save">{t("goals.save")}</button>
                        {(id != 0).then(|| view! {
                            <button type="submit" class="link danger" name="do" value="remove">{t("goals.remove")}</button>
                        })}
                    </div>
                </form>
            }
        };
        let draft_for = |id: u64| draft.as_ref().filter(|d| d.0.id == id).cloned();
        let cards = goals
            .iter()
            .map(|g| {
                let (goal, time, errors) = draft_for(g.id)
                    .unwrap_or_else(|| (g.clone(), minutes_text(Some(g.minutes)), Vec::new()));
                view! {
                    <section class="card" id=format!("goal-{}", g.id)>
                        <h2>{g.name.clone()}</h2>
                        <p class="hint">{goal_words(g)}</p>
                        {form(goal, time, errors)}
                    </section>
                }
            })
            .collect_view();
        let (new_goal, new_time, new_errors) = draft_for(0).unwrap_or_else(|| {
            (
                Goal {
                    percent: 90,
                    minutes: 1440,
                    ..Goal::default()
                },
                "1d".to_string(),
                Vec::new(),
            )
        });
        view! {
            <div class="list-head"><h1>{t("goals.title")}</h1></div>
            <p class="lead">{t("goals.lead")} " " <a href="/agent/dashboard">{t("dashboard.title")}</a></p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            {goals.is_empty().then(|| view! { <p class="empty">{t("goals.none")}</p> })}
            {cards}
            <section class="card" id="goal-new">
                <h2>{t("goals.add")}</h2>
                {form(new_goal, new_time, new_errors)}
            </section>
        }
        .into_any()
    })
}
