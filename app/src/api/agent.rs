//! The agent workspace: inbox, ticket page, replies, notes, status, search.

use leptos::prelude::*;
use model::{InboxPage, SearchHit, TicketDetail};

#[cfg(feature = "ssr")]
use super::ssr::{agent, call, fail};
use super::AppError;

/// Tickets on one inbox page.
pub const PAGE_SIZE: usize = 50;

/// A page of the inbox: `query` is the inbox address's query string (its filter and
/// sort, see [`model::InboxFilter`]), `page` counts from 0.
#[server(endpoint = "agent/inbox")]
pub async fn inbox(query: String, page: usize) -> Result<InboxPage, AppError> {
    let me = agent().await?;
    let filter = model::InboxFilter::from_query(&query);
    let offset = page.saturating_mul(PAGE_SIZE);
    call(move |e| e.inbox(me.id, &filter, offset, PAGE_SIZE)).await
}

/// The saved views the agent sees (shared, then their own), each with its count.
#[server(endpoint = "agent/views")]
pub async fn views() -> Result<Vec<model::SavedView>, AppError> {
    let me = agent().await?;
    call(move |e| e.views(me.id)).await
}

/// Saves the inbox's current filter (`query`) as a view named `name`: a new one when
/// `id` is 0; shared with the team when `shared` is set (administrators only).
#[server(endpoint = "agent/view")]
pub async fn save_view(
    id: u64,
    name: String,
    query: String,
    shared: Option<String>,
) -> Result<model::SavedView, AppError> {
    let me = agent().await?;
    let filter = model::InboxFilter::from_query(&query);
    let shared = shared.is_some_and(|s| !s.is_empty() && s != "false");
    call(move |e| e.save_view(me.id, id, &name, &filter, shared)).await
}

/// Deletes a saved view.
#[server(endpoint = "agent/view-delete")]
pub async fn delete_view(id: u64) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.delete_view(me.id, id)).await
}

/// A ticket with its whole conversation. Opening it reads the agent's notifications
/// about it.
#[server(endpoint = "agent/ticket")]
pub async fn ticket(number: u64, show: Option<usize>) -> Result<TicketDetail, AppError> {
    let me = agent().await?;
    let show = super::conversation_length(show.unwrap_or(0));
    let mut detail = call(move |e| {
        let detail = e.ticket_detail_latest(me.id, number, show)?;
        e.mark_notifications_read(me.id, Some(number))?;
        Ok(detail)
    })
    .await?;
    // Rule firings go to the browser in words, in the reader's language.
    let locale = crate::request_locale();
    Owner::new().with(|| {
        provide_context(locale);
        crate::plain::word_rules(&mut detail.history);
    });
    Ok(detail)
}

/// A public reply (`kind` = "reply"), an internal note ("note") or a logged phone call
/// ("call", with `direction` "in" or "out", `phone` and `minutes`; the body is its
/// summary). `attachments` lists the agent's uploads to attach, separated by commas.
/// `seen` is the newest message the agent had on screen when they began writing: if
/// the customer or another agent wrote since, the post is held (a `held` field error)
/// and the page shows the new message; sending again goes through.
#[server(endpoint = "agent/post")]
#[allow(clippy::too_many_arguments)]
pub async fn post_message(
    number: u64,
    kind: String,
    body: String,
    #[server(default)] attachments: String,
    #[server(default)] seen: String,
    #[server(default)] direction: String,
    #[server(default)] phone: String,
    #[server(default)] minutes: String,
) -> Result<(), AppError> {
    let me = agent().await?;
    let bad = |field: &str| {
        fail(AppError::Invalid(vec![model::FieldError::new(
            field,
            "error.generic",
        )]))
    };
    let ids = attachments
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u64>().map_err(|_| bad("attachments")))
        .collect::<Result<Vec<_>, _>>()?;
    let seen = match seen.trim() {
        "" => None,
        s => Some(s.parse::<u64>().map_err(|_| bad("seen"))?),
    };
    let kind = match kind.as_str() {
        "note" => model::MessageKind::Note,
        "call" => model::MessageKind::Call,
        _ => model::MessageKind::Reply,
    };
    let call_info = if kind == model::MessageKind::Call {
        let minutes: f64 = match minutes.trim().replace(',', ".") {
            m if m.is_empty() => 0.0,
            m => m.parse().map_err(|_| {
                fail(AppError::Invalid(vec![model::FieldError::new(
                    "duration",
                    "error.duration_invalid",
                )]))
            })?,
        };
        if !(0.0..=1440.0).contains(&minutes) {
            return Err(fail(AppError::Invalid(vec![model::FieldError::new(
                "duration",
                "error.duration_invalid",
            )])));
        }
        Some(model::CallInfo {
            direction: if direction == "out" {
                model::CallDirection::Outbound
            } else {
                model::CallDirection::Inbound
            },
            number: phone,
            duration_secs: (minutes * 60.0).round() as u32,
        })
    } else {
        None
    };
    call(move |e| {
        let post = engine::tickets::Post {
            kind,
            body: &body,
            attachments: &ids,
            call: call_info.as_ref(),
            seen,
        };
        e.post(me.id, number, &post).map(|_| ())
    })
    .await
}

