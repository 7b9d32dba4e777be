//! The UI text catalogue: every visible string, in English, Japanese and Korean (none is
//! compiled into the wasm: the page fetches its language; see `Lang::source`).
//!
//! Translations live in `frontend/locales/{en,ja,ko}.txt` as `key = value` lines so a
//! translator edits one plain file per language. Code names strings by [`Key`]; the test
//! at the bottom fails if any language lacks a key, has an extra one, leaves one empty
//! or drops a `{placeholder}`. At run time a missing entry falls back to English.
//!
//! Hand-written rather than fluent/i18n crates: the catalogue is a few dozen strings and
//! a parser here costs a few hundred bytes of wasm, where those crates cost tens of KB.

use std::sync::OnceLock;

mod key_hash;

/// Each language's file as fetched, by `Lang as usize` (see [`Lang::source`]).
#[cfg(target_arch = "wasm32")]
static FETCHED: [OnceLock<&'static str>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

/// A language the page speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Ja,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ja, Lang::Ko];

    /// BCP 47 tag, as used in `?lang=` and `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
        }
    }

    /// The language's own name, for the picker (the same in every UI language).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ja => "日本語",
            Lang::Ko => "한국어",
        }
    }

    /// Parses a tag such as `ja`, `ja-JP` or `KO-kr`; `None` for other languages.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The first supported language among the browser's preferences, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }

    /// The language's `key = value` file, if the page has it. In the wasm, none is
    /// compiled in: only the page's language is fetched (`services::locale`, before the
    /// first render and before a switch; English too if that fails) and handed over with
    /// [`Lang::install`]. Compiling in all three cost 42.7 KB of the wasm's data, ~14 KB
    /// gzip; English alone, the old fallback, 7.5 KB gzip in every page's wasm, fetched
    /// by English readers anyway and dead weight for the others (measured 2026-11-23,
    /// issue 14). Natively (tests, the static shell) every file is compiled in.
    fn source(self) -> Option<&'static str> {
        #[cfg(target_arch = "wasm32")]
        return FETCHED[self as usize].get().copied();
        #[cfg(not(target_arch = "wasm32"))]
        Some(match self {
            Lang::En => include_str!("../locales/en.txt"),
            Lang::Ja => include_str!("../locales/ja.txt"),
            Lang::Ko => include_str!("../locales/ko.txt"),
        })
    }

    /// Whether this language's text is at hand (else it shows in English).
    pub fn is_loaded(self) -> bool {
        self.source().is_some()
    }

    /// Hands over this language's file, fetched at run time (the first one wins).
    pub fn install(self, text: String) {
        if !self.is_loaded() {
            #[cfg(target_arch = "wasm32")]
            let _ = FETCHED[self as usize].set(Box::leak(text.into_boxed_str()));
            #[cfg(not(target_arch = "wasm32"))]
            drop(text);
        }
    }

    /// The address of this language's file in the built page (Trunk `copy-file`s,
    /// index.html), fetched by the page.
    pub fn file(self) -> &'static str {
        match self {
            Lang::En => "/en.txt",
            Lang::Ja => "/ja.txt",
            Lang::Ko => "/ko.txt",
        }
    }

    /// The CLDR plural category of the count `n` in this language: English tells one from
    /// other; Japanese and Korean do not inflect for number (only `other`).
    pub fn plural_category(self, n: u64) -> Plural {
        match self {
            Lang::En if n == 1 => Plural::One,
            _ => Plural::Other,
        }
    }

    /// The categories a plural key must have in this language's file.
    pub fn plural_categories(self) -> &'static [Plural] {
        match self {
            Lang::En => &[Plural::One, Plural::Other],
            Lang::Ja | Lang::Ko => &[Plural::Other],
        }
    }

    /// Values by `key * 2 + form`: slot 0 is a plain key's value or a plural key's
    /// `other`, slot 1 its `one`.
    fn table(self) -> &'static [Option<&'static str>] {
        static TABLES: [OnceLock<Vec<Option<&'static str>>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        // Not fetched (yet): nothing, so every key falls back to English.
        let Some(source) = self.source() else {
            return &[];
        };
        TABLES[self as usize].get_or_init(|| {
            let mut table = vec![None; Key::ALL.len() * 2];
            for (name, value) in parse(source) {
                let (base, form) = split_form(name);
                if let (Some(key), Some(form)) = (Key::from_name(base), form) {
                    table[key as usize * 2 + form.slot()] = Some(value);
                }
            }
            table
        })
    }

    fn lookup(self, key: Key, form: Plural) -> Option<&'static str> {
        let table = self.table();
        let at = |i: usize| table.get(i).copied().flatten();
        at(key as usize * 2 + form.slot()).or(at(key as usize * 2))
    }

    /// The text for `key` in this language (English if missing and at hand, the key name
    /// as a last resort). For a plural key, its `other` form: use [`Lang::plural`] instead.
    pub fn t(self, key: Key) -> &'static str {
        self.lookup(key, Plural::Other)
            .or_else(|| Lang::En.lookup(key, Plural::Other))
            .unwrap_or(key.missing())
    }

    /// [`Lang::t`] with `{name}` placeholders replaced.
    pub fn tf(self, key: Key, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// The form of plural `key` for the count `n`, with `{n}` and `args` filled in.
    pub fn plural(self, key: Key, n: u64, args: &[(&str, &str)]) -> String {
        let text = self
            .lookup(key, self.plural_category(n))
            .or_else(|| Lang::En.lookup(key, Lang::En.plural_category(n)))
            .unwrap_or(key.missing());
        fill(&text.replace("{n}", &n.to_string()), args)
    }
}

