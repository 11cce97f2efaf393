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

/// The customer answers through their private link, with the files they uploaded
/// (`attachments`: ids separated by commas).
#[server(endpoint = "portal/reply")]
pub async fn customer_reply(
    number: u64,
    key: String,
    body: String,
    #[server(default)] attachments: String,
) -> Result<model::CustomerReplied, AppError> {
    let client = client_address();
    let ids = attachments
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u64>().map_err(|_| {
                AppError::Invalid(vec![model::FieldError::new(
                    "attachments",
                    "error.file_gone",
                )])
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let replied = call(move |e| {
        e.throttle().portal_reply(&client)?;
        e.customer_reply_with_files(number, &key, &body, &ids)
    })
    .await?;
    if let model::CustomerReplied::FollowUp(c) = &replied {
        redirect_plain_form(&c.link);
    }
    Ok(replied)
}
