//! Every user-visible string goes through [`t`] (or [`tn`] for counts): keys live in
//! `app/locales/*.json`, compiled into tables by `build.rs`. Plural categories, numbers
//! and dates come from CLDR data through ICU4X, never from rules written here.
//!
//! The server holds every language's table. The wasm holds none: each page carries its
//! own language's texts (a JSON script the server writes, see [`page_table`]), which the
//! browser reads once. A page is in one language; changing it reloads the page.

#[cfg(feature = "ssr")]
use std::cell::RefCell;

#[cfg(feature = "ssr")]
use chrono::Datelike;
use chrono::{DateTime, Timelike, Utc};
#[cfg(feature = "ssr")]
use icu_datetime::fieldsets::{YMD, YMDT};
#[cfg(feature = "ssr")]
use icu_datetime::input::{Date, Time};
#[cfg(feature = "ssr")]
use icu_datetime::options::{TimePrecision, YearStyle};
#[cfg(feature = "ssr")]
use icu_datetime::FixedCalendarDateTimeFormatter;
#[cfg(feature = "ssr")]
use icu_decimal::input::Decimal;
#[cfg(feature = "ssr")]
use icu_decimal::DecimalFormatter;
#[cfg(feature = "ssr")]
use icu_plurals::{PluralCategory, PluralRules};
use leptos::prelude::*;

/// A translation: a text, or texts by CLDR plural category.
#[derive(Clone, Copy, Debug)]
enum Text {
    Plain(&'static str),
    Plural(&'static [(&'static str, &'static str)]),
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/locales.rs"));
#[cfg(not(feature = "ssr"))]
include!(concat!(env!("OUT_DIR"), "/locale_names.rs"));

/// The id of the script element holding the page's texts.
pub const TABLE_ID: &str = "tessera-texts";

/// The texts of `locale` (English where it lacks a key), as the JSON object a page
/// carries for the browser: a text, or texts by plural category, by key. Safe inside
/// a `<script>` element.
#[cfg(feature = "ssr")]
pub fn page_table(locale: Locale) -> &'static str {
    use std::sync::OnceLock;
    // Made once per locale: every page of that language carries the same table.
    static TABLES: OnceLock<Vec<String>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| (0..LOCALES.len()).map(|i| table_json(Locale(i))).collect());
    tables.get(locale.0).map_or("{}", String::as_str)
}

#[cfg(feature = "ssr")]
fn table_json(locale: Locale) -> String {
    let mut map = serde_json::Map::new();
    for key in KEYS {
        let value = match entry(locale, key) {
            Some(Text::Plain(s)) => serde_json::Value::from(s),
            Some(Text::Plural(forms)) => serde_json::Value::Object(
                forms
                    .iter()
                    .map(|(c, s)| (c.to_string(), serde_json::Value::from(*s)))
                    .collect(),
            ),
            None => continue,
        };
        map.insert(key.to_string(), value);
    }
    serde_json::Value::Object(map)
        .to_string()
        .replace("</", "<\\/")
}

/// The page's texts, read from the page once.
#[cfg(not(feature = "ssr"))]
fn lookup(_locale: usize, key: &str) -> Option<Text> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static TABLE: OnceLock<HashMap<&'static str, Text>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let json = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(TABLE_ID))
            .and_then(|e| e.text_content())
            .unwrap_or_default();
        let parsed: HashMap<String, serde_json::Value> =
            serde_json::from_str(&json).unwrap_or_default();
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        parsed
            .into_iter()
            .filter_map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => Text::Plain(leak(s)),
                    serde_json::Value::Object(forms) => {
                        let forms: Vec<(&'static str, &'static str)> = forms
                            .into_iter()
                            .filter_map(|(c, s)| Some((leak(c), leak(s.as_str()?.to_string()))))
                            .collect();
                        Text::Plural(Box::leak(forms.into_boxed_slice()))
                    }
                    _ => return None,
                };
                Some((leak(k), text))
            })
            .collect()
    });
    table.get(key).copied()
}

/// Name of the cookie that keeps the language a visitor chose.
pub const COOKIE: &str = "tessera_lang";

/// The active locale, an index into [`LOCALES`]; provided by the app root.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Locale(pub usize);

impl Locale {
    /// The locale with language `code` (`el`, `sl-SI`, ...), if the desk speaks it.
    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        LOCALES.iter().position(|l| *l == primary).map(Locale)
    }

    /// The language tag, for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        LOCALES.get(self.0).copied().unwrap_or("en")
    }

    #[cfg(feature = "ssr")]
    fn icu(self) -> icu_locale_core::Locale {
        self.code()
            .parse()
            .unwrap_or(icu_locale_core::locale!("en"))
    }
}

