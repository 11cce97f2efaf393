//! Goals a team sets itself ("95 % of tickets resolved within 24 business hours"), and
//! how a period measures up to them.

use serde::{Deserialize, Serialize};

/// What a goal measures, per ticket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalMetric {
    /// The first public answer came within the time.
    FirstResponse,
    /// The ticket was resolved within the time.
    #[default]
    Resolution,
}

impl GoalMetric {
    pub const ALL: [GoalMetric; 2] = [GoalMetric::FirstResponse, GoalMetric::Resolution];

    pub fn slug(self) -> &'static str {
        match self {
            GoalMetric::FirstResponse => "first-response",
            GoalMetric::Resolution => "resolution",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.slug() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            GoalMetric::FirstResponse => "goals.first_response",
            GoalMetric::Resolution => "goals.resolution",
        }
    }
}

/// "`percent` % of tickets get `metric` within `minutes` business minutes."
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: u64,
    pub name: String,
    pub metric: GoalMetric,
    /// Business minutes of the ticket's calendar.
    pub minutes: u32,
    pub percent: u8,
}

/// A goal measured over a period: of the tickets created in it whose outcome is known
/// (done, or already past the time), how many made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalFigure {
    pub goal: Goal,
    pub made: u64,
    pub counted: u64,
}

impl GoalFigure {
    /// The share that made it, in percent; `None` before any ticket counts.
    pub fn percent(&self) -> Option<f64> {
        (self.counted > 0).then(|| self.made as f64 * 100.0 / self.counted as f64)
    }

    /// Whether the share reaches the goal (true while nothing counts yet).
    pub fn on_track(&self) -> bool {
        self.percent()
            .is_none_or(|p| p + 1e-9 >= f64::from(self.goal.percent))
    }
}
