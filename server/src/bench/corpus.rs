//! Benchmark tickets and articles: generated in English, Greek, Croatian, Bulgarian and
//! Slovenian (several paragraphs each, deterministic), or tickets read from a
//! JSON-lines file.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use model::NewTicket;
use serde::Deserialize;

const EN: &[&str] = &[
    "order",
    "refund",
    "invoice",
    "password",
    "login",
    "account",
    "delivery",
    "parcel",
    "broken",
    "payment",
    "subscription",
    "cancel",
    "upgrade",
    "printer",
    "error",
    "screen",
    "email",
    "address",
    "shipping",
    "warranty",
    "replacement",
    "billing",
    "card",
    "charged",
    "twice",
    "please",
    "help",
    "urgent",
    "since",
    "yesterday",
    "cannot",
    "working",
    "update",
    "app",
];
const EL: &[&str] = &[
    "παραγγελία",
    "επιστροφή",
    "τιμολόγιο",
    "κωδικός",
    "πρόσβασης",
    "λογαριασμός",
    "αποστολή",
    "δέμα",
    "χαλασμένο",
    "πληρωμή",
    "συνδρομή",
    "ακύρωση",
    "εκτυπωτής",
    "σφάλμα",
    "οθόνη",
    "διεύθυνση",
    "εγγύηση",
    "αντικατάσταση",
    "χρέωση",
    "κάρτα",
    "παρακαλώ",
    "βοήθεια",
    "επείγον",
    "χθες",
    "δεν",
    "λειτουργεί",
    "ενημέρωση",
    "εφαρμογή",
];
const HR: &[&str] = &[
    "narudžba",
    "povrat",
    "račun",
    "lozinka",
    "prijava",
    "korisnički",
    "dostava",
    "paket",
    "pokvaren",
    "plaćanje",
    "pretplata",
    "otkazivanje",
    "pisač",
    "greška",
    "zaslon",
    "adresa",
    "jamstvo",
    "zamjena",
    "naplata",
    "kartica",
    "molim",
    "pomoć",
    "hitno",
    "jučer",
    "ne",
    "radi",
    "ažuriranje",
    "aplikacija",
    "Đakovo",
    "šećer",
    "čekam",
    "ćelija",
    "žurno",
];
const BG: &[&str] = &[
    "поръчка",
    "възстановяване",
    "фактура",
    "парола",
    "вход",
    "акаунт",
    "доставка",
    "пратка",
    "счупен",
    "плащане",
    "абонамент",
    "отказ",
    "принтер",
    "грешка",
    "екран",
    "адрес",
    "гаранция",
    "замяна",
    "таксуване",
    "карта",
    "моля",
    "помощ",
    "спешно",
    "вчера",
    "не",
    "работи",
    "актуализация",
    "приложение",
];
const SL: &[&str] = &[
    "naročilo",
    "vračilo",
    "račun",
    "geslo",
    "prijava",
    "uporabniški",
    "dostava",
    "paket",
    "pokvarjen",
    "plačilo",
    "naročnina",
    "preklic",
    "tiskalnik",
    "napaka",
    "zaslon",
    "naslov",
    "garancija",
    "zamenjava",
    "bremenitev",
    "kartica",
    "prosim",
    "pomoč",
    "nujno",
    "včeraj",
    "ne",
    "deluje",
    "posodobitev",
    "aplikacija",
    "čakam",
    "žal",
];
const NAMES: &[&str] = &[
    "Ana Kovač",
    "Γιώργος Παπαδόπουλος",
    "Ivan Horvat",
    "Мария Иванова",
    "John Smith",
    "Ελένη Νικολάου",
    "Marija Jurić",
    "Петър Петров",
    "Emma Brown",
    "Luka Babić",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

fn sentence(rng: &mut Rng, words: &[&str]) -> String {
    let n = rng.between(6, 14);
    let mut s: Vec<String> = (0..n).map(|_| rng.pick(words).to_string()).collect();
    if let Some(first) = s.first_mut() {
        let mut c = first.chars();
        if let Some(f) = c.next() {
            *first = f.to_uppercase().chain(c).collect();
        }
    }
    format!("{}.", s.join(" "))
}

/// `n` tickets, a fifth in each language, 2–4 paragraphs each.
pub fn generate(n: usize) -> Vec<NewTicket> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| {
            let words = [EN, EL, HR, BG, SL][i % 5];
            let subject: Vec<&str> = (0..rng.between(3, 6)).map(|_| rng.pick(words)).collect();
            let paragraphs: Vec<String> = (0..rng.between(2, 4))
                .map(|_| {
                    (0..rng.between(2, 4))
                        .map(|_| sentence(&mut rng, words))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            NewTicket {
                name: rng.pick(NAMES).to_string(),
                email: format!("customer{}@example.com", rng.next() % 5000),
                subject: subject.join(" "),
                body: paragraphs.join("\n\n"),
                department: None,
            }
        })
        .collect()
}

/// `n` published public articles, a fifth in each language: a title of 4–8 words and
/// 2–4 paragraphs.
pub fn articles(n: usize) -> Vec<model::ArticleInput> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    (0..n)
        .map(|i| {
            let (words, language) =
                [(EN, "en"), (EL, "el"), (HR, "hr"), (BG, "bg"), (SL, "sl")][i % 5];
            let title: Vec<&str> = (0..rng.between(4, 8)).map(|_| rng.pick(words)).collect();
            let body: Vec<String> = (0..rng.between(2, 4))
                .map(|_| sentence(&mut rng, words))
                .collect();
            model::ArticleInput {
                id: 0,
                category: None,
                title: title.join(" "),
                slug: format!("article-{i}"),
                body: body.join("\n\n"),
                language: language.to_string(),
                public: true,
                published: true,
                tags: Vec::new(),
            }
        })
        .collect()
}

