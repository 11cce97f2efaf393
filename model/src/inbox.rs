//! What an inbox shows: the filter and sort an agent picks, written in a page's address
//! and kept in saved views.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Channel, Priority, TicketStatus};

/// The order of an inbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    /// Tickets waiting on the team first, the longest waiting at the top; then the rest,
    /// least recently updated first.
    #[default]
    Waiting,
    Newest,
    Oldest,
    /// Most urgent first; within a priority, the oldest first.
    Priority,
    /// Most recently updated first.
    Updated,
    /// The nearest service-level due first.
    Due,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Waiting,
        Sort::Due,
        Sort::Newest,
        Sort::Oldest,
        Sort::Priority,
        Sort::Updated,
    ];

    /// The sort's name in URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Sort::Waiting => "waiting",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Priority => "priority",
            Sort::Updated => "updated",
            Sort::Due => "due",
        }
    }

    /// The sort named by a slug; unknown names mean the default.
    pub fn from_slug(slug: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.slug() == slug)
            .unwrap_or_default()
    }

    /// The translation key of the sort's label.
    pub fn label_key(self) -> &'static str {
        match self {
            Sort::Waiting => "inbox.sort_waiting",
            Sort::Newest => "inbox.newest",
            Sort::Oldest => "inbox.oldest",
            Sort::Priority => "inbox.sort_priority",
            Sort::Updated => "inbox.sort_updated",
            Sort::Due => "inbox.sort_due",
        }
    }
}

/// Whose tickets an inbox shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assigned {
    #[default]
    Anyone,
    /// Assigned to the agent looking.
    Me,
    Unassigned,
    /// Assigned to this agent.
    Agent(u64),
}

impl Assigned {
    /// The filter's name in URLs: "mine", "unassigned", an agent's id, or empty.
    pub fn slug(self) -> String {
        match self {
            Assigned::Anyone => String::new(),
            Assigned::Me => "mine".into(),
            Assigned::Unassigned => "unassigned".into(),
            Assigned::Agent(id) => id.to_string(),
        }
    }

    /// The filter named by a slug; unknown names mean anyone's.
    pub fn from_slug(slug: &str) -> Self {
        match slug {
            "mine" => Assigned::Me,
            "unassigned" => Assigned::Unassigned,
            other => other
                .parse()
                .ok()
                .filter(|&id| id > 0)
                .map_or(Assigned::Anyone, Assigned::Agent),
        }
    }
}

/// Which tickets an inbox lists, and in what order. Every field narrows; an empty
/// filter lists every ticket the agent may work (spam aside).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    pub status: Option<TicketStatus>,
    pub assigned: Assigned,
    /// A department's id; 0 means tickets of no department (the shared queue).
    pub department: Option<u64>,
    pub priority: Option<Priority>,
    /// A ticket type's id; 0 means tickets without a type.
    pub ticket_type: Option<u64>,
    /// A tag's id.
    pub tag: Option<u64>,
    pub channel: Option<Channel>,
    /// The requester's email address.
    pub requester: Option<String>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    pub updated_from: Option<NaiveDate>,
    pub updated_to: Option<NaiveDate>,
    /// Only the tickets marked as spam (which other views leave out).
    pub spam: bool,
    pub sort: Sort,
}

/// The query keys an inbox address uses, besides `page`.
pub const FILTER_KEYS: [&str; 14] = [
    "status",
    "assigned",
    "department",
    "priority",
    "type",
    "tag",
    "channel",
    "requester",
    "created_from",
    "created_to",
    "updated_from",
    "updated_to",
    "spam",
    "sort",
];

