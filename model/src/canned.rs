//! Canned responses as the workspace shows them, and their placeholders.

use serde::{Deserialize, Serialize};

/// A reply text kept for reuse.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canned {
    pub id: u64,
    pub title: String,
    pub body: String,
    /// Shared by an administrator (for everyone, or for `departments`), or the agent's
    /// own.
    pub shared: bool,
    pub departments: Vec<u64>,
}

/// What a canned response's placeholders stand for on one ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placeholders {
    pub customer_name: String,
    pub customer_email: String,
    pub ticket_number: u64,
    pub ticket_subject: String,
    pub agent_name: String,
}

/// The placeholders, listed for people writing a canned response.
pub const PLACEHOLDERS_HINT: &str =
    "{{customer.name}} {{customer.email}} {{ticket.number}} {{ticket.subject}} {{agent.name}}";

/// The placeholders a canned response may hold.
pub const PLACEHOLDERS: [&str; 5] = [
    "{{customer.name}}",
    "{{customer.email}}",
    "{{ticket.number}}",
    "{{ticket.subject}}",
    "{{agent.name}}",
];

impl Placeholders {
    /// `text` with each placeholder replaced (spaces inside the braces allowed); one it
    /// does not know is left as written.
    pub fn fill(&self, text: &str) -> String {
        fill_with(text, |name| self.value(name))
    }

    fn value(&self, name: &str) -> Option<String> {
        Some(match name.split_once('.')? {
            ("customer", "name") => self.customer_name.clone(),
            ("customer", "email") => self.customer_email.clone(),
            ("ticket", "number") => self.ticket_number.to_string(),
            ("ticket", "subject") => self.ticket_subject.clone(),
            ("agent", "name") => self.agent_name.clone(),
            _ => return None,
        })
    }
}

/// `text` with each `{{name}}` replaced by what `value` gives for it (spaces inside the
/// braces allowed); one it does not know is left as written.
pub fn fill_with(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        match value(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let p = Placeholders {
            customer_name: "Ana".into(),
            customer_email: "ana@example.com".into(),
            ticket_number: 1042,
            ticket_subject: "Printer".into(),
            agent_name: "Mara".into(),
        };
        assert_eq!(
            p.fill("Hi {{customer.name}}, about #{{ ticket.number }} ({{ticket.subject}}): {{agent.name}} {{shoe.size}} {{unclosed"),
            "Hi Ana, about #1042 (Printer): Mara {{shoe.size}} {{unclosed"
        );
        assert_eq!(p.fill("{{customer.email}}"), "ana@example.com");
        assert_eq!(p.fill("no braces"), "no braces");
    }
}
