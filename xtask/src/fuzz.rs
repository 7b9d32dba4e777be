//! `cargo xtask fuzz --secs N [TARGET...]`: the cargo-fuzz targets in `backend/fuzz/` (one
//! per parser of untrusted input), each run by libFuzzer for N seconds; and [`smoke`], the
//! short run that is a step of `cargo xtask test`.
//!
//! cargo-fuzz (pinned, `tools::CARGO_FUZZ_VERSION`) is installed when absent. The
//! toolchain ([`Toolchain`]): `nightly` with AddressSanitizer (cargo-fuzz's default) where
//! rustup has it; else the default (stable) toolchain with `--sanitizer none`, since
//! `-Zsanitizer` needs nightly and a machine of this project's kind has one toolchain and
//! cannot fetch another (the coverage instrumentation libFuzzer needs builds on stable).
//! Every crate the targets reach forbids `unsafe`, so ASan adds little; it halves the
//! executions. The targets are built once, then each runs with
//! `cargo fuzz run <t> -- -max_total_time=N`, reading the checked-in seeds
//! (`backend/fuzz/corpus/<t>/`) and keeping what it finds in a working corpus under the
//! gitignored `backend/fuzz/target/corpus/<t>/`, so a run never dirties the tree and the
//! next run starts where this one stopped. Its whole output goes to
//! `backend/fuzz/target/logs/<t>.log`; the terminal gets everything but libFuzzer's
//! `NEW`/`REDUCE` lines and dictionary. Per target: seconds run, executions (libFuzzer's
//! final `stat::number_of_executed_units`, else its `#N DONE` line), corpus size, and a
//! crash's artifact (`backend/fuzz/artifacts/<t>/`, gitignored), then a table of all; the
//! task fails if any target crashed or failed.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::run::{self, Steps};
use crate::tools;

/// The cargo-fuzz crate, relative to the workspace root.
pub(crate) const FUZZ_DIR: &str = "backend/fuzz";

/// libFuzzer's limit on one input, in seconds: a parser that takes longer is a finding.
const INPUT_TIMEOUT_SECS: u64 = 10;

/// libFuzzer's longest input where its default (4,096 bytes) is too short: the request
/// line is looked at up to `MAX_LINE` (8 KiB) bytes, and a request head is judged up to
/// `MAX_HEAD_BYTES` (32 KiB), so inputs must reach past them.
const MAX_LEN: [(&str, usize); 2] = [("request_line", 12 * 1024), ("request_head", 40 * 1024)];

/// Seconds per target of the smoke run in `cargo xtask test`.
pub(crate) const SMOKE_SECS: u64 = 3;

/// The compiler cargo-fuzz builds with, and the flags that follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Toolchain {
    /// `cargo +nightly fuzz`, AddressSanitizer.
    Nightly,
    /// `cargo fuzz` on the default toolchain, `--sanitizer none`, in its own target
    /// folder (so switching toolchains rebuilds neither).
    Default,
}

impl Toolchain {
    fn pick(root: &Path) -> Self {
        match tools::nightly(root) {
            Some(v) => {
                eprintln!("✓ nightly toolchain present ({v}): fuzzing with AddressSanitizer");
                Toolchain::Nightly
            }
            None => {
                eprintln!(
                    "!! no nightly toolchain (rustup cannot fetch one here): fuzzing with the \
                     default toolchain and --sanitizer none"
                );
                Toolchain::Default
            }
        }
    }

    /// The flags `build` and `run` share (they must match, or `run` builds again). Debug
    /// assertions are on (`-a`), so arithmetic overflow panics too.
    fn flags(self, root: &Path) -> Vec<String> {
        let mut flags = vec!["--debug-assertions".to_owned()];
        if self == Toolchain::Default {
            flags.extend(["--sanitizer".to_owned(), "none".to_owned()]);
            let dir = root.join(FUZZ_DIR).join("target/default-toolchain");
            flags.extend(["--target-dir".to_owned(), dir.display().to_string()]);
        }
        flags
    }
}

/// What one target's run showed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// `stat::number_of_executed_units`, else the `#N DONE` line, else `Done N runs`.
    pub(crate) execs: Option<u64>,
    /// `corp: N/…` of the last status line: inputs in the corpus at the end.
    pub(crate) corpus: Option<u64>,
    /// The seconds libFuzzer reports (`Done N runs in S second(s)`).
    pub(crate) fuzz_secs: Option<u64>,
    /// `Test unit written to PATH`: the input that crashed (or timed out, or leaked).
    pub(crate) artifact: Option<String>,
}

