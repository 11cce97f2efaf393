//! The mailer: sends what the outbox holds through the desk's SMTP server (lettre),
//! woken when a message is queued and when the next retry is due. Without a server set
//! up it sends nothing and the messages wait; it never blocks start-up or a request.

use std::sync::Arc;
use std::time::Duration;

use engine::mail::{Sending, SmtpConfig};
use engine::{Engine, Event};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use model::SmtpSecurity;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

/// Messages sent per round.
const BATCH: usize = 50;
/// The longest the mailer sleeps without looking.
const IDLE: Duration = Duration::from_secs(60);
/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs until the desk stops.
pub async fn run(engine: Arc<Engine>, mut stopping: watch::Receiver<bool>) {
    let mut events = engine.subscribe();
    loop {
        if *stopping.borrow() {
            return;
        }
        let more = round(&engine).await;
        let wait = if more {
            Duration::ZERO
        } else {
            until_next_due(&engine).await
        };
        tokio::select! {
            _ = stopping.changed() => return,
            _ = tokio::time::sleep(wait) => {}
            _ = queued(&mut events) => {}
        }
    }
}

/// Waits for a message to be queued (or for missed events, which may hide one).
async fn queued(events: &mut tokio::sync::broadcast::Receiver<Event>) {
    loop {
        match events.recv().await {
            // A ticket change may have queued a message (a survey invitation) too.
            Ok(Event::MailQueued | Event::TicketChanged(_)) | Err(RecvError::Lagged(_)) => return,
            Ok(_) => {}
            Err(RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}

async fn until_next_due(engine: &Arc<Engine>) -> Duration {
    let e = engine.clone();
    let next = tokio::task::spawn_blocking(move || e.next_mail_due())
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    match next {
        Some(at) => (at - chrono::Utc::now())
            .to_std()
            .unwrap_or(Duration::from_secs(1))
            .clamp(Duration::from_secs(1), IDLE),
        None => IDLE,
    }
}

/// Sends one batch of due messages; whether more may be due at once.
async fn round(engine: &Arc<Engine>) -> bool {
    let e = engine.clone();
    let work = tokio::task::spawn_blocking(move || -> engine::Result<_> {
        Ok((e.smtp_config()?, e.due_mail(BATCH)?))
    })
    .await;
    let (config, due) = match work {
        Ok(Ok(w)) => w,
        Ok(Err(e)) => {
            tracing::warn!(error = %e.message(), "the mailer cannot read the outbox");
            return false;
        }
        Err(e) => {
            tracing::warn!(%e, "the mailer stopped a round");
            return false;
        }
    };
    if due.is_empty() {
        return false;
    }
    let desk = config.as_ref().map(|c| (c, transport(c)));
    let mut sent_any = false;
    let full = due.len() == BATCH;
    for m in due {
        // A mailbox with its own server sends through it, from its address; other
        // mail goes through the desk's server, from the mailbox's address if any.
        let result = match (&m.smtp, &desk) {
            (Some(own), _) => match transport(own) {
                Ok(t) => send(&t, own, &m).await,
                Err(reason) => Err((reason, false)),
            },
            (None, Some((c, t))) => {
                let mut c = (*c).clone();
                if !m.from.is_empty() {
                    c.from = m.from.clone();
                }
                match t {
                    Ok(t) => send(t, &c, &m).await,
                    Err(reason) => Err((reason.clone(), false)),
                }
            }
            // No server set up: it waits in the outbox.
            (None, None) => continue,
        };
        sent_any = true;
        if let Err((reason, permanent)) = &result {
            tracing::warn!(id = m.id, permanent, %reason, "a message was not sent");
        }
        let e = engine.clone();
        let id = m.id;
        let _ = tokio::task::spawn_blocking(move || e.mail_result(id, result)).await;
    }
    full && sent_any
}

fn transport(c: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let builder = match c.security {
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host),
        SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            &c.host,
        )),
    }
    .map_err(|e| format!("the SMTP server {} cannot be used: {e}", c.host))?;
    let mut builder = builder.port(c.port).timeout(Some(SMTP_TIMEOUT));
    if !c.username.is_empty() {
        builder = builder.credentials(Credentials::new(c.username.clone(), c.password.clone()));
    }
    Ok(builder.build())
}

/// The message as it goes out: from the desk's address (with the agent's name on a
/// reply), a Message-ID naming its ticket, In-Reply-To and References to what the
/// customer sent, CCs, and the reply's files.
async fn build(c: &SmtpConfig, m: &Sending) -> Result<Message, (String, bool)> {
    let address: lettre::Address = c.from.parse().map_err(|e| {
        (
            format!("the sender address {} is not valid: {e}", c.from),
            true,
        )
    })?;
    let from = lettre::message::Mailbox::new(
        (!m.from_name.is_empty()).then(|| m.from_name.clone()),
        address.clone(),
    );
    let to: lettre::message::Mailbox =
        m.to.parse()
            .map_err(|e| (format!("the address {} is not valid: {e}", m.to), true))?;
    let id = format!("<{}@{}>", m.message_id_local, address.domain());
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(id));
    if m.automatic {
        // RFC 3834: an auto-responder must not answer this.
        builder = builder.raw_header(lettre::message::header::HeaderValue::new(
            lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-replied".into(),
        ));
    }
    for cc in &m.cc {
        if let Ok(cc) = cc.parse::<lettre::message::Mailbox>() {
            builder = builder.cc(cc);
        }
    }
    if let Some(last) = m.references.last() {
        builder = builder.in_reply_to(format!("<{last}>")).references(
            m.references
                .iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let built = if m.attachments.is_empty() {
        builder.header(ContentType::TEXT_PLAIN).body(m.text.clone())
    } else {
        let mut parts = lettre::message::MultiPart::mixed()
            .singlepart(lettre::message::SinglePart::plain(m.text.clone()));
        for (name, content_type, path) in &m.attachments {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|e| (format!("the file {name} could not be read: {e}"), false))?;
            let ct = ContentType::parse(content_type).unwrap_or_else(|_| {
                ContentType::parse("application/octet-stream").expect("a type")
            });
            parts =
                parts.singlepart(lettre::message::Attachment::new(name.clone()).body(bytes, ct));
        }
        builder.multipart(parts)
    };
    built.map_err(|e| (format!("the message could not be built: {e}"), true))
}

/// Sends one message: `Err((reason, permanent))` when it did not go.
async fn send(
    t: &AsyncSmtpTransport<Tokio1Executor>,
    c: &SmtpConfig,
    m: &Sending,
) -> Result<(), (String, bool)> {
    let message = build(c, m).await?;
    match t.send(message).await {
        Ok(_) => Ok(()),
        Err(e) => Err((e.to_string(), e.is_permanent())),
    }
}
