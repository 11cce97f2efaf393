//! What the acknowledgement of a new ticket promises: whether the desk is open now,
//! when it opens next, and by when the first answer is due, in the calendar's time zone
//! and the desk's language.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use redb::{ReadableTable, WriteTransaction};

use super::policies::{first_response_due, ticket_calendar};
use super::Hours;
use crate::store::records::TicketRecord;
use crate::store::tables;
use crate::Result;

/// For the acknowledgement of `t`, written at `now`.
pub(crate) struct Promise {
    /// The ticket's calendar is closed now.
    pub closed: bool,
    /// When it opens next (empty when open now or never).
    pub opens_at: String,
    /// When the first answer is due by the ticket's policy (empty without one).
    pub answer_by: String,
}

pub(crate) fn promise(
    txn: &WriteTransaction,
    t: &TicketRecord,
    now: DateTime<Utc>,
) -> Result<Promise> {
    let language = txn
        .open_table(tables::SETTINGS)?
        .get("language")?
        .map(|v| String::from_utf8_lossy(v.value()).into_owned())
        .unwrap_or_default();
    let calendar = ticket_calendar(txn, t)?;
    let hours = Hours::new(&calendar);
    let zone: Tz = calendar.time_zone.parse().unwrap_or(Tz::UTC);
    let closed = !hours.is_open(now);
    let opens_at = if closed {
        hours
            .next_open(now)
            .map(|at| when(at, zone, &language))
            .unwrap_or_default()
    } else {
        String::new()
    };
    let answer_by = first_response_due(txn, t)?
        .map(|(at, c)| when(at, c.time_zone.parse().unwrap_or(Tz::UTC), &language))
        .unwrap_or_default();
    Ok(Promise {
        closed,
        opens_at,
        answer_by,
    })
}

/// An instant as a customer reads it: the weekday, the date and the time in `zone`.
pub(crate) fn when(at: DateTime<Utc>, zone: Tz, language: &str) -> String {
    const DAYS: [(&str, [&str; 7]); 5] = [
        (
            "en",
            [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
        ),
        (
            "el",
            [
                "Δευτέρα",
                "Τρίτη",
                "Τετάρτη",
                "Πέμπτη",
                "Παρασκευή",
                "Σάββατο",
                "Κυριακή",
            ],
        ),
        (
            "sl",
            [
                "ponedeljek",
                "torek",
                "sreda",
                "četrtek",
                "petek",
                "sobota",
                "nedelja",
            ],
        ),
        (
            "hr",
            [
                "ponedjeljak",
                "utorak",
                "srijeda",
                "četvrtak",
                "petak",
                "subota",
                "nedjelja",
            ],
        ),
        (
            "bg",
            [
                "понеделник",
                "вторник",
                "сряда",
                "четвъртък",
                "петък",
                "събота",
                "неделя",
            ],
        ),
    ];
    let local = at.with_timezone(&zone);
    let days = DAYS
        .iter()
        .find(|(code, _)| *code == language)
        .map_or(DAYS[0].1, |(_, d)| *d);
    let day = days[local.weekday().num_days_from_monday() as usize];
    let time = format!("{:02}:{:02}", local.hour(), local.minute());
    if days == DAYS[0].1 {
        format!("{day} {} at {time} ({zone})", local.format("%-d %B %Y"))
    } else {
        format!(
            "{day}, {}. {}. {}, {time} ({zone})",
            local.day(),
            local.month(),
            local.year()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_read_in_the_zone_and_language() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 27, 9, 0, 0)
            .single()
            .expect("an instant");
        let zone: Tz = "Europe/Ljubljana".parse().expect("a zone");
        assert_eq!(
            when(at, zone, "en"),
            "Friday 27 November 2026 at 10:00 (Europe/Ljubljana)"
        );
        assert_eq!(
            when(at, zone, "sl"),
            "petek, 27. 11. 2026, 10:00 (Europe/Ljubljana)"
        );
        assert!(when(at, Tz::UTC, "bg").starts_with("петък, 27. 11. 2026, 09:00"));
    }
}
