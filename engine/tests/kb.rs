//! The knowledge base: articles with revisions and restore, public and internal,
//! drafts, votes and views; the help center's search folds accents, matches prefixes
//! and forgives a typo, and never shows internal articles or drafts to customers.

mod common;

use common::desk;
use model::{ArticleInput, KbCategory};

fn input(title: &str, body: &str, public: bool, published: bool) -> ArticleInput {
    ArticleInput {
        id: 0,
        category: None,
        title: title.into(),
        slug: String::new(),
        body: body.into(),
        language: "en".into(),
        public,
        published,
        tags: Vec::new(),
    }
}

#[test]
fn articles_keep_revisions_and_restore_them() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", false);
    let top = e
        .save_kb_category(
            agent,
            &KbCategory {
                name: "Accounts".into(),
                ..Default::default()
            },
        )
        .expect("category");
    let sub = e
        .save_kb_category(
            agent,
            &KbCategory {
                name: "Passwords".into(),
                parent: Some(top.id),
                ..Default::default()
            },
        )
        .expect("sub");
    // One level only.
    assert!(e
        .save_kb_category(
            agent,
            &KbCategory {
                name: "Deeper".into(),
                parent: Some(sub.id),
                ..Default::default()
            },
        )
        .is_err());
    let mut first = input("Reset your password", "Open **Settings**.", true, true);
    first.category = Some(sub.id);
    let a = e.save_article(agent, &first).expect("saved");
    assert_eq!(a.slug, "reset-your-password");
    assert!(a.html.contains("<strong>Settings</strong>"));
    let changed = ArticleInput {
        id: a.id,
        body: "Open **Account** instead.".into(),
        ..first.clone()
    };
    let a2 = e.save_article(agent, &changed).expect("changed");
    assert_eq!(a2.revisions, 2);
    let revs = e.article_revisions(agent, a.id).expect("revisions");
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0].number, 2);
    assert_eq!(revs[1].by, "Mara");
    let restored = e.restore_article(agent, a.id, 1).expect("restore");
    assert_eq!(restored.body, "Open **Settings**.");
    assert_eq!(restored.revisions, 3);
    // A second article cannot take the slug.
    let clash = e
        .save_article(agent, &input("Reset your password", "Again", true, true))
        .expect_err("slug taken");
    assert_eq!(clash.fields()[0].key, "error.kb_slug_taken");
}

#[test]
fn customers_see_public_published_articles_only() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", false);
    let public = e
        .save_article(
            agent,
            &input("Printer setup", "Plug the printer in.", true, true),
        )
        .expect("public");
    let internal = e
        .save_article(
            agent,
            &input(
                "Printer escalation",
                "Call the vendor, printer code 7.",
                false,
                true,
            ),
        )
        .expect("internal");
    let draft = e
        .save_article(
            agent,
            &input("Printer draft", "Not yet, printer.", true, false),
        )
        .expect("draft");
    let front = e.help_center(Some("en")).expect("help");
    let ids: Vec<u64> = front.articles.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![public.id]);
    assert!(e.public_article(&public.slug).is_ok());
    assert!(e.public_article(&internal.slug).is_err());
    assert!(e.public_article(&draft.slug).is_err());
    let found: Vec<u64> = e
        .search_articles("printer", true, 10)
        .expect("search")
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(found, vec![public.id]);
    let for_agents = e.search_articles("printer", false, 10).expect("search");
    assert_eq!(for_agents.len(), 2, "published ones, internal included");
    assert!(e.vote_article(internal.id, true).is_err());
    e.vote_article(public.id, true).expect("vote");
    e.vote_article(public.id, false).expect("vote");
    e.public_article(&public.slug).expect("view");
    e.flush_article_views().expect("flush");
    let a = e.article(agent, public.id).expect("article");
    assert_eq!((a.helpful_yes, a.helpful_no), (1, 1));
    assert_eq!(a.views, 2);
}

