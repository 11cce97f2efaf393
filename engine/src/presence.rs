//! Who is looking at which ticket, and who is writing a reply there: kept in memory
//! only (it means nothing after a restart), announced on the live stream so an agent
//! sees a colleague arrive, type and leave.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use model::Viewer;

use crate::{Engine, Event, Result};

/// A page that has not said it is still open for this long is taken to be gone.
pub const STALE: Duration = Duration::from_secs(30);

/// What an open ticket page says about its agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doing {
    Viewing,
    Typing,
    /// The page closed or moved to another ticket.
    Left,
}

/// When an agent was last heard from on a ticket, whether typing, and their name.
type Seen = (Instant, bool, String);

#[derive(Default)]
pub(crate) struct Presence {
    /// Ticket → agent → what was last heard.
    tickets: Mutex<HashMap<u64, HashMap<u64, Seen>>>,
}

impl Presence {
    /// Records what `agent` does on `ticket`; whether anyone else's view of the ticket
    /// changed, and who else is there.
    fn set(&self, ticket: u64, agent: u64, name: &str, doing: Doing) -> (bool, Vec<Viewer>) {
        let now = Instant::now();
        let mut all = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        let here = all.entry(ticket).or_default();
        let before: Vec<(u64, bool)> = listed(here, now);
        here.retain(|_, (seen, _, _)| now.duration_since(*seen) < STALE);
        match doing {
            Doing::Left => {
                here.remove(&agent);
            }
            Doing::Viewing | Doing::Typing => {
                here.insert(agent, (now, doing == Doing::Typing, name.to_string()));
            }
        }
        let changed = before != listed(here, now);
        let others = here
            .iter()
            .filter(|(a, _)| **a != agent)
            .map(|(_, (_, typing, name))| Viewer {
                name: name.clone(),
                typing: *typing,
            })
            .collect();
        if here.is_empty() {
            all.remove(&ticket);
        }
        (changed, sorted(others))
    }
}

fn listed(here: &HashMap<u64, Seen>, now: Instant) -> Vec<(u64, bool)> {
    let mut v: Vec<(u64, bool)> = here
        .iter()
        .filter(|(_, (seen, _, _))| now.duration_since(*seen) < STALE)
        .map(|(a, (_, typing, _))| (*a, *typing))
        .collect();
    v.sort_unstable();
    v
}

fn sorted(mut v: Vec<Viewer>) -> Vec<Viewer> {
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

impl Engine {
    /// An agent's ticket page says it is open (viewing or typing) or gone. Returns the
    /// other agents on that ticket; when the picture changed, the live stream tells
    /// every open page (`Event::Presence`). Only an agent who may see the ticket counts.
    pub fn presence(&self, agent: u64, ticket: u64, doing: Doing) -> Result<Vec<Viewer>> {
        let name = {
            let txn = self.read()?;
            let caller = crate::access::caller_read(&txn, agent)?;
            let t = crate::tickets::read_ticket(&txn, ticket)?;
            caller.check(&t)?;
            crate::auth::read_agent(&txn, agent)?
                .map(|a| a.name)
                .unwrap_or_default()
        };
        let (changed, others) = self.presence.set(ticket, agent, &name, doing);
        if changed {
            let _ = self.events.send(Event::Presence(ticket));
        }
        Ok(others)
    }
}