/// A CLDR plural category the catalogue uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Other,
}

impl Plural {
    fn slot(self) -> usize {
        match self {
            Plural::Other => 0,
            Plural::One => 1,
        }
    }

    /// The suffix in the locale files (`name.one`).
    #[cfg(test)]
    fn suffix(self) -> &'static str {
        match self {
            Plural::One => "one",
            Plural::Other => "other",
        }
    }
}

/// `name` → (`name`, Other); `name.one` → (`name`, One); an unknown suffix → no form.
fn split_form(name: &str) -> (&str, Option<Plural>) {
    match name.split_once('.') {
        None => (name, Some(Plural::Other)),
        Some((base, "one")) => (base, Some(Plural::One)),
        Some((base, "other")) => (base, Some(Plural::Other)),
        Some((base, _)) => (base, None),
    }
}

fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// Who closed a WebSocket session, in words.
pub fn closed_by_key(by: crate::model::ws_session::Initiator) -> Key {
    use crate::model::ws_session::Initiator as I;
    match by {
        I::Page => Key::ws_by_page,
        I::Server => Key::ws_by_server,
        I::Neither => Key::ws_by_neither,
    }
}

/// Whether a close was clean, in words.
pub fn clean_key(clean: bool) -> Key {
    if clean {
        Key::ws_clean_yes
    } else {
        Key::ws_clean_no
    }
}

/// The message the page shows for a server error code.
pub fn error_key(code: protocol::ErrorCode) -> Key {
    use protocol::ErrorCode as C;
    match code {
        C::MalformedJson => Key::err_malformed_json,
        C::UnsupportedMediaType => Key::err_unsupported_media_type,
        C::PayloadTooLarge => Key::err_payload_too_large,
        C::BadBody => Key::err_bad_body,
        C::MethodNotAllowed => Key::err_method_not_allowed,
        C::NotFound => Key::err_not_found,
        // `/oembed?format=xml` (501): the page never asks it; the nearest words.
        C::BadQuery | C::UnsupportedFormat => Key::err_bad_query,
        C::BadParam => Key::err_bad_param,
        C::RateLimited => Key::err_rate_limited,
        C::MissingClientKey => Key::err_missing_client_key,
        C::TooManyAtOnce => Key::err_too_many_at_once,
        C::RoomFull => Key::err_room_full,
        C::TooManyRooms => Key::err_too_many_rooms,
        C::ChatUnavailable => Key::err_chat_unavailable,
        C::BadName => Key::err_bad_name,
        C::EmptyMessage => Key::err_empty_message,
        C::UpgradeRequired => Key::err_upgrade_required,
        C::ForbiddenOrigin => Key::err_forbidden_origin,
        C::TooManyConnections => Key::err_too_many_connections,
        C::TooManySessions => Key::err_too_many_sessions,
        C::HeadTooLarge => Key::err_head_too_large,
        C::UriTooLong => Key::err_uri_too_long,
        C::MalformedRequest => Key::err_malformed_request,
        C::RequestTimeout => Key::err_request_timeout,
        C::FrontendMissing => Key::err_frontend_missing,
        C::Internal => Key::err_internal,
    }
}