impl InboxFilter {
    /// The filter an address's query pairs describe. A value that means nothing is left
    /// out rather than refused, so an edited address still shows a list.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = InboxFilter::default();
        let id = |v: &str| v.trim().parse::<u64>().ok();
        let date = |v: &str| parse_day(v.trim());
        for (key, value) in pairs {
            match key {
                "status" => f.status = TicketStatus::from_slug(value),
                "assigned" => f.assigned = Assigned::from_slug(value),
                "department" => f.department = id(value),
                "priority" => f.priority = Priority::from_slug(value),
                "type" => f.ticket_type = id(value),
                "tag" => f.tag = id(value).filter(|&t| t > 0),
                "channel" => f.channel = Channel::from_slug(value),
                "requester" => {
                    let v = value.trim();
                    f.requester = (!v.is_empty() && v.len() <= crate::limits::EMAIL_MAX_BYTES)
                        .then(|| v.to_lowercase());
                }
                "created_from" => f.created_from = date(value),
                "created_to" => f.created_to = date(value),
                "updated_from" => f.updated_from = date(value),
                "updated_to" => f.updated_to = date(value),
                "spam" => f.spam = value == "1" || value == "true",
                "sort" => f.sort = Sort::from_slug(value),
                _ => {}
            }
        }
        f
    }

    /// The filter an address's query string (without `?`) describes.
    pub fn from_query(query: &str) -> Self {
        let pairs: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
    }

    /// The filter as a query string (without `?`), with `page` when it is not the
    /// first; empty for the default filter.
    pub fn to_query(&self, page: usize) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.to_pairs() {
            out.append_pair(k, &v);
        }
        if page > 0 {
            out.append_pair("page", &page.to_string());
        }
        out.finish()
    }

    /// The filter as query pairs, in a fixed order, leaving out what is unset.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let day = |d: NaiveDate| d.to_string();
        if let Some(s) = self.status {
            q.push(("status", s.slug().to_string()));
        }
        if self.assigned != Assigned::Anyone {
            q.push(("assigned", self.assigned.slug()));
        }
        if let Some(d) = self.department {
            q.push(("department", d.to_string()));
        }
        if let Some(p) = self.priority {
            q.push(("priority", p.slug().to_string()));
        }
        if let Some(t) = self.ticket_type {
            q.push(("type", t.to_string()));
        }
        if let Some(t) = self.tag {
            q.push(("tag", t.to_string()));
        }
        if let Some(c) = self.channel {
            q.push(("channel", c.slug().to_string()));
        }
        if let Some(r) = &self.requester {
            q.push(("requester", r.clone()));
        }
        for (key, value) in [
            ("created_from", self.created_from),
            ("created_to", self.created_to),
            ("updated_from", self.updated_from),
            ("updated_to", self.updated_to),
        ] {
            if let Some(d) = value {
                q.push((key, day(d)));
            }
        }
        if self.spam {
            q.push(("spam", "1".into()));
        }
        if self.sort != Sort::default() {
            q.push(("sort", self.sort.slug().to_string()));
        }
        q
    }

    /// The same filter without its status and sort: what a status count is taken of.
    pub fn is_narrowed(&self) -> bool {
        let plain = InboxFilter {
            status: self.status,
            sort: self.sort,
            ..InboxFilter::default()
        };
        *self != plain
    }
}

/// A day written `YYYY-MM-DD` (what a date input sends).
pub fn parse_day(v: &str) -> Option<NaiveDate> {
    let mut parts = v.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A named inbox filter: the agent's own, or shared with the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: u64,
    pub name: String,
    /// Shared with every agent (made by an administrator), or the owner's alone.
    pub shared: bool,
    pub filter: InboxFilter,
    /// Tickets it lists now, for the agent asking.
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_survives_its_address() {
        let f = InboxFilter {
            status: Some(TicketStatus::Open),
            assigned: Assigned::Agent(7),
            department: Some(0),
            priority: Some(Priority::Urgent),
            ticket_type: Some(2),
            tag: Some(9),
            channel: Some(Channel::Email),
            requester: Some("ana@example.com".into()),
            created_from: NaiveDate::from_ymd_opt(2026, 1, 2),
            created_to: NaiveDate::from_ymd_opt(2026, 3, 4),
            updated_from: None,
            updated_to: NaiveDate::from_ymd_opt(2026, 5, 6),
            spam: true,
            sort: Sort::Priority,
        };
        let pairs = f.to_pairs();
        let back = InboxFilter::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, f);
        let query = f.to_query(3);
        assert!(query.contains("requester=ana%40example.com"), "{query}");
        assert!(query.ends_with("&page=3"), "{query}");
        assert_eq!(InboxFilter::from_query(&query), f);
        assert!(f.is_narrowed());
    }

    #[test]
    fn nonsense_in_an_address_is_left_out() {
        let f = InboxFilter::from_pairs([
            ("status", "bogus"),
            ("assigned", "0"),
            ("department", "-1"),
            ("priority", "HIGH!"),
            ("tag", "0"),
            ("created_from", "2026-13-40"),
            ("sort", "sideways"),
            ("unknown", "x"),
        ]);
        assert_eq!(f, InboxFilter::default());
        assert!(!f.is_narrowed());
        assert!(f.to_pairs().is_empty());
    }
}
