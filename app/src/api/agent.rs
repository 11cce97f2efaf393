//! The agent workspace: inbox, ticket page, replies, notes, status, search.

use leptos::prelude::*;
use model::{InboxPage, SearchHit, TicketDetail};

#[cfg(feature = "ssr")]
use super::ssr::{agent, call};
use super::AppError;

/// Tickets on one inbox page.
pub const PAGE_SIZE: usize = 50;

/// A page of the inbox. `status` is a status slug or empty for all; `sort` a sort slug.
#[server(endpoint = "agent/inbox")]
pub async fn inbox(status: String, sort: String, page: usize) -> Result<InboxPage, AppError> {
    let me = agent().await?;
    let status = model::TicketStatus::from_slug(&status);
    let sort = model::Sort::from_slug(&sort);
    call(move |e| {
        e.inbox(
            me.id,
            status,
            sort,
            page.saturating_mul(PAGE_SIZE),
            PAGE_SIZE,
        )
    })
    .await
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
        AppError::Invalid(vec![model::FieldError::new("status", "error.generic")])
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
