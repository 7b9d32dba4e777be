//! Installs the build and test tools, each step skipped when the right version is present:
//! the wasm32 target, trunk (pinned here), wasm-bindgen-cli (the Cargo.lock version),
//! wasm-opt (binaryen from npm, pinned in `xtask/node/package.json`, with axe-core for the
//! accessibility tests), Debian's Chromium + chromedriver + the Noto CJK font, and kosoku
//! (the Autobahn TestSuite runner, pinned in `xtask/python/requirements.txt`) in a venv;
//! Debian's `redis-server` for the chat-across-instances test;
//! for `cargo xtask fuzz`, cargo-fuzz (pinned here) and a look for the `nightly`
//! toolchain.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::run::{self, Steps};

/// trunk 0.22 needs rustc ≥ 1.96.1; 0.21.14 builds with the machine's 1.95.
const TRUNK_VERSION: &str = "0.21.14";
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A Japanese/Korean font, so screenshots show text rather than empty boxes (users' own
/// machines have one; a bare Debian has none).
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// Everything needed to build the page.
pub(crate) fn ensure_build_tools(steps: &mut Steps, root: &Path) -> Result<()> {
    let installed = run::output(root, "rustup", &["target", "list", "--installed"]);
    if installed.is_some_and(|t| t.lines().any(|l| l.trim() == "wasm32-unknown-unknown")) {
        eprintln!("✓ wasm32-unknown-unknown target present");
    } else {
        steps.run("rustup target add wasm32-unknown-unknown", || {
            run::tool(
                root,
                "rustup",
                &["target", "add", "wasm32-unknown-unknown"],
                &[],
            )
        })?;
    }

    let want = format!("trunk {TRUNK_VERSION}");
    if run::output(root, "trunk", &["--version"]).as_deref() == Some(want.as_str()) {
        eprintln!("✓ {want} present");
    } else {
        steps.run(
            &format!("cargo install trunk@{TRUNK_VERSION} (~8 min once)"),
            || cargo_install(&["--locked", &format!("trunk@{TRUNK_VERSION}")]),
        )?;
    }

    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("read Cargo.lock")?;
    let wbg = crate::lock::version_of(&lock, "wasm-bindgen")?;
    let want = format!("wasm-bindgen {wbg}");
    if run::output(root, "wasm-bindgen", &["--version"]).as_deref() == Some(want.as_str()) {
        eprintln!("✓ {want} present");
    } else {
        // Without --locked: the CLI's own lock pins a webpki-roots the registry lacks.
        steps.run(
            &format!("cargo install wasm-bindgen-cli {wbg} (~3 min once)"),
            || cargo_install(&["wasm-bindgen-cli", "--version", &wbg]),
        )?;
    }

    let node = root.join("xtask/node");
    let want = binaryen_version(&node)?;
    let axe = axe_core(root);
    let wasm_opt_ok = || {
        run::output(root, "wasm-opt", &["--version"])
            .as_deref()
            .is_some_and(|v| v.contains(&format!("version_{want}")))
    };
    if wasm_opt_ok() && axe.is_file() {
        eprintln!("✓ wasm-opt (binaryen {want}) and axe-core present");
    } else {
        steps.run(
            &format!("npm install binaryen {want} (wasm-opt), axe-core"),
            || {
                let ci = node.join("package-lock.json").exists();
                let verb = if ci { "ci" } else { "install" };
                let prefix = node.display().to_string();
                run::tool(
                    root,
                    "npm",
                    &[verb, "--prefix", &prefix, "--no-audit", "--no-fund"],
                    &[],
                )?;
                // The very things the step should provide.
                if !wasm_opt_ok() {
                    bail!("npm finished but wasm-opt (binaryen {want}) is not on the PATH");
                }
                if !axe.is_file() {
                    bail!("npm finished but {} is missing", axe.display());
                }
                Ok(())
            },
        )?;
    }
    Ok(())
}

/// Headless Chromium, its driver and a CJK font for the browser tests.
pub(crate) fn ensure_browser(steps: &mut Steps) -> Result<()> {
    if [CHROMIUM, CHROMEDRIVER, CJK_FONT]
        .iter()
        .all(|p| Path::new(p).exists())
    {
        eprintln!("✓ chromium, chromedriver and a CJK font present");
        return Ok(());
    }
    if !is_root() {
        bail!(
            "browser tests need {CHROMIUM}, {CHROMEDRIVER} and {CJK_FONT}: run \
             `sudo apt-get update && sudo apt-get install -y chromium chromium-driver \
             fonts-noto-cjk`, \
             or pass --no-browser to skip them locally"
        );
    }
    steps.run(
        "apt-get install chromium chromium-driver fonts-noto-cjk",
        || {
            apt(&["update"])?;
            apt(&[
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
                "fonts-noto-cjk",
            ])?;
            // Check for the very files the step should provide, so a package rename or a
            // partial install fails here rather than as empty boxes in a screenshot.
            for path in [CHROMIUM, CHROMEDRIVER, CJK_FONT] {
                if !Path::new(path).exists() {
                    bail!("apt-get finished but {path} is still missing");
                }
            }
            Ok(())
        },
    )
}

/// Debian's Redis server, which the chat-across-instances test starts (on a unix socket,
/// in a temporary folder, without persistence).
pub(crate) const REDIS_SERVER: &str = "/usr/bin/redis-server";

/// `redis-server` from Debian for the `chat-redis` test: skipped when the very file is
/// there, else `apt-get update && apt-get install redis-server` (as root, as for
/// Chromium), then checked the same way.
pub(crate) fn ensure_redis(steps: &mut Steps) -> Result<()> {
    if Path::new(REDIS_SERVER).exists() {
        eprintln!("✓ redis-server present");
        return Ok(());
    }
    if !is_root() {
        bail!(
            "the chat-across-instances test needs {REDIS_SERVER}: run \
             `sudo apt-get update && sudo apt-get install -y redis-server`"
        );
    }
    steps.run("apt-get install redis-server", || {
        apt(&["update"])?;
        apt(&["install", "-y", "--no-install-recommends", "redis-server"])?;
        if !Path::new(REDIS_SERVER).exists() {
            bail!("apt-get finished but {REDIS_SERVER} is still missing");
        }
        Ok(())
    })
}

/// `apt-get ARGS`, non-interactive; an error unless it exits 0.
fn apt(args: &[&str]) -> Result<()> {
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("cannot run apt-get")?;
    if !status.success() {
        bail!("apt-get {} exited with {status}", args.join(" "));
    }
    Ok(())
}

/// cargo-fuzz, the libFuzzer driver of `cargo xtask fuzz` (`backend/fuzz/`).
pub(crate) const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// `cargo-fuzz` at [`CARGO_FUZZ_VERSION`] in `$CARGO_HOME/bin`: skipped when that very
/// file runs and says that version; else `cargo install --locked`, then checked the same
/// way.
pub(crate) fn ensure_cargo_fuzz(steps: &mut Steps, root: &Path) -> Result<()> {
    let exe = run::cargo_bin().join("cargo-fuzz");
    let want = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    // `cargo-fuzz --version` prints `cargo-fuzz 0.13.2`.
    let installed = || {
        let program = exe.display().to_string();
        run::output(root, &program, &["--version"])
    };
    if installed().as_deref() == Some(want.as_str()) {
        eprintln!("✓ {want} present ({})", exe.display());
        return Ok(());
    }
    steps.run(
        &format!("cargo install cargo-fuzz@{CARGO_FUZZ_VERSION} (~2 min once)"),
        || {
            cargo_install(&["--locked", &format!("cargo-fuzz@{CARGO_FUZZ_VERSION}")])?;
            match installed() {
                Some(v) if v == want => Ok(()),
                Some(v) => bail!("cargo install finished but {} says {v:?}", exe.display()),
                None => bail!(
                    "cargo install finished but {} is missing or does not run",
                    exe.display()
                ),
            }
        },
    )
}

/// The `nightly` toolchain's `rustc --version`, if rustup has one. Never installed here:
/// a machine of this project's kind has one toolchain and cannot fetch another, so
/// `cargo xtask fuzz` uses nightly (for AddressSanitizer) only where it already is.
pub(crate) fn nightly(root: &Path) -> Option<String> {
    run::output(root, "rustup", &["run", "nightly", "rustc", "--version"])
        .filter(|v| v.contains("nightly"))
}

fn cargo_install(args: &[&str]) -> Result<()> {
    let mut all = vec!["install"];
    all.extend_from_slice(args);
    run::cargo(&all)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// axe-core's browser script, installed from npm beside wasm-opt, injected by the
/// accessibility browser tests.
pub(crate) fn axe_core(root: &Path) -> PathBuf {
    root.join("xtask/node/node_modules/axe-core/axe.min.js")
}

/// The binaryen major version `xtask/node/package.json` pins (`"binaryen": "132.0.0"`).
fn binaryen_version(node: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(node.join("package.json"))?;
    let rest = manifest
        .split_once("\"binaryen\":")
        .context("package.json does not list binaryen")?
        .1;
    let version = rest.split('"').nth(1).context("bad binaryen version")?;
    Ok(version.split('.').next().unwrap_or(version).to_owned())
}

/// Raw and gzip (-9) sizes of the built wasm, JS and CSS.
pub(crate) fn dist_sizes(dist: &Path) -> Result<Vec<(String, u64, u64)>> {
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(dist).context("no dist/ after the build")? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        if !(name.ends_with(".wasm") || name.ends_with(".js") || name.ends_with(".css")) {
            continue;
        }
        let raw = std::fs::metadata(&path)?.len();
        let out = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .output()
            .context("cannot run gzip")?;
        if !out.status.success() || out.stdout.is_empty() {
            bail!("gzip could not compress {}", path.display());
        }
        let gz = out.stdout.len() as u64;
        sizes.push((name, raw, gz));
    }
    sizes.sort();
    Ok(sizes)
}

/// The Python tools' pins (`kosoku==0.1.0`), installed into [`venv`].
const PYTHON_REQUIREMENTS: &str = "xtask/python/requirements.txt";

/// The virtual environment the Python tools live in (gitignored), made by
/// [`ensure_kosoku`].
pub(crate) fn venv(root: &Path) -> PathBuf {
    root.join("xtask/venv")
}

/// The Autobahn TestSuite runner `cargo xtask conformance` drives.
pub(crate) fn kosoku(root: &Path) -> PathBuf {
    venv(root).join("bin/kosoku")
}

/// The version `xtask/python/requirements.txt` pins for `package` (`name==version`).
fn python_pin(requirements: &str, package: &str) -> Option<String> {
    requirements
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .find_map(|l| {
            let (name, version) = l.split_once("==")?;
            (name.trim().eq_ignore_ascii_case(package)).then(|| version.trim().to_owned())
        })
}

/// kosoku (the pinned version) in `xtask/venv/`: skipped when the venv's `kosoku` runs
/// and its package is the pinned version; else the venv is made with `python3 -m venv`
/// and the pins installed with its own pip, then checked the same way.
pub(crate) fn ensure_kosoku(steps: &mut Steps, root: &Path) -> Result<()> {
    let requirements = root.join(PYTHON_REQUIREMENTS);
    let pins = std::fs::read_to_string(&requirements)
        .with_context(|| format!("read {}", requirements.display()))?;
    let want = python_pin(&pins, "kosoku").context("requirements.txt does not pin kosoku")?;
    let venv = venv(root);
    let python = venv.join("bin/python");
    let exe = kosoku(root);
    let installed = || -> Option<String> {
        // The very file the step provides, and that it runs.
        let help = Command::new(&exe).arg("--help").output().ok()?;
        if !help.status.success() || !String::from_utf8_lossy(&help.stdout).contains("usage") {
            return None;
        }
        let version = Command::new(&python)
            .args([
                "-c",
                "import importlib.metadata as m; print(m.version('kosoku'))",
            ])
            .output()
            .ok()?;
        version
            .status
            .success()
            .then(|| String::from_utf8_lossy(&version.stdout).trim().to_owned())
    };
    if installed().as_deref() == Some(want.as_str()) {
        eprintln!("✓ kosoku {want} present ({})", exe.display());
        return Ok(());
    }
    steps.run(
        &format!("pip install kosoku {want} into xtask/venv"),
        || {
            if !python.is_file() {
                let status = Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(&venv)
                    .status()
                    .context("cannot run python3 (Debian: apt-get install python3 python3-venv)")?;
                if !status.success() || !python.is_file() {
                    bail!(
                        "python3 -m venv {} failed (Debian: apt-get install python3-venv)",
                        venv.display()
                    );
                }
            }
            let status = Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--no-input",
                    // Only reached when the check failed: a package pip thinks is there
                    // but whose `kosoku` script is gone or broken is installed again.
                    "--force-reinstall",
                    "-r",
                ])
                .arg(&requirements)
                .status()
                .context("cannot run the venv's pip")?;
            if !status.success() {
                bail!("pip install -r {PYTHON_REQUIREMENTS} exited with {status}");
            }
            match installed() {
                Some(v) if v == want => Ok(()),
                Some(v) => bail!("pip finished but the venv has kosoku {v}, not {want}"),
                None => bail!(
                    "pip finished but {} is missing or does not run --help",
                    exe.display()
                ),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::python_pin;

    #[test]
    fn reads_a_pin_from_requirements() {
        let pins = "# tools\nkosoku==0.1.0  # the runner\nother == 2.0\n";
        assert_eq!(python_pin(pins, "kosoku").as_deref(), Some("0.1.0"));
        assert_eq!(python_pin(pins, "other").as_deref(), Some("2.0"));
        assert_eq!(python_pin(pins, "missing"), None);
        let real = include_str!("../python/requirements.txt");
        assert!(python_pin(real, "kosoku").is_some());
    }
}
