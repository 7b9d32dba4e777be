//! Short import names for each bundle's wasm, written after Trunk's build.
//!
//! wasm-bindgen names every JS function the wasm imports `__wbg_<what>_<16 hex digits>`,
//! all under the module `./<bundle>_bg.js`, and the JS glue defines each under the same
//! name. There are ~200 per bundle; the hex digits do not compress, so the names were
//! ~3.2–3.5 KB of every bundle's wasm gzip and about as much again in its JS (measured on
//! `lab_http`, `lab_ws` and `compare` on 2026-12-08, issue 14; ARCHITECTURE.md, "Sizes").
//! Neither wasm-bindgen nor Trunk can shorten them, and binaryen's `--minify-imports`
//! leaves the module names and the JS to the caller, so this does both ends: each
//! module becomes `a`, `b`, …, each function `a`, `b`, …, `aa`, … in the wasm's import
//! section and in the glue's import object, and the bundle's HTML gets the new files'
//! `integrity` hashes.
//!
//! A name is shortened only where the glue defines it exactly once, as a key (`name:`) of
//! its module's object (`"./x_bg.js": import0` → `const import0 = { … };`), and uses it
//! nowhere else; anything else (a snippet's module, a glue that reads differently) keeps
//! its name, so it builds a working page, only a larger one. An import listed twice gets
//! one new name. The browser tests run on the result.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use base64::Engine as _;
use sha2::Digest as _;

/// What one bundle's rewrite did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shortened {
    /// Imports renamed, of `imports`.
    pub(crate) renamed: usize,
    pub(crate) imports: usize,
}

/// Rewrites the `<bundle>-<hash>.js` and `_bg.wasm` Trunk wrote into `out`, and the
/// `integrity` of both in `out/index.html`.
pub(crate) fn shorten_dir(out: &Path, bundle: &str) -> Result<Shortened> {
    let mut js_file = None;
    let mut wasm_file = None;
    for entry in std::fs::read_dir(out)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&format!("{bundle}-")) {
            continue;
        }
        if name.ends_with("_bg.wasm") {
            wasm_file = Some(name);
        } else if name.ends_with(".js") {
            js_file = Some(name);
        }
    }
    let (Some(js_file), Some(wasm_file)) = (js_file, wasm_file) else {
        bail!("no {bundle}-….js and _bg.wasm in {}", out.display());
    };
    let wasm = std::fs::read(out.join(&wasm_file))?;
    let js = std::fs::read_to_string(out.join(&js_file))?;
    let (wasm, js, done) = shorten(&wasm, &js).with_context(|| format!("imports of {bundle}"))?;
    std::fs::write(out.join(&wasm_file), &wasm)?;
    std::fs::write(out.join(&js_file), &js)?;
    let html_path = out.join("index.html");
    let mut html = std::fs::read_to_string(&html_path)?;
    html = set_integrity(&html, &js_file, js.as_bytes())?;
    html = set_integrity(&html, &wasm_file, &wasm)?;
    std::fs::write(&html_path, html)?;
    Ok(done)
}

/// The wasm with short import names, and the glue that defines them.
pub(crate) fn shorten(wasm: &[u8], js: &str) -> Result<(Vec<u8>, String, Shortened)> {
    ensure!(
        wasm.len() >= 8 && wasm[..4] == *b"\0asm",
        "not a wasm module"
    );
    let mut out = wasm[..8].to_vec();
    let mut js = js.to_owned();
    let mut at = 8;
    let mut done = Shortened {
        renamed: 0,
        imports: 0,
    };
    while at < wasm.len() {
        let id = wasm[at];
        let (size, body) = leb(wasm, at + 1)?;
        let end = body + size;
        ensure!(end <= wasm.len(), "a section runs past the end");
        if id == 2 {
            let section = imports(&wasm[body..end], &mut js, &mut done)?;
            out.push(2);
            put_leb(&mut out, section.len());
            out.extend_from_slice(&section);
        } else {
            out.extend_from_slice(&wasm[at..end]);
        }
        at = end;
    }
    Ok((out, js, done))
}

