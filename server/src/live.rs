//! Live updates for the agent workspace: a server-sent event stream that says which
//! ticket changed, fed by the engine's after-commit events.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use engine::{Engine, Event};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

/// `GET /api/live`: for signed-in agents, one `ticket` event (data: its number, or `*`
/// after missed events) per change, a `presence` event (data: the ticket number) when
/// who is on a ticket's page changes, and a `notify` event when the agent's own
/// notifications change; ends when the desk shuts down or the session ends.
pub async fn events(
    engine: Arc<Engine>,
    shutdown: watch::Receiver<bool>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = app::api::ssr::session_token_in(&headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(me) = session_agent(&engine, &token).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let changes = engine.subscribe();
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.tick().await;
    let state = (changes, shutdown, recheck, engine, token);
    let stream = futures_util::stream::unfold(
        state,
        move |(mut changes, mut shutdown, mut recheck, engine, token)| async move {
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                let data = tokio::select! {
                    _ = shutdown.changed() => return None,
                    // Sign-out, deactivation, a password change elsewhere or expiry end
                    // the stream within a few seconds.
                    _ = recheck.tick() => {
                        if session_agent(&engine, &token).await.is_some() {
                            continue;
                        }
                        return None;
                    }
                    change = changes.recv() => match change {
                        Ok(Event::TicketChanged(n)) => ("ticket", n.to_string()),
                        Ok(Event::Presence(n)) => ("presence", n.to_string()),
                        // An event without data is never dispatched by browsers: it carries a 1.
                        Ok(Event::Notified(agent)) if agent == me => ("notify", "1".to_string()),
                        Ok(
                            Event::Notified(_)
                            | Event::MailQueued
                            | Event::MailboxesChanged
                            | Event::FetchNow(_)
                            | Event::MailboxChecked(_)
                            | Event::WebhookQueued,
                        ) => continue,
                        // Missed some: tell the page to refresh whatever it shows.
                        Err(RecvError::Lagged(_)) => ("ticket", "*".to_string()),
                        Err(RecvError::Closed) => return None,
                    },
                };
                let event = SseEvent::default().event(data.0).data(data.1);
                return Some((
                    Ok::<_, Infallible>(event),
                    (changes, shutdown, recheck, engine, token),
                ));
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// How often an open stream checks that its session still holds.
const SESSION_RECHECK: Duration = Duration::from_secs(3);

/// The agent signed in by the session behind `token`, while it holds.
async fn session_agent(engine: &Arc<Engine>, token: &str) -> Option<u64> {
    let (engine, token) = (engine.clone(), token.to_string());
    tokio::task::spawn_blocking(move || engine.session_agent(&token).ok().map(|a| a.id))
        .await
        .ok()
        .flatten()
}
