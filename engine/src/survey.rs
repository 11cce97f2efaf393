//! Satisfaction surveys: when a ticket becomes Resolved its customer is invited (by
//! mail, with one link per answer, and by a banner on their ticket page) to rate it
//! good, okay or bad, with a comment if they like, without signing in. The mailed
//! links carry a token for that one ticket. One rating per ticket, changeable for
//! seven days; it counts for the assignee and department the ticket had then.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use model::{MailKind, Rating, RatingCounts, RatingInfo, Satisfaction};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::store::records::TicketRecord;
use crate::store::{codec, tables};
use crate::{token, Engine, Error, Event, Result};

/// How long a rating may be changed.
pub const CHANGEABLE_DAYS: i64 = 7;
/// How long a survey link works.
pub const LINK_DAYS: i64 = 30;
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct RatingRecord {
    ticket: u64,
    rating: Rating,
    comment: String,
    /// When it was first given (the seven days count from here).
    first_at: DateTime<Utc>,
    at: DateTime<Utc>,
    agent: Option<u64>,
    department: Option<u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SurveyToken {
    ticket: u64,
    expires_at: DateTime<Utc>,
}

/// Invites the customer of `ticket`, which just became Resolved: a token for its links,
/// and a mail when the desk knows its own address and the customer's.
pub(crate) fn invite(
    txn: &WriteTransaction,
    ticket: &TicketRecord,
    now: DateTime<Utc>,
) -> Result<Option<Event>> {
    let address = txn
        .open_table(tables::SETTINGS)?
        .get("address")?
        .map(|v| String::from_utf8_lossy(v.value()).into_owned())
        .unwrap_or_default();
    let email = match txn.open_table(tables::CONTACTS)?.get(ticket.requester)? {
        Some(raw) => codec::decode::<crate::store::records::ContactRecord>(raw.value())?
            .emails
            .into_iter()
            .next(),
        None => None,
    };
    let (Some(email), false) = (email, address.is_empty()) else {
        return Ok(None);
    };
    let secret = token::new_token();
    txn.open_table(tables::SURVEY_TOKENS)?.insert(
        token::hash_token(&secret).as_slice(),
        codec::encode(&SurveyToken {
            ticket: ticket.number,
            expires_at: now + Duration::days(LINK_DAYS),
        })?
        .as_slice(),
    )?;
    let base = format!("{}/rate/{secret}", address.trim_end_matches('/'));
    let mut values = crate::templates::ticket_values(txn, ticket)?;
    values.extend([
        (("rating", "good"), format!("{base}/good")),
        (("rating", "okay"), format!("{base}/okay")),
        (("rating", "bad"), format!("{base}/bad")),
        (("days", ""), CHANGEABLE_DAYS.to_string()),
    ]);
    let Some((subject, text)) = crate::templates::render(
        &txn.open_table(tables::SETTINGS)?,
        model::TemplateKind::Survey,
        |n| crate::templates::lookup(&values, n),
    )?
    else {
        return Ok(None);
    };
    let event = crate::mail::queue(
        txn,
        &email,
        &subject,
        &text,
        MailKind::Survey,
        Some(ticket.number),
        now,
    )?;
    Ok(Some(event))
}

/// Ticket `t`'s rating, if given.
pub(crate) fn rating_of(
    txn: &ReadTransaction,
    t: &TicketRecord,
    now: DateTime<Utc>,
) -> Result<Option<RatingInfo>> {
    let record: Option<RatingRecord> = txn
        .open_table(tables::RATINGS)?
        .get(t.number)?
        .map(|raw| codec::decode(raw.value()))
        .transpose()?;
    Ok(record.map(|r| info(&r, &t.subject, now)))
}

/// Counts one rating in `c`.
fn count(c: &mut RatingCounts, r: Rating) {
    match r {
        Rating::Good => c.good += 1,
        Rating::Okay => c.okay += 1,
        Rating::Bad => c.bad += 1,
    }
}

fn info(r: &RatingRecord, subject: &str, now: DateTime<Utc>) -> RatingInfo {
    RatingInfo {
        ticket: r.ticket,
        subject: subject.to_string(),
        rating: r.rating,
        comment: r.comment.clone(),
        at: r.at,
        changeable: now - r.first_at < Duration::days(CHANGEABLE_DAYS),
    }
}

impl Engine {
    /// A rating through a mailed survey link; `comment` `None` keeps the one given.
    pub fn rate_by_link(
        &self,
        link: &str,
        rating: Rating,
        comment: Option<&str>,
    ) -> Result<RatingInfo> {
        let now = self.now();
        let number = {
            let txn = self.read()?;
            let t: SurveyToken = match txn
                .open_table(tables::SURVEY_TOKENS)?
                .get(token::hash_token(link).as_slice())?
            {
                Some(raw) => codec::decode(raw.value())?,
                None => return Err(Error::not_found("Survey")),
            };
            if t.expires_at <= now {
                return Err(Error::not_found("Survey"));
            }
            t.ticket
        };
        self.rate(number, rating, comment)
    }

    /// A rating by the customer on their ticket's page (`key`: its private link's secret
    /// or their session).
    pub fn rate_as_customer(
        &self,
        number: u64,
        key: &str,
        rating: Rating,
        comment: Option<&str>,
    ) -> Result<RatingInfo> {
        self.ticket_for_customer(number, key)?;
        self.rate(number, rating, comment)
    }

    fn rate(&self, number: u64, rating: Rating, comment: Option<&str>) -> Result<RatingInfo> {
        let comment = comment.map(|c| c.trim().chars().take(MAX_COMMENT_CHARS).collect::<String>());
        let now = self.now();
        self.write(|txn| {
            let ticket = crate::tickets::get_ticket(txn, number)?;
            if !matches!(
                ticket.status,
                model::TicketStatus::Resolved | model::TicketStatus::Closed
            ) {
                return Err(Error::invalid(vec![model::FieldError::new(
                    "rating",
                    "error.rating_not_resolved",
                )]));
            }
            let mut ratings = txn.open_table(tables::RATINGS)?;
            let old: Option<RatingRecord> = ratings
                .get(number)?
                .map(|raw| codec::decode(raw.value()))
                .transpose()?;
            if let Some(o) = &old {
                if now - o.first_at >= Duration::days(CHANGEABLE_DAYS) {
                    return Err(Error::invalid(vec![model::FieldError::new(
                        "rating",
                        "error.rating_closed",
                    )]));
                }
            }
            let record = RatingRecord {
                ticket: number,
                rating,
                comment: comment
                    .clone()
                    .or_else(|| old.as_ref().map(|o| o.comment.clone()))
                    .unwrap_or_default(),
                first_at: old.as_ref().map_or(now, |o| o.first_at),
                at: now,
                agent: old.as_ref().map_or(ticket.assignee, |o| o.agent),
                department: old.as_ref().map_or(ticket.department, |o| o.department),
            };
            ratings.insert(number, codec::encode(&record)?.as_slice())?;
            Ok((
                info(&record, &ticket.subject, now),
                vec![Event::TicketChanged(number)],
            ))
        })
    }

    /// Ratings given from `from` to `to` (days, inclusive): in all, per agent and per
    /// department, with the latest comments. Admins see every ticket's; agents those of
    /// tickets they may work.
    pub fn satisfaction(
        &self,
        viewer: u64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Satisfaction> {
        let txn = self.read()?;
        let caller = crate::access::caller_read(&txn, viewer)?;
        let start = from.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
        let end = to.and_hms_opt(23, 59, 59).map(|d| d.and_utc());
        let now = self.now();
        let mut out = Satisfaction::default();
        let mut agents: BTreeMap<u64, RatingCounts> = BTreeMap::new();
        let mut departments: BTreeMap<u64, RatingCounts> = BTreeMap::new();
        for entry in txn.open_table(tables::RATINGS)?.iter()? {
            let r: RatingRecord = codec::decode(entry?.1.value())?;
            if start.is_some_and(|s| r.at < s) || end.is_some_and(|e| r.at > e) {
                continue;
            }
            let Ok(ticket) = crate::tickets::read_ticket(&txn, r.ticket) else {
                continue;
            };
            if !caller.may_work(&ticket) {
                continue;
            }
            count(&mut out.all, r.rating);
            if let Some(a) = r.agent {
                count(agents.entry(a).or_default(), r.rating);
            }
            if let Some(d) = r.department {
                count(departments.entry(d).or_default(), r.rating);
            }
            if !r.comment.is_empty() {
                out.comments.push(info(&r, &ticket.subject, now));
            }
        }
        for (id, mut c) in agents {
            c.id = id;
            c.name = crate::auth::read_agent(&txn, id)?
                .map(|a| a.name)
                .unwrap_or_default();
            out.agents.push(c);
        }
        let names: BTreeMap<u64, String> = self
            .departments()?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        for (id, mut c) in departments {
            c.id = id;
            c.name = names.get(&id).cloned().unwrap_or_default();
            out.departments.push(c);
        }
        out.comments.sort_by_key(|c| std::cmp::Reverse(c.at));
        out.comments.truncate(50);
        Ok(out)
    }

    /// Agent `id`'s profile for `viewer` (any agent): their departments and the ratings
    /// of the tickets they resolved, all time and in the last 30 days; the comments only
    /// of tickets the viewer may work.
    pub fn agent_profile(&self, viewer: u64, id: u64) -> Result<model::AgentProfile> {
        let txn = self.read()?;
        let caller = crate::access::caller_read(&txn, viewer)?;
        let agent = crate::auth::read_agent(&txn, id)?.ok_or_else(|| Error::not_found("Agent"))?;
        let now = self.now();
        let recent_from = now - Duration::days(30);
        let mut counts = RatingCounts {
            id,
            name: agent.name.clone(),
            ..Default::default()
        };
        let mut recent_counts = counts.clone();
        let mut ratings = Vec::new();
        for entry in txn.open_table(tables::RATINGS)?.iter()? {
            let r: RatingRecord = codec::decode(entry?.1.value())?;
            if r.agent != Some(id) {
                continue;
            }
            count(&mut counts, r.rating);
            if r.at >= recent_from {
                count(&mut recent_counts, r.rating);
            }
            if let Ok(ticket) = crate::tickets::read_ticket(&txn, r.ticket) {
                if caller.may_work(&ticket) {
                    ratings.push(info(&r, &ticket.subject, now));
                }
            }
        }
        ratings.sort_by_key(|r| std::cmp::Reverse(r.at));
        ratings.truncate(50);
        let departments = self
            .departments()?
            .into_iter()
            .filter(|d| d.members.contains(&id) || d.leader == Some(id))
            .map(|d| d.name)
            .collect();
        Ok(model::AgentProfile {
            id,
            name: agent.name,
            email: agent.email,
            role: agent.role,
            active: agent.active,
            departments,
            counts,
            recent_counts,
            ratings,
        })
    }
}
