//! Goals a team sets itself, kept in the settings as `goals`, and how the tickets of a
//! period measure up: each ticket counts in the business hours of its department's
//! calendar (else the desk's), once its outcome is known.

use std::collections::HashMap;

use chrono::Duration;
use model::{Goal, GoalFigure, GoalMetric, TicketStatus};
use redb::ReadableTable;

use crate::access::{caller_in, caller_read};
use crate::sla::{calendar_in, Hours, MAX_TARGET_MINUTES};
use crate::store::records::TicketRecord;
use crate::store::{codec, tables};
use crate::{Engine, Error, Result};

const GOALS_KEY: &str = "goals";
/// Goals a desk may have.
pub const MAX_GOALS: usize = 20;
/// The longest period measured, in days.
pub const MAX_DAYS: u32 = 366;
/// Tickets older than the period passed in a row before the count stops looking (the
/// numbers follow creation, but imported tickets may be older than their numbers).
const OLDER_IN_A_ROW: usize = 1000;

fn read_goals(settings: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Vec<Goal>> {
    Ok(match settings.get(GOALS_KEY)? {
        Some(raw) => codec::decode(raw.value())?,
        None => Vec::new(),
    })
}

fn valid(g: &Goal) -> std::result::Result<Goal, Vec<model::FieldError>> {
    let mut errors = Vec::new();
    let name = model::validate::one_line(&g.name).trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push(model::FieldError::new("name", "error.goal_name"));
    }
    if g.minutes == 0 || g.minutes > MAX_TARGET_MINUTES {
        errors.push(model::FieldError::new("minutes", "error.goal_minutes"));
    }
    if !(1..=100).contains(&g.percent) {
        errors.push(model::FieldError::new("percent", "error.goal_percent"));
    }
    if errors.is_empty() {
        Ok(Goal { name, ..g.clone() })
    } else {
        Err(errors)
    }
}

impl Engine {
    /// The desk's goals (any agent may see them).
    pub fn goals(&self, agent: u64) -> Result<Vec<Goal>> {
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        read_goals(&txn.open_table(tables::SETTINGS)?)
    }

    /// An admin adds a goal (`id` 0) or changes one.
    pub fn save_goal(&self, admin: u64, goal: &Goal) -> Result<Goal> {
        let mut g = valid(goal).map_err(Error::invalid)?;
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut all = read_goals(&txn.open_table(tables::SETTINGS)?)?;
            if g.id == 0 {
                if all.len() >= MAX_GOALS {
                    return Err(Error::invalid(vec![model::FieldError::new(
                        "name",
                        "error.goal_count",
                    )]));
                }
                g.id = crate::store::next_id(&mut txn.open_table(tables::COUNTERS)?, "goal")?;
                all.push(g.clone());
            } else {
                match all.iter_mut().find(|x| x.id == g.id) {
                    Some(x) => *x = g.clone(),
                    None => return Err(Error::not_found("Goal")),
                }
            }
            txn.open_table(tables::SETTINGS)?
                .insert(GOALS_KEY, codec::encode(&all)?.as_slice())?;
            Ok((g.clone(), Vec::new()))
        })
    }

    /// An admin removes a goal.
    pub fn remove_goal(&self, admin: u64, id: u64) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut all = read_goals(&txn.open_table(tables::SETTINGS)?)?;
            let before = all.len();
            all.retain(|g| g.id != id);
            if all.len() == before {
                return Err(Error::not_found("Goal"));
            }
            txn.open_table(tables::SETTINGS)?
                .insert(GOALS_KEY, codec::encode(&all)?.as_slice())?;
            Ok(((), Vec::new()))
        })
    }

    /// Each goal measured over the tickets created in the last `days` days.
    pub fn goal_figures(&self, agent: u64, days: u32) -> Result<Vec<GoalFigure>> {
        let now = self.now();
        let start = now - Duration::days(i64::from(days.clamp(1, MAX_DAYS)));
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        let settings = txn.open_table(tables::SETTINGS)?;
        let goals = read_goals(&settings)?;
        let mut figures: Vec<GoalFigure> = goals
            .into_iter()
            .map(|goal| GoalFigure {
                goal,
                made: 0,
                counted: 0,
            })
            .collect();
        if figures.is_empty() {
            return Ok(figures);
        }
        let calendars = txn.open_table(tables::CALENDARS)?;
        let department_calendars = txn.open_table(tables::DEPARTMENT_CALENDARS)?;
        let mut by_department: HashMap<Option<u64>, model::Calendar> = HashMap::new();
        let mut older = 0;
        for entry in txn.open_table(tables::TICKETS)?.iter()?.rev() {
            let t: TicketRecord = codec::decode(entry?.1.value())?;
            if t.created_at < start {
                older += 1;
                if older >= OLDER_IN_A_ROW {
                    break;
                }
                continue;
            }
            older = 0;
            if t.spam || t.merged_into.is_some() || t.created_at > now {
                continue;
            }
            let calendar = match by_department.get(&t.department) {
                Some(c) => c,
                None => {
                    let c = calendar_in(
                        &calendars,
                        &department_calendars,
                        &settings,
                        None,
                        t.department,
                    )?;
                    by_department.entry(t.department).or_insert(c)
                }
            };
            let hours = Hours::new(calendar);
            let done = matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed);
            // Worked out once per ticket, whatever the number of goals.
            let so_far = std::cell::OnceCell::new();
            for f in &mut figures {
                let reached = match f.goal.metric {
                    GoalMetric::FirstResponse => t.first_response_at,
                    GoalMetric::Resolution => t.resolved_at.filter(|_| done),
                };
                let limit = i64::from(f.goal.minutes);
                let outcome = match reached {
                    Some(at) => Some(hours.between(t.created_at, at) <= limit),
                    // Not there yet: a failure once past the time, else unknown.
                    None => (*so_far.get_or_init(|| hours.between(t.created_at, now)) > limit)
                        .then_some(false),
                };
                if let Some(made) = outcome {
                    f.counted += 1;
                    f.made += u64::from(made);
                }
            }
        }
        Ok(figures)
    }
}
