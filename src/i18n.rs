//! The visitor's language inside the widget: looks up the texts of the message catalogue
//! ([`helper_widget_core::i18n`]) and words counts, ages and dates with the browser's `Intl`.
//!
//! The loader picks the language (config `locale`, the page's `<html lang>`, the browser's),
//! fetches that language's catalogue merged with the site's overrides, and hands both to
//! [`set`] before anything is drawn. English is built in, so the widget works (in English)
//! without them. One language per page: a thread-local the views read, set again by every
//! `init`. Knows nothing of the chat; only `js_sys`.

use helper_widget_core::i18n::{fill, Catalogue};
use helper_widget_core::time::{relative, Age};
use js_sys::{Array, Intl, Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

struct Language {
    /// A tag the loader checked with `Intl.getCanonicalLocales`, so `Intl` constructors
    /// given it cannot throw.
    tag: String,
    /// Leaked, once per `init`: texts are then `&'static str`, which the views take as they
    /// took literals (a `String` per label would cost every call site its own drop, and the
    /// views' attribute code a second type). A few kilobytes per `init`, which a page calls
    /// once or a handful of times.
    catalogue: &'static Catalogue,
    // The language's formatters, made once: each `Intl` constructor (and `toLocaleString` with
    // a locale, which makes one per call) loads the language's data, milliseconds each.
    plurals: Option<Intl::PluralRules>,
    ages: Option<Intl::RelativeTimeFormat>,
    /// `Intl.DateTimeFormat`'s bound `format`.
    dates: Option<js_sys::Function>,
}

thread_local! {
    static LANGUAGE: RefCell<Language> = RefCell::new(Language {
        tag: "en".to_owned(),
        catalogue: Box::leak(Box::new(Catalogue::english())),
        plurals: None,
        ages: None,
        dates: None,
    });
}

/// Sets the language for every text drawn from now on: `tag` (BCP 47, canonical) and
/// `messages`, an object of texts by key laid over English (the language's catalogue with the
/// site's overrides), or `undefined`.
pub fn set(tag: &str, messages: &JsValue) {
    let mut catalogue = Catalogue::english();
    if messages.is_object() {
        if let Some(json) = js_sys::JSON::stringify(messages)
            .ok()
            .and_then(|s| s.as_string())
        {
            if let Err(e) = catalogue.overlay(&json) {
                web_sys::console::warn_1(&format!("[Helper widget] {e}").into());
            }
        }
    }
    let tag = if tag.is_empty() { "en" } else { tag };
    LANGUAGE.with(|l| {
        *l.borrow_mut() = Language {
            tag: tag.to_owned(),
            catalogue: Box::leak(Box::new(catalogue)),
            plurals: None,
            ages: None,
            dates: None,
        }
    });
}

/// The text of `key`.
pub fn t(key: &'static str) -> &'static str {
    LANGUAGE.with(|l| l.borrow().catalogue.text(key))
}

/// The English text of `key`, whatever the language (what a rule also checks in English).
pub fn english(key: &'static str) -> &'static str {
    thread_local! {
        static ENGLISH: &'static Catalogue = Box::leak(Box::new(Catalogue::english()));
    }
    ENGLISH.with(|english| english.text(key))
}

/// The text of `key` with its `{name}` placeholders filled.
pub fn tf(key: &'static str, args: &[(&str, &str)]) -> String {
    fill(t(key), args)
}

/// The plural text of `key` for `count` (as `{count}`, written in the language's digits), with
/// the other placeholders filled.
pub fn tn(key: &'static str, count: u32, args: &[(&str, &str)]) -> String {
    LANGUAGE.with(|l| {
        let mut l = l.borrow_mut();
        let category = plurals(&mut l)
            .select(count.into())
            .as_string()
            .unwrap_or_default();
        let number = js_sys::Number::from(count)
            .to_locale_string(&l.tag)
            .as_string()
            .unwrap_or_else(|| count.to_string());
        let mut all = vec![("count", number.as_str())];
        all.extend_from_slice(args);
        fill(l.catalogue.form(key, &category), &all)
    })
}

/// How long ago `then_ms` was, seen at `now_ms`, in the language's short words ("5m ago",
/// "vor 5 Min.", "قبل ٥ دقائق"; "now" for under a minute).
pub fn age(now_ms: f64, then_ms: f64) -> String {
    let (value, unit) = match relative(now_ms, then_ms) {
        Age::Now => (0.0, "second"),
        Age::Ago(count, unit) => (-(count as f64), unit.intl_name()),
    };
    LANGUAGE.with(|l| ages(&mut l.borrow_mut()).format(value, unit).into())
}

/// The full date and time of `ms` in the language's format (for tooltips).
pub fn full_date(ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    LANGUAGE.with(|l| {
        dates(&mut l.borrow_mut())
            .call1(&JsValue::NULL, &date)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    })
}

/// Makes the language's formatters now, while nothing waits (the widget calls it when the
/// browser is idle after mounting), so the first message does not pay for loading their data.
pub fn warm_up() {
    LANGUAGE.with(|l| {
        let mut l = l.borrow_mut();
        plurals(&mut l);
        ages(&mut l);
        dates(&mut l);
    });
}

fn plurals(l: &mut Language) -> &Intl::PluralRules {
    let tag = &l.tag;
    l.plurals
        .get_or_insert_with(|| Intl::PluralRules::new(&locales(tag), &Object::new()))
}

fn ages(l: &mut Language) -> &Intl::RelativeTimeFormat {
    let tag = &l.tag;
    l.ages.get_or_insert_with(|| {
        let options = Object::new();
        let _ = Reflect::set(&options, &"style".into(), &"narrow".into());
        let _ = Reflect::set(&options, &"numeric".into(), &"auto".into());
        Intl::RelativeTimeFormat::new(&locales(tag), &options)
    })
}

fn dates(l: &mut Language) -> &js_sys::Function {
    let tag = &l.tag;
    l.dates.get_or_insert_with(|| {
        let options = Object::new();
        let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
        let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
        Intl::DateTimeFormat::new(&locales(tag), &options).format()
    })
}

fn locales(tag: &str) -> Array {
    Array::of1(&tag.into())
}
