//! The words of the messages the desk sends (the acknowledgement of a new ticket, an
//! agent's reply, the survey invitation, the portal sign-in link): a default for each,
//! which an admin may change, with `{{placeholders}}` filled at sending. Kept in the
//! settings table as `template.<kind>`.

use model::{MailTemplate, TemplateKind};
use redb::{ReadableTable, Table, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::access::{caller_in, caller_read};
use crate::store::{codec, tables};
use crate::{Engine, Error, Result};

/// The longest subject and text a template may have.
pub const SUBJECT_MAX_CHARS: usize = 300;
pub const TEXT_MAX_CHARS: usize = 20_000;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct TemplateRecord {
    subject: String,
    text: String,
    enabled: bool,
}

fn key(kind: TemplateKind) -> String {
    format!("template.{}", kind.slug())
}

/// The desk's own words for `kind`: (subject, text).
pub fn default_of(kind: TemplateKind) -> (&'static str, &'static str) {
    match kind {
        TemplateKind::Acknowledgement => (
            "[#{{ticket.number}}] {{ticket.subject}}",
            "Hello {{customer.name}},\n\nthank you for writing to us. Your request has the number \
             #{{ticket.number}}, and we will answer as soon as we can.\n\nYou can follow it \
             here: {{ticket.link}}\n\n{{desk.name}}\n",
        ),
        TemplateKind::AcknowledgementClosed => (
            "[#{{ticket.number}}] {{ticket.subject}}",
            "Hello {{customer.name}},\n\nthank you for writing to us. Your request has the number \
             #{{ticket.number}}. We are closed right now and back {{opens_at}}; we will answer \
             as soon as we can after that.\n\nYou can follow it here: {{ticket.link}}\n\n\
             {{desk.name}}\n",
        ),
        TemplateKind::Reply => ("Re: [#{{ticket.number}}] {{ticket.subject}}", "{{reply}}"),
        TemplateKind::Survey => (
            "[#{{ticket.number}}] How did we do?",
            "Hello,\n\nyour request #{{ticket.number}} \"{{ticket.subject}}\" is resolved. How \
             did we do? One click is enough:\n\nGood:  {{rating.good}}\nOkay:  {{rating.okay}}\n\
             Bad:   {{rating.bad}}\n\nYou can add a comment on the page that opens, and change \
             your answer for {{days}} days.\n",
        ),
        TemplateKind::SignIn => (
            "Your sign-in link",
            "Hello,\n\nOpen this link to see your requests (it works once, for {{minutes}} \
             minutes):\n\n{{link}}\n\nIf you did not ask for it, ignore this message.\n",
        ),
    }
}

/// A template filled: its subject (one line) and text, or `None` when it is off.
pub(crate) fn render(
    settings: &Table<&str, &[u8]>,
    kind: TemplateKind,
    value: impl Fn(&str) -> Option<String>,
) -> Result<Option<(String, String)>> {
    let (subject, text, enabled) = match settings.get(key(kind).as_str())? {
        Some(raw) => {
            let r: TemplateRecord = codec::decode(raw.value())?;
            (r.subject, r.text, r.enabled)
        }
        None => {
            let (s, t) = default_of(kind);
            (s.to_string(), t.to_string(), true)
        }
    };
    if !enabled {
        return Ok(None);
    }
    let subject = model::validate::one_line(&model::canned::fill_with(&subject, &value));
    Ok(Some((subject, model::canned::fill_with(&text, &value))))
}

/// The desk's name as its mail signs it.
pub(crate) fn desk_name(settings: &Table<&str, &[u8]>) -> Result<String> {
    Ok(settings
        .get("desk_name")?
        .map(|v| String::from_utf8_lossy(v.value()).into_owned())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "Tessera".to_string()))
}

/// The desk's public address (`https://help.example.com`), empty when not set.
pub(crate) fn public_address(settings: &Table<&str, &[u8]>) -> Result<String> {
    Ok(settings
        .get("address")?
        .map(|v| {
            String::from_utf8_lossy(v.value())
                .trim_end_matches('/')
                .to_string()
        })
        .unwrap_or_default())
}

/// The values a template about a ticket may use: its customer's, its own, the desk's.
/// Placeholder values by name: (`ticket`, `number`) is `{{ticket.number}}`, (`reply`,
/// ``) is `{{reply}}`.
pub(crate) type Values = Vec<((&'static str, &'static str), String)>;

