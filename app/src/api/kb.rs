//! The knowledge base: agents' editing, and the public help center.

use leptos::prelude::*;
use model::{Article, ArticleRevision, ArticleSummary, HelpCenter, KbCategory};

#[cfg(feature = "ssr")]
use super::ssr::{agent, call, redirect_plain_form};
use super::AppError;

/// Categories and every article, for agents.
#[server(endpoint = "kb/list")]
pub async fn kb_list() -> Result<(Vec<KbCategory>, Vec<ArticleSummary>), AppError> {
    let me = agent().await?;
    call(move |e| Ok((e.kb_categories()?, e.articles(me.id)?))).await
}

/// One article with its revisions, for the editor; id 0 is a new one.
#[server(endpoint = "kb/article")]
pub async fn kb_article(
    id: u64,
) -> Result<(Option<Article>, Vec<ArticleRevision>, Vec<KbCategory>), AppError> {
    let me = agent().await?;
    call(move |e| {
        let cats = e.kb_categories()?;
        if id == 0 {
            return Ok((None, Vec::new(), cats));
        }
        Ok((
            Some(e.article(me.id, id)?),
            e.article_revisions(me.id, id)?,
            cats,
        ))
    })
    .await
}

/// Saves an article (id 0: a new one); answers its id.
#[server(endpoint = "kb/save")]
#[allow(clippy::too_many_arguments)]
pub async fn kb_save(
    id: u64,
    title: String,
    #[server(default)] slug: String,
    #[server(default)] category: String,
    language: String,
    #[server(default)] public: Option<String>,
    #[server(default)] published: Option<String>,
    #[server(default)] tags: String,
    body: String,
) -> Result<u64, AppError> {
    let me = agent().await?;
    let input = model::ArticleInput {
        id,
        category: category.trim().parse().ok(),
        title,
        slug,
        body,
        language,
        public: public.is_some_and(|v| !v.is_empty()),
        published: published.is_some_and(|v| !v.is_empty()),
        tags: tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let saved = call(move |e| e.save_article(me.id, &input)).await?;
    redirect_plain_form(&format!("/agent/kb/{}", saved.id));
    Ok(saved.id)
}

/// Restores revision `number` of article `id` (saved as a new revision).
#[server(endpoint = "kb/restore")]
pub async fn kb_restore(id: u64, number: u32) -> Result<(), AppError> {
    let me = agent().await?;
    call(move |e| e.restore_article(me.id, id, number).map(|_| ())).await
}

/// Adds a category (under `parent`, when given).
#[server(endpoint = "kb/category")]
pub async fn kb_add_category(
    name: String,
    #[server(default)] parent: String,
) -> Result<(), AppError> {
    let me = agent().await?;
    let category = KbCategory {
        id: 0,
        name,
        parent: parent.trim().parse().ok(),
        position: 0,
    };
    call(move |e| e.save_kb_category(me.id, &category).map(|_| ())).await
}

/// The help center's front page.
#[server(endpoint = "help/front")]
pub async fn help_front(language: String) -> Result<HelpCenter, AppError> {
    // Only a language the desk speaks: anything else would make (and keep) a front of
    // its own.
    let language = model::is_language(&language).then_some(language);
    call(move |e| e.help_center(language.as_deref()).map(|f| (*f).clone())).await
}

/// A page of a help-center category's articles (`id` 0: those in no category): the
/// category's name (empty for none), the articles, and how many there are.
#[server(endpoint = "help/category")]
pub async fn help_category(
    id: u64,
    page: u32,
) -> Result<(String, Vec<ArticleSummary>, u64), AppError> {
    let offset = page.saturating_sub(1) as usize * HELP_PAGE;
    call(move |e| {
        let category = (id != 0).then_some(id);
        let name = match category {
            Some(id) => e
                .kb_categories()?
                .into_iter()
                .find(|c| c.id == id)
                .map(|c| c.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let (articles, total) = e.help_category(category, offset, HELP_PAGE)?;
        Ok((name, articles, total))
    })
    .await
}

/// Articles on a page of a help-center category.
pub const HELP_PAGE: usize = 50;

/// A public article by its slug.
#[server(endpoint = "help/article")]
pub async fn help_article(slug: String) -> Result<Article, AppError> {
    call(move |e| e.public_article(&slug)).await
}

/// Public articles matching `query` (as the customer types).
#[server(endpoint = "help/search")]
pub async fn help_search(query: String) -> Result<Vec<ArticleSummary>, AppError> {
    if query.trim().is_empty() || query.len() > 200 {
        return Ok(Vec::new());
    }
    call(move |e| e.search_articles(&query, true, 10)).await
}

/// "Was this helpful?" on a public article.
#[server(endpoint = "help/vote")]
pub async fn help_vote(id: u64, slug: String, helpful: bool) -> Result<(), AppError> {
    call(move |e| e.vote_article(id, helpful)).await?;
    redirect_plain_form(&format!("/help/{slug}?voted=1"));
    Ok(())
}

/// Public articles that may answer what a customer is writing.
#[server(endpoint = "help/suggest")]
pub async fn help_suggest(text: String) -> Result<Vec<ArticleSummary>, AppError> {
    if text.trim().chars().count() < 3 {
        return Ok(Vec::new());
    }
    let text: String = text.chars().take(2000).collect();
    call(move |e| e.suggest_for_customer(&text, 5)).await
}

/// The customer opened these suggested articles and left without writing (`ids`
/// separated by commas).
#[server(endpoint = "help/deflect")]
pub async fn help_deflect(ids: String) -> Result<(), AppError> {
    let ids: Vec<u64> = ids
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    call(move |e| e.record_deflection(&ids)).await
}
