//! What is stored: the on-disk shape of tickets, messages, contacts, agents, sessions,
//! audit events and outbox jobs.

use chrono::{DateTime, Utc};
use model::{Channel, MessageKind, Priority, Role, TicketStatus};
use serde::{Deserialize, Serialize};

/// A ticket.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TicketRecord {
    pub number: u64,
    pub subject: String,
    pub status: TicketStatus,
    pub channel: Channel,
    pub requester: u64,
    /// SHA-256 of the customer's private-link token.
    pub access_hash: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    /// The closed ticket this one follows up, if any.
    pub follow_up_of: Option<u64>,
    pub priority: Priority,
    /// A ticket type's id.
    pub ticket_type: Option<u64>,
    /// Tag ids, in the order they were added.
    pub tags: Vec<u64>,
    pub department: Option<u64>,
    pub assignee: Option<u64>,
    /// Other addresses copied on replies.
    pub ccs: Vec<String>,
    /// For a Postponed ticket: when it reopens by itself.
    pub postponed_until: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The ticket this one was merged into.
    pub merged_into: Option<u64>,
    pub spam: bool,
    /// Since when the ticket has waited on the team (New or Open); None otherwise.
    pub waiting_since: Option<DateTime<Utc>>,
}

/// Who wrote a message or caused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Contact(u64),
    Agent(u64),
    System,
    /// A rule of the desk's (by id).
    Rule(u64),
}

/// One message of a conversation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MessageRecord {
    pub id: u64,
    pub ticket: u64,
    pub kind: MessageKind,
    pub author: Actor,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A customer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContactRecord {
    pub id: u64,
    pub name: String,
    pub emails: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub phones: Vec<String>,
    pub location: String,
    pub organization: String,
    /// A customer group (e.g. "VIP", "Wholesale").
    pub group: String,
    /// The team's notes about the contact.
    pub notes: String,
    /// The contact this one was merged into.
    pub merged_into: Option<u64>,
}

/// A member of the support team.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentRecord {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    /// The workspace language the agent chose; `None` follows the browser.
    pub locale: Option<String>,
    /// A deactivated agent cannot sign in; their tickets and history stay.
    pub active: bool,
    /// An IANA time zone name (`Europe/Ljubljana`); `None` follows the desk's.
    pub time_zone: Option<String>,
    /// Added under the agent's replies.
    pub signature: String,
}

/// A department: its members work its tickets; its leader reassigns within it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DepartmentRecord {
    pub id: u64,
    pub name: String,
    pub leader: Option<u64>,
    pub members: Vec<u64>,
}

/// A tag or a ticket type.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LabelRecord {
    pub id: u64,
    pub name: String,
}

