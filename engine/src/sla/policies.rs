//! Service-level policies: in order, the first whose conditions all hold applies to a
//! ticket. Each sets targets in business minutes and, if it chooses, the calendar they
//! count in (else the ticket's department's, else the desk's, else every minute). A
//! ticket's clocks are worked out from its history whenever they are asked for, so a
//! changed policy or calendar applies at once to every open ticket.

use chrono::{DateTime, Utc};
use model::{Calendar, SlaConditions, SlaPolicy, TicketSla};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::clocks::{clocks, Happened};
use super::Hours;
use crate::access::{caller_in, caller_read};
use crate::store::records::{
    Actor, AuditRecord, Change, ContactRecord, MessageRecord, TicketRecord,
};
use crate::store::{codec, tables};
use crate::{Engine, Error, Result};

const POLICIES_KEY: &str = "sla_policies";
const WARN_KEY: &str = "sla_warn_percent";
/// The share of a target after which a clock warns, unless an admin says otherwise.
pub const DEFAULT_WARN_PERCENT: u8 = 80;
/// Policies a desk may have, and the longest target (a year of minutes).
pub const MAX_POLICIES: usize = 100;
pub const MAX_TARGET_MINUTES: u32 = 366 * 24 * 60;

fn read_policies(
    settings: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<(Vec<SlaPolicy>, u8)> {
    let policies = match settings.get(POLICIES_KEY)? {
        Some(raw) => codec::decode(raw.value())?,
        None => Vec::new(),
    };
    let warn = settings
        .get(WARN_KEY)?
        .and_then(|v| v.value().first().copied())
        .filter(|p| (1..=99).contains(p))
        .unwrap_or(DEFAULT_WARN_PERCENT);
    Ok((policies, warn))
}

/// Whether every condition that names something holds for the ticket.
fn matches(
    c: &SlaConditions,
    t: &TicketRecord,
    tags: &[String],
    contact: Option<&ContactRecord>,
) -> bool {
    let among = |list: &[String], value: &str| {
        list.is_empty() || list.iter().any(|x| x.eq_ignore_ascii_case(value.trim()))
    };
    (c.priorities.is_empty() || c.priorities.contains(&t.priority))
        && (c.channels.is_empty() || c.channels.contains(&t.channel))
        && (c.departments.is_empty() || t.department.is_some_and(|d| c.departments.contains(&d)))
        && (c.types.is_empty() || t.ticket_type.is_some_and(|ty| c.types.contains(&ty)))
        && (c.tags.is_empty()
            || c.tags
                .iter()
                .any(|want| tags.iter().any(|have| have.eq_ignore_ascii_case(want))))
        && among(
            &c.groups,
            contact.map(|c| c.group.as_str()).unwrap_or_default(),
        )
        && among(
            &c.organizations,
            contact.map(|c| c.organization.as_str()).unwrap_or_default(),
        )
}

fn valid(p: &SlaPolicy) -> std::result::Result<SlaPolicy, Vec<model::FieldError>> {
    let mut errors = Vec::new();
    let name = model::validate::one_line(&p.name);
    if name.trim().is_empty() || name.chars().count() > 80 {
        errors.push(model::FieldError::new("name", "error.policy_name"));
    }
    let targets = [
        p.targets.first_response,
        p.targets.next_response,
        p.targets.resolution,
    ];
    if targets.iter().all(Option::is_none) {
        errors.push(model::FieldError::new("targets", "error.policy_targets"));
    }
    if targets
        .iter()
        .flatten()
        .any(|m| *m == 0 || *m > MAX_TARGET_MINUTES)
    {
        errors.push(model::FieldError::new(
            "targets",
            "error.policy_target_range",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let clean = |list: &[String]| -> Vec<String> {
        let mut out: Vec<String> = list
            .iter()
            .map(|s| model::validate::one_line(s).trim().to_string())
            .filter(|s| !s.is_empty())
            .take(50)
            .collect();
        out.sort();
        out.dedup();
        out
    };
    Ok(SlaPolicy {
        name,
        conditions: SlaConditions {
            tags: clean(&p.conditions.tags),
            groups: clean(&p.conditions.groups),
            organizations: clean(&p.conditions.organizations),
            ..p.conditions.clone()
        },
        ..p.clone()
    })
}

/// The calendar a policy (choosing `chosen`, or none) counts in for a ticket of
/// `department`: the chosen one, else the department's, else the desk's default, else
/// every minute.
pub(crate) fn calendar_in(
    calendars: &impl ReadableTable<u64, &'static [u8]>,
    department_calendars: &impl ReadableTable<u64, u64>,
    settings: &impl ReadableTable<&'static str, &'static [u8]>,
    chosen: Option<u64>,
    department: Option<u64>,
) -> Result<Calendar> {
    let mut id = chosen;
    if id.is_none() {
        if let Some(d) = department {
            id = department_calendars.get(d)?.map(|v| v.value());
        }
    }
    if id.is_none() {
        id = settings
            .get("default_calendar")?
            .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes));
    }
    Ok(match id.and_then(|id| calendars.get(id).ok().flatten()) {
        Some(raw) => codec::decode(raw.value())?,
        None => Calendar::default(),
    })
}

fn calendar_for(
    txn: &ReadTransaction,
    policy: &SlaPolicy,
    department: Option<u64>,
) -> Result<Calendar> {
    calendar_in(
        &txn.open_table(tables::CALENDARS)?,
        &txn.open_table(tables::DEPARTMENT_CALENDARS)?,
        &txn.open_table(tables::SETTINGS)?,
        policy.calendar,
        department,
    )
}

/// The calendar ticket `t` counts in, in a write transaction: its policy's, else its
/// department's, else the desk's.
pub(crate) fn ticket_calendar(txn: &WriteTransaction, t: &TicketRecord) -> Result<Calendar> {
    match matching_policy(txn, t)? {
        Some((_, calendar)) => Ok(calendar),
        None => calendar_w(txn, None, t.department),
    }
}

fn calendar_w(
    txn: &WriteTransaction,
    chosen: Option<u64>,
    department: Option<u64>,
) -> Result<Calendar> {
    calendar_in(
        &txn.open_table(tables::CALENDARS)?,
        &txn.open_table(tables::DEPARTMENT_CALENDARS)?,
        &txn.open_table(tables::SETTINGS)?,
        chosen,
        department,
    )
}

/// The policy that applies to ticket `t` and its calendar, in a write transaction.
fn matching_policy(
    txn: &WriteTransaction,
    t: &TicketRecord,
) -> Result<Option<(SlaPolicy, Calendar)>> {
    let (policies, _) = read_policies(&txn.open_table(tables::SETTINGS)?)?;
    if policies.is_empty() {
        return Ok(None);
    }
    let contact: Option<ContactRecord> = match txn.open_table(tables::CONTACTS)?.get(t.requester)? {
        Some(raw) => Some(codec::decode(raw.value())?),
        None => None,
    };
    let tags = crate::tickets::tag_labels(&txn.open_table(tables::TAGS)?, &t.tags)?;
    let Some(policy) = policies
        .into_iter()
        .find(|p| matches(&p.conditions, t, &tags, contact.as_ref()))
    else {
        return Ok(None);
    };
    let calendar = calendar_w(txn, policy.calendar, t.department)?;
    Ok(Some((policy, calendar)))
}

/// When a new ticket's first answer is due by its policy, and the calendar that counts
/// (to say the time in its zone); `None` without a policy or a first-response target.
pub(crate) fn first_response_due(
    txn: &WriteTransaction,
    t: &TicketRecord,
) -> Result<Option<(DateTime<Utc>, Calendar)>> {
    let Some((policy, calendar)) = matching_policy(txn, t)? else {
        return Ok(None);
    };
    let Some(target) = policy.targets.first_response else {
        return Ok(None);
    };
    let due = Hours::new(&calendar).add(t.created_at, i64::from(target));
    Ok(due.map(|d| (d, calendar)))
}

/// Ticket `t`'s policy and clocks as of `now`, if a policy applies.
pub(crate) fn ticket_sla(
    txn: &ReadTransaction,
    t: &TicketRecord,
    now: DateTime<Utc>,
) -> Result<Option<TicketSla>> {
    let (policies, warn) = read_policies(&txn.open_table(tables::SETTINGS)?)?;
    if policies.is_empty() {
        return Ok(None);
    }
    let contact: Option<ContactRecord> = match txn.open_table(tables::CONTACTS)?.get(t.requester)? {
        Some(raw) => Some(codec::decode(raw.value())?),
        None => None,
    };
    let tags = t
        .tags
        .iter()
        .map(|&id| crate::tickets::label(txn, tables::TAGS, id))
        .collect::<Result<Vec<_>>>()?;
    let Some(policy) = policies
        .iter()
        .find(|p| matches(&p.conditions, t, &tags, contact.as_ref()))
    else {
        return Ok(None);
    };
    let calendar = calendar_for(txn, policy, t.department)?;
    let hours = Hours::new(&calendar);
    // What happened, in order: status changes from the history, answers and messages
    // from the conversation (the first message opened the ticket).
    let mut events: Vec<(DateTime<Utc>, Happened)> = Vec::new();
    let audit = txn.open_table(tables::AUDIT)?;
    for entry in txn
        .open_table(tables::AUDIT_BY_TICKET)?
        .range((t.number, 0)..=(t.number, u64::MAX))?
    {
        let id = entry?.0.value().1;
        if let Some(raw) = audit.get(id)? {
            let r: AuditRecord = codec::decode(raw.value())?;
            if let Change::StatusChanged { to, .. } = r.change {
                events.push((r.at, Happened::Status(to)));
            }
        }
    }
    let messages = txn.open_table(tables::MESSAGES)?;
    for (i, entry) in txn
        .open_table(tables::TICKET_MESSAGES)?
        .range((t.number, 0)..=(t.number, u64::MAX))?
        .enumerate()
    {
        let id = entry?.0.value().1;
        let Some(raw) = messages.get(id)? else {
            continue;
        };
        let m: MessageRecord = codec::decode(raw.value())?;
        if m.kind != model::MessageKind::Reply || i == 0 {
            continue;
        }
        match m.author {
            Actor::Agent(_) => events.push((m.created_at, Happened::AgentReply)),
            Actor::Contact(_) => events.push((m.created_at, Happened::CustomerReply)),
            Actor::System | Actor::Rule(_) => {}
        }
    }
    events.sort_by_key(|(at, _)| *at);
    let (first_response, next_response, resolution) = clocks(
        &hours,
        &policy.targets,
        t.created_at,
        model::TicketStatus::New,
        &events,
        now,
        warn,
    );
    Ok(Some(TicketSla {
        policy: policy.name.clone(),
        first_response,
        next_response,
        resolution,
    }))
}

/// When ticket `t`'s nearest running clock warns and is due, as of `now`; `None` when
/// no clock runs (no policy, met, or standing still).
pub(crate) fn nearest(
    txn: &ReadTransaction,
    t: &TicketRecord,
    now: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    if matches!(
        t.status,
        model::TicketStatus::Resolved | model::TicketStatus::Closed
    ) || t.merged_into.is_some()
    {
        return Ok(None);
    }
    let Some(sla) = ticket_sla(txn, t, now)? else {
        return Ok(None);
    };
    Ok([sla.first_response, sla.next_response, sla.resolution]
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c.warn_at.or(c.due)?, c.due?)))
        .min_by_key(|(_, due)| *due))
}

