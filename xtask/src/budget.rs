//! The page's size budget: `xtask/size-budget.txt` caps, **per bundle**
//! (`protocol::pages::Bundle`), the gzip size of its wasm and JS and the brotli bytes of
//! its first visit (its HTML, JS, wasm, the CSS and the English text, `en.txt`), and the
//! gzip size of the CSS all bundles share. The pages' bundles and the lessons' have lines
//! of their own (`wasm_gzip` / `lesson_wasm_gzip`, …): a lesson carries its widget and the
//! lesson frame, and the pages a blog reader opens first must not pay for that. A bundle
//! may have lines of its own (`home.wasm_gzip`, `chat.first_visit_br`: [`OWN_KEYS`]) that
//! hold it instead of its class's — a page that is under issue 14's 160 KiB stays there
//! while the class's line still carries the heavier pages. `cargo xtask test` fails after the release build when one is over — the
//! figures printed on every build, enforced. Sizes are deterministic for a toolchain, so
//! this is a check, not a timed test.

use std::path::Path;

use anyhow::{Context, Result, bail};
use protocol::pages::Bundle;

/// The page's text an English first visit fetches (no text is compiled into the wasm).
const LANGUAGE_FILE: &str = "en.txt";

/// The budget file's keys.
const KEYS: [&str; 6] = [
    "wasm_gzip",
    "js_gzip",
    "css_gzip",
    "first_visit_br",
    "lesson_wasm_gzip",
    "lesson_first_visit_br",
];

/// What a bundle's own line (`<name>.<key>`) may cap.
const OWN_KEYS: [&str; 2] = ["wasm_gzip", "first_visit_br"];

/// The file's `key = value` lines (comments and blank lines skipped).
fn pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// `value` as bytes (`_` separators allowed).
fn bytes_of(key: &str, value: &str) -> Result<u64> {
    value
        .replace('_', "")
        .parse()
        .with_context(|| format!("size-budget.txt: `{key}` is not a number: {value}"))
}

/// `bundle`'s own line for `key` ([`OWN_KEYS`]), if it has one; an error for a line
/// naming no bundle or a key no bundle line may cap (a typo would otherwise hold nothing).
fn own_limit(text: &str, bundle: Bundle, key: &str) -> Result<Option<u64>> {
    let mut found = None;
    for (k, v) in pairs(text) {
        let Some((name, own)) = k.split_once('.') else {
            continue;
        };
        if !Bundle::ALL.iter().any(|b| b.name() == name) || !OWN_KEYS.contains(&own) {
            bail!(
                "size-budget.txt: `{k}` is no bundle's own line (`<bundle>.{}`)",
                OWN_KEYS.join("` or `<bundle>.")
            );
        }
        if name == bundle.name() && own == key {
            found = Some(bytes_of(k, v)?);
        }
    }
    Ok(found)
}

/// One built file: name, raw, gzip and brotli bytes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Weighed {
    pub(crate) name: String,
    pub(crate) gzip: u64,
    pub(crate) brotli: u64,
}

/// Checks `dist/`'s files against `xtask/size-budget.txt`; prints each line.
pub(crate) fn check_dist(root: &Path) -> Result<()> {
    let text = std::fs::read_to_string(root.join("xtask/size-budget.txt"))
        .context("read xtask/size-budget.txt")?;
    let dist = root.join("dist");
    let mut files = Vec::new();
    for (name, _raw, gzip) in crate::tools::dist_sizes(&dist)? {
        files.push(Weighed {
            brotli: brotli_of(&dist, &name)?,
            name,
            gzip,
        });
    }
    for name in Bundle::ALL.iter().map(|b| b.html()).chain([LANGUAGE_FILE]) {
        files.push(Weighed {
            name: name.to_owned(),
            gzip: 0,
            brotli: brotli_of(&dist, name)?,
        });
    }
    for line in check(&text, &files)? {
        eprintln!("   {line}");
    }
    Ok(())
}

/// The size of `dist/<name>.br` (made by `compress.rs`).
fn brotli_of(dist: &Path, name: &str) -> Result<u64> {
    let br = dist.join(format!("{name}.br"));
    Ok(std::fs::metadata(&br)
        .with_context(|| format!("no {} (precompress runs first)", br.display()))?
        .len())
}