/// A header's value as the labs show it: a credential the server redacted is named with
/// its length, never its value.
pub fn header_value(lang: Lang, line: &protocol::lab::HeaderLine) -> String {
    match line.redacted_bytes {
        Some(n) => lang.tf(Key::header_redacted, &[("size", &crate::format::bytes(n))]),
        None => line.value.clone(),
    }
}

/// The message shown beside a lab field whose value is refused, with its bounds filled in.
pub fn param_problem(
    lang: Lang,
    param: protocol::lab::LabParam,
    problem: protocol::lab::ParamProblem,
) -> String {
    let (min, max) = param.bounds();
    bounds_problem(lang, min, max, problem)
}

/// The message shown beside a number field whose value is outside `min..=max`.
pub fn bounds_problem(
    lang: Lang,
    min: u64,
    max: u64,
    problem: protocol::lab::ParamProblem,
) -> String {
    use protocol::lab::ParamProblem as P;
    let (min, max) = (min.to_string(), max.to_string());
    let key = match problem {
        P::NotANumber => Key::err_param_nan,
        P::TooSmall => Key::err_param_small,
        P::TooLarge => Key::err_param_large,
    };
    lang.tf(key, &[("min", &min), ("max", &max)])
}

/// `key = value` lines; `#` starts a comment line; blank lines are ignored.
fn parse(source: &str) -> impl Iterator<Item = (&str, &str)> {
    source.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (k, v) = line.split_once('=')?;
        Some((k.trim(), v.trim()))
    })
}

// `enum Key` with `ALL`, `NAMES` and `PLURAL`, generated from `locales/en.txt` by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/keys.rs"));

