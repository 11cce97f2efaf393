//! The desk's own setup, kept by admins: departments, ticket types, tags and settings;
//! and the timers that move tickets on by themselves (postponed tickets reopen,
//! resolved tickets close after the configured days).

use chrono::Duration;
use model::{Department, DeskLists, Label, TicketStatus};
use redb::ReadableTable;

use crate::access::caller_in;
use crate::store::records::{Actor, Change, DepartmentRecord, Job, LabelRecord, TicketRecord};
use crate::store::{self, codec, tables};
use crate::tickets::{change_status, get_ticket, put_ticket};
use crate::{audit, enqueue, Engine, Error, Event, Result};

/// Days a resolved ticket waits for the customer before it closes, unless set.
pub const DEFAULT_AUTO_CLOSE_DAYS: u32 = 7;

/// Most tickets one timer run moves on (the rest wait for the next run).
const TIMER_BATCH: usize = 500;

impl Engine {
    /// Every department, by id.
    pub fn departments(&self) -> Result<Vec<Department>> {
        let txn = self.read()?;
        let table = txn.open_table(tables::DEPARTMENTS)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let d: DepartmentRecord = codec::decode(entry?.1.value())?;
            out.push(Department {
                id: d.id,
                name: d.name,
                leader: d.leader,
                members: d.members,
            });
        }
        Ok(out)
    }

    /// Creates (id 0) or changes a department: admins only. Its leader and members must
    /// be agents.
    pub fn save_department(&self, by: u64, d: &Department) -> Result<Department> {
        let name = model::validate::one_line(&d.name);
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::invalid(vec![model::FieldError::new(
                "name",
                "error.name_required",
            )]));
        }
        self.write(|txn| {
            caller_in(txn, by)?.must_be_admin()?;
            let agents = txn.open_table(tables::AGENTS)?;
            for a in d.leader.iter().chain(&d.members) {
                if agents.get(*a)?.is_none() {
                    return Err(Error::not_found("Agent"));
                }
            }
            drop(agents);
            let id = if d.id == 0 {
                store::next_id(&mut txn.open_table(tables::COUNTERS)?, "department")?
            } else {
                if txn.open_table(tables::DEPARTMENTS)?.get(d.id)?.is_none() {
                    return Err(Error::not_found("Department"));
                }
                d.id
            };
            let mut members = d.members.clone();
            members.sort_unstable();
            members.dedup();
            let record = DepartmentRecord {
                id,
                name: name.clone(),
                leader: d.leader,
                members: members.clone(),
            };
            txn.open_table(tables::DEPARTMENTS)?
                .insert(id, codec::encode(&record)?.as_slice())?;
            audit(
                txn,
                None,
                Actor::Agent(by),
                Change::DepartmentSaved { department: id },
                self.now(),
            )?;
            Ok((
                Department {
                    id,
                    name,
                    leader: d.leader,
                    members,
                },
                Vec::new(),
            ))
        })
    }

    /// What the workspace offers to choose from: active agents, departments, types.
    pub fn desk_lists(&self) -> Result<DeskLists> {
        let agents = self
            .agents()?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| Label {
                id: a.id,
                name: a.name,
            })
            .collect();
        let departments = self
            .departments()?
            .into_iter()
            .map(|d| Label {
                id: d.id,
                name: d.name,
            })
            .collect();
        Ok(DeskLists {
            agents,
            departments,
            ticket_types: self.ticket_types()?,
            tags: self.tags()?,
        })
    }

    /// The desk's ticket types.
    pub fn ticket_types(&self) -> Result<Vec<Label>> {
        self.labels(tables::TICKET_TYPES)
    }

    /// Every tag.
    pub fn tags(&self) -> Result<Vec<Label>> {
        self.labels(tables::TAGS)
    }

    fn labels(&self, table: redb::TableDefinition<u64, &[u8]>) -> Result<Vec<Label>> {
        let txn = self.read()?;
        let table = txn.open_table(table)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let l: LabelRecord = codec::decode(entry?.1.value())?;
            out.push(Label {
                id: l.id,
                name: l.name,
            });
        }
        Ok(out)
    }

    /// Adds a ticket type (id 0) or renames one: admins only.
    pub fn save_ticket_type(&self, by: u64, label: &Label) -> Result<Label> {
        let name = label_name(&label.name)?;
        self.write(|txn| {
            caller_in(txn, by)?.must_be_admin()?;
            let mut types = txn.open_table(tables::TICKET_TYPES)?;
            let id = if label.id == 0 {
                store::next_id(&mut txn.open_table(tables::COUNTERS)?, "ticket_type")?
            } else if types.get(label.id)?.is_some() {
                label.id
            } else {
                return Err(Error::not_found("Ticket type"));
            };
            let record = LabelRecord {
                id,
                name: name.clone(),
            };
            types.insert(id, codec::encode(&record)?.as_slice())?;
            Ok((Label { id, name }, Vec::new()))
        })
    }

    /// Renames a tag: admins only. Renaming it to another tag's name is refused: merge
    /// them instead.
    pub fn rename_tag(&self, by: u64, id: u64, name: &str) -> Result<Label> {
        let name = label_name(name)?;
        self.write(|txn| {
            caller_in(txn, by)?.must_be_admin()?;
            let mut tags = txn.open_table(tables::TAGS)?;
            let old: LabelRecord = match tags.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("Tag")),
            };
            let mut by_name = txn.open_table(tables::TAG_BY_NAME)?;
            let key = name.to_lowercase();
            if by_name
                .get(key.as_str())?
                .is_some_and(|other| other.value() != id)
            {
                return Err(Error::invalid(vec![model::FieldError::new(
                    "name",
                    "error.tag_exists",
                )]));
            }
            by_name.remove(old.name.to_lowercase().as_str())?;
            by_name.insert(key.as_str(), id)?;
            let record = LabelRecord {
                id,
                name: name.clone(),
            };
            tags.insert(id, codec::encode(&record)?.as_slice())?;
            Ok((Label { id, name }, Vec::new()))
        })
    }

    /// Merges tag `from` into tag `into`: its tickets carry `into` instead, and `from`
    /// is gone. Admins only; recorded in each ticket's history.
    pub fn merge_tags(&self, by: u64, from: u64, into: u64) -> Result<()> {
        if from == into {
            return Ok(());
        }
        let now = self.now();
        self.write(|txn| {
            caller_in(txn, by)?.must_be_admin()?;
            let mut tags = txn.open_table(tables::TAGS)?;
            let old: LabelRecord = match tags.get(from)? {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("Tag")),
            };
            if tags.get(into)?.is_none() {
                return Err(Error::not_found("Tag"));
            }
            tags.remove(from)?;
            drop(tags);
            txn.open_table(tables::TAG_BY_NAME)?
                .remove(old.name.to_lowercase().as_str())?;
            let numbers: Vec<u64> = txn
                .open_table(tables::TICKETS_BY_TAG)?
                .range((from, 0)..=(from, u64::MAX))?
                .map(|e| Ok(e?.0.value().1))
                .collect::<Result<_>>()?;
            let mut events = Vec::new();
            for number in numbers {
                let mut t = get_ticket(txn, number)?;
                let mut index = txn.open_table(tables::TICKETS_BY_TAG)?;
                index.remove((from, number))?;
                let added = if t.tags.contains(&into) {
                    t.tags.retain(|&x| x != from);
                    Vec::new()
                } else {
                    for x in t.tags.iter_mut().filter(|x| **x == from) {
                        *x = into;
                    }
                    index.insert((into, number), ())?;
                    vec![into]
                };
                drop(index);
                put_ticket(txn, &t)?;
                let change = Change::TagsChanged {
                    added,
                    removed: vec![from],
                };
                audit(txn, Some(number), Actor::Agent(by), change, now)?;
                enqueue(txn, &Job::IndexTicket(number))?;
                events.push(Event::TicketChanged(number));
            }
            Ok(((), events))
        })
    }

    /// The desk's name, time zone and default language (UTC and English unless set).
    pub fn desk_profile(&self) -> Result<model::DeskProfile> {
        let txn = self.read()?;
        let settings = txn.open_table(tables::SETTINGS)?;
        let text = |key: &str| -> Result<String> {
            Ok(settings
                .get(key)?
                .map(|v| String::from_utf8_lossy(v.value()).into_owned())
                .unwrap_or_default())
        };
        let time_zone = text("time_zone")?;
        let language = text("language")?;
        Ok(model::DeskProfile {
            address: text("address")?,
            name: text("desk_name")?,
            time_zone: if time_zone.is_empty() {
                "UTC".to_string()
            } else {
                time_zone
            },
            language: if language.is_empty() {
                model::LANGUAGES[0].0.to_string()
            } else {
                language
            },
        })
    }

    /// Sets the desk's name (at most 80 characters, empty for none), time zone (an IANA
    /// name) and default language (one the desk speaks): admins only.
    pub fn set_desk_profile(&self, by: u64, p: &model::DeskProfile) -> Result<model::DeskProfile> {
        let name = model::validate::one_line(&p.name);
        let mut errors = Vec::new();
        if name.chars().count() > 80 {
            errors.push(model::FieldError::new("name", "error.name_required"));
        }
        let zone = match time_zone(p.time_zone.trim(), "time_zone") {
            Ok(z) => z,
            Err(e) => {
                errors.extend(e.fields().iter().cloned());
                String::new()
            }
        };
        if !model::LANGUAGES.iter().any(|(c, _)| *c == p.language) {
            errors.push(model::FieldError::new("language", "error.generic"));
        }
        let address = p.address.trim().trim_end_matches('/').to_string();
        if !address.is_empty() && !is_web_address(&address) {
            errors.push(model::FieldError::new("address", "error.desk_address"));
        }
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let now = self.now();
        self.write(|txn| {
            caller_in(txn, by)?.must_be_admin()?;
            let mut settings = txn.open_table(tables::SETTINGS)?;
            settings.insert("desk_name", name.as_bytes())?;
            settings.insert("time_zone", zone.as_bytes())?;
            settings.insert("language", p.language.as_bytes())?;
            settings.insert("address", address.as_bytes())?;
            drop(settings);
            crate::audit(txn, None, Actor::Agent(by), Change::DeskProfileChanged, now)?;
            Ok(((), Vec::new()))
        })?;
        self.desk_profile()
    }

    /// Remembers `address` as the desk's address unless one is set (the first admin's
    /// setup page gives it).
    pub fn remember_address(&self, address: &str) -> Result<()> {
        let address = address.trim().trim_end_matches('/');
        if !is_web_address(address) || !self.desk_profile()?.address.is_empty() {
            return Ok(());
        }
        self.write(|txn| {
            let mut settings = txn.open_table(tables::SETTINGS)?;
            let empty = settings
                .get("address")?
                .is_none_or(|v| v.value().is_empty());
            if empty {
                settings.insert("address", address.as_bytes())?;
            }
            Ok(((), Vec::new()))
        })
    }

    /// Days after which a resolved ticket closes by itself.
    pub fn auto_close_days(&self) -> Result<u32> {
        let txn = self.read()?;
        setting_u32(&txn.open_table(tables::SETTINGS)?, "auto_close_days")
            .map(|d| d.unwrap_or(DEFAULT_AUTO_CLOSE_DAYS))
    }

    /// Sets the days after which a resolved ticket closes by itself (1 to 365): admins.
    pub fn set_auto_close_days(&self, by: u64, days: u32) -> Result<()> {
        if !(1..=365).contains(&days) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "auto_close_days",
                "error.days_range",
            )]));
        }
        self.write(|txn| {
            caller_in(txn, by)?.must_be_admin()?;
            txn.open_table(tables::SETTINGS)?
                .insert("auto_close_days", days.to_le_bytes().as_slice())?;
            Ok(((), Vec::new()))
        })
    }

    /// Moves tickets on by time: postponed tickets whose time has come reopen, and
    /// resolved tickets older than the auto-close days close. Returns how many moved; run
    /// it every minute or so.
    pub fn run_timers(&self) -> Result<usize> {
        let now = self.now();
        self.write(|txn| {
            let days = setting_u32(&txn.open_table(tables::SETTINGS)?, "auto_close_days")?
                .unwrap_or(DEFAULT_AUTO_CLOSE_DAYS);
            let due = |table, upto: i64| -> Result<Vec<(i64, u64)>> {
                let index = txn.open_table(table)?;
                let found = index
                    .range(..=(upto, u64::MAX))?
                    .take(TIMER_BATCH)
                    .map(|e| Ok(e?.0.value()))
                    .collect::<Result<Vec<_>>>()?;
                Ok(found)
            };
            let wake = due(tables::TICKETS_POSTPONED, now.timestamp())?;
            let close = due(
                tables::TICKETS_RESOLVED,
                (now - Duration::days(i64::from(days))).timestamp(),
            )?;
            let mut events = Vec::new();
            for (keys, table, from, to) in [
                (
                    wake,
                    tables::TICKETS_POSTPONED,
                    TicketStatus::Postponed,
                    TicketStatus::Open,
                ),
                (
                    close,
                    tables::TICKETS_RESOLVED,
                    TicketStatus::Resolved,
                    TicketStatus::Closed,
                ),
            ] {
                for key in keys {
                    let number = key.1;
                    let mut t: TicketRecord = get_ticket(txn, number)?;
                    if t.status != from {
                        // A stale entry: the ticket moved on already.
                        txn.open_table(table)?.remove(key)?;
                        continue;
                    }
                    change_status(txn, &mut t, to, Actor::System, now)?;
                    t.updated_at = now;
                    put_ticket(txn, &t)?;
                    enqueue(txn, &Job::IndexTicket(number))?;
                    events.push(Event::TicketChanged(number));
                }
            }
            Ok((events.len(), events))
        })
    }
}

fn label_name(name: &str) -> Result<String> {
    let name = model::validate::one_line(name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::invalid(vec![model::FieldError::new(
            "name",
            "error.name_required",
        )]));
    }
    Ok(name)
}

/// `zone` as a known IANA time zone name (its canonical spelling), else an invalid
/// `field`.
pub fn time_zone(zone: &str, field: &str) -> Result<String> {
    zone.parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_string())
        .map_err(|_| Error::invalid(vec![model::FieldError::new(field, "error.time_zone")]))
}

/// Whether `s` is a web address without a path: `http(s)://host[:port]`.
fn is_web_address(s: &str) -> bool {
    let Some(rest) = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest.len() <= 253
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
}

/// Every time zone the desk knows, by name.
pub fn time_zones() -> Vec<&'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect()
}

pub(crate) fn setting_u32(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<u32>> {
    Ok(table.get(key)?.and_then(|v| {
        let b = v.value();
        (b.len() == 4).then(|| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }))
}
