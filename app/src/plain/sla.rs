//! The service-level page: the warning share and the policies in order.

use leptos::prelude::*;
use model::FieldError;

use super::{page, Viewer};
use crate::i18n::{t, t_dyn};

/// The service-level page: the warning share, each policy in order (the first that
/// matches a ticket applies) in a form of its own, then a new one.
pub struct SlaView {
    pub policies: Vec<model::SlaPolicy>,
    pub warn: u8,
    pub lists: model::DeskLists,
    pub calendars: Vec<model::Calendar>,
    /// A form that came back: the policy as typed, its targets as typed, and what was
    /// wrong.
    pub draft: Option<(model::SlaPolicy, [String; 3], Vec<FieldError>)>,
    pub notice: Option<&'static str>,
    /// While the open tickets' due times are worked out again: (done, of).
    pub progress: Option<(usize, usize)>,
}

/// Minutes as typed: `1d 4h 30m`, `90m`, `2h`, or a number of minutes.
pub fn minutes_text(m: Option<u32>) -> String {
    let Some(m) = m else { return String::new() };
    let (d, h, mi) = (m / 1440, m % 1440 / 60, m % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if mi > 0 || parts.is_empty() {
        parts.push(format!("{mi}m"));
    }
    parts.join(" ")
}

/// Minutes from what was typed (`Some(None)` for empty); `None` when unreadable.
pub fn parse_minutes(text: &str) -> Option<Option<u32>> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return Some(None);
    }
    if let Ok(n) = text.parse::<u32>() {
        return Some(Some(n));
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut seen = false;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'd' => 1440,
            'h' => 60,
            'm' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        seen = true;
    }
    if !number.is_empty() || !seen {
        return None;
    }
    u32::try_from(total).ok().map(Some)
}

