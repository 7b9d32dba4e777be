//! Source-tree rules the compiler does not check: every Rust module opens with a `//!`
//! doc, ARCHITECTURE.md names only paths that exist (`doc_map.rs`), and the front end's
//! layers import only downwards ([`LAYERS`]):
//!
//! - components (and the view-only `ui` hooks) never import `crate::hooks` or
//!   `crate::services`; pages (and `app.rs`) never import `crate::services`;
//! - `model` imports none of the browser-facing modules;
//! - the leaves import no layer: `dom` and `clock` (the browser's own APIs) nothing but
//!   other leaves — not even `model`, whose state they have no business knowing (and
//!   `model` may not import them back); `route`, `i18n`, `format` and `stats` may read
//!   `model` types (i18n names the model's enums) but no hook, service, component, page,
//!   `app`, `ui`, `dom` or `clock`. So one `pub(crate) use crate::services::…` in a leaf
//!   cannot hand a service to components;
//! - outside `hooks` and `services`, no file names the network itself ([`NETWORK`]:
//!   `gloo_net`, `web_sys::{WebSocket, EventSource, Request, RequestInit, XmlHttpRequest}`,
//!   `wasm_bindgen_futures`, yew's re-exported `yew::platform::spawn_local`) or calls a
//!   method that reaches it without a path ([`NETWORK_METHODS`]: `fetch_with_…`,
//!   `send_beacon…`).
//!
//! The check reads paths, not names: it strips comments and string literals, then follows
//! every path that starts at `crate`, climbs to the crate root with `super` or `self`
//! (`super::super::hooks` from `components/x.rs`, `self::super::hooks` from
//! `components.rs`; `x/mod.rs` is the module `x`), or starts at one of the external crates
//! above (`web_sys::WebSocket`, `::web_sys::WebSocket`), through `{…}` groups
//! (`use crate::{i18n, hooks::x}`, `use web_sys::{Url, WebSocket}`), inline or in a `use`.
//! A glob (`use crate::*`, `use web_sys::*`) or an alias (`use crate as c`,
//! `use web_sys as w`) of something that contains a forbidden path counts as naming it,
//! since what follows the alias is not followed.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

const CRATES: [&str; 4] = ["protocol", "frontend", "backend", "xtask"];

/// The front end's source root, relative to the workspace.
const FRONTEND_SRC: &str = "frontend/src";

/// One layer's rule.
struct Layer {
    /// What the rule says, printed with each violation.
    rule: &'static str,
    /// The files it covers, relative to `frontend/src`: a module's `x.rs`, `x/mod.rs` and
    /// everything under `x/`.
    files: &'static [&'static str],
    /// Crate-root modules it must not import.
    forbidden: &'static [&'static str],
    /// Whether [`NETWORK`] and [`NETWORK_METHODS`] are off limits too.
    no_network: bool,
}

/// Every layer but `hooks` and `services` (which may import anything below them) and the
/// crate roots.
const LAYERS: [Layer; 6] = [
    Layer {
        rule: "components draw only",
        files: &["components"],
        forbidden: &["hooks", "services"],
        no_network: true,
    },
    Layer {
        rule: "view-only hooks (ui) have no network",
        files: &["ui"],
        forbidden: &["hooks", "services"],
        no_network: true,
    },
    Layer {
        rule: "pages call hooks, not services",
        files: &["pages", "app"],
        forbidden: &["services"],
        no_network: true,
    },
    Layer {
        rule: "the model is pure",
        files: &["model"],
        forbidden: &[
            "hooks",
            "services",
            "components",
            "pages",
            "app",
            "ui",
            "dom",
            "clock",
        ],
        no_network: true,
    },
    Layer {
        rule: "dom and clock are leaves: the browser, no app state",
        files: &["dom", "clock"],
        forbidden: &[
            "hooks",
            "services",
            "components",
            "pages",
            "app",
            "ui",
            "model",
        ],
        no_network: true,
    },
    Layer {
        rule: "shared leaves import no layer",
        files: &["route", "i18n", "format", "stats", "wire"],
        forbidden: &[
            "hooks",
            "services",
            "components",
            "pages",
            "app",
            "ui",
            "dom",
            "clock",
        ],
        no_network: true,
    },
];

