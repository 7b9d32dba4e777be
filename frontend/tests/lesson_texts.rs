//! The lesson texts (`frontend/lessons/<lang>/<slug>.txt`) are complete and agree across
//! languages: every lesson × language file exists and parses with no markup left literal;
//! the hints follow the lesson's steps; each language has the same sections and the same
//! number of hints per step; no Japanese or Korean paragraph is left in English; code
//! spans and link targets match English section by section (a rough check that numbers,
//! headers and identifiers were kept); every `**strong**` is a control's label in that
//! language's catalogue; links go only to the site's own pages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use frontend::model::lesson_text::{Inline, LessonText, Paragraph, Section, plain_text};

/// The lessons and their steps, in order (issue 10).
const LESSONS: [(&str, &[&str]); 11] = [
    ("one-request", &["answered", "echoed"]),
    (
        "connection-close",
        &["three-requests", "three-connections", "server-closed"],
    ),
    (
        "keep-alive",
        &["three-requests", "one-connection", "connect-phase"],
    ),
    ("six-at-a-time", &["parallel", "six-connections", "queued"]),
    (
        "socket-stays-open",
        &["upgrade", "exchange", "one-connection"],
    ),
    ("server-speaks-first", &["pushes", "server-close"]),
    (
        "streaming-over-http",
        &["poll-vs-push", "half-period", "header-cost", "http-push"],
    ),
    ("real-network", &["emulated", "handshake-cost", "websocket"]),
    ("thread-per-client", &["hundred", "threads", "closed"]),
    ("who-closed-it", &["page-close", "server-close", "dropped"]),
    ("many-clients", &["clients", "pushed", "half-period"]),
];

/// Lessons that compare a measurement with a formula, and so explain in `[why-not]` why
/// the two may differ.
const WITH_FORMULA: [&str; 4] = [
    "keep-alive",
    "streaming-over-http",
    "real-network",
    "many-clients",
];

const LANGS: [&str; 3] = ["en", "ja", "ko"];