/// Whether the desk has any service-level policy.
pub(crate) fn any_policy(txn: &ReadTransaction) -> Result<bool> {
    Ok(!read_policies(&txn.open_table(tables::SETTINGS)?)?
        .0
        .is_empty())
}

impl Engine {
    /// The policies in order, and the warning share (percent).
    pub fn sla_policies(&self, agent: u64) -> Result<(Vec<SlaPolicy>, u8)> {
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        read_policies(&txn.open_table(tables::SETTINGS)?)
    }

    /// An admin adds (`id` 0, at the end) or changes a policy.
    pub fn save_sla_policy(&self, admin: u64, p: &SlaPolicy) -> Result<SlaPolicy> {
        let done = self.save_sla_policy_now(admin, p)?;
        // The inbox's dues follow the change.
        self.recompute_sla();
        Ok(done)
    }

    fn save_sla_policy_now(&self, admin: u64, p: &SlaPolicy) -> Result<SlaPolicy> {
        let mut p = valid(p).map_err(Error::invalid)?;
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if let Some(c) = p.calendar {
                if txn.open_table(tables::CALENDARS)?.get(c)?.is_none() {
                    return Err(Error::not_found("Calendar"));
                }
            }
            let mut settings = txn.open_table(tables::SETTINGS)?;
            let (mut all, _) = read_policies(&settings)?;
            if p.id == 0 {
                if all.len() >= MAX_POLICIES {
                    return Err(Error::invalid(vec![model::FieldError::new(
                        "name",
                        "error.policy_count",
                    )]));
                }
                drop(settings);
                p.id = crate::store::next_id(&mut txn.open_table(tables::COUNTERS)?, "sla_policy")?;
                settings = txn.open_table(tables::SETTINGS)?;
                all.push(p.clone());
            } else {
                match all.iter_mut().find(|x| x.id == p.id) {
                    Some(x) => *x = p.clone(),
                    None => return Err(Error::not_found("Policy")),
                }
            }
            settings.insert(POLICIES_KEY, codec::encode(&all)?.as_slice())?;
            Ok((p.clone(), Vec::new()))
        })
    }

    /// An admin removes a policy, or moves it one place up (`Some(true)`) or down.
    pub fn change_sla_policy(&self, admin: u64, id: u64, up: Option<bool>) -> Result<()> {
        self.change_sla_policy_now(admin, id, up)?;
        // The inbox's dues follow the change.
        self.recompute_sla();
        Ok(())
    }

    fn change_sla_policy_now(&self, admin: u64, id: u64, up: Option<bool>) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut settings = txn.open_table(tables::SETTINGS)?;
            let (mut all, _) = read_policies(&settings)?;
            let Some(i) = all.iter().position(|p| p.id == id) else {
                return Err(Error::not_found("Policy"));
            };
            match up {
                None => {
                    all.remove(i);
                }
                Some(true) if i > 0 => all.swap(i, i - 1),
                Some(false) if i + 1 < all.len() => all.swap(i, i + 1),
                Some(_) => {}
            }
            settings.insert(POLICIES_KEY, codec::encode(&all)?.as_slice())?;
            Ok(((), Vec::new()))
        })
    }

    /// An admin sets after what share of a target (1–99 %) a clock warns.
    pub fn set_sla_warning(&self, admin: u64, percent: u8) -> Result<()> {
        self.set_sla_warning_now(admin, percent)?;
        // The inbox's dues follow the change.
        self.recompute_sla();
        Ok(())
    }

    fn set_sla_warning_now(&self, admin: u64, percent: u8) -> Result<()> {
        if !(1..=99).contains(&percent) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "warn",
                "error.policy_warn",
            )]));
        }
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            txn.open_table(tables::SETTINGS)?
                .insert(WARN_KEY, [percent].as_slice())?;
            Ok(((), Vec::new()))
        })
    }
}