/// The import section's body with short names; renames them in `js` as it goes.
fn imports(body: &[u8], js: &mut String, done: &mut Shortened) -> Result<Vec<u8>> {
    struct Import<'a> {
        module: &'a str,
        field: &'a str,
        desc: &'a [u8],
    }
    let (count, mut at) = leb(body, 0)?;
    let mut list = Vec::with_capacity(count);
    for _ in 0..count {
        let (module, next) = name(body, at)?;
        let (field, next) = name(body, next)?;
        let desc_end = desc_end(body, next)?;
        list.push(Import {
            module,
            field,
            desc: &body[next..desc_end],
        });
        at = desc_end;
    }
    ensure!(at == body.len(), "bytes after the last import");
    done.imports = list.len();

    // Modules first: `"./x_bg.js": import0` in the glue's returned object, where
    // `const import0 = { … };` defines that module's functions. A module whose key or
    // object is not found keeps its name, and so do its functions.
    // Per module: its new name and the glue's object of its functions, when both found.
    let mut modules: Vec<(&str, Option<(String, String)>)> = Vec::new();
    for import in &list {
        if modules.iter().any(|(m, _)| *m == import.module) {
            continue;
        }
        let key = format!("\"{}\":", import.module);
        let object = (js.matches(&key).count() == 1)
            .then(|| {
                let at = js.find(&key)? + key.len();
                let ident: String = js[at..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
                    .collect();
                object_block(js, &ident).map(|_| ident)
            })
            .flatten();
        let short = object.map(|object| {
            let short = short_name(modules.len());
            *js = js.replacen(&key, &format!("\"{short}\":"), 1);
            (short, object)
        });
        modules.push((import.module, short));
    }

    let mut section = Vec::with_capacity(body.len() / 4);
    put_leb(&mut section, list.len());
    let mut given: Vec<(&str, &str, String)> = Vec::new();
    let mut next_short = 0;
    for import in &list {
        let renamed = &modules.iter().find(|(m, _)| *m == import.module).unwrap().1;
        let (module, object) = match renamed {
            Some((short, object)) => (short.clone(), Some(object.as_str())),
            None => (import.module.to_owned(), None),
        };
        let earlier = given
            .iter()
            .find(|(m, f, _)| *m == import.module && *f == import.field)
            .map(|(.., short)| short.clone());
        let field = if let Some(short) = earlier {
            // The same function imported twice: one key in the glue, one new name.
            short
        } else {
            let at = object.and_then(|object| {
                let block = object_block(js, object)?;
                sole_key(js, import.field).filter(|at| block.contains(at))
            });
            match at {
                Some(at) => {
                    let short = loop {
                        let s = short_name(next_short);
                        next_short += 1;
                        if !list.iter().any(|i| i.field == s) {
                            break s;
                        }
                    };
                    js.replace_range(at..at + import.field.len(), &short);
                    done.renamed += 1;
                    given.push((import.module, import.field, short.clone()));
                    short
                }
                None => import.field.to_owned(),
            }
        };
        put_name(&mut section, &module);
        put_name(&mut section, &field);
        section.extend_from_slice(import.desc);
    }
    Ok(section)
}

/// Where `const <object> = {` … `};` stands in `js` (the glue's object of one module's
/// imports, its closing brace at the indentation it opened on).
fn object_block(js: &str, object: &str) -> Option<std::ops::Range<usize>> {
    if object.is_empty() {
        return None;
    }
    let open = format!("const {object} = {{\n");
    let start = js.find(&open)?;
    let line_start = js[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &js[line_start..start];
    let close = format!("\n{indent}}};");
    let end = start + js[start..].find(&close)?;
    Some(start..end)
}

/// Where `name` stands in `js` if it is there exactly once as a whole word, followed by
/// `:` (an object key).
fn sole_key(js: &str, name: &str) -> Option<usize> {
    let word =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    let mut found = None;
    for (at, _) in js.match_indices(name) {
        let before = js[..at].chars().next_back();
        let after = js[at + name.len()..].chars().next();
        if word(before) || word(after) {
            continue;
        }
        if found.is_some() {
            return None;
        }
        found = Some(at);
    }
    let at = found?;
    js[at + name.len()..]
        .trim_start()
        .starts_with(':')
        .then_some(at)
}

/// `a`…`z`, `A`…`Z`, then two letters, and so on.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// `integrity="sha384-…"` of the tag whose `href` is `/<file>`, for `bytes`. A tag
/// without one is left alone.
fn set_integrity(html: &str, file: &str, bytes: &[u8]) -> Result<String> {
    let href = format!("href=\"/{file}\"");
    let at = html
        .find(&href)
        .with_context(|| format!("no tag links {file}"))?;
    let start = html[..at].rfind('<').context("a link outside a tag")?;
    let end = at + html[at..].find('>').context("an unclosed tag")?;
    let tag = &html[start..end];
    let Some(i) = tag.find("integrity=\"") else {
        // A hash Trunk wrote some other way would be stale now: the browser would refuse
        // the file.
        ensure!(
            !tag.contains("integrity"),
            "the tag linking {file} has an integrity this cannot update: {tag}"
        );
        return Ok(html.to_owned());
    };
    let value = start + i + "integrity=\"".len();
    let value_end = value + html[value..].find('"').context("an unclosed integrity")?;
    let digest = sha2::Sha384::digest(bytes);
    let hash = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    );
    let out = format!("{}{hash}{}", &html[..value], &html[value_end..]);
    ensure!(
        !out[value_end..].contains(&href),
        "{file} is linked more than once"
    );
    Ok(out)
}

