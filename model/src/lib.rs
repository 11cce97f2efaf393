//! Domain types shared by the browser and the server: what a ticket, a message or a search
//! hit looks like on the wire. Only serde and chrono, so it compiles to wasm.

pub mod canned;
pub mod goals;
pub mod headers;
pub mod inbox;
pub mod mail;
pub mod query;
pub mod routing;
pub mod rules;
pub mod sla;
pub mod validate;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use canned::{Canned, Placeholders, PLACEHOLDERS_HINT};
pub use goals::{Goal, GoalFigure, GoalMetric};
pub use inbox::{Assigned, InboxFilter, SavedView, Sort};
pub use mail::{
    Delivery, MailKind, MailState, MailTemplate, Mailbox, MailboxInput, MailboxSmtp, OutgoingMail,
    SmtpSecurity, SmtpSettings, TemplateKind,
};
pub use routing::{AgentLoad, Availability, Distribution};
pub use rules::{
    DryRun, FieldKind, Rule, RuleAction, RuleActionKind, RuleCheck, RuleCondition, RuleEffect,
    RuleEvent, RuleField, RuleOp,
};
pub use sla::{
    Calendar, ClockState, Holiday, HoursSummary, OpenInterval, SlaClock, SlaConditions, SlaPolicy,
    SlaTargets, TicketSla,
};
pub use validate::{
    limits, validate_agent, validate_call, validate_new_ticket, validate_password, validate_reply,
    FieldError,
};

/// Where a ticket is in its life. Codes are stored on disk: never renumber them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TicketStatus {
    New,
    Open,
    Answered,
    Pending,
    OnHold,
    Postponed,
    Resolved,
    Closed,
}

impl TicketStatus {
    /// Every status, in the order the workflow moves through them.
    pub const ALL: [TicketStatus; 8] = [
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::Answered,
        TicketStatus::Pending,
        TicketStatus::OnHold,
        TicketStatus::Postponed,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ];

    /// The stable on-disk code of this status.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status for an on-disk code.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(code as usize).copied()
    }

    /// The status's name in URLs and form values.
    pub fn slug(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Open => "open",
            TicketStatus::Answered => "answered",
            TicketStatus::Pending => "pending",
            TicketStatus::OnHold => "on-hold",
            TicketStatus::Postponed => "postponed",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Closed => "closed",
        }
    }

    /// The status named by a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The translation key of the status's label.
    pub fn label_key(self) -> &'static str {
        match self {
            TicketStatus::New => "status.new",
            TicketStatus::Open => "status.open",
            TicketStatus::Answered => "status.answered",
            TicketStatus::Pending => "status.pending",
            TicketStatus::OnHold => "status.on_hold",
            TicketStatus::Postponed => "status.postponed",
            TicketStatus::Resolved => "status.resolved",
            TicketStatus::Closed => "status.closed",
        }
    }
}

/// How urgent a ticket is. Codes are stored on disk: never renumber them.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Every priority, least urgent first.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    /// The stable on-disk code of this priority.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The priority's name in URLs and form values.
    pub fn slug(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// The priority named by a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// The translation key of the priority's label.
    pub fn label_key(self) -> &'static str {
        match self {
            Priority::Low => "priority.low",
            Priority::Normal => "priority.normal",
            Priority::High => "priority.high",
            Priority::Urgent => "priority.urgent",
        }
    }
}

/// A team within the desk: its tickets are worked by its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: u64,
    pub name: String,
    /// The agent who may reassign within the department and takes escalations.
    pub leader: Option<u64>,
    pub members: Vec<u64>,
}

/// A named thing a ticket can carry: a ticket type or a tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: u64,
    pub name: String,
}

/// Where an agent sends a ticket they cannot solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Escalation {
    /// To the leader of the ticket's department, who becomes its assignee.
    ToLeader,
    /// To another department, unassigned there.
    ToDepartment(u64),
}

