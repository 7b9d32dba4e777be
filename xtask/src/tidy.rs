//! Source-tree rules the compiler does not check: every Rust module opens with a `//!`
//! doc, ARCHITECTURE.md names only paths that exist (`doc_map.rs`), and the front end's layers import only downwards — components (and the view-only
//! `ui` hooks) never import `crate::hooks` or `crate::services`, pages (and `app.rs`) never
//! import `crate::services`, and `model` imports none of the browser-facing modules.
//!
//! The layer check reads paths, not names: it strips comments and string literals, then
//! follows every path that starts at `crate` or climbs to the crate root with `super`
//! (`super::super::hooks` from `components/x.rs`), through `{…}` groups
//! (`use crate::{i18n, hooks::x}`), inline or in a `use`. It does not follow aliases
//! (`use crate as c;`), which the code base does not use.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

const CRATES: [&str; 4] = ["protocol", "frontend", "backend", "xtask"];

/// The front end's source root, relative to the workspace.
const FRONTEND_SRC: &str = "frontend/src";

/// Which crate-root modules a layer must not import: (layer, files it covers relative to
/// `frontend/src` — a module's `x.rs` and everything under `x/` — forbidden modules).
const LAYERS: [(&str, &[&str], &[&str]); 4] = [
    (
        "components draw only",
        &["components"],
        &["hooks", "services"],
    ),
    (
        "view-only hooks (ui) have no network",
        &["ui"],
        &["hooks", "services"],
    ),
    (
        "pages call hooks, not services",
        &["pages", "app"],
        &["services"],
    ),
    (
        "the model is pure",
        &["model"],
        &[
            "hooks",
            "services",
            "components",
            "pages",
            "app",
            "ui",
            "dom",
            "clock",
        ],
    ),
];

/// Runs every rule; fails listing each file (and line) that breaks one.
pub(crate) fn check(root: &Path) -> Result<()> {
    let mut problems = Vec::new();
    if let Err(e) = check_docs(root) {
        problems.push(e.to_string());
    }
    if let Err(e) = check_layers(root) {
        problems.push(e.to_string());
    }
    if let Err(e) = crate::doc_map::check(root) {
        problems.push(e.to_string());
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

/// Fails listing every `.rs` file whose first line is not a `//!` comment.
fn check_docs(root: &Path) -> Result<()> {
    let mut files = Vec::new();
    for krate in CRATES {
        collect(&root.join(krate), &mut files)?;
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .map(|s| !s.trim_start().starts_with("//!"))
                .unwrap_or(true)
        })
        .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string())
        .collect();
    if !missing.is_empty() {
        bail!(
            "these files lack a //! module doc:\n  {}",
            missing.join("\n  ")
        );
    }
    Ok(())
}

/// Fails listing every import across the front end's layers (see the module doc).
pub(crate) fn check_layers(root: &Path) -> Result<()> {
    let src = root.join(FRONTEND_SRC);
    let mut files = Vec::new();
    collect(&src, &mut files)?;
    files.sort();
    let mut found = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file)?;
        for v in layer_violations(&rel, &text) {
            found.push(format!("{FRONTEND_SRC}/{rel}:{v}"));
        }
    }
    if !found.is_empty() {
        bail!(
            "front-end layer rule broken (components draw, pages call hooks, hooks call \
             services; see ARCHITECTURE.md):\n  {}",
            found.join("\n  ")
        );
    }
    Ok(())
}

