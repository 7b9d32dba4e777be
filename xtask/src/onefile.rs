//! One file to deploy, checked: `cargo xtask test` builds the release server with the page
//! compiled in (feature `embed-dist`), copies the binary alone into an empty folder, starts
//! it there without `--dist`, and fetches the page, its wasm and a link-card image over TCP
//! with brotli, gzip and no encoding. A file must be byte for byte the one the build made;
//! a page (compressed per request: it carries its own link card) must decode to its
//! bundle's HTML with only the card between the `duplex:meta` markers changed, and name
//! itself at the server's address.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};

use crate::run;
use crate::server::Server;

/// The release binary with the page inside.
pub(crate) fn build(root: &Path) -> Result<PathBuf> {
    run::cargo(&[
        "build",
        "--release",
        "--locked",
        "-p",
        "backend",
        "--bin",
        "backend",
        "--features",
        "embed-dist",
    ])?;
    Ok(root.join("target/release/backend"))
}

/// One GET: (status line, headers lowercased, body).
fn get(addr: &str, path: &str, accept: &str) -> Result<(String, String, Vec<u8>)> {
    let mut tcp = TcpStream::connect(addr).with_context(|| format!("connect {addr}"))?;
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: {accept}\r\nConnection: close\r\n\r\n"
    )?;
    let mut got = Vec::new();
    tcp.read_to_end(&mut got)?;
    let end = got
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no end of head")?;
    let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
    let status = head.lines().next().unwrap_or_default().to_owned();
    Ok((status, head, got[end + 4..].to_vec()))
}

/// Runs the check; the number of answers compared.
pub(crate) fn check(root: &Path) -> Result<run::Counts> {
    let dist = root.join("dist");
    let binary = build(root)?;
    let size = std::fs::metadata(&binary)?.len();
    let alone = std::env::temp_dir().join(format!("duplex-onefile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&alone);
    std::fs::create_dir_all(&alone)?;
    let copy = alone.join("backend");
    std::fs::copy(&binary, &copy)?;
    eprintln!(
        "   {} ({:.1} MB) alone in {}",
        binary.display(),
        size as f64 / 1e6,
        alone.display()
    );
    let wasm = std::fs::read_dir(&dist)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.ends_with(".wasm"))
        .context("no wasm in dist/")?;
    let server = Server::start_in(&copy, None, Some(&alone))?;
    let (wasm_path, wasm_br) = (format!("/{wasm}"), format!("{wasm}.br"));
    let cases = [
        ("/", "br", "index.html", Some("br"), 200),
        // Each page's address gets its own bundle's HTML (`protocol::pages`).
        (
            "/compare",
            "gzip, br;q=0",
            "compare.html",
            Some("gzip"),
            200,
        ),
        // A lesson: its family's lesson bundle.
        (
            "/learn/keep-alive",
            "br",
            "learn_http.html",
            Some("br"),
            200,
        ),
        // An address no page has: the home bundle, which says so, with a 404.
        ("/nope", "identity", "index.html", None, 404),
        (wasm_path.as_str(), "identity", wasm.as_str(), None, 200),
        (
            wasm_path.as_str(),
            "gzip, deflate, br",
            wasm_br.as_str(),
            Some("br"),
            200,
        ),
        ("/cards/home-en.jpg", "br", "cards/home-en.jpg", None, 200),
    ];
    let mut counts = run::Counts::default();
    for (path, accept, file, encoding, code) in cases {
        let (status, head, body) = get(&server.addr, path, accept)?;
        ensure!(
            status.starts_with(&format!("http/1.1 {code}")),
            "{path}: {status}"
        );
        let sent = head
            .lines()
            .find_map(|l| l.strip_prefix("content-encoding: "))
            .map(str::trim);
        ensure!(
            sent == encoding,
            "{path} ({accept}): content-encoding {sent:?}"
        );
        let want = std::fs::read(dist.join(file)).with_context(|| format!("read dist/{file}"))?;
        if file.ends_with(".html") {
            let page = decode(&body, encoding)?;
            let page = String::from_utf8(page).context("a page that is not UTF-8")?;
            let want = String::from_utf8(want)?;
            ensure!(
                without_card(&page)? == without_card(&want)?,
                "{path} ({accept}): not dist/{file} outside its link card"
            );
            let own = format!(r#"property="og:url" content="http://{}"#, server.addr);
            ensure!(
                page.contains(&own),
                "{path}: no og:url at the server's address"
            );
        } else if body != want {
            bail!(
                "{path} ({accept}): {} bytes, not dist/{file}'s {}",
                body.len(),
                want.len()
            );
        }
        eprintln!("   {path} ({accept}) = dist/{file}, {} B sent", body.len());
        counts.passed += 1;
    }
    let status = server.stop()?;
    ensure!(status.success(), "the server exited with {status}");
    let _ = std::fs::remove_dir_all(&alone);
    Ok(counts)
}

/// `body` as sent with `encoding`, decoded.
fn decode(body: &[u8], encoding: Option<&str>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match encoding {
        Some("br") => {
            brotli::Decompressor::new(body, 4096).read_to_end(&mut out)?;
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out)?;
        }
        _ => out.extend_from_slice(body),
    }
    Ok(out)
}

/// A page's HTML without what lies between its `duplex:meta` markers and without its
/// `<html …>` tag (the server sets the language there).
fn without_card(html: &str) -> Result<String> {
    let (start, end) = ("<!-- duplex:meta -->", "<!-- /duplex:meta -->");
    let a = html.find(start).context("no duplex:meta marker")?;
    let b = html.find(end).context("no /duplex:meta marker")?;
    let rest = format!("{}{}", &html[..a], &html[b..]);
    let open = rest.find("<html").context("no <html>")?;
    let close = open + rest[open..].find('>').context("no end of <html>")?;
    Ok(format!("{}{}", &rest[..open], &rest[close..]))
}