/// The best locale for an `Accept-Language` header, by its `q` weights; `None` when
/// the browser asks for nothing the desk speaks.
pub fn negotiate(accept_language: &str) -> Option<Locale> {
    model::headers::accepted_languages(accept_language)
        .into_iter()
        .find_map(Locale::from_code)
}

/// The locale of a page: the agent's own setting wins, then the visitor's choice (the
/// cookie), then the browser's languages, then English.
pub fn resolve(agent_setting: Option<&str>, cookie: Option<&str>, accept_language: &str) -> Locale {
    resolve_with_default(agent_setting, cookie, accept_language, None)
}

/// [`resolve`], with the desk's default language in place of English when the browser
/// asks for none the desk speaks.
pub fn resolve_with_default(
    agent_setting: Option<&str>,
    cookie: Option<&str>,
    accept_language: &str,
    desk_default: Option<&str>,
) -> Locale {
    agent_setting
        .and_then(Locale::from_code)
        .or_else(|| cookie.and_then(Locale::from_code))
        .or_else(|| negotiate(accept_language))
        .or_else(|| desk_default.and_then(Locale::from_code))
        .unwrap_or_default()
}

/// The current locale.
pub fn current() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

fn entry(locale: Locale, key: &str) -> Option<Text> {
    lookup(locale.0, key).or_else(|| lookup(0, key))
}

/// The text for `key` in `locale`, else in English, else the key itself.
pub fn translate(locale: Locale, key: &'static str) -> &'static str {
    match entry(locale, key) {
        Some(Text::Plain(s)) => s,
        Some(Text::Plural(forms)) => form(forms, "other").unwrap_or(key),
        None => key,
    }
}

/// The text for `key` in the current locale.
pub fn t(key: &'static str) -> &'static str {
    translate(current(), key)
}

/// The text for a key known only at run time (an error key from the server); unknown
/// keys give the generic error message.
pub fn t_dyn(key: &str) -> &'static str {
    let locale = current();
    match entry(locale, key) {
        Some(Text::Plain(s)) => s,
        _ => translate(locale, "error.generic"),
    }
}

fn form(forms: &'static [(&'static str, &'static str)], category: &str) -> Option<&'static str> {
    forms.iter().find(|(c, _)| *c == category).map(|(_, s)| *s)
}

#[cfg(feature = "ssr")]
/// The CLDR name of a plural category, as the locale files spell it.
pub fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

#[cfg(feature = "ssr")]
/// What ICU4X builds once per locale and thread: plural rules and formatters.
struct Formatters {
    plurals: Option<PluralRules>,
    numbers: Option<DecimalFormatter>,
    #[cfg(feature = "ssr")]
    date_time: Option<FixedCalendarDateTimeFormatter<icu_calendar::Gregorian, YMDT>>,
    #[cfg(feature = "ssr")]
    long_date: Option<FixedCalendarDateTimeFormatter<icu_calendar::Gregorian, YMD>>,
}

#[cfg(feature = "ssr")]
impl Formatters {
    fn new(locale: Locale) -> Self {
        let icu = locale.icu();
        Formatters {
            plurals: PluralRules::try_new_cardinal((&icu).into()).ok(),
            numbers: DecimalFormatter::try_new((&icu).into(), Default::default()).ok(),
            #[cfg(feature = "ssr")]
            date_time: FixedCalendarDateTimeFormatter::try_new(
                (&icu).into(),
                YMDT::short()
                    .with_year_style(YearStyle::Full)
                    .with_time_precision(TimePrecision::Minute),
            )
            .ok(),
            #[cfg(feature = "ssr")]
            long_date: FixedCalendarDateTimeFormatter::try_new((&icu).into(), YMD::long()).ok(),
        }
    }
}

#[cfg(feature = "ssr")]
thread_local! {
    static FORMATTERS: RefCell<Vec<Option<Formatters>>> = const { RefCell::new(Vec::new()) };
}

#[cfg(feature = "ssr")]
fn with_formatters<R>(locale: Locale, f: impl FnOnce(&Formatters) -> R) -> R {
    FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() <= locale.0 {
            cache.resize_with(locale.0 + 1, || None);
        }
        f(cache[locale.0].get_or_insert_with(|| Formatters::new(locale)))
    })
}

