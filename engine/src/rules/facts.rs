//! What a rule's conditions look at on one ticket, read when first asked for, and how
//! each condition comes out.

use std::cell::OnceCell;

use chrono::{DateTime, Utc};
use model::{Rule, RuleCheck, RuleCondition, RuleField, RuleOp};
use redb::{ReadableTable, WriteTransaction};

use super::values::{shown, Table, NONE};
use crate::store::records::{AuditRecord, Change, ContactRecord, MessageRecord, TicketRecord};
use crate::store::{codec, tables};
use crate::tickets::name_in;
use crate::Result;

/// One ticket as the conditions see it.
pub(super) struct Facts<'t> {
    txn: &'t WriteTransaction,
    pub ticket: TicketRecord,
    now: DateTime<Utc>,
    contact: OnceCell<Option<ContactRecord>>,
    since: OnceCell<DateTime<Utc>>,
}

impl<'t> Facts<'t> {
    pub fn new(txn: &'t WriteTransaction, ticket: TicketRecord, now: DateTime<Utc>) -> Self {
        Facts {
            txn,
            ticket,
            now,
            contact: OnceCell::new(),
            since: OnceCell::new(),
        }
    }

    fn contact(&self) -> Result<&Option<ContactRecord>> {
        if let Some(c) = self.contact.get() {
            return Ok(c);
        }
        let found = match self
            .txn
            .open_table(tables::CONTACTS)?
            .get(self.ticket.requester)?
        {
            Some(raw) => Some(codec::decode(raw.value())?),
            None => None,
        };
        Ok(self.contact.get_or_init(|| found))
    }

    /// Since when the ticket has been in its status: its last status change, else its
    /// creation.
    pub fn status_since(&self) -> Result<DateTime<Utc>> {
        if let Some(at) = self.since.get() {
            return Ok(*at);
        }
        let number = self.ticket.number;
        let audit = self.txn.open_table(tables::AUDIT)?;
        let mut since = self.ticket.created_at;
        for entry in self
            .txn
            .open_table(tables::AUDIT_BY_TICKET)?
            .range((number, 0)..=(number, u64::MAX))?
            .rev()
        {
            let id = entry?.0.value().1;
            let Some(raw) = audit.get(id)? else { continue };
            let r: AuditRecord = codec::decode(raw.value())?;
            if matches!(r.change, Change::StatusChanged { .. }) {
                since = r.at;
                break;
            }
        }
        Ok(*self.since.get_or_init(|| since))
    }

    fn latest_text(&self) -> Result<String> {
        let number = self.ticket.number;
        let last = self
            .txn
            .open_table(tables::TICKET_MESSAGES)?
            .range((number, 0)..=(number, u64::MAX))?
            .next_back()
            .transpose()?
            .map(|e| e.0.value().1);
        let Some(id) = last else {
            return Ok(String::new());
        };
        Ok(match self.txn.open_table(tables::MESSAGES)?.get(id)? {
            Some(raw) => codec::decode::<MessageRecord>(raw.value())?.body,
            None => String::new(),
        })
    }

    fn hours_since(&self, from: DateTime<Utc>) -> f64 {
        (self.now - from).num_seconds().max(0) as f64 / 3600.0
    }

    fn name(&self, table: Table, id: u64) -> Result<String> {
        name_in(&self.txn.open_table(table)?, id)
    }

