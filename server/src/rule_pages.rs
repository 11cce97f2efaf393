//! The rules pages (see `app::plain::rules_page`): the ordered list, a rule's form, and
//! its dry run on a ticket (`?try=N`, which changes nothing).

use std::collections::HashMap;
use std::sync::Arc;

use app::plain::{RuleView, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use engine::rules::RuleMove;
use engine::{Engine, ErrorKind};
use model::{Rule, RuleAction, RuleActionKind, RuleCondition, RuleEvent, RuleField, RuleOp};

use crate::admin_pages::{engine_call, failed, html, Admin};

/// Rows a rule's form may send, at most.
const MAX_ROWS: usize = 60;

pub fn routes<S: Clone + Send + Sync + 'static>(engine: Arc<Engine>) -> Router<S> {
    Router::new()
        .route("/agent/admin/rules", get(list).post(list_form))
        .route("/agent/admin/rules/new", get(new_rule).post(new_form))
        .route("/agent/admin/rules/{id}", get(show).post(rule_form))
        .with_state(engine)
}

async fn list(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("saved") => Some("settings.saved"),
        Some("removed") => Some("rules.removed"),
        _ => None,
    };
    let me = viewer.agent.id;
    match engine_call(&engine, move |e| e.rules(me)).await {
        Ok(rules) => html(
            StatusCode::OK,
            app::plain::rules_page(&viewer, rules, notice),
        ),
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

async fn list_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let me = viewer.agent.id;
    let id: u64 = form
        .get("id")
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let how = match form.get("do").map(String::as_str) {
        Some("up") => RuleMove::Up,
        Some("down") => RuleMove::Down,
        _ => return (StatusCode::UNPROCESSABLE_ENTITY, "Nothing to do.").into_response(),
    };
    match engine_call(&engine, move |e| e.move_rule(me, id, how)).await {
        Ok(()) => Redirect::to(&format!("/agent/admin/rules?done=saved#rule-{id}")).into_response(),
        Err(e) => failed(StatusCode::NOT_FOUND, &e),
    }
}

