//! Precompressed assets: after Trunk's build, every `.wasm`, `.js`, `.css`, `.html` and `.txt` in
//! `dist/` gets a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) sibling, which the
//! server sends to a browser that accepts them (`backend/src/site.rs`). Made once at build
//! time, so a request costs no compression work.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// File endings that are compressed.
const ENDINGS: [&str; 5] = [".wasm", ".js", ".css", ".html", ".txt"];

/// Writes `X.br` and `X.gz` beside every asset `X` in `dist`, on every core (brotli 11
/// takes ~5 s per bundle's wasm).
pub(crate) fn dist(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    let mut folders = vec![dist.to_path_buf()];
    // Folders too: the lessons' texts are `dist/lessons/<lang>/<slug>.txt`.
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).context("no dist/ after the build")? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                folders.push(path);
            } else if ENDINGS.iter().any(|e| name.ends_with(e)) {
                files.push(path);
            }
        }
    }
    // Largest first, so the cores finish together.
    files.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).map_or(0, |m| m.len())));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else {
                            return Ok(());
                        };
                        one(path)?;
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().expect("a compression thread panicked"))
    })
}

/// `X.br` and `X.gz` beside `path`.
fn one(path: &Path) -> Result<()> {
    let raw = std::fs::read(path)?;
    std::fs::write(format!("{}.br", path.display()), brotli(&raw)?)?;
    let status = Command::new("gzip")
        .args(["-9", "-k", "-f", "-n"])
        .arg(path)
        .status()
        .context("cannot run gzip")?;
    if !status.success() {
        bail!("gzip could not compress {}", path.display());
    }
    Ok(())
}

/// `bytes` compressed with brotli at its best quality and a 4 MiB window.
pub(crate) fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).context("brotli compression")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn brotli_round_trips_and_shrinks_text() {
        let text = "WebSocket ソケット通信 소켓 통신 ".repeat(200);
        let packed = super::brotli(text.as_bytes()).unwrap();
        assert!(
            packed.len() < text.len() / 10,
            "{} of {}",
            packed.len(),
            text.len()
        );
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
    }
}
