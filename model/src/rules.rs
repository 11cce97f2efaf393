//! Rules that run the desk: on an event (a ticket created, changed, answered…) or after
//! a time (so long in a status, unassigned…), when their conditions hold, they change the
//! ticket, write to someone or call a webhook. Each firing is in the ticket's history
//! with the conditions that made it fire.

use serde::{Deserialize, Serialize};

/// What a rule waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleEvent {
    #[default]
    Created,
    /// Any change to an existing ticket (a message, a field, its status).
    Updated,
    CustomerReplied,
    AgentReplied,
    StatusChanged,
    /// A service-level clock came near its target.
    SlaWarning,
    /// A service-level clock passed its target.
    SlaBreached,
    /// Checked every minute against open tickets: for conditions on time.
    Time,
}

impl RuleEvent {
    pub const ALL: [RuleEvent; 8] = [
        RuleEvent::Created,
        RuleEvent::Updated,
        RuleEvent::CustomerReplied,
        RuleEvent::AgentReplied,
        RuleEvent::StatusChanged,
        RuleEvent::SlaWarning,
        RuleEvent::SlaBreached,
        RuleEvent::Time,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            RuleEvent::Created => "created",
            RuleEvent::Updated => "updated",
            RuleEvent::CustomerReplied => "customer-replied",
            RuleEvent::AgentReplied => "agent-replied",
            RuleEvent::StatusChanged => "status-changed",
            RuleEvent::SlaWarning => "sla-warning",
            RuleEvent::SlaBreached => "sla-breached",
            RuleEvent::Time => "time",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.slug() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RuleEvent::Created => "rules.on_created",
            RuleEvent::Updated => "rules.on_updated",
            RuleEvent::CustomerReplied => "rules.on_customer_replied",
            RuleEvent::AgentReplied => "rules.on_agent_replied",
            RuleEvent::StatusChanged => "rules.on_status_changed",
            RuleEvent::SlaWarning => "rules.on_sla_warning",
            RuleEvent::SlaBreached => "rules.on_sla_breached",
            RuleEvent::Time => "rules.on_time",
        }
    }
}

/// What a condition looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleField {
    #[default]
    Status,
    Priority,
    Department,
    /// The assignee; the value `none` is "unassigned".
    Assignee,
    Type,
    Tags,
    Channel,
    /// The mailbox the ticket came through.
    Mailbox,
    Subject,
    /// The text of the ticket's latest message.
    Text,
    /// The domain of the customer's address.
    SenderDomain,
    CustomerEmail,
    CustomerName,
    Organization,
    CustomerGroup,
    Spam,
    /// Hours since the ticket entered its status.
    HoursInStatus,
    /// Business hours (of the ticket's calendar) since it entered its status.
    BusinessHoursInStatus,
    HoursSinceCreated,
    /// Whether the ticket's calendar is open now: `open` or `closed`.
    BusinessHours,
    CustomerPhone,
    CustomerLocation,
    /// The addresses copied on the ticket's replies.
    Ccs,
}