#[cfg(feature = "ssr")]
/// The plural category of `n` in `locale`.
pub fn plural_category(locale: Locale, n: u64) -> PluralCategory {
    with_formatters(locale, |f| {
        f.plurals
            .as_ref()
            .map_or(PluralCategory::Other, |p| p.category_for(n))
    })
}

#[cfg(feature = "ssr")]
/// Every plural category `locale` distinguishes.
pub fn plural_categories(locale: Locale) -> Vec<&'static str> {
    with_formatters(locale, |f| {
        f.plurals
            .as_ref()
            .map(|p| p.categories().map(category_name).collect())
            .unwrap_or_else(|| vec!["other"])
    })
}

/// `n` written the locale's way (`1,234` / `1.234` / `1 234`): by ICU4X on the server,
/// by the browser's `Intl` (the same CLDR data) in the wasm.
pub fn number_in(locale: Locale, n: u64) -> String {
    #[cfg(feature = "ssr")]
    return with_formatters(locale, |f| match &f.numbers {
        Some(fmt) => fmt.format(&Decimal::from(n)).to_string(),
        None => n.to_string(),
    });
    #[cfg(not(feature = "ssr"))]
    intl::number(locale, n).unwrap_or_else(|| n.to_string())
}

/// The CLDR plural category of `n` in `locale`, as the locale files spell it.
fn plural_name(locale: Locale, n: u64) -> &'static str {
    #[cfg(feature = "ssr")]
    return category_name(plural_category(locale, n));
    #[cfg(not(feature = "ssr"))]
    intl::plural(locale, n)
}

/// The browser's `Intl` objects for the page's locale, made once.
#[cfg(not(feature = "ssr"))]
mod intl {
    use js_sys::{Array, Intl, Object};
    use leptos::wasm_bindgen::JsValue;

    use super::Locale;

    thread_local! {
        static MADE: std::cell::RefCell<Option<(usize, Intl::PluralRules, Intl::NumberFormat)>> =
            const { std::cell::RefCell::new(None) };
    }

    fn with<R>(locale: Locale, f: impl FnOnce(&Intl::PluralRules, &Intl::NumberFormat) -> R) -> R {
        MADE.with(|made| {
            let mut made = made.borrow_mut();
            if made.as_ref().is_none_or(|m| m.0 != locale.0) {
                let locales = Array::of1(&JsValue::from_str(locale.code()));
                *made = Some((
                    locale.0,
                    Intl::PluralRules::new(&locales, &Object::new()),
                    Intl::NumberFormat::new(&locales, &Object::new()),
                ));
            }
            let m = made.as_ref().expect("made above");
            f(&m.1, &m.2)
        })
    }

    pub fn plural(locale: Locale, n: u64) -> &'static str {
        let name: String = with(locale, |rules, _| rules.select(n as f64).into());
        match name.as_str() {
            "zero" => "zero",
            "one" => "one",
            "two" => "two",
            "few" => "few",
            "many" => "many",
            _ => "other",
        }
    }

    pub fn number(locale: Locale, n: u64) -> Option<String> {
        with(locale, |_, format| {
            format
                .format()
                .call1(&JsValue::NULL, &JsValue::from_f64(n as f64))
                .ok()?
                .as_string()
        })
    }
}

/// The text for a plural `key` and count `n` in `locale`, with `{count}` filled in.
pub fn translate_count(locale: Locale, key: &'static str, n: u64) -> String {
    let text = match entry(locale, key) {
        Some(Text::Plural(forms)) => form(forms, plural_name(locale, n))
            .or_else(|| form(forms, "other"))
            .unwrap_or(key),
        Some(Text::Plain(s)) => s,
        None => key,
    };
    text.replace("{count}", &number_in(locale, n))
}

/// The text for a plural `key` and count `n` in the current locale.
pub fn tn(key: &'static str, n: u64) -> String {
    translate_count(current(), key, n)
}

/// The time zone a page shows times in: an IANA name (`Europe/Ljubljana`), the agent's
/// own or the desk's. The server renders in it and says which in `<html data-tz>`; the
/// browser's `Intl` formats in the same zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone(pub String);

/// The page's time zone ("UTC" where none is given).
pub fn current_zone() -> String {
    use_context::<Zone>()
        .map(|z| z.0)
        .filter(|z| !z.is_empty())
        .unwrap_or_else(|| "UTC".to_string())
}

