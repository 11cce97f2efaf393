//! Business-minute arithmetic: weekends, holidays (once and yearly), midnight, several
//! intervals a day, time zones, and the days daylight-saving time begins and ends.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use engine::sla::Hours;
use model::{Calendar, Holiday, OpenInterval};

fn at(zone: &str, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    let tz: Tz = zone.parse().expect("zone");
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .earliest()
        .expect("local time")
        .with_timezone(&Utc)
}

const LJ: &str = "Europe/Ljubljana";

#[test]
fn a_weekend_and_a_holiday_are_skipped() {
    let mut cal = Calendar::weekdays(LJ, 9, 17);
    // Friday 27 November 2026, 16:30: one hour is half an hour Friday, half Monday.
    let h = Hours::new(&cal);
    assert_eq!(
        h.add(at(LJ, 2026, 11, 27, 16, 30), 60),
        Some(at(LJ, 2026, 11, 30, 9, 30))
    );
    assert_eq!(
        h.between(at(LJ, 2026, 11, 27, 16, 30), at(LJ, 2026, 11, 30, 9, 30)),
        60
    );
    assert!(!h.is_open(at(LJ, 2026, 11, 28, 12, 0)));
    assert_eq!(
        h.next_open(at(LJ, 2026, 11, 28, 12, 0)),
        Some(at(LJ, 2026, 11, 30, 9, 0))
    );
    // Christmas, every year, and a one-off closing on Monday 30 November 2026.
    cal.holidays = vec![
        Holiday {
            date: NaiveDate::from_ymd_opt(2019, 12, 25).expect("d"),
            yearly: true,
            name: "Christmas".into(),
        },
        Holiday {
            date: NaiveDate::from_ymd_opt(2026, 11, 30).expect("d"),
            yearly: false,
            name: "Move".into(),
        },
    ];
    let h = Hours::new(&cal);
    assert_eq!(
        h.add(at(LJ, 2026, 11, 27, 16, 30), 60),
        Some(at(LJ, 2026, 12, 1, 9, 30))
    );
    // Thursday 24 December 2026, 16:00: 2 hours go to Monday 28th (25th is Christmas).
    assert_eq!(
        h.add(at(LJ, 2026, 12, 24, 16, 0), 120),
        Some(at(LJ, 2026, 12, 28, 10, 0))
    );
    assert!(!h.is_open(at(LJ, 2027, 12, 25, 10, 0)) && !h.is_open(at(LJ, 2026, 12, 25, 10, 0)));
    // Before opening, the clock starts at opening.
    assert_eq!(
        h.add(at(LJ, 2026, 12, 2, 6, 0), 30),
        Some(at(LJ, 2026, 12, 2, 9, 30))
    );
    assert_eq!(
        h.between(at(LJ, 2026, 12, 2, 6, 0), at(LJ, 2026, 12, 2, 9, 30)),
        30
    );
}

#[test]
fn several_intervals_a_day_and_across_midnight() {
    let mut cal = Calendar::weekdays("UTC", 8, 12);
    for day in cal.week.iter_mut().take(5) {
        day.push(OpenInterval {
            start: 13 * 60,
            end: 17 * 60,
        });
        day.push(OpenInterval {
            start: 22 * 60,
            end: 24 * 60,
        });
    }
    // Saturday 00:00–02:00 too (the night shift of Friday goes on).
    cal.week[5].push(OpenInterval { start: 0, end: 120 });
    let h = Hours::new(&cal);
    // Lunch is skipped.
    assert_eq!(
        h.add(at("UTC", 2026, 11, 25, 11, 30), 60),
        Some(at("UTC", 2026, 11, 25, 13, 30))
    );
    // Friday 23:00 + 90 minutes: past midnight into Saturday.
    assert_eq!(
        h.add(at("UTC", 2026, 11, 27, 23, 0), 90),
        Some(at("UTC", 2026, 11, 28, 0, 30))
    );
    assert!(h.is_open(at("UTC", 2026, 11, 28, 1, 0)));
    assert!(!h.is_open(at("UTC", 2026, 11, 28, 2, 0)));
    assert_eq!(
        h.between(
            at("UTC", 2026, 11, 27, 23, 0),
            at("UTC", 2026, 11, 28, 12, 0)
        ),
        180
    );
}

#[test]
fn the_same_instant_is_open_in_one_zone_and_closed_in_another() {
    let ny = Calendar::weekdays("America/New_York", 9, 17);
    let tokyo = Calendar::weekdays("Asia/Tokyo", 9, 17);
    // Wednesday 25 November 2026, 15:00 UTC: 10:00 in New York, midnight in Tokyo.
    let instant = at("UTC", 2026, 11, 25, 15, 0);
    assert!(Hours::new(&ny).is_open(instant));
    assert!(!Hours::new(&tokyo).is_open(instant));
    assert_eq!(
        Hours::new(&tokyo).next_open(instant),
        Some(at("Asia/Tokyo", 2026, 11, 26, 9, 0))
    );
}