/// External paths that reach the network, or spawn the futures that do: only `hooks` and
/// `services` may name them (or a prefix of one by glob or alias).
const NETWORK: &[&[&str]] = &[
    &["gloo_net"],
    &["gloo", "net"],
    &["wasm_bindgen_futures"],
    &["yew", "platform"],
    &["web_sys", "WebSocket"],
    &["web_sys", "EventSource"],
    &["web_sys", "Request"],
    &["web_sys", "RequestInit"],
    &["web_sys", "XmlHttpRequest"],
];

/// Methods that reach the network with no path to name (`window.fetch_with_str(…)`,
/// `navigator.send_beacon(…)`): any identifier that starts with one of these.
const NETWORK_METHODS: &[&str] = &["fetch_with_", "send_beacon"];

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
             services, leaves import no layer, only hooks and services reach the network; \
             see ARCHITECTURE.md):\n  {}",
            found.join("\n  ")
        );
    }
    Ok(())
}

/// The layer rule broken by each import in the file at `rel` (relative to `frontend/src`,
/// `/`-separated) with contents `src`, as `line: path (rule)`.
fn layer_violations(rel: &str, src: &str) -> Vec<String> {
    let Some(module) = rel.strip_suffix(".rs") else {
        return Vec::new();
    };
    // `x/mod.rs` is the module `x`.
    let module = module.strip_suffix("/mod").unwrap_or(module);
    let top = module.split('/').next().unwrap_or(module);
    let Some(layer) = LAYERS.iter().find(|l| l.files.contains(&top)) else {
        return Vec::new();
    };
    let mut denied: Vec<Vec<&str>> = layer.forbidden.iter().map(|m| vec!["crate", m]).collect();
    if layer.no_network {
        denied.extend(NETWORK.iter().map(|p| p.to_vec()));
    }
    // How many `super`s climb from this file's module to the crate root.
    let depth = match module {
        "lib" | "main" => 0,
        m => m.split('/').count(),
    };
    let toks = tokens(src);
    let mut found: Vec<(usize, String)> = paths(&toks, depth)
        .iter()
        .filter_map(|p| p.names(&denied))
        .collect();
    if layer.no_network {
        found.extend(toks.iter().filter_map(|(line, t)| match t {
            Tok::Ident(w) if NETWORK_METHODS.iter().any(|m| w.starts_with(m)) => {
                Some((*line, w.clone()))
            }
            _ => None,
        }));
    }
    // One report per line and name (`hooks::{a, b}` names `crate::hooks` once).
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|(line, what)| format!("{line}: {what} ({})", layer.rule))
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

/// A path the code names, from the crate root (`crate`, …) or an external crate
/// (`web_sys`, …), each segment with its line; `*` for a glob.
#[derive(Debug)]
struct Named {
    segs: Vec<(usize, String)>,
    /// Followed by `as` (an alias hides what the code names through it).
    aliased: bool,
}

impl Named {
    /// The first of `denied` this path names (itself, or a prefix of it by glob or alias),
    /// as (line, what to print).
    fn names(&self, denied: &[Vec<&str>]) -> Option<(usize, String)> {
        let words: Vec<&str> = self.segs.iter().map(|(_, s)| s.as_str()).collect();
        let line = |k: usize| self.segs[k].0;
        let prefix_of = |d: &[&str], n: usize| n < d.len() && words[..n] == d[..n];
        denied.iter().find_map(|d| {
            if words.len() >= d.len() && words[..d.len()] == d[..] {
                Some((line(d.len() - 1), d.join("::")))
            } else if words.last() == Some(&"*") && prefix_of(d, words.len() - 1) {
                Some((line(words.len() - 1), words.join("::")))
            } else if self.aliased && prefix_of(d, words.len()) {
                Some((line(words.len() - 1), format!("{} as …", words.join("::"))))
            } else {
                None
            }
        })
    }
}