/// A message body as it will show: Markdown rendered safely.
#[server(endpoint = "agent/preview")]
pub async fn preview(body: String) -> Result<String, AppError> {
    agent().await?;
    Ok(engine::markdown::to_html(&body))
}

/// Published articles (internal ones included) that may answer ticket `number`: found
/// by its subject and newest message.
#[server(endpoint = "agent/suggest")]
pub async fn suggest_articles(number: u64) -> Result<Vec<model::Article>, AppError> {
    let me = agent().await?;
    let base = super::ssr::desk_address();
    call(move |e| {
        let detail = e.ticket_detail_latest(me.id, number, 1)?;
        let latest: Vec<String> = detail
            .messages
            .first()
            .map(|m| {
                m.body
                    .split_whitespace()
                    .take(12)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let words: Vec<String> = detail
            .summary
            .subject
            .split_whitespace()
            .map(str::to_string)
            .chain(latest)
            .collect();
        let mut out = Vec::new();
        // Each word alone may match; an article matching many ranks first.
        let mut seen = std::collections::HashSet::new();
        for hit in e.search_articles(&detail.summary.subject, false, 3)? {
            if seen.insert(hit.id) {
                out.push(e.article(me.id, hit.id)?);
            }
        }
        for word in words.iter().filter(|w| w.chars().count() >= 5) {
            if out.len() >= 3 {
                break;
            }
            for hit in e.search_articles(word, false, 2)? {
                if out.len() < 3 && seen.insert(hit.id) {
                    out.push(e.article(me.id, hit.id)?);
                }
            }
        }
        for a in &mut out {
            // The link customers can open, for "insert link".
            a.slug = format!("{}/help/{}", base.trim_end_matches('/'), a.slug);
        }
        Ok(out)
    })
    .await
}

/// Mails a reply to the customer again (it failed, or waits).
#[server(endpoint = "agent/resend")]
pub async fn resend_reply(message: u64) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.resend_reply(me.id, message)).await
}

/// An agent's profile with the ratings of their tickets.
#[server(endpoint = "agent/profile")]
pub async fn agent_profile(id: u64) -> Result<model::AgentProfile, AppError> {
    let me = agent().await?;
    call(move |e| e.agent_profile(me.id, id)).await
}

/// Ratings from `from` to `to` (`YYYY-MM-DD`; the last 30 days when empty).
#[server(endpoint = "agent/satisfaction")]
pub async fn satisfaction(
    from: String,
    to: String,
) -> Result<(String, String, model::Satisfaction), AppError> {
    let me = agent().await?;
    let today = chrono::Utc::now().date_naive();
    let to = model::inbox::parse_day(&to).unwrap_or(today);
    let from = model::inbox::parse_day(&from).unwrap_or(to - chrono::Duration::days(30));
    let s = call(move |e| e.satisfaction(me.id, from, to)).await?;
    Ok((from.to_string(), to.to_string(), s))
}

/// Says the agent's ticket page is open (`doing` = "viewing" or "typing") or gone
/// ("left"); answers who else is on the ticket.
#[server(endpoint = "agent/presence")]
pub async fn presence(number: u64, doing: String) -> Result<Vec<model::Viewer>, AppError> {
    let me = agent().await?;
    let doing = match doing.as_str() {
        "typing" => engine::presence::Doing::Typing,
        "left" => engine::presence::Doing::Left,
        _ => engine::presence::Doing::Viewing,
    };
    call(move |e| e.presence(me.id, number, doing)).await
}

/// The agent's newest notifications.
#[server(endpoint = "agent/notifications")]
pub async fn notifications() -> Result<model::Notifications, AppError> {
    let me = agent().await?;
    call(move |e| e.notifications(me.id)).await
}

