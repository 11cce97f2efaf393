//! The agents' search box speaks a little language besides words: `#1042` (or a bare
//! number) finds a ticket by number; `status:open`, `priority:high`, `tag:billing`,
//! `channel:email`, `from:ana@example.com` (or part of a name) and `assignee:me`
//! narrow what the words find, or list what matches when there are no words.

use crate::{Channel, Priority, TicketStatus};

/// A search as typed, taken apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedSearch {
    /// The words to look for in subjects, conversations and requesters.
    pub text: String,
    pub number: Option<u64>,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub channel: Option<Channel>,
    /// A tag's name, as typed.
    pub tag: Option<String>,
    /// The requester's address, or part of their name or address.
    pub from: Option<String>,
    /// Only tickets assigned to the agent searching.
    pub mine: bool,
}

impl ParsedSearch {
    /// Whether anything but words narrows the search.
    pub fn has_filters(&self) -> bool {
        self.status.is_some()
            || self.priority.is_some()
            || self.channel.is_some()
            || self.tag.is_some()
            || self.from.is_some()
            || self.mine
    }
}

/// Takes a search apart. A `key:value` with an unknown key or value stays a word.
pub fn parse_search(query: &str) -> ParsedSearch {
    let mut out = ParsedSearch::default();
    let mut words = Vec::new();
    for token in query.split_whitespace() {
        if let Some(n) = token.strip_prefix('#').and_then(|n| n.parse().ok()) {
            out.number = Some(n);
            continue;
        }
        if out.number.is_none() && token.len() <= 12 && token.chars().all(|c| c.is_ascii_digit()) {
            if let Ok(n) = token.parse() {
                out.number = Some(n);
                // A bare number is also a word (it may be in a message).
                words.push(token);
                continue;
            }
        }
        let taken = match token.split_once(':') {
            Some((key, value)) if !value.is_empty() => {
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                match key.to_lowercase().as_str() {
                    "status" => TicketStatus::from_slug(&value.to_lowercase())
                        .map(|s| out.status = Some(s))
                        .is_some(),
                    "priority" => Priority::from_slug(&value.to_lowercase())
                        .map(|p| out.priority = Some(p))
                        .is_some(),
                    "channel" => Channel::from_slug(&value.to_lowercase())
                        .map(|c| out.channel = Some(c))
                        .is_some(),
                    "tag" => {
                        out.tag = Some(value.to_string());
                        true
                    }
                    "from" | "requester" => {
                        out.from = Some(value.to_lowercase());
                        true
                    }
                    "assignee" | "assigned" if value.eq_ignore_ascii_case("me") => {
                        out.mine = true;
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !taken {
            words.push(token);
        }
    }
    out.text = words.join(" ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_numbers_come_out_of_the_words() {
        let p = parse_search("status:open tag:billing from:ana@example.com #1042 refund late");
        assert_eq!(p.status, Some(TicketStatus::Open));
        assert_eq!(p.tag.as_deref(), Some("billing"));
        assert_eq!(p.from.as_deref(), Some("ana@example.com"));
        assert_eq!(p.number, Some(1042));
        assert_eq!(p.text, "refund late");
        assert!(p.has_filters());
    }

    #[test]
    fn unknown_keys_and_values_stay_words() {
        let p = parse_search("status:sleepy color:red time 10:30");
        assert_eq!(p.status, None);
        assert_eq!(p.text, "status:sleepy color:red time 10:30");
        assert!(!p.has_filters());
    }

    #[test]
    fn a_bare_number_is_a_ticket_and_a_word() {
        let p = parse_search("42");
        assert_eq!(p.number, Some(42));
        assert_eq!(p.text, "42");
        let p = parse_search("assignee:me priority:URGENT");
        assert!(p.mine);
        assert_eq!(p.priority, Some(Priority::Urgent));
        assert_eq!(p.text, "");
    }
}
