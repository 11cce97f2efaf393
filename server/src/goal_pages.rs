//! The dashboard (every agent: a tile per goal for the chosen period) and the goals page
//! (admins), rendered on the server alone.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use engine::{Engine, ErrorKind};
use model::{Goal, GoalMetric};

use crate::admin_pages::{engine_call, failed, html, Admin, SignedIn};

pub fn routes<S: Clone + Send + Sync + 'static>(engine: Arc<Engine>) -> Router<S> {
    Router::new()
        .route("/agent/dashboard", get(dashboard))
        .route("/agent/admin/goals", get(goals).post(goals_form))
        .with_state(engine)
}

async fn dashboard(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    SignedIn(viewer): SignedIn,
) -> Response {
    let days = q
        .get("days")
        .and_then(|d| d.parse::<u32>().ok())
        .filter(|d| app::plain::PERIODS.contains(d))
        .unwrap_or(30);
    let me = viewer.agent.id;
    match engine_call(&engine, move |e| e.goal_figures(me, days)).await {
        Ok(figures) => html(
            StatusCode::OK,
            app::plain::dashboard_page(&viewer, figures, days),
        ),
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn goals(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("saved") => Some("settings.saved"),
        Some("removed") => Some("goals.removed"),
        _ => None,
    };
    show(&engine, &viewer, None, notice, StatusCode::OK).await
}

async fn show(
    engine: &Arc<Engine>,
    viewer: &app::plain::Viewer,
    draft: Option<(Goal, String, Vec<model::FieldError>)>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let me = viewer.agent.id;
    match engine_call(engine, move |e| e.goals(me)).await {
        Ok(goals) => html(status, app::plain::goals_page(viewer, goals, draft, notice)),
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn goals_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let me = viewer.agent.id;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let id: u64 = field("id").trim().parse().unwrap_or(0);
    if id != 0 && field("do") == "remove" {
        return match engine_call(&engine, move |e| e.remove_goal(me, id)).await {
            Ok(()) => Redirect::to("/agent/admin/goals?done=removed").into_response(),
            Err(e) => failed(StatusCode::NOT_FOUND, &e),
        };
    }
    let within = field("within");
    let minutes = app::plain::parse_minutes(&within).flatten();
    let goal = Goal {
        id,
        name: field("name"),
        metric: GoalMetric::from_slug(&field("metric")).unwrap_or_default(),
        minutes: minutes.unwrap_or(0),
        percent: field("percent").trim().parse().unwrap_or(0),
    };
    let saving = goal.clone();
    let errors = match engine_call(&engine, move |e| e.save_goal(me, &saving)).await {
        Ok(g) => {
            return Redirect::to(&format!("/agent/admin/goals?done=saved#goal-{}", g.id))
                .into_response()
        }
        Err(e) if e.kind() == ErrorKind::Invalid => e.fields().to_vec(),
        Err(e) => return failed(StatusCode::NOT_FOUND, &e),
    };
    show(
        &engine,
        &viewer,
        Some((goal, within, errors)),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