/// A signed-in browser.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionRecord {
    pub agent: u64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What changed, in an audit event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    TicketCreated,
    /// On a closed ticket: the customer wrote again, and `ticket` was opened for it.
    FollowUpOpened {
        ticket: u64,
    },
    MessageAdded {
        message: u64,
        kind: MessageKind,
    },
    StatusChanged {
        from: TicketStatus,
        to: TicketStatus,
    },
    AgentCreated {
        agent: u64,
    },
    SignedIn {
        agent: u64,
    },
    /// An agent chose another workspace language.
    LanguageChanged {
        agent: u64,
        locale: Option<String>,
    },
    /// An admin deactivated or reactivated an agent.
    AgentActiveChanged {
        agent: u64,
        active: bool,
    },
    /// An agent changed their password.
    PasswordChanged {
        agent: u64,
    },
    PriorityChanged {
        from: Priority,
        to: Priority,
    },
    TypeChanged {
        from: Option<u64>,
        to: Option<u64>,
    },
    /// Tag ids added to and removed from the ticket.
    TagsChanged {
        added: Vec<u64>,
        removed: Vec<u64>,
    },
    AssigneeChanged {
        from: Option<u64>,
        to: Option<u64>,
    },
    DepartmentChanged {
        from: Option<u64>,
        to: Option<u64>,
    },
    /// An agent handed the ticket on (the assignee or department change follows).
    Escalated {
        to: model::Escalation,
    },
    /// Snoozed until then.
    Postponed {
        until: DateTime<Utc>,
    },
    /// An admin created or changed a department.
    DepartmentSaved {
        department: u64,
    },
    /// Marked as spam (out of every inbox view but the spam one), or back.
    SpamMarked {
        spam: bool,
    },
    /// This ticket was merged into `ticket`.
    MergedInto {
        ticket: u64,
    },
    /// `ticket` was merged into this one, bringing `messages` messages.
    MergedFrom {
        ticket: u64,
        messages: u64,
    },
    /// Addresses copied on replies, added and removed.
    CcsChanged {
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// An admin made an agent an admin, or an admin an agent.
    RoleChanged {
        agent: u64,
        role: Role,
    },
    /// An admin changed the desk's name, time zone or default language.
    DeskProfileChanged,
    /// The department's distribution handed the ticket out (the assignee change is
    /// beside it): how, and how many other open tickets the agent then held.
    Distributed {
        mode: model::Distribution,
        open: u64,
    },
    /// A service-level clock (0 first response, 1 next response, 2 resolution) came
    /// near its target (`breached` false) or passed it.
    Sla {
        clock: u8,
        breached: bool,
    },
    /// A rule fired on the ticket (on `event`): its name then, the conditions as they
    /// came out, and what its actions did. The changes follow, by the rule.
    RuleFired {
        rule: u64,
        name: String,
        event: model::RuleEvent,
        checks: Vec<model::RuleCheck>,
        effects: Vec<model::RuleEffect>,
    },
}

/// A canned response.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CannedRecord {
    pub id: u64,
    pub title: String,
    pub body: String,
    /// The agent it belongs to; None when an administrator shared it.
    pub owner: Option<u64>,
    /// For a shared one: the departments it is for (none: everyone).
    pub departments: Vec<u64>,
}

/// A saved inbox view.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ViewRecord {
    pub id: u64,
    pub name: String,
    /// The agent it belongs to; None when it is shared with everyone.
    pub owner: Option<u64>,
    /// The filter as an inbox address's query string, so a view outlives changes to
    /// the filter's fields.
    pub query: String,
}

/// An immutable record of who changed what, and when.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: u64,
    pub ticket: Option<u64>,
    pub actor: Actor,
    pub change: Change,
    pub at: DateTime<Utc>,
}

/// A webhook call a rule asked for, waiting to be made (or tried again).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WebhookRecord {
    pub id: u64,
    pub url: String,
    /// The JSON posted.
    pub body: String,
    pub ticket: u64,
    pub rule: u64,
    pub attempts: u32,
    /// When to try next (Unix seconds).
    pub due: i64,
    pub last_error: String,
}

/// Work for a background worker, written in the same transaction as the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// Bring the search index's copy of this ticket up to date.
    IndexTicket(u64),
}

/// A logged phone call's details (the message holds its summary).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallRecord {
    pub direction: model::CallDirection,
    pub number: String,
    pub duration_secs: u32,
}

impl From<&model::CallInfo> for CallRecord {
    fn from(c: &model::CallInfo) -> Self {
        CallRecord {
            direction: c.direction,
            number: c.number.trim().to_string(),
            duration_secs: c.duration_secs,
        }
    }
}

impl From<CallRecord> for model::CallInfo {
    fn from(c: CallRecord) -> Self {
        model::CallInfo {
            direction: c.direction,
            number: c.number,
            duration_secs: c.duration_secs,
        }
    }
}

/// Something an agent is told about in the workspace.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NotificationRecord {
    pub id: u64,
    pub ticket: u64,
    pub kind: model::NotificationKind,
    /// Who caused it (the agent who assigned, the customer who wrote).
    pub by: Actor,
    pub at: DateTime<Utc>,
    pub read: bool,
}
