//! Service levels: business-hours calendars and the arithmetic of business minutes.

mod calendars;
mod hours;

pub use calendars::{holidays_from_ical, Calendars, OpeningHours};
pub use hours::Hours;
