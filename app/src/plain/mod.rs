//! Pages rendered on the server alone, with plain HTML forms and no script: settings
//! an admin changes now and then. Their code stays out of the wasm every visitor
//! downloads. Links to them carry `rel="external"` so the browser loads them whole.
//! The routes that serve them are the server's; this renders.

use leptos::prelude::*;
use model::AgentInfo;

use crate::i18n::{t, Locale};

mod distribution;
mod goals;
mod hours;
mod mailboxes;
mod rules;
mod sla;
mod templates;
pub use distribution::{distribution_page, DistributionView};
pub use goals::{dashboard_page, goals_page, PERIODS};
pub use hours::{day_text, holidays_text, hours_page, parse_day, parse_holidays, HoursView};
pub use mailboxes::{blank_mailbox, mailboxes_page, MailboxesView};
pub use rules::{
    rule_effect, rule_line, rule_page, rule_value, rules_page, word_rules, RuleView, BLANK_ACTIONS,
    BLANK_CONDITIONS,
};
pub use sla::{minutes_text, parse_minutes, sla_page, SlaView};
pub use templates::{templates_page, TemplateDraft};

/// Who is looking, and how the desk calls itself.
pub struct Viewer {
    pub agent: AgentInfo,
    pub locale: Locale,
    pub desk_name: String,
}

/// A whole page: the desk's frame (its navigation, the agent) around `body`.
pub fn page(viewer: &Viewer, title: &'static str, body: impl FnOnce() -> AnyView) -> String {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(viewer.locale);
        let desk = if viewer.desk_name.trim().is_empty() {
            t("app.name").to_string()
        } else {
            viewer.desk_name.clone()
        };
        let admin = viewer.agent.role == model::Role::Admin;
        let html = view! {
            <div class="workspace">
                <nav class="sidebar" aria-label=t("nav.views")>
                    <a class="skip" href="#main">{t("nav.skip")}</a>
                    <div class="brand-row"><a class="brand" href="/agent">{desk.clone()}</a></div>
                    <ul>
                        <li><a href="/agent">{t("nav.all")}</a></li>
                    </ul>
                    <ul>
                        {admin.then(crate::components::admin_links)}
                        <li><a href="/agent/contacts">{t("nav.contacts")}</a></li>
                        <li><a href="/agent/kb">{t("kb.title")}</a></li>
                        <li><a href="/agent/dashboard">{t("dashboard.title")}</a></li>
                        <li><a href="/agent/settings">{t("nav.settings")}</a></li>
                    </ul>
                    <div class="who"><span>{viewer.agent.name.clone()}</span></div>
                </nav>
                <main id="main" class="pane">{body()}</main>
            </div>
        }
        .to_html();
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · {desk}</title><link rel=\"stylesheet\" href=\"/pkg/tessera.css\">\
             </head><body>{html}</body></html>",
            lang = viewer.locale.code(),
            title = escape(t(title)),
            desk = escape(&desk),
        )
    })
}

/// `s` safe inside HTML text and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{22}' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_hours_holidays_and_targets_read_back() {
        let day = parse_day("09:00-12:00, 13:00–17:30").expect("day");
        assert_eq!(day_text(&day), "09:00-12:00, 13:00-17:30");
        assert_eq!(parse_day("").expect("closed"), Vec::new());
        assert_eq!(parse_day("0-24").expect("all day")[0].end, 24 * 60);
        assert!(parse_day("9-25").is_none() && parse_day("nine to five").is_none());
        let (h, bad) = parse_holidays("2026-12-25 yearly Christmas\n\n2026-06-08 Move\nlater");
        assert_eq!((h.len(), bad), (2, vec![4]));
        assert_eq!(
            holidays_text(&h),
            "2026-12-25 yearly Christmas\n2026-06-08 Move"
        );
        for (text, minutes) in [
            ("90", Some(90)),
            ("1h 30m", Some(90)),
            ("1d4h", Some(1680)),
            ("", None),
        ] {
            assert_eq!(parse_minutes(text), Some(minutes), "{text}");
            assert_eq!(parse_minutes(&minutes_text(minutes)), Some(minutes));
        }
        assert!(
            parse_minutes("soon").is_none()
                && parse_minutes("4x").is_none()
                && parse_minutes("h").is_none()
        );
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
