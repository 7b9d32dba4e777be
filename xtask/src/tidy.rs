//! Source-tree rules the compiler does not check: every Rust module opens with a `//!` doc.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

const CRATES: [&str; 4] = ["protocol", "frontend", "backend", "xtask"];

/// Fails listing every `.rs` file whose first line is not a `//!` comment.
pub(crate) fn check(root: &Path) -> Result<()> {
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
