//! Helpers for engine tests: a real engine on a temp folder, and a customer's first message.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use engine::{Engine, ManualClock, Options};
use model::{Channel, Department, NewAgent, NewTicket, TicketCreated};

pub struct Desk {
    pub dir: tempfile::TempDir,
    pub engine: Engine,
    pub clock: Arc<ManualClock>,
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ))
}

pub fn open(dir: &Path, clock: Arc<ManualClock>, run_indexer: bool) -> Engine {
    Engine::open_with(
        dir,
        Options {
            clock,
            run_indexer,
            ..Default::default()
        },
    )
    .expect("open engine")
}

pub fn desk() -> Desk {
    desk_with(Options::default())
}

/// A desk with `options` (its clock is replaced by a manual one).
pub fn desk_with(options: Options) -> Desk {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let options = Options {
        clock: clock.clone(),
        ..options
    };
    let engine = Engine::open_with(dir.path(), options).expect("open engine");
    Desk { dir, engine, clock }
}

/// The inbox filter of one status (or all) in one order.
pub fn listing(status: Option<model::TicketStatus>, sort: model::Sort) -> model::InboxFilter {
    model::InboxFilter {
        status,
        sort,
        ..Default::default()
    }
}

pub fn new_ticket(name: &str, email: &str, subject: &str, body: &str) -> NewTicket {
    NewTicket {
        name: name.into(),
        email: email.into(),
        subject: subject.into(),
        body: body.into(),
        department: None,
    }
}

impl Desk {
    pub fn customer_writes(&self, subject: &str, body: &str) -> TicketCreated {
        self.engine
            .create_ticket(
                &new_ticket("Ana Kovač", "ana@example.com", subject, body),
                Channel::Portal,
            )
            .expect("create ticket")
    }

    pub fn agent(&self, email: &str) -> u64 {
        self.engine
            .create_agent(
                None,
                &NewAgent {
                    name: "Ivan Horvat".into(),
                    email: email.into(),
                    password: "correct horse battery".into(),
                    admin: false,
                },
            )
            .expect("create agent")
            .id
    }

    pub fn indexed(&self) {
        assert!(self
            .engine
            .wait_for_index(Duration::from_secs(30))
            .expect("wait"));
    }

    pub fn found(&self, query: &str) -> Vec<u64> {
        self.indexed();
        self.engine
            .search(self.viewer(), query, 20)
            .expect("search")
            .into_iter()
            .map(|h| h.number)
            .collect()
    }
}

impl Desk {
    /// An administrator, to read tickets as (created the first time).
    pub fn viewer(&self) -> u64 {
        admin_of(&self.engine)
    }
}

/// The id of an administrator of `engine`, created the first time it is asked for.
pub fn admin_of(engine: &Engine) -> u64 {
    let email = "viewer@desk.example";
    if let Some(a) = engine
        .agents()
        .expect("agents")
        .into_iter()
        .find(|a| a.email == email)
    {
        return a.id;
    }
    engine
        .create_agent(
            None,
            &NewAgent {
                name: "Viewer".into(),
                email: email.into(),
                password: "correct horse battery".into(),
                admin: true,
            },
        )
        .expect("create admin")
        .id
}

/// The secret part of a private link `/t/N/SECRET`.
pub fn secret(created: &TicketCreated) -> String {
    created
        .link
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

pub fn agent(d: &Desk, name: &str, admin: bool) -> u64 {
    d.engine
        .create_agent(
            None,
            &NewAgent {
                name: name.into(),
                email: format!("{}@desk.example", name.to_lowercase()),
                password: "correct horse battery".into(),
                admin,
            },
        )
        .expect("agent")
        .id
}

/// A team: an admin, Billing (leader Lea, member Bo) and Tech (member Tim).
pub struct Team {
    pub admin: u64,
    pub lea: u64,
    pub bo: u64,
    pub tim: u64,
    pub billing: u64,
    pub tech: u64,
}

pub fn team(d: &Desk) -> Team {
    let admin = agent(d, "Admin", true);
    let (lea, bo, tim) = (
        agent(d, "Lea", false),
        agent(d, "Bo", false),
        agent(d, "Tim", false),
    );
    let save = |name: &str, leader, members: Vec<u64>| {
        d.engine
            .save_department(
                admin,
                &Department {
                    id: 0,
                    name: name.into(),
                    leader,
                    members,
                },
            )
            .expect("department")
            .id
    };
    let billing = save("Billing", Some(lea), vec![bo]);
    let tech = save("Tech", None, vec![tim]);
    Team {
        admin,
        lea,
        bo,
        tim,
        billing,
        tech,
    }
}

pub fn ticket_in(d: &Desk, t: &Team, department: u64) -> u64 {
    let n = d
        .customer_writes("Invoice wrong", "Please fix the invoice.")
        .number;
    d.engine
        .set_department(t.admin, n, Some(department))
        .expect("route");
    n
}