impl Engine {
    /// Puts each service-level warning and breach of the open tickets into their
    /// history, once per clock, and tells the assignee (else the department's leader).
    /// Run every minute; answers how many it told.
    pub fn sla_sweep(&self) -> Result<usize> {
        let now = self.now();
        // Read first: which clocks are near or past their targets and not yet told.
        let found: Vec<(u64, u8, bool, i64)> = {
            let txn = self.read()?;
            if read_policies(&txn.open_table(tables::SETTINGS)?)?
                .0
                .is_empty()
            {
                return Ok(0);
            }
            let told = txn.open_table(tables::SLA_EVENTS)?;
            let by_status = txn.open_table(tables::TICKETS_BY_STATUS)?;
            let mut found = Vec::new();
            for status in [
                model::TicketStatus::New,
                model::TicketStatus::Open,
                model::TicketStatus::Answered,
            ] {
                let code = status.code();
                for entry in by_status.range((code, 0)..=(code, u64::MAX))? {
                    let number = entry?.0.value().1;
                    let t = crate::tickets::read_ticket(&txn, number)?;
                    let Some(sla) = ticket_sla(&txn, &t, now)? else {
                        continue;
                    };
                    for (i, clock) in [sla.first_response, sla.next_response, sla.resolution]
                        .into_iter()
                        .enumerate()
                    {
                        let Some(c) = clock else { continue };
                        let breached = match c.state {
                            model::ClockState::Warning => false,
                            model::ClockState::Breached => true,
                            _ => continue,
                        };
                        let due = c.due.map(|d| d.timestamp() / 60).unwrap_or_default();
                        let key = (number, i as u8 * 2 + u8::from(breached));
                        if told.get(key)?.map(|v| v.value()) != Some(due) {
                            found.push((number, i as u8, breached, due));
                        }
                    }
                }
            }
            found
        };
        if found.is_empty() {
            return Ok(0);
        }
        let told = found.len();
        self.write(|txn| {
            let mut events = Vec::new();
            for (number, clock, breached, due) in found {
                txn.open_table(tables::SLA_EVENTS)?
                    .insert((number, clock * 2 + u8::from(breached)), due)?;
                crate::audit(
                    txn,
                    Some(number),
                    Actor::System,
                    Change::Sla { clock, breached },
                    now,
                )?;
                let t = crate::tickets::get_ticket(txn, number)?;
                let leader = crate::tickets::leader_of(txn, t.department)?;
                if let Some(who) = t.assignee.or(leader) {
                    let kind = if breached {
                        model::NotificationKind::SlaBreached
                    } else {
                        model::NotificationKind::SlaWarning
                    };
                    events.push(crate::notify::notify(
                        txn,
                        who,
                        number,
                        kind,
                        Actor::System,
                        now,
                    )?);
                }
                events.push(crate::Event::TicketChanged(number));
            }
            Ok((told, events))
        })
    }
}