impl Outcome {
    /// Reads one line of libFuzzer's output.
    fn read(&mut self, line: &str) {
        let line = line.trim();
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            self.execs = n.trim().parse().ok().or(self.execs);
        } else if let Some(rest) = line.strip_prefix('#') {
            // `#123456\tDONE   cov: 1 ft: 2 corp: 78/1234b lim: …`, also INITED/NEW/pulse.
            let mut words = rest.split_whitespace();
            let n = words.next().and_then(|n| n.parse::<u64>().ok());
            let kind = words.next().unwrap_or("");
            if kind == "DONE" && self.execs.is_none() {
                self.execs = n;
            }
            if let Some(corp) = line.split("corp: ").nth(1) {
                let count = corp.split('/').next().unwrap_or("");
                self.corpus = count.parse().ok().or(self.corpus);
            }
        } else if let Some(rest) = line.strip_prefix("Done ") {
            // `Done 123456 runs in 11 second(s)`
            let words: Vec<&str> = rest.split_whitespace().collect();
            if let [n, "runs", "in", secs, ..] = words.as_slice() {
                self.execs = self.execs.or_else(|| n.parse().ok());
                self.fuzz_secs = secs.parse().ok();
            }
        } else if let Some(path) = line
            .split_once("Test unit written to ")
            .map(|(_, p)| p.trim())
        {
            self.artifact = Some(path.to_owned());
        }
    }
}

/// One target's row in the summary.
#[derive(Debug)]
struct Row {
    target: String,
    wall_secs: f64,
    outcome: Outcome,
    /// Why the run failed, if it did.
    failure: Option<String>,
}

/// `cargo xtask fuzz`: every target in `backend/fuzz/fuzz_targets/` (or those named), each
/// for `secs` seconds.
/// With `no_nightly`, the default toolchain even where nightly is installed.
pub(crate) fn run(
    steps: &mut Steps,
    root: &Path,
    secs: u64,
    no_nightly: bool,
    only: &[String],
) -> Result<()> {
    if secs == 0 {
        bail!("--secs must be at least 1");
    }
    let targets = pick(&targets(root)?, only)?;
    let toolchain = if no_nightly {
        eprintln!("!! --no-nightly: fuzzing with the default toolchain and --sanitizer none");
        Toolchain::Default
    } else {
        Toolchain::pick(root)
    };
    let rows = fuzz_all(steps, root, toolchain, secs, &targets)?;
    steps.report();
    report(&rows);
    fail_on_findings(&rows)
}

/// The step of `cargo xtask test`: every target built and run [`SMOKE_SECS`] seconds (a
/// target that cannot start, or crashes on its seeds or soon after, fails the step); one
/// passed test per target in the tally.
pub(crate) fn smoke(steps: &mut Steps, root: &Path) -> Result<run::Counts> {
    let targets = targets(root)?;
    let rows = fuzz_all(steps, root, Toolchain::pick(root), SMOKE_SECS, &targets)?;
    report(&rows);
    fail_on_findings(&rows)?;
    Ok(run::Counts {
        passed: rows.len() as u64,
        ..run::Counts::default()
    })
}

fn fuzz_all(
    steps: &mut Steps,
    root: &Path,
    toolchain: Toolchain,
    secs: u64,
    targets: &[String],
) -> Result<Vec<Row>> {
    tools::ensure_cargo_fuzz(steps, root)?;
    build(steps, root, toolchain)?;
    let mut rows = Vec::new();
    for target in targets {
        let row = steps.run(&format!("fuzz {target} for {secs} s"), || {
            run_one(root, toolchain, target, secs)
        })?;
        rows.push(row);
    }
    Ok(rows)
}

fn fail_on_findings(rows: &[Row]) -> Result<()> {
    let failed: Vec<String> = rows
        .iter()
        .filter_map(|r| Some(format!("{}: {}", r.target, r.failure.as_ref()?)))
        .collect();
    if !failed.is_empty() {
        bail!("fuzzing found problems:\n  {}", failed.join("\n  "));
    }
    Ok(())
}

/// The fuzz targets: one `fuzz_targets/<name>.rs` each, sorted.
pub(crate) fn targets(root: &Path) -> Result<Vec<String>> {
    let dir = root.join(FUZZ_DIR).join("fuzz_targets");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("read {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    if names.is_empty() {
        bail!("no fuzz targets in {}", dir.display());
    }
    Ok(names)
}