impl RuleField {
    pub const ALL: [RuleField; 23] = [
        RuleField::Status,
        RuleField::Priority,
        RuleField::Department,
        RuleField::Assignee,
        RuleField::Type,
        RuleField::Tags,
        RuleField::Channel,
        RuleField::Mailbox,
        RuleField::Subject,
        RuleField::Text,
        RuleField::SenderDomain,
        RuleField::CustomerEmail,
        RuleField::CustomerName,
        RuleField::Organization,
        RuleField::CustomerGroup,
        RuleField::CustomerPhone,
        RuleField::CustomerLocation,
        RuleField::Ccs,
        RuleField::Spam,
        RuleField::HoursInStatus,
        RuleField::BusinessHoursInStatus,
        RuleField::HoursSinceCreated,
        RuleField::BusinessHours,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            RuleField::Status => "status",
            RuleField::Priority => "priority",
            RuleField::Department => "department",
            RuleField::Assignee => "assignee",
            RuleField::Type => "type",
            RuleField::Tags => "tags",
            RuleField::Channel => "channel",
            RuleField::Mailbox => "mailbox",
            RuleField::Subject => "subject",
            RuleField::Text => "text",
            RuleField::SenderDomain => "sender-domain",
            RuleField::CustomerEmail => "customer-email",
            RuleField::CustomerName => "customer-name",
            RuleField::Organization => "organization",
            RuleField::CustomerGroup => "customer-group",
            RuleField::Spam => "spam",
            RuleField::HoursInStatus => "hours-in-status",
            RuleField::BusinessHoursInStatus => "business-hours-in-status",
            RuleField::HoursSinceCreated => "hours-since-created",
            RuleField::BusinessHours => "business-hours",
            RuleField::CustomerPhone => "customer-phone",
            RuleField::CustomerLocation => "customer-location",
            RuleField::Ccs => "ccs",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.slug() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RuleField::Status => "ticket.status",
            RuleField::Priority => "ticket.priority",
            RuleField::Department => "ticket.department",
            RuleField::Assignee => "ticket.assignee",
            RuleField::Type => "ticket.type",
            RuleField::Tags => "ticket.tags",
            RuleField::Channel => "rules.f_channel",
            RuleField::Mailbox => "rules.f_mailbox",
            RuleField::Subject => "rules.f_subject",
            RuleField::Text => "rules.f_text",
            RuleField::SenderDomain => "rules.f_sender_domain",
            RuleField::CustomerEmail => "rules.f_customer_email",
            RuleField::CustomerName => "rules.f_customer_name",
            RuleField::Organization => "rules.f_organization",
            RuleField::CustomerGroup => "rules.f_customer_group",
            RuleField::Spam => "rules.f_spam",
            RuleField::HoursInStatus => "rules.f_hours_in_status",
            RuleField::BusinessHoursInStatus => "rules.f_business_hours_in_status",
            RuleField::HoursSinceCreated => "rules.f_hours_since_created",
            RuleField::BusinessHours => "rules.f_business_hours",
            RuleField::CustomerPhone => "rules.f_customer_phone",
            RuleField::CustomerLocation => "rules.f_customer_location",
            RuleField::Ccs => "rules.f_ccs",
        }
    }

    /// What kind of value the field holds, which decides the tests it takes.
    pub fn kind(self) -> FieldKind {
        match self {
            RuleField::Status
            | RuleField::Priority
            | RuleField::Department
            | RuleField::Assignee
            | RuleField::Type
            | RuleField::Channel
            | RuleField::Mailbox
            | RuleField::Spam
            | RuleField::BusinessHours => FieldKind::Choice,
            RuleField::Tags => FieldKind::Set,
            RuleField::HoursInStatus
            | RuleField::BusinessHoursInStatus
            | RuleField::HoursSinceCreated => FieldKind::Number,
            _ => FieldKind::Text,
        }
    }
}

/// The kinds of value a condition compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// One of a list (`is`, `is not`).
    Choice,
    /// Several of a list: tags (`contains`, `does not contain`).
    Set,
    /// Words (`is`, `is not`, `contains`, `does not contain`).
    Text,
    /// Hours (`at least`, `less than`).
    Number,
}

/// How a condition compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleOp {
    #[default]
    Is,
    IsNot,
    Contains,
    NotContains,
    AtLeast,
    LessThan,
}

impl RuleOp {
    pub const ALL: [RuleOp; 6] = [
        RuleOp::Is,
        RuleOp::IsNot,
        RuleOp::Contains,
        RuleOp::NotContains,
        RuleOp::AtLeast,
        RuleOp::LessThan,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            RuleOp::Is => "is",
            RuleOp::IsNot => "is-not",
            RuleOp::Contains => "contains",
            RuleOp::NotContains => "not-contains",
            RuleOp::AtLeast => "at-least",
            RuleOp::LessThan => "less-than",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.slug() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RuleOp::Is => "rules.op_is",
            RuleOp::IsNot => "rules.op_is_not",
            RuleOp::Contains => "rules.op_contains",
            RuleOp::NotContains => "rules.op_not_contains",
            RuleOp::AtLeast => "rules.op_at_least",
            RuleOp::LessThan => "rules.op_less_than",
        }
    }

    /// Whether the test applies to a field of `kind`.
    pub fn fits(self, kind: FieldKind) -> bool {
        match kind {
            FieldKind::Choice => matches!(self, RuleOp::Is | RuleOp::IsNot),
            FieldKind::Set => matches!(self, RuleOp::Contains | RuleOp::NotContains),
            FieldKind::Text => !matches!(self, RuleOp::AtLeast | RuleOp::LessThan),
            FieldKind::Number => matches!(self, RuleOp::AtLeast | RuleOp::LessThan),
        }
    }
}

/// One condition: `field op value`. The value is kept in a stable form: a status, a
/// priority or a channel by its slug, a department, agent, type or mailbox by its id
/// (`none` for no assignee), hours as a number, words as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCondition {
    pub field: RuleField,
    pub op: RuleOp,
    pub value: String,
}

