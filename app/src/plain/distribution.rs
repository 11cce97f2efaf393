//! The distribution page: how each department hands out its tickets, and each
//! agent's load, capacity and working hours.

use leptos::prelude::*;

use super::{page, Viewer};
use crate::i18n::t;

/// What the distribution page shows: how each department hands out its tickets, and
/// each agent's availability, open tickets, capacity and working hours.
pub struct DistributionView {
    pub departments: Vec<model::Department>,
    pub modes: Vec<(u64, model::Distribution)>,
    pub loads: Vec<model::AgentLoad>,
    pub calendars: Vec<model::Calendar>,
    pub notice: Option<&'static str>,
}

pub fn distribution_page(viewer: &Viewer, v: DistributionView) -> String {
    page(viewer, "distribution.title", move || {
        let DistributionView {
            departments,
            modes,
            loads,
            calendars,
            notice,
        } = v;
        let mode_of = |d: u64| {
            modes
                .iter()
                .find(|(id, _)| *id == d)
                .map(|(_, m)| *m)
                .unwrap_or_default()
        };
        view! {
            <div class="list-head"><h1>{t("distribution.title")}</h1></div>
            <p class="lead">{t("distribution.lead")}</p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            <form method="post" action="/agent/admin/distribution" class="form distribution-form">
                <section class="card" aria-labelledby="dist-departments">
                    <h2 id="dist-departments">{t("distribution.departments")}</h2>
                    {if departments.is_empty() {
                        view! { <p class="empty">{t("distribution.no_departments")}</p> }.into_any()
                    } else {
                        departments.iter().map(|d| {
                            let current = mode_of(d.id);
                            view! {
                                <div class="field">
                                    <label for=format!("mode-{}", d.id)>{d.name.clone()}</label>
                                    <select id=format!("mode-{}", d.id) name=format!("mode{}", d.id)>
                                        {model::Distribution::ALL.into_iter().map(|m| view! {
                                            <option value=m.slug() selected=m == current>{t(m.label_key())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                </section>
                <section class="card" aria-labelledby="dist-agents">
                    <h2 id="dist-agents">{t("distribution.agents")}</h2>
                    <table class="tickets loads">
                        <thead><tr>
                            <th scope="col">{t("distribution.agent")}</th>
                            <th scope="col">{t("availability.label")}</th>
                            <th scope="col" class="num">{t("distribution.open")}</th>
                            <th scope="col">{t("distribution.capacity")}</th>
                            <th scope="col">{t("distribution.hours")}</th>
                        </tr></thead>
                        <tbody>
                            {loads.iter().map(|l| view! {
                                <tr>
                                    <td><label for=format!("cap-{}", l.agent)>{l.name.clone()}</label></td>
                                    <td>{t(l.availability.label_key())}</td>
                                    <td class="num">{l.open}</td>
                                    <td>
                                        <input id=format!("cap-{}", l.agent) name=format!("cap{}", l.agent) type="number" min="0" max="100000"
                                            value=l.capacity.map(|c| c.to_string()).unwrap_or_default() placeholder=t("distribution.no_limit")/>
                                    </td>
                                    <td>
                                        <select name=format!("hours{}", l.agent) aria-label=format!("{} {}", t("distribution.hours"), l.name)>
                                            <option value="">{t("distribution.always")}</option>
                                            {calendars.iter().map(|c| view! {
                                                <option value=c.id selected=l.hours == Some(c.id)>{c.name.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                <div class="form-actions"><button type="submit" class="primary">{t("settings.save")}</button></div>
            </form>
        }
        .into_any()
    })
}