    /// The ticket's value for `field`, stable (as conditions keep theirs) and named.
    fn value(&self, field: RuleField) -> Result<Value> {
        let t = &self.ticket;
        let id = |v: Option<u64>| v.map_or_else(|| NONE.to_string(), |v| v.to_string());
        let contact = || -> Result<Option<&ContactRecord>> { Ok(self.contact()?.as_ref()) };
        let email = || -> Result<String> {
            Ok(contact()?
                .and_then(|c| c.emails.first().cloned())
                .unwrap_or_default())
        };
        Ok(match field {
            RuleField::Status => Value::One(t.status.slug().into()),
            RuleField::Priority => Value::One(t.priority.slug().into()),
            RuleField::Channel => Value::One(t.channel.slug().into()),
            RuleField::Department => Value::One(id(t.department)),
            RuleField::Assignee => Value::One(id(t.assignee)),
            RuleField::Type => Value::One(id(t.ticket_type)),
            RuleField::Mailbox => Value::One(id(self
                .txn
                .open_table(tables::TICKET_MAILBOX)?
                .get(t.number)?
                .map(|v| v.value()))),
            RuleField::Spam => Value::One(if t.spam { "yes" } else { "no" }.into()),
            RuleField::Tags => Value::Many(crate::tickets::tag_labels(
                &self.txn.open_table(tables::TAGS)?,
                &t.tags,
            )?),
            RuleField::Subject => Value::One(t.subject.clone()),
            RuleField::Text => Value::One(self.latest_text()?),
            RuleField::SenderDomain => Value::One(
                email()?
                    .rsplit_once('@')
                    .map(|(_, d)| d.to_string())
                    .unwrap_or_default(),
            ),
            RuleField::CustomerEmail => Value::One(email()?),
            RuleField::CustomerName => {
                Value::One(contact()?.map(|c| c.name.clone()).unwrap_or_default())
            }
            RuleField::Organization => Value::One(
                contact()?
                    .map(|c| c.organization.clone())
                    .unwrap_or_default(),
            ),
            RuleField::CustomerGroup => {
                Value::One(contact()?.map(|c| c.group.clone()).unwrap_or_default())
            }
            RuleField::CustomerPhone => {
                Value::One(contact()?.map(|c| c.phones.join(", ")).unwrap_or_default())
            }
            RuleField::CustomerLocation => {
                Value::One(contact()?.map(|c| c.location.clone()).unwrap_or_default())
            }
            RuleField::Ccs => Value::One(t.ccs.join(", ")),
            RuleField::HoursInStatus => Value::Hours(self.hours_since(self.status_since()?)),
            RuleField::HoursSinceCreated => Value::Hours(self.hours_since(t.created_at)),
            RuleField::BusinessHoursInStatus => {
                let calendar = crate::sla::ticket_calendar(self.txn, t)?;
                let minutes =
                    crate::sla::Hours::new(&calendar).between(self.status_since()?, self.now);
                Value::Hours(minutes.max(0) as f64 / 60.0)
            }
            RuleField::BusinessHours => {
                let calendar = crate::sla::ticket_calendar(self.txn, t)?;
                let open = crate::sla::Hours::new(&calendar).is_open(self.now);
                Value::One(if open { "open" } else { "closed" }.into())
            }
        })
    }

    /// How condition `c` comes out on the ticket.
    pub fn check(&self, c: &RuleCondition) -> Result<RuleCheck> {
        let value = self.value(c.field)?;
        let lookup = |table: Table, id| self.name(table, id);
        let wanted = shown(c.field, &c.value, &lookup)?;
        let (held, actual) = match &value {
            Value::One(v) => {
                let have = v.trim().to_lowercase();
                let want = c.value.trim().to_lowercase();
                let held = match c.op {
                    RuleOp::Is => have == want,
                    RuleOp::IsNot => have != want,
                    RuleOp::Contains => have.contains(&want),
                    RuleOp::NotContains => !have.contains(&want),
                    RuleOp::AtLeast | RuleOp::LessThan => false,
                };
                let mut text = shown(c.field, v, &lookup)?;
                if text.chars().count() > 120 {
                    text = text.chars().take(119).collect::<String>() + "…";
                }
                (held, text)
            }
            Value::Many(list) => {
                let has = list.iter().any(|x| x.eq_ignore_ascii_case(c.value.trim()));
                let held = match c.op {
                    RuleOp::Contains | RuleOp::Is => has,
                    _ => !has,
                };
                (held, list.join(", "))
            }
            Value::Hours(h) => {
                let want: f64 = c.value.parse().unwrap_or(f64::MAX);
                let held = match c.op {
                    RuleOp::AtLeast => *h >= want,
                    RuleOp::LessThan => *h < want,
                    _ => false,
                };
                (held, format!("{:.1}", h))
            }
        };
        Ok(RuleCheck {
            field: c.field,
            op: c.op,
            wanted,
            actual,
            held,
        })
    }

    /// Each condition of `rule` as it comes out, and whether the rule fires.
    pub fn checks(&self, rule: &Rule) -> Result<(bool, Vec<RuleCheck>)> {
        let checks = rule
            .conditions
            .iter()
            .map(|c| self.check(c))
            .collect::<Result<Vec<_>>>()?;
        let fires = if checks.is_empty() {
            true
        } else if rule.any {
            checks.iter().any(|c| c.held)
        } else {
            checks.iter().all(|c| c.held)
        };
        Ok((fires, checks))
    }
}

enum Value {
    One(String),
    Many(Vec<String>),
    Hours(f64),
}
