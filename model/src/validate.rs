//! Checks on what people type, shared by the browser (instant feedback) and the engine
//! (the rule that counts). Messages are translation keys.

use serde::{Deserialize, Serialize};

use crate::{NewAgent, NewTicket};

/// Size limits on user input.
pub mod limits {
    /// Longest subject, in characters.
    pub const SUBJECT_MAX_CHARS: usize = 200;
    /// Longest message body, in bytes.
    pub const MESSAGE_MAX_BYTES: usize = 64 * 1024;
    /// Longest name, in characters.
    pub const NAME_MAX_CHARS: usize = 200;
    /// Longest email address, in bytes (RFC 5321).
    pub const EMAIL_MAX_BYTES: usize = 254;
    /// History events shown on a ticket page, newest first.
    pub const HISTORY_PAGE: usize = 100;
    /// Shortest password, in characters.
    pub const PASSWORD_MIN_CHARS: usize = 10;
    /// The longest password accepted, in bytes (argon2 reads all of it).
    pub const PASSWORD_MAX_BYTES: usize = 1024;
    /// Messages of a conversation shown at first; earlier ones come on request.
    pub const CONVERSATION_PAGE: usize = 50;
    /// How long the first-run setup link works, in minutes.
    pub const SETUP_LINK_MINUTES: i64 = 30;
}

/// What is wrong with one field of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name in the form.
    pub field: String,
    /// Translation key of the message shown next to the field.
    pub key: String,
}

impl FieldError {
    pub fn new(field: &str, key: &str) -> Self {
        FieldError {
            field: field.into(),
            key: key.into(),
        }
    }
}

/// Whether `email` looks like an address mail can be sent to.
pub fn email_looks_valid(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.len() <= limits::EMAIL_MAX_BYTES
}

/// `s` on one line: trimmed, each run of whitespace a single space (how names, titles
/// and labels are kept).
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is wrong with an agent's name, if anything (the field is `name`).
pub fn validate_name(name: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_name(name, &mut errors);
    errors
}

fn check_name(name: &str, errors: &mut Vec<FieldError>) {
    if name.trim().is_empty() {
        errors.push(FieldError::new("name", "error.name_required"));
    } else if name.trim().chars().count() > limits::NAME_MAX_CHARS {
        errors.push(FieldError::new("name", "error.name_too_long"));
    }
}

fn check_email(email: &str, errors: &mut Vec<FieldError>) {
    if email.trim().is_empty() {
        errors.push(FieldError::new("email", "error.email_required"));
    } else if !email_looks_valid(email.trim()) {
        errors.push(FieldError::new("email", "error.email_invalid"));
    }
}

/// Problems with a message body, if any.
pub fn validate_reply(body: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if body.trim().is_empty() {
        errors.push(FieldError::new("body", "error.message_required"));
    } else if body.len() > limits::MESSAGE_MAX_BYTES {
        errors.push(FieldError::new("body", "error.message_too_long"));
    }
    errors
}

/// Problems with a logged call: a phone number of 3 to 40 characters (digits, spaces,
/// `+ - ( ) .`), and at most a day long.
pub fn validate_call(call: &crate::CallInfo) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let number = call.number.trim();
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if digits < 3
        || number.chars().count() > 40
        || !number
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        errors.push(FieldError::new("phone", "error.phone_invalid"));
    }
    if call.duration_secs > 24 * 3600 {
        errors.push(FieldError::new("duration", "error.duration_invalid"));
    }
    errors
}

/// Problems with a contact-form submission, one per field at most.
pub fn validate_new_ticket(t: &NewTicket) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_name(&t.name, &mut errors);
    check_email(&t.email, &mut errors);
    if t.subject.trim().is_empty() {
        errors.push(FieldError::new("subject", "error.subject_required"));
    } else if t.subject.trim().chars().count() > limits::SUBJECT_MAX_CHARS {
        errors.push(FieldError::new("subject", "error.subject_too_long"));
    }
    errors.extend(validate_reply(&t.body));
    errors
}

