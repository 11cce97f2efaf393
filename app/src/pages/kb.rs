//! The knowledge base for agents: the list of articles by category, and the editor
//! (Markdown with its tools and preview, language, slug, tags, public or internal, draft
//! or published) with the revisions to restore.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::field_error;
use crate::api::kb::{kb_article, kb_list, KbAddCategory, KbRestore, KbSave};
use crate::components::{brand, number_param, AgentFrame, Ago};
use crate::i18n::{t, t_dyn};

#[component]
pub fn KbList() -> impl IntoView {
    view! { <AgentFrame><KbListPane/></AgentFrame> }
}

#[component]
fn KbListPane() -> impl IntoView {
    let add = ServerAction::<KbAddCategory>::new();
    let data = Resource::new(move || add.version().get(), |_| kb_list());
    view! {
        <Title text=format!("{} · {}", t("kb.title"), brand())/>
        <div class="list-head">
            <h1>{t("kb.title")}</h1>
            <a class="button primary" href="/agent/kb/0">{t("kb.new_article")}</a>
        </div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let (cats, articles) = data.await.unwrap_or_default();
                let name_of = {
                    let cats = cats.clone();
                    move |id: Option<u64>| id.and_then(|id| cats.iter().find(|c| c.id == id)).map_or("—".to_string(), |c| c.name.clone())
                };
                view! {
                    {if articles.is_empty() {
                        view! { <p class="empty">{t("kb.none")}</p> }.into_any()
                    } else {
                        view! {
                            <table class="tickets kb-list">
                                <thead><tr>
                                    <th scope="col">{t("kb.col_title")}</th>
                                    <th scope="col">{t("kb.category")}</th>
                                    <th scope="col">{t("kb.language")}</th>
                                    <th scope="col">{t("kb.col_state")}</th>
                                    <th scope="col">{t("kb.col_updated")}</th>
                                </tr></thead>
                                <tbody>
                                    {articles.into_iter().map(|a| view! {
                                        <tr>
                                            <td><a href=format!("/agent/kb/{}", a.id)>{a.title}</a></td>
                                            <td>{name_of(a.category)}</td>
                                            <td>{a.language}</td>
                                            <td>
                                                {if a.published { t("kb.published") } else { t("kb.draft") }}
                                                " · "
                                                {if a.public { t("kb.public") } else { t("kb.internal") }}
                                            </td>
                                            <td><Ago at=a.updated_at/></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    <section class="card" aria-labelledby="kb-cats">
                        <h2 id="kb-cats">{t("kb.categories")}</h2>
                        <ul class="kb-cats">
                            {cats.iter().filter(|c| c.parent.is_none()).map(|c| {
                                let subs: Vec<String> = cats.iter().filter(|s| s.parent == Some(c.id)).map(|s| s.name.clone()).collect();
                                view! {
                                    <li>{c.name.clone()} {(!subs.is_empty()).then(|| view! { <span class="quiet">" › " {subs.join(", ")}</span> })}</li>
                                }
                            }).collect_view()}
                        </ul>
                        <ActionForm action=add attr:class="form label-row" attr:novalidate=true>
                            <label for="kb-cat-name">{t("kb.new_category")}</label>
                            <input id="kb-cat-name" name="name" type="text" required=true maxlength="80"/>
                            <label for="kb-cat-parent" class="visually-hidden">{t("kb.parent")}</label>
                            <select id="kb-cat-parent" name="parent">
                                <option value="">{t("kb.top_level")}</option>
                                {cats.iter().filter(|c| c.parent.is_none()).map(|c| view! {
                                    <option value=c.id.to_string()>{format!("{} › …", c.name)}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit">{t("desk.add")}</button>
                        </ActionForm>
                    </section>
                }
            })}
        </Transition>
    }
}

#[component]
pub fn KbEdit() -> impl IntoView {
    view! { <AgentFrame><KbEditPane/></AgentFrame> }
}

#[component]
fn KbEditPane() -> impl IntoView {
    let id = number_param();
    let save = ServerAction::<KbSave>::new();
    let restore = ServerAction::<KbRestore>::new();
    let data = Resource::new(
        move || (id(), save.version().get(), restore.version().get()),
        |(id, _, _)| kb_article(id.unwrap_or(0)),
    );
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if id() != Some(saved) {
                navigate(&format!("/agent/kb/{saved}"), Default::default());
            }
        }
    });
    let draft = RwSignal::new(String::new());
    let err = move |name: &'static str| field_error(save.value(), name);
    view! {
        <Title text=format!("{} · {}", t("kb.title"), brand())/>
        <Transition fallback=|| view! { <div class="skeleton-page" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let (article, revisions, cats) = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! { <p class="form-error">{e.message()}</p> }.into_any(),
                };
                let a = article.clone();
                let body = a.as_ref().map(|a| a.body.clone()).unwrap_or_default();
                draft.set(body.clone());
                // A new article's language is detected from its text unless chosen.
                let language = a.as_ref().map_or_else(String::new, |a| a.language.clone());
                let category = a.as_ref().and_then(|a| a.category);
                let article_id = a.as_ref().map_or(0, |a| a.id);
                view! {
                    <div class="list-head">
                        <h1>{a.as_ref().map_or_else(|| t("kb.new_article").to_string(), |a| a.title.clone())}</h1>
                        {a.as_ref().filter(|a| a.public && a.published).map(|a| view! {
                            <a href=format!("/help/{}", a.slug) rel="external">{t("kb.view_public")}</a>
                        })}
                    </div>
                    {a.as_ref().map(|a| view! {
                        <p class="meta quiet">
                            {crate::i18n::tn("kb.views", a.views)} " · "
                            {format!("👍 {} · 👎 {}", a.helpful_yes, a.helpful_no)} " · "
                            {crate::i18n::tn("kb.deflections", a.deflections)} " · "
                            {t("kb.saved_by")} " " {a.updated_by.clone()} " " <Ago at=a.updated_at/>
                        </p>
                    })}
                    <ActionForm action=save attr:class="card form kb-editor" attr:novalidate=true>
                        <input type="hidden" name="id" value=article_id.to_string()/>
                        <div class="field">
                            <label for="kb-title">{t("kb.col_title")}</label>
                            <input id="kb-title" name="title" type="text" required=true maxlength="200"
                                value=a.as_ref().map(|a| a.title.clone()).unwrap_or_default()
                                aria-invalid=move || err("title").get().is_some().then_some("true")/>
                            <p class="field-error" role="alert">{move || err("title").get().map(|k| t_dyn(&k))}</p>
                        </div>
                        <div class="kb-row">
                            <div class="field">
                                <label for="kb-category">{t("kb.category")}</label>
                                <select id="kb-category" name="category">
                                    <option value="">"—"</option>
                                    {cats.iter().map(|c| view! {
                                        <option value=c.id.to_string() selected=category == Some(c.id)>
                                            {if c.parent.is_some() { format!("  › {}", c.name) } else { c.name.clone() }}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="kb-language">{t("kb.language")}</label>
                                <select id="kb-language" name="language">
                                    <option value="" selected=language.is_empty()>{t("kb.language_detect")}</option>
                                    {model::LANGUAGES.iter().map(|(code, name)| view! {
                                        <option value=*code lang=*code selected=language == *code>{*name}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="kb-slug">{t("kb.slug")}</label>
                                <input id="kb-slug" name="slug" type="text" maxlength="80" spellcheck="false"
                                    value=a.as_ref().map(|a| a.slug.clone()).unwrap_or_default()/>
                                <p class="field-error" role="alert">{move || err("slug").get().map(|k| t_dyn(&k))}</p>
                            </div>
                        </div>
                        <div class="field">
                            <label for="kb-tags">{t("ticket.tags")}</label>
                            <input id="kb-tags" name="tags" type="text" value=a.as_ref().map(|a| a.tags.join(", ")).unwrap_or_default()/>
                        </div>
                        <crate::pages::markdown_bar::MarkdownBar draft=draft/>
                        <div class="field">
                            <label for="field-body">{t("kb.body")}</label>
                            <textarea id="field-body" name="body" rows="16"
                                prop:value=move || draft.get()
                                on:input=move |ev| draft.set(event_target_value(&ev))>{body.clone()}</textarea>
                            <p class="field-error" role="alert">{move || err("body").get().map(|k| t_dyn(&k))}</p>
                        </div>
                        <div class="kb-row">
                            <label class="check">
                                <input type="checkbox" name="public" value="1" checked=a.as_ref().is_some_and(|a| a.public)/>
                                {t("kb.public_hint")}
                            </label>
                            <label class="check">
                                <input type="checkbox" name="published" value="1" checked=a.as_ref().is_some_and(|a| a.published)/>
                                {t("kb.published")}
                            </label>
                        </div>
                        <p class="form-status" role="status">
                            {move || matches!(save.value().get(), Some(Ok(_))).then(|| t("settings.saved"))}
                        </p>
                        <button type="submit" class="primary" disabled=move || save.pending().get()>{t("settings.save")}</button>
                    </ActionForm>
                    {(!revisions.is_empty()).then(|| {
                        let latest = revisions.first().map_or(0, |r| r.number);
                        view! {
                            <section class="card" aria-labelledby="kb-revisions">
                                <h2 id="kb-revisions">{t("kb.revisions")}</h2>
                                <ol class="kb-revisions" reversed=true>
                                    {revisions.into_iter().map(|r| {
                                        let number = r.number;
                                        view! {
                                            <li>
                                                <strong>{format!("#{number}")}</strong> " " {r.title} " · " {r.by} " " <Ago at=r.at/>
                                                {(number != latest).then(|| view! {
                                                    " " <button type="button" class="link"
                                                        on:click=move |_| { restore.dispatch(KbRestore { id: article_id, number }); }
                                                    >{t("kb.restore")}</button>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            </section>
                        }
                    })}
                }.into_any()
            })}
        </Transition>
    }
}
