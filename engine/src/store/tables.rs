//! Every redb table, declared once. Keys sort the way the UI lists things.

use redb::TableDefinition;

/// Schema version and other single values.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Sequences (`ticket`, `message`, ...) and counts (`status:open`, ...).
pub const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// Ticket number → ticket record.
pub const TICKETS: TableDefinition<u64, &[u8]> = TableDefinition::new("tickets");
/// (status code, ticket number) → (); lists a status's tickets in number order.
pub const TICKETS_BY_STATUS: TableDefinition<(u8, u64), ()> =
    TableDefinition::new("tickets_by_status");
/// Message id → message record.
pub const MESSAGES: TableDefinition<u64, &[u8]> = TableDefinition::new("messages");
/// (ticket number, message id) → (); a ticket's conversation in order.
pub const TICKET_MESSAGES: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("ticket_messages");
/// Contact id → contact record.
pub const CONTACTS: TableDefinition<u64, &[u8]> = TableDefinition::new("contacts");
/// Lower-cased email → contact id.
pub const CONTACT_BY_EMAIL: TableDefinition<&str, u64> = TableDefinition::new("contact_by_email");
/// Agent id → agent record.
pub const AGENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("agents");
/// Lower-cased email → agent id.
pub const AGENT_BY_EMAIL: TableDefinition<&str, u64> = TableDefinition::new("agent_by_email");
/// SHA-256 of a session token → session record.
pub const SESSIONS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("sessions");
/// Audit event id → event record. Append-only.
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");
/// (ticket number, audit event id) → (); a ticket's history.
pub const AUDIT_BY_TICKET: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("audit_by_ticket");
/// Outbox sequence → job, for the workers.
pub const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");
/// Department id → department record.
pub const DEPARTMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("departments");
/// Tag id → tag record.
pub const TAGS: TableDefinition<u64, &[u8]> = TableDefinition::new("tags");
/// Lower-cased tag name → tag id.
pub const TAG_BY_NAME: TableDefinition<&str, u64> = TableDefinition::new("tag_by_name");
/// Ticket type id → type record.
pub const TICKET_TYPES: TableDefinition<u64, &[u8]> = TableDefinition::new("ticket_types");
/// Desk settings by name (auto-close days, ...).
pub const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");
/// (agent id, ticket number) → (); an agent's assigned tickets.
pub const TICKETS_BY_ASSIGNEE: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("tickets_by_assignee");
/// (department id, ticket number) → (); a department's tickets.
pub const TICKETS_BY_DEPARTMENT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("tickets_by_department");
/// (tag id, ticket number) → (); the tickets carrying a tag.
pub const TICKETS_BY_TAG: TableDefinition<(u64, u64), ()> = TableDefinition::new("tickets_by_tag");
/// (wake-up time in Unix seconds, ticket number) → (); postponed tickets by when they
/// reopen.
pub const TICKETS_POSTPONED: TableDefinition<(i64, u64), ()> =
    TableDefinition::new("tickets_postponed");
/// (resolution time in Unix seconds, ticket number) → (); resolved tickets by age, for
/// closing them after the configured days.
pub const TICKETS_RESOLVED: TableDefinition<(i64, u64), ()> =
    TableDefinition::new("tickets_resolved");
/// Ticket number → (); the tickets no one is assigned to.
pub const TICKETS_UNASSIGNED: TableDefinition<u64, ()> = TableDefinition::new("tickets_unassigned");

/// Saved inbox views by id (see `records::ViewRecord`).
pub const VIEWS: TableDefinition<u64, &[u8]> = TableDefinition::new("views");

/// Canned responses by id (see `records::CannedRecord`).
pub const CANNED: TableDefinition<u64, &[u8]> = TableDefinition::new("canned");

/// Contacts by phone number (digits, with a leading `+` when given).
pub const CONTACT_BY_PHONE: TableDefinition<&str, u64> = TableDefinition::new("contact_by_phone");

/// Attachment id → attachment record (see `files::AttachmentRecord`).
pub const ATTACHMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("attachments");
/// (message id, attachment id) → (); a message's files in order.
pub const MESSAGE_ATTACHMENTS: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("message_attachments");
/// (upload time in Unix seconds, attachment id) → (); uploads not yet attached.
pub const UPLOADS_PENDING: TableDefinition<(i64, u64), ()> =
    TableDefinition::new("uploads_pending");
/// SHA-256 of a blob → how many attachments hold it.
pub const BLOBS: TableDefinition<&[u8], u64> = TableDefinition::new("blobs");
/// Message id → the call it logs (see `records::CallRecord`); the message's body is the
/// call's summary.
pub const CALLS: TableDefinition<u64, &[u8]> = TableDefinition::new("calls");
/// SHA-256 of a customer's one-time sign-in link → the link (see `portal`).
pub const CUSTOMER_LINKS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("customer_links");
/// SHA-256 of a customer session token → the session (see `portal`).
pub const CUSTOMER_SESSIONS: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("customer_sessions");
/// Contact id → the argon2 hash of the password the customer chose, if they chose one
/// (see `portal`).
pub const CUSTOMER_PASSWORDS: TableDefinition<u64, &str> =
    TableDefinition::new("customer_passwords");
