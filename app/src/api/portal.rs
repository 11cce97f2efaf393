//! The customer's side: the contact form and the private ticket link.

use leptos::prelude::*;
use model::{CustomerTicket, TicketCreated};

#[cfg(feature = "ssr")]
use super::ssr::{call, client_address, customer_key, redirect_plain_form};
use super::AppError;

/// Opens a ticket from the portal's contact form.
#[server(endpoint = "portal/create")]
pub async fn create_ticket(
    name: String,
    email: String,
    subject: String,
    body: String,
    #[server(default)] department: String,
) -> Result<TicketCreated, AppError> {
    let input = model::NewTicket {
        name,
        email,
        subject,
        body,
        department: department.trim().parse().ok(),
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
    let key = customer_key(key);
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
    let key = customer_key(key);
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

/// Mails a one-time sign-in link to `email`, if the desk knows the address. The answer
/// is the same either way.
#[server(endpoint = "portal/sign-in-link")]
pub async fn request_sign_in(email: String) -> Result<(), AppError> {
    let client = client_address();
    let base = super::ssr::desk_address();
    call(move |e| {
        e.throttle().portal_ticket(&client)?;
        e.request_sign_in_link(&email, &base)
    })
    .await
}

/// Mails the link to ticket `number` to `email` if it is the requester's address. The
/// answer is the same either way: the page shows nothing of the ticket.
#[server(endpoint = "portal/status")]
pub async fn request_status(number: String, email: String) -> Result<(), AppError> {
    let client = client_address();
    let base = super::ssr::desk_address();
    let number: u64 = number.trim().trim_start_matches('#').parse().map_err(|_| {
        AppError::Invalid(vec![model::FieldError::new("number", "error.merge_number")])
    })?;
    call(move |e| {
        e.throttle().portal_ticket(&client)?;
        e.request_ticket_link(number, &email, &base)
    })
    .await
}

/// Signs the customer in with a sign-in link's token; answers the ticket to open, if
/// the link was for one.
#[server(endpoint = "portal/sign-in")]
pub async fn sign_in_with_link(token: String) -> Result<Option<u64>, AppError> {
    let signed = call(move |e| e.customer_sign_in(&token)).await?;
    super::ssr::set_customer_cookie(Some(&signed.session));
    let next = match signed.ticket {
        Some(n) => format!("/portal/tickets/{n}"),
        None => "/portal".to_string(),
    };
    redirect_plain_form(&next);
    Ok(signed.ticket)
}

/// Signs a customer in with the password they chose.
#[server(endpoint = "portal/password-sign-in")]
pub async fn password_sign_in(email: String, password: String) -> Result<(), AppError> {
    let client = client_address();
    let signed = call(move |e| e.customer_sign_in_password(&email, &password, &client))
        .await
        .map_err(|e| match e {
            AppError::NotSignedIn => AppError::BadCredentials,
            e => e,
        })?;
    super::ssr::set_customer_cookie(Some(&signed.session));
    redirect_plain_form("/portal");
    Ok(())
}

/// Whether the signed-in customer has chosen a password; `None` when signed out.
#[server(endpoint = "portal/has-password")]
pub async fn has_password() -> Result<Option<bool>, AppError> {
    let Some(session) = super::ssr::customer_session() else {
        return Ok(None);
    };
    match call(move |e| e.customer_has_password(&session)).await {
        Ok(has) => Ok(Some(has)),
        Err(AppError::NotSignedIn) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sets the signed-in customer's password, or removes it (`remove` given).
#[server(endpoint = "portal/password")]
pub async fn set_password(
    #[server(default)] current: String,
    #[server(default)] password: String,
    #[server(default)] remove: Option<String>,
) -> Result<bool, AppError> {
    let session = super::ssr::customer_session().ok_or(AppError::NotSignedIn)?;
    let removing = remove.is_some();
    call(move |e| {
        e.set_customer_password(&session, &current, (!removing).then_some(password.as_str()))
    })
    .await?;
    redirect_plain_form("/portal");
    Ok(!removing)
}

/// The signed-in customer's tickets; `None` when no customer is signed in.
#[server(endpoint = "portal/mine")]
pub async fn my_tickets() -> Result<Option<Vec<model::TicketSummary>>, AppError> {
    let Some(session) = super::ssr::customer_session() else {
        return Ok(None);
    };
    match call(move |e| e.customer_tickets(&session)).await {
        Ok(list) => Ok(Some(list)),
        Err(AppError::NotSignedIn) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Signs the customer out.
#[server(endpoint = "portal/sign-out")]
pub async fn customer_sign_out() -> Result<(), AppError> {
    if let Some(session) = super::ssr::customer_session() {
        call(move |e| e.customer_sign_out(&session)).await?;
    }
    super::ssr::set_customer_cookie(None);
    redirect_plain_form("/portal");
    Ok(())
}

/// A rating through a survey link (`choice`: good, okay, bad), with a comment when
/// given; answers the rating as it stands.
#[server(endpoint = "portal/rate-link")]
pub async fn rate_link(
    token: String,
    choice: String,
    #[server(default)] comment: Option<String>,
) -> Result<model::RatingInfo, AppError> {
    let rating = model::Rating::from_slug(&choice).ok_or(AppError::NotFound)?;
    call(move |e| e.rate_by_link(&token, rating, comment.as_deref())).await
}

/// The customer rates their resolved ticket from its page.
#[server(endpoint = "portal/rate")]
pub async fn rate_ticket(
    number: u64,
    key: String,
    choice: String,
    #[server(default)] comment: Option<String>,
) -> Result<model::RatingInfo, AppError> {
    let key = customer_key(key);
    let rating = model::Rating::from_slug(&choice).ok_or_else(|| {
        AppError::Invalid(vec![model::FieldError::new("rating", "error.generic")])
    })?;
    call(move |e| e.rate_as_customer(number, &key, rating, comment.as_deref())).await
}

/// The departments a customer may write to, and the business hours of the one chosen
/// (else the desk's) and whether it is open now, for anyone.
#[server(endpoint = "portal/hours")]
pub async fn opening_hours(
    department: Option<u64>,
) -> Result<(Vec<model::Label>, Option<model::HoursSummary>), AppError> {
    call(move |e| {
        let departments: Vec<model::Label> = e
            .departments()?
            .into_iter()
            .map(|d| model::Label {
                id: d.id,
                name: d.name,
            })
            .collect();
        let department = department.filter(|d| departments.iter().any(|x| x.id == *d));
        let Some(h) = e.opening_hours(department)? else {
            return Ok((departments, None));
        };
        let zone: chrono_tz::Tz = h.calendar.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
        let opens = h.next_open.map(|at| {
            use chrono::Datelike;
            let local = at.with_timezone(&zone);
            (
                local.weekday().num_days_from_monday() as u8,
                local.format("%H:%M").to_string(),
            )
        });
        let summary = Some(model::HoursSummary {
            open_now: h.open_now,
            opens,
            week: h
                .calendar
                .week
                .iter()
                .map(|day| {
                    day.iter()
                        .map(|i| {
                            format!(
                                "{:02}:{:02}–{:02}:{:02}",
                                i.start / 60,
                                i.start % 60,
                                i.end / 60,
                                i.end % 60
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect(),
            time_zone: h.calendar.time_zone,
        });
        Ok((departments, summary))
    })
    .await
}