/// The layer rule broken by each crate-level import in the file at `rel` (relative to
/// `frontend/src`, `/`-separated) with contents `src`, as `line: crate::module (rule)`.
fn layer_violations(rel: &str, src: &str) -> Vec<String> {
    let Some(module) = rel.strip_suffix(".rs") else {
        return Vec::new();
    };
    let top = module.split('/').next().unwrap_or(module);
    let Some((rule, _, forbidden)) = LAYERS.iter().find(|(_, dirs, _)| dirs.contains(&top)) else {
        return Vec::new();
    };
    // How many `super`s climb from this file's module to the crate root.
    let depth = match module {
        "lib" | "main" => 0,
        m => m.split('/').count(),
    };
    crate_paths(src, depth)
        .into_iter()
        // A glob of the crate root would bring every module in unnamed.
        .filter(|(_, first)| first == "*" || forbidden.contains(&first.as_str()))
        .map(|(line, first)| format!("{line}: crate::{first} ({rule})"))
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Star,
    Other,
}

/// Every path in `src` that reaches the crate root, as (line, its first segment there).
/// `depth` is how many `super`s climb from the file's own module to the root.
fn crate_paths(src: &str, depth: usize) -> Vec<(usize, String)> {
    let toks = tokens(src);
    // Inline modules (`mod tests { … }`) add a level for `super` while open.
    let mut levels = vec![depth];
    let mut opened: Vec<bool> = Vec::new();
    let mut out = Vec::new();
    for i in 0..toks.len() {
        match &toks[i].1 {
            Tok::Open => {
                let inline_mod = i >= 2
                    && matches!(&toks[i - 2].1, Tok::Ident(m) if m == "mod")
                    && matches!(&toks[i - 1].1, Tok::Ident(_));
                if inline_mod {
                    levels.push(levels.last().copied().unwrap_or(0) + 1);
                }
                opened.push(inline_mod);
            }
            Tok::Close => {
                let closes_mod = opened.pop().unwrap_or(false);
                levels.truncate(levels.len() - usize::from(closes_mod));
            }
            Tok::Ident(w) if (w == "crate" || w == "super") => {
                let starts_path = i == 0 || toks[i - 1].1 != Tok::PathSep;
                if starts_path {
                    let depth = levels.last().copied().unwrap_or(0);
                    walk(&toks, i, false, 0, depth, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// Follows the path (or `use` tree) starting at `toks[i]`; pushes the first segment after
/// the crate root of each branch that reaches it, with its line (`*` for a glob of the
/// root itself).
fn walk(
    toks: &[(usize, Tok)],
    mut i: usize,
    mut root: bool,
    mut supers: usize,
    depth: usize,
    out: &mut Vec<(usize, String)>,
) {
    loop {
        let Some((line, tok)) = toks.get(i) else {
            return;
        };
        match tok {
            Tok::Ident(w) if w == "crate" => root = true,
            Tok::Ident(w) if w == "super" && !root => {
                supers += 1;
                root = supers >= depth;
            }
            Tok::Ident(w) if w == "self" => {}
            Tok::Ident(w) => {
                if root {
                    out.push((*line, w.clone()));
                }
                return;
            }
            Tok::Star => {
                if root {
                    out.push((*line, "*".to_owned()));
                }
                return;
            }
            Tok::Open => {
                // Each item of the group continues from here.
                let mut level = 0;
                let mut item_start = true;
                for j in i + 1..toks.len() {
                    match &toks[j].1 {
                        Tok::Open => level += 1,
                        Tok::Close if level == 0 => return,
                        Tok::Close => level -= 1,
                        Tok::Comma if level == 0 => {
                            item_start = true;
                            continue;
                        }
                        _ => {}
                    }
                    if item_start {
                        walk(toks, j, root, supers, depth, out);
                        item_start = false;
                    }
                }
                return;
            }
            _ => return,
        }
        if toks.get(i + 1).map(|t| &t.1) != Some(&Tok::PathSep) {
            return;
        }
        i += 2;
    }
}

/// The code's tokens with their line numbers, comments and string and character literals
/// left out (so `// crate::hooks` or `"crate::hooks"` is no import).
fn tokens(src: &str) -> Vec<(usize, Tok)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut nest = 0;
                while i < chars.len() {
                    if chars[i] == '/' && at(i + 1) == '*' {
                        nest += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        nest -= 1;
                        i += 2;
                        if nest == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(chars[i] == '\n');
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(&chars, i + 1, 0, &mut line),
            'r' if (at(i + 1) == '"' || at(i + 1) == '#') && !ident_before(&chars, i) => {
                let mut hashes = 0;
                let mut j = i + 1;
                while at(j) == '#' {
                    hashes += 1;
                    j += 1;
                }
                if at(j) == '"' {
                    i = skip_string(&chars, j + 1, hashes, &mut line);
                } else {
                    // `r#ident`: a raw identifier.
                    out.push((line, Tok::Other));
                    i = j;
                }
            }
            '\'' => {
                // A character literal ('x', '\n', '\u{..}'); otherwise a lifetime.
                if at(i + 1) == '\\' {
                    // Past the quote, the backslash and the escaped character.
                    i += 3;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if at(i + 2) == '\'' {
                    i += 3;
                } else {
                    i += 1;
                }
                out.push((line, Tok::Other));
            }
            ':' if at(i + 1) == ':' => {
                out.push((line, Tok::PathSep));
                i += 2;
            }
            c @ ('{' | '}' | ',' | '*') => {
                let tok = match c {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    ',' => Tok::Comma,
                    _ => Tok::Star,
                };
                out.push((line, tok));
                i += 1;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((line, Tok::Ident(chars[start..i].iter().collect())));
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                out.push((line, Tok::Other));
                i += 1;
            }
        }
    }
    out
}

/// Whether `chars[i]` continues an identifier (`bar"` is not a raw string).
fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The index after a string literal whose body starts at `i` and which ends with `"`
/// followed by `hashes` `#`s; counts the lines it spans.
fn skip_string(chars: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' if hashes == 0 => i += 2,
            '"' if (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) => {
                return i + 1 + hashes;
            }
            c => {
                *line += usize::from(c == '\n');
                i += 1;
            }
        }
    }
    i
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "node_modules" && name != "target" {
                collect(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_layers, layer_violations};

    fn fires(rel: &str, src: &str) -> Vec<String> {
        layer_violations(rel, src)
    }

    #[test]
    fn a_component_importing_a_hook_or_a_service_fires() {
        let v = fires(
            "components/panel.rs",
            "//! A panel.\nuse yew::prelude::*;\nuse crate::hooks::use_echo::EchoState;\n",
        );
        assert_eq!(v, ["3: crate::hooks (components draw only)"]);
        // A path inline, not in a `use`.
        let v = fires(
            "components/panel.rs",
            "//! A panel.\nfn f() {\n    let k = crate::services::client_key::generate();\n}\n",
        );
        assert_eq!(v, ["3: crate::services (components draw only)"]);
        // Spaced out, across lines.
        let v = fires("components/a/b.rs", "use crate\n    :: hooks;\n");
        assert_eq!(v, ["2: crate::hooks (components draw only)"]);
    }

    #[test]
    fn super_chains_are_followed_to_the_crate_root() {
        // components/x.rs: `super` is `components`, `super::super` the crate.
        let v = fires(
            "components/x.rs",
            "use super::super::hooks::use_route::Router;",
        );
        assert_eq!(v, ["1: crate::hooks (components draw only)"]);
        assert!(fires("components/x.rs", "use super::use_lang;").is_empty());
        // components.rs itself: one `super` is the crate.
        assert_eq!(
            fires("components.rs", "use super::services::ws;"),
            ["1: crate::services (components draw only)"]
        );
        // An inline module adds a level: here `super` is `components`, not the crate.
        let inline =
            "//! Doc.\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::hooks;\n}\n";
        assert!(fires("components.rs", inline).is_empty());
        // …and `super::super` from inside it is the crate.
        let inline = "mod tests {\n    use super::super::services;\n}\n";
        assert_eq!(
            fires("components.rs", inline),
            ["2: crate::services (components draw only)"]
        );
    }

    #[test]
    fn grouped_imports_are_followed_into_each_item() {
        let src = "use crate::{\n    i18n::Key,\n    model::{lab::LabRow, fetch},\n    hooks::{use_echo, use_race},\n};";
        assert_eq!(
            fires("components/lab_table.rs", src),
            ["4: crate::hooks (components draw only)"]
        );
        assert_eq!(
            fires("components/t.rs", "use crate::{hooks, services};").len(),
            2
        );
        assert_eq!(
            fires("components/t.rs", "use super::{super::hooks::x, y};"),
            ["1: crate::hooks (components draw only)"]
        );
        assert!(fires("components/t.rs", "use crate::{i18n::Key, model::fetch};").is_empty());
        // A glob of the crate root would let any module in unnamed.
        assert_eq!(
            fires("components/t.rs", "use crate::*;"),
            ["1: crate::* (components draw only)"]
        );
    }

    #[test]
    fn comments_strings_and_other_names_do_not_fire() {
        let src = r##"//! Draws what `crate::hooks::use_echo` gives it; never calls crate::services.
// hooks: see crate::hooks::use_ticker (not imported)
/* crate::services::lab /* nested crate::hooks */ */
/// Uses `crate::hooks` in a doc only.
fn f() -> &'static str {
    let _c = 'x';
    let _q = '\'';
    let _b = b'"';
    let _s = "crate::hooks::use_echo";
    let _r = r#"crate::services"#;
    let hooks = 1;
    let _ = my_crate::hooks::x;
    "use crate::hooks;"
}
"##;
        assert!(
            fires("components/t.rs", src).is_empty(),
            "{:?}",
            fires("components/t.rs", src)
        );
        // `pub(crate)` is no path.
        assert!(fires("components/t.rs", "pub(crate) struct S;").is_empty());
    }

    #[test]
    fn each_layer_has_its_own_rule() {
        let hook = "use crate::hooks::use_echo::use_echo;";
        let service = "use crate::services::compare as svc;";
        // Pages and the app call hooks, never services.
        assert!(fires("pages/home.rs", hook).is_empty());
        assert_eq!(
            fires("pages/compare.rs", service),
            ["1: crate::services (pages call hooks, not services)"]
        );
        assert_eq!(fires("app.rs", service).len(), 1);
        // View-only hooks: no network.
        assert_eq!(fires("ui/use_ticker.rs", service).len(), 1);
        // The model is pure.
        assert_eq!(fires("model/lab.rs", "use crate::dom;").len(), 1);
        assert!(fires("model/lab.rs", "use crate::stats;").is_empty());
        // Hooks and services themselves may import services.
        assert!(fires("hooks/use_echo.rs", service).is_empty());
        assert!(fires("services/echo.rs", "use super::timing;").is_empty());
    }

    /// The workspace itself keeps every rule (the same check `cargo xtask test` runs first).
    #[test]
    fn this_workspace_is_tidy() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        if let Err(e) = super::check(root) {
            panic!("{e}");
        }
    }

    #[test]
    fn the_check_reads_a_source_tree_and_names_file_and_line() {
        let root = std::env::temp_dir().join(format!("duplex-tidy-{}", std::process::id()));
        let components = root.join("frontend/src/components");
        std::fs::create_dir_all(&components).unwrap();
        std::fs::write(
            components.join("panel.rs"),
            "//! A panel.\n// crate::hooks is off limits here.\nuse crate::i18n::Key;\n",
        )
        .unwrap();
        assert!(check_layers(&root).is_ok());
        std::fs::write(
            components.join("panel.rs"),
            "//! A panel.\nuse crate::i18n::Key;\nuse crate::hooks::use_echo::EchoState;\n",
        )
        .unwrap();
        let err = check_layers(&root).unwrap_err().to_string();
        std::fs::remove_dir_all(&root).unwrap();
        assert!(
            err.contains("frontend/src/components/panel.rs:3: crate::hooks"),
            "{err}"
        );
    }
}
