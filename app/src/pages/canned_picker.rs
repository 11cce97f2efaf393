//! Canned responses in the reply box: typing `#` and part of a title lists matching
//! responses under the box; arrows choose, Enter or Tab inserts (placeholders filled
//! from the ticket), Escape closes. A `#` followed by nothing that matches (a ticket
//! number, say) is left alone.

use leptos::prelude::*;
use model::{Canned, Placeholders};

use crate::i18n::t;

/// Most suggestions shown at once.
const SHOWN: usize = 6;

/// The `#word` just before the caret in `text` (UTF-16 offsets, as the browser counts):
/// the offset of its `#` and the word. A `#` counts at the start or after a space.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn hash_word(text: &[u16], caret: usize) -> Option<(usize, String)> {
    let caret = caret.min(text.len());
    let before = &text[..caret];
    let hash = before.iter().rposition(|&c| c == u16::from(b'#'))?;
    let word = String::from_utf16_lossy(&before[hash + 1..]);
    if word.chars().any(char::is_whitespace) || word.chars().count() > 40 {
        return None;
    }
    let starts_word = hash == 0
        || String::from_utf16_lossy(&before[hash - 1..hash])
            .chars()
            .all(char::is_whitespace);
    starts_word.then_some((hash, word))
}

/// A text box's text in UTF-16 units and where its caret is, as the browser counts.
#[cfg(feature = "hydrate")]
fn text_and_caret(area: &web_sys::HtmlTextAreaElement) -> (Vec<u16>, usize) {
    let text: Vec<u16> = area.value().encode_utf16().collect();
    let caret = area
        .selection_start()
        .ok()
        .flatten()
        .map_or(text.len(), |c| c as usize)
        .min(text.len());
    (text, caret)
}

/// The responses whose title (or text) holds `query`, titles first.
pub fn matching(all: &[Canned], query: &str) -> Vec<Canned> {
    let q = query.to_lowercase();
    let mut by_title: Vec<Canned> = all
        .iter()
        .filter(|c| c.title.to_lowercase().contains(&q))
        .cloned()
        .collect();
    if by_title.len() < SHOWN {
        by_title.extend(
            all.iter()
                .filter(|c| {
                    !c.title.to_lowercase().contains(&q) && c.body.to_lowercase().contains(&q)
                })
                .cloned(),
        );
    }
    by_title.truncate(SHOWN);
    by_title
}

/// Wraps the reply box: watches what is typed, shows the suggestions, inserts the
/// chosen one into `draft`.
#[component]
pub fn CannedPicker(
    draft: RwSignal<String>,
    placeholders: Signal<Placeholders>,
    children: Children,
) -> impl IntoView {
    let canned = LocalResource::new(crate::api::agent::list_canned);
    // The word after `#` being typed, and where its `#` is.
    let open = RwSignal::new(None::<(usize, String)>);
    let active = RwSignal::new(0usize);
    let all = move || canned.get().and_then(|r| r.ok()).unwrap_or_default();
    let shown = move || match open.get() {
        Some((_, q)) => matching(&all(), &q),
        None => Vec::new(),
    };
    let insert = move |c: Canned| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some((hash, _)) = open.get_untracked() else {
                return;
            };
            let Some(area) = document()
                .get_element_by_id("field-body")
                .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            else {
                return;
            };
            let (text, caret) = text_and_caret(&area);
            let filled: Vec<u16> = placeholders
                .get_untracked()
                .fill(&c.body)
                .encode_utf16()
                .collect();
            let mut out = text[..hash.min(caret)].to_vec();
            out.extend(&filled);
            let at = out.len();
            out.extend(&text[caret..]);
            let value = String::from_utf16_lossy(&out);
            area.set_value(&value);
            draft.set(value);
            let _ = area.set_selection_range(at as u32, at as u32);
            let _ = area.focus();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (c, draft, placeholders);
        open.set(None);
    };
    let on_input = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(area) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            else {
                return;
            };
            let (text, caret) = text_and_caret(&area);
            open.set(hash_word(&text, caret));
            active.set(0);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let list = shown();
        if list.is_empty() {
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % list.len());
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|a| *a = (*a + list.len() - 1) % list.len());
            }
            "Enter" | "Tab" => {
                ev.prevent_default();
                let i = active.get_untracked().min(list.len() - 1);
                insert(list[i].clone());
            }
            "Escape" => {
                ev.prevent_default();
                open.set(None);
            }
            _ => {}
        }
    };
    view! {
        <div class="canned-host" on:input=on_input on:keydown=on_keydown>
            {children()}
            <Show when=move || !shown().is_empty()>
                <ul class="canned-picker" role="listbox" aria-label=t("canned.suggestions")>
                    {move || shown()
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let preview: String = c.body.chars().take(90).collect();
                            let title = c.title.clone();
                            view! {
                                <li
                                    role="option"
                                    aria-selected=move || (active.get() == i).to_string()
                                    on:mousedown=move |ev| {
                                        // Before the box loses focus.
                                        ev.prevent_default();
                                        insert(c.clone());
                                    }
                                >
                                    <strong>{title}</strong>
                                    <span class="preview">{preview}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </Show>
            <p class="hint canned-hint">{t("canned.hint")}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn the_word_after_a_hash_is_found_only_at_a_word_start() {
        let t = utf16("Hello #ref");
        assert_eq!(hash_word(&t, t.len()), Some((6, "ref".into())));
        let t = utf16("#");
        assert_eq!(hash_word(&t, 1), Some((0, String::new())));
        let t = utf16("issue#12");
        assert_eq!(hash_word(&t, t.len()), None, "inside a word");
        let t = utf16("#ref done");
        assert_eq!(hash_word(&t, t.len()), None, "a space ended it");
        let t = utf16("Ζωή #παρ");
        assert_eq!(hash_word(&t, t.len()), Some((4, "παρ".into())));
    }

    #[test]
    fn titles_match_before_texts() {
        let c = |title: &str, body: &str| Canned {
            title: title.into(),
            body: body.into(),
            ..Canned::default()
        };
        let all = [
            c("Refund steps", "How to get money back"),
            c("Thanks", "refund is on its way"),
        ];
        let found: Vec<String> = matching(&all, "REFUND")
            .into_iter()
            .map(|c| c.title)
            .collect();
        assert_eq!(found, ["Refund steps", "Thanks"]);
        assert!(matching(&all, "zzz").is_empty());
    }
}
