//! Search in the desk's five languages: a small multilingual corpus of tickets and
//! articles, found by other inflected forms of their words (stemming), without accents
//! or háčeks (folding), in any case, with every matching form highlighted; the help
//! center's highlights too, and never an internal article for a customer.

mod common;

use common::{desk, new_ticket};
use model::{ArticleInput, Channel, Snippet};

/// (subject, message) in English, Greek, Croatian, Slovenian and Bulgarian.
const CORPUS: [(&str, &str); 5] = [
    (
        "Refunds for invoices charged twice",
        "I was charged twice and requested a refund for both invoices last week.",
    ),
    (
        "Πρόβλημα με τον κωδικό πρόσβασης",
        "Δεν μπορώ να συνδεθώ στον λογαριασμό μου, ο κωδικός δεν λειτουργεί.",
    ),
    (
        "Lozinkom se ne mogu prijaviti",
        "Pokušao sam s novom lozinkom, ali prijava i dalje ne radi. Molim pomoć s računom.",
    ),
    (
        "Težave s plačilom računa",
        "Plačila ni mogoče izvesti, ker se račun ne odpre. Prosim za pomoč pri plačilu.",
    ),
    (
        "Доставката на пратката закъснява",
        "Поръчах преди седмица, но доставката още не е пристигнала. Къде са пратките?",
    ),
];

/// The marked words of a snippet.
fn marked(s: &Snippet) -> Vec<String> {
    s.pieces()
        .into_iter()
        .filter(|p| p.1)
        .map(|p| p.0)
        .collect()
}

#[test]
fn tickets_are_found_by_other_forms_of_their_words_in_each_language() {
    let d = desk();
    let e = &d.engine;
    let admin = common::agent(&d, "Admin", true);
    let numbers: Vec<u64> = CORPUS
        .iter()
        .enumerate()
        .map(|(i, (subject, body))| {
            e.create_ticket(
                &new_ticket("Customer", &format!("c{i}@example.com"), subject, body),
                Channel::Email,
            )
            .expect("ticket")
            .number
        })
        .collect();
    d.indexed();
    let find = |q: &str| -> Vec<model::SearchHit> { e.search(admin, q, 20).expect("search") };
    let first = |q: &str| find(q).first().map(|h| h.number);
    // (query, which ticket): none of these forms is written in the ticket as typed.
    let cases = [
        ("refunding", 0),
        ("invoice", 0),
        ("charges", 0),
        ("κωδικοσ", 1),
        ("ΚΩΔΙΚΟΥ", 1),
        ("λογαριασμος", 1),
        ("lozinka", 2),
        ("lozinke", 2),
        ("racun", 2),
        ("placilo", 3),
        ("tezava", 3),
        ("доставка", 4),
        ("пратка", 4),
        ("ДОСТАВКИ", 4),
    ];
    for (q, i) in cases {
        let found: Vec<u64> = find(q).into_iter().map(|h| h.number).collect();
        assert!(
            found.contains(&numbers[i]),
            "{q:?} should find ticket {i}: {found:?}"
        );
    }
    // Unrelated words find nothing; a word alone does not find every ticket.
    assert!(find("volcano").is_empty());
    assert_eq!(first("παραγγελια"), None);

    // Highlights mark each form that matched: κωδικό (as written) for κωδικός, the
    // stemmed and the exact form alike.
    let hits = find("κωδικός");
    let hit = hits.iter().find(|h| h.number == numbers[1]).expect("greek");
    assert_eq!(marked(&hit.subject), ["κωδικό"], "{:?}", hit.subject);
    assert_eq!(marked(&hit.body), ["κωδικός"], "{:?}", hit.body);
    let hits = find("lozinka");
    let hit = hits
        .iter()
        .find(|h| h.number == numbers[2])
        .expect("croatian");
    assert_eq!(marked(&hit.subject), ["Lozinkom"]);
    assert_eq!(marked(&hit.body), ["lozinkom"]);
    let hits = find("доставки");
    let hit = hits
        .iter()
        .find(|h| h.number == numbers[4])
        .expect("bulgarian");
    assert_eq!(marked(&hit.subject), ["Доставката"]);
    let hits = find("refund invoice");
    let hit = hits
        .iter()
        .find(|h| h.number == numbers[0])
        .expect("english");
    assert_eq!(marked(&hit.subject), ["Refunds", "invoices"]);
}

fn article(title: &str, body: &str, language: &str, public: bool) -> ArticleInput {
    ArticleInput {
        id: 0,
        category: None,
        title: title.into(),
        slug: String::new(),
        body: body.into(),
        language: language.into(),
        public,
        published: true,
        tags: Vec::new(),
    }
}

#[test]
fn the_help_center_stems_highlights_and_keeps_internal_articles_in() {
    let d = desk();
    let e = &d.engine;
    let agent = common::agent(&d, "Mara", false);
    let el = e
        .save_article(
            agent,
            &article(
                "Αλλαγή κωδικού πρόσβασης",
                "Αν ξεχάσατε τον κωδικό σας, ανοίξτε τις **ρυθμίσεις** λογαριασμού.",
                "el",
                true,
            ),
        )
        .expect("el");
    let sl = e
        .save_article(
            agent,
            &article(
                "Plačilo računa s kartico",
                "Račune lahko plačate s kartico ali z nakazilom.",
                "sl",
                true,
            ),
        )
        .expect("sl");
    let internal = e
        .save_article(
            agent,
            &article(
                "Κωδικοί διαχειριστή",
                "Οι κωδικοί των διαχειριστών αλλάζουν κάθε μήνα.",
                "el",
                false,
            ),
        )
        .expect("internal");
    // An article whose language is not given is stemmed in the one detected.
    let hr = e
        .save_article(
            agent,
            &article(
                "Kako promijeniti lozinku",
                "Lozinke se mijenjaju u postavkama profila. Nova lozinka vrijedi odmah.",
                "",
                true,
            ),
        )
        .expect("hr");
    let public = |q: &str| e.search_articles(q, true, 10).expect("search");
    let ids = |found: &[model::ArticleSummary]| found.iter().map(|a| a.id).collect::<Vec<_>>();

    let found = public("κωδικος");
    assert_eq!(ids(&found), [el.id], "the internal article stays in");
    let a = &found[0];
    assert_eq!(&a.title[a.title_marks[0].0..a.title_marks[0].1], "κωδικού");
    let in_excerpt: Vec<&str> = a
        .excerpt_marks
        .iter()
        .map(|&(s, e)| &a.excerpt[s..e])
        .collect();
    assert_eq!(in_excerpt, ["κωδικό"]);
    // Agents find the internal one too.
    let agents = ids(&e.search_articles("κωδικος", false, 10).expect("agents"));
    assert!(agents.contains(&internal.id) && agents.contains(&el.id));

    assert_eq!(ids(&public("racuni")), [sl.id]);
    assert_eq!(ids(&public("placila")), [sl.id]);
    assert_eq!(ids(&public("lozinkama")), [hr.id]);
    assert!(public("nothing like it").is_empty());
}
