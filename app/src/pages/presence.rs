//! Who else is on a ticket: the page says every few seconds that it is open (and
//! whether its agent is typing), and hears through the live stream when someone else
//! arrives, starts typing or leaves.

use leptos::prelude::*;
use model::Viewer;

use crate::i18n::t;

/// How often an open ticket page says it is still there, in milliseconds (well within
/// the server's 30 seconds).
#[cfg(feature = "hydrate")]
const BEAT_MS: u64 = 10_000;
/// Typing stops counting this long after the last keystroke, in milliseconds.
#[cfg(feature = "hydrate")]
const TYPING_MS: f64 = 6_000.0;

/// Keeps the server told about this page on ticket `number()` while it is open, `draft`
/// moving counting as typing; the other agents there, kept current.
pub fn watch(
    number: impl Fn() -> Option<u64> + Copy + Send + Sync + 'static,
    draft: RwSignal<String>,
) -> RwSignal<Vec<Viewer>> {
    let viewers = RwSignal::new(Vec::new());
    #[cfg(feature = "hydrate")]
    {
        use crate::components::Live;
        use leptos::task::spawn_local;
        let last_key = StoredValue::new(0.0f64);
        let typing = StoredValue::new(false);
        let beat = move |doing: &'static str| {
            let Some(n) = number() else { return };
            spawn_local(async move {
                if let Ok(list) = crate::api::agent::presence(n, doing.to_string()).await {
                    viewers.set(list);
                }
            });
        };
        let state = move || {
            if js_sys::Date::now() - last_key.get_value() < TYPING_MS {
                "typing"
            } else {
                "viewing"
            }
        };
        // Arriving, and every keystroke that starts a spell of typing.
        Effect::new(move |previous: Option<Option<u64>>| {
            let n = number();
            if let Some(Some(old)) = previous.filter(|p| *p != n) {
                spawn_local(async move {
                    let _ = crate::api::agent::presence(old, "left".into()).await;
                });
            }
            beat(state());
            n
        });
        Effect::new(move |previous: Option<String>| {
            let text = draft.get();
            if previous.is_some_and(|p| p != text) {
                last_key.set_value(js_sys::Date::now());
                if !typing.get_value() {
                    typing.set_value(true);
                    beat("typing");
                }
            }
            text
        });
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let now = state();
                typing.set_value(now == "typing");
                beat(now);
            },
            std::time::Duration::from_millis(BEAT_MS),
        ) {
            on_cleanup(move || handle.clear());
        }
        // Someone else came, typed or went: ask who is here now.
        if let Some(live) = use_context::<Live>() {
            Effect::new(move |previous: Option<Option<(u64, u64)>>| {
                let p = live.presence.get();
                if previous.is_some() && p.is_some_and(|(n, _)| Some(n) == number()) {
                    beat(state());
                }
                p
            });
        }
        // A page closed or left by a full load says goodbye with a beacon.
        crate::components::on_page_hide(move || {
            if let Some(n) = number() {
                crate::components::beacon("/api/agent/presence", &format!("number={n}&doing=left"));
            }
        });
        on_cleanup(move || {
            if let Some(n) = number() {
                spawn_local(async move {
                    let _ = crate::api::agent::presence(n, "left".into()).await;
                });
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (number, draft);
    viewers
}

/// "Ana is viewing · Marko is typing a reply", above the composer.
#[component]
pub fn Viewers(viewers: RwSignal<Vec<Viewer>>) -> impl IntoView {
    view! {
        <p class="viewers" aria-live="polite">
            {move || {
                viewers
                    .get()
                    .into_iter()
                    .map(|v| {
                        let what = if v.typing { t("presence.typing") } else { t("presence.viewing") };
                        view! {
                            <span class="viewer" class:typing=v.typing>
                                <strong>{v.name}</strong> " " {what}
                            </span>
                        }
                    })
                    .collect_view()
            }}
        </p>
    }
}
