//! One file to deploy, checked: `cargo xtask test` builds the release server with the page
//! compiled in (feature `embed-dist`), copies the binary alone into an empty folder, starts
//! it there without `--dist`, and fetches the page and its wasm over TCP with brotli, gzip
//! and no encoding — each answer must be byte for byte the file the build made.

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
        ("/", "br", "index.html.br", Some("br")),
        // Each page's address gets its own bundle's HTML (`protocol::pages`).
        ("/compare", "gzip, br;q=0", "compare.html.gz", Some("gzip")),
        ("/nope", "identity", "index.html", None),
        (wasm_path.as_str(), "identity", wasm.as_str(), None),
        (
            wasm_path.as_str(),
            "gzip, deflate, br",
            wasm_br.as_str(),
            Some("br"),
        ),
    ];
    let mut counts = run::Counts::default();
    for (path, accept, file, encoding) in cases {
        let (status, head, body) = get(&server.addr, path, accept)?;
        ensure!(status.starts_with("http/1.1 200"), "{path}: {status}");
        let sent = head
            .lines()
            .find_map(|l| l.strip_prefix("content-encoding: "))
            .map(str::trim);
        ensure!(
            sent == encoding,
            "{path} ({accept}): content-encoding {sent:?}"
        );
        let want = std::fs::read(dist.join(file)).with_context(|| format!("read dist/{file}"))?;
        if body != want {
            bail!(
                "{path} ({accept}): {} bytes, not dist/{file}'s {}",
                body.len(),
                want.len()
            );
        }
        eprintln!("   {path} ({accept}) = dist/{file}, {} B", body.len());
        counts.passed += 1;
    }
    let status = server.stop()?;
    ensure!(status.success(), "the server exited with {status}");
    let _ = std::fs::remove_dir_all(&alone);
    Ok(counts)
}
