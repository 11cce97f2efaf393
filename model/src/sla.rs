//! Service levels: business-hours calendars (and, with them, what the desk promises).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One opening interval of a day, in minutes from local midnight: from `start` up to
/// (not including) `end`, at most 1440 (midnight at the day's end).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInterval {
    pub start: u16,
    pub end: u16,
}

/// A day the desk is closed: once, or every year on that day and month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub yearly: bool,
    pub name: String,
}

/// Business hours: a time zone, the opening intervals of each weekday (Monday first),
/// and holidays. A calendar with no interval on any day counts every minute (24/7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub id: u64,
    pub name: String,
    /// An IANA time zone name (`Europe/Ljubljana`).
    pub time_zone: String,
    pub week: [Vec<OpenInterval>; 7],
    pub holidays: Vec<Holiday>,
}

impl Calendar {
    /// Monday to Friday, `from` to `to` o'clock, in `zone`.
    pub fn weekdays(zone: &str, from: u16, to: u16) -> Calendar {
        let day = vec![OpenInterval {
            start: from * 60,
            end: to * 60,
        }];
        Calendar {
            time_zone: zone.into(),
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            ..Calendar::default()
        }
    }
}

/// What the portal shows of the desk's hours: whether it is open now, when it next
/// opens (weekday, Monday 0, and local time), and each weekday's hours as text, in the
/// calendar's time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursSummary {
    pub open_now: bool,
    pub opens: Option<(u8, String)>,
    pub week: Vec<String>,
    pub time_zone: String,
}

/// Service-level targets, in business minutes; `None`: no promise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTargets {
    pub first_response: Option<u32>,
    pub next_response: Option<u32>,
    pub resolution: Option<u32>,
}

/// Where a service-level clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockState {
    Running,
    /// Most of its time is used (the warning share, 80 % unless set otherwise).
    Warning,
    /// Standing still: the ticket waits on someone else, or is done.
    Paused,
    Breached,
    Met,
    MetLate,
}

/// One clock of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClock {
    pub target_minutes: u32,
    pub used_minutes: i64,
    /// When it is due (or was breached); `None` when met or standing still.
    pub due: Option<DateTime<Utc>>,
    /// When it comes (or came) near its target; `None` when met or standing still.
    #[serde(default)]
    pub warn_at: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    pub state: ClockState,
}

/// Which tickets a policy is for: each list that names something must hold (any of its
/// values); an empty list holds for every ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaConditions {
    pub priorities: Vec<crate::Priority>,
    pub channels: Vec<crate::Channel>,
    pub departments: Vec<u64>,
    pub types: Vec<u64>,
    pub tags: Vec<String>,
    /// Customer groups of the requester.
    pub groups: Vec<String>,
    pub organizations: Vec<String>,
}

/// A service-level policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub id: u64,
    pub name: String,
    pub conditions: SlaConditions,
    pub targets: SlaTargets,
    /// The calendar its minutes count in; `None`: the ticket's department's.
    pub calendar: Option<u64>,
}

/// A ticket's policy and clocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSla {
    pub policy: String,
    pub first_response: Option<SlaClock>,
    pub next_response: Option<SlaClock>,
    pub resolution: Option<SlaClock>,
}