/// Marks all the agent's notifications read.
#[server(endpoint = "agent/notifications-read")]
pub async fn read_notifications() -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.mark_notifications_read(me.id, None)).await
}

/// Changes a ticket's status.
#[server(endpoint = "agent/status")]
pub async fn set_status(number: u64, status: String) -> Result<(), AppError> {
    let me = agent().await?;
    let status = model::TicketStatus::from_slug(&status).ok_or_else(|| {
        fail(AppError::Invalid(vec![model::FieldError::new(
            "status",
            "error.generic",
        )]))
    })?;
    call(move |e| e.set_status(me.id, number, status)).await
}

/// Full-text search over tickets.
#[server(endpoint = "agent/search")]
pub async fn search(query: String) -> Result<Vec<SearchHit>, AppError> {
    let me = agent().await?;
    let q = query.trim();
    let a_number = !q.is_empty() && q.chars().all(|c| c.is_ascii_digit());
    if q.chars().count() < 2 && !a_number {
        return Ok(Vec::new());
    }
    call(move |e| e.search(me.id, &query, 30)).await
}

/// What the ticket page offers to choose from: agents, departments, ticket types.
#[server(endpoint = "agent/lists")]
pub async fn desk_lists() -> Result<model::DeskLists, AppError> {
    agent().await?;
    call(move |e| e.desk_lists()).await
}

/// One change to a ticket's fields, from the ticket page. `field` says which; `value`
/// is the new value as the form sends it (a slug, an id, empty for none, tags separated
/// by commas, a time for postponing).
#[server(endpoint = "agent/change")]
pub async fn change_ticket(number: u64, field: String, value: String) -> Result<(), AppError> {
    let me = agent().await?;
    let change = edit::parse(&field, &value).map_err(fail)?;
    call(move |e| edit::apply(e, me.id, number, &change)).await
}

/// One change made to many tickets at once, from the inbox: `numbers` separated by
/// commas (at most a page's worth), `field` and `value` as for one ticket (plus
/// "status", "add_tags" and "spam"). Each ticket is changed on its own; those the agent
/// may not change are listed back.
#[server(endpoint = "agent/bulk")]
pub async fn bulk_change(
    numbers: String,
    field: String,
    value: String,
) -> Result<model::BulkOutcome, AppError> {
    let me = agent().await?;
    let bad = || {
        fail(AppError::Invalid(vec![model::FieldError::new(
            "numbers",
            "error.generic",
        )]))
    };
    let numbers = numbers
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.parse::<u64>().map_err(|_| bad()))
        .collect::<Result<Vec<_>, _>>()?;
    if numbers.is_empty() || numbers.len() > engine::tickets::MAX_PAGE {
        return Err(bad());
    }
    let change = edit::parse(&field, &value).map_err(fail)?;
    let mut numbers = numbers;
    if let edit::Edit::MergeInto(into) = change {
        // The target is among the ticked tickets as often as not: the others go into it.
        numbers.retain(|n| *n != into);
    }
    call(move |e| {
        let mut outcome = model::BulkOutcome::default();
        for number in numbers {
            match edit::apply(e, me.id, number, &change) {
                Ok(()) => outcome.changed.push(number),
                // The agent is told which tickets were left as they were.
                Err(err) if err.kind() != engine::ErrorKind::Storage => {
                    outcome.refused.push(number)
                }
                Err(err) => return Err(err),
            }
        }
        Ok(outcome)
    })
    .await
}

#[cfg(feature = "ssr")]
mod edit {
    //! A change to a ticket's fields as the forms send it, read once and applied to one
    //! ticket or many.

    use engine::Engine;
    use model::{Escalation, FieldError, Priority, TicketStatus};

    use super::AppError;

    pub enum Edit {
        Priority(Priority),
        Type(Option<u64>),
        Assignee(Option<u64>),
        Department(Option<u64>),
        Tags(Vec<String>),
        AddTags(Vec<String>),
        Escalate(Escalation),
        Postpone(chrono::DateTime<chrono::Utc>),
        Status(TicketStatus),
        Spam(bool),
        MergeInto(u64),
        Ccs(Vec<String>),
    }