pub(crate) fn ticket_values(
    txn: &WriteTransaction,
    ticket: &crate::store::records::TicketRecord,
) -> Result<Values> {
    let contact = match txn.open_table(tables::CONTACTS)?.get(ticket.requester)? {
        Some(raw) => Some(codec::decode::<crate::store::records::ContactRecord>(
            raw.value(),
        )?),
        None => None,
    };
    let desk = desk_name(&txn.open_table(tables::SETTINGS)?)?;
    Ok(vec![
        (
            ("customer", "name"),
            contact.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        ),
        (
            ("customer", "email"),
            contact
                .and_then(|c| c.emails.into_iter().next())
                .unwrap_or_default(),
        ),
        (("ticket", "number"), ticket.number.to_string()),
        (("ticket", "subject"), ticket.subject.clone()),
        (("desk", "name"), desk),
    ])
}

/// Looks `name` up in `values`.
pub(crate) fn lookup(values: &Values, name: &str) -> Option<String> {
    let wanted = name.split_once('.').unwrap_or((name, ""));
    values
        .iter()
        .find(|(n, _)| *n == wanted)
        .map(|(_, v)| v.clone())
}

impl Engine {
    /// Every template, as it stands, for admins.
    pub fn templates(&self, admin: u64) -> Result<Vec<MailTemplate>> {
        let txn = self.read()?;
        caller_read(&txn, admin)?.must_be_admin()?;
        let settings = txn.open_table(tables::SETTINGS)?;
        let mut out = Vec::new();
        for kind in TemplateKind::ALL {
            out.push(match settings.get(key(kind).as_str())? {
                Some(raw) => {
                    let r: TemplateRecord = codec::decode(raw.value())?;
                    MailTemplate {
                        kind,
                        subject: r.subject,
                        text: r.text,
                        enabled: r.enabled,
                        changed: true,
                    }
                }
                None => {
                    let (subject, text) = default_of(kind);
                    MailTemplate {
                        kind,
                        subject: subject.into(),
                        text: text.into(),
                        enabled: true,
                        changed: false,
                    }
                }
            });
        }
        Ok(out)
    }

    /// An admin changes a template; `None` puts back the desk's default. Only the
    /// acknowledgement may be turned off (the others answer what someone asked for).
    pub fn save_template(
        &self,
        admin: u64,
        kind: TemplateKind,
        change: Option<(&str, &str, bool)>,
    ) -> Result<()> {
        let record = match change {
            Some((subject, text, enabled)) => {
                let subject = model::validate::one_line(subject);
                let mut errors = Vec::new();
                if subject.trim().is_empty() || subject.chars().count() > SUBJECT_MAX_CHARS {
                    errors.push(model::FieldError::new("subject", "error.template_subject"));
                }
                if text.trim().is_empty() || text.chars().count() > TEXT_MAX_CHARS {
                    errors.push(model::FieldError::new("text", "error.template_text"));
                }
                // A reply without the reply would send nothing the agent wrote.
                if kind == TemplateKind::Reply && !mentions(text, "reply") {
                    errors.push(model::FieldError::new("text", "error.template_reply"));
                }
                if kind == TemplateKind::SignIn && !mentions(text, "link") {
                    errors.push(model::FieldError::new("text", "error.template_link"));
                }
                if !errors.is_empty() {
                    return Err(Error::invalid(errors));
                }
                Some(TemplateRecord {
                    subject,
                    text: text.replace("\r\n", "\n"),
                    enabled: enabled || kind != TemplateKind::Acknowledgement,
                })
            }
            None => None,
        };
        self.write(|txn| {
            caller_in(txn, admin)?.must_be_admin()?;
            put(txn, kind, record.as_ref())?;
            Ok(((), Vec::new()))
        })
    }
}

/// Whether `text` uses placeholder `name` (spaces inside the braces allowed).
fn mentions(text: &str, name: &str) -> bool {
    let used = std::cell::Cell::new(false);
    model::canned::fill_with(text, |n| {
        if n == name {
            used.set(true);
        }
        None
    });
    used.get()
}

fn put(txn: &WriteTransaction, kind: TemplateKind, record: Option<&TemplateRecord>) -> Result<()> {
    let mut settings = txn.open_table(tables::SETTINGS)?;
    match record {
        Some(r) => {
            settings.insert(key(kind).as_str(), codec::encode(r)?.as_slice())?;
        }
        None => {
            settings.remove(key(kind).as_str())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_uses_only_its_own_placeholders() {
        for kind in TemplateKind::ALL {
            let (subject, text) = default_of(kind);
            let allowed = kind.placeholders();
            let unknown = model::canned::fill_with(&format!("{subject}\n{text}"), |n| {
                allowed
                    .contains(&format!("{{{{{n}}}}}").as_str())
                    .then(String::new)
            });
            assert!(!unknown.contains("{{"), "{kind:?}: {unknown}");
        }
        assert!(mentions("Hi {{ reply }}", "reply"));
        assert!(!mentions("Hi {{replies}}", "reply"));
    }
}
