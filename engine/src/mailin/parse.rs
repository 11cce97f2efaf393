//! What the desk reads from one raw message, with `mail-parser`: sender, recipients,
//! subject, the ids that thread it, its text, its attachments, and the signs that a
//! machine sent it (auto-replies, bounces, spam flags). Nothing here fails: a message
//! the parser cannot read still gives a sender ("unknown"), a subject and a warning.

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

/// A file carried by a message.
#[derive(Clone, Debug)]
pub struct Carried {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A delivery failure report (a bounce or DSN).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bounce {
    /// The addresses that could not be reached.
    pub recipients: Vec<String>,
    /// The Message-ID of the message that failed, when the report quotes it.
    pub original: Option<String>,
    /// The reason in the report's words, when it gives one.
    pub reason: String,
}

/// One message, read.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub from_email: String,
    pub from_name: String,
    /// To and Cc addresses, lower-cased.
    pub recipients: Vec<String>,
    pub cc: Vec<String>,
    /// Empty when the message has none.
    pub subject: String,
    /// Without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To first, then References newest first.
    pub refers_to: Vec<String>,
    pub text: String,
    pub attachments: Vec<Carried>,
    /// Sent by a machine (auto-reply, out of office, list, bounce): never answered
    /// automatically.
    pub automatic: bool,
    pub bounce: Option<Bounce>,
    /// Marked as spam by a filter on the way (X-Spam-Flag: YES, X-Spam-Status: Yes).
    pub spam: bool,
    /// The parser could not make sense of it: shown with a warning, the original kept.
    pub unreadable: bool,
    /// What the receiving server's Authentication-Results say of the sender: `Some(false)`
    /// when DMARC failed (or SPF failed without a passing DKIM), `Some(true)` when DMARC
    /// or DKIM passed, `None` when nothing says.
    pub authenticated: Option<bool>,
}

/// How many bytes of text a message keeps (the rest stays in the original).
pub const TEXT_MAX_BYTES: usize = 256 * 1024;

/// Reads `raw`.
pub fn parse(raw: &[u8]) -> Parsed {
    match MessageParser::default().parse(raw) {
        Some(m) if !m.headers().is_empty() => read(&m),
        _ => Parsed {
            text: String::from_utf8_lossy(&raw[..raw.len().min(TEXT_MAX_BYTES)]).into_owned(),
            unreadable: true,
            ..Default::default()
        },
    }
}

fn first_address(a: Option<&Address<'_>>) -> (String, String) {
    let Some(first) = a.and_then(|a| a.first()) else {
        return (String::new(), String::new());
    };
    (
        first
            .address()
            .map(|s| s.trim().to_lowercase())
            .unwrap_or_default(),
        first
            .name()
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    )
}

fn addresses(a: Option<&Address<'_>>) -> Vec<String> {
    a.map(|a| {
        a.iter()
            .filter_map(|x| x.address())
            .map(|s| s.trim().to_lowercase())
            .filter(|s| s.contains('@'))
            .collect()
    })
    .unwrap_or_default()
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![clean_id(t)],
        HeaderValue::TextList(list) => list.iter().map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

/// The longest Message-ID kept.
const MAX_ID_BYTES: usize = 250;

/// A Message-ID without brackets or spaces; empty when it is not a plausible one
/// (printable ASCII, no brackets, at most 250 bytes).
pub fn clean_id(id: &str) -> String {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    if id.is_empty()
        || id.len() > MAX_ID_BYTES
        || !id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
    {
        return String::new();
    }
    id.to_string()
}

fn header<'a>(m: &'a Message<'a>, name: &'a str) -> Option<&'a str> {
    m.header_raw(name).map(str::trim)
}