/// The way a ticket reached the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Portal,
    Email,
    Chat,
    Api,
    Agent,
    /// An agent took the request on the phone.
    Phone,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 6] = [
        Channel::Portal,
        Channel::Email,
        Channel::Chat,
        Channel::Api,
        Channel::Agent,
        Channel::Phone,
    ];

    /// The channel's position in [`Channel::ALL`].
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The channel's name in URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::Email => "email",
            Channel::Chat => "chat",
            Channel::Api => "api",
            Channel::Agent => "agent",
            Channel::Phone => "phone",
        }
    }

    /// The channel named by a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.slug() == slug)
    }

    /// The translation key of the channel's label.
    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Portal => "channel.portal",
            Channel::Email => "channel.email",
            Channel::Chat => "channel.chat",
            Channel::Api => "channel.api",
            Channel::Agent => "channel.agent",
            Channel::Phone => "channel.phone",
        }
    }
}

/// A public reply (seen by the customer), an internal note (agents only), or a logged
/// phone call (agents only; its body is the call's summary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageKind {
    Reply,
    Note,
    Call,
}

impl MessageKind {
    /// Whether the customer sees messages of this kind.
    pub fn public(self) -> bool {
        self == MessageKind::Reply
    }
}

/// A file on a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: u64,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

impl Attachment {
    /// Whether a browser may show it as a picture (a preview): raster images only, never
    /// SVG, which can carry scripts.
    pub fn is_image(&self) -> bool {
        matches!(
            self.content_type.as_str(),
            "image/png" | "image/jpeg" | "image/gif" | "image/webp"
        )
    }
}

/// Which way a logged phone call went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallDirection {
    Inbound,
    Outbound,
}

/// A logged phone call: who was called or called, and for how long.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallInfo {
    pub direction: CallDirection,
    pub number: String,
    pub duration_secs: u32,
}

/// What an agent may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Agent,
}

/// What a customer types into the portal's contact form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub body: String,
    /// The department the customer chose to write to, if any.
    #[serde(default)]
    pub department: Option<u64>,
}

/// The answer to a new ticket: its number and the customer's private link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCreated {
    pub number: u64,
    /// Path of the customer's private page, token included (`/t/42/…`).
    pub link: String,
}

/// What became of a customer's reply through their private link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomerReplied {
    /// Added to the ticket, which is open again.
    Added,
    /// The ticket was closed, so the reply opened this follow-up ticket.
    FollowUp(TicketCreated),
}

/// Either the result, or what is wrong with each field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormResult<T> {
    Done(T),
    Invalid(Vec<FieldError>),
}

/// One row of the agent's inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub number: u64,
    pub subject: String,
    /// The requester's contact id.
    pub requester: u64,
    pub requester_name: String,
    pub requester_email: String,
    pub status: TicketStatus,
    pub channel: Channel,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The closed ticket this one follows up, if any.
    pub follow_up_of: Option<u64>,
    pub priority: Priority,
    pub assignee: Option<u64>,
    pub assignee_name: Option<String>,
    pub department: Option<u64>,
    pub department_name: Option<String>,
    /// The nearest service-level clock: when it is due, and whether it is near
    /// (Warning) or past (Breached) its target; `None` when no clock runs.
    #[serde(default)]
    pub sla: Option<(ClockState, DateTime<Utc>)>,
}

/// A page of the inbox with the number of tickets in each status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub tickets: Vec<TicketSummary>,
    /// Tickets matching the filter, over all pages.
    pub total: u64,
    pub counts: Vec<(TicketStatus, u64)>,
}

/// One message in a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: u64,
    pub kind: MessageKind,
    pub author_name: String,
    pub from_agent: bool,
    pub body: String,
    /// The body as safe HTML (Markdown rendered, raw HTML shown as text).
    pub html: String,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<Attachment>,
    /// For agents: the message came by email and its original can be downloaded.
    #[serde(default)]
    pub original: bool,
    /// For agents: how mailing this reply to the customer went.
    #[serde(default)]
    pub delivery: Option<Delivery>,
    /// For a message that came by email: its quoted history and signature, rendered,
    /// shown folded under `html` (which then holds only what is new).
    #[serde(default)]
    pub quoted_html: String,
    /// For a logged call: its direction, number and length.
    pub call: Option<CallInfo>,
}