pub fn sla_page(viewer: &Viewer, v: SlaView) -> String {
    page(viewer, "slapage.title", move || {
        let SlaView {
            policies,
            warn,
            lists,
            calendars,
            draft,
            notice,
            progress,
        } = v;
        let count = policies.len();
        let form = |p: model::SlaPolicy,
                    targets: [String; 3],
                    errors: &[FieldError],
                    position: Option<usize>| {
            let id = p.id;
            let prefix = format!("p{id}");
            let error = |field: &str| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
            };
            let c = p.conditions.clone();
            let boxes = |name: &'static str, items: Vec<(String, String, bool)>| {
                items
                    .into_iter()
                    .map(|(value, label, on)| view! {
                        <label class="check"><input type="checkbox" name=name value=value checked=on/> " " {label}</label>
                    })
                    .collect_view()
            };
            let priorities = model::Priority::ALL
                .iter()
                .map(|x| {
                    (
                        x.slug().to_string(),
                        t(x.label_key()).to_string(),
                        c.priorities.contains(x),
                    )
                })
                .collect();
            let channels = model::Channel::ALL
                .iter()
                .map(|x| {
                    (
                        x.slug().to_string(),
                        t(x.label_key()).to_string(),
                        c.channels.contains(x),
                    )
                })
                .collect();
            let departments = lists
                .departments
                .iter()
                .map(|d| {
                    (
                        d.id.to_string(),
                        d.name.clone(),
                        c.departments.contains(&d.id),
                    )
                })
                .collect();
            let types = lists
                .ticket_types
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone(), c.types.contains(&d.id)))
                .collect();
            let target = |i: usize, key: &'static str, name: &'static str| {
                view! {
                    <div class="field">
                        <label for=format!("{prefix}-{name}")>{t(key)}</label>
                        <input id=format!("{prefix}-{name}") name=name type="text" value=targets[i].clone()
                            placeholder=t("slapage.no_target") spellcheck="false"/>
                    </div>
                }
            };
            view! {
                <form method="post" action="/agent/admin/sla" class="form sla-form" novalidate>
                    <input type="hidden" name="id" value=id/>
                    <div class="field">
                        <label for=format!("{prefix}-name")>{t("slapage.name")}</label>
                        <input id=format!("{prefix}-name") name="name" type="text" value=p.name.clone() maxlength="80"/>
                        {error("name")}
                    </div>
                    <fieldset class="targets">
                        <legend>{t("slapage.targets")}</legend>
                        <p class="hint">{t("slapage.targets_hint")}</p>
                        {target(0, "sla.first_response", "first")}
                        {target(1, "sla.next_response", "next")}
                        {target(2, "sla.resolution", "resolution")}
                        {error("targets")}
                    </fieldset>
                    <div class="field">
                        <label for=format!("{prefix}-calendar")>{t("slapage.calendar")}</label>
                        <select id=format!("{prefix}-calendar") name="calendar">
                            <option value="">{t("slapage.calendar_department")}</option>
                            {calendars.iter().map(|cal| view! {
                                <option value=cal.id selected=p.calendar == Some(cal.id)>{cal.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <fieldset class="conditions">
                        <legend>{t("slapage.conditions")}</legend>
                        <p class="hint">{t("slapage.conditions_hint")}</p>
                        <div class="group"><span class="group-label">{t("slapage.priority")}</span>{boxes("priority", priorities)}</div>
                        <div class="group"><span class="group-label">{t("slapage.channel")}</span>{boxes("channel", channels)}</div>
                        <div class="group"><span class="group-label">{t("slapage.department")}</span>{boxes("department", departments)}</div>
                        <div class="group"><span class="group-label">{t("slapage.type")}</span>{boxes("type", types)}</div>
                        <div class="field">
                            <label for=format!("{prefix}-tags")>{t("slapage.tags")}</label>
                            <input id=format!("{prefix}-tags") name="tags" type="text" value=c.tags.join(", ")/>
                        </div>
                        <div class="field">
                            <label for=format!("{prefix}-groups")>{t("slapage.groups")}</label>
                            <input id=format!("{prefix}-groups") name="groups" type="text" value=c.groups.join(", ")/>
                        </div>
                        <div class="field">
                            <label for=format!("{prefix}-organizations")>{t("slapage.organizations")}</label>
                            <input id=format!("{prefix}-organizations") name="organizations" type="text" value=c.organizations.join(", ")/>
                        </div>
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" class="primary" name="do" value="save">{t("settings.save")}</button>
                        {position.map(|i| view! {
                            {(i > 0).then(|| view! { <button type="submit" name="do" value="up">{t("slapage.up")}</button> })}
                            {(i + 1 < count).then(|| view! { <button type="submit" name="do" value="down">{t("slapage.down")}</button> })}
                            <button type="submit" class="link danger" name="do" value="remove">{t("slapage.remove")}</button>
                        })}
                    </div>
                </form>
            }
        };
        let draft_for = |id: u64| draft.as_ref().filter(|d| d.0.id == id);
        let targets_of = |p: &model::SlaPolicy| {
            [
                minutes_text(p.targets.first_response),
                minutes_text(p.targets.next_response),
                minutes_text(p.targets.resolution),
            ]
        };
        let cards = policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (id, name) = (p.id, p.name.clone());
                let (p, targets, errors) = match draft_for(p.id) {
                    Some((d, tx, e)) => (d.clone(), tx.clone(), e.clone()),
                    None => (p.clone(), targets_of(p), Vec::new()),
                };
                view! {
                    <section class="card policy" id=format!("policy-{id}")>
                        <h2><span class="order">{i + 1} "."</span> " " {name}</h2>
                        {form(p, targets, &errors, Some(i))}
                    </section>
                }
            })
            .collect_view();
        let (new_p, new_targets, new_errors) = match draft_for(0) {
            Some((d, tx, e)) => (d.clone(), tx.clone(), e.clone()),
            None => (
                model::SlaPolicy::default(),
                ["1h".to_string(), "4h".to_string(), "1d".to_string()],
                Vec::new(),
            ),
        };
        view! {
            <div class="list-head"><h1>{t("slapage.title")}</h1></div>
            <p class="lead">{t("slapage.lead")}</p>
            <p class="hint">
                {t("slapage.escalation")} " "
                <a href="/agent/admin/rules/new?event=sla-warning">{t("rules.on_sla_warning")}</a> " · "
                <a href="/agent/admin/rules/new?event=sla-breached">{t("rules.on_sla_breached")}</a>
            </p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            {progress.map(|(done, of)| view! {
                <p class="progress-note" role="status">
                    <progress value=done max=of.max(1)></progress> " "
                    {t("slapage.recomputing").replace("{done}", &done.to_string()).replace("{of}", &of.to_string())}
                </p>
            })}
            <form method="post" action="/agent/admin/sla" class="form label-row">
                <input type="hidden" name="do" value="warn"/>
                <label for="sla-warn">{t("slapage.warn")}</label>
                <input id="sla-warn" name="warn" type="number" min="1" max="99" value=warn/>
                <button type="submit">{t("settings.save")}</button>
            </form>
            {(policies.is_empty()).then(|| view! { <p class="empty">{t("slapage.none")}</p> })}
            {cards}
            <section class="card policy" id="policy-new">
                <h2>{t("slapage.add")}</h2>
                {form(new_p, new_targets, &new_errors, None)}
            </section>
        }
        .into_any()
    })
}