/// What customers write while suggestions are looked up: a subject and the start of
/// a message, in each language.
pub fn suggestion_texts() -> Vec<String> {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    (0..50)
        .map(|i| {
            let words = [EN, EL, HR, BG, SL][i % 5];
            format!(
                "{}\n{}",
                sentence(&mut rng, words),
                sentence(&mut rng, words)
            )
        })
        .collect()
}

/// Queries for generated data: single words, pairs, accentless forms and prefixes.
pub fn default_queries() -> Vec<String> {
    [
        "refund",
        "password reset",
        "invoice twice",
        "printer error",
        "parc",
        "κωδικος",
        "παραγγελια",
        "επιστροφη χρημα",
        "lozinka",
        "dostava paket",
        "dakovo",
        "secer",
        "парола",
        "доставка пратка",
        "фактура",
        "kovac",
        "subscription cancel",
        "zamjena",
        "refunds",
        "κωδικό",
        "lozinke",
        "паролата",
        "geslo",
        "placila",
        "tiskal",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[derive(Deserialize)]
struct Line {
    subject: String,
    body: String,
    #[allow(dead_code)]
    lang: Option<String>,
    name: Option<String>,
    email: Option<String>,
}

/// Tickets from a JSON-lines file: `{"subject", "body", "lang"}` plus optional
/// `name`/`email`. Over-long fields are cut to the desk's limits.
pub fn from_file(path: &Path) -> anyhow::Result<Vec<NewTicket>> {
    let file = std::fs::File::open(path).with_context(|| format!("open {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let l: Line =
            serde_json::from_str(&line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        let subject: String = l
            .subject
            .chars()
            .take(model::limits::SUBJECT_MAX_CHARS)
            .collect();
        let mut body = l.body;
        while body.len() > model::limits::MESSAGE_MAX_BYTES {
            body.pop();
        }
        out.push(NewTicket {
            name: l.name.unwrap_or_else(|| "Customer".into()),
            email: l
                .email
                .unwrap_or_else(|| format!("customer{i}@example.com")),
            subject: if subject.trim().is_empty() {
                "(no subject)".into()
            } else {
                subject
            },
            body: if body.trim().is_empty() {
                "(empty)".into()
            } else {
                body
            },
            department: None,
        });
    }
    Ok(out)
}