/// `only` (all when empty), each checked against `all`.
fn pick(all: &[String], only: &[String]) -> Result<Vec<String>> {
    if only.is_empty() {
        return Ok(all.to_vec());
    }
    for name in only {
        if !all.contains(name) {
            bail!("no fuzz target `{name}` (known: {})", all.join(", "));
        }
    }
    Ok(only.to_vec())
}

/// `cargo [+nightly] fuzz <args>` in `backend/` (cargo-fuzz finds `fuzz/` there), with
/// the outer cargo's toolchain choice removed from the environment.
fn cargo_fuzz(root: &Path, toolchain: Toolchain, args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    if toolchain == Toolchain::Nightly {
        cmd.arg("+nightly");
    }
    cmd.arg("fuzz")
        .args(args)
        .current_dir(root.join("backend"))
        .env("PATH", run::path_env(root))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC");
    cmd
}

/// Builds every target once (so each run's seconds are fuzzing, not compiling).
fn build(steps: &mut Steps, root: &Path, toolchain: Toolchain) -> Result<()> {
    let name = match toolchain {
        Toolchain::Nightly => "cargo +nightly fuzz build (backend/fuzz, ASan)",
        Toolchain::Default => "cargo fuzz build (backend/fuzz, --sanitizer none)",
    };
    steps.run(name, || {
        let flags = toolchain.flags(root);
        let mut args = vec!["build"];
        args.extend(flags.iter().map(String::as_str));
        let status = cargo_fuzz(root, toolchain, &args)
            .status()
            .context("cannot run cargo fuzz")?;
        if !status.success() {
            bail!("cargo fuzz build exited with {status}");
        }
        Ok(())
    })
}

/// Folders of one target: its checked-in seeds, its working corpus, its log.
fn paths(root: &Path, target: &str) -> (PathBuf, PathBuf, PathBuf) {
    let fuzz = root.join(FUZZ_DIR);
    (
        fuzz.join("corpus").join(target),
        fuzz.join("target/corpus").join(target),
        fuzz.join("target/logs").join(format!("{target}.log")),
    )
}

/// Runs one target for `secs` seconds; a crash is a failed row, not an error, so every
/// target runs.
fn run_one(root: &Path, toolchain: Toolchain, target: &str, secs: u64) -> Result<Row> {
    let (seeds, work, log_path) = paths(root, target);
    std::fs::create_dir_all(&work)?;
    std::fs::create_dir_all(log_path.parent().context("log path has a folder")?)?;
    let mut log = std::fs::File::create(&log_path)
        .with_context(|| format!("create {}", log_path.display()))?;
    let max_time = format!("-max_total_time={secs}");
    let timeout = format!("-timeout={INPUT_TIMEOUT_SECS}");
    let (work_s, seeds_s) = (work.display().to_string(), seeds.display().to_string());
    let flags = toolchain.flags(root);
    let mut args = vec!["run", target];
    args.extend(flags.iter().map(String::as_str));
    // New inputs go to the first folder; the seeds are only read.
    args.extend_from_slice(&[&work_s, &seeds_s, "--", &max_time, &timeout]);
    args.push("-print_final_stats=1");
    let max_len = MAX_LEN
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, n)| format!("-max_len={n}"));
    args.extend(max_len.as_deref());
    let started = Instant::now();
    let mut child = cargo_fuzz(root, toolchain, &args)
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run cargo fuzz run")?;
    let stderr = child.stderr.take().context("no stderr")?;
    let mut outcome = Outcome::default();
    let mut err = std::io::stderr().lock();
    for line in BufReader::new(stderr).lines() {
        let line = line?;
        writeln!(log, "{line}")?;
        outcome.read(&line);
        if !is_noise(&line) {
            writeln!(err, "   {line}")?;
        }
    }
    drop(err);
    let status = child.wait()?;
    let wall_secs = started.elapsed().as_secs_f64();
    let failure = match (&outcome.artifact, status.success()) {
        (Some(path), _) => Some(format!(
            "crashed; input in {path} (log {})",
            log_path.display()
        )),
        (None, false) => Some(format!("exited with {status} (log {})", log_path.display())),
        (None, true) => None,
    };
    Ok(Row {
        target: target.to_owned(),
        wall_secs,
        outcome,
        failure,
    })
}

