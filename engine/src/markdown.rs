//! Message bodies are Markdown. They are rendered here, on the server, to HTML that is
//! safe to show: raw HTML in a message is shown as text, links go only to web and mail
//! addresses (and open in a new tab without handing over the desk's page), images are
//! never loaded but offered as links, and single line breaks are kept as written.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// `body` rendered as safe HTML.
pub fn to_html(body: &str) -> String {
    let options =
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut images = 0usize;
    let events = Parser::new_ext(body, options).map(|event| match event {
        // What someone typed as HTML is shown, never run.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        // Plain-text messages (most email) break lines where they mean to.
        Event::SoftBreak => Event::HardBreak,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        // An image becomes a link to it: nothing remote loads by itself.
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            images += 1;
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: safe_url(dest_url),
                title,
                id,
            })
        }
        Event::End(TagEnd::Image) if images > 0 => {
            images -= 1;
            Event::End(TagEnd::Link)
        }
        other => other,
    });
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events);
    // Links leave the desk in a new tab, telling the other site nothing.
    out.replace(
        "<a href=",
        "<a rel=\"noopener noreferrer nofollow\" target=\"_blank\" href=",
    )
}

/// An email's text cut where the quoted history or the signature begins: (what is
/// new, the rest). The rest starts at an attribution line ("On … wrote:") followed by
/// quoted lines, at a forwarded or original-message separator, at the signature
/// delimiter (`-- `), or at the first quoted line (`>`) after which nothing new comes.
pub fn split_quoted(text: &str) -> (&str, &str) {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line.trim_end_matches(['\r', '\n'])))
        })
        .collect();
    let quoted = |l: &str| l.trim_start().starts_with('>');
    let blank = |l: &str| l.trim().is_empty();
    // Only quoted or blank lines from `i` on.
    let rest_quoted = |i: usize| lines[i..].iter().all(|(_, l)| quoted(l) || blank(l));
    for (i, &(start, line)) in lines.iter().enumerate() {
        let t = line.trim();
        let separator = t.starts_with("-----Original Message")
            || t.starts_with("-------- Original Message")
            || t.starts_with("---------- Forwarded message")
            || (t.len() >= 20 && t.chars().all(|c| c == '_'));
        let signature = line == "-- " || line == "--";
        let attribution = t.ends_with(':')
            && lines[i + 1..]
                .iter()
                .find(|(_, l)| !blank(l))
                .is_some_and(|(_, l)| quoted(l))
            && rest_quoted(i + 1);
        let first_quote = quoted(line) && rest_quoted(i);
        if (separator || signature || attribution || first_quote) && i > 0 {
            let new = &text[..start];
            if !new.trim().is_empty() {
                return (new.trim_end(), &text[start..]);
            }
        }
    }
    (text, "")
}

/// `url` when it is a web or mail address or a path on the desk, else nothing.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let has_scheme = lower
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.contains(['/', '?', '#']));
    if !has_scheme
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
    {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::{split_quoted, to_html};

    #[test]
    fn quoted_history_and_signatures_are_told_apart() {
        let mail = "Thanks, it works now.\n\nOn Tue, 3 Nov 2026, Desk wrote:\n> Please try again.\n> \n> Mara\n";
        let (new, old) = split_quoted(mail);
        assert_eq!(new, "Thanks, it works now.");
        assert!(old.starts_with("On Tue"));
        let signed = "Still broken.\n-- \nAna Kovač\nACME d.o.o.\n";
        assert_eq!(split_quoted(signed).0, "Still broken.");
        let outlook = "See below.\r\n\r\n-----Original Message-----\r\nFrom: Desk\r\nHello\r\n";
        assert_eq!(split_quoted(outlook).0, "See below.");
        // Answers between quotes keep everything.
        let inline = "> question one\nanswer one\n> question two\nanswer two\n";
        assert_eq!(split_quoted(inline), (inline, ""));
        // Nothing new: nothing hidden.
        assert_eq!(split_quoted("> only a quote\n").1, "");
        assert_eq!(split_quoted("plain").0, "plain");
    }

    #[test]
    fn markdown_renders() {
        let html = to_html("**bold** and *it*\n\n- one\n- two\n\n`code`");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<em>it</em>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_safe_links() {
        for bad in [
            "[x](javascript:alert(1))",
            "[x]( JavaScript:alert(1))",
            "[x](data:text/html,hi)",
            "[x](vbscript:msgbox)",
        ] {
            let html = to_html(bad);
            assert!(html.contains("href=\"#\""), "{bad} gave {html}");
        }
        let html = to_html("[site](https://example.com/a?b=1) <https://example.org>");
        assert!(
            html.contains("href=\"https://example.com/a?b=1\""),
            "{html}"
        );
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }

    #[test]
    fn images_become_links() {
        let html = to_html("![logo](https://tracker.example/pixel.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("href=\"https://tracker.example/pixel.png\""),
            "{html}"
        );
    }

    #[test]
    fn nested_images_close_every_link() {
        let html = to_html("![a ![b](x) c](https://evil.example) after");
        assert_eq!(
            html.matches("<a ").count(),
            html.matches("</a>").count(),
            "{html}"
        );
    }

    #[test]
    fn line_breaks_are_kept() {
        let html = to_html("line one\nline two");
        assert!(html.contains("<br"), "{html}");
    }
}