    /// Reads `value` as a new value for `field`. Input the forms could not have sent is
    /// invalid (422), like every other invalid input.
    pub fn parse(field: &str, value: &str) -> Result<Edit, AppError> {
        let bad = |name: &str| AppError::Invalid(vec![FieldError::new(name, "error.generic")]);
        let id = |v: &str| -> Result<Option<u64>, AppError> {
            if v.is_empty() {
                Ok(None)
            } else {
                v.parse().map(Some).map_err(|_| bad("value"))
            }
        };
        let tags = |v: &str| v.split(',').map(str::to_string).collect::<Vec<_>>();
        Ok(match field {
            "priority" => {
                Edit::Priority(Priority::from_slug(value).ok_or_else(|| bad("priority"))?)
            }
            "type" => Edit::Type(id(value)?),
            "assignee" => Edit::Assignee(id(value)?),
            "department" => Edit::Department(id(value)?),
            "tags" => Edit::Tags(tags(value)),
            "add_tags" => Edit::AddTags(tags(value)),
            "ccs" => Edit::Ccs(tags(value)),
            "escalate" => Edit::Escalate(match value {
                "leader" => Escalation::ToLeader,
                d => Escalation::ToDepartment(id(d)?.ok_or_else(|| bad("value"))?),
            }),
            // A `datetime-local` value, in the agent's own time (its offset in minutes
            // east of UTC comes after a space, as the page sends it).
            "postpone" => {
                Edit::Postpone(super::parse_local_time(value).ok_or_else(|| bad("until"))?)
            }
            "merge_into" => {
                Edit::MergeInto(value.trim().trim_start_matches('#').parse().map_err(|_| {
                    AppError::Invalid(vec![FieldError::new("merge_into", "error.merge_number")])
                })?)
            }
            "status" => Edit::Status(TicketStatus::from_slug(value).ok_or_else(|| bad("status"))?),
            "spam" => Edit::Spam(match value {
                "1" | "true" => true,
                "0" | "false" => false,
                _ => return Err(bad("value")),
            }),
            _ => return Err(bad("field")),
        })
    }

    pub fn apply(e: &Engine, agent: u64, number: u64, edit: &Edit) -> engine::Result<()> {
        match edit {
            Edit::Priority(p) => e.set_priority(agent, number, *p),
            Edit::Type(t) => e.set_ticket_type(agent, number, *t),
            Edit::Assignee(a) => e.assign(agent, number, *a),
            Edit::Department(d) => e.set_department(agent, number, *d),
            Edit::Tags(t) => e.set_tags(agent, number, t),
            Edit::AddTags(t) => e.add_tags(agent, number, t),
            Edit::Escalate(to) => e.escalate(agent, number, *to),
            Edit::Postpone(until) => e.postpone(agent, number, *until),
            Edit::Status(s) => e.set_status(agent, number, *s),
            Edit::Spam(spam) => e.set_spam(agent, number, *spam),
            Edit::MergeInto(into) => e.merge(agent, &[number], *into),
            Edit::Ccs(ccs) => e.set_ccs(agent, number, ccs),
        }
    }
}

/// A `datetime-local` value followed by the browser's offset from UTC in minutes
/// (`2026-11-27T09:30 60`), as a UTC time.
pub fn parse_local_time(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let (local, offset) = value.trim().split_once(' ').unwrap_or((value.trim(), "0"));
    let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").ok()?;
    let minutes: i32 = offset.trim().parse().ok()?;
    let offset = chrono::FixedOffset::east_opt(minutes.checked_mul(60)?)?;
    Some(
        naive
            .and_local_timezone(offset)
            .single()?
            .with_timezone(&chrono::Utc),
    )
}

/// An admin names the desk and sets its time zone and default language.
#[server(endpoint = "admin/desk-profile")]
pub async fn save_desk_profile(
    name: String,
    time_zone: String,
    language: String,
    #[server(default)] address: String,
) -> Result<model::DeskProfile, AppError> {
    let me = agent().await?;
    let profile = model::DeskProfile {
        name,
        time_zone,
        language,
        address,
    };
    call(move |e| e.set_desk_profile(me.id, &profile)).await
}

/// The contacts list: the newest, or those matching `query`.
#[server(endpoint = "agent/contacts")]
pub async fn contacts(query: String) -> Result<Vec<model::ContactRow>, AppError> {
    let me = agent().await?;
    call(move |e| e.contacts_list(me.id, &query, 100)).await
}