fn read(m: &Message<'_>) -> Parsed {
    let (from_email, from_name) = {
        let (e, n) = first_address(m.from());
        if e.is_empty() {
            first_address(m.sender())
        } else {
            (e, n)
        }
    };
    let mut refers_to = ids(m.in_reply_to());
    let mut references = ids(m.references());
    references.reverse();
    for r in references {
        if !refers_to.contains(&r) {
            refers_to.push(r);
        }
    }
    let mut text = String::new();
    for i in 0..m.text_body_count() {
        if let Some(t) = m.body_text(i) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&t);
        }
    }
    if text.trim().is_empty() {
        if let Some(html) = m.body_html(0) {
            text = mail_parser::decoders::html::html_to_text(&html);
        }
    }
    if text.len() > TEXT_MAX_BYTES {
        let mut end = TEXT_MAX_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    let mut attachments = Vec::new();
    for part in m.attachments() {
        let content_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(sub) => format!("{}/{}", c.ctype(), sub),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_lowercase();
        let name = part
            .attachment_name()
            .map(str::to_string)
            .unwrap_or_else(|| default_name(&content_type, attachments.len() + 1));
        let bytes = match &part.body {
            PartType::Message(inner) => inner.raw_message().to_vec(),
            _ => part.contents().to_vec(),
        };
        attachments.push(Carried {
            name,
            content_type,
            bytes,
        });
    }
    let lower = |name: &str| header(m, name).map(str::to_ascii_lowercase);
    let content_type = m
        .content_type()
        .map(|c| {
            (
                c.ctype().to_ascii_lowercase(),
                c.subtype().unwrap_or_default().to_ascii_lowercase(),
                c.attribute("report-type")
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
            )
        })
        .unwrap_or_default();
    let is_report = content_type.0 == "multipart" && content_type.1 == "report";
    let sender_is_daemon = from_email.starts_with("mailer-daemon@")
        || from_email.starts_with("postmaster@")
        || (from_email.is_empty() && header(m, "Return-Path").is_some_and(|r| r == "<>"));
    let bounce = (is_report && content_type.2 != "disposition-notification" || sender_is_daemon)
        .then(|| bounce_of(m));
    let automatic = bounce.is_some()
        || is_report
        || lower("Auto-Submitted").is_some_and(|v| v != "no")
        || lower("Precedence")
            .is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"))
        || header(m, "X-Autoreply").is_some()
        || header(m, "X-Autorespond").is_some()
        || lower("X-Auto-Response-Suppress")
            .is_some_and(|v| v.contains("all") || v.contains("autoreply"))
        || header(m, "List-Id").is_some()
        // The envelope sender of a delivery report is empty.
        || header(m, "Return-Path").is_some_and(|r| r.trim() == "<>");
    // Only the topmost Authentication-Results counts: the one the last server, the
    // desk's own, added. Any below it came with the message and may be made up.
    let results: Vec<String> = m
        .headers_raw()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
        .map(|(_, v)| v.to_ascii_lowercase())
        .take(1)
        .collect();
    let says = |what: &str| results.iter().any(|r| r.contains(what));
    let authenticated = if says("dmarc=fail") || (says("spf=fail") && !says("dkim=pass")) {
        Some(false)
    } else if says("dmarc=pass") || says("dkim=pass") {
        Some(true)
    } else {
        None
    };
    let spam = lower("X-Spam-Flag").is_some_and(|v| v.starts_with("yes"))
        || lower("X-Spam-Status").is_some_and(|v| v.starts_with("yes"));
    Parsed {
        from_email,
        from_name,
        recipients: addresses(m.to()),
        cc: addresses(m.cc()),
        subject: m
            .subject()
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
        message_id: m.message_id().map(clean_id).filter(|s| !s.is_empty()),
        refers_to,
        text,
        attachments,
        automatic,
        bounce,
        spam,
        unreadable: false,
        authenticated,
    }
}

fn default_name(content_type: &str, n: usize) -> String {
    let ext = match content_type {
        "message/rfc822" => "eml",
        "text/plain" => "txt",
        "text/html" => "html",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        _ => "bin",
    };
    format!("attachment-{n}.{ext}")
}