async fn new_rule(
    State(engine): State<Arc<Engine>>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    // `?event=sla-breached` (from the service-levels page) starts an escalation.
    let rule = Rule {
        active: true,
        event: q
            .get("event")
            .and_then(|e| RuleEvent::from_slug(e))
            .unwrap_or_default(),
        ..Rule::default()
    };
    page(
        &engine,
        &viewer,
        rule,
        Vec::new(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

async fn show(
    State(engine): State<Arc<Engine>>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    Admin(viewer): Admin,
) -> Response {
    let me = viewer.agent.id;
    let Ok(id) = id.parse::<u64>() else {
        return (StatusCode::NOT_FOUND, "No such rule.").into_response();
    };
    let rule = match engine_call(&engine, move |e| e.rules(me)).await {
        Ok(rules) => rules.into_iter().find(|r| r.id == id),
        Err(e) => return failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let Some(rule) = rule else {
        return (StatusCode::NOT_FOUND, "No such rule.").into_response();
    };
    let dry = match q.get("try") {
        Some(typed) => {
            let number = typed.trim().trim_start_matches('#').parse::<u64>();
            let outcome = match number {
                Err(_) => Err("rules.dry_bad_number"),
                Ok(n) => match engine_call(&engine, move |e| e.dry_run(me, id, n)).await {
                    Ok(run) => Ok(run),
                    Err(e) if e.kind() == ErrorKind::NotFound => Err("rules.dry_no_ticket"),
                    Err(e) => return failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
                },
            };
            Some((typed.clone(), outcome))
        }
        None => None,
    };
    let notice = (q.get("done").map(String::as_str) == Some("saved")).then_some("settings.saved");
    page(
        &engine,
        &viewer,
        rule,
        Vec::new(),
        dry,
        notice,
        StatusCode::OK,
    )
    .await
}

async fn new_form(
    State(engine): State<Arc<Engine>>,
    Admin(viewer): Admin,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save(engine, viewer, 0, form).await
}

async fn rule_form(
    State(engine): State<Arc<Engine>>,
    Path(id): Path<String>,
    Admin(viewer): Admin,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return (StatusCode::NOT_FOUND, "No such rule.").into_response();
    };
    save(engine, viewer, id, form).await
}

/// A status, priority or channel typed in the admin's language (its label, "Υψηλή"),
/// as the slug the rule keeps ("high"); anything else as typed.
fn slug_of_label(locale: app::i18n::Locale, typed: &str) -> String {
    let typed_lower = typed.trim().to_lowercase();
    let label = |key: &'static str| app::i18n::translate(locale, key).to_lowercase();
    model::TicketStatus::ALL
        .iter()
        .map(|s| (s.slug(), s.label_key()))
        .chain(
            model::Priority::ALL
                .iter()
                .map(|p| (p.slug(), p.label_key())),
        )
        .chain(
            model::Channel::ALL
                .iter()
                .map(|c| (c.slug(), c.label_key())),
        )
        .find(|(_, key)| label(key) == typed_lower)
        .map_or_else(|| typed.to_string(), |(slug, _)| slug.to_string())
}

/// The rule a form describes: rows left at "—" are not in it.
fn rule_of(id: u64, form: &[(String, String)], locale: app::i18n::Locale) -> Rule {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut conditions = Vec::new();
    let mut actions = Vec::new();
    for i in 0..MAX_ROWS {
        if let Some(f) = RuleField::from_slug(&field(&format!("field{i}"))) {
            conditions.push(RuleCondition {
                field: f,
                op: RuleOp::from_slug(&field(&format!("op{i}"))).unwrap_or_default(),
                value: match f {
                    RuleField::Status | RuleField::Priority | RuleField::Channel => {
                        slug_of_label(locale, &field(&format!("value{i}")))
                    }
                    _ => field(&format!("value{i}")),
                },
            });
        }
        if let Some(kind) = RuleActionKind::from_slug(&field(&format!("action{i}"))) {
            actions.push(RuleAction {
                kind,
                value: match kind {
                    RuleActionKind::SetStatus | RuleActionKind::SetPriority => {
                        slug_of_label(locale, &field(&format!("avalue{i}")))
                    }
                    _ => field(&format!("avalue{i}")),
                },
                text: field(&format!("atext{i}")),
            });
        }
    }
    Rule {
        id,
        name: field("name"),
        active: !field("active").is_empty(),
        event: RuleEvent::from_slug(&field("event")).unwrap_or_default(),
        any: field("match") == "any",
        conditions,
        actions,
    }
}

async fn save(
    engine: Arc<Engine>,
    viewer: Viewer,
    id: u64,
    form: Vec<(String, String)>,
) -> Response {
    let me = viewer.agent.id;
    if id != 0 && form.iter().any(|(k, v)| k == "do" && v == "remove") {
        return match engine_call(&engine, move |e| e.move_rule(me, id, RuleMove::Remove)).await {
            Ok(()) => Redirect::to("/agent/admin/rules?done=removed").into_response(),
            Err(e) => failed(StatusCode::NOT_FOUND, &e),
        };
    }
    let rule = rule_of(id, &form, viewer.locale);
    let saving = rule.clone();
    match engine_call(&engine, move |e| e.save_rule(me, &saving)).await {
        Ok(r) => Redirect::to(&format!("/agent/admin/rules/{}?done=saved", r.id)).into_response(),
        Err(e) if e.kind() == ErrorKind::Invalid => {
            let errors = e.fields().to_vec();
            page(
                &engine,
                &viewer,
                rule,
                errors,
                None,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => failed(StatusCode::NOT_FOUND, &e),
    }
}

async fn page(
    engine: &Arc<Engine>,
    viewer: &Viewer,
    rule: Rule,
    errors: Vec<model::FieldError>,
    dry: Option<(String, Result<model::DryRun, &'static str>)>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let me = viewer.agent.id;
    let read = engine_call(engine, move |e| Ok((e.desk_lists()?, e.mailboxes(me)?))).await;
    match read {
        Ok((lists, mailboxes)) => html(
            status,
            app::plain::rule_page(
                viewer,
                RuleView {
                    rule,
                    errors,
                    lists,
                    mailboxes: mailboxes.into_iter().map(|m| (m.id, m.name)).collect(),
                    dry,
                    notice,
                },
            ),
        ),
        Err(e) => failed(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}
