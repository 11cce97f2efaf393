//! Business hours: a calendar's weekly opening hours in its own time zone, less its
//! holidays, and arithmetic in business minutes across midnight, weekends, holidays and
//! daylight-saving changes. Pure functions of the calendar and instants in UTC.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use model::Calendar;

/// How far ahead a search for open hours looks before it gives up (a calendar whose
/// holidays cover everything).
const HORIZON_DAYS: i64 = 3 * 366;

/// A calendar ready for arithmetic.
pub struct Hours<'a> {
    calendar: &'a Calendar,
    zone: Tz,
    /// No opening hours on any day: then every minute counts (24/7).
    always: bool,
}

impl<'a> Hours<'a> {
    pub fn new(calendar: &'a Calendar) -> Hours<'a> {
        Hours {
            calendar,
            zone: calendar.time_zone.parse().unwrap_or(Tz::UTC),
            always: calendar.week.iter().all(|day| day.is_empty()),
        }
    }

    /// Whether local date `d` is a holiday.
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.calendar.holidays.iter().any(|h| {
            h.date == d || (h.yearly && h.date.month() == d.month() && h.date.day() == d.day())
        })
    }

    /// The instant local time `t` names: in a gap (clocks spring forward) the first
    /// instant after it; when repeated (clocks fall back) the first (`late`: the last).
    fn instant(&self, t: NaiveDateTime, late: bool) -> DateTime<Utc> {
        let mut probe = t;
        for _ in 0..(4 * 4) {
            let found = self.zone.from_local_datetime(&probe);
            let pick = if late {
                found.latest()
            } else {
                found.earliest()
            };
            if let Some(at) = pick {
                return at.with_timezone(&Utc);
            }
            probe += Duration::minutes(15);
        }
        Utc.from_utc_datetime(&t)
    }

    /// The open spans of local date `d`, in order, as instants.
    pub fn spans(&self, d: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.is_holiday(d) {
            return Vec::new();
        }
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        let mut day: Vec<(u16, u16)> = self.calendar.week
            [d.weekday().num_days_from_monday() as usize]
            .iter()
            .filter(|i| i.start < i.end)
            .map(|i| (i.start, i.end.min(24 * 60)))
            .collect();
        day.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::new();
        for (s, e) in day {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
            .into_iter()
            .map(|(s, e)| {
                let start = self.instant(midnight + Duration::minutes(s.into()), false);
                let end = self.instant(midnight + Duration::minutes(e.into()), true);
                (start, end)
            })
            .filter(|(s, e)| s < e)
            .collect()
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// Whether the desk is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        if self.always {
            return true;
        }
        let d = self.local_date(at);
        // A span may start the day before (a day open until midnight ends there).
        [d.pred_opt(), Some(d)]
            .into_iter()
            .flatten()
            .flat_map(|d| self.spans(d))
            .any(|(s, e)| s <= at && at < e)
    }

    /// The first open instant at or after `at`, if the desk opens within the horizon.
    pub fn next_open(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.always {
            return Some(at);
        }
        let first = self.local_date(at).pred_opt()?;
        (0..HORIZON_DAYS)
            .filter_map(|i| first.checked_add_signed(Duration::days(i)))
            .flat_map(|d| self.spans(d))
            .find(|(_, e)| *e > at)
            .map(|(s, _)| s.max(at))
    }

    /// The instant `minutes` business minutes after `start`; `None` when the desk does
    /// not open that much within the horizon.
    pub fn add(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        if self.always || minutes <= 0 {
            return Some(start + Duration::minutes(minutes.max(0)));
        }
        let mut left = Duration::minutes(minutes);
        let first = self.local_date(start).pred_opt()?;
        for i in 0..HORIZON_DAYS {
            let d = first.checked_add_signed(Duration::days(i))?;
            for (s, e) in self.spans(d) {
                if e <= start {
                    continue;
                }
                let from = s.max(start);
                let open = e - from;
                if left <= open {
                    return Some(from + left);
                }
                left -= open;
            }
        }
        None
    }

    /// Business minutes from `from` to `to` (0 when `to` is not later).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        if self.always {
            return (to - from).num_minutes();
        }
        let mut total = Duration::zero();
        let (Some(first), last) = (self.local_date(from).pred_opt(), self.local_date(to)) else {
            return 0;
        };
        let mut d = first;
        while d <= last {
            for (s, e) in self.spans(d) {
                let (a, b) = (s.max(from), e.min(to));
                if a < b {
                    total += b - a;
                }
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        total.num_minutes()
    }
}
