//! Business-hours calendars, kept by the desk: their weekly hours, time zone and
//! holidays (typed, or imported from an iCal file), the one each department uses and
//! the desk's default.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use model::{Calendar, Holiday};
use redb::ReadableTable;

use crate::access::{caller_in, caller_read};
use crate::store::{self, codec, tables};
use crate::{Engine, Error, Result};

/// Intervals a day may have, holidays a calendar may have, and the longest name.
pub const MAX_INTERVALS: usize = 6;
pub const MAX_HOLIDAYS: usize = 1000;
pub const NAME_MAX_CHARS: usize = 80;

const DEFAULT_KEY: &str = "default_calendar";

/// Every calendar, the desk's default, and (department, calendar) for those with
/// their own.
pub type Calendars = (Vec<Calendar>, Option<u64>, Vec<(u64, u64)>);

/// The hours the desk keeps for a department, as the portal shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    pub calendar: Calendar,
    pub open_now: bool,
    /// When it next opens, if closed now.
    pub next_open: Option<DateTime<Utc>>,
}

fn valid(c: &Calendar) -> std::result::Result<Calendar, Vec<model::FieldError>> {
    let mut errors = Vec::new();
    let name = model::validate::one_line(&c.name);
    if name.trim().is_empty() || name.chars().count() > NAME_MAX_CHARS {
        errors.push(model::FieldError::new("name", "error.calendar_name"));
    }
    if c.time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.push(model::FieldError::new("time_zone", "error.time_zone"));
    }
    let mut week = c.week.clone();
    for day in week.iter_mut() {
        day.retain(|i| !(i.start == 0 && i.end == 0));
        if day.len() > MAX_INTERVALS || day.iter().any(|i| i.start >= i.end || i.end > 24 * 60) {
            errors.push(model::FieldError::new("week", "error.calendar_hours"));
            break;
        }
        day.sort_by_key(|i| i.start);
        if day.windows(2).any(|w| w[1].start < w[0].end) {
            errors.push(model::FieldError::new("week", "error.calendar_overlap"));
            break;
        }
    }
    if c.holidays.len() > MAX_HOLIDAYS {
        errors.push(model::FieldError::new(
            "holidays",
            "error.calendar_holidays",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut holidays: Vec<Holiday> = c
        .holidays
        .iter()
        .map(|h| Holiday {
            date: h.date,
            yearly: h.yearly,
            name: model::validate::one_line(&h.name)
                .chars()
                .take(NAME_MAX_CHARS)
                .collect(),
        })
        .collect();
    holidays.sort_by_key(|h| h.date);
    holidays.dedup_by(|a, b| a.date == b.date && a.yearly == b.yearly);
    Ok(Calendar {
        id: c.id,
        name,
        time_zone: c.time_zone.clone(),
        week,
        holidays,
    })
}

/// Holidays an iCal file names: each all-day (or timed) event's days, yearly when its
/// rule repeats yearly. Unreadable lines are passed over.
pub fn holidays_from_ical(text: &str) -> Vec<Holiday> {
    // Lines folded by a leading space or tab continue the previous one (RFC 5545 3.1).
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let raw = raw.trim_end_matches('\r');
        match raw.strip_prefix([' ', '\t']) {
            Some(rest) if !lines.is_empty() => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(rest);
                }
            }
            _ => lines.push(raw.to_string()),
        }
    }
    let date_of = |value: &str| -> Option<NaiveDate> {
        let digits: String = value.chars().take(8).collect();
        NaiveDate::parse_from_str(&digits, "%Y%m%d").ok()
    };
    let mut out = Vec::new();
    let (mut start, mut end, mut name, mut yearly, mut inside) =
        (None, None, String::new(), false, false);
    for line in &lines {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let prop = key
            .split(';')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match (prop.as_str(), value.trim()) {
            ("BEGIN", v) if v.eq_ignore_ascii_case("VEVENT") => {
                (start, end, name, yearly, inside) = (None, None, String::new(), false, true);
            }
            ("DTSTART", v) if inside => start = date_of(v),
            ("DTEND", v) if inside => end = date_of(v),
            ("SUMMARY", v) if inside => {
                name = v
                    .replace("\\,", ",")
                    .replace("\\;", ";")
                    .replace("\\n", " ");
            }
            ("RRULE", v) if inside => yearly = v.to_ascii_uppercase().contains("FREQ=YEARLY"),
            ("END", v) if v.eq_ignore_ascii_case("VEVENT") && inside => {
                inside = false;
                let Some(first) = start else { continue };
                // DTEND of an all-day event is the day after; at most a month is taken.
                let last = end
                    .map(|e| e - Duration::days(1))
                    .filter(|e| *e >= first && *e - first <= Duration::days(31))
                    .unwrap_or(first);
                let mut d = first;
                while d <= last && out.len() < MAX_HOLIDAYS {
                    out.push(Holiday {
                        date: d,
                        yearly,
                        name: name.chars().take(NAME_MAX_CHARS).collect(),
                    });
                    d += Duration::days(1);
                }
            }
            _ => {}
        }
    }
    out
}