/// What a rule does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleActionKind {
    #[default]
    SetStatus,
    SetPriority,
    /// One step up (Low → Normal → High → Urgent).
    RaisePriority,
    SetDepartment,
    /// To an agent by id, or `none`; `distribute` hands it out by the department's way.
    SetAssignee,
    SetType,
    AddTag,
    RemoveTag,
    MarkSpam,
    /// An internal note with the action's text.
    AddNote,
    /// The action's text (with placeholders) mailed to the customer.
    EmailCustomer,
    /// The action's text mailed to an agent (id), or to the assignee (`assignee`).
    EmailAgent,
    /// Told in the workspace: `assignee`, `leader` or an agent's id.
    Notify,
    /// Postponed by this many hours.
    Postpone,
    /// The ticket, as JSON, posted to this URL.
    Webhook,
}

impl RuleActionKind {
    pub const ALL: [RuleActionKind; 15] = [
        RuleActionKind::SetStatus,
        RuleActionKind::SetPriority,
        RuleActionKind::RaisePriority,
        RuleActionKind::SetDepartment,
        RuleActionKind::SetAssignee,
        RuleActionKind::SetType,
        RuleActionKind::AddTag,
        RuleActionKind::RemoveTag,
        RuleActionKind::MarkSpam,
        RuleActionKind::AddNote,
        RuleActionKind::EmailCustomer,
        RuleActionKind::EmailAgent,
        RuleActionKind::Notify,
        RuleActionKind::Postpone,
        RuleActionKind::Webhook,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            RuleActionKind::SetStatus => "set-status",
            RuleActionKind::SetPriority => "set-priority",
            RuleActionKind::RaisePriority => "raise-priority",
            RuleActionKind::SetDepartment => "set-department",
            RuleActionKind::SetAssignee => "set-assignee",
            RuleActionKind::SetType => "set-type",
            RuleActionKind::AddTag => "add-tag",
            RuleActionKind::RemoveTag => "remove-tag",
            RuleActionKind::MarkSpam => "mark-spam",
            RuleActionKind::AddNote => "add-note",
            RuleActionKind::EmailCustomer => "email-customer",
            RuleActionKind::EmailAgent => "email-agent",
            RuleActionKind::Notify => "notify",
            RuleActionKind::Postpone => "postpone",
            RuleActionKind::Webhook => "webhook",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.slug() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RuleActionKind::SetStatus => "rules.a_set_status",
            RuleActionKind::SetPriority => "rules.a_set_priority",
            RuleActionKind::RaisePriority => "rules.a_raise_priority",
            RuleActionKind::SetDepartment => "rules.a_set_department",
            RuleActionKind::SetAssignee => "rules.a_set_assignee",
            RuleActionKind::SetType => "rules.a_set_type",
            RuleActionKind::AddTag => "rules.a_add_tag",
            RuleActionKind::RemoveTag => "rules.a_remove_tag",
            RuleActionKind::MarkSpam => "rules.a_mark_spam",
            RuleActionKind::AddNote => "rules.a_add_note",
            RuleActionKind::EmailCustomer => "rules.a_email_customer",
            RuleActionKind::EmailAgent => "rules.a_email_agent",
            RuleActionKind::Notify => "rules.a_notify",
            RuleActionKind::Postpone => "rules.a_postpone",
            RuleActionKind::Webhook => "rules.a_webhook",
        }
    }
}

/// One action: its kind, what it sets or whom it is for (`value`, kept in the stable
/// form conditions use), and for notes and mail the text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleAction {
    pub kind: RuleActionKind,
    pub value: String,
    pub text: String,
}

/// A rule. Rules run in the order of the desk's list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: u64,
    pub name: String,
    pub active: bool,
    pub event: RuleEvent,
    /// Any one condition suffices (else all must hold). No condition: always.
    pub any: bool,
    pub conditions: Vec<RuleCondition>,
    pub actions: Vec<RuleAction>,
}

/// How one condition came out on a ticket: what it wanted (in words) and what the
/// ticket had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    pub field: RuleField,
    pub op: RuleOp,
    /// The wanted value, named for people (a department's name, a status's slug).
    pub wanted: String,
    /// What the ticket has, named alike.
    pub actual: String,
    pub held: bool,
}

/// What one action would do (or did) to a ticket, for people: its kind, then what it
/// changes from and to, or whom it writes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleEffect {
    pub kind: RuleActionKind,
    pub from: String,
    pub to: String,
    /// False when it would change nothing (already so, or nobody to write to).
    pub changes: bool,
}

/// A rule tried on a ticket without changing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRun {
    pub ticket: u64,
    pub subject: String,
    pub fires: bool,
    pub checks: Vec<RuleCheck>,
    /// What would change, when it fires.
    pub effects: Vec<RuleEffect>,
}
