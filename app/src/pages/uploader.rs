//! Files on a reply or note: chosen with a picker, dropped on the composer or pasted
//! (screenshots), each uploaded at once with its progress shown, then attached when
//! the message is sent (their ids travel in a hidden `attachments` field).

use leptos::prelude::*;

use crate::i18n::{file_size, t, t_dyn};

/// One file on its way or arrived.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    /// Tells uploads apart while they have no id yet.
    pub key: u64,
    pub name: String,
    pub size: u64,
    /// Percent sent, while sending.
    pub progress: u8,
    /// The stored file, once it arrived.
    pub id: Option<u64>,
    /// Why it was refused (a text key).
    pub error: Option<String>,
}

/// The uploads of one message being written.
#[derive(Clone, Copy)]
pub struct Uploads {
    pub list: RwSignal<Vec<Upload>>,
    /// Where files are sent (`/api/files`, or the customer's `/t/…/files`).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    url: StoredValue<String>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    next: StoredValue<u64>,
}

impl Uploads {
    pub fn new(url: String) -> Self {
        Uploads {
            list: RwSignal::new(Vec::new()),
            url: StoredValue::new(url),
            next: StoredValue::new(0),
        }
    }

    /// The arrived files' ids, as the form sends them.
    pub fn ids(&self) -> String {
        self.list
            .read()
            .iter()
            .filter_map(|u| u.id.map(|id| id.to_string()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether a file is still on its way.
    pub fn busy(&self) -> bool {
        self.list
            .read()
            .iter()
            .any(|u| u.id.is_none() && u.error.is_none())
    }

    pub fn clear(&self) {
        self.list.set(Vec::new());
    }

    /// A drop on the form: its files are sent (and the browser does not open them).
    pub fn on_drop(&self, ev: leptos::ev::DragEvent) {
        #[cfg(feature = "hydrate")]
        if take_files(*self, ev.data_transfer()) {
            ev.prevent_default();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    /// A paste in the form: pasted files (screenshots) are sent, not pasted as text.
    pub fn on_paste(&self, ev: leptos::ev::ClipboardEvent) {
        #[cfg(feature = "hydrate")]
        if take_files(*self, ev.clipboard_data()) {
            ev.prevent_default();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    /// Starts sending each file of `files`.
    #[cfg(feature = "hydrate")]
    pub fn add(&self, files: Option<web_sys::FileList>) {
        let Some(files) = files else { return };
        for i in 0..files.length() {
            if let Some(file) = files.get(i) {
                self.send(file);
            }
        }
    }

    #[cfg(feature = "hydrate")]
    fn send(&self, file: web_sys::File) {
        use leptos::wasm_bindgen::closure::Closure;
        use leptos::wasm_bindgen::JsCast;
        let key = self.next.get_value();
        self.next.set_value(key + 1);
        let list = self.list;
        let name = file.name();
        list.update(|l| {
            l.push(Upload {
                key,
                name: name.clone(),
                size: file.size() as u64,
                progress: 0,
                id: None,
                error: None,
            })
        });
        let update = move |f: &dyn Fn(&mut Upload)| {
            list.update(|l| {
                if let Some(u) = l.iter_mut().find(|u| u.key == key) {
                    f(u)
                }
            })
        };
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
            update(&|u| u.error = Some("error.generic".into()));
            return;
        };
        let url = format!(
            "{}?name={}",
            self.url.get_value(),
            String::from(js_sys::encode_uri_component(&name))
        );
        if xhr.open("POST", &url).is_err() {
            return;
        }
        let kind = file.type_();
        if !kind.is_empty() {
            let _ = xhr.set_request_header("Content-Type", &kind);
        }
        if let Ok(upload) = xhr.upload() {
            let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                move |ev: web_sys::ProgressEvent| {
                    if ev.length_computable() && ev.total() > 0.0 {
                        let pct = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0) as u8;
                        update(&|u| u.progress = pct);
                    }
                },
            );
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            on_progress.forget();
        }
        let done = xhr.clone();
        let on_end = Closure::<dyn FnMut()>::new(move || {
            let status = done.status().unwrap_or(0);
            let text = done.response_text().ok().flatten().unwrap_or_default();
            if status == 201 {
                match serde_json::from_str::<model::Attachment>(&text) {
                    Ok(a) => update(&|u| {
                        u.id = Some(a.id);
                        u.progress = 100;
                    }),
                    Err(_) => update(&|u| u.error = Some("error.generic".into())),
                }
            } else {
                let key = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
                    .unwrap_or_else(|| {
                        if status == 413 {
                            "error.file_too_large".into()
                        } else {
                            "error.upload_broken".into()
                        }
                    });
                update(&|u| u.error = Some(key.clone()));
            }
        });
        xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
        on_end.forget();
        if xhr.send_with_opt_blob(Some(&file)).is_err() {
            update(&|u| u.error = Some("error.upload_broken".into()));
        }
    }
}

/// The attach button and the list of files with their progress. Drops and pastes are
/// taken by the form around it (see [`Uploads::on_drop`], [`Uploads::on_paste`]).
#[component]
pub fn FilePicker(uploads: Uploads) -> impl IntoView {
    let list = uploads.list;
    view! {
        <div class="files">
            <input type="hidden" name="attachments" prop:value=move || uploads.ids()/>
            <label class="button attach">
                <input
                    type="file"
                    multiple=true
                    class="visually-hidden"
                    on:change=move |_ev| {
                        #[cfg(feature = "hydrate")]
                        {
                            use leptos::wasm_bindgen::JsCast;
                            if let Some(input) = _ev
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            {
                                uploads.add(input.files());
                                input.set_value("");
                            }
                        }
                    }
                />
                {t("files.attach")}
            </label>
            <span class="quiet drop-hint">{t("files.drop_hint")}</span>
            <ul class="uploads" aria-live="polite">
                <For each=move || list.get() key=|u| (u.key, u.id, u.progress, u.error.clone()) let:u>
                    <li class:failed=u.error.is_some()>
                        <span class="file-name">{u.name.clone()}</span>
                        " " <span class="quiet">{file_size(u.size)}</span>
                        {match (&u.error, u.id) {
                            (Some(e), _) => view! { <span class="field-error" role="alert">{t_dyn(e)}</span> }.into_any(),
                            (None, Some(_)) => view! { <span class="quiet">"✓"</span> }.into_any(),
                            (None, None) => view! {
                                <progress max="100" value=u.progress.to_string() aria-label=t("files.uploading")></progress>
                            }.into_any(),
                        }}
                        <button
                            type="button"
                            class="link"
                            aria-label=format!("{} {}", t("files.remove"), u.name)
                            on:click=move |_| list.update(|l| l.retain(|x| x.key != u.key))
                        >"×"</button>
                    </li>
                </For>
            </ul>
        </div>
    }
}

/// Sends the files of a drop or a paste on the composer; whether there were any (the
/// event is then handled, so a pasted screenshot does not also land as text).
#[cfg(feature = "hydrate")]
fn take_files(uploads: Uploads, data: Option<web_sys::DataTransfer>) -> bool {
    let files = data.and_then(|d| d.files());
    match files {
        Some(f) if f.length() > 0 => {
            uploads.add(Some(f));
            true
        }
        _ => false,
    }
}
