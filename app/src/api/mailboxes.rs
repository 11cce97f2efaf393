//! The mailboxes the desk fetches mail from, for admins: their settings and health,
//! and "fetch now".

use leptos::prelude::*;
use model::{Department, Mailbox};

#[cfg(feature = "ssr")]
use super::ssr::{agent, call, fail};
use super::AppError;

/// Every mailbox with its health, and the departments its tickets may go to.
#[server(endpoint = "admin/mailboxes")]
pub async fn mailboxes_page() -> Result<(Vec<Mailbox>, Vec<Department>), AppError> {
    let me = agent().await?;
    call(move |e| Ok((e.mailboxes(me.id)?, e.departments()?))).await
}

/// A port as typed: empty is 0 (the engine says what is wrong), else a number.
#[cfg(feature = "ssr")]
fn port(field: &'static str, value: &str) -> Result<u16, AppError> {
    match value.trim() {
        "" => Ok(0),
        p => p.parse().map_err(|_| {
            fail(AppError::Invalid(vec![model::FieldError::new(
                field,
                "error.mail_port",
            )]))
        }),
    }
}

/// An admin adds (`id` 0) or changes a mailbox. Empty passwords keep the stored ones
/// unless the matching `forget_…` box is ticked; the SMTP fields count only with
/// `smtp_own`.
#[server(endpoint = "admin/mailbox")]
#[allow(clippy::too_many_arguments)]
pub async fn save_mailbox(
    #[server(default)] id: u64,
    name: String,
    address: String,
    host: String,
    port: String,
    security: String,
    username: String,
    #[server(default)] password: String,
    #[server(default)] forget_password: Option<String>,
    #[server(default)] folder: String,
    #[server(default)] department: String,
    #[server(default)] active: Option<String>,
    #[server(default)] smtp_own: Option<String>,
    #[server(default)] smtp_host: String,
    #[server(default)] smtp_port: String,
    #[server(default)] smtp_security: String,
    #[server(default)] smtp_username: String,
    #[server(default)] smtp_password: String,
    #[server(default)] smtp_forget_password: Option<String>,
) -> Result<Mailbox, AppError> {
    let me = agent().await?;
    let ticked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let smtp = if ticked(&smtp_own) {
        Some(model::MailboxSmtp {
            host: smtp_host,
            port: self::port("smtp_port", &smtp_port)?,
            security: model::SmtpSecurity::from_slug(&smtp_security).unwrap_or_default(),
            username: smtp_username,
            password: smtp_password,
            forget_password: ticked(&smtp_forget_password),
            password_set: false,
        })
    } else {
        None
    };
    let input = model::MailboxInput {
        id,
        name,
        address,
        host,
        port: self::port("port", &port)?,
        security: model::SmtpSecurity::from_slug(&security).unwrap_or(model::SmtpSecurity::Tls),
        username,
        password: Some(password),
        forget_password: ticked(&forget_password),
        folder,
        department: department.trim().parse().ok().filter(|d| *d > 0),
        active: ticked(&active),
        smtp,
    };
    call(move |e| e.save_mailbox(me.id, &input)).await
}

/// An admin removes a mailbox; its tickets stay.
#[server(endpoint = "admin/mailbox-remove")]
pub async fn delete_mailbox(id: u64) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.delete_mailbox(me.id, id)).await
}

/// Asks for mailbox `id` to be fetched now and waits until that fetch ended (or 20
/// seconds: it goes on, and the page shows how it went when read again).
#[cfg(feature = "ssr")]
pub async fn fetch_and_wait(
    engine: std::sync::Arc<engine::Engine>,
    admin: u64,
    id: u64,
) -> engine::Result<()> {
    use tokio::sync::broadcast::error::RecvError;
    // Listening before asking: the end of the fetch cannot be missed.
    let mut events = engine.subscribe();
    let e = engine.clone();
    let fetching = tokio::task::spawn_blocking(move || e.fetch_now(admin, id))
        .await
        .map_err(|e| engine::Error::internal(e.to_string()))??;
    if fetching {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            loop {
                match events.recv().await {
                    Ok(engine::Event::MailboxChecked(m)) if m == id => return,
                    Err(RecvError::Closed) => return,
                    _ => {}
                }
            }
        })
        .await;
    }
    Ok(())
}

/// Fetches a mailbox now and answers when that fetch ended (or after 20 seconds).
#[server(endpoint = "admin/mailbox-fetch")]
pub async fn fetch_mailbox(id: u64) -> Result<(), AppError> {
    let me = agent().await?;
    let engine = use_context::<std::sync::Arc<engine::Engine>>().ok_or(AppError::Internal)?;
    fetch_and_wait(engine, me.id, id)
        .await
        .map_err(|e| fail(e.into()))
}
