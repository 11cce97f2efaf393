//! A rule's values in two forms: stable (a department by id, a status by slug), as kept
//! and compared, and named, as people type and read them.

use model::{Priority, Rule, RuleAction, RuleActionKind, RuleField, TicketStatus};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use crate::store::records::AgentRecord;
use crate::store::{codec, tables};
use crate::tickets::name_in;
use crate::Result;

/// The value "nobody" (no assignee, no type, no department).
pub const NONE: &str = "none";

/// A table of named records.
pub(super) type Table = redb::TableDefinition<'static, u64, &'static [u8]>;

type Named<'a> = &'a dyn Fn(&str) -> Result<Option<u64>>;

/// The id of the record of `table` that `typed` names: by id, or by name ignoring case.
fn id_named(table: &impl ReadableTable<u64, &'static [u8]>, typed: &str) -> Result<Option<u64>> {
    let typed = typed.trim();
    if let Ok(id) = typed.parse::<u64>() {
        if table.get(id)?.is_some() {
            return Ok(Some(id));
        }
    }
    #[derive(serde::Deserialize)]
    struct Head {
        id: u64,
        name: String,
    }
    for entry in table.iter()? {
        let head: Head = codec::decode(entry?.1.value())?;
        if head.name.trim().eq_ignore_ascii_case(typed) {
            return Ok(Some(head.id));
        }
    }
    Ok(None)
}

/// The agent `typed` names: by address, id or name.
fn agent_named(txn: &WriteTransaction, typed: &str) -> Result<Option<u64>> {
    let address = typed.trim().to_lowercase();
    if let Some(id) = txn
        .open_table(tables::AGENT_BY_EMAIL)?
        .get(address.as_str())?
    {
        return Ok(Some(id.value()));
    }
    id_named(&txn.open_table(tables::AGENTS)?, typed)
}

fn slug_of(typed: &str) -> String {
    typed.trim().to_lowercase().replace([' ', '_'], "-")
}

fn hours(typed: &str) -> Option<String> {
    let h: f64 = typed.trim().replace(',', ".").parse().ok()?;
    (h.is_finite() && (0.0..=100_000.0).contains(&h))
        .then(|| format!("{}", (h * 100.0).round() / 100.0))
}

fn words(typed: &str) -> Option<String> {
    let w = model::validate::one_line(typed).trim().to_string();
    (!w.is_empty() && w.chars().count() <= 200).then_some(w)
}

/// A condition's value in its stable form; `None` when it names nothing valid.
pub(super) fn condition_value(
    txn: &WriteTransaction,
    field: RuleField,
    typed: &str,
) -> Result<Option<String>> {
    let departments = txn.open_table(tables::DEPARTMENTS)?;
    let types = txn.open_table(tables::TICKET_TYPES)?;
    let mailboxes = txn.open_table(tables::MAILBOXES)?;
    stable(
        field,
        typed,
        &|t| id_named(&departments, t),
        &|t| agent_named(txn, t),
        &|t| id_named(&types, t),
        &|t| id_named(&mailboxes, t),
    )
}

fn stable(
    field: RuleField,
    typed: &str,
    department: Named<'_>,
    agent: Named<'_>,
    kind: Named<'_>,
    mailbox: Named<'_>,
) -> Result<Option<String>> {
    let slug = slug_of(typed);
    let or_none = |found: Option<u64>| -> Option<String> {
        if slug == NONE {
            Some(NONE.to_string())
        } else {
            found.map(|id| id.to_string())
        }
    };
    Ok(match field {
        RuleField::Status => TicketStatus::from_slug(&slug).map(|s| s.slug().to_string()),
        RuleField::Priority => Priority::from_slug(&slug).map(|p| p.slug().to_string()),
        RuleField::Channel => model::Channel::from_slug(&slug).map(|c| c.slug().to_string()),
        RuleField::Department => or_none(department(typed)?),
        RuleField::Assignee => or_none(agent(typed)?),
        RuleField::Type => or_none(kind(typed)?),
        RuleField::Mailbox => or_none(mailbox(typed)?),
        RuleField::Spam => match slug.as_str() {
            "yes" | "true" => Some("yes".into()),
            "no" | "false" => Some("no".into()),
            _ => None,
        },
        RuleField::BusinessHours => {
            matches!(slug.as_str(), "open" | "closed").then_some(slug.clone())
        }
        RuleField::HoursInStatus
        | RuleField::BusinessHoursInStatus
        | RuleField::HoursSinceCreated => hours(typed),
        RuleField::Tags
        | RuleField::Subject
        | RuleField::Text
        | RuleField::SenderDomain
        | RuleField::CustomerEmail
        | RuleField::CustomerName
        | RuleField::Organization
        | RuleField::CustomerGroup
        | RuleField::CustomerPhone
        | RuleField::CustomerLocation
        | RuleField::Ccs => words(typed),
    })
}

