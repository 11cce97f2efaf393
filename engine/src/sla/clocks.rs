//! Service-level clocks, worked out from what happened to a ticket: first response
//! (from its creation to the first public answer), next response (from a customer's
//! message to the answer after it), resolution (from creation to Resolved, going on if
//! reopened). They count business minutes only, stand still while the ticket waits on
//! someone else (Pending, On hold, Postponed) or is done, and run again when it moves
//! on. Derived, never stored as truth: a changed policy or calendar is simply applied
//! again.

use chrono::{DateTime, Utc};
use model::{ClockState, SlaClock, SlaTargets, TicketStatus};

use super::Hours;

/// What happened to a ticket that moves its clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happened {
    Status(TicketStatus),
    /// A public answer by an agent.
    AgentReply,
    /// A message from the customer (the first one opens the ticket and is not this).
    CustomerReply,
}

fn pauses(s: TicketStatus) -> bool {
    matches!(
        s,
        TicketStatus::Pending | TicketStatus::OnHold | TicketStatus::Postponed
    )
}

fn done(s: TicketStatus) -> bool {
    matches!(s, TicketStatus::Resolved | TicketStatus::Closed)
}

/// One clock as it is being worked out.
#[derive(Clone, Debug, Default)]
struct Running {
    target: u32,
    used: i64,
    /// When it stopped because its goal was met.
    met: Option<DateTime<Utc>>,
    /// When it passed its target, if it did.
    breached: Option<DateTime<Utc>>,
    /// The minutes after which it warns, and when it came to them.
    warn_after: i64,
    warned: Option<DateTime<Utc>>,
}

impl Running {
    fn new(target: u32, warn_percent: u8) -> Running {
        Running {
            target,
            warn_after: (i64::from(target) * i64::from(warn_percent) + 99) / 100,
            ..Running::default()
        }
    }

    /// Counts the open minutes from `from` to `to`, noting when the target was passed.
    fn count(&mut self, hours: &Hours<'_>, from: DateTime<Utc>, to: DateTime<Utc>) {
        if self.met.is_some() || to <= from {
            return;
        }
        let add = hours.between(from, to);
        let left = i64::from(self.target) - self.used;
        if self.breached.is_none() && add > left && left >= 0 {
            self.breached = hours.add(from, left);
        }
        let to_warning = self.warn_after - self.used;
        if self.warned.is_none() && add >= to_warning && to_warning >= 0 {
            self.warned = hours.add(from, to_warning);
        }
        self.used += add;
    }

    fn view(
        &self,
        hours: &Hours<'_>,
        now: DateTime<Utc>,
        stopped: bool,
        warn_percent: u8,
    ) -> SlaClock {
        let left = i64::from(self.target) - self.used;
        let due = if self.met.is_some() {
            None
        } else if let Some(at) = self.breached {
            Some(at)
        } else if stopped {
            None
        } else {
            hours.add(now, left.max(0))
        };
        let state = match (self.met, self.breached) {
            (Some(_), Some(_)) => ClockState::MetLate,
            (Some(_), None) => ClockState::Met,
            (None, Some(_)) => ClockState::Breached,
            (None, None) if stopped => ClockState::Paused,
            (None, None) if self.used * 100 >= i64::from(self.target) * i64::from(warn_percent) => {
                ClockState::Warning
            }
            (None, None) => ClockState::Running,
        };
        // When it warns (or warned): past, or ahead while it runs.
        let warn_at = if self.met.is_some() || (stopped && self.warned.is_none()) {
            None
        } else if let Some(at) = self.warned {
            Some(at)
        } else {
            hours.add(now, (self.warn_after - self.used).max(0))
        };
        SlaClock {
            target_minutes: self.target,
            used_minutes: self.used,
            due,
            warn_at: if stopped { None } else { warn_at },
            met_at: self.met,
            state,
        }
    }
}

