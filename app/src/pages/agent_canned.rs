//! Canned responses: each agent keeps their own; administrators share some with the
//! whole team or with chosen departments. Inserted from the reply box by typing `#`.

use leptos::prelude::*;
use leptos_meta::Title;
use model::{Canned, Label, PLACEHOLDERS_HINT};

use crate::api::agent::{desk_lists, list_canned, DeleteCanned, SaveCanned};
use crate::components::{AgentFrame, Me};
use crate::i18n::t;

#[component]
pub fn CannedAdmin() -> impl IntoView {
    view! { <AgentFrame><CannedPane/></AgentFrame> }
}

#[component]
fn CannedPane() -> impl IntoView {
    let save = ServerAction::<SaveCanned>::new();
    let delete = ServerAction::<DeleteCanned>::new();
    let list = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| list_canned(),
    );
    let lists = Resource::new(|| (), |_| desk_lists());
    let me = use_context::<Me>();
    view! {
        <Title text=format!("{} · {}", t("canned.title"), crate::components::brand())/>
        <div class="list-head"><h1>{t("canned.title")}</h1></div>
        <p class="hint">{t("canned.intro")} " " <code>{PLACEHOLDERS_HINT}</code></p>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let admin = match me {
                    Some(Me(me)) => me.await.ok().flatten().is_some_and(|a| a.role == model::Role::Admin),
                    None => false,
                };
                let departments = lists.await.map(|l| l.departments).unwrap_or_default();
                match list.await {
                    Ok(items) => view! {
                        <div class="canned-list">
                            {items.into_iter().map(|c| view! {
                                <CannedForm canned=c save=save delete=delete admin=admin departments=departments.clone()/>
                            }).collect_view()}
                            <h2>{t("canned.add")}</h2>
                            <CannedForm canned=Canned::default() save=save delete=delete admin=admin departments=departments/>
                        </div>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <p class="form-error" role="alert">
            {move || match save.value().get().map(|r| r.map(|_| ())).or(delete.value().get()) {
                Some(Err(e)) => Some(e.explain()),
                _ => None,
            }}
        </p>
        <p class="form-status" role="status">
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| t("ticket.saved"))}
        </p>
    }
}

/// One canned response's form: title, text, and (for administrators) whom it is for.
#[component]
fn CannedForm(
    canned: Canned,
    save: ServerAction<SaveCanned>,
    delete: ServerAction<DeleteCanned>,
    admin: bool,
    departments: Vec<Label>,
) -> impl IntoView {
    let id = canned.id;
    let key = if id == 0 {
        "new".to_string()
    } else {
        id.to_string()
    };
    let title = RwSignal::new(canned.title.clone());
    let body = RwSignal::new(canned.body.clone());
    let shared = RwSignal::new(canned.shared);
    let chosen = RwSignal::new(canned.departments.clone());
    // Only an administrator changes a shared response.
    let editable = admin || !canned.shared;
    let label = if id == 0 {
        t("canned.add").to_string()
    } else {
        canned.title.clone()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveCanned {
            id,
            title: title.get(),
            body: body.get(),
            shared: shared.get().then(|| "1".to_string()),
            departments: Some(
                chosen
                    .get()
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        });
        if id == 0 {
            title.set(String::new());
            body.set(String::new());
        }
    };
    view! {
        <form class="card form canned" on:submit=submit aria-label=label novalidate>
            <div class="field">
                <label for=format!("canned-{key}-title")>{t("canned.name")}</label>
                <input id=format!("canned-{key}-title") type="text" required maxlength="100" readonly=!editable
                    prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for=format!("canned-{key}-body")>{t("canned.text")}</label>
                <textarea id=format!("canned-{key}-body") rows="5" required readonly=!editable
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))>{canned.body.clone()}</textarea>
            </div>
            {admin.then(|| view! {
                <div class="field checkbox">
                    <input id=format!("canned-{key}-shared") type="checkbox"
                        prop:checked=move || shared.get()
                        on:change=move |ev| shared.set(event_target_checked(&ev))/>
                    <label for=format!("canned-{key}-shared")>{t("canned.shared")}</label>
                </div>
                <fieldset class="members" hidden=move || !shared.get()>
                    <legend>{t("canned.for_departments")}</legend>
                    {departments.iter().map(|d| {
                        let did = d.id;
                        let box_id = format!("canned-{key}-dept-{did}");
                        view! {
                            <div class="field checkbox">
                                <input id=box_id.clone() type="checkbox"
                                    prop:checked=move || chosen.get().contains(&did)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != did);
                                            if on {
                                                c.push(did);
                                            }
                                        });
                                    }/>
                                <label for=box_id>{d.name.clone()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            {(!admin && canned.shared).then(|| view! { <p class="hint">{t("canned.shared_by_admin")}</p> })}
            {editable.then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || save.pending().get()>
                        {if id == 0 { t("canned.add") } else { t("admin.save") }}
                    </button>
                    {(id != 0).then(|| view! {
                        <button type="button" class="link" on:click=move |_| { delete.dispatch(DeleteCanned { id }); }>
                            {t("canned.delete")}
                        </button>
                    })}
                </div>
            })}
        </form>
    }
    .into_any()
}