/// Problems with a new agent's details.
pub fn validate_agent(a: &NewAgent) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_name(&a.name, &mut errors);
    check_email(&a.email, &mut errors);
    errors.extend(validate_password(&a.password));
    errors
}

/// What is wrong with a new password, if anything (the field is `password`).
pub fn validate_password(password: &str) -> Option<FieldError> {
    if password.chars().count() < limits::PASSWORD_MIN_CHARS {
        Some(FieldError::new("password", "error.password_too_short"))
    } else if password.len() > limits::PASSWORD_MAX_BYTES {
        Some(FieldError::new("password", "error.password_too_long"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> NewTicket {
        NewTicket {
            name: "Ana Kovač".into(),
            email: "ana@example.com".into(),
            subject: "Refund".into(),
            body: "Please refund order 8812.".into(),
            department: None,
        }
    }

    #[test]
    fn a_complete_ticket_passes() {
        assert!(validate_new_ticket(&ticket()).is_empty());
    }

    #[test]
    fn blank_and_oversized_fields_are_named() {
        let mut t = ticket();
        t.subject = "   ".into();
        t.body = "x".repeat(limits::MESSAGE_MAX_BYTES + 1);
        t.email = "not an email".into();
        let fields: Vec<_> = validate_new_ticket(&t)
            .into_iter()
            .map(|e| (e.field, e.key))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("email".into(), "error.email_invalid".into()),
                ("subject".into(), "error.subject_required".into()),
                ("body".into(), "error.message_too_long".into()),
            ]
        );
        t.subject = "é".repeat(limits::SUBJECT_MAX_CHARS);
        t.body = "ok".into();
        t.email = "a@b.co".into();
        assert!(
            validate_new_ticket(&t).is_empty(),
            "200 characters are allowed"
        );
        t.subject.push('é');
        assert_eq!(validate_new_ticket(&t)[0].key, "error.subject_too_long");
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;
        use crate::NewTicket;

        const KEYS: [&str; 8] = [
            "error.name_required",
            "error.name_too_long",
            "error.email_required",
            "error.email_invalid",
            "error.subject_required",
            "error.subject_too_long",
            "error.message_required",
            "error.message_too_long",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_ticket_input_gets_known_errors_on_its_own_fields(
                name in any::<String>(),
                email in any::<String>(),
                subject in "\\PC{0,250}",
                body in any::<String>(),
            ) {
                let t = NewTicket { name, email, subject, body, department: None };
                let errors = validate_new_ticket(&t);
                for e in &errors {
                    prop_assert!(["name", "email", "subject", "body"].contains(&e.field.as_str()));
                    prop_assert!(KEYS.contains(&e.key.as_str()), "{}", e.key);
                }
                // One error at most per field, so the form shows one message beside each.
                let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                fields.dedup();
                prop_assert_eq!(fields.len(), errors.len());
            }

            #[test]
            fn accepted_input_is_within_the_limits(
                name in "[a-zA-Zčšž ]{1,220}",
                subject in "\\PC{1,220}",
                body in "\\PC{1,300}",
            ) {
                let t = NewTicket { name: name.clone(), email: "a@b.example".into(), subject: subject.clone(), body, department: None };
                if validate_new_ticket(&t).is_empty() {
                    prop_assert!(!name.trim().is_empty() && name.trim().chars().count() <= limits::NAME_MAX_CHARS);
                    prop_assert!(subject.trim().chars().count() <= limits::SUBJECT_MAX_CHARS);
                }
            }

            #[test]
            fn email_check_never_panics_and_bounds_length(email in any::<String>()) {
                if email_looks_valid(&email) {
                    prop_assert!(email.len() <= limits::EMAIL_MAX_BYTES && email.contains('@'));
                }
            }
        }
    }
}