#[test]
fn daylight_saving_days_are_as_long_as_they_really_are() {
    let mut cal = Calendar::weekdays(LJ, 0, 24);
    cal.week[6] = vec![OpenInterval {
        start: 0,
        end: 24 * 60,
    }];
    let h = Hours::new(&cal);
    // Sunday 29 March 2026: clocks go from 02:00 to 03:00, the day has 23 hours.
    let spring = (at(LJ, 2026, 3, 29, 0, 0), at(LJ, 2026, 3, 30, 0, 0));
    assert_eq!(h.between(spring.0, spring.1), 23 * 60);
    assert_eq!(
        h.add(at(LJ, 2026, 3, 29, 1, 30), 60),
        Some(at(LJ, 2026, 3, 29, 3, 30))
    );
    // Sunday 25 October 2026: 03:00 back to 02:00, 25 hours.
    let autumn = (at(LJ, 2026, 10, 25, 0, 0), at(LJ, 2026, 10, 26, 0, 0));
    assert_eq!(h.between(autumn.0, autumn.1), 25 * 60);
    // Opening at 02:30, a time that does not exist that Sunday: the clock starts at 03:00.
    let mut gap = Calendar {
        time_zone: LJ.into(),
        ..Calendar::default()
    };
    gap.week[6] = vec![OpenInterval {
        start: 150,
        end: 240,
    }];
    let g = Hours::new(&gap);
    assert_eq!(
        g.next_open(at(LJ, 2026, 3, 29, 0, 0)),
        Some(at(LJ, 2026, 3, 29, 3, 0))
    );
    assert_eq!(
        g.between(at(LJ, 2026, 3, 29, 0, 0), at(LJ, 2026, 3, 29, 5, 0)),
        60
    );
}

#[test]
fn adding_and_measuring_agree_and_no_hours_mean_every_hour() {
    let mut cal = Calendar::weekdays("America/New_York", 9, 17);
    cal.holidays.push(Holiday {
        date: NaiveDate::from_ymd_opt(2026, 11, 26).expect("d"),
        yearly: false,
        name: "Thanksgiving".into(),
    });
    let h = Hours::new(&cal);
    let mut start = at("UTC", 2026, 10, 30, 13, 7);
    for minutes in [1, 59, 60, 61, 479, 480, 481, 2000, 9_999, 30_000] {
        let due = h.add(start, minutes).expect("due");
        assert_eq!(h.between(start, due), minutes, "{minutes} from {start}");
        start += chrono::Duration::minutes(997);
    }
    let always = Calendar {
        time_zone: LJ.into(),
        ..Calendar::default()
    };
    let a = Hours::new(&always);
    let t = at("UTC", 2026, 3, 29, 0, 0);
    assert_eq!(a.add(t, 1440), Some(t + chrono::Duration::days(1)));
    assert!(a.is_open(t));
    // Closed for good (every day a holiday is impossible; no hours at all is 24/7), and
    // a calendar whose hours never come within the horizon answers None.
    let mut never = Calendar::weekdays("UTC", 9, 17);
    never.holidays = (0..366 * 3)
        .map(|i| Holiday {
            date: NaiveDate::from_ymd_opt(2026, 1, 1).expect("d") + chrono::Duration::days(i),
            yearly: false,
            name: String::new(),
        })
        .collect();
    let n = Hours::new(&never);
    assert_eq!(n.add(at("UTC", 2026, 1, 1, 0, 0), 60), None);
}

#[test]
fn calendars_are_kept_used_by_departments_and_shown_to_customers() {
    let d = common::desk();
    let e = &d.engine;
    let t = common::team(&d);
    assert!(e.opening_hours(None).expect("hours").is_none(), "none set");
    let mut office = Calendar::weekdays(LJ, 9, 17);
    office.name = "Office".into();
    assert!(e.save_calendar(t.tim, &office).is_err(), "admins only");
    let office = e.save_calendar(t.admin, &office).expect("office");
    let mut night = Calendar::weekdays("UTC", 0, 24);
    night.name = "Night shift".into();
    let night = e.save_calendar(t.admin, &night).expect("night");
    e.use_calendar(t.admin, None, Some(office.id))
        .expect("default");
    e.use_calendar(t.admin, Some(t.tech), Some(night.id))
        .expect("tech");
    // Monday 2 March 2026, 09:00 UTC is 10:00 in Ljubljana: open.
    assert!(e.opening_hours(None).expect("hours").expect("set").open_now);
    assert_eq!(
        e.calendar_of(Some(t.billing))
            .expect("c")
            .expect("default")
            .id,
        office.id
    );
    assert_eq!(
        e.calendar_of(Some(t.tech)).expect("c").expect("own").id,
        night.id
    );
    // 17:00 UTC is 18:00 there: closed until Tuesday 09:00 (08:00 UTC).
    d.clock.advance(chrono::Duration::hours(8));
    let h = e.opening_hours(None).expect("hours").expect("set");
    assert!(!h.open_now);
    assert_eq!(h.next_open, Some(at("UTC", 2026, 3, 3, 8, 0)));
    // A holiday from an iCal file on Tuesday: Wednesday then.
    let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260303\r\nSUMMARY:Closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        e.import_holidays(t.admin, office.id, ics).expect("import"),
        1
    );
    assert_eq!(
        e.import_holidays(t.admin, office.id, ics).expect("again"),
        0
    );
    assert!(e
        .import_holidays(t.admin, office.id, "not a calendar")
        .is_err());
    let h = e.opening_hours(None).expect("hours").expect("set");
    assert_eq!(h.next_open, Some(at("UTC", 2026, 3, 4, 8, 0)));
    // Bad hours and zones are refused.
    let mut bad = office.clone();
    bad.week[0] = vec![OpenInterval {
        start: 600,
        end: 540,
    }];
    assert!(e.save_calendar(t.admin, &bad).is_err());
    bad.week[0].clear();
    bad.time_zone = "Mars/Olympus".into();
    assert!(e.save_calendar(t.admin, &bad).is_err());
    // Removed, its department keeps the desk's default.
    e.delete_calendar(t.admin, night.id).expect("removed");
    assert_eq!(
        e.calendar_of(Some(t.tech)).expect("c").expect("default").id,
        office.id
    );
    let (all, default, uses) = e.calendars(t.admin).expect("list");
    assert_eq!((all.len(), default, uses.len()), (1, Some(office.id), 0));
}