/// The three clocks of a ticket created at `created` (in status `first_status`) to
/// which `events` happened, in order, as of `now`.
pub fn clocks(
    hours: &Hours<'_>,
    targets: &SlaTargets,
    created: DateTime<Utc>,
    first_status: TicketStatus,
    events: &[(DateTime<Utc>, Happened)],
    now: DateTime<Utc>,
    warn_percent: u8,
) -> (Option<SlaClock>, Option<SlaClock>, Option<SlaClock>) {
    let mut first = targets
        .first_response
        .map(|t| Running::new(t, warn_percent));
    let mut next: Option<Running> = None;
    let mut resolution = targets.resolution.map(|t| Running::new(t, warn_percent));
    let mut status = first_status;
    let mut last = created;
    let mut answered = false;
    for &(at, what) in events.iter().filter(|(at, _)| *at <= now) {
        let at = at.max(last);
        if !pauses(status) && !done(status) {
            for clock in [first.as_mut(), next.as_mut(), resolution.as_mut()]
                .into_iter()
                .flatten()
            {
                clock.count(hours, last, at);
            }
        }
        last = at;
        match what {
            Happened::Status(s) => {
                if let Some(r) = resolution.as_mut() {
                    if done(s) && r.met.is_none() {
                        r.met = Some(at);
                    } else if !done(s) && done(status) {
                        // Reopened: resolution goes on from what it had used.
                        r.met = None;
                    }
                }
                status = s;
            }
            Happened::AgentReply => {
                answered = true;
                if let Some(f) = first.as_mut() {
                    f.met.get_or_insert(at);
                }
                if let Some(n) = next.as_mut() {
                    n.met.get_or_insert(at);
                }
            }
            Happened::CustomerReply => {
                // A new message waits for an answer, unless one already waits.
                let waiting = next.as_ref().is_some_and(|n| n.met.is_none());
                if answered && !waiting {
                    next = targets.next_response.map(|t| Running::new(t, warn_percent));
                }
            }
        }
    }
    let stopped = pauses(status) || done(status);
    if !stopped {
        for clock in [first.as_mut(), next.as_mut(), resolution.as_mut()]
            .into_iter()
            .flatten()
        {
            clock.count(hours, last, now);
        }
    }
    let view = |c: Option<Running>| c.map(|c| c.view(hours, now, stopped, warn_percent));
    (view(first), view(next), view(resolution))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use model::Calendar;

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
            .single()
            .expect("t0")
    }

    fn m(n: i64) -> DateTime<Utc> {
        t0() + Duration::minutes(n)
    }

    const TARGETS: SlaTargets = SlaTargets {
        first_response: Some(60),
        next_response: Some(30),
        resolution: Some(480),
    };

    #[test]
    fn answered_in_time_is_met_and_a_pause_stops_the_clock() {
        let always = Calendar::default();
        let h = Hours::new(&always);
        let (first, next, res) = clocks(
            &h,
            &TARGETS,
            t0(),
            TicketStatus::New,
            &[(m(30), Happened::AgentReply)],
            m(45),
            80,
        );
        let first = first.expect("first");
        assert_eq!(
            (first.state, first.used_minutes, first.met_at),
            (ClockState::Met, 30, Some(m(30)))
        );
        assert!(next.is_none(), "no customer message after the answer yet");
        let res = res.expect("resolution");
        assert_eq!(
            (res.state, res.used_minutes, res.due),
            (ClockState::Running, 45, Some(m(480)))
        );

        // Pending for two hours in the middle: 20 + 60 minutes counted, breached at 180.
        let events = [
            (m(20), Happened::Status(TicketStatus::Pending)),
            (m(140), Happened::Status(TicketStatus::Open)),
        ];
        let (first, _, _) = clocks(&h, &TARGETS, t0(), TicketStatus::New, &events, m(200), 80);
        let first = first.expect("first");
        assert_eq!(
            (first.state, first.used_minutes, first.due),
            (ClockState::Breached, 80, Some(m(180)))
        );
        // While pending it stands still; near the end it warns.
        let (first, _, _) = clocks(
            &h,
            &TARGETS,
            t0(),
            TicketStatus::New,
            &events[..1],
            m(100),
            80,
        );
        assert_eq!(first.expect("first").state, ClockState::Paused);
        let (first, _, _) = clocks(&h, &TARGETS, t0(), TicketStatus::New, &[], m(50), 80);
        assert_eq!(first.expect("first").state, ClockState::Warning);
        // Answered after the target: met, late.
        let (first, _, _) = clocks(
            &h,
            &TARGETS,
            t0(),
            TicketStatus::New,
            &[(m(90), Happened::AgentReply)],
            m(95),
            80,
        );
        assert_eq!(first.expect("first").state, ClockState::MetLate);
    }

    #[test]
    fn each_customer_message_waits_for_its_answer_and_resolution_resumes_on_reopening() {
        let always = Calendar::default();
        let h = Hours::new(&always);
        let events = [
            (m(10), Happened::AgentReply),
            (m(100), Happened::CustomerReply),
            (m(130), Happened::AgentReply),
            (m(200), Happened::CustomerReply),
            (m(210), Happened::CustomerReply),
        ];
        let (_, next, _) = clocks(
            &h,
            &TARGETS,
            t0(),
            TicketStatus::New,
            &events[..3],
            m(140),
            80,
        );
        let next = next.expect("next");
        assert_eq!((next.state, next.used_minutes), (ClockState::Met, 30));
        // Two messages in a row wait on one answer, from the first of them.
        let (_, next, _) = clocks(&h, &TARGETS, t0(), TicketStatus::New, &events, m(250), 80);
        let next = next.expect("next");
        assert_eq!((next.state, next.due), (ClockState::Breached, Some(m(230))));

        let events = [
            (m(300), Happened::Status(TicketStatus::Resolved)),
            (m(400), Happened::Status(TicketStatus::Open)),
        ];
        let (_, _, res) = clocks(
            &h,
            &TARGETS,
            t0(),
            TicketStatus::New,
            &events[..1],
            m(350),
            80,
        );
        let res = res.expect("resolution");
        assert_eq!((res.state, res.met_at), (ClockState::Met, Some(m(300))));
        let (_, _, res) = clocks(&h, &TARGETS, t0(), TicketStatus::New, &events, m(420), 80);
        let res = res.expect("resolution");
        assert_eq!(
            (res.state, res.used_minutes, res.due),
            (ClockState::Running, 320, Some(m(580)))
        );
    }

    #[test]
    fn only_business_minutes_count() {
        let office = Calendar::weekdays("Europe/Ljubljana", 9, 17);
        let h = Hours::new(&office);
        let lj: chrono_tz::Tz = "Europe/Ljubljana".parse().expect("zone");
        let local = |d, hh, mm| {
            lj.with_ymd_and_hms(2026, 11, d, hh, mm, 0)
                .single()
                .expect("time")
                .with_timezone(&Utc)
        };
        // Friday 27 November 16:30; on Saturday half an hour is used, due Monday 09:30.
        let (first, _, _) = clocks(
            &h,
            &TARGETS,
            local(27, 16, 30),
            TicketStatus::New,
            &[],
            local(28, 12, 0),
            80,
        );
        let first = first.expect("first");
        assert_eq!(
            (first.state, first.used_minutes, first.due),
            (ClockState::Running, 30, Some(local(30, 9, 30)))
        );
    }
}
