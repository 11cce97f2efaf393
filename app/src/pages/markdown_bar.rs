//! The composer's Markdown tools: bold, italic, link, list, code around the selection,
//! and a preview rendered by the server exactly as the message will show.

use leptos::prelude::*;

use crate::i18n::t;

/// How a tool changes the selected text: put `before` and `after` around it, or
/// `before` at the start of each selected line (`after` empty).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Tool {
    label: &'static str,
    text: &'static str,
    before: &'static str,
    after: &'static str,
}

const TOOLS: [Tool; 5] = [
    Tool {
        label: "md.bold",
        text: "B",
        before: "**",
        after: "**",
    },
    Tool {
        label: "md.italic",
        text: "I",
        before: "*",
        after: "*",
    },
    Tool {
        label: "md.link",
        text: "[…]",
        before: "[",
        after: "](https://)",
    },
    Tool {
        label: "md.list",
        text: "•",
        before: "- ",
        after: "",
    },
    Tool {
        label: "md.code",
        text: "</>",
        before: "`",
        after: "`",
    },
];

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
/// `text` (UTF-16) with the tool applied to `start..end`; the new selection.
pub fn apply(
    text: &[u16],
    start: usize,
    end: usize,
    before: &str,
    after: &str,
) -> (Vec<u16>, usize, usize) {
    let (start, end) = (
        start.min(text.len()),
        end.min(text.len()).max(start.min(text.len())),
    );
    let b: Vec<u16> = before.encode_utf16().collect();
    let a: Vec<u16> = after.encode_utf16().collect();
    let mut out = text[..start].to_vec();
    if a.is_empty() {
        // A line prefix: at the start of every line the selection touches.
        let line_start = text[..start]
            .iter()
            .rposition(|&c| c == u16::from(b'\n'))
            .map_or(0, |i| i + 1);
        out.truncate(line_start);
        let mut added = 0;
        out.extend(&b);
        added += b.len();
        for &c in &text[line_start..end] {
            out.push(c);
            if c == u16::from(b'\n') {
                out.extend(&b);
                added += b.len();
            }
        }
        let new_end = out.len();
        out.extend(&text[end..]);
        return (out, start + b.len(), new_end.max(end + added));
    }
    out.extend(&b);
    out.extend(&text[start..end]);
    out.extend(&a);
    out.extend(&text[end..]);
    (out, start + b.len(), end + b.len())
}

/// The tools row above the message box `field-body`, and the preview below it.
#[component]
pub fn MarkdownBar(draft: RwSignal<String>) -> impl IntoView {
    let preview = ServerAction::<crate::api::agent::Preview>::new();
    let showing = RwSignal::new(false);
    let use_tool = move |tool: Tool| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(area) = document()
                .get_element_by_id("field-body")
                .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            else {
                return;
            };
            let text: Vec<u16> = area.value().encode_utf16().collect();
            let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
            let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
            let (out, s, e) = apply(&text, start, end, tool.before, tool.after);
            let value = String::from_utf16_lossy(&out);
            area.set_value(&value);
            draft.set(value);
            let _ = area.focus();
            let _ = area.set_selection_range(s as u32, e as u32);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (tool, draft);
    };
    view! {
        <div class="md-bar" role="toolbar" aria-label=t("md.tools") aria-controls="field-body">
            {TOOLS.iter().map(|tool| {
                let tool = *tool;
                view! {
                    <button type="button" class="md-tool" title=t(tool.label) aria-label=t(tool.label)
                        on:click=move |_| use_tool(tool)>{tool.text}</button>
                }
            }).collect_view()}
            <button type="button" class="md-tool md-preview" aria-pressed=move || showing.get().to_string()
                on:click=move |_| {
                    let on = !showing.get_untracked();
                    showing.set(on);
                    if on {
                        preview.dispatch(crate::api::agent::Preview { body: draft.get_untracked() });
                    }
                }>{t("md.preview")}</button>
        </div>
        <div class="md-preview-box" hidden=move || !showing.get() aria-live="polite">
            {move || match preview.value().get() {
                Some(Ok(html)) => view! { <div class="body" inner_html=html></div> }.into_any(),
                _ => view! { <p class="quiet">{t("md.preview_empty")}</p> }.into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::apply;

    fn run(
        text: &str,
        start: usize,
        end: usize,
        before: &str,
        after: &str,
    ) -> (String, usize, usize) {
        let t: Vec<u16> = text.encode_utf16().collect();
        let (out, s, e) = apply(&t, start, end, before, after);
        (String::from_utf16_lossy(&out), s, e)
    }

    #[test]
    fn wraps_the_selection() {
        assert_eq!(
            run("say hi now", 4, 6, "**", "**"),
            ("say **hi** now".into(), 6, 8)
        );
        assert_eq!(run("", 0, 0, "*", "*"), ("**".into(), 1, 1));
    }

    #[test]
    fn prefixes_each_selected_line() {
        let (out, _, _) = run("one\ntwo\nthree", 1, 6, "- ", "");
        assert_eq!(out, "- one\n- two\nthree");
    }
}
