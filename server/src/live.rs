//! Live updates for the agent workspace: a server-sent event stream that says which
//! ticket changed, fed by the engine's after-commit events.

use std::convert::Infallible;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use engine::{Engine, Event};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

/// `GET /api/live`: for signed-in agents, one `ticket` event (data: its number) per
/// change; ends when the desk shuts down.
pub async fn events(
    engine: Arc<Engine>,
    shutdown: watch::Receiver<bool>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = app::api::ssr::session_token_in(&headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let check = engine.clone();
    let signed_in = tokio::task::spawn_blocking(move || check.session_agent(&token))
        .await
        .map(|r| r.is_ok())
        .unwrap_or(false);
    if !signed_in {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let changes = engine.subscribe();
    let stream = futures_util::stream::unfold(
        (changes, shutdown),
        |(mut changes, mut shutdown)| async move {
            if *shutdown.borrow() {
                return None;
            }
            let data = tokio::select! {
                _ = shutdown.changed() => return None,
                change = changes.recv() => match change {
                    Ok(Event::TicketChanged(n)) => n.to_string(),
                    // Missed some: tell the page to refresh whatever it shows.
                    Err(RecvError::Lagged(_)) => "*".to_string(),
                    Err(RecvError::Closed) => return None,
                },
            };
            let event = SseEvent::default().event("ticket").data(data);
            Some((Ok::<_, Infallible>(event), (changes, shutdown)))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
