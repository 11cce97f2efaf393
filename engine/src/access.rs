//! Who may do what: checked here, in the engine, for every call that reads or changes a
//! ticket, whatever the UI shows. Admins may do everything. An agent works the tickets
//! of their departments, the tickets assigned to them, and the shared queue (tickets of
//! no department). A department's leader also reassigns within it.

use redb::ReadableTable;

use crate::store::records::{AgentRecord, DepartmentRecord, TicketRecord};
use crate::store::{codec, tables};
use crate::{Error, Result};

/// The agent making a call, with what their permissions depend on.
pub(crate) struct Caller {
    pub id: u64,
    pub admin: bool,
    /// Departments the agent is a member or the leader of.
    pub departments: Vec<u64>,
    /// Departments the agent leads.
    pub leads: Vec<u64>,
}

impl Caller {
    /// Reads the calling agent from `agents` and `departments`; a deactivated or unknown
    /// agent may do nothing.
    pub fn read(
        agents: &impl ReadableTable<u64, &'static [u8]>,
        departments: &impl ReadableTable<u64, &'static [u8]>,
        id: u64,
    ) -> Result<Caller> {
        let agent: AgentRecord = match agents.get(id)? {
            Some(raw) => codec::decode(raw.value())?,
            None => return Err(Error::unauthorized("Not signed in")),
        };
        if !agent.active {
            return Err(Error::unauthorized("This agent is deactivated"));
        }
        let mut caller = Caller {
            id,
            admin: agent.role == model::Role::Admin,
            departments: Vec::new(),
            leads: Vec::new(),
        };
        for entry in departments.iter()? {
            let d: DepartmentRecord = codec::decode(entry?.1.value())?;
            if d.leader == Some(id) {
                caller.leads.push(d.id);
                caller.departments.push(d.id);
            } else if d.members.contains(&id) {
                caller.departments.push(d.id);
            }
        }
        Ok(caller)
    }

    /// Whether the agent may see and work `ticket`.
    pub fn may_work(&self, ticket: &TicketRecord) -> bool {
        self.admin
            || ticket.assignee == Some(self.id)
            || ticket
                .department
                .is_none_or(|d| self.departments.contains(&d))
    }

    /// [`Caller::may_work`], as an error for those who may not.
    pub fn check(&self, ticket: &TicketRecord) -> Result<()> {
        if self.may_work(ticket) {
            Ok(())
        } else {
            Err(Error::forbidden(
                "This ticket belongs to a department you are not in",
            ))
        }
    }

    /// Whether the agent leads the department `d`.
    pub fn leads(&self, d: Option<u64>) -> bool {
        d.is_some_and(|d| self.leads.contains(&d))
    }

    /// Admins only.
    /// Whether the caller may change something kept per agent (a saved view, a canned
    /// response): their own, or, for an administrator, a shared one (`owner` None).
    /// Another agent's own does not exist for them.
    pub fn may_change_owned(&self, owner: Option<u64>, what: &str) -> Result<()> {
        match owner {
            Some(o) if o == self.id => Ok(()),
            Some(_) => Err(Error::not_found(what)),
            None => self.must_be_admin(),
        }
    }

    pub fn must_be_admin(&self) -> Result<()> {
        if self.admin {
            Ok(())
        } else {
            Err(Error::forbidden("Only administrators may do this"))
        }
    }
}

/// The calling agent, read in a write transaction.
pub(crate) fn caller_in(txn: &redb::WriteTransaction, id: u64) -> Result<Caller> {
    Caller::read(
        &txn.open_table(tables::AGENTS)?,
        &txn.open_table(tables::DEPARTMENTS)?,
        id,
    )
}

/// The calling agent, read in a read transaction.
pub(crate) fn caller_read(txn: &redb::ReadTransaction, id: u64) -> Result<Caller> {
    Caller::read(
        &txn.open_table(tables::AGENTS)?,
        &txn.open_table(tables::DEPARTMENTS)?,
        id,
    )
}