fn leb(bytes: &[u8], mut at: usize) -> Result<(usize, usize)> {
    let mut value = 0usize;
    let mut shift = 0;
    loop {
        let b = *bytes.get(at).context("a number runs past the end")?;
        at += 1;
        value |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok((value, at));
        }
        shift += 7;
        ensure!(shift < 64, "a number too long");
    }
}

fn put_leb(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn name(bytes: &[u8], at: usize) -> Result<(&str, usize)> {
    let (len, at) = leb(bytes, at)?;
    let text = bytes
        .get(at..at + len)
        .context("a name runs past the end")?;
    Ok((std::str::from_utf8(text)?, at + len))
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    put_leb(out, name.len());
    out.extend_from_slice(name.as_bytes());
}

/// The end of an import's descriptor that starts at `at` (its kind byte).
fn desc_end(bytes: &[u8], at: usize) -> Result<usize> {
    let kind = *bytes.get(at).context("an import without a kind")?;
    let limits = |at: usize| -> Result<usize> {
        let flags = *bytes.get(at).context("limits past the end")?;
        // Max present, shared, 64-bit; other flags (custom page sizes) carry more fields.
        ensure!(flags <= 0x07, "limits with flags {flags:#x}");
        let (_, mut at) = leb(bytes, at + 1)?;
        if flags & 1 != 0 {
            at = leb(bytes, at)?.1;
        }
        Ok(at)
    };
    // A table's or global's type of more than one byte (a typed reference, 0x63/0x64).
    let one_byte_type = |at: usize| -> Result<()> {
        let t = *bytes.get(at).context("a type past the end")?;
        ensure!(t != 0x63 && t != 0x64, "an import of a typed reference");
        Ok(())
    };
    match kind {
        0 => Ok(leb(bytes, at + 1)?.1),
        1 => {
            one_byte_type(at + 1)?;
            limits(at + 2)
        }
        2 => limits(at + 1),
        3 => {
            one_byte_type(at + 1)?;
            Ok(at + 3)
        }
        4 => Ok(leb(bytes, at + 2)?.1),
        other => bail!("an import of unknown kind {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `fields` (functions of type 0) from `module`, and a memory.
    fn module(module: &str, fields: &[&str]) -> Vec<u8> {
        let mut body = Vec::new();
        put_leb(&mut body, fields.len() + 1);
        for f in fields {
            put_name(&mut body, module);
            put_name(&mut body, f);
            body.extend_from_slice(&[0, 0]);
        }
        put_name(&mut body, module);
        put_name(&mut body, "memory");
        body.extend_from_slice(&[2, 1, 17, 200, 1]);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]); // one type: () -> ()
        wasm.push(2);
        put_leb(&mut wasm, body.len());
        wasm.extend_from_slice(&body);
        wasm.extend_from_slice(&[0, 4, 3, b'x', b'y', b'z']); // a custom section
        wasm
    }

    fn names(wasm: &[u8]) -> Vec<(String, String)> {
        let (_, rest) = wasm.split_at(8 + 6);
        assert_eq!(rest[0], 2);
        let (size, body) = leb(rest, 1).unwrap();
        let section = &rest[body..body + size];
        let (n, mut at) = leb(section, 0).unwrap();
        (0..n)
            .map(|_| {
                let (m, next) = name(section, at).unwrap();
                let (f, next) = name(section, next).unwrap();
                at = desc_end(section, next).unwrap();
                (m.to_owned(), f.to_owned())
            })
            .collect()
    }

    const GLUE: &str = r#"function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_log_0123456789abcdef: function(arg0) { console.log(arg0); },
        __wbg_now_fedcba9876543210: function() { return Date.now(); },
        __wbindgen_twice: function() { return __wbindgen_twice; },
    };
    return {
        __proto__: null,
        "./page_bg.js": import0,
    };
}"#;

    #[test]
    fn names_defined_once_become_short_at_both_ends() {
        let fields = [
            "__wbg_log_0123456789abcdef",
            "__wbg_now_fedcba9876543210",
            "__wbindgen_twice",
        ];
        let wasm = module("./page_bg.js", &fields);
        let (out, js, done) = shorten(&wasm, GLUE).unwrap();
        assert_eq!(
            done,
            Shortened {
                renamed: 2,
                imports: 4
            }
        );
        let got = names(&out);
        let want = [
            ("a", "a"),
            ("a", "b"),
            ("a", "__wbindgen_twice"),
            ("a", "memory"),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(m, f)| ((*m).to_owned(), (*f).to_owned()))
            .collect();
        assert_eq!(got, want);
        assert!(js.contains("        a: function(arg0) { console.log(arg0); },"));
        assert!(js.contains("        b: function() { return Date.now(); },"));
        assert!(js.contains("\"a\": import0"));
        // Used twice in the glue: kept. Not a key at all (`memory`): kept.
        assert!(js.contains("__wbindgen_twice: function() { return __wbindgen_twice; }"));
        assert!(!js.contains("0123456789abcdef"));
        // Everything after the import section is as it was.
        assert!(out.ends_with(&[0, 4, 3, b'x', b'y', b'z']));
        assert!(out.len() < wasm.len());
    }

    #[test]
    fn a_snippet_s_names_and_a_second_import_of_one_name_are_handled() {
        // Two imports of one function, and a snippet module whose export is also, by
        // chance, a key somewhere in the glue: its names are the snippet's, not the glue's.
        let mut body = Vec::new();
        let imports = [
            ("./page_bg.js", "__wbg_log_0123456789abcdef"),
            ("./page_bg.js", "__wbg_log_0123456789abcdef"),
            ("./snippets/x.js", "helper"),
        ];
        put_leb(&mut body, imports.len());
        for (m, f) in imports {
            put_name(&mut body, m);
            put_name(&mut body, f);
            body.extend_from_slice(&[0, 0]);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        wasm.push(2);
        put_leb(&mut wasm, body.len());
        wasm.extend_from_slice(&body);
        let glue = r#"import * as import1 from "./snippets/x.js";
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_log_0123456789abcdef: function(arg0) { console.log(arg0); },
    };
    const options = { helper: true };
    return {
        __proto__: null,
        "./page_bg.js": import0,
        "./snippets/x.js": import1,
    };
}"#;
        let (out, js, done) = shorten(&wasm, glue).unwrap();
        let got = names(&out);
        let want = [("a", "a"), ("a", "a"), ("./snippets/x.js", "helper")];
        let want: Vec<_> = want
            .iter()
            .map(|(m, f)| ((*m).to_owned(), (*f).to_owned()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(done.renamed, 1);
        assert!(js.contains("const options = { helper: true };"));
        assert!(js.contains("\"./snippets/x.js\": import1"));
    }

    #[test]
    fn short_names_count_on_past_one_letter() {
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(51), "Z");
        assert_eq!(short_name(52), "aa");
        assert_eq!(short_name(53), "ab");
        let all: std::collections::HashSet<_> = (0..5000).map(short_name).collect();
        assert_eq!(all.len(), 5000);
    }

    #[test]
    fn the_html_gets_the_new_files_hashes() {
        let html = r#"<link rel="modulepreload" href="/p-1.js" crossorigin="anonymous" integrity="sha384-old"><link rel="preload" href="/p-1_bg.wasm" as="fetch">"#;
        let out = set_integrity(html, "p-1.js", b"abc").unwrap();
        // sha384("abc"), base64.
        assert!(out.contains(
            r#"integrity="sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn""#
        ));
        assert_eq!(set_integrity(&out, "p-1_bg.wasm", b"x").unwrap(), out);
        assert!(set_integrity(html, "nope.js", b"x").is_err());
        // A hash written another way cannot be updated: refused, not left stale.
        let odd = r#"<link rel="modulepreload" href="/p-1.js" integrity='sha384-old'>"#;
        assert!(set_integrity(odd, "p-1.js", b"abc").is_err());
    }

    #[test]
    fn a_broken_module_is_refused() {
        assert!(shorten(b"nope", "").is_err());
        let mut wasm = module("m", &["f"]);
        wasm.truncate(20);
        assert!(shorten(&wasm, "").is_err());
    }
}
