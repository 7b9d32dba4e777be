//! Running commands: timed steps, cargo with the project's tool PATH, test output tallies,
//! and handing the terminal to the server.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Named steps with their durations, printed as they finish and again as a table.
#[derive(Default)]
pub(crate) struct Steps {
    done: Vec<(String, Duration)>,
}

impl Steps {
    pub(crate) fn run<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        eprintln!("\n▶ {name}");
        let started = Instant::now();
        let result = f();
        let took = started.elapsed();
        match &result {
            Ok(_) => eprintln!("✓ {name} ({:.1} s)", took.as_secs_f64()),
            Err(_) => eprintln!("✗ {name} failed after {:.1} s", took.as_secs_f64()),
        }
        self.done.push((name.to_owned(), took));
        result.with_context(|| format!("step failed: {name}"))
    }

    pub(crate) fn report(&self) {
        eprintln!("\n── step times ──");
        for (name, took) in &self.done {
            eprintln!("{:>8.1} s  {name}", took.as_secs_f64());
        }
        let total: Duration = self.done.iter().map(|(_, d)| *d).sum();
        eprintln!("{:>8.1} s  total", total.as_secs_f64());
    }
}

/// Folders put in front of PATH for every command: the npm-installed wasm-opt and
/// cargo-installed trunk / wasm-bindgen.
pub(crate) fn path_env(root: &Path) -> OsString {
    let mut dirs = vec![root.join("xtask/node/node_modules/.bin"), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// `$CARGO_HOME/bin`, where `cargo install` puts tools.
pub(crate) fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

fn cargo_cmd() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    if let Ok(root) = std::env::current_dir() {
        cmd.env("PATH", path_env(&root));
    }
    cmd
}

/// `cargo <args>`, inheriting the terminal; an error if it fails.
pub(crate) fn cargo(args: &[&str]) -> Result<()> {
    cargo_env(args, &[])
}

/// [`cargo`] with extra environment variables.
pub(crate) fn cargo_env(args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    let status = cargo_cmd()
        .args(args)
        .envs(env.iter().copied())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("cargo {} exited with {status}", args.join(" "));
    }
    Ok(())
}

/// Runs a tool found on the project PATH.
pub(crate) fn tool(root: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .env("PATH", path_env(root))
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    if !status.success() {
        bail!("{program} {} exited with {status}", args.join(" "));
    }
    Ok(())
}

/// Output of a tool, or `None` if it cannot be run or fails.
pub(crate) fn output(root: &Path, program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("PATH", path_env(root))
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Test counts from libtest's `test result:` lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
    pub(crate) ignored: u64,
}

impl Counts {
    /// Parses `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; ...`.
    fn parse(line: &str) -> Option<Counts> {
        let rest = line.trim().strip_prefix("test result: ")?;
        let (_, rest) = rest.split_once(". ")?;
        let mut counts = Counts::default();
        for part in rest.split(';') {
            // `finished in 0.06s` and the like carry no count.
            let mut words = part.split_whitespace();
            let Some(Ok(n)) = words.next().map(str::parse::<u64>) else {
                continue;
            };
            match words.next().unwrap_or_default() {
                "passed" => counts.passed = n,
                "failed" => counts.failed = n,
                "ignored" => counts.ignored = n,
                _ => {}
            }
        }
        Some(counts)
    }
}

/// `cargo test ...`, echoing its output and adding up its result lines.
pub(crate) fn cargo_test(args: &[&str], env: &[(&str, &str)]) -> Result<Counts> {
    let mut child = cargo_cmd()
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo test")?;
    let mut total = Counts::default();
    let stdout = child.stdout.take().context("no stdout")?;
    let mut out = std::io::stdout().lock();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        writeln!(out, "{line}")?;
        if let Some(c) = Counts::parse(&line) {
            total.passed += c.passed;
            total.failed += c.failed;
            total.ignored += c.ignored;
        }
    }
    drop(out);
    let status = child.wait()?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(total)
}

/// All test counts of a run.
#[derive(Default)]
pub(crate) struct Tally(Counts);

impl Tally {
    pub(crate) fn add(&mut self, c: Counts) -> Result<()> {
        self.0.passed += c.passed;
        self.0.failed += c.failed;
        self.0.ignored += c.ignored;
        Ok(())
    }

    /// Prints the closing line (`xtask: N passed, N failed`) and fails on failures or on
    /// a run that executed nothing.
    pub(crate) fn finish(self) -> Result<()> {
        let Counts {
            passed,
            failed,
            ignored,
        } = self.0;
        let skipped = if ignored > 0 {
            format!(", {ignored} skipped")
        } else {
            String::new()
        };
        println!("xtask: {passed} passed, {failed} failed{skipped}");
        if failed > 0 {
            bail!("{failed} tests failed");
        }
        if passed == 0 {
            bail!("no test ran");
        }
        Ok(())
    }
}

/// Replaces this process with the release server, so Ctrl-C reaches it directly and it
/// shuts down gracefully.
pub(crate) fn exec_server(root: &Path, host: &str, port: u16) -> Result<()> {
    let binary = root.join("target/release/backend");
    let mut cmd = Command::new(&binary);
    cmd.args(["--host", host, "--port", &port.to_string(), "--dist"])
        .arg(root.join("dist"))
        // `trunk serve` (Trunk.toml: port 8081) proxies the API and WebSockets here for
        // front-end work; its page is another origin, allowed in development.
        .args(["--allow-origin", "http://127.0.0.1:8081"]);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        Err(err).with_context(|| format!("cannot start {}", binary.display()))
    }
    #[cfg(not(unix))]
    {
        let status = cmd.status()?;
        if !status.success() {
            bail!("server exited with {status}");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn parses_libtest_summary() {
        let c = Counts::parse(
            "test result: ok. 12 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.06s",
        );
        assert_eq!(
            c,
            Some(Counts {
                passed: 12,
                failed: 1,
                ignored: 2
            })
        );
        assert_eq!(Counts::parse("running 3 tests"), None);
    }
}
