//! The page's bundles (`protocol::pages::Bundle`), each built by Trunk into one `dist/`.
//!
//! Trunk builds one HTML file with one Rust binary, so each bundle gets its own copy of
//! `index.html` in `target/bundles/` (its `data-bin` set to the bundle, its `href`s
//! pointing back at the repository) and its own `trunk build`. The wasm of every bundle
//! is compiled first in one cargo run, so cargo links two at once on two cores and each
//! Trunk run finds its binary built. The outputs meet in `dist/`: each bundle's
//! `<name>-<hash>.js` and `_bg.wasm`, its HTML as `Bundle::html`, and the files they
//! share (CSS, `ja.txt`, `ko.txt`), identical in every run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use protocol::pages::Bundle;

use crate::run;

/// The binary `index.html` names; each bundle's copy names its own.
const INDEX_BIN: &str = r#"data-bin="home""#;

/// `index.html` for `bundle`, to be built from `target/bundles/` (two folders down).
pub(crate) fn html_for(index: &str, bundle: Bundle) -> Result<String> {
    ensure!(
        index.matches(INDEX_BIN).count() == 1,
        "index.html must name its Rust binary once as `{INDEX_BIN}`"
    );
    ensure!(
        index.contains(r#"href="frontend/"#),
        "index.html's Trunk links no longer start with `frontend/`"
    );
    Ok(index
        .replace(INDEX_BIN, &format!(r#"data-bin="{}""#, bundle.name()))
        .replace(r#"href="frontend/"#, r#"href="../../frontend/"#))
}

/// Builds every bundle into a fresh `dist/`.
pub(crate) fn build(root: &Path) -> Result<()> {
    run::cargo(&[
        "build",
        "--locked",
        "-p",
        "frontend",
        "--bins",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ])?;
    let index = std::fs::read_to_string(root.join("index.html")).context("read index.html")?;
    let work = root.join("target/bundles");
    std::fs::create_dir_all(&work)?;
    let dist = root.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).context("clear dist/")?;
    }
    std::fs::create_dir_all(&dist)?;
    for bundle in Bundle::ALL {
        let html = work.join(format!("{}.html", bundle.name()));
        std::fs::write(&html, html_for(&index, bundle)?)?;
        let out = work.join(bundle.name());
        run::tool(
            root,
            "trunk",
            &[
                "build",
                "--release",
                "--offline=true",
                "--dist",
                &path_str(&out)?,
                &path_str(&html)?,
            ],
            &[("TRUNK_SKIP_VERSION_CHECK", "true")],
        )
        .with_context(|| format!("trunk build of bundle `{}`", bundle.name()))?;
        let done = crate::imports::shorten_dir(&out, bundle.name())?;
        eprintln!(
            "   {}: {} of {} import names shortened",
            bundle.name(),
            done.renamed,
            done.imports
        );
        gather(&out, &dist, bundle)?;
    }
    Ok(())
}

/// Copies one Trunk output into `dist/`, its `index.html` as the bundle's HTML.
fn gather(out: &Path, dist: &Path, bundle: Bundle) -> Result<()> {
    let mut own = 0;
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        let name = file_name(&path)?;
        if path.is_dir() {
            // Shared folders (the lessons' texts), the same in every run.
            copy_dir(&path, &dist.join(&name))?;
            continue;
        }
        let to = if name == "index.html" {
            bundle.html().to_owned()
        } else {
            if name.starts_with(&format!("{}-", bundle.name())) {
                own += 1;
            }
            name
        };
        std::fs::copy(&path, dist.join(&to)).with_context(|| format!("copy {to} into dist/"))?;
    }
    if own != 2 {
        bail!(
            "trunk made {own} files named `{}-…` (want its .js and _bg.wasm)",
            bundle.name()
        );
    }
    Ok(())
}

/// `from` into `to`, folders and all.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(file_name(&path)?);
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)
                .with_context(|| format!("copy {} into dist/", path.display()))?;
        }
    }
    Ok(())
}

fn file_name(path: &Path) -> Result<String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .with_context(|| format!("odd file name {}", path.display()))
}

fn path_str(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_owned)
        .with_context(|| format!("not UTF-8: {}", path.display()))
}

/// The built HTML files in `dist/`, one per bundle.
pub(crate) fn html_files(dist: &Path) -> Vec<PathBuf> {
    Bundle::ALL.iter().map(|b| dist.join(b.html())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::read_to_string(root.join("index.html")).unwrap()
    }

    #[test]
    fn each_bundle_gets_its_binary_and_links_back_to_the_repository() {
        let index = index();
        for bundle in Bundle::ALL {
            let html = html_for(&index, bundle).unwrap();
            assert!(html.contains(&format!(r#"data-bin="{}""#, bundle.name())));
            assert_eq!(html.matches("data-bin=").count(), 1);
            assert!(!html.contains(r#"href="frontend/"#));
            assert!(html.contains(r#"href="../../frontend/Cargo.toml""#));
        }
    }

    #[test]
    fn an_index_without_the_home_binary_is_refused() {
        let changed = index().replace(INDEX_BIN, r#"data-bin="frontend""#);
        assert!(html_for(&changed, Bundle::Chat).is_err());
    }
}
