//! The help center (`/help`): categories and articles, server-rendered with real titles
//! and descriptions, readable without the wasm; a search box that answers as you type
//! (and as a plain form without the wasm); each article asks "Was this helpful?".

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::kb::{help_article, help_category, help_front, help_search, HelpVote, HELP_PAGE};
use crate::components::{brand, marked};
use crate::i18n::{current, t, tn};
use crate::pages::portal_account::PortalHeader;

#[component]
pub fn HelpHome() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let language = current().code().to_string();
    let front = Resource::new(|| (), move |_| help_front(language.clone()));
    let results = Resource::new(q, help_search);
    let on_input = crate::components::query_follows_input("/help", false);
    view! {
        <Title text=format!("{} · {}", t("help.title"), brand())/>
        <Meta name="description" content=t("help.description")/>
        <div class="portal help">
            <PortalHeader/>
            <main id="main" class="portal-main">
                <h1>{t("help.title")}</h1>
                <form method="get" action="/help" role="search" class="help-search">
                    <label for="help-q">{t("help.search")}</label>
                    <input id="help-q" name="q" type="search" value=q on:input=on_input autocomplete="off"/>
                    <noscript><button type="submit">{t("help.search_button")}</button></noscript>
                </form>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let hits = results.await.unwrap_or_default();
                        if q().trim().is_empty() {
                            ().into_any()
                        } else if hits.is_empty() {
                            view! { <p class="empty" role="status">{t("help.none")}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="help-results" aria-label=t("help.results")>
                                    {hits.into_iter().map(|a| view! {
                                        <li>
                                            <a href=format!("/help/{}", a.slug)>{marked(model::Snippet { text: a.title, highlights: a.title_marks })}</a>
                                            <p class="quiet">{marked(model::Snippet { text: a.excerpt, highlights: a.excerpt_marks })}</p>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    })}
                </Transition>
                <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                    {move || Suspend::new(async move {
                        let front = front.await.unwrap_or_default();
                        let cats = front.categories.clone();
                        let articles = front.articles.clone();
                        let totals = front.totals.clone();
                        let in_cat = move |id: Option<u64>| articles.iter().filter(|a| a.category == id).cloned().collect::<Vec<_>>();
                        // The first articles of a category, and a link to all when there are more.
                        let list = move |items: Vec<model::ArticleSummary>, id: Option<u64>| {
                            let total = totals.iter().find(|t| t.0 == id).map_or(0, |t| t.1);
                            let more = (total > items.len() as u64).then(|| view! {
                                <a class="help-all" href=format!("/help/category/{}", id.unwrap_or(0))>{tn("help.all_articles", total)}</a>
                            });
                            view! {
                                <ul class="help-articles">
                                    {items.into_iter().map(|a| view! {
                                        <li><a href=format!("/help/{}", a.slug) hreflang=a.language.clone()>{a.title}</a></li>
                                    }).collect_view()}
                                </ul>
                                {more}
                            }
                        };
                        let loose = in_cat(None);
                        view! {
                            <div class="help-categories">
                                {cats.iter().filter(|c| c.parent.is_none()).map(|c| {
                                    let subs: Vec<model::KbCategory> = cats.iter().filter(|s| s.parent == Some(c.id)).cloned().collect();
                                    view! {
                                        <section class="card">
                                            <h2>{c.name.clone()}</h2>
                                            {list(in_cat(Some(c.id)), Some(c.id))}
                                            {subs.into_iter().map(|s| view! {
                                                <h3>{s.name.clone()}</h3>
                                                {list(in_cat(Some(s.id)), Some(s.id))}
                                            }).collect_view()}
                                        </section>
                                    }
                                }).collect_view()}
                                {(!loose.is_empty()).then(|| view! {
                                    <section class="card"><h2>{t("help.more")}</h2>{list(loose, None)}</section>
                                })}
                            </div>
                            <p class="help-contact">{t("help.not_found")} " " <a href="/">{t("help.write_us")}</a></p>
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}

/// Every article of a category, a page at a time, by title.
#[component]
pub fn HelpCategory() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let list = Resource::new(move || (id(), page()), |(id, page)| help_category(id, page));
    view! {
        <div class="portal help">
            <PortalHeader/>
            <main id="main" class="portal-main">
                <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                    {move || Suspend::new(async move {
                        let (name, articles, total) = list.await?;
                        let name = if name.is_empty() { t("help.more").to_string() } else { name };
                        let (id, page) = (id(), page());
                        let pages = (total as usize).div_ceil(HELP_PAGE).max(1) as u32;
                        Ok::<_, crate::api::AppError>(view! {
                            <Title text=format!("{name} · {} · {}", t("help.title"), brand())/>
                            <Meta name="description" content=format!("{name}: {}", tn("help.all_articles", total))/>
                            <nav class="crumbs"><a href="/help">{t("help.title")}</a></nav>
                            <h1>{name}</h1>
                            <ul class="help-articles card">
                                {articles.into_iter().map(|a| view! {
                                    <li><a href=format!("/help/{}", a.slug) hreflang=a.language.clone()>{a.title}</a></li>
                                }).collect_view()}
                            </ul>
                            <nav class="pager">
                                {(page > 1).then(|| view! { <a rel="prev" href=format!("/help/category/{id}?page={}", page - 1)>{t("help.previous")}</a> })}
                                {(page < pages).then(|| view! { <a rel="next" href=format!("/help/category/{id}?page={}", page + 1)>{t("help.next")}</a> })}
                            </nav>
                        })
                    })}
                </Suspense>
            </main>
        </div>
    }
}

#[component]
pub fn HelpArticle() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    let voted_before = move || query.read().get("voted").is_some();
    let article = Resource::new(slug, help_article);
    let vote = ServerAction::<HelpVote>::new();
    view! {
        <div class="portal help">
            <PortalHeader/>
            <main id="main" class="portal-main">
                <Suspense fallback=|| view! { <div class="skeleton-page" aria-busy="true"></div> }>
                    {move || Suspend::new(async move {
                        match article.await {
                            Ok(a) => {
                                let description = crate::components::plain_excerpt(&a.body);
                                let id = a.id;
                                let slug = a.slug.clone();
                                view! {
                                    <Title text=format!("{} · {}", a.title, brand())/>
                                    <Meta name="description" content=description/>
                                    <p><a href="/help" class="quiet">{"← "}{t("help.title")}</a></p>
                                    <article class="help-article" lang=a.language.clone()>
                                        <h1>{a.title.clone()}</h1>
                                        <div class="body" inner_html=a.html.clone()></div>
                                    </article>
                                    <section class="card helpful" aria-labelledby="helpful-q">
                                        <h2 id="helpful-q">{t("help.helpful")}</h2>
                                        {move || if voted_before() || matches!(vote.value().get(), Some(Ok(()))) {
                                            view! { <p role="status">{t("help.thanks")}</p> }.into_any()
                                        } else {
                                            let (slug, slug_no) = (slug.clone(), slug.clone());
                                            view! {
                                                <div class="helpful-buttons">
                                                    <ActionForm action=vote>
                                                        <input type="hidden" name="id" value=id.to_string()/>
                                                        <input type="hidden" name="slug" value=slug/>
                                                        <input type="hidden" name="helpful" value="true"/>
                                                        <button type="submit">{t("help.yes")}</button>
                                                    </ActionForm>
                                                    <ActionForm action=vote>
                                                        <input type="hidden" name="id" value=id.to_string()/>
                                                        <input type="hidden" name="slug" value=slug_no/>
                                                        <input type="hidden" name="helpful" value="false"/>
                                                        <button type="submit">{t("help.no")}</button>
                                                    </ActionForm>
                                                </div>
                                            }.into_any()
                                        }}
                                    </section>
                                    <p class="help-contact">{t("help.not_found")} " " <a href="/">{t("help.write_us")}</a></p>
                                }.into_any()
                            }
                            Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}
