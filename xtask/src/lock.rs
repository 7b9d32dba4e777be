//! Reads exact versions out of `Cargo.lock`, so a tool version is written down once.

use anyhow::{Context, Result, bail};

/// The version of `package` in the lock file text (the first entry if there are several).
pub(crate) fn version_of(lock: &str, package: &str) -> Result<String> {
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let next = lines.next().context("truncated Cargo.lock")?;
            if let Some(v) = next
                .trim()
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(v.to_owned());
            }
            bail!("no version line after {wanted}");
        }
    }
    bail!("{package} is not in Cargo.lock")
}

#[cfg(test)]
mod tests {
    use super::version_of;

    #[test]
    fn finds_exact_package_not_prefix() {
        let lock = r#"
[[package]]
name = "wasm-bindgen-futures"
version = "0.4.50"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
"#;
        assert_eq!(version_of(lock, "wasm-bindgen").unwrap(), "0.2.130");
        assert_eq!(version_of(lock, "wasm-bindgen-futures").unwrap(), "0.4.50");
        assert!(version_of(lock, "trunk").is_err());
    }
}
