//! Service levels: business-hours calendars, the arithmetic of business minutes, and
//! the policies whose clocks every ticket runs on.

mod calendars;
mod clocks;
mod hours;
mod policies;
mod promise;

pub use calendars::{holidays_from_ical, Calendars, OpeningHours};
pub use clocks::{clocks, Happened};
pub use hours::Hours;
pub(crate) use policies::{any_policy, calendar_in, nearest, ticket_calendar, ticket_sla};
pub use policies::{DEFAULT_WARN_PERCENT, MAX_TARGET_MINUTES};
pub(crate) use promise::promise;

mod progress;
pub use progress::Progress;
