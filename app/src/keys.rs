//! Keyboard shortcuts of the agent workspace: `/` search, `j`/`k` next and previous
//! ticket in the list, `x` tick the ticket in focus, `r` reply, `n` note, `a` assign to
//! me, `s` status, `?` the list of keys.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_navigate;

use crate::i18n::t;

/// Every shortcut, as (key, translation key of what it does).
const KEYS: [(&str, &str); 9] = [
    ("/", "keys.search"),
    ("j", "keys.next"),
    ("k", "keys.previous"),
    ("x", "keys.select"),
    ("r", "keys.reply"),
    ("n", "keys.note"),
    ("a", "keys.assign"),
    ("s", "keys.status"),
    ("?", "keys.help"),
];

/// Ticks (or unticks) the tick box of the list row whose link has the focus.
fn tick_focused_row() {
    let row = document()
        .active_element()
        .and_then(|a| a.closest("table.tickets tbody tr").ok().flatten());
    if let Some(tick) = row
        .and_then(|r| r.query_selector("td.pick input").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        tick.click();
    }
}

/// Clicks the element `selector` names, if the page has it.
fn click(selector: &str) {
    if let Some(el) = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        el.click();
    }
}

fn focus(selector: &str) -> bool {
    document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|e| e.focus().is_ok())
        .unwrap_or(false)
}

/// Where the inbox keeps the numbers of the list it last showed, so `j`/`k` on a ticket
/// page open the next or previous ticket of that list.
pub const LAST_LIST: &str = "tessera.last-list";

/// The ticket after (`step` = 1) or before (-1) ticket `number` in the last list shown.
fn neighbour(number: u64, step: i32) -> Option<u64> {
    let list = window()
        .session_storage()
        .ok()??
        .get_item(LAST_LIST)
        .ok()??;
    let numbers: Vec<u64> = list.split(',').filter_map(|n| n.parse().ok()).collect();
    let at = numbers.iter().position(|&n| n == number)? as i32;
    numbers.get(usize::try_from(at + step).ok()?).copied()
}

/// Moves focus to the next (`step` = 1) or previous (-1) ticket link in the list; on a
/// ticket page, opens the next or previous ticket of the last list.
fn move_in_list(step: i32, open: &dyn Fn(&str)) {
    let Ok(links) = document().query_selector_all("table.tickets tbody a, .hits a") else {
        return;
    };
    let active = document().active_element();
    let len = links.length() as i32;
    if len == 0 {
        let path = window().location().pathname().unwrap_or_default();
        if let Some(next) = path
            .strip_prefix("/agent/tickets/")
            .and_then(|n| n.parse().ok())
            .and_then(|n| neighbour(n, step))
        {
            open(&format!("/agent/tickets/{next}"));
        }
        return;
    }
    let current = (0..len).find(|&i| {
        let node = links.item(i as u32);
        matches!((&node, &active), (Some(n), Some(a)) if n.is_same_node(Some(a.unchecked_ref())))
    });
    let next = match current {
        Some(i) => (i + step).clamp(0, len - 1),
        None if step > 0 => 0,
        None => len - 1,
    };
    if let Some(el) = links
        .item(next as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Picks the composer's reply or note tab and puts the cursor in the editor.
fn compose(kind: &str) {
    let selector = format!("input[name=kind][value={kind}]");
    if let Some(radio) = document()
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        radio.click();
        focus("#field-body");
    }
}

/// Installs the shortcuts and shows their list on `?`.
#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    let open = RwSignal::new(false);
    let navigate = use_navigate();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        let key = ev.key();
        if key == "Escape" {
            open.set(false);
            return;
        }
        if typing {
            return;
        }
        match key.as_str() {
            "/" => {
                ev.prevent_default();
                if !focus("#search-page-q") && !focus("#global-search") {
                    navigate("/agent/search", Default::default());
                }
            }
            "j" => move_in_list(1, &|p| navigate(p, Default::default())),
            "k" => move_in_list(-1, &|p| navigate(p, Default::default())),
            "r" => {
                ev.prevent_default();
                compose("reply");
            }
            "n" => {
                ev.prevent_default();
                compose("note");
            }
            "x" => tick_focused_row(),
            "a" => click("#assign-me"),
            "s" => {
                ev.prevent_default();
                focus("#ticket-status");
            }
            "?" => open.update(|o| *o = !*o),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <Show when=move || open.get()>
            <div class="keys-backdrop" on:click=move |_| open.set(false)></div>
            <section class="keys card" role="dialog" aria-modal="true" aria-labelledby="keys-title">
                <h2 id="keys-title">{t("keys.title")}</h2>
                <dl>
                    {KEYS
                        .into_iter()
                        .map(|(k, what)| view! { <dt><kbd>{k}</kbd></dt><dd>{t(what)}</dd> })
                        .collect_view()}
                </dl>
                <button type="button" on:click=move |_| open.set(false) autofocus=true>{t("keys.close")}</button>
            </section>
        </Show>
    }
}
