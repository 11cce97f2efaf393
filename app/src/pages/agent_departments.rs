//! Admins arrange the team into departments: a name, a leader, members.

use leptos::prelude::*;
use model::{AgentInfo, Department};

use crate::api::agent::{list_departments, SaveDepartment};
use crate::api::auth::list_agents;
use crate::components::AgentFrame;
use crate::i18n::t;
use leptos_meta::Title;

#[component]
pub fn DepartmentsAdmin() -> impl IntoView {
    view! { <AgentFrame><DepartmentsPane/></AgentFrame> }
}

#[component]
fn DepartmentsPane() -> impl IntoView {
    let save = ServerAction::<SaveDepartment>::new();
    let departments = Resource::new(move || save.version().get(), |_| list_departments());
    let agents = Resource::new(|| (), |_| list_agents());
    view! {
        <Title text=format!("{} · {}", t("admin.departments"), crate::components::brand())/>
        <div class="list-head"><h1>{t("admin.departments")}</h1></div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match (departments.await, agents.await) {
                    (Ok(list), Ok(agents)) => {
                        let agents: Vec<AgentInfo> = agents.into_iter().filter(|a| a.active).collect();
                        view! {
                            <div class="departments">
                                {list.into_iter().map(|d| view! {
                                    <DepartmentForm department=d agents=agents.clone() save=save/>
                                }).collect_view()}
                                <h2>{t("admin.add_department")}</h2>
                                <DepartmentForm
                                    department=Department { id: 0, name: String::new(), leader: None, members: Vec::new() }
                                    agents=agents
                                    save=save
                                />
                            </div>
                        }
                        .into_any()
                    }
                    (Err(e), _) | (_, Err(e)) => view! { <p class="form-error">{e.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <p class="form-error" role="alert">
            {move || match save.value().get() {
                Some(Err(e)) => Some(e.message()),
                _ => None,
            }}
        </p>
        <p class="form-status" role="status">
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| t("ticket.saved"))}
        </p>
    }
}

/// One department's form: its name, leader and members, saved together.
#[component]
fn DepartmentForm(
    department: Department,
    agents: Vec<AgentInfo>,
    save: ServerAction<SaveDepartment>,
) -> impl IntoView {
    let id = department.id;
    let key = if id == 0 {
        "new".to_string()
    } else {
        id.to_string()
    };
    let name = RwSignal::new(department.name.clone());
    let leader = RwSignal::new(department.leader);
    let members = RwSignal::new(department.members.clone());
    let title = if id == 0 {
        t("admin.add_department").to_string()
    } else {
        department.name.clone()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let joined = members
            .get()
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        save.dispatch(SaveDepartment {
            id,
            name: name.get(),
            leader: leader.get().map(|l| l.to_string()).unwrap_or_default(),
            members: joined,
        });
        if id == 0 {
            name.set(String::new());
            leader.set(None);
            members.set(Vec::new());
        }
    };
    view! {
        <form class="card form department" on:submit=submit aria-label=title novalidate>
            <div class="field">
                <label for=format!("dept-{key}-name")>{t("admin.department_name")}</label>
                <input id=format!("dept-{key}-name") type="text" required
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for=format!("dept-{key}-leader")>{t("admin.leader")}</label>
                <select id=format!("dept-{key}-leader")
                    on:change=move |ev| leader.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || leader.get().is_none()>{t("ticket.none")}</option>
                    {agents.iter().map(|a| {
                        let aid = a.id;
                        view! { <option value=aid.to_string() selected=move || leader.get() == Some(aid)>{a.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="members">
                <legend>{t("admin.members")}</legend>
                {agents.iter().map(|a| {
                    let aid = a.id;
                    let box_id = format!("dept-{key}-member-{aid}");
                    view! {
                        <div class="field checkbox">
                            <input id=box_id.clone() type="checkbox"
                                prop:checked=move || members.get().contains(&aid)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    members.update(|m| {
                                        m.retain(|x| *x != aid);
                                        if on {
                                            m.push(aid);
                                        }
                                    });
                                }/>
                            <label for=box_id>{a.name.clone()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="primary" disabled=move || save.pending().get()>
                {if id == 0 { t("admin.add_department") } else { t("admin.save") }}
            </button>
        </form>
    }
    .into_any()
}
