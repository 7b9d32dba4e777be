//! The page's size budget: `xtask/size-budget.txt` caps the gzip size of the built wasm,
//! JS and CSS (summed per kind), and `cargo xtask test` fails after the release build when
//! one is over — the figures printed on every build, enforced.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// The kinds of file the budget names, by file ending, and their keys in the budget file.
const KINDS: [(&str, &str); 3] = [
    (".wasm", "wasm_gzip"),
    (".js", "js_gzip"),
    (".css", "css_gzip"),
];

/// Checks `dist/`'s files against `xtask/size-budget.txt`; prints each kind's use.
pub(crate) fn check_dist(root: &Path) -> Result<()> {
    let text = std::fs::read_to_string(root.join("xtask/size-budget.txt"))
        .context("read xtask/size-budget.txt")?;
    let sizes = crate::tools::dist_sizes(&root.join("dist"))?;
    for line in check(&text, &sizes)? {
        eprintln!("   {line}");
    }
    Ok(())
}

/// `key = bytes` lines (`#` comments); every kind must have a line.
fn limits(text: &str) -> Result<Vec<(&'static str, u64)>> {
    let mut out = Vec::new();
    for (ending, key) in KINDS {
        let value = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim())
            })
            .with_context(|| format!("size-budget.txt has no `{key} = …` line"))?;
        let bytes = value
            .replace('_', "")
            .parse()
            .with_context(|| format!("size-budget.txt: `{key}` is not a number: {value}"))?;
        out.push((ending, bytes));
    }
    Ok(out)
}

/// Compares `sizes` (name, raw, gzip) with the budget in `text`: one line per kind, or an
/// error naming every kind over its limit.
fn check(text: &str, sizes: &[(String, u64, u64)]) -> Result<Vec<String>> {
    let mut report = Vec::new();
    let mut over = Vec::new();
    for (ending, limit) in limits(text)? {
        let files: Vec<_> = sizes
            .iter()
            .filter(|(n, _, _)| n.ends_with(ending))
            .collect();
        if files.is_empty() {
            bail!("no {ending} file in dist/ to weigh");
        }
        let used: u64 = files.iter().map(|(_, _, gz)| gz).sum();
        let line = format!("{ending}: {used} B gzip of {limit} B budget");
        if used > limit {
            over.push(line.clone());
        }
        report.push(line);
    }
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
    use super::check;

    const BUDGET: &str = "# c\nwasm_gzip = 1_000\njs_gzip = 100\ncss_gzip = 50\n";

    fn sizes(wasm: u64) -> Vec<(String, u64, u64)> {
        vec![
            ("a_bg.wasm".into(), 9_999, wasm),
            ("a.js".into(), 500, 90),
            ("style.css".into(), 300, 30),
            ("plots.css".into(), 100, 20),
        ]
    }

    #[test]
    fn under_passes_and_over_names_the_kind() {
        assert_eq!(check(BUDGET, &sizes(1_000)).unwrap().len(), 3);
        let err = check(BUDGET, &sizes(1_001)).unwrap_err().to_string();
        assert!(err.contains(".wasm: 1001 B gzip of 1000 B"), "{err}");
        // CSS is summed over its files: 30 + 20 = 50, exactly the budget.
        assert!(check(BUDGET, &sizes(10)).is_ok());
    }

    #[test]
    fn a_missing_kind_or_line_fails() {
        let mut s = sizes(10);
        s.retain(|(n, _, _)| !n.ends_with(".js"));
        assert!(check(BUDGET, &s).is_err());
        assert!(check("wasm_gzip = 1\njs_gzip = 1\n", &sizes(1)).is_err());
        assert!(check("wasm_gzip = x\njs_gzip = 1\ncss_gzip = 1\n", &sizes(1)).is_err());
    }

    #[test]
    fn this_repository_has_a_budget() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let text = std::fs::read_to_string(root.join("xtask/size-budget.txt")).unwrap();
        assert_eq!(super::limits(&text).unwrap().len(), 3);
    }
}