/// A ticket as an agent sees it: every message, notes included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub summary: TicketSummary,
    /// The newest messages, oldest first.
    pub messages: Vec<MessageView>,
    /// Whether earlier messages exist that are not in `messages`.
    pub earlier: bool,
    pub ticket_type: Option<u64>,
    pub tags: Vec<String>,
    /// For a Postponed ticket: when it reopens.
    pub postponed_until: Option<DateTime<Utc>>,
    /// The ticket this one was merged into.
    pub merged_into: Option<u64>,
    /// Addresses copied on replies.
    pub ccs: Vec<String>,
    /// The service-level policy that applies, with its clocks.
    pub sla: Option<TicketSla>,
    /// Who changed what, newest first (the latest [`limits::HISTORY_PAGE`] events).
    pub history: Vec<HistoryEntry>,
    /// The customer's rating, once given.
    pub rating: Option<RatingInfo>,
}

/// One event of a ticket's history, with names resolved for showing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// The agent's or customer's name; empty for the desk itself.
    pub actor: String,
    pub change: HistoryChange,
}

/// What changed, as the history shows it. Names are as they were when shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryChange {
    Created,
    Message(MessageKind),
    FollowUpOpened(u64),
    Status(TicketStatus, TicketStatus),
    Priority(Priority, Priority),
    Type(Option<String>, Option<String>),
    Tags {
        added: Vec<String>,
        removed: Vec<String>,
    },
    Assignee(Option<String>, Option<String>),
    Department(Option<String>, Option<String>),
    /// Escalated to the department's leader (None) or to the named department.
    Escalated(Option<String>),
    Postponed(DateTime<Utc>),
    /// Marked as spam (true) or as not spam.
    Spam(bool),
    /// This ticket was merged into that one.
    MergedInto(u64),
    /// That ticket was merged into this one.
    MergedFrom(u64),
    /// Addresses copied on replies, added and removed.
    Ccs {
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// Handed out by the department's distribution, to an agent then holding `open`
    /// other open tickets.
    Distributed(Distribution, u64),
    /// A service-level clock (0 first response, 1 next response, 2 resolution) came
    /// near its target (false) or passed it (true).
    Sla(u8, bool),
    /// A line already in words (the server words rule firings in the reader's
    /// language, so the browser needs nothing to word them).
    Said(String),
    /// A rule fired: its name, the event, the conditions as they came out, and what
    /// its actions did. Never sent to the browser, which gets it as [`Said`](Self::Said).
    #[cfg(not(target_arch = "wasm32"))]
    Rule {
        name: String,
        event: RuleEvent,
        checks: Vec<RuleCheck>,
        effects: Vec<RuleEffect>,
    },
}

/// A customer as the workspace shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInfo {
    pub id: u64,
    pub name: String,
    /// The name, else an address, else a visitor label.
    pub display_name: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub location: String,
    pub organization: String,
    pub group: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    /// The contact this one was merged into.
    pub merged_into: Option<u64>,
}

/// A contact with their tickets (those the agent may work, newest first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub contact: ContactInfo,
    pub tickets: Vec<TicketSummary>,
    /// How many tickets of theirs the agent may work.
    pub total: u64,
    /// Their ratings of the listed tickets, newest first.
    pub ratings: Vec<RatingInfo>,
    /// Their addresses that bounced, with the reason the delivery report gave.
    #[serde(default)]
    pub failing: Vec<(String, String)>,
}

/// What an administrator arranges on the desk's settings page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSetup {
    /// Resolved tickets close by themselves after this many days (1 to 365).
    pub auto_close_days: u32,
    /// The largest attachment accepted, in MiB.
    pub attachment_max_mib: u32,
    pub profile: DeskProfile,
    pub ticket_types: Vec<Label>,
    pub tags: Vec<Label>,
}

/// What became of a change made to many tickets at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub changed: Vec<u64>,
    /// Tickets left as they were: not the agent's to change, or the change did not
    /// apply to them.
    pub refused: Vec<u64>,
}

/// What the workspace offers to choose from when changing a ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskLists {
    /// Active agents: id and name.
    pub agents: Vec<Label>,
    pub departments: Vec<Label>,
    pub ticket_types: Vec<Label>,
    pub tags: Vec<Label>,
}

/// A ticket as its customer sees it through the private link: public replies only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerTicket {
    pub number: u64,
    pub subject: String,
    pub status: TicketStatus,
    pub created_at: DateTime<Utc>,
    /// The newest public messages, oldest first.
    pub messages: Vec<MessageView>,
    /// Whether earlier messages exist that are not in `messages`.
    pub earlier: bool,
    /// The customer's rating, once given.
    pub rating: Option<RatingInfo>,
}

