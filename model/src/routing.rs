//! Who gets a new ticket: each department hands its tickets out by hand, in turn, or
//! to the least loaded of its agents who are available and below their capacity.

use serde::{Deserialize, Serialize};

/// What an agent says of themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    #[default]
    Available,
    Busy,
    Away,
}

impl Availability {
    pub const ALL: [Availability; 3] = [
        Availability::Available,
        Availability::Busy,
        Availability::Away,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::Busy => "busy",
            Availability::Away => "away",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.slug() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Availability::Available => "availability.available",
            Availability::Busy => "availability.busy",
            Availability::Away => "availability.away",
        }
    }
}

/// How a department hands out its new tickets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Distribution {
    /// Agents take tickets themselves.
    #[default]
    Manual,
    /// To each available agent in turn.
    RoundRobin,
    /// To the available agent with the fewest open tickets.
    LeastLoaded,
}

impl Distribution {
    pub const ALL: [Distribution; 3] = [
        Distribution::Manual,
        Distribution::RoundRobin,
        Distribution::LeastLoaded,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Distribution::Manual => "manual",
            Distribution::RoundRobin => "round-robin",
            Distribution::LeastLoaded => "least-loaded",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.slug() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Distribution::Manual => "distribution.manual",
            Distribution::RoundRobin => "distribution.round_robin",
            Distribution::LeastLoaded => "distribution.least_loaded",
        }
    }
}

/// An agent as distribution sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLoad {
    pub agent: u64,
    pub name: String,
    pub availability: Availability,
    /// Open tickets they may hold at most; `None`: no limit.
    pub capacity: Option<u32>,
    /// Tickets assigned to them that are not resolved or closed.
    pub open: u64,
    /// The calendar of their working hours (none: always at work).
    #[serde(default)]
    pub hours: Option<u64>,
}
