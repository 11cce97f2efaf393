//! The business-hours page: calendars, their weeks, zones and holidays, and who uses
//! which.

use leptos::prelude::*;
use model::FieldError;

use super::{page, Viewer};
use crate::components::WEEKDAYS as DAYS;
use crate::i18n::{t, t_dyn};

/// The business-hours page: each calendar (its week, zone, holidays, who uses it) in a
/// form of its own, then a new one.
pub struct HoursView {
    pub calendars: Vec<model::Calendar>,
    pub default: Option<u64>,
    pub departments: Vec<model::Department>,
    /// (department, calendar)
    pub uses: Vec<(u64, u64)>,
    /// A form that came back with errors: the calendar as typed, the text of its week
    /// and holidays, and what was wrong.
    pub draft: Option<(model::Calendar, [String; 7], String, Vec<FieldError>)>,
    pub notice: Option<&'static str>,
}

/// A day's intervals as typed: `09:00-12:00, 13:00-17:00`.
pub fn day_text(day: &[model::OpenInterval]) -> String {
    day.iter()
        .map(|i| {
            format!(
                "{:02}:{:02}-{:02}:{:02}",
                i.start / 60,
                i.start % 60,
                i.end / 60,
                i.end % 60
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A day's intervals from what was typed; `None` when it cannot be read.
pub fn parse_day(text: &str) -> Option<Vec<model::OpenInterval>> {
    let minutes = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':').unwrap_or((t.trim(), "0"));
        let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
    };
    text.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p.split_once(['-', '–'])?;
            Some(model::OpenInterval {
                start: minutes(a)?,
                end: minutes(b)?,
            })
        })
        .collect()
}

