//! ARCHITECTURE.md stays a true map: every file or folder it names in backticks
//! (`routes/lab.rs`, `frontend/locales/en.txt`, `backend/tests/browser/`) must exist in the
//! tree. A name may be written relative to any folder (the map says "paths are relative to
//! the crate they name"), so it matches when some real path ends with it. Checked by the
//! tidy step of `cargo xtask test`.

use std::path::Path;

use anyhow::{Result, bail};

/// Endings of the names the check treats as files.
const FILE_ENDINGS: [&str; 8] = [
    ".rs", ".txt", ".toml", ".json", ".css", ".html", ".md", ".sh",
];

/// Folders never searched (build output and installed tools).
const SKIP: [&str; 6] = [
    "target",
    "node_modules",
    "venv",
    "dist",
    ".git",
    ".ci-cache",
];

/// Build output the map may name although a clean clone lacks it.
const GENERATED: [&str; 5] = [
    "dist/",
    "target/",
    "target/screenshots/",
    "target/conformance/",
    "xtask/venv/",
];

/// Fails naming every path ARCHITECTURE.md mentions that the tree lacks.
pub(crate) fn check(root: &Path) -> Result<()> {
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md"))?;
    let mut tree = Vec::new();
    walk(root, root, &mut tree)?;
    let missing = missing_paths(&doc, &tree);
    if !missing.is_empty() {
        bail!(
            "ARCHITECTURE.md names paths that do not exist:\n  {}",
            missing.join("\n  ")
        );
    }
    Ok(())
}

/// The backticked names in `doc` that look like paths and match no entry of `tree`
/// (relative paths, folders ending in `/`).
fn missing_paths(doc: &str, tree: &[String]) -> Vec<String> {
    let mut missing = Vec::new();
    for (i, span) in doc.split('`').enumerate() {
        // Odd pieces are inside backticks; fenced blocks hold no single-backtick names.
        if i % 2 == 0 || !looks_like_path(span) || GENERATED.contains(&span) {
            continue;
        }
        let found = tree
            .iter()
            .any(|p| p == span || p.ends_with(&format!("/{span}")));
        if !found && !missing.iter().any(|m| m == span) {
            missing.push(span.to_owned());
        }
    }
    missing
}

fn looks_like_path(span: &str) -> bool {
    let plain = !span.is_empty()
        && span
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        && !span.starts_with('.')
        && !span.starts_with('/');
    plain
        && (FILE_ENDINGS.iter().any(|e| span.ends_with(e))
            || (span.ends_with('/') && span.len() > 1))
}

/// Every file (and folder, with a trailing `/`) below `dir`, relative to `root`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            if !SKIP.contains(&name) {
                out.push(format!("{rel}/"));
                walk(root, &path, out)?;
            }
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::missing_paths;

    #[test]
    fn names_resolve_from_any_folder_and_missing_ones_are_listed() {
        let tree: Vec<String> = [
            "backend/",
            "backend/src/",
            "backend/src/routes/",
            "backend/src/routes/lab.rs",
        ]
        .map(String::from)
        .to_vec();
        let doc = "`routes/lab.rs` and `backend/src/routes/lab.rs`, `src/routes/`, \
                   `routes/gone.rs`, `gone/`, `Key::name`, `?emu=`, `a b.rs`";
        assert_eq!(missing_paths(doc, &tree), ["routes/gone.rs", "gone/"]);
    }

    #[test]
    fn this_workspace_map_is_true() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        super::check(root).unwrap();
    }
}