/// `mid:<Message-ID>` and `raw:<SHA-256 of the bytes>` of every ingested message → its
/// ticket: a message seen once is never ingested again (see `mailin`).
pub const MAIL_SEEN: TableDefinition<&str, u64> = TableDefinition::new("mail_seen");
/// Message-ID of an ingested message → its ticket, for threading replies.
pub const MESSAGE_IDS: TableDefinition<&str, u64> = TableDefinition::new("message_ids");
/// (ticket, message id) → the Message-ID of an email that came into the ticket: what
/// the desk's answers refer to (In-Reply-To, References).
pub const THREAD_IDS: TableDefinition<(u64, u64), &str> = TableDefinition::new("thread_ids");
/// Mailbox id → its settings (see `mailbox`).
pub const MAILBOXES: TableDefinition<u64, &[u8]> = TableDefinition::new("mailboxes");
/// Ticket → the mailbox its first mail came through: the address its answers go
/// from.
pub const TICKET_MAILBOX: TableDefinition<u64, u64> = TableDefinition::new("ticket_mailbox");
/// Outgoing message → the mailbox it is sent from (its address, and its own SMTP
/// server if it has one).
pub const MAIL_VIA: TableDefinition<u64, u64> = TableDefinition::new("mail_via");
/// Address → (day number, acknowledgements sent to it that day): a forged sender
/// cannot make the desk mail one address without end.
pub const ACK_LOG: TableDefinition<&str, (i64, u32)> = TableDefinition::new("ack_log");
/// Calendar id → a business-hours calendar (see `sla`).
pub const CALENDARS: TableDefinition<u64, &[u8]> = TableDefinition::new("calendars");
/// Department id → the calendar it keeps (else the desk's default).
pub const DEPARTMENT_CALENDARS: TableDefinition<u64, u64> =
    TableDefinition::new("department_calendars");
/// Agent id → their availability and capacity (see `distribution`).
pub const AGENT_AVAILABILITY: TableDefinition<u64, &[u8]> =
    TableDefinition::new("agent_availability");
/// Department id → how it hands out tickets, and who got the last one.
pub const DEPARTMENT_DISTRIBUTION: TableDefinition<u64, &[u8]> =
    TableDefinition::new("department_distribution");
/// (ticket, clock × 2 + breached) → the due instant it was told for: each warning and
/// breach of a clock goes into the history once.
pub const SLA_EVENTS: TableDefinition<(u64, u8), i64> = TableDefinition::new("sla_events");
/// Mailbox id → where fetching it stands (see `mailbox`).
pub const MAILBOX_STATE: TableDefinition<u64, &[u8]> = TableDefinition::new("mailbox_state");
/// A blocked sender: an address (`ana@example.com`) or a domain (`@example.com`),
/// lower-cased; their mail goes to Spam.
pub const BLOCKED_SENDERS: TableDefinition<&str, ()> = TableDefinition::new("blocked_senders");
/// Ticket message id → the outgoing message that mailed it to the customer.
pub const MESSAGE_MAILS: TableDefinition<u64, u64> = TableDefinition::new("message_mails");
/// Outgoing message id → its headers beyond the basics (see `mail::MailHeaders`).
pub const MAIL_HEADERS: TableDefinition<u64, &[u8]> = TableDefinition::new("mail_headers");
/// Message id → the SHA-256 of the original email it came from (in the blob store).
pub const MESSAGE_SOURCES: TableDefinition<u64, &[u8]> = TableDefinition::new("message_sources");
/// An address that bounced (lower-cased) → the reason the delivery report gave.
pub const FAILING_ADDRESSES: TableDefinition<&str, &str> =
    TableDefinition::new("failing_addresses");
/// Outgoing message id → message (see `mail::MailRecord`).
pub const MAILS: TableDefinition<u64, &[u8]> = TableDefinition::new("mails");
/// (when due in Unix seconds, message id) → (); messages waiting to be sent.
pub const MAIL_DUE: TableDefinition<(i64, u64), ()> = TableDefinition::new("mail_due");
/// (agent id, notification id) → notification record, an agent's newest last.
pub const NOTIFICATIONS: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("notifications");

/// Knowledge-base category id → category (see `kb`).
pub const KB_CATEGORIES: TableDefinition<u64, &[u8]> = TableDefinition::new("kb_categories");
/// Article id → article (see `kb`).
pub const ARTICLES: TableDefinition<u64, &[u8]> = TableDefinition::new("articles");
/// An article's slug → its id.
pub const ARTICLE_SLUGS: TableDefinition<&str, u64> = TableDefinition::new("article_slugs");
/// (article id, revision number) → that revision's title and text.
pub const ARTICLE_REVISIONS: TableDefinition<(u64, u32), &[u8]> =
    TableDefinition::new("article_revisions");

/// SHA-256 of a survey link's token → the ticket it rates (see `survey`).
pub const SURVEY_TOKENS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("survey_tokens");
/// Ticket number → its customer's rating (see `survey`).
pub const RATINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("ratings");

/// Time rules that fired on a ticket: (rule, ticket) → since when the ticket was in the
/// status it had then (Unix seconds), so a rule fires once per stay in a status.
pub const RULE_FIRED: TableDefinition<(u64, u64), i64> = TableDefinition::new("rule_fired");
/// Webhook calls waiting: id → [`WebhookRecord`](super::records::WebhookRecord).
pub const WEBHOOKS: TableDefinition<u64, &[u8]> = TableDefinition::new("webhooks");
/// Agents' working hours: agent → calendar id. Distribution hands tickets only to
/// agents whose calendar is open (an agent without one is always at work).
pub const AGENT_HOURS: TableDefinition<u64, u64> = TableDefinition::new("agent_hours");