/// Holidays as typed, one a line: `2026-12-25 yearly Christmas` or `2026-06-08 Move`.
pub fn holidays_text(holidays: &[model::Holiday]) -> String {
    holidays
        .iter()
        .map(|h| {
            let mut line = h.date.format("%Y-%m-%d").to_string();
            if h.yearly {
                line.push_str(" yearly");
            }
            if !h.name.is_empty() {
                line.push(' ');
                line.push_str(&h.name);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Holidays from what was typed; the line numbers that could not be read.
pub fn parse_holidays(text: &str) -> (Vec<model::Holiday>, Vec<usize>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let Ok(date) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            bad.push(n + 1);
            continue;
        };
        let rest = rest.trim();
        let (yearly, name) = match rest.strip_prefix("yearly") {
            Some(name) => (true, name.trim()),
            None => (false, rest),
        };
        out.push(model::Holiday {
            date,
            yearly,
            name: name.to_string(),
        });
    }
    (out, bad)
}

pub fn hours_page(viewer: &Viewer, v: HoursView) -> String {
    page(viewer, "hours.title", move || {
        let HoursView {
            calendars,
            default,
            departments,
            uses,
            draft,
            notice,
        } = v;
        let zones = engine::desk::time_zones();
        let form = |c: model::Calendar,
                    week: [String; 7],
                    holidays: String,
                    errors: &[FieldError]| {
            let id = c.id;
            let error = |field: &str| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
            };
            let prefix = format!("c{id}");
            view! {
                <form method="post" action="/agent/admin/hours" class="form hours-form" novalidate>
                    <input type="hidden" name="id" value=id/>
                    <div class="field">
                        <label for=format!("{prefix}-name")>{t("hours.name")}</label>
                        <input id=format!("{prefix}-name") name="name" type="text" value=c.name.clone() maxlength="80"/>
                        {error("name")}
                    </div>
                    <div class="field">
                        <label for=format!("{prefix}-zone")>{t("hours.zone")}</label>
                        <input id=format!("{prefix}-zone") name="time_zone" type="text" list="zones" value=c.time_zone.clone() spellcheck="false"/>
                        {error("time_zone")}
                    </div>
                    <fieldset class="week">
                        <legend>{t("hours.week")}</legend>
                        <p class="hint">{t("hours.week_hint")}</p>
                        {DAYS.iter().enumerate().map(|(i, key)| view! {
                            <div class="field day">
                                <label for=format!("{prefix}-d{i}")>{t(key)}</label>
                                <input id=format!("{prefix}-d{i}") name=format!("d{i}") type="text" value=week[i].clone()
                                    placeholder=t("hours.closed") spellcheck="false"/>
                            </div>
                        }).collect_view()}
                        {error("week")}
                    </fieldset>
                    <div class="field">
                        <label for=format!("{prefix}-holidays")>{t("hours.holidays")}</label>
                        <textarea id=format!("{prefix}-holidays") name="holidays" rows="5" spellcheck="false"
                            aria-describedby=format!("{prefix}-holidays-hint")>{holidays}</textarea>
                        <p class="hint" id=format!("{prefix}-holidays-hint")>{t("hours.holidays_hint")}</p>
                        {error("holidays")}
                    </div>
                    <div class="field">
                        <label for=format!("{prefix}-ical")>{t("hours.ical")}</label>
                        <textarea id=format!("{prefix}-ical") name="ical" rows="2" spellcheck="false"
                            placeholder="BEGIN:VCALENDAR …"></textarea>
                        {error("ical")}
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="primary" name="do" value="save">{t("settings.save")}</button>
                        {(id != 0).then(|| view! {
                            <button type="submit" class="link danger" name="do" value="remove">{t("hours.remove")}</button>
                        })}
                    </div>
                </form>
            }
        };
        let draft_for = |id: u64| draft.as_ref().filter(|d| d.0.id == id);
        let cards = calendars
            .iter()
            .map(|c| {
                let users: Vec<String> = uses
                    .iter()
                    .filter(|(_, cal)| *cal == c.id)
                    .filter_map(|(d, _)| departments.iter().find(|x| x.id == *d))
                    .map(|d| d.name.clone())
                    .collect();
                let (cal, week, holidays, errors) = match draft_for(c.id) {
                    Some((cal, week, holidays, errors)) => (cal.clone(), week.clone(), holidays.clone(), errors.clone()),
                    None => (
                        c.clone(),
                        std::array::from_fn(|i| day_text(&c.week[i])),
                        holidays_text(&c.holidays),
                        Vec::new(),
                    ),
                };
                view! {
                    <section class="card calendar" id=format!("calendar-{}", c.id)>
                        <h2>
                            {c.name.clone()}
                            {(default == Some(c.id)).then(|| view! { " " <small class="badge">{t("hours.default")}</small> })}
                        </h2>
                        {(!users.is_empty()).then(|| view! { <p class="hint">{t("hours.used_by")} " " {users.join(", ")}</p> })}
                        {form(cal, week, holidays, &errors)}
                    </section>
                }
            })
            .collect_view();
        let (new_cal, new_week, new_holidays, new_errors) = match draft_for(0) {
            Some((cal, week, holidays, errors)) => {
                (cal.clone(), week.clone(), holidays.clone(), errors.clone())
            }
            None => {
                let c = model::Calendar {
                    name: String::new(),
                    ..model::Calendar::weekdays("Europe/Ljubljana", 9, 17)
                };
                let week = std::array::from_fn(|i| day_text(&c.week[i]));
                (c, week, String::new(), Vec::new())
            }
        };
        let choice = |selected: Option<u64>| {
            calendars
                .iter()
                .map(|c| view! { <option value=c.id selected=selected == Some(c.id)>{c.name.clone()}</option> })
                .collect_view()
        };
        view! {
            <div class="list-head"><h1>{t("hours.title")}</h1></div>
            <p class="lead">{t("hours.lead")}</p>
            <p class="form-status" role="status">{notice.map(t)}</p>
            <datalist id="zones">{zones.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist>
            {(!calendars.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="uses-heading">
                    <h2 id="uses-heading">{t("hours.uses")}</h2>
                    <form method="post" action="/agent/admin/hours" class="form label-rows">
                        <input type="hidden" name="do" value="uses"/>
                        <div class="field">
                            <label for="use-default">{t("hours.desk_default")}</label>
                            <select id="use-default" name="default">
                                <option value="">{t("hours.none")}</option>
                                {choice(default)}
                            </select>
                        </div>
                        {departments.iter().map(|d| {
                            let own = uses.iter().find(|(dep, _)| *dep == d.id).map(|(_, c)| *c);
                            view! {
                                <div class="field">
                                    <label for=format!("use-{}", d.id)>{d.name.clone()}</label>
                                    <select id=format!("use-{}", d.id) name=format!("dept{}", d.id)>
                                        <option value="">{t("hours.desk_default_short")}</option>
                                        {choice(own)}
                                    </select>
                                </div>
                            }
                        }).collect_view()}
                        <div class="form-actions"><button type="submit" class="primary">{t("settings.save")}</button></div>
                    </form>
                </section>
            })}
            {cards}
            <section class="card calendar" id="calendar-new">
                <h2>{t("hours.add")}</h2>
                {form(new_cal, new_week, new_holidays, &new_errors)}
            </section>
        }
        .into_any()
    })
}
