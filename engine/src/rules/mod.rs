//! Rules that run the desk. An admin keeps an ordered list; each rule waits for an event
//! (a ticket created, changed, answered, a service-level warning…) or for time to pass,
//! and when its conditions hold its actions change the ticket, write to someone or call
//! a webhook. Event rules run in the transaction of the change that woke them, after
//! it, so the change and what the rules made of it commit together; time rules run
//! every minute. Every firing goes into the ticket's history with the conditions as
//! they came out, and the changes it made are the rule's.

mod act;
mod facts;
mod run;
mod values;

use model::{FieldError, Rule, RuleEvent, RuleField};
use redb::{ReadableTable, WriteTransaction};

use crate::access::{caller_in, caller_read};
use crate::store::{codec, tables};
use crate::{Engine, Error, Result};

pub use act::{host_of, RULE_MAILS_PER_DAY, RULE_MAILS_PER_HOUR};
pub(crate) use run::{after_change, audit_mark};
pub use run::{WebhookCall, WEBHOOK_TRIES};

const RULES_KEY: &str = "rules";
/// Rules a desk may have; conditions and actions a rule may have; the longest text.
pub const MAX_RULES: usize = 200;
pub const MAX_CONDITIONS: usize = 20;
pub const MAX_ACTIONS: usize = 10;
pub const MAX_TEXT_CHARS: usize = 10_000;

pub(crate) fn read_rules(
    settings: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Vec<Rule>> {
    Ok(match settings.get(RULES_KEY)? {
        Some(raw) => codec::decode(raw.value())?,
        None => Vec::new(),
    })
}

/// Rules' names, read once for a listing (a history, a conversation).
#[derive(Default)]
pub(crate) struct RuleNames(Option<Vec<(u64, String)>>);

impl RuleNames {
    /// What rule `id` is called now (its number when it is gone).
    pub fn get(
        &mut self,
        settings: &impl ReadableTable<&'static str, &'static [u8]>,
        id: u64,
    ) -> Result<String> {
        if self.0.is_none() {
            self.0 = Some(
                read_rules(settings)?
                    .into_iter()
                    .map(|r| (r.id, r.name))
                    .collect(),
            );
        }
        Ok(self
            .0
            .iter()
            .flatten()
            .find(|(r, _)| *r == id)
            .map_or_else(|| format!("#{id}"), |(_, n)| n.clone()))
    }
}

/// What a rule is called now (its number when it is gone), for histories.
pub(crate) fn rule_name(
    settings: &impl ReadableTable<&'static str, &'static [u8]>,
    id: u64,
) -> Result<String> {
    Ok(read_rules(settings)?
        .into_iter()
        .find(|r| r.id == id)
        .map_or_else(|| format!("#{id}"), |r| r.name))
}

fn write_rules(txn: &WriteTransaction, rules: &[Rule]) -> Result<()> {
    txn.open_table(tables::SETTINGS)?
        .insert(RULES_KEY, codec::encode(&rules)?.as_slice())?;
    Ok(())
}

/// The rule with its values in their stable form, or what is wrong with it. Values may
/// be typed as people name things (a department's name, an agent's address).
fn checked(txn: &WriteTransaction, r: &Rule) -> std::result::Result<Rule, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = model::validate::one_line(&r.name).trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push(FieldError::new("name", "error.rule_name"));
    }
    let conditions = &r.conditions;
    if conditions.len() > MAX_CONDITIONS {
        errors.push(FieldError::new("conditions", "error.rule_too_many"));
    }
    let mut clean = Vec::new();
    for (i, c) in conditions.iter().enumerate() {
        if !c.op.fits(c.field.kind()) {
            errors.push(FieldError::new(&format!("condition{i}"), "error.rule_op"));
            continue;
        }
        match values::condition_value(txn, c.field, &c.value) {
            Ok(Some(value)) => clean.push(model::RuleCondition { value, ..c.clone() }),
            _ => errors.push(FieldError::new(
                &format!("condition{i}"),
                "error.rule_value",
            )),
        }
    }
    let mut actions = Vec::new();
    for (i, a) in r.actions.iter().enumerate() {
        match values::action_value(txn, a) {
            Ok(Some(done)) => actions.push(done),
            _ => errors.push(FieldError::new(&format!("action{i}"), "error.rule_action")),
        }
    }
    if actions.is_empty() && errors.iter().all(|e| !e.field.starts_with("action")) {
        errors.push(FieldError::new("actions", "error.rule_no_action"));
    }
    if actions.len() > MAX_ACTIONS {
        errors.push(FieldError::new("actions", "error.rule_too_many"));
    }
    // A time rule needs something about time, or it would act on every open ticket at
    // once.
    if r.event == RuleEvent::Time
        && !clean.iter().any(|c| {
            matches!(
                c.field,
                RuleField::HoursInStatus
                    | RuleField::BusinessHoursInStatus
                    | RuleField::HoursSinceCreated
            )
        })
    {
        errors.push(FieldError::new("conditions", "error.rule_time"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Rule {
        id: r.id,
        name,
        active: r.active,
        event: r.event,
        any: r.any,
        conditions: clean,
        actions,
    })
}

/// How an admin moves or removes a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleMove {
    Up,
    Down,
    Remove,
}

impl Engine {
    /// The desk's rules in order, their values named for people (for the admin's form).
    pub fn rules(&self, admin: u64) -> Result<Vec<Rule>> {
        let txn = self.read()?;
        caller_read(&txn, admin)?.must_be_admin()?;
        let rules = read_rules(&txn.open_table(tables::SETTINGS)?)?;
        rules.into_iter().map(|r| values::named(&txn, r)).collect()
    }

    /// An admin adds a rule (`id` 0, at the end of the list) or changes one. Answers it
    /// as stored.
    pub fn save_rule(&self, admin: u64, rule: &Rule) -> Result<Rule> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut r = checked(txn, rule).map_err(Error::invalid)?;
            let mut all = read_rules(&txn.open_table(tables::SETTINGS)?)?;
            if r.id == 0 {
                if all.len() >= MAX_RULES {
                    return Err(Error::invalid(vec![FieldError::new(
                        "name",
                        "error.rule_count",
                    )]));
                }
                r.id = crate::store::next_id(&mut txn.open_table(tables::COUNTERS)?, "rule")?;
                all.push(r.clone());
            } else {
                match all.iter_mut().find(|x| x.id == r.id) {
                    Some(x) => *x = r.clone(),
                    None => return Err(Error::not_found("Rule")),
                }
            }
            write_rules(txn, &all)?;
            Ok((r, Vec::new()))
        })
    }

    /// An admin moves a rule one place up or down, or removes it.
    pub fn move_rule(&self, admin: u64, id: u64, how: RuleMove) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut all = read_rules(&txn.open_table(tables::SETTINGS)?)?;
            let Some(i) = all.iter().position(|r| r.id == id) else {
                return Err(Error::not_found("Rule"));
            };
            match how {
                RuleMove::Remove => {
                    all.remove(i);
                }
                RuleMove::Up if i > 0 => all.swap(i, i - 1),
                RuleMove::Down if i + 1 < all.len() => all.swap(i, i + 1),
                _ => {}
            }
            write_rules(txn, &all)?;
            Ok(((), Vec::new()))
        })
    }
}