/// A piece of text with the byte ranges that matched a search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

impl Snippet {
    /// The text cut into (part, highlighted) pieces, for rendering without HTML.
    pub fn pieces(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for &(start, end) in &self.highlights {
            let (Some(before), Some(hit)) = (self.text.get(at..start), self.text.get(start..end))
            else {
                continue;
            };
            if !before.is_empty() {
                out.push((before.to_string(), false));
            }
            out.push((hit.to_string(), true));
            at = end;
        }
        if let Some(rest) = self.text.get(at..) {
            if !rest.is_empty() {
                out.push((rest.to_string(), false));
            }
        }
        out
    }
}

/// One ticket found by full-text search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub number: u64,
    pub subject: Snippet,
    pub body: Snippet,
    pub status: TicketStatus,
    pub requester_name: String,
    pub score: f32,
}

/// The signed-in agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The language the agent chose for the workspace (a code of [`LANGUAGES`]); `None`
    /// follows the browser.
    pub locale: Option<String>,
    /// Whether the agent may sign in.
    pub active: bool,
    /// Added under the agent's public replies.
    pub signature: String,
    /// The agent's IANA time zone (`Europe/Ljubljana`); `None` follows the desk's.
    pub time_zone: Option<String>,
}

/// The desk as its customers and agents see it named, and where it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskProfile {
    /// Shown in page titles and the portal's header; empty for "Tessera".
    pub name: String,
    /// An IANA time zone name; times are shown in it unless an agent chose their own.
    pub time_zone: String,
    /// The language for visitors whose browser asks for none the desk speaks.
    pub language: String,
    /// Where customers reach the desk (`https://help.example.com`): links in mail start
    /// with it. Taken from the setup page's address until an admin changes it.
    pub address: String,
}

/// The languages the desk speaks: code and the language's own name, in the order a
/// language menu lists them. The first is the fallback.
pub const LANGUAGES: [(&str, &str); 5] = [
    ("en", "English"),
    ("el", "Ελληνικά"),
    ("sl", "Slovenščina"),
    ("hr", "Hrvatski"),
    ("bg", "Български"),
];

/// Whether `code` is one of [`LANGUAGES`].
pub fn is_language(code: &str) -> bool {
    LANGUAGES.iter().any(|(c, _)| *c == code)
}

/// What an admin types to add an agent (also the first admin at setup).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAgent {
    pub name: String,
    pub email: String,
    pub password: String,
    pub admin: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_round_trip() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::from_code(s.code()), Some(s));
            assert_eq!(TicketStatus::from_slug(s.slug()), Some(s));
        }
        assert_eq!(TicketStatus::from_code(200), None);
    }

    #[test]
    fn snippet_pieces_split_on_highlights() {
        let s = Snippet {
            text: "Κωδικός πρόσβασης ξεχάστηκε".into(),
            highlights: vec![(0, "Κωδικός".len())],
        };
        let p = s.pieces();
        assert_eq!(p[0], ("Κωδικός".to_string(), true));
        assert_eq!(p[1], (" πρόσβασης ξεχάστηκε".to_string(), false));
    }
}

/// Why an agent is notified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationKind {
    /// Someone else assigned the ticket to them.
    Assigned,
    /// The customer wrote on a ticket assigned to them.
    CustomerReplied,
    /// A service-level clock of a ticket they hold (or lead) is near its target.
    SlaWarning,
    /// A service-level clock of a ticket they hold (or lead) passed its target.
    SlaBreached,
    /// A rule of the desk's asked for them to be told.
    Rule,
}

/// One notification, as the bell lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: u64,
    pub ticket: u64,
    pub subject: String,
    pub kind: NotificationKind,
    /// Who caused it: the assigning agent's or the customer's name.
    pub by: String,
    pub at: DateTime<Utc>,
    pub read: bool,
}

/// An agent's newest notifications and how many are unread.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub unread: u32,
    pub items: Vec<Notification>,
}

/// Another agent on the same ticket page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    /// Writing a reply or note right now.
    pub typing: bool,
}

/// What an agent enters to open a ticket for a customer who called or came by: the
/// customer is found by email, else by phone, else made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub subject: String,
    pub body: String,
    /// `Phone` or `Agent` (in person, or anything else).
    pub channel: Option<Channel>,
}

/// A contact in the contacts list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: u64,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub organization: String,
}