/// The failed recipients, original Message-ID and reason of a delivery report: from
/// its machine-readable part (`message/delivery-status`) when there is one, else from
/// the words of the text.
fn bounce_of(m: &Message<'_>) -> Bounce {
    let mut b = Bounce::default();
    for part in m.parts.iter() {
        let ct = part
            .content_type()
            .map(|c| {
                format!(
                    "{}/{}",
                    c.ctype().to_ascii_lowercase(),
                    c.subtype().unwrap_or_default().to_ascii_lowercase()
                )
            })
            .unwrap_or_default();
        let body = match &part.body {
            PartType::Text(t) => t.to_string(),
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                String::from_utf8_lossy(b).into_owned()
            }
            PartType::Message(inner) => String::from_utf8_lossy(inner.raw_message()).into_owned(),
            _ => continue,
        };
        match ct.as_str() {
            "message/delivery-status" => {
                for line in body.lines() {
                    let Some((name, value)) = line.split_once(':') else {
                        continue;
                    };
                    let value = value.trim();
                    match name.trim().to_ascii_lowercase().as_str() {
                        "final-recipient" | "original-recipient" => {
                            let addr = value
                                .rsplit(';')
                                .next()
                                .unwrap_or(value)
                                .trim()
                                .to_lowercase();
                            if addr.contains('@') && !b.recipients.contains(&addr) {
                                b.recipients.push(addr);
                            }
                        }
                        "diagnostic-code" if b.reason.is_empty() => {
                            b.reason = value.rsplit(';').next().unwrap_or(value).trim().into();
                        }
                        _ => {}
                    }
                }
            }
            "message/rfc822" | "text/rfc822-headers" | "message/rfc822-headers"
                if b.original.is_none() =>
            {
                b.original = body.lines().find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("message-id")
                        .then(|| clean_id(value))
                });
            }
            _ => {}
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_message_gives_its_sender_subject_ids_and_text() {
        let raw = b"From: Ana Kova\xc4\x8d <Ana@Example.com>\r\nTo: support@desk.example\r\nCc: Bob <bob@example.com>\r\nSubject: =?utf-8?q?Ra=C4=8Dun?= [#12]\r\nMessage-ID: <abc@mail.example>\r\nIn-Reply-To: <x1@desk.example>\r\nReferences: <x0@desk.example> <x1@desk.example>\r\n\r\nHello,\r\nthe invoice.\r\n";
        let p = parse(raw);
        assert_eq!(p.from_email, "ana@example.com");
        assert_eq!(p.from_name, "Ana Kovač");
        assert_eq!(p.subject, "Račun [#12]");
        assert_eq!(p.message_id.as_deref(), Some("abc@mail.example"));
        assert_eq!(p.refers_to, ["x1@desk.example", "x0@desk.example"]);
        assert_eq!(p.recipients, ["support@desk.example"]);
        assert_eq!(p.cc, ["bob@example.com"]);
        assert!(p.text.contains("the invoice."));
        assert!(!p.automatic && !p.spam && !p.unreadable);
    }

    #[test]
    fn machines_are_told_apart() {
        let ooo = parse(b"From: a@example.com\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nAway.\r\n");
        assert!(ooo.automatic);
        let list = parse(b"From: a@example.com\r\nPrecedence: bulk\r\nSubject: News\r\n\r\nx\r\n");
        assert!(list.automatic);
        let spam = parse(b"From: a@example.com\r\nX-Spam-Flag: YES\r\nSubject: Win\r\n\r\nx\r\n");
        assert!(spam.spam && !spam.automatic);
        let forged = parse(b"From: a@example.com\r\nAuthentication-Results: mx.desk.example; spf=fail smtp.mailfrom=example.com; dmarc=fail\r\nSubject: x\r\n\r\nx\r\n");
        assert_eq!(forged.authenticated, Some(false));
        let signed = parse(b"From: a@example.com\r\nAuthentication-Results: mx.desk.example; dkim=pass header.d=example.com\r\nSubject: x\r\n\r\nx\r\n");
        assert_eq!(signed.authenticated, Some(true));
        // A pass the sender wrote below the receiving server's own verdict counts for
        // nothing.
        let smuggled = parse(b"From: a@example.com\r\nAuthentication-Results: mx.desk.example; spf=fail smtp.mailfrom=example.com\r\nAuthentication-Results: evil; dkim=pass\r\nSubject: x\r\n\r\nx\r\n");
        assert_eq!(smuggled.authenticated, Some(false));
        let bounce_envelope =
            parse(b"Return-Path: <>\r\nFrom: robot@example.com\r\nSubject: x\r\n\r\nx\r\n");
        assert!(bounce_envelope.automatic);
        assert_eq!(clean_id("<ok@x>"), "ok@x");
        assert_eq!(clean_id(&"a".repeat(300)), "");
        assert_eq!(clean_id("has space@x"), "");
    }

    #[test]
    fn a_bounce_names_the_failed_recipient_and_message() {
        let raw = b"From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: support@desk.example\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@desk.example\r\nMessage-ID: <out-7@desk.example>\r\nSubject: Re: [#7] Help\r\n--b--\r\n";
        let p = parse(raw);
        assert!(p.automatic);
        let b = p.bounce.expect("a bounce");
        assert_eq!(b.recipients, ["gone@example.com"]);
        assert_eq!(b.original.as_deref(), Some("out-7@desk.example"));
        assert!(b.reason.contains("User unknown"), "{}", b.reason);
    }

    #[test]
    fn nonsense_is_still_read_as_something() {
        let p = parse(b"\x00\x01\x02 not a message at all");
        assert!(p.unreadable || p.from_email.is_empty());
        let p = parse(b"");
        assert!(p.unreadable);
    }
}
