//! The customer's side: the contact form and the private ticket link.

use leptos::prelude::*;
use model::{CustomerTicket, TicketCreated};

#[cfg(feature = "ssr")]
use super::ssr::{call, client_address, redirect_plain_form};
use super::AppError;

/// Opens a ticket from the portal's contact form.
#[server(endpoint = "portal/create")]
pub async fn create_ticket(
    name: String,
    email: String,
    subject: String,
    body: String,
) -> Result<TicketCreated, AppError> {
    let input = model::NewTicket {
        name,
        email,
        subject,
        body,
    };
    let client = client_address();
    let created = call(move |e| {
        e.throttle().portal_ticket(&client)?;
        e.create_ticket(&input, model::Channel::Portal)
    })
    .await?;
    redirect_plain_form(&created.link);
    Ok(created)
}

/// The ticket behind a private link.
#[server(endpoint = "portal/ticket")]
pub async fn load_portal_ticket(
    number: u64,
    key: String,
    show: Option<usize>,
) -> Result<CustomerTicket, AppError> {
    let show = super::conversation_length(show.unwrap_or(0));
    call(move |e| e.customer_ticket_latest(number, &key, show)).await
}

/// The customer answers through their private link.
#[server(endpoint = "portal/reply")]
pub async fn customer_reply(
    number: u64,
    key: String,
    body: String,
) -> Result<model::CustomerReplied, AppError> {
    let client = client_address();
    let replied = call(move |e| {
        e.throttle().portal_reply(&client)?;
        e.customer_reply(number, &key, &body)
    })
    .await?;
    if let model::CustomerReplied::FollowUp(c) = &replied {
        redirect_plain_form(&c.link);
    }
    Ok(replied)
}