/// A knowledge-base category; one level of nesting (`parent` is a top-level one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbCategory {
    pub id: u64,
    pub name: String,
    pub parent: Option<u64>,
    /// Order among its siblings.
    pub position: u32,
}

/// A knowledge-base article as agents edit it and customers read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: u64,
    pub category: Option<u64>,
    pub title: String,
    pub slug: String,
    /// Markdown.
    pub body: String,
    /// The body rendered safely.
    pub html: String,
    /// A code of [`LANGUAGES`].
    pub language: String,
    /// Customers may read it (once published); otherwise agents only.
    pub public: bool,
    /// A draft is seen by agents only.
    pub published: bool,
    pub tags: Vec<String>,
    pub views: u64,
    pub helpful_yes: u64,
    pub helpful_no: u64,
    /// Times a customer opened it from the suggestions and then wrote no ticket.
    pub deflections: u64,
    pub updated_at: DateTime<Utc>,
    /// Who saved the current revision.
    pub updated_by: String,
    pub revisions: u32,
}

/// An article in lists and search results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: u64,
    pub category: Option<u64>,
    pub title: String,
    pub slug: String,
    /// The start of the text, without Markdown; in search results, the part around the
    /// first match.
    pub excerpt: String,
    pub language: String,
    pub public: bool,
    pub published: bool,
    pub updated_at: DateTime<Utc>,
    /// In search results: the byte ranges of `title` and `excerpt` that matched.
    #[serde(default)]
    pub title_marks: Vec<(usize, usize)>,
    #[serde(default)]
    pub excerpt_marks: Vec<(usize, usize)>,
}

/// What an agent saves: a new article (`id` 0) or a change to one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleInput {
    pub id: u64,
    pub category: Option<u64>,
    pub title: String,
    /// Empty: made from the title.
    pub slug: String,
    pub body: String,
    pub language: String,
    pub public: bool,
    pub published: bool,
    pub tags: Vec<String>,
}

/// One saved version of an article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRevision {
    pub number: u32,
    pub title: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The help center's front page: categories and public articles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpCenter {
    pub categories: Vec<KbCategory>,
    /// The first few articles of each category.
    pub articles: Vec<ArticleSummary>,
    /// How many public articles each category holds (`None`: in no category).
    #[serde(default)]
    pub totals: Vec<(Option<u64>, u64)>,
}

/// How a customer rated the help they got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    Good,
    Okay,
    Bad,
}

impl Rating {
    pub const ALL: [Rating; 3] = [Rating::Good, Rating::Okay, Rating::Bad];

    pub fn slug(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::Okay => "okay",
            Rating::Bad => "bad",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.slug() == s)
    }

    /// The translation key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Rating::Good => "rating.good",
            Rating::Okay => "rating.okay",
            Rating::Bad => "rating.bad",
        }
    }
}

/// A ticket's rating, with the customer's comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingInfo {
    pub ticket: u64,
    pub subject: String,
    pub rating: Rating,
    pub comment: String,
    pub at: DateTime<Utc>,
    /// Whether the customer may still change it.
    pub changeable: bool,
}

/// Ratings counted for one agent or department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingCounts {
    /// The agent's or department's id.
    #[serde(default)]
    pub id: u64,
    pub name: String,
    pub good: u64,
    pub okay: u64,
    pub bad: u64,
}

impl RatingCounts {
    /// Good ratings as a share of all, in percent (none: `None`).
    pub fn score(&self) -> Option<u64> {
        let all = self.good + self.okay + self.bad;
        (all > 0).then(|| (self.good * 100 + all / 2) / all)
    }
}

/// An agent's profile: who they are, their departments, and how customers rated the
/// tickets they resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub departments: Vec<String>,
    /// Every rating of the agent's tickets, all time.
    pub counts: RatingCounts,
    /// The same, in the last 30 days.
    pub recent_counts: RatingCounts,
    /// The newest ratings, of tickets the viewer may work.
    pub ratings: Vec<RatingInfo>,
}

/// The satisfaction page: ratings in a period, in all and per agent and department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction {
    pub all: RatingCounts,
    pub agents: Vec<RatingCounts>,
    pub departments: Vec<RatingCounts>,
    /// The latest comments, newest first.
    pub comments: Vec<RatingInfo>,
}
