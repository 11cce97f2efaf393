//! What is stored: the on-disk shape of tickets, messages, contacts, agents, sessions,
//! audit events and outbox jobs.

use chrono::{DateTime, Utc};
use model::{Channel, MessageKind, Role, TicketStatus};
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
}

/// Who wrote a message or caused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Contact(u64),
    Agent(u64),
    System,
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

/// Work for a background worker, written in the same transaction as the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// Bring the search index's copy of this ticket up to date.
    IndexTicket(u64),
}