/// An agent opens a ticket for a customer who called or came by; answers its number.
#[server(endpoint = "agent/new-ticket")]
pub async fn new_ticket(
    name: String,
    email: String,
    phone: String,
    subject: String,
    body: String,
    channel: String,
) -> Result<u64, AppError> {
    let me = agent().await?;
    let intake = model::Intake {
        name,
        email,
        phone,
        subject,
        body,
        channel: model::Channel::from_slug(&channel),
    };
    let created = call(move |e| e.open_for_customer(me.id, &intake)).await?;
    super::ssr::redirect_plain_form(&format!("/agent/tickets/{}", created.number));
    Ok(created.number)
}

/// The outgoing-mail page: the SMTP settings (never the password) and the outbox.
#[server(endpoint = "admin/mail")]
pub async fn mail_setup() -> Result<(model::SmtpSettings, Vec<model::OutgoingMail>), AppError> {
    let me = agent().await?;
    call(move |e| Ok((e.smtp_settings(me.id)?, e.outgoing_mail(me.id)?))).await
}

/// The blocked senders (addresses and @domains), for admins.
#[server(endpoint = "admin/blocked")]
pub async fn blocked_senders() -> Result<Vec<String>, AppError> {
    let me = agent().await?;
    call(move |e| e.blocked_senders(me.id)).await
}

/// Blocks a sender (`unblock` given: lets them in again).
#[server(endpoint = "admin/block")]
pub async fn block_sender(
    sender: String,
    #[server(default)] unblock: Option<String>,
) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.block_sender(me.id, &sender, unblock.is_none())).await
}

/// Saves the SMTP settings. An empty `password` keeps the stored one unless
/// `forget_password` is set.
#[server(endpoint = "admin/smtp")]
pub async fn save_smtp(
    host: String,
    port: String,
    security: String,
    username: String,
    password: String,
    #[server(default)] forget_password: Option<String>,
    from: String,
) -> Result<(), AppError> {
    let me = agent().await?;
    let port: u16 = match port.trim() {
        "" => 0,
        p => p.parse().map_err(|_| {
            fail(AppError::Invalid(vec![model::FieldError::new(
                "port",
                "error.smtp_port",
            )]))
        })?,
    };
    let password = if forget_password.is_some_and(|f| !f.is_empty()) {
        Some(String::new())
    } else if password.is_empty() {
        None
    } else {
        Some(password)
    };
    let settings = model::SmtpSettings {
        host,
        port,
        security: model::SmtpSecurity::from_slug(&security).unwrap_or_default(),
        username,
        password,
        password_set: false,
        from,
    };
    call(move |e| e.set_smtp_settings(me.id, &settings)).await
}

/// Queues a test message to `to`.
#[server(endpoint = "admin/mail-test")]
pub async fn send_test_mail(to: String) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.send_test_mail(me.id, &to)).await
}

/// Sends a failed or waiting message again.
#[server(endpoint = "admin/mail-resend")]
pub async fn resend_mail(id: u64) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.resend_mail(me.id, id)).await
}

/// Every department (for the admin page).
#[server(endpoint = "admin/departments")]
pub async fn list_departments() -> Result<Vec<model::Department>, AppError> {
    agent().await?;
    call(move |e| e.departments()).await
}

/// An admin creates (`id` 0) or changes a department. `leader` is an agent id or empty;
/// `members` agent ids separated by commas.
#[server(endpoint = "admin/department")]
pub async fn save_department(
    id: u64,
    name: String,
    leader: String,
    members: String,
) -> Result<model::Department, AppError> {
    let me = agent().await?;
    let bad = || {
        fail(AppError::Invalid(vec![model::FieldError::new(
            "members",
            "error.generic",
        )]))
    };
    let leader = match leader.trim() {
        "" => None,
        l => Some(l.parse().map_err(|_| bad())?),
    };
    let members = members
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| m.parse::<u64>().map_err(|_| bad()))
        .collect::<Result<Vec<_>, _>>()?;
    let department = model::Department {
        id,
        name,
        leader,
        members,
    };
    call(move |e| e.save_department(me.id, &department)).await
}

/// The canned responses the agent may insert.
#[server(endpoint = "agent/canned")]
pub async fn list_canned() -> Result<Vec<model::Canned>, AppError> {
    let me = agent().await?;
    call(move |e| e.canned(me.id)).await
}