#[cfg(feature = "ssr")]
fn gregorian(at: DateTime<Utc>) -> Option<(Date<icu_calendar::Gregorian>, Time)> {
    let at = match current_zone().parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).naive_local(),
        Err(_) => at.naive_utc(),
    };
    let date = Date::try_new_gregorian(at.year(), at.month() as u8, at.day() as u8).ok()?;
    let time = Time::try_new(at.hour() as u8, at.minute() as u8, at.second() as u8, 0).ok()?;
    Some((date, time))
}

/// Date and time, numeric, the locale's way (`24. 11. 2026 14:05`). The server formats
/// with ICU4X; the browser with its own `Intl` (the same CLDR patterns), which keeps
/// ICU4X's date formatting and data out of the wasm.
pub fn date_time_in(locale: Locale, at: DateTime<Utc>) -> String {
    #[cfg(feature = "ssr")]
    return with_formatters(locale, |f| match (&f.date_time, gregorian(at)) {
        (Some(fmt), Some((date, time))) => without_repeated_words(
            &fmt.format(&icu_datetime::input::DateTime { date, time })
                .to_string(),
        ),
        _ => fallback_date_time(at),
    });
    #[cfg(not(feature = "ssr"))]
    intl_format(locale, at, true)
        .map(|s| without_repeated_words(&s))
        .unwrap_or_else(|| fallback_date_time(at))
}

fn fallback_date_time(at: DateTime<Utc>) -> String {
    format!("{} {:02}:{:02}", at.date_naive(), at.hour(), at.minute())
}

/// `at` formatted by the browser's `Intl.DateTimeFormat` in UTC, as the server does:
/// numeric date and time to the minute, or the date with the month's name.
#[cfg(not(feature = "ssr"))]
fn intl_format(locale: Locale, at: DateTime<Utc>, with_time: bool) -> Option<String> {
    use js_sys::{Array, Intl, Object, Reflect};
    use leptos::wasm_bindgen::JsValue;
    let options = Object::new();
    let set = |k: &str, v: &str| {
        Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v)).is_ok()
    };
    set("timeZone", &current_zone());
    set("year", "numeric");
    set("day", "numeric");
    if with_time {
        set("month", "numeric");
        set("hour", "numeric");
        set("minute", "2-digit");
    } else {
        set("month", "long");
    }
    let locales = Array::of1(&JsValue::from_str(locale.code()));
    let format = Intl::DateTimeFormat::new(&locales, &options).format();
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    format.call1(&JsValue::NULL, &date).ok()?.as_string()
}

/// ICU4X 2.4 writes Bulgarian times to the minute as `14:05 ч. ч.`: drops a word that
/// repeats the one before it (never a number).
fn without_repeated_words(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for word in text.split(' ') {
        let repeated = out.last() == Some(&word) && !word.chars().any(|c| c.is_ascii_digit());
        if !repeated {
            out.push(word);
        }
    }
    out.join(" ")
}

/// The date with the month's name (`24 Νοεμβρίου 2026`); see [`date_time_in`] for who
/// formats it where.
pub fn long_date_in(locale: Locale, at: DateTime<Utc>) -> String {
    #[cfg(feature = "ssr")]
    return with_formatters(locale, |f| match (&f.long_date, gregorian(at)) {
        (Some(fmt), Some((date, _))) => fmt.format(&date).to_string(),
        _ => at.date_naive().to_string(),
    });
    #[cfg(not(feature = "ssr"))]
    intl_format(locale, at, false).unwrap_or_else(|| at.date_naive().to_string())
}

/// How long before `now` `at` was, in words (`πριν από 3 ώρες`).
pub fn ago_in(locale: Locale, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds().max(0) as u64;
    match secs {
        0..60 => translate(locale, "time.just_now").to_string(),
        60..3600 => translate_count(locale, "time.minutes_ago", secs / 60),
        3600..86400 => translate_count(locale, "time.hours_ago", secs / 3600),
        _ => translate_count(locale, "time.days_ago", secs / 86400),
    }
}

/// The language tag of the current locale, for `<html lang>`.
pub fn lang() -> &'static str {
    current().code()
}

#[cfg(test)]
mod tests;

/// A file's size for people: bytes, KB or MB (one decimal), numbers the locale's way.
pub fn file_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    let locale = current();
    if bytes < 1024 {
        format!("{} B", number_in(locale, bytes))
    } else if bytes < MIB {
        format!("{} KB", number_in(locale, bytes.div_ceil(1024)))
    } else {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        let point = if locale.code() == "en" { "." } else { "," };
        format!(
            "{}{point}{} MB",
            number_in(locale, tenths / 10),
            tenths % 10
        )
    }
}