/// The site's pages a lesson may link to, besides other lessons (`/learn/<slug>`).
const PAGES: [&str; 5] = ["/", "/lab/http", "/lab/ws", "/compare", "/chat"];

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn read(lang: &str, slug: &str) -> String {
    let path = lessons_dir().join(lang).join(format!("{slug}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every lesson in every language, parsed: `[slug][lang]`.
fn all() -> BTreeMap<&'static str, BTreeMap<&'static str, LessonText>> {
    let mut out = BTreeMap::new();
    for (slug, _) in LESSONS {
        for lang in LANGS {
            let text = LessonText::parse(&read(lang, slug))
                .unwrap_or_else(|e| panic!("lessons/{lang}/{slug}.txt: {e}"));
            out.entry(slug)
                .or_insert_with(BTreeMap::new)
                .insert(lang, text);
        }
    }
    out
}

/// Every paragraph with where it is, for messages.
fn paragraphs(text: &LessonText) -> Vec<(Section, &Paragraph)> {
    text.sections()
        .into_iter()
        .flat_map(|(s, ps)| ps.iter().map(move |p| (s.clone(), p)))
        .collect()
}

#[test]
fn every_lesson_in_every_language_parses_without_leftovers() {
    for (slug, langs) in all() {
        for (lang, text) in langs {
            assert!(
                text.leftovers.is_empty(),
                "lessons/{lang}/{slug}.txt: markup left literal (line, what): {:?}",
                text.leftovers
            );
        }
    }
}

#[test]
fn no_stray_files() {
    for lang in LANGS {
        for entry in std::fs::read_dir(lessons_dir().join(lang)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let known = LESSONS
                .iter()
                .any(|(slug, _)| name == format!("{slug}.txt"));
            assert!(known, "lessons/{lang}/{name}: not a lesson");
        }
    }
    let mut dirs: Vec<String> = std::fs::read_dir(lessons_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    dirs.sort();
    assert_eq!(dirs, LANGS, "lessons/ holds one folder per language");
}

#[test]
fn hints_follow_the_steps_with_the_same_count_in_every_language() {
    let all = all();
    for (slug, steps) in LESSONS {
        let en = &all[slug]["en"];
        for (lang, text) in &all[slug] {
            let found: Vec<&str> = text.hints.iter().map(|h| h.step.as_str()).collect();
            assert_eq!(found, steps, "lessons/{lang}/{slug}.txt: hint steps");
            for step in steps {
                assert_eq!(
                    text.hints_for(step).len(),
                    en.hints_for(step).len(),
                    "lessons/{lang}/{slug}.txt: hints for {step}, against English"
                );
            }
        }
    }
}

#[test]
fn same_sections_in_every_language() {
    let all = all();
    for (slug, _) in LESSONS {
        let names = |t: &LessonText| -> Vec<String> {
            t.sections().iter().map(|(s, _)| s.to_string()).collect()
        };
        let en = names(&all[slug]["en"]);
        assert_eq!(
            en.contains(&Section::WhyNot.to_string()),
            WITH_FORMULA.contains(&slug),
            "lessons/en/{slug}.txt: [why-not] where, and only where, a formula is compared"
        );
        for (lang, text) in &all[slug] {
            assert_eq!(names(text), en, "lessons/{lang}/{slug}.txt: sections");
        }
    }
}

#[test]
fn sections_are_short_and_not_blank() {
    for (slug, langs) in all() {
        for (lang, text) in langs {
            let at = format!("lessons/{lang}/{slug}.txt");
            assert!(
                (2..=4).contains(&text.intro.len()),
                "{at}: [intro] 2–4 paragraphs"
            );
            assert!(
                (1..=2).contains(&text.takeaway.len()),
                "{at}: [takeaway] 1–2"
            );
            assert!(text.why_not.len() <= 2, "{at}: [why-not] 1–2");
            for (section, p) in paragraphs(&text) {
                assert!(
                    p.plain_text().chars().any(char::is_alphanumeric),
                    "{at}:{}: {section} has a blank paragraph",
                    p.line
                );
            }
        }
    }
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}')
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

#[test]
fn japanese_and_korean_keep_no_english_paragraph() {
    for (slug, langs) in all() {
        for (lang, script) in [("ja", is_kana as fn(char) -> bool), ("ko", is_hangul)] {
            for (section, p) in paragraphs(&langs[lang]) {
                assert!(
                    p.plain_text().chars().any(script),
                    "lessons/{lang}/{slug}.txt:{}: {section} paragraph is not in {lang}: {}",
                    p.line,
                    p.plain_text()
                );
            }
        }
    }
}

/// A section's code spans (sorted: word order differs by language) and link targets.
fn spans_and_links(ps: &[Paragraph]) -> (Vec<String>, Vec<String>) {
    let mut code: Vec<String> = ps
        .iter()
        .flat_map(|p| p.code_spans().into_iter().map(str::to_owned))
        .collect();
    code.sort();
    let mut links = Vec::new();
    for p in ps {
        collect_links(&p.inlines, &mut links);
    }
    links.sort();
    (code, links)
}

fn collect_links(inlines: &[Inline], out: &mut Vec<String>) {
    for inline in inlines {
        match inline {
            Inline::Link { href, .. } => out.push(href.clone()),
            Inline::Strong(inner) => collect_links(inner, out),
            Inline::Text(_) | Inline::Code(_) => {}
        }
    }
}

#[test]
fn code_spans_and_links_match_english_per_section() {
    let all = all();
    for (slug, _) in LESSONS {
        let en: BTreeMap<Section, (Vec<String>, Vec<String>)> = all[slug]["en"]
            .sections()
            .into_iter()
            .map(|(s, ps)| (s, spans_and_links(ps)))
            .collect();
        for (lang, text) in &all[slug] {
            for (section, ps) in text.sections() {
                assert_eq!(
                    spans_and_links(ps),
                    en[&section],
                    "lessons/{lang}/{slug}.txt: {section}: (code spans, links) differ from English"
                );
            }
        }
    }
}

#[test]
fn links_go_to_the_sites_own_pages() {
    for (slug, langs) in all() {
        for (lang, text) in langs {
            for (section, p) in paragraphs(&text) {
                let mut links = Vec::new();
                collect_links(&p.inlines, &mut links);
                for href in links {
                    let lesson = href
                        .strip_prefix("/learn/")
                        .is_some_and(|s| LESSONS.iter().any(|(l, _)| *l == s));
                    assert!(
                        lesson || PAGES.contains(&href.as_str()),
                        "lessons/{lang}/{slug}.txt:{}: {section} links to {href}, no page",
                        p.line
                    );
                }
            }
        }
    }
}

/// The values of a catalogue (`locales/<lang>.txt`).
fn catalogue(lang: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}.txt"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(_, v)| v.trim().to_owned()))
        .collect()
}

#[test]
fn strong_text_is_a_control_label_in_that_language() {
    for lang in LANGS {
        let labels = catalogue(lang);
        for (slug, langs) in all() {
            for (section, p) in paragraphs(&langs[lang]) {
                for inline in &p.inlines {
                    if let Inline::Strong(inner) = inline {
                        let label = plain_text(inner);
                        assert!(
                            labels.contains(&label),
                            "lessons/{lang}/{slug}.txt:{}: {section}: **{label}** is no label \
                             in locales/{lang}.txt (strong names the page's controls)",
                            p.line
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn unsafe_markup_in_a_lesson_stays_text() {
    let src = read("en", "one-request").replace(
        "[goal]\n",
        "[goal]\n<script>alert(1)</script> [x](//evil.example) ",
    );
    let text = LessonText::parse(&src).unwrap();
    assert_eq!(
        text.goal.inlines.first(),
        Some(&Inline::Text(
            "<script>alert(1)</script> [x](//evil.example) Send one request and read its \
             answer: the status, the round-trip time and your own payload echoed back."
                .into()
        ))
    );
    assert_eq!(text.leftovers.len(), 1, "{:?}", text.leftovers);
}
