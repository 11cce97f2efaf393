//! The rules pages: the ordered list, and one rule's form with its dry run.

use leptos::prelude::*;
use model::{
    DryRun, FieldError, Rule, RuleAction, RuleActionKind, RuleCondition, RuleEvent, RuleField,
    RuleOp,
};

use super::{page, Viewer};
use crate::i18n::{t, t_dyn};

/// Empty rows a rule's form offers for new conditions and actions.
pub const BLANK_CONDITIONS: usize = 3;
pub const BLANK_ACTIONS: usize = 2;

/// The rule list.
pub fn rules_page(viewer: &Viewer, rules: Vec<Rule>, notice: Option<&'static str>) -> String {
    page(viewer, "rules.title", move || {
        let count = rules.len();
        view! {
            <div class="list-head">
                <h1>{t("rules.title")}</h1>
                <a class="button primary" href="/agent/admin/rules/new">{t("rules.add")}</a>
            </div>
            <p class="lead">{t("rules.lead")}</p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            {if rules.is_empty() {
                view! { <p class="empty">{t("rules.none")}</p> }.into_any()
            } else {
                view! {
                    <table class="tickets rules">
                        <thead><tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">{t("rules.name")}</th>
                            <th scope="col">{t("rules.event")}</th>
                            <th scope="col" class="num">{t("rules.conditions")}</th>
                            <th scope="col" class="num">{t("rules.actions")}</th>
                            <th scope="col">{t("rules.order")}</th>
                        </tr></thead>
                        <tbody>
                            {rules.into_iter().enumerate().map(|(i, r)| view! {
                                <tr class:muted=!r.active id=format!("rule-{}", r.id)>
                                    <td class="num">{i + 1}</td>
                                    <td>
                                        <a href=format!("/agent/admin/rules/{}", r.id)>{r.name.clone()}</a>
                                        {(!r.active).then(|| view! { " " <small class="quiet">{t("rules.off")}</small> })}
                                    </td>
                                    <td>{t(r.event.label_key())}</td>
                                    <td class="num">{r.conditions.len()}</td>
                                    <td class="num">{r.actions.len()}</td>
                                    <td>
                                        <form method="post" action="/agent/admin/rules" class="inline">
                                            <input type="hidden" name="id" value=r.id/>
                                            {(i > 0).then(|| view! {
                                                <button type="submit" name="do" value="up" aria-label=format!("{} {}", t("slapage.up"), r.name)>"↑"</button>
                                            })}
                                            {(i + 1 < count).then(|| view! {
                                                <button type="submit" name="do" value="down" aria-label=format!("{} {}", t("slapage.down"), r.name)>"↓"</button>
                                            })}
                                        </form>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        }
        .into_any()
    })
}

/// One rule's page: the rule (as stored, or as typed when it came back with errors),
/// what may be chosen, and a dry run's outcome.
pub struct RuleView {
    pub rule: Rule,
    pub errors: Vec<FieldError>,
    pub lists: model::DeskLists,
    /// Mailboxes: id and name.
    pub mailboxes: Vec<(u64, String)>,
    /// The ticket number typed for a dry run, and its outcome (or what went wrong).
    pub dry: Option<(String, Result<DryRun, &'static str>)>,
    pub notice: Option<&'static str>,
}

/// The values offered while typing: (value, label).
fn suggestions(v: &RuleView) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    out.extend(
        model::TicketStatus::ALL
            .iter()
            .map(|s| (s.slug().to_string(), t(s.label_key()).to_string())),
    );
    out.extend(
        model::Priority::ALL
            .iter()
            .map(|p| (p.slug().to_string(), t(p.label_key()).to_string())),
    );
    out.extend(
        model::Channel::ALL
            .iter()
            .map(|c| (c.slug().to_string(), t(c.label_key()).to_string())),
    );
    for (value, key) in [
        ("none", "rules.v_none"),
        ("assignee", "rules.v_assignee"),
        ("leader", "rules.v_leader"),
        ("distribute", "rules.v_distribute"),
        ("open", "rules.v_open"),
        ("closed", "rules.v_closed"),
        ("yes", "rules.v_yes"),
        ("no", "rules.v_no"),
    ] {
        out.push((value.to_string(), t(key).to_string()));
    }
    for (list, key) in [
        (&v.lists.departments, "ticket.department"),
        (&v.lists.agents, "ticket.assignee"),
        (&v.lists.ticket_types, "ticket.type"),
        (&v.lists.tags, "ticket.tags"),
    ] {
        out.extend(list.iter().map(|l| (l.name.clone(), t(key).to_string())));
    }
    out.extend(
        v.mailboxes
            .iter()
            .map(|(_, n)| (n.clone(), t("rules.f_mailbox").to_string())),
    );
    // One suggestion per value ("open" is a status and an answer about hours).
    let mut seen = std::collections::HashSet::new();
    out.retain(|(value, _)| seen.insert(value.clone()));
    out
}

pub fn rule_page(viewer: &Viewer, v: RuleView) -> String {
    let title = if v.rule.id == 0 {
        "rules.add"
    } else {
        "rules.edit"
    };
    page(viewer, title, move || {
        let suggestions = suggestions(&v);
        let RuleView {
            rule,
            errors,
            dry,
            notice,
            ..
        } = v;
        let id = rule.id;
        // An error names the row it is about; the row's control points to it.
        let error = |field: &str| {
            let id = format!("{field}-err");
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| view! { <p class="field-error" id=id role="alert">{t_dyn(&e.key)}</p> })
        };
        let mut conditions = rule.conditions.clone();
        conditions.extend((0..BLANK_CONDITIONS).map(|_| RuleCondition {
            value: String::new(),
            ..Default::default()
        }));
        let known = rule.conditions.len();
        let condition_rows = conditions
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let blank = i >= known;
                let invalid = error(&format!("condition{i}"));
                let bad = invalid.is_some().then_some("true");
                let described = invalid.is_some().then(|| format!("condition{i}-err"));
                let n = i + 1;
                view! {
                    <tr>
                        <td data-label=t("rules.field")>
                            <select name=format!("field{i}") aria-label=format!("{} {n}", t("rules.field"))>
                                <option value="" selected=blank>"—"</option>
                                {RuleField::ALL.into_iter().map(|f| view! {
                                    <option value=f.slug() selected=!blank && f == c.field>{t(f.label_key())}</option>
                                }).collect_view()}
                            </select>
                        </td>
                        <td data-label=t("rules.op")>
                            <select name=format!("op{i}") aria-label=format!("{} {n}", t("rules.op"))
                                aria-invalid=bad aria-describedby=described.clone()>
                                {RuleOp::ALL.into_iter().map(|o| view! {
                                    <option value=o.slug() selected=o == c.op>{t(o.label_key())}</option>
                                }).collect_view()}
                            </select>
                        </td>
                        <td data-label=t("rules.value")>
                            <input type="text" name=format!("value{i}") value=c.value.clone() list="rule-values"
                                aria-label=format!("{} {n}", t("rules.value")) aria-invalid=bad aria-describedby=described/>
                            {invalid}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let mut actions = rule.actions.clone();
        let known_actions = actions.len();
        actions.extend((0..BLANK_ACTIONS).map(|_| RuleAction::default()));
        let action_rows = actions
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let blank = i >= known_actions;
                let invalid = error(&format!("action{i}"));
                let bad = invalid.is_some().then_some("true");
                let described = invalid.is_some().then(|| format!("action{i}-err"));
                let n = (i + 1).to_string();
                view! {
                    <tr>
                        <td data-label=t("rules.action")>
                            <select name=format!("action{i}") aria-label=format!("{} {n}", t("rules.action"))>
                                <option value="" selected=blank>"—"</option>
                                {RuleActionKind::ALL.into_iter().map(|k| view! {
                                    <option value=k.slug() selected=!blank && k == a.kind>{t(k.label_key())}</option>
                                }).collect_view()}
                            </select>
                        </td>
                        <td data-label=t("rules.value")>
                            <input type="text" name=format!("avalue{i}") value=a.value.clone() list="rule-values"
                                aria-label=t("rules.action_value").replace("{n}", &n) aria-invalid=bad aria-describedby=described/>
                            {invalid}
                        </td>
                        <td data-label=t("rules.text")>
                            <textarea name=format!("atext{i}") rows="2" aria-label=t("rules.action_text").replace("{n}", &n)>{a.text.clone()}</textarea>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let action = if id == 0 {
            "/agent/admin/rules/new".to_string()
        } else {
            format!("/agent/admin/rules/{id}")
        };
        view! {
            <p><a href="/agent/admin/rules">{format!("← {}", t("rules.title"))}</a></p>
            <div class="list-head"><h1>{if id == 0 { t("rules.add").to_string() } else { rule.name.clone() }}</h1></div>
            <p class="form-status" role="status">{notice.map(t)}</p>
            <datalist id="rule-values">
                {suggestions.into_iter().map(|(value, label)| view! {
                    <option value=value>{label}</option>
                }).collect_view()}
            </datalist>
            <form method="post" action=action.clone() class="form rule-form" novalidate>
                <div class="field">
                    <label for="rule-name">{t("rules.name")}</label>
                    <input id="rule-name" name="name" type="text" value=rule.name.clone() maxlength="80"/>
                    {error("name")}
                </div>
                <label class="check"><input type="checkbox" name="active" value="1" checked=rule.active/> " " {t("rules.active")}</label>
                <div class="field">
                    <label for="rule-event">{t("rules.event")}</label>
                    <select id="rule-event" name="event">
                        {RuleEvent::ALL.into_iter().map(|e| view! {
                            <option value=e.slug() selected=e == rule.event>{t(e.label_key())}</option>
                        }).collect_view()}
                    </select>
                    <p class="hint">{t("rules.event_hint")}</p>
                </div>
                <fieldset>
                    <legend>{t("rules.conditions")}</legend>
                    <p class="hint">{t("rules.conditions_hint")}</p>
                    <div class="group">
                        <label class="check"><input type="radio" name="match" value="all" checked=!rule.any/> " " {t("rules.match_all")}</label>
                        <label class="check"><input type="radio" name="match" value="any" checked=rule.any/> " " {t("rules.match_any")}</label>
                    </div>
                    <table class="rule-rows">
                        <thead><tr>
                            <th scope="col">{t("rules.field")}</th>
                            <th scope="col">{t("rules.op")}</th>
                            <th scope="col">{t("rules.value")}</th>
                        </tr></thead>
                        <tbody>{condition_rows}</tbody>
                    </table>
                    {error("conditions")}
                </fieldset>
                <fieldset>
                    <legend>{t("rules.actions")}</legend>
                    <p class="hint">{t("rules.actions_hint")}</p>
                    <table class="rule-rows">
                        <thead><tr>
                            <th scope="col">{t("rules.action")}</th>
                            <th scope="col">{t("rules.value")}</th>
                            <th scope="col">{t("rules.text")}</th>
                        </tr></thead>
                        <tbody>{action_rows}</tbody>
                    </table>
                    {error("actions")}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="primary" name="do" value="save">{t("rules.save")}</button>
                    {(id != 0).then(|| view! {
                        <button type="submit" class="link danger" name="do" value="remove">{t("rules.remove")}</button>
                    })}
                </div>
            </form>
            {(id != 0).then(|| dry_run_view(id, dry))}
        }
        .into_any()
    })
}

/// The dry run: a ticket number to try the rule on, and how it came out.
fn dry_run_view(id: u64, dry: Option<(String, Result<DryRun, &'static str>)>) -> impl IntoView {
    let (typed, outcome) = match dry {
        Some((typed, outcome)) => (typed, Some(outcome)),
        None => (String::new(), None),
    };
    view! {
        <section class="card dry-run" aria-labelledby="dry-run-h">
            <h2 id="dry-run-h">{t("rules.dry_run")}</h2>
            <p class="hint">{t("rules.dry_run_hint")}</p>
            <form method="get" action=format!("/agent/admin/rules/{id}") class="form label-row">
                <label for="dry-ticket">{t("rules.ticket_number")}</label>
                <input id="dry-ticket" name="try" type="text" inputmode="numeric" value=typed/>
                <button type="submit">{t("rules.try")}</button>
            </form>
            {outcome.map(|o| match o {
                Err(key) => view! { <p class="field-error" role="alert">{t(key)}</p> }.into_any(),
                Ok(run) => view! {
                    <div class="dry-result" role="status">
                        <p>
                            <strong>{format!("#{} {}", run.ticket, run.subject)}</strong> " — "
                            {if run.fires { t("rules.would_fire") } else { t("rules.would_not_fire") }}
                        </p>
                        {(!run.checks.is_empty()).then(|| view! {
                            <table class="tickets checks">
                                <thead><tr>
                                    <th scope="col">{t("rules.field")}</th>
                                    <th scope="col">{t("rules.op")}</th>
                                    <th scope="col">{t("rules.value")}</th>
                                    <th scope="col">{t("rules.has")}</th>
                                    <th scope="col">{t("rules.outcome")}</th>
                                </tr></thead>
                                <tbody>
                                    {run.checks.iter().map(|c| view! {
                                        <tr class=if c.held { "held" } else { "not-held" }>
                                            <td>{t(c.field.label_key())}</td>
                                            <td>{t(c.op.label_key())}</td>
                                            <td>{rule_value(c.field, &c.wanted)}</td>
                                            <td>{rule_value(c.field, &c.actual)}</td>
                                            <td>{if c.held { format!("✓ {}", t("rules.held")) } else { format!("✗ {}", t("rules.not_held")) }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                        <h3>{if run.fires { t("rules.would_change") } else { t("rules.would_change_if") }}</h3>
                        <ul class="effects">
                            {run.effects.iter().map(|e| view! {
                                <li>
                                    {rule_effect(e)}
                                    {(!e.changes).then(|| view! { " " <small class="quiet">{format!("({})", t("rules.unchanged"))}</small> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
            })}
        </section>
    }
}

/// A rule's value as people read it: a status, priority or channel in words.
pub fn rule_value(field: model::RuleField, value: &str) -> String {
    use model::RuleField as F;
    let key = match field {
        F::Status => model::TicketStatus::from_slug(value).map(|s| s.label_key()),
        F::Priority => model::Priority::from_slug(value).map(|p| p.label_key()),
        F::Channel => model::Channel::from_slug(value).map(|c| c.label_key()),
        _ => None,
    };
    key.map_or_else(|| value.to_string(), |k| t(k).to_string())
}

/// What a rule's action did, in words: its kind, then from → to, or to.
pub fn rule_effect(e: &model::RuleEffect) -> String {
    use model::RuleActionKind as A;
    let field = match e.kind {
        A::SetStatus => Some(model::RuleField::Status),
        A::SetPriority | A::RaisePriority => Some(model::RuleField::Priority),
        _ => None,
    };
    let shown = |v: &str| field.map_or_else(|| v.to_string(), |f| rule_value(f, v));
    let label = t(e.kind.label_key());
    match (e.from.is_empty(), e.to.is_empty()) {
        (true, true) => label.to_string(),
        (true, false) => format!("{label}: {}", shown(&e.to)),
        _ => format!("{label}: {} → {}", shown(&e.from), shown(&e.to)),
    }
}

/// A rule's firing in words, for the ticket's history: the rule, its event, the
/// conditions that held and what changed.
pub fn rule_line(
    name: &str,
    event: model::RuleEvent,
    checks: &[model::RuleCheck],
    effects: &[model::RuleEffect],
) -> String {
    let mut out = t("history.rule")
        .replace("{name}", name)
        .replace("{event}", t(event.label_key()));
    let held: Vec<String> = checks
        .iter()
        .filter(|c| c.held)
        .map(|c| {
            let wanted = rule_value(c.field, &c.wanted);
            format!(
                "{} {} {wanted}",
                t(c.field.label_key()),
                t(c.op.label_key())
            )
        })
        .collect();
    if !held.is_empty() {
        out += &format!(" {} {}", t("history.rule_because"), held.join("; "));
    }
    let did: Vec<String> = effects
        .iter()
        .filter(|e| e.changes)
        .map(rule_effect)
        .collect();
    if !did.is_empty() {
        out += &format!(" → {}", did.join("; "));
    }
    out
}

/// Words each rule firing of `history` in the reader's language.
pub fn word_rules(history: &mut [model::HistoryEntry]) {
    for h in history {
        if let model::HistoryChange::Rule {
            name,
            event,
            checks,
            effects,
        } = &h.change
        {
            h.change = model::HistoryChange::Said(rule_line(name, *event, checks, effects));
        }
    }
}
