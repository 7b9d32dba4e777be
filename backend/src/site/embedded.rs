//! The page compiled into the binary (feature `embed-dist`): every file of `dist/` as it
//! was when the backend was built — `cargo xtask build --binary` builds the page first —
//! with the `.br`/`.gz` twins `xtask` made, served by `site/memory.rs`. `rust-embed`'s
//! `debug-embed` makes debug builds embed too, so the feature means the same in any
//! profile; a build with no `dist/` embeds nothing and the server uses `--dist`.

use rust_embed::RustEmbed;

use super::memory::{Asset, Assets};

#[derive(RustEmbed)]
#[folder = "../dist"]
#[allow_missing = true]
struct Dist;

/// The embedded `dist/`.
#[derive(Debug)]
pub(crate) struct Embedded;

impl Assets for Embedded {
    fn get(&self, name: &str) -> Option<Asset> {
        Dist::get(name).map(|f| {
            // The SHA-256 rust-embed computed at build time; 8 bytes of it suffice here.
            let sha = f.metadata.sha256_hash();
            let mut first = [0u8; 8];
            first.copy_from_slice(&sha[..8]);
            Asset {
                bytes: f.data,
                hash: u64::from_be_bytes(first),
            }
        })
    }
}

/// Whether this binary carries a built page.
pub(crate) fn present() -> bool {
    Dist::get("index.html").is_some()
}