/// Every path in `toks` that reaches the crate root or starts at an external crate named
/// in [`NETWORK`]. `depth` is how many `super`s climb from the file's own module to the
/// root.
fn paths(toks: &[(usize, Tok)], depth: usize) -> Vec<Named> {
    // Inline modules (`mod tests { … }`) add a level for `super` while open.
    let mut levels = vec![depth];
    let mut opened: Vec<bool> = Vec::new();
    let mut out = Vec::new();
    let ident = |k: usize| matches!(toks.get(k), Some((_, Tok::Ident(_))));
    for i in 0..toks.len() {
        let after_sep = i > 0 && toks[i - 1].1 == Tok::PathSep;
        match &toks[i].1 {
            Tok::Open => {
                let inline_mod =
                    i >= 2 && matches!(&toks[i - 2].1, Tok::Ident(m) if m == "mod") && ident(i - 1);
                if inline_mod {
                    levels.push(levels.last().copied().unwrap_or(0) + 1);
                }
                opened.push(inline_mod);
            }
            Tok::Close => {
                let closes_mod = opened.pop().unwrap_or(false);
                levels.truncate(levels.len() - usize::from(closes_mod));
            }
            Tok::Ident(w) if matches!(w.as_str(), "crate" | "super" | "self") && !after_sep => {
                let depth = levels.last().copied().unwrap_or(0);
                walk(toks, i, Vec::new(), 0, depth, false, &mut out);
            }
            // `web_sys::…`, or `::web_sys::…` (a leading `::`, not one after a segment).
            Tok::Ident(w)
                if NETWORK.iter().any(|p| p[0] == w)
                    && (!after_sep || (i < 2 || !ident(i - 2))) =>
            {
                walk(toks, i, Vec::new(), 0, 0, true, &mut out);
            }
            _ => {}
        }
    }
    out
}