/// Saves a canned response (a new one when `id` is 0). `shared` (administrators only)
/// shares it; `departments`, ids separated by commas, limit a shared one to them.
#[server(endpoint = "agent/canned-save")]
pub async fn save_canned(
    id: u64,
    title: String,
    body: String,
    shared: Option<String>,
    departments: Option<String>,
) -> Result<model::Canned, AppError> {
    let me = agent().await?;
    let departments = departments
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            d.parse::<u64>().map_err(|_| {
                fail(AppError::Invalid(vec![model::FieldError::new(
                    "departments",
                    "error.generic",
                )]))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let canned = model::Canned {
        id,
        title,
        body,
        shared: shared.is_some_and(|s| !s.is_empty() && s != "false"),
        departments,
    };
    call(move |e| e.save_canned(me.id, &canned)).await
}

/// Deletes a canned response.
#[server(endpoint = "agent/canned-delete")]
pub async fn delete_canned(id: u64) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.delete_canned(me.id, id)).await
}

/// The desk's settings page: auto-close days, ticket types and tags.
#[server(endpoint = "admin/desk")]
pub async fn desk_setup() -> Result<model::DeskSetup, AppError> {
    let me = agent().await?;
    if me.role != model::Role::Admin {
        return Err(fail(AppError::Forbidden));
    }
    call(move |e| {
        Ok(model::DeskSetup {
            auto_close_days: e.auto_close_days()?,
            attachment_max_mib: e.attachment_max_mib()?,
            profile: e.desk_profile()?,
            ticket_types: e.ticket_types()?,
            tags: e.tags()?,
        })
    })
    .await
}

/// An administrator changes the desk: `what` is "auto_close" (`value` days), "type"
/// (`id` 0 adds one; `value` its name), "tag" (renames tag `id` to `value`) or
/// "merge_tag" (merges tag `id` into the tag whose id is `value`).
#[server(endpoint = "admin/desk-change")]
pub async fn change_desk(what: String, id: u64, value: String) -> Result<(), AppError> {
    let me = agent().await?;
    let bad = || {
        fail(AppError::Invalid(vec![model::FieldError::new(
            "value",
            "error.generic",
        )]))
    };
    match what.as_str() {
        "auto_close" => {
            let days: u32 = value.trim().parse().map_err(|_| bad())?;
            call(move |e| e.set_auto_close_days(me.id, days)).await
        }
        "attachment_max" => {
            let mib: u32 = value.trim().parse().map_err(|_| {
                fail(AppError::Invalid(vec![model::FieldError::new(
                    "value",
                    "error.mib_range",
                )]))
            })?;
            call(move |e| e.set_attachment_max_mib(me.id, mib)).await
        }
        "type" => {
            let label = model::Label { id, name: value };
            call(move |e| e.save_ticket_type(me.id, &label).map(|_| ())).await
        }
        "tag" => call(move |e| e.rename_tag(me.id, id, &value).map(|_| ())).await,
        "merge_tag" => {
            let into: u64 = value.trim().parse().map_err(|_| bad())?;
            call(move |e| e.merge_tags(me.id, id, into)).await
        }
        _ => Err(bad()),
    }
}

/// A contact with their tickets.
#[server(endpoint = "agent/contact")]
pub async fn contact(id: u64) -> Result<model::ContactPage, AppError> {
    let me = agent().await?;
    call(move |e| e.contact(me.id, id)).await
}

/// Saves a contact's details; `emails` and `phones` come one per line (or separated by
/// commas).
#[server(endpoint = "agent/contact-save")]
#[allow(clippy::too_many_arguments)]
pub async fn save_contact(
    id: u64,
    name: String,
    emails: String,
    phones: String,
    location: String,
    organization: String,
    group: String,
    notes: String,
) -> Result<model::ContactInfo, AppError> {
    let me = agent().await?;
    let list = |s: &str| {
        s.split(['\n', ','])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let info = model::ContactInfo {
        id,
        name,
        emails: list(&emails),
        phones: list(&phones),
        location,
        organization,
        group,
        notes,
        ..Default::default()
    };
    call(move |e| e.save_contact(me.id, &info)).await
}

/// Merges contact `id` into contact `into` (a number, `#` allowed).
#[server(endpoint = "agent/contact-merge")]
pub async fn merge_contact(id: u64, into: String) -> Result<(), AppError> {
    let me = agent().await?;
    let into: u64 = into.trim().trim_start_matches('#').parse().map_err(|_| {
        fail(AppError::Invalid(vec![model::FieldError::new(
            "merge_into",
            "error.contact_number",
        )]))
    })?;
    call(move |e| e.merge_contacts(me.id, id, into)).await
}