/// `key = bytes` lines (`#` comments); every key must have a line.
fn limits(text: &str) -> Result<Vec<(&'static str, u64)>> {
    let mut out = Vec::new();
    for key in KEYS {
        let value = pairs(text)
            .find_map(|(k, v)| (k == key).then_some(v))
            .with_context(|| format!("size-budget.txt has no `{key} = …` line"))?;
        out.push((key, bytes_of(key, value)?));
    }
    Ok(out)
}

/// The one file of `bundle` ending in `ending` (`<name>-<hash><ending>`).
fn own<'a>(files: &'a [Weighed], bundle: Bundle, ending: &str) -> Result<&'a Weighed> {
    let mut found = files
        .iter()
        .filter(|f| f.name.starts_with(&format!("{}-", bundle.name())) && f.name.ends_with(ending));
    let one = found
        .next()
        .with_context(|| format!("no {}-…{ending} in dist/ to weigh", bundle.name()))?;
    if found.next().is_some() {
        bail!("more than one {}-…{ending} in dist/", bundle.name());
    }
    Ok(one)
}

/// Compares `files` with the budget in `text`: one line per bundle and one for the CSS,
/// or an error naming every figure over its limit.
fn check(text: &str, files: &[Weighed]) -> Result<Vec<String>> {
    let limit = |key: &str| -> Result<u64> {
        limits(text)?
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .with_context(|| format!("no budget for {key}"))
    };
    let css: Vec<_> = files.iter().filter(|f| f.name.ends_with(".css")).collect();
    if css.is_empty() {
        bail!("no .css file in dist/ to weigh");
    }
    let css_gzip: u64 = css.iter().map(|f| f.gzip).sum();
    let css_br: u64 = css.iter().map(|f| f.brotli).sum();
    let mut report = Vec::new();
    let mut over = Vec::new();
    let mut figure = |what: String, used: u64, limit: u64| {
        let line = format!("{what}: {used} B of {limit} B budget");
        if used > limit {
            over.push(line.clone());
        }
        line
    };
    for b in Bundle::ALL {
        let wasm = own(files, b, "_bg.wasm")?;
        let js = own(files, b, ".js")?;
        let html = files
            .iter()
            .find(|f| f.name == b.html())
            .with_context(|| format!("no {} in dist/", b.html()))?;
        let words = files
            .iter()
            .find(|f| f.name == LANGUAGE_FILE)
            .with_context(|| format!("no {LANGUAGE_FILE} in dist/"))?;
        let first = html.brotli + js.brotli + wasm.brotli + css_br + words.brotli;
        let (wasm_key, first_key) = if b.is_lessons() {
            ("lesson_wasm_gzip", "lesson_first_visit_br")
        } else {
            ("wasm_gzip", "first_visit_br")
        };
        let wasm_limit = match own_limit(text, b, "wasm_gzip")? {
            Some(own) => own,
            None => limit(wasm_key)?,
        };
        let first_limit = match own_limit(text, b, "first_visit_br")? {
            Some(own) => own,
            None => limit(first_key)?,
        };
        let line = [
            figure(format!("{} wasm gzip", b.name()), wasm.gzip, wasm_limit),
            figure("js gzip".into(), js.gzip, limit("js_gzip")?),
            figure("first visit brotli".into(), first, first_limit),
        ];
        report.push(line.join(", "));
    }
    report.push(figure(
        "css gzip (shared)".into(),
        css_gzip,
        limit("css_gzip")?,
    ));
    if !over.is_empty() {
        bail!(
            "over the size budget (xtask/size-budget.txt):\n  {}",
            over.join("\n  ")
        );
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: &str = "# c\nwasm_gzip = 1_000\njs_gzip = 100\ncss_gzip = 50\n\
        first_visit_br = 1_200\nlesson_wasm_gzip = 2_000\nlesson_first_visit_br = 2_200\n";

    fn weighed(name: &str, gzip: u64, brotli: u64) -> Weighed {
        Weighed {
            name: name.into(),
            gzip,
            brotli,
        }
    }

    /// Every bundle's files; `compare`'s wasm weighs `wasm` gzip and brotli.
    fn files(wasm: u64) -> Vec<Weighed> {
        let mut out = vec![
            weighed("style-1.css", 30, 20),
            weighed("plots-1.css", 20, 10),
        ];
        for b in Bundle::ALL {
            let w = if b == Bundle::Compare { wasm } else { 10 };
            out.push(weighed(&format!("{}-ab12_bg.wasm", b.name()), w, w));
            out.push(weighed(&format!("{}-ab12.js", b.name()), 90, 80));
            out.push(weighed(b.html(), 0, 40));
        }
        out.push(weighed("en.txt", 0, 5));
        out
    }

    #[test]
    fn under_passes_and_over_names_the_bundle() {
        assert_eq!(
            check(BUDGET, &files(1_000)).unwrap().len(),
            Bundle::ALL.len() + 1
        );
        let err = check(BUDGET, &files(1_001)).unwrap_err().to_string();
        assert!(err.contains("compare wasm gzip: 1001 B of 1000 B"), "{err}");
        // First visit: 40 html + 80 js + 1_000 wasm + 30 CSS + 5 text = 1_155.
        let lines = check(BUDGET, &files(1_000)).unwrap();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("first visit brotli: 1155 B")),
            "{lines:?}"
        );
        let tight = BUDGET.replace("first_visit_br = 1_200", "first_visit_br = 1_154");
        let err = check(&tight, &files(1_000)).unwrap_err().to_string();
        assert!(
            err.contains("first visit brotli: 1155 B of 1154 B"),
            "{err}"
        );
        // CSS is summed over its files: 30 + 20 = 50, exactly the budget.
        assert!(check(BUDGET, &files(10)).is_ok());
    }

    #[test]
    fn a_lesson_bundle_is_held_to_the_lessons_line() {
        let heavy = |w: u64| {
            let mut f = files(10);
            for x in &mut f {
                if x.name == "learn_ws-ab12_bg.wasm" {
                    (x.gzip, x.brotli) = (w, w);
                }
            }
            f
        };
        // 1_500 is over a page's 1_000 but within a lesson's 2_000.
        assert!(check(BUDGET, &heavy(1_500)).is_ok());
        let err = check(BUDGET, &heavy(2_001)).unwrap_err().to_string();
        assert!(
            err.contains("learn_ws wasm gzip: 2001 B of 2000 B"),
            "{err}"
        );
    }

    #[test]
    fn a_bundle_s_own_line_holds_it_and_a_wrong_one_fails() {
        // home's wasm weighs 10: under the pages' 1_000, over its own 9.
        let own = format!("{BUDGET}home.wasm_gzip = 9\n");
        let err = check(&own, &files(10)).unwrap_err().to_string();
        assert!(err.contains("home wasm gzip: 10 B of 9 B"), "{err}");
        assert!(check(&format!("{BUDGET}home.wasm_gzip = 10\n"), &files(10)).is_ok());
        // First visit: 40 + 80 + 10 + 30 + 5 = 165.
        let own = format!("{BUDGET}chat.first_visit_br = 164\n");
        let err = check(&own, &files(10)).unwrap_err().to_string();
        assert!(err.contains("first visit brotli: 165 B of 164 B"), "{err}");
        // The other bundles keep their class's line.
        let own = format!("{BUDGET}home.wasm_gzip = 10\n");
        assert!(check(&own, &files(1_000)).is_ok());
        let err = check(&own, &files(1_001)).unwrap_err().to_string();
        assert!(err.contains("compare wasm gzip: 1001 B of 1000 B"), "{err}");
        for typo in ["hom.wasm_gzip = 9", "home.wasm = 9", "home.js_gzip = 9"] {
            let err = check(&format!("{BUDGET}{typo}\n"), &files(10)).unwrap_err();
            assert!(
                err.to_string().contains("no bundle's own line"),
                "{typo}: {err}"
            );
        }
    }

    #[test]
    fn a_missing_file_or_line_fails() {
        let mut f = files(10);
        f.retain(|w| w.name != "chat-ab12.js");
        assert!(check(BUDGET, &f).is_err());
        let mut f = files(10);
        f.retain(|w| w.name != "compare.html");
        assert!(check(BUDGET, &f).is_err());
        assert!(check("wasm_gzip = 1\njs_gzip = 1\ncss_gzip = 1\n", &files(1)).is_err());
        assert!(check(&BUDGET.replace("1_000", "x"), &files(1)).is_err());
    }

    #[test]
    fn this_repository_has_a_budget() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = std::fs::read_to_string(root.join("xtask/size-budget.txt")).unwrap();
        assert_eq!(limits(&text).unwrap().len(), KEYS.len());
    }
}
