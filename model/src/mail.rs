//! Email: the outbox, the SMTP server the desk sends through, and the mailboxes it
//! fetches from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why the desk sends a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailKind {
    /// A customer's one-time sign-in link to the portal.
    SignInLink,
    /// A ticket's private link, asked for with its number and the requester's address.
    TicketLink,
    /// An invitation to rate a resolved ticket.
    Survey,
    /// An agent's reply, for the customer.
    Reply,
    /// An admin's test of the SMTP settings.
    Test,
    /// The acknowledgement of a new ticket, for the customer.
    Acknowledgement,
    /// Written by one of the desk's rules, to a customer or an agent.
    Rule,
}

/// A message the desk sends whose words an admin may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateKind {
    /// To a customer whose mail opened a ticket.
    Acknowledgement,
    /// An agent's reply, as mailed to the customer.
    Reply,
    /// The invitation to rate a resolved ticket.
    Survey,
    /// A one-time link into the portal (for all of a customer's tickets, or one).
    SignIn,
    /// The acknowledgement when the ticket's business hours are closed.
    AcknowledgementClosed,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 5] = [
        TemplateKind::Acknowledgement,
        TemplateKind::AcknowledgementClosed,
        TemplateKind::Reply,
        TemplateKind::Survey,
        TemplateKind::SignIn,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            TemplateKind::Acknowledgement => "acknowledgement",
            TemplateKind::Reply => "reply",
            TemplateKind::Survey => "survey",
            TemplateKind::SignIn => "sign-in",
            TemplateKind::AcknowledgementClosed => "acknowledgement-closed",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The placeholders its subject and text may use.
    pub fn placeholders(self) -> &'static [&'static str] {
        const TICKET: [&str; 5] = [
            "{{customer.name}}",
            "{{customer.email}}",
            "{{ticket.number}}",
            "{{ticket.subject}}",
            "{{desk.name}}",
        ];
        match self {
            TemplateKind::Acknowledgement | TemplateKind::AcknowledgementClosed => &[
                "{{customer.name}}",
                "{{customer.email}}",
                "{{ticket.number}}",
                "{{ticket.subject}}",
                "{{ticket.link}}",
                "{{answer_by}}",
                "{{opens_at}}",
                "{{desk.name}}",
            ],
            TemplateKind::Reply => &[
                "{{reply}}",
                "{{agent.name}}",
                "{{customer.name}}",
                "{{customer.email}}",
                "{{ticket.number}}",
                "{{ticket.subject}}",
                "{{desk.name}}",
            ],
            TemplateKind::Survey => &[
                "{{rating.good}}",
                "{{rating.okay}}",
                "{{rating.bad}}",
                "{{days}}",
                "{{customer.name}}",
                "{{customer.email}}",
                "{{ticket.number}}",
                "{{ticket.subject}}",
                "{{desk.name}}",
            ],
            TemplateKind::SignIn => &["{{link}}", "{{minutes}}", "{{customer.email}}", TICKET[4]],
        }
    }
}

/// A template as the admin's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailTemplate {
    pub kind: TemplateKind,
    pub subject: String,
    pub text: String,
    /// Whether the message is sent at all (only the acknowledgement may be turned off).
    pub enabled: bool,
    /// Whether an admin changed it (else it is the desk's default).
    pub changed: bool,
}

/// How mailing a reply to the customer went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub state: MailState,
    /// The last failure, in the mail server's words.
    pub error: String,
}

/// Where a message in the outbox is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailState {
    /// Not tried yet (or no SMTP server is set up).
    Waiting,
    /// A try failed for a reason that may pass; it is tried again later.
    Retrying,
    Sent,
    /// Failed for good (or after many tries); an admin may send it again.
    Failed,
}

/// A message in the outbox, as the outgoing-mail page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub id: u64,
    pub to: String,
    pub subject: String,
    pub kind: MailKind,
    pub ticket: Option<u64>,
    pub created_at: DateTime<Utc>,
    pub state: MailState,
    pub attempts: u32,
    pub last_error: String,
    pub sent_at: Option<DateTime<Utc>>,
}

/// How the desk talks to its SMTP server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmtpSecurity {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// Plain, then upgraded with STARTTLS, which is required (usually port 587).
    #[default]
    StartTls,
    /// No encryption: only for a server on the same machine or network.
    None,
}

impl SmtpSecurity {
    pub fn slug(self) -> &'static str {
        match self {
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::StartTls => "starttls",
            SmtpSecurity::None => "none",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        [
            SmtpSecurity::Tls,
            SmtpSecurity::StartTls,
            SmtpSecurity::None,
        ]
        .into_iter()
        .find(|x| x.slug() == s)
    }
}

/// The desk's SMTP server, as the admin's form shows and sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    /// Empty: no server; messages wait in the outbox.
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    /// Only ever sent to the desk: `None` keeps the stored password.
    pub password: Option<String>,
    /// Whether a password is stored (it is never shown back).
    pub password_set: bool,
    /// The sender address (`support@example.com`).
    pub from: String,
}

/// A mailbox the desk fetches mail from (IMAP), with how fetching goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub id: u64,
    pub name: String,
    /// The address customers write to (`support@example.com`).
    pub address: String,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    /// Whether a password is stored (it is never shown back).
    pub password_set: bool,
    pub folder: String,
    /// The department its new tickets go to.
    pub department: Option<u64>,
    pub active: bool,
    /// Its own SMTP server for the replies sent from its address; `None`: the desk's.
    pub smtp: Option<MailboxSmtp>,
    /// The last fetch that went through.
    pub last_ok: Option<DateTime<Utc>>,
    /// The last error, in words; empty when the last fetch went through.
    pub last_error: String,
    /// Messages taken today.
    pub today: u64,
    /// Messages waiting on the server to be taken.
    pub backlog: u64,
}

/// What an admin saves of a mailbox (`id` 0: a new one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxInput {
    pub id: u64,
    pub name: String,
    pub address: String,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    /// `None` or empty keeps the stored password.
    pub password: Option<String>,
    pub forget_password: bool,
    pub folder: String,
    pub department: Option<u64>,
    pub active: bool,
    /// Its own SMTP server; `None`: replies go through the desk's.
    pub smtp: Option<MailboxSmtp>,
}

/// A mailbox's own SMTP server, for the replies sent from its address. As saved, an
/// empty `password` keeps the stored one unless `forget_password`; as shown, the
/// password is always empty and `password_set` says whether one is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxSmtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: String,
    pub forget_password: bool,
    pub password_set: bool,
}