#[test]
fn help_center_search_folds_prefixes_and_typos() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", false);
    let mut hr = input(
        "Čišćenje pisača",
        "Kako očistiti pisač korak po korak.",
        true,
        true,
    );
    hr.language = "hr".into();
    let hr = e.save_article(agent, &hr).expect("hr");
    let mut el = input(
        "Αλλαγή κωδικού πρόσβασης",
        "Ανοίξτε τις ρυθμίσεις λογαριασμού.",
        true,
        true,
    );
    el.language = "el".into();
    let el = e.save_article(agent, &el).expect("el");
    let mut bg = input(
        "Смяна на парола",
        "Отворете настройките на профила.",
        true,
        true,
    );
    bg.language = "bg".into();
    let bg = e.save_article(agent, &bg).expect("bg");
    let first = |q: &str| {
        e.search_articles(q, true, 5)
            .expect("search")
            .first()
            .map(|a| a.id)
    };
    assert_eq!(first("ciscenje"), Some(hr.id), "no háčeks");
    assert_eq!(first("pisa"), Some(hr.id), "a prefix as you type");
    assert_eq!(first("κωδικου"), Some(el.id), "no accents");
    assert_eq!(first("ρυθμισεις"), Some(el.id));
    assert_eq!(first("ПАРОЛА"), Some(bg.id), "Cyrillic, any case");
    assert_eq!(first("ciscenej"), Some(hr.id), "one typo in a long word");
    assert_eq!(first("zzzz"), None);
}

#[test]
fn suggestions_match_any_word_and_deflections_count_public_articles_only() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", false);
    let printer = e
        .save_article(
            agent,
            &input(
                "Printer jams",
                "Open the tray and remove the paper.",
                true,
                true,
            ),
        )
        .expect("public");
    let internal = e
        .save_article(
            agent,
            &input(
                "Printer vendor",
                "Call the vendor about the printer.",
                false,
                true,
            ),
        )
        .expect("internal");
    let found = e
        .suggest_for_customer("My printer at the office stopped working yesterday", 5)
        .expect("suggest");
    assert_eq!(
        found.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![printer.id]
    );
    assert!(e
        .suggest_for_customer("xyz qqq", 5)
        .expect("none")
        .is_empty());
    e.record_deflection(&[printer.id, printer.id, internal.id, 999])
        .expect("deflect");
    assert_eq!(e.article(agent, printer.id).expect("a").deflections, 1);
    assert_eq!(e.article(agent, internal.id).expect("a").deflections, 0);
}

#[test]
fn the_front_lists_a_few_per_category_and_the_category_page_all() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", false);
    let cat = e
        .save_kb_category(
            agent,
            &KbCategory {
                id: 0,
                name: "Billing".into(),
                parent: None,
                position: 0,
            },
        )
        .expect("category");
    let many: Vec<ArticleInput> = (0..25)
        .map(|i| ArticleInput {
            category: Some(cat.id),
            slug: format!("billing-{i:02}"),
            ..input(
                &format!("Billing question {i:02}"),
                "How invoices work.",
                true,
                true,
            )
        })
        .collect();
    assert_eq!(e.import_articles(agent, &many).expect("import"), 25);
    let front = e.help_center(Some("en")).expect("front");
    let shown = front
        .articles
        .iter()
        .filter(|a| a.category == Some(cat.id))
        .count();
    assert_eq!(shown, engine::kb::FRONT_PER_CATEGORY);
    assert_eq!(front.totals, vec![(Some(cat.id), 25)]);
    let (page, total) = e.help_category(Some(cat.id), 20, 50).expect("page");
    assert_eq!(total, 25);
    let titles: Vec<&str> = page.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles[0], "Billing question 20");
    assert_eq!(titles.len(), 5);
    // A new article shows at once: the front is made again.
    let mut one = input("Another billing note", "Text.", true, true);
    one.category = Some(cat.id);
    e.save_article(agent, &one).expect("save");
    let front = e.help_center(Some("en")).expect("front");
    assert_eq!(front.totals, vec![(Some(cat.id), 26)]);
    assert!(e.help_category(Some(999), 0, 10).is_err());
}