/// Follows the path (or `use` tree) starting at `toks[i]`, with `segs` the segments so far
/// from the root (empty while still relative, `supers` climbed); pushes each branch that
/// names something from the root. `external`: the first segment is an external crate.
fn walk(
    toks: &[(usize, Tok)],
    mut i: usize,
    mut segs: Vec<(usize, String)>,
    mut supers: usize,
    depth: usize,
    external: bool,
    out: &mut Vec<Named>,
) {
    while let Some((line, tok)) = toks.get(i) {
        let line = *line;
        match tok {
            Tok::Ident(w) if w == "crate" && segs.is_empty() => segs.push((line, w.clone())),
            Tok::Ident(w) if w == "super" && segs.is_empty() => {
                supers += 1;
                if supers >= depth {
                    segs.push((line, "crate".to_owned()));
                }
            }
            Tok::Ident(w) if w == "self" => {}
            // A path relative to this module, below the root.
            Tok::Ident(_) if segs.is_empty() && !external => return,
            Tok::Ident(w) => segs.push((line, w.clone())),
            Tok::Star => {
                if !segs.is_empty() {
                    segs.push((line, "*".to_owned()));
                    out.push(Named {
                        segs,
                        aliased: false,
                    });
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
                        walk(toks, j, segs.clone(), supers, depth, false, out);
                        item_start = false;
                    }
                }
                return;
            }
            _ => break,
        }
        match toks.get(i + 1).map(|t| &t.1) {
            Some(Tok::PathSep) => i += 2,
            next => {
                let aliased = matches!(next, Some(Tok::Ident(a)) if a == "as");
                if !segs.is_empty() {
                    out.push(Named { segs, aliased });
                }
                return;
            }
        }
    }
    if !segs.is_empty() {
        out.push(Named {
            segs,
            aliased: false,
        });
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
            if name != "node_modules" && name != "target" && name != "venv" {
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

    #[test]
    fn the_network_by_path_is_for_hooks_and_services_only() {
        let ws = "//! A panel.\nfn f() {\n    let s = web_sys::WebSocket::new(\"/ws\");\n}\n";
        assert_eq!(
            fires("components/panel.rs", ws),
            ["3: web_sys::WebSocket (components draw only)"]
        );
        for (rel, rule) in [
            ("ui/use_ticker.rs", "view-only hooks (ui) have no network"),
            ("model/lab.rs", "the model is pure"),
            ("pages/home.rs", "pages call hooks, not services"),
            ("app.rs", "pages call hooks, not services"),
            (
                "dom.rs",
                "dom and clock are leaves: the browser, no app state",
            ),
            ("i18n.rs", "shared leaves import no layer"),
        ] {
            assert_eq!(
                fires(rel, "use gloo_net::http::Request;"),
                [format!("1: gloo_net ({rule})")],
                "{rel}"
            );
        }
        let cases = [
            (
                "use wasm_bindgen_futures::spawn_local;",
                "wasm_bindgen_futures",
            ),
            (
                "let _ = ::wasm_bindgen_futures::JsFuture::from(p);",
                "wasm_bindgen_futures",
            ),
            ("yew::platform::spawn_local(async {});", "yew::platform"),
            ("use web_sys::{Url, EventSource};", "web_sys::EventSource"),
            ("use web_sys::{self, Request, Url};", "web_sys::Request"),
            (
                "let i = web_sys::RequestInit::new();",
                "web_sys::RequestInit",
            ),
            (
                "let x = web_sys::XmlHttpRequest::new();",
                "web_sys::XmlHttpRequest",
            ),
            ("use gloo::net::websocket::futures::WebSocket;", "gloo::net"),
            // A glob or an alias hides the name that follows: both count.
            ("use web_sys::*;", "web_sys::*"),
            ("use web_sys as w;", "web_sys as …"),
            ("use web_sys::{self as w, Url};", "web_sys as …"),
            ("use yew::platform as p;", "yew::platform"),
            // A method that fetches with no path to name.
            (
                "let p = web_sys::window().unwrap().fetch_with_str(\"/api\");",
                "fetch_with_str",
            ),
            ("w.navigator().send_beacon(\"/api\");", "send_beacon"),
        ];
        for (src, what) in cases {
            assert_eq!(
                fires("components/t.rs", src),
                [format!("1: {what} (components draw only)")],
                "{src}"
            );
        }
        // The browser's own page APIs are not the network.
        let fine = "let i: web_sys::HtmlInputElement = e.target_unchecked_into();\n\
                    let u = web_sys::Url::new(&h);\nuse yew::prelude::*;\nuse web_sys::{Url, Blob};\n\
                    let r = web_sys::RequestCache::Default; let w = my::web_sys::WebSocket;";
        assert!(
            fires("components/t.rs", fine).is_empty(),
            "{:?}",
            fires("components/t.rs", fine)
        );
        // Hooks and services do the network.
        assert!(
            fires(
                "hooks/use_echo.rs",
                "use wasm_bindgen_futures::spawn_local;"
            )
            .is_empty()
        );
        assert!(fires("services/ws.rs", "use gloo_net::websocket::Message;").is_empty());
    }

    #[test]
    fn the_network_in_comments_and_strings_does_not_fire() {
        let src = r##"//! Never calls `web_sys::WebSocket` nor gloo_net::http::Request itself.
// wasm_bindgen_futures::spawn_local is for hooks; see fetch_with_str.
/* use web_sys::*; /* yew::platform::spawn_local */ */
fn f() {
    let _s = "web_sys::EventSource::new(\"/feed\")";
    let _r = r#"use gloo_net as g; window.fetch_with_str("/")"#;
    let _c = '\'';
}
"##;
        assert!(
            fires("components/t.rs", src).is_empty(),
            "{:?}",
            fires("components/t.rs", src)
        );
        assert!(fires("dom.rs", src).is_empty());
    }

    #[test]
    fn leaves_import_no_layer() {
        // One re-export in a leaf would hand a service to every component.
        let reexport = "//! Time.\npub(crate) use crate::services::timing::now;\n";
        assert_eq!(
            fires("clock.rs", reexport),
            ["2: crate::services (dom and clock are leaves: the browser, no app state)"]
        );
        for leaf in ["dom", "clock", "route", "i18n", "format", "stats", "wire"] {
            for module in ["hooks", "services", "components", "pages", "app", "ui"] {
                let v = fires(&format!("{leaf}.rs"), &format!("use crate::{module}::x;"));
                assert_eq!(v.len(), 1, "{leaf} may not import {module}: {v:?}");
                assert!(v[0].starts_with(&format!("1: crate::{module} (")), "{v:?}");
            }
            // …also from a submodule, by `super`.
            let v = fires(&format!("{leaf}/x.rs"), "use super::super::hooks;");
            assert_eq!(v.len(), 1, "{leaf}/x.rs: {v:?}");
        }
        // dom and clock know no app state; the pure leaves may read model types (i18n
        // names the model's enums) but not the browser's leaves.
        assert_eq!(fires("dom.rs", "use crate::model::compare::Form;").len(), 1);
        assert_eq!(fires("clock.rs", "use crate::model;").len(), 1);
        assert!(fires("i18n.rs", "use crate::model::ws_session::Initiator;").is_empty());
        assert_eq!(fires("route.rs", "use crate::dom;").len(), 1);
        assert_eq!(fires("stats.rs", "use crate::clock::now_us;").len(), 1);
        // Leaves may use each other otherwise.
        assert!(fires("format.rs", "use crate::stats::Summary;").is_empty());
        assert!(fires("dom.rs", "use crate::clock;").is_empty());
    }

    #[test]
    fn a_mod_rs_file_is_its_directory_module() {
        // components/x/mod.rs is `components::x`: `super::super` is the crate.
        assert_eq!(
            fires("components/x/mod.rs", "use super::super::hooks::use_echo;"),
            ["1: crate::hooks (components draw only)"]
        );
        assert!(fires("components/x/mod.rs", "use super::use_lang;").is_empty());
        // components/mod.rs is `components`: one `super` is the crate.
        assert_eq!(
            fires("components/mod.rs", "use super::services;"),
            ["1: crate::services (components draw only)"]
        );
        assert_eq!(
            fires("pages/x/mod.rs", "use super::super::services::x;"),
            ["1: crate::services (pages call hooks, not services)"]
        );
    }

    #[test]
    fn a_path_starting_at_self_is_walked() {
        assert_eq!(
            fires("components/x.rs", "use self::super::super::hooks;"),
            ["1: crate::hooks (components draw only)"]
        );
        assert_eq!(
            fires(
                "components.rs",
                "let k = self::super::services::client_key::get();"
            ),
            ["1: crate::services (components draw only)"]
        );
        assert_eq!(
            fires("components.rs", "use self::super::{i18n, hooks::x};"),
            ["1: crate::hooks (components draw only)"]
        );
        // `self` below the root, and `self` the receiver, are not the crate.
        assert!(fires("components/x.rs", "use self::super::use_lang;").is_empty());
        assert!(fires("components/x.rs", "fn f(&self) { self.hooks.len(); }").is_empty());
    }

    #[test]
    fn an_alias_of_the_crate_root_counts_as_naming_what_it_hides() {
        assert_eq!(
            fires("components/x.rs", "use crate as c;"),
            ["1: crate as … (components draw only)"]
        );
        assert_eq!(
            fires("components/x.rs", "use super::super as root;"),
            ["1: crate as … (components draw only)"]
        );
        // An alias of a module the layer may use is fine.
        assert!(fires("components/x.rs", "use crate::model::compare as model;").is_empty());
        assert!(fires("components/x.rs", "pub(crate) fn f() {}").is_empty());
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