/// An action with its value in stable form; `None` when it is incomplete or wrong.
pub(super) fn action_value(txn: &WriteTransaction, a: &RuleAction) -> Result<Option<RuleAction>> {
    let departments = txn.open_table(tables::DEPARTMENTS)?;
    let types = txn.open_table(tables::TICKET_TYPES)?;
    let mailboxes = txn.open_table(tables::MAILBOXES)?;
    let as_field = |field| {
        stable(
            field,
            &a.value,
            &|t| id_named(&departments, t),
            &|t| agent_named(txn, t),
            &|t| id_named(&types, t),
            &|t| id_named(&mailboxes, t),
        )
    };
    let slug = slug_of(&a.value);
    let text = a.text.replace("\r\n", "\n").trim().to_string();
    let with_text = text.chars().count() <= super::MAX_TEXT_CHARS;
    let value = match a.kind {
        RuleActionKind::SetStatus => {
            as_field(RuleField::Status)?.filter(|s| s != TicketStatus::Postponed.slug())
        }
        RuleActionKind::SetPriority => as_field(RuleField::Priority)?,
        RuleActionKind::SetDepartment => as_field(RuleField::Department)?.filter(|d| d != NONE),
        RuleActionKind::SetAssignee => {
            if slug == "distribute" {
                Some(slug.clone())
            } else {
                as_field(RuleField::Assignee)?
            }
        }
        RuleActionKind::SetType => as_field(RuleField::Type)?,
        RuleActionKind::AddTag | RuleActionKind::RemoveTag => {
            crate::tickets::tag_names(std::slice::from_ref(&a.value))
                .ok()
                .and_then(|n| n.into_iter().next())
        }
        RuleActionKind::RaisePriority | RuleActionKind::MarkSpam => Some(String::new()),
        RuleActionKind::AddNote | RuleActionKind::EmailCustomer => {
            (!text.is_empty()).then(String::new)
        }
        RuleActionKind::EmailAgent | RuleActionKind::Notify => match slug.as_str() {
            "assignee" | "leader" => Some(slug.clone()),
            _ => as_field(RuleField::Assignee)?.filter(|a| a != NONE),
        }
        .filter(|_| a.kind == RuleActionKind::Notify || !text.is_empty()),
        RuleActionKind::Postpone => hours(&a.value).filter(|h| h != "0"),
        RuleActionKind::Webhook => {
            let url = a.value.trim();
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && url.len() <= 2000
                && !url.chars().any(char::is_whitespace)
                && url.split_once("://").is_some_and(|(_, rest)| {
                    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
                    !authority.is_empty() && !authority.contains('@')
                });
            ok.then(|| url.to_string())
        }
    };
    let keeps_text = matches!(
        a.kind,
        RuleActionKind::AddNote | RuleActionKind::EmailCustomer | RuleActionKind::EmailAgent
    );
    Ok(value.filter(|_| with_text).map(|value| RuleAction {
        kind: a.kind,
        value,
        text: if keeps_text { text } else { String::new() },
    }))
}

/// The name people know a stable value of `field` by.
pub(super) fn name_of(
    field: RuleField,
    value: &str,
    name: &dyn Fn(Table, u64) -> Result<String>,
) -> Result<String> {
    let table = match field {
        RuleField::Department => tables::DEPARTMENTS,
        RuleField::Assignee => tables::AGENTS,
        RuleField::Type => tables::TICKET_TYPES,
        RuleField::Mailbox => tables::MAILBOXES,
        _ => return Ok(value.to_string()),
    };
    match value.parse::<u64>() {
        Ok(id) => {
            let n = name(table, id)?;
            Ok(if n.is_empty() { format!("#{id}") } else { n })
        }
        Err(_) => Ok(value.to_string()),
    }
}

/// A value as histories and dry runs show it: named, and "nobody" as a dash, which
/// reads the same in every language.
pub(super) fn shown(
    field: RuleField,
    value: &str,
    name: &dyn Fn(Table, u64) -> Result<String>,
) -> Result<String> {
    if value == NONE
        && matches!(
            field,
            RuleField::Department | RuleField::Assignee | RuleField::Type | RuleField::Mailbox
        )
    {
        return Ok("—".to_string());
    }
    name_of(field, value, name)
}

/// The field an action's value names something of.
pub(super) fn action_field(kind: RuleActionKind) -> Option<RuleField> {
    Some(match kind {
        RuleActionKind::SetStatus => RuleField::Status,
        RuleActionKind::SetPriority => RuleField::Priority,
        RuleActionKind::SetDepartment => RuleField::Department,
        RuleActionKind::SetAssignee | RuleActionKind::EmailAgent | RuleActionKind::Notify => {
            RuleField::Assignee
        }
        RuleActionKind::SetType => RuleField::Type,
        _ => return None,
    })
}

/// Rule `r` with its values named for people.
pub(super) fn named(txn: &ReadTransaction, mut r: Rule) -> Result<Rule> {
    let lookup = |table: Table, id| name_in(&txn.open_table(table)?, id);
    for c in &mut r.conditions {
        c.value = name_of(c.field, &c.value, &lookup)?;
    }
    for a in &mut r.actions {
        if let Some(field) = action_field(a.kind) {
            a.value = name_of(field, &a.value, &lookup)?;
        }
    }
    Ok(r)
}

/// The name of agent `id` and their address.
pub(super) fn agent(txn: &WriteTransaction, id: u64) -> Result<Option<AgentRecord>> {
    Ok(match txn.open_table(tables::AGENTS)?.get(id)? {
        Some(raw) => Some(codec::decode(raw.value())?),
        None => None,
    })
}
