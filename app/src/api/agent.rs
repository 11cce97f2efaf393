//! The agent workspace: inbox, ticket page, replies, notes, status, search.

use leptos::prelude::*;
use model::{InboxPage, SearchHit, TicketDetail};

#[cfg(feature = "ssr")]
use super::ssr::{agent, call, fail};
use super::AppError;

/// Tickets on one inbox page.
pub const PAGE_SIZE: usize = 50;

/// A page of the inbox. `status` is a status slug or empty for all; `sort` a sort slug;
/// `assigned` "mine", "unassigned" or empty for anyone's.
#[server(endpoint = "agent/inbox")]
pub async fn inbox(
    status: String,
    sort: String,
    page: usize,
    assigned: Option<String>,
) -> Result<InboxPage, AppError> {
    let me = agent().await?;
    let status = model::TicketStatus::from_slug(&status);
    let sort = model::Sort::from_slug(&sort);
    let assigned = model::Assigned::from_slug(assigned.as_deref().unwrap_or_default());
    let offset = page.saturating_mul(PAGE_SIZE);
    call(move |e| e.inbox_of(me.id, status, assigned, sort, offset, PAGE_SIZE)).await
}

/// A ticket with its whole conversation.
#[server(endpoint = "agent/ticket")]
pub async fn ticket(number: u64, show: Option<usize>) -> Result<TicketDetail, AppError> {
    let me = agent().await?;
    let show = super::conversation_length(show.unwrap_or(0));
    call(move |e| e.ticket_detail_latest(me.id, number, show)).await
}

/// A public reply (`kind` = "reply") or an internal note (`kind` = "note").
#[server(endpoint = "agent/post")]
pub async fn post_message(number: u64, kind: String, body: String) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| match kind.as_str() {
        "note" => e.add_note(me.id, number, &body),
        _ => e.reply(me.id, number, &body),
    })
    .await
}

/// Changes a ticket's status.
#[server(endpoint = "agent/status")]
pub async fn set_status(number: u64, status: String) -> Result<(), AppError> {
    let me = agent().await?;
    let status = model::TicketStatus::from_slug(&status).ok_or_else(|| {
        fail(AppError::Invalid(vec![model::FieldError::new(
            "status",
            "error.generic",
        )]))
    })?;
    call(move |e| e.set_status(me.id, number, status)).await
}

/// Full-text search over tickets.
#[server(endpoint = "agent/search")]
pub async fn search(query: String) -> Result<Vec<SearchHit>, AppError> {
    let me = agent().await?;
    if query.trim().chars().count() < 2 {
        return Ok(Vec::new());
    }
    call(move |e| e.search(me.id, &query, 30)).await
}

/// What the ticket page offers to choose from: agents, departments, ticket types.
#[server(endpoint = "agent/lists")]
pub async fn desk_lists() -> Result<model::DeskLists, AppError> {
    agent().await?;
    call(move |e| e.desk_lists()).await
}

/// One change to a ticket's fields, from the ticket page. `field` says which; `value`
/// is the new value as the form sends it (a slug, an id, empty for none, tags separated
/// by commas, a time for postponing).
#[server(endpoint = "agent/change")]
pub async fn change_ticket(number: u64, field: String, value: String) -> Result<(), AppError> {
    let me = agent().await?;
    // Input the form could not have sent: 422, like every other invalid input.
    let bad = |name: &str| {
        fail(AppError::Invalid(vec![model::FieldError::new(
            name,
            "error.generic",
        )]))
    };
    let id = |v: &str| -> Result<Option<u64>, AppError> {
        if v.is_empty() {
            Ok(None)
        } else {
            v.parse().map(Some).map_err(|_| bad("value"))
        }
    };
    match field.as_str() {
        "priority" => {
            let p = model::Priority::from_slug(&value).ok_or_else(|| bad("priority"))?;
            call(move |e| e.set_priority(me.id, number, p)).await
        }
        "type" => {
            let v = id(&value)?;
            call(move |e| e.set_ticket_type(me.id, number, v)).await
        }
        "assignee" => {
            let v = id(&value)?;
            call(move |e| e.assign(me.id, number, v)).await
        }
        "department" => {
            let v = id(&value)?;
            call(move |e| e.set_department(me.id, number, v)).await
        }
        "tags" => {
            let tags: Vec<String> = value.split(',').map(str::to_string).collect();
            call(move |e| e.set_tags(me.id, number, &tags)).await
        }
        "escalate" => {
            let to = match value.as_str() {
                "leader" => model::Escalation::ToLeader,
                d => model::Escalation::ToDepartment(id(d)?.ok_or_else(|| bad("value"))?),
            };
            call(move |e| e.escalate(me.id, number, to)).await
        }
        "postpone" => {
            // A `datetime-local` value, in the agent's own time (its offset in minutes
            // east of UTC comes after a space, as the page sends it).
            let until = parse_local_time(&value).ok_or_else(|| bad("until"))?;
            call(move |e| e.postpone(me.id, number, until)).await
        }
        _ => Err(bad("field")),
    }
}

/// A `datetime-local` value followed by the browser's offset from UTC in minutes
/// (`2026-11-27T09:30 60`), as a UTC time.
pub fn parse_local_time(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let (local, offset) = value.trim().split_once(' ').unwrap_or((value.trim(), "0"));
    let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").ok()?;
    let minutes: i32 = offset.trim().parse().ok()?;
    let offset = chrono::FixedOffset::east_opt(minutes.checked_mul(60)?)?;
    Some(
        naive
            .and_local_timezone(offset)
            .single()?
            .with_timezone(&chrono::Utc),
    )
}

/// Every department (for the admin page).
#[server(endpoint = "admin/departments")]
pub async fn list_departments() -> Result<Vec<model::Department>, AppError> {
    agent().await?;
    call(move |e| e.departments()).await
}

/// An admin creates (`id` 0) or changes a department. `leader` is an agent id or empty;
/// `members` agent ids separated by commas.
#[server(endpoint = "admin/department")]
pub async fn save_department(
    id: u64,
    name: String,
    leader: String,
    members: String,
) -> Result<model::Department, AppError> {
    let me = agent().await?;
    let bad = || {
        fail(AppError::Invalid(vec![model::FieldError::new(
            "members",
            "error.generic",
        )]))
    };
    let leader = match leader.trim() {
        "" => None,
        l => Some(l.parse().map_err(|_| bad())?),
    };
    let members = members
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| m.parse::<u64>().map_err(|_| bad()))
        .collect::<Result<Vec<_>, _>>()?;
    let department = model::Department {
        id,
        name,
        leader,
        members,
    };
    call(move |e| e.save_department(me.id, &department)).await
}
