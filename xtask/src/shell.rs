//! The page's static shell, so the first paint does not wait for the wasm: after Trunk
//! builds `dist/index.html`, its `<!-- duplex:shell -->` marker becomes the site header,
//! the tabs and a loading line, in English, Japanese and Korean, with the words from the
//! front end's catalogue (`frontend/locales/*.txt`, the one source of every string).
//! `index.html`'s inline script has already put the language the page will choose
//! (`?lang=`, else the browser's languages, else English: `app.rs`'s rule) on
//! `<html lang>`, and the CSS shows only that language's words. The app removes the shell
//! when it mounts (`dom::remove_shell`); if the page's text cannot be fetched, it shows
//! the shell's hidden failure line instead (`dom::shell_failed`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The marker in `index.html` the shell replaces.
pub(crate) const MARKER: &str = "<!-- duplex:shell -->";

/// The languages, as the catalogue's file names and `<html lang>` tags.
const LANGS: [&str; 3] = ["en", "ja", "ko"];

/// The tabs: path and catalogue key, in the order the app's `Nav` draws them.
const TABS: [(&str, &str); 6] = [
    ("/", "nav_home"),
    ("/lab/http", "nav_http_lab"),
    ("/lab/ws", "nav_ws_lab"),
    ("/compare", "nav_compare"),
    ("/chat", "nav_chat"),
    ("/learn", "nav_learn"),
];

/// `key = value` lines of one catalogue file (comments and blank lines skipped).
fn catalogue(root: &Path, lang: &str) -> Result<HashMap<String, String>> {
    let path = root.join(format!("frontend/locales/{lang}.txt"));
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The shell's HTML, from the three catalogues.
pub(crate) fn render(root: &Path) -> Result<String> {
    let books: Vec<(&str, HashMap<String, String>)> = LANGS
        .iter()
        .map(|l| Ok((*l, catalogue(root, l)?)))
        .collect::<Result<_>>()?;
    // One span per language; only the page's language is shown (style.css).
    let words = |key: &str| -> Result<String> {
        let mut out = String::new();
        for (lang, book) in &books {
            let text = book
                .get(key)
                .with_context(|| format!("frontend/locales/{lang}.txt has no `{key}`"))?;
            write!(out, r#"<span data-l="{lang}">{}</span>"#, escape(text))?;
        }
        Ok(out)
    };
    let mut tabs = String::new();
    for (path, key) in TABS {
        write!(tabs, r#"<a class="tab" href="{path}">{}</a>"#, words(key)?)?;
    }
    Ok(format!(
        r#"<div id="shell" class="page"><header class="top"><div class="brand"><span class="logo" aria-hidden="true">⇄</span><h1>Duplex</h1></div><p class="tagline">{tagline}</p></header><nav class="tabs">{tabs}</nav><p class="shell-loading" role="status">{loading}</p><p class="shell-failed" role="alert" hidden>{failed}</p></div>"#,
        tagline = words("app_tagline")?,
        loading = words("shell_loading")?,
        failed = words("shell_failed")?,
    ))
}

/// Replaces the marker in `dist/index.html` with the shell.
pub(crate) fn inject(root: &Path, index: &Path) -> Result<()> {
    let html =
        std::fs::read_to_string(index).with_context(|| format!("read {}", index.display()))?;
    if !html.contains(MARKER) {
        bail!(
            "{} has no `{MARKER}`: the shell has nowhere to go (is it in index.html's body?)",
            index.display()
        );
    }
    let html = html.replacen(MARKER, &render(root)?, 1);
    std::fs::write(index, html).with_context(|| format!("write {}", index.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn the_shell_speaks_every_language_from_the_catalogue() {
        let html = render(&root()).unwrap();
        for lang in LANGS {
            let book = catalogue(&root(), lang).unwrap();
            for key in [
                "app_tagline",
                "shell_loading",
                "shell_failed",
                "nav_home",
                "nav_compare",
                "nav_chat",
            ] {
                let words = escape(&book[key]);
                assert!(
                    html.contains(&format!(r#"<span data-l="{lang}">{words}</span>"#)),
                    "{lang} {key}"
                );
            }
        }
        assert!(html.starts_with(r#"<div id="shell""#));
        // The source page carries the marker exactly once, in its body.
        let index = std::fs::read_to_string(root().join("index.html")).unwrap();
        assert_eq!(index.matches(MARKER).count(), 1);
        let body = index.split_once("<body>").unwrap().1;
        assert!(body.contains(MARKER));
    }

    #[test]
    fn words_are_escaped() {
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