fn read_all(txn: &redb::ReadTransaction) -> Result<Vec<Calendar>> {
    let mut out = Vec::new();
    for entry in txn.open_table(tables::CALENDARS)?.iter()? {
        out.push(codec::decode(entry?.1.value())?);
    }
    Ok(out)
}

impl Engine {
    /// Every calendar, with the desk's default and each department's.
    pub fn calendars(&self, agent: u64) -> Result<Calendars> {
        let txn = self.read()?;
        caller_read(&txn, agent)?;
        let default = txn
            .open_table(tables::SETTINGS)?
            .get(DEFAULT_KEY)?
            .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes));
        let mut departments = Vec::new();
        for entry in txn.open_table(tables::DEPARTMENT_CALENDARS)?.iter()? {
            let (d, c) = entry?;
            departments.push((d.value(), c.value()));
        }
        Ok((read_all(&txn)?, default, departments))
    }

    /// An admin adds (`id` 0) or changes a calendar.
    pub fn save_calendar(&self, admin: u64, c: &Calendar) -> Result<Calendar> {
        let done = self.save_calendar_now(admin, c)?;
        // The inbox's dues follow the change.
        self.recompute_sla();
        Ok(done)
    }

    fn save_calendar_now(&self, admin: u64, c: &Calendar) -> Result<Calendar> {
        let mut c = valid(c).map_err(Error::invalid)?;
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut calendars = txn.open_table(tables::CALENDARS)?;
            if c.id == 0 {
                c.id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "calendar")?;
            } else if calendars.get(c.id)?.is_none() {
                return Err(Error::not_found("Calendar"));
            }
            calendars.insert(c.id, codec::encode(&c)?.as_slice())?;
            Ok((c.clone(), Vec::new()))
        })
    }

    /// An admin removes a calendar; departments that used it fall back to the default.
    pub fn delete_calendar(&self, admin: u64, id: u64) -> Result<()> {
        self.delete_calendar_now(admin, id)?;
        // The inbox's dues follow the change.
        self.recompute_sla();
        Ok(())
    }

    fn delete_calendar_now(&self, admin: u64, id: u64) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if txn.open_table(tables::CALENDARS)?.remove(id)?.is_none() {
                return Err(Error::not_found("Calendar"));
            }
            let mut uses = txn.open_table(tables::DEPARTMENT_CALENDARS)?;
            let gone: Vec<u64> = uses
                .iter()?
                .filter_map(|e| e.ok())
                .filter(|(_, c)| c.value() == id)
                .map(|(d, _)| d.value())
                .collect();
            for d in gone {
                uses.remove(d)?;
            }
            let mut settings = txn.open_table(tables::SETTINGS)?;
            let is_default = settings
                .get(DEFAULT_KEY)?
                .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes))
                == Some(id);
            if is_default {
                settings.remove(DEFAULT_KEY)?;
            }
            Ok(((), Vec::new()))
        })
    }

    /// An admin sets the calendar of department `department` (`None`: the desk's
    /// default), or with `department` `None` the desk's default.
    pub fn use_calendar(
        &self,
        admin: u64,
        department: Option<u64>,
        calendar: Option<u64>,
    ) -> Result<()> {
        self.use_calendar_now(admin, department, calendar)?;
        // The inbox's dues follow the change.
        self.recompute_sla();
        Ok(())
    }

    fn use_calendar_now(
        &self,
        admin: u64,
        department: Option<u64>,
        calendar: Option<u64>,
    ) -> Result<()> {
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            if let Some(c) = calendar {
                if txn.open_table(tables::CALENDARS)?.get(c)?.is_none() {
                    return Err(Error::not_found("Calendar"));
                }
            }
            match department {
                Some(d) => {
                    if txn.open_table(tables::DEPARTMENTS)?.get(d)?.is_none() {
                        return Err(Error::not_found("Department"));
                    }
                    let mut uses = txn.open_table(tables::DEPARTMENT_CALENDARS)?;
                    match calendar {
                        Some(c) => uses.insert(d, c)?,
                        None => uses.remove(d)?,
                    };
                }
                None => {
                    let mut settings = txn.open_table(tables::SETTINGS)?;
                    match calendar {
                        Some(c) => settings.insert(DEFAULT_KEY, c.to_le_bytes().as_slice())?,
                        None => settings.remove(DEFAULT_KEY)?,
                    };
                }
            }
            Ok(((), Vec::new()))
        })
    }

    /// An admin adds the holidays of an iCal file to calendar `id`; answers how many
    /// were new.
    pub fn import_holidays(&self, admin: u64, id: u64, ical: &str) -> Result<usize> {
        let done = self.import_holidays_now(admin, id, ical)?;
        // The inbox's dues follow the change.
        self.recompute_sla();
        Ok(done)
    }

    fn import_holidays_now(&self, admin: u64, id: u64, ical: &str) -> Result<usize> {
        let found = holidays_from_ical(ical);
        if found.is_empty() {
            return Err(Error::invalid(vec![model::FieldError::new(
                "ical",
                "error.ical_empty",
            )]));
        }
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            let mut calendars = txn.open_table(tables::CALENDARS)?;
            let mut c: Calendar = match calendars.get(id)? {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("Calendar")),
            };
            let before = c.holidays.len();
            c.holidays.extend(found.iter().cloned());
            let c = valid(&c).map_err(Error::invalid)?;
            let added = c.holidays.len().saturating_sub(before);
            calendars.insert(id, codec::encode(&c)?.as_slice())?;
            Ok((added, Vec::new()))
        })
    }

    /// The calendar department `department` keeps (its own, else the desk's default).
    pub fn calendar_of(&self, department: Option<u64>) -> Result<Option<Calendar>> {
        let txn = self.read()?;
        let own = match department {
            Some(d) => txn
                .open_table(tables::DEPARTMENT_CALENDARS)?
                .get(d)?
                .map(|v| v.value()),
            None => None,
        };
        let id = match own {
            Some(id) => Some(id),
            None => txn
                .open_table(tables::SETTINGS)?
                .get(DEFAULT_KEY)?
                .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes)),
        };
        let Some(id) = id else { return Ok(None) };
        Ok(match txn.open_table(tables::CALENDARS)?.get(id)? {
            Some(raw) => Some(codec::decode(raw.value())?),
            None => None,
        })
    }

    /// The hours of department `department` (or the desk's), and whether it is open
    /// now: what the portal shows a customer. Anyone may ask.
    pub fn opening_hours(&self, department: Option<u64>) -> Result<Option<OpeningHours>> {
        let Some(calendar) = self.calendar_of(department)? else {
            return Ok(None);
        };
        let now = self.now();
        let hours = super::Hours::new(&calendar);
        let open_now = hours.is_open(now);
        let next_open = if open_now { None } else { hours.next_open(now) };
        Ok(Some(OpeningHours {
            calendar,
            open_now,
            next_open,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::OpenInterval;

    #[test]
    fn ical_holidays_are_read_with_their_days_and_rules() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\\, and St Stephen\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:20260608T000000Z\r\nSUMMARY:Day of\r\n  Statehood\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:no date\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let h = holidays_from_ical(ics);
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].date, NaiveDate::from_ymd_opt(2026, 12, 25).expect("d"));
        assert_eq!(h[1].date, NaiveDate::from_ymd_opt(2026, 12, 26).expect("d"));
        assert!(h[0].yearly && h[1].yearly && !h[2].yearly);
        assert_eq!(h[0].name, "Christmas, and St Stephen");
        assert_eq!(h[2].name, "Day of Statehood");
    }

    #[test]
    fn calendars_are_checked() {
        let mut c = Calendar::weekdays("Europe/Ljubljana", 9, 17);
        c.name = "Office".into();
        assert!(valid(&c).is_ok());
        let bad = Calendar {
            time_zone: "Mars/Olympus".into(),
            ..c.clone()
        };
        assert!(valid(&bad).is_err());
        let mut overlap = c.clone();
        overlap.week[0].push(OpenInterval {
            start: 16 * 60,
            end: 18 * 60,
        });
        assert!(valid(&overlap).is_err());
    }
}