impl Key {
    /// The key's name in the locale files (a plural key's base name, without `.one`).
    /// Natively only: the wasm knows keys by their hash ([`Key::from_name`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn name(self) -> &'static str {
        Key::NAMES[self as usize]
    }

    /// What shows where a key has no text in any language at hand: its name natively; in
    /// the wasm, which has no names, an ellipsis. (Never seen in practice: the tests
    /// below give every key a value in every language, and the page does not start
    /// without its text.)
    fn missing(self) -> &'static str {
        #[cfg(not(target_arch = "wasm32"))]
        return self.name();
        #[cfg(target_arch = "wasm32")]
        "…"
    }

    /// Whether the key has plural forms (`name.one`, `name.other`) rather than one value.
    pub fn is_plural(self) -> bool {
        Key::PLURAL[self as usize]
    }

    /// The key a locale file's name stands for, found by its hash: 4 bytes per key in
    /// the wasm where the names were 8,668 B of text plus an 8-byte slice entry each
    /// (`key_hash`: home 164,873 → 162,736 B wasm gzip, 2026-12-07).
    fn from_name(name: &str) -> Option<Key> {
        let hash = key_hash::key_hash(name);
        Key::HASHES
            .iter()
            .position(|h| *h == hash)
            .map(|i| Key::ALL[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A name finds its own key by its hash, and a name that is no key finds none (the
    /// table would otherwise put a stale file's old line over another key's text).
    #[test]
    fn every_name_finds_its_own_key_and_no_other_name_does() {
        for &key in Key::ALL {
            assert_eq!(Key::from_name(key.name()), Some(key), "{}", key.name());
        }
        for name in ["", "nav_hom", "nav_home_", "lesson", "err_bad_name.one"] {
            assert_eq!(Key::from_name(name), None, "{name}");
        }
        assert_eq!(Key::HASHES.len(), Key::ALL.len());
    }

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    /// The names a language's file must hold for `key`: the bare name, or one
    /// `name.<category>` per plural category the language uses.
    fn required_names(lang: Lang, key: Key) -> Vec<String> {
        if key.is_plural() {
            lang.plural_categories()
                .iter()
                .map(|c| format!("{}.{}", key.name(), c.suffix()))
                .collect()
        } else {
            vec![key.name().to_owned()]
        }
    }

    #[test]
    fn every_language_has_exactly_every_key() {
        let mut problems = Vec::new();
        for lang in Lang::ALL {
            let expected: BTreeSet<String> = Key::ALL
                .iter()
                .flat_map(|&k| required_names(lang, k))
                .collect();
            let mut seen = BTreeSet::new();
            for (name, value) in parse(lang.source().unwrap()) {
                if !seen.insert(name.to_owned()) {
                    problems.push(format!("{}: duplicate key {name}", lang.tag()));
                }
                if !expected.contains(name) {
                    problems.push(format!(
                        "{}: unknown key {name} (or a plural form this language does not use)",
                        lang.tag()
                    ));
                }
                if value.is_empty() {
                    problems.push(format!("{}: empty value for {name}", lang.tag()));
                }
            }
            for missing in expected.difference(&seen) {
                problems.push(format!("{}: missing key {missing}", lang.tag()));
            }
        }
        assert!(
            problems.is_empty(),
            "catalogue problems:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn plural_forms_follow_each_language() {
        assert_eq!(
            Lang::En.plural(Key::tl_aria, 1, &[]),
            "Timeline of 1 TCP connection"
        );
        assert_eq!(
            Lang::En.plural(Key::tl_aria, 3, &[]),
            "Timeline of 3 TCP connections"
        );
        assert_eq!(
            Lang::En.plural(Key::tl_aria, 0, &[]),
            "Timeline of 0 TCP connections"
        );
        assert_eq!(
            Lang::Ja.plural(Key::tl_aria, 1, &[]),
            "1 本の TCP 接続のタイムライン"
        );
        assert_eq!(
            Lang::Ko.plural(Key::tl_aria, 3, &[]),
            "TCP 연결 3개의 타임라인"
        );
        assert!(Key::tl_aria.is_plural() && !Key::http_send.is_plural());
        // Every plural form carries the count.
        for &key in Key::ALL.iter().filter(|k| k.is_plural()) {
            for lang in Lang::ALL {
                for n in [1, 2] {
                    let text = lang.plural(key, n, &[]);
                    assert!(text.contains(&n.to_string()), "{}: {text}", key.name());
                }
            }
        }
    }

    #[test]
    fn placeholders_match_english() {
        for &key in Key::ALL {
            let en = placeholders(Lang::En.t(key));
            if key.is_plural() {
                let one = Lang::En.lookup(key, Plural::One).unwrap_or_default();
                assert_eq!(placeholders(one), en, "{}.one vs .other", key.name());
            }
            for lang in [Lang::Ja, Lang::Ko] {
                assert_eq!(
                    placeholders(lang.t(key)),
                    en,
                    "{} in {} has different placeholders",
                    key.name(),
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn japanese_and_korean_are_translated() {
        // A value identical to English is almost always a forgotten translation.
        for &key in Key::ALL {
            for lang in [Lang::Ja, Lang::Ko] {
                assert_ne!(
                    lang.t(key),
                    Lang::En.t(key),
                    "{} is not translated into {}",
                    key.name(),
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn negotiation_and_tags() {
        assert_eq!(Lang::from_tag("ja-JP"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("KO_kr"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::negotiate(["fr-FR", "ko", "ja"]), Lang::Ko);
        assert_eq!(Lang::negotiate(["de"]), Lang::En);
        assert_eq!(Lang::negotiate([]), Lang::En);
    }

    #[test]
    fn tf_fills_placeholders() {
        let text = Lang::En.tf(Key::ws_ev_closed, &[("code", "4000"), ("reason", "bye")]);
        assert!(text.contains("4000") && text.contains("bye"), "{text}");
    }
}