/// libFuzzer's line for each new or smaller input, and its recommended dictionary's
/// entries (`"\\000=" # Uses: 12`): many, and in the log.
fn is_noise(line: &str) -> bool {
    let line = line.trim();
    if line.starts_with('"') && line.contains("# Uses:") {
        return true;
    }
    let Some(rest) = line.strip_prefix('#') else {
        return false;
    };
    let mut words = rest.split_whitespace();
    words.next().is_some_and(|n| n.parse::<u64>().is_ok())
        && matches!(words.next(), Some("NEW" | "REDUCE"))
}

fn report(rows: &[Row]) {
    eprintln!("\n── fuzzing ──");
    eprintln!(
        "{:<14} {:>8} {:>8} {:>13} {:>8}  found",
        "target", "wall s", "fuzz s", "executions", "corpus"
    );
    let show = |v: Option<u64>| v.map_or("?".to_owned(), |v| v.to_string());
    for r in rows {
        eprintln!(
            "{:<14} {:>8.1} {:>8} {:>13} {:>8}  {}",
            r.target,
            r.wall_secs,
            show(r.outcome.fuzz_secs),
            show(r.outcome.execs),
            show(r.outcome.corpus),
            r.failure.as_deref().unwrap_or("nothing"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_output() {
        let mut o = Outcome::default();
        for line in [
            "INFO: Seed: 1234",
            "#2\tINITED cov: 10 ft: 11 corp: 3/30b exec/s: 0 rss: 40Mb",
            "#1024\tpulse  cov: 90 ft: 200 corp: 40/900b lim: 4 exec/s: 512 rss: 41Mb",
            "#2000\tNEW    cov: 91 ft: 201 corp: 41/910b lim: 4 exec/s: 512 rss: 41Mb",
            "#123456\tDONE   cov: 95 ft: 230 corp: 44/1000b lim: 8 exec/s: 41152 rss: 50Mb",
            "Done 123456 runs in 3 second(s)",
            "stat::number_of_executed_units: 123457",
            "stat::average_exec_per_sec:     41152",
        ] {
            o.read(line);
        }
        assert_eq!(
            o,
            Outcome {
                execs: Some(123_457),
                corpus: Some(44),
                fuzz_secs: Some(3),
                artifact: None
            }
        );
        let mut crash = Outcome::default();
        crash.read("thread '<unnamed>' panicked at fuzz_targets/query.rs:10:5:");
        crash.read(
            "artifact_prefix='/r/backend/fuzz/artifacts/query/'; Test unit written to \
             /r/backend/fuzz/artifacts/query/crash-abc",
        );
        crash.read("#77\tNEW    cov: 9 ft: 9 corp: 5/5b");
        assert_eq!(
            crash.artifact.as_deref(),
            Some("/r/backend/fuzz/artifacts/query/crash-abc")
        );
        assert_eq!((crash.execs, crash.corpus), (None, Some(5)));
    }

    #[test]
    fn noise_is_only_new_and_reduce() {
        assert!(is_noise("#2000\tNEW    cov: 91 ft: 201 corp: 41/910b"));
        assert!(is_noise("#2001\tREDUCE cov: 91 ft: 201 corp: 41/909b"));
        assert!(!is_noise("#4096\tpulse  cov: 91"));
        assert!(!is_noise("#9\tDONE   cov: 91"));
        assert!(!is_noise("==123== ERROR: libFuzzer: deadly signal"));
        assert!(is_noise(r#"  "\000\000\0001" # Uses: 129"#));
        assert!(!is_noise("###### Recommended dictionary. ######"));
    }

    #[test]
    fn every_target_has_seeds_and_a_bin() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let manifest = std::fs::read_to_string(root.join(FUZZ_DIR).join("Cargo.toml")).unwrap();
        let names = targets(root).unwrap();
        assert!(names.len() >= 5, "{names:?}");
        for t in &names {
            assert!(
                manifest.contains(&format!("path = \"fuzz_targets/{t}.rs\"")),
                "{t} has no [[bin]] in backend/fuzz/Cargo.toml"
            );
            let seeds = paths(root, t).0;
            let n = std::fs::read_dir(&seeds).map_or(0, Iterator::count);
            assert!(n > 0, "no seeds in {}", seeds.display());
        }
        assert!(pick(&names, &["nope".to_owned()]).is_err());
        assert_eq!(pick(&names, &[]).unwrap(), names);
    }
}
