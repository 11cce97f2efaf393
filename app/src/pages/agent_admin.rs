//! Admins add agents and see who is on the team.

use leptos::prelude::*;
use model::Role;

use crate::api::auth::{list_agents, me, AddAgent, SetAgentActive, SetAgentRole};
use crate::api::field_error;
use crate::components::{AgentFrame, Field};
use crate::i18n::t;
use leptos_meta::Title;

#[component]
pub fn AgentsAdmin() -> impl IntoView {
    view! { <AgentFrame><AgentsPane/></AgentFrame> }
}

#[component]
fn AgentsPane() -> impl IntoView {
    let add = ServerAction::<AddAgent>::new();
    let activate = ServerAction::<SetAgentActive>::new();
    let set_role = ServerAction::<SetAgentRole>::new();
    let agents = Resource::new(
        move || {
            (
                add.version().get(),
                activate.version().get(),
                set_role.version().get(),
            )
        },
        |_| list_agents(),
    );
    let signed_in = Resource::new(|| (), |_| me());
    let result = add.value();
    let err = move |name: &'static str| field_error(result, name);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = result.get() {
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    view! {
        <Title text=format!("{} · {}", t("admin.agents"), crate::components::brand())/>
        <div class="list-head"><h1>{t("admin.agents")}</h1></div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let my_id = signed_in.await.ok().flatten().map(|a| a.id);
                match agents.await {
                    Ok(list) => view! {
                        <table class="tickets agents">
                            <thead><tr>
                                <th scope="col">{t("admin.name")}</th>
                                <th scope="col">{t("admin.email")}</th>
                                <th scope="col">{t("admin.is_admin")}</th>
                                <th scope="col">{t("admin.status")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|a| view! {
                                    <tr>
                                        <td>{a.name.clone()}</td>
                                        <td>{a.email}</td>
                                        <td>
                                            {if Some(a.id) == my_id {
                                                view! { <span>{t("admin.role_admin")}</span> }.into_any()
                                            } else {
                                                let id = a.id;
                                                view! {
                                                    <select
                                                        aria-label=format!("{}: {}", t("admin.is_admin"), a.name)
                                                        on:change=move |ev| {
                                                            set_role.dispatch(SetAgentRole { id, role: event_target_value(&ev) });
                                                        }
                                                    >
                                                        <option value="agent" selected=a.role == Role::Agent>{t("admin.role_agent")}</option>
                                                        <option value="admin" selected=a.role == Role::Admin>{t("admin.role_admin")}</option>
                                                    </select>
                                                }.into_any()
                                            }}
                                        </td>
                                        <td class="agent-status">
                                            {if a.active { t("admin.active") } else { t("admin.inactive") }} " "
                                            // No one deactivates themselves.
                                            {(Some(a.id) != my_id).then(|| view! {
                                            <button
                                                type="button"
                                                class="link"
                                                aria-label=format!("{}: {}", if a.active { t("admin.deactivate") } else { t("admin.reactivate") }, a.name)
                                                on:click=move |_| {
                                                    activate.dispatch(SetAgentActive { id: a.id, active: !a.active });
                                                }
                                            >
                                                {if a.active { t("admin.deactivate") } else { t("admin.reactivate") }}
                                            </button>
                                            })}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <p class="form-error" role="alert">
            {move || match set_role.value().get() {
                Some(Err(e)) => Some(e.message()),
                _ => None,
            }}
        </p>
        <p class="form-error" role="alert">
            {move || match activate.value().get() {
                Some(Err(e)) => Some(e.message()),
                _ => None,
            }}
        </p>
        <h2>{t("admin.add_agent")}</h2>
        <ActionForm action=add node_ref=form attr:class="card form" attr:novalidate=true>
            <Field name="name" label=t("admin.name") error=err("name")/>
            <Field name="email" label=t("admin.email") kind="email" error=err("email")/>
            <Field name="password" label=t("admin.password") kind="password" autocomplete="new-password" error=err("password")/>
            <div class="field checkbox">
                <input id="field-admin" type="checkbox" name="admin" value="on"/>
                <label for="field-admin">{t("admin.is_admin")}</label>
            </div>
            <p class="form-status" role="status">
                {move || matches!(result.get(), Some(Ok(_))).then(|| t("admin.added"))}
            </p>
            <button type="submit" class="primary" disabled=move || add.pending().get()>{t("admin.add_agent")}</button>
        </ActionForm>
    }
}
