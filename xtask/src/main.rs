//! `cargo xtask`: the project's build, serve and test orchestration, in Rust so it runs
//! wherever cargo does. `serve` and `test` install what is missing first (idempotently).

mod budget;
mod bundles;
mod compress;
mod conformance;
mod doc_map;
mod fuzz;
mod imports;
mod lock;
mod onefile;
mod run;
mod server;
mod shell;
mod soak;
mod tidy;
mod tools;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(about = "Duplex build, serve and test tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Install what is missing, build the page (release), start the server.
    Serve {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Everything CI checks: fmt, clippy (host and wasm32), native tests, the chat across
    /// two instances sharing a real redis-server, a fuzz smoke run
    /// (every cargo-fuzz target, a few seconds each), the Autobahn conformance run, a
    /// one-minute soak, the wasm release build and the browser tests in headless Chromium.
    Test {
        /// Skip the headless-Chromium tests (never under CI=true).
        #[arg(long)]
        no_browser: bool,
    },
    /// Install what is missing and build the page into `dist/` (release).
    Build {
        /// Then build the one file to deploy: `target/release/backend` with the page
        /// compiled in (feature `embed-dist`), checked by serving it from an empty folder.
        #[arg(long)]
        binary: bool,
    },
    /// Benchmarks, each reported as ratios against a baseline measured in the same run
    /// (the connection layer against plain `axum::serve`).
    Bench,
    /// Install what is missing, build the page and run the browser tests whose names
    /// contain FILTER (all of them without one), e.g. `cargo xtask browser compare::`.
    Browser {
        /// A libtest name filter: a test name or a module path such as `ws_lab::`.
        filter: Option<String>,
    },
    /// The Autobahn TestSuite's WebSocket cases (sections 1–7, 9 sized to our caps, and 10, run by kosoku)
    /// against the server's `/ws/echo`: a summary per section; fails if any case FAILED.
    Conformance,
    /// The cargo-fuzz targets in `backend/fuzz/` (one per parser of untrusted input), each
    /// run by libFuzzer for SECS seconds: installs cargo-fuzz if absent; nightly with
    /// AddressSanitizer where installed, else the default toolchain without a sanitizer;
    /// prints executions, corpus and findings per target; fails on a crash.
    Fuzz {
        /// Seconds of fuzzing per target.
        #[arg(long, default_value_t = 60)]
        secs: u64,
        /// Build with the default toolchain and `--sanitizer none`, as where no nightly
        /// toolchain is installed (else nightly and AddressSanitizer when present).
        #[arg(long)]
        no_nightly: bool,
        /// Targets to run (all of them without one), e.g. `query request_line`.
        targets: Vec<String>,
    },
    /// The release server under `duplex-load churn` for N minutes, its RSS and open
    /// descriptors sampled every second (`target/soak/samples.csv`); fails when they grow
    /// after warm-up, when the churn has failures, or when the server does not exit 0.
    Soak {
        /// How long to churn (at least 1; CI runs 1, a 30-minute run is the reference).
        #[arg(long, default_value_t = 1.0)]
        minutes: f64,
    },
    /// The chat across two instances sharing a real `redis-server` (installed with apt if
    /// missing): messages, presence, history, caps, and Redis going away.
    ChatRedis,
    /// Headless-Chromium screenshots of the page (en/ja/ko, desktop and 380 px) into
    /// `target/screenshots/`.
    Screenshots,
    /// The link-card images (1200 × 630, every page in en/ja/ko) into `frontend/cards/`,
    /// from screenshots of the built page in its busy state; commit them.
    Cards,
    /// Only the source-tree rules `test` checks first: `//!` docs, the front end's layers,
    /// the paths ARCHITECTURE.md names.
    Tidy,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = project_root();
    std::env::set_current_dir(&root)?;
    let mut steps = run::Steps::default();
    match cli.task {
        Task::Serve { host, port } => {
            tools::ensure_build_tools(&mut steps, &root)?;
            build_frontend(&mut steps, &root)?;
            steps.run("build backend (release)", || {
                run::cargo(&["build", "--release", "--locked", "-p", "backend"])
            })?;
            steps.report();
            run::exec_server(&root, &host, port)
        }
        Task::Build { binary } => {
            tools::ensure_build_tools(&mut steps, &root)?;
            build_frontend(&mut steps, &root)?;
            // The budget's figures on every build; only `test` fails on them.
            if let Err(over) = budget::check_dist(&root) {
                eprintln!("   over the size budget (`cargo xtask test` fails): {over:#}");
            }
            if binary {
                steps.run(ONE_FILE_STEP, || onefile::check(&root).map(drop))?;
                println!(
                    "one file to deploy: {} (serves the page without --dist)",
                    root.join("target/release/backend").display()
                );
            }
            steps.report();
            Ok(())
        }
        Task::Test { no_browser } => test(&mut steps, &root, no_browser),
        Task::Bench => {
            for (what, bench) in BENCHES {
                steps.run(&format!("bench: {what}"), || {
                    run::cargo(&["bench", "--locked", "-p", "backend", "--bench", bench])
                })?;
            }
            // The page's load on slow 4G needs the built page and Chromium.
            tools::ensure_build_tools(&mut steps, &root)?;
            tools::ensure_browser(&mut steps)?;
            build_frontend(&mut steps, &root)?;
            for (what, bench) in BROWSER_BENCHES {
                steps.run(&format!("bench: {what}"), || {
                    let env = browser_env(&root);
                    let env: Vec<(&str, &str)> =
                        env.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    run::cargo_env(
                        &[
                            "bench",
                            "--locked",
                            "-p",
                            "backend",
                            "--features",
                            "browser-tests",
                            "--bench",
                            bench,
                        ],
                        &env,
                    )
                })?;
            }
            steps.report();
            Ok(())
        }
        Task::Browser { filter } => {
            tools::ensure_build_tools(&mut steps, &root)?;
            tools::ensure_browser(&mut steps)?;
            build_frontend(&mut steps, &root)?;
            let mut tally = run::Tally::default();
            let filter: Vec<&str> = filter.as_deref().into_iter().collect();
            steps.run("browser tests (headless Chromium)", || {
                tally.add(browser_tests(&root, None, &filter)?)
            })?;
            steps.report();
            tally.finish()
        }
        Task::Conformance => {
            tools::ensure_kosoku(&mut steps, &root)?;
            let mut tally = run::Tally::default();
            steps.run(CONFORMANCE_STEP, || tally.add(conformance::run(&root)?))?;
            steps.report();
            tally.finish()
        }
        Task::Fuzz {
            secs,
            no_nightly,
            targets,
        } => fuzz::run(&mut steps, &root, secs, no_nightly, &targets),
        Task::Soak { minutes } => {
            let mut tally = run::Tally::default();
            steps.run(&soak_step(minutes), || {
                tally.add(soak::run(&root, minutes)?)
            })?;
            steps.report();
            tally.finish()
        }
        Task::ChatRedis => {
            tools::ensure_redis(&mut steps)?;
            let mut tally = run::Tally::default();
            steps.run(CHAT_REDIS_STEP, || tally.add(chat_redis_tests()?))?;
            steps.report();
            tally.finish()
        }
        Task::Screenshots => {
            tools::ensure_build_tools(&mut steps, &root)?;
            tools::ensure_browser(&mut steps)?;
            build_frontend(&mut steps, &root)?;
            let dir = root.join("target/screenshots");
            std::fs::create_dir_all(&dir)?;
            steps.run("screenshots", || {
                // Every test in the browser suite's `screenshots` module, one per page.
                browser_tests(&root, Some(&dir), &[SCREENSHOT_TESTS])
            })?;
            steps.report();
            println!("screenshots in {}", dir.display());
            Ok(())
        }
        Task::Tidy => {
            steps.run(TIDY_STEP, || tidy::check(&root))?;
            steps.report();
            Ok(())
        }
        Task::Cards => {
            tools::ensure_build_tools(&mut steps, &root)?;
            tools::ensure_browser(&mut steps)?;
            build_frontend(&mut steps, &root)?;
            let dir = root.join("frontend/cards");
            std::fs::create_dir_all(&dir)?;
            steps.run("link cards", || {
                let mut env = browser_env(&root);
                env.push(("DUPLEX_CARDS", dir.display().to_string()));
                let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
                run::cargo_test(
                    &[
                        "test",
                        "--locked",
                        "-p",
                        "backend",
                        "--features",
                        "browser-tests",
                        "--test",
                        "browser",
                        "--",
                        "--ignored",
                        "--nocapture",
                        "cards::link_cards",
                    ],
                    &env,
                )
            })?;
            steps.report();
            println!(
                "cards in {} (the build copies them into dist/cards/; commit them)",
                dir.display()
            );
            Ok(())
        }
    }
}

fn test(steps: &mut run::Steps, root: &Path, no_browser: bool) -> Result<()> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if no_browser && ci {
        anyhow::bail!("--no-browser is not allowed under CI: browser tests never skip there");
    }
    tools::ensure_build_tools(steps, root)?;
    tools::ensure_kosoku(steps, root)?;
    if !no_browser {
        tools::ensure_browser(steps)?;
    }
    tools::ensure_redis(steps)?;
    steps.run(TIDY_STEP, || tidy::check(root))?;
    steps.run("cargo fmt --check", || {
        run::cargo(&["fmt", "--all", "--", "--check"])
    })?;
    steps.run("clippy (host, all targets and features)", || {
        run::cargo(&[
            "clippy",
            "--locked",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    steps.run("clippy (frontend on wasm32)", || {
        run::cargo(&[
            "clippy",
            "--locked",
            "-p",
            "frontend",
            "-p",
            "protocol",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    let mut tally = run::Tally::default();
    steps.run("native tests", || {
        tally.add(run::cargo_test(&["test", "--locked", "--workspace"], &[])?)
    })?;
    steps.run(CHAT_REDIS_STEP, || tally.add(chat_redis_tests()?))?;
    // Every cargo-fuzz target built and run a few seconds (`cargo xtask fuzz` runs long).
    tally.add(fuzz::smoke(steps, root)?)?;
    steps.run(CONFORMANCE_STEP, || tally.add(conformance::run(root)?))?;
    steps.run(&soak_step(1.0), || tally.add(soak::run(root, 1.0)?))?;
    build_frontend(steps, root)?;
    steps.run("size budget (xtask/size-budget.txt)", || {
        budget::check_dist(root)
    })?;
    steps.run(ONE_FILE_STEP, || tally.add(onefile::check(root)?))?;
    if no_browser {
        eprintln!("!! browser tests SKIPPED (--no-browser): this run is weaker than CI");
    } else {
        steps.run("browser tests (headless Chromium)", || {
            tally.add(browser_tests(root, None, &[])?)
        })?;
    }
    steps.report();
    tally.finish()
}

fn build_frontend(steps: &mut run::Steps, root: &Path) -> Result<()> {
    steps.run("cargo fetch", || run::cargo(&["fetch", "--locked"]))?;
    steps.run(
        "trunk build --release --offline, one per page bundle",
        || bundles::build(root),
    )?;
    steps.run("static shell into dist/*.html (en/ja/ko)", || {
        bundles::html_files(&root.join("dist"))
            .iter()
            .try_for_each(|html| shell::inject(root, html))
    })?;
    steps.run("precompress dist/ (brotli, gzip)", || {
        compress::dist(&root.join("dist"))
    })?;
    let sizes = tools::dist_sizes(&root.join("dist"))?;
    for (name, raw, gz) in sizes {
        let br =
            std::fs::metadata(root.join("dist").join(format!("{name}.br"))).map_or(0, |m| m.len());
        eprintln!("   dist/{name}: {raw} B raw, {gz} B gzip, {br} B brotli");
    }
    Ok(())
}

/// Where the browser tests (and the paint bench) find the built page and the browser.
fn browser_env(root: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("DUPLEX_DIST", root.join("dist").display().to_string()),
        ("DUPLEX_CHROMIUM", tools::CHROMIUM.to_owned()),
        ("DUPLEX_CHROMEDRIVER", tools::CHROMEDRIVER.to_owned()),
        ("DUPLEX_AXE", tools::axe_core(root).display().to_string()),
    ]
}

fn browser_tests(root: &Path, screenshots: Option<&Path>, filter: &[&str]) -> Result<run::Counts> {
    let mut env = browser_env(root);
    if let Some(dir) = screenshots {
        env.push(("DUPLEX_SCREENSHOTS", dir.display().to_string()));
    }
    let mut args = vec![
        "test",
        "--locked",
        "-p",
        "backend",
        "--features",
        "browser-tests",
        "--test",
        "browser",
    ];
    if !filter.is_empty() {
        args.push("--");
        args.extend_from_slice(filter);
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run::cargo_test(&args, &env)
}

/// The source-tree rules' step, in `test` and `tidy` alike.
const TIDY_STEP: &str = "tidy (//! docs, front-end layers, ARCHITECTURE paths)";

/// The chat-across-instances step's name, in `test` and `chat-redis` alike.
const CHAT_REDIS_STEP: &str = "chat across two instances (feature chat-redis, a real redis-server)";

/// `backend/tests/chat_redis/` (two in-process servers sharing one `redis-server`) and the
/// feature's own unit tests (`chat::redis`, which the default build leaves out).
fn chat_redis_tests() -> Result<run::Counts> {
    let env = [("DUPLEX_REDIS_SERVER", tools::REDIS_SERVER)];
    let test = [
        "test",
        "--locked",
        "-p",
        "backend",
        "--features",
        "chat-redis",
    ];
    let mut counts = run::cargo_test(&[&test[..], &["--lib", "chat::redis::"]].concat(), &env)?;
    let across = run::cargo_test(&[&test[..], &["--test", "chat_redis"]].concat(), &env)?;
    counts.passed += across.passed;
    counts.failed += across.failed;
    counts.ignored += across.ignored;
    Ok(counts)
}

/// The conformance step's name, in `test` and `conformance` alike.
const CONFORMANCE_STEP: &str = "conformance (Autobahn TestSuite by kosoku on /ws/echo)";

/// The soak step's name, in `test` (one minute) and `soak` alike.
fn soak_step(minutes: f64) -> String {
    format!("soak ({minutes} min of duplex-load churn; server RSS and descriptors)")
}

/// The one-file check's step name (`onefile.rs`).
const ONE_FILE_STEP: &str = "one-file binary (the page compiled in, served alone)";

/// `cargo xtask bench`: what each measures, and its file in `backend/benches/`.
const BENCHES: [(&str, &str); 4] = [
    ("connection layer vs plain axum::serve", "conn_layer"),
    ("native WebSocket echo round trip", "ws_echo"),
    ("server memory per idle WebSocket session", "idle_sessions"),
    (
        "WebSocket echo and HTTP echo against bare servers",
        "baselines",
    ),
];

/// `cargo xtask bench`'s benchmarks in headless Chromium (the built page, feature
/// `browser-tests`).
const BROWSER_BENCHES: [(&str, &str); 3] = [
    (
        "first paint and first control on slow 4G (before vs now)",
        "paint",
    ),
    (
        "the page's WebSocket echo p50 vs a bare JavaScript page",
        "page_overhead",
    ),
    (
        "the chat page's fan-out: 2 and 4 clients, a poller over a minute",
        "chat_fanout",
    ),
];

/// The libtest filter for the browser suite's screenshot tests (`tests/browser/screenshots.rs`):
/// a module path prefix, so a page's new screenshot test is picked up without editing this.
const SCREENSHOT_TESTS: &str = "screenshots::";

/// The workspace root (the folder above `xtask/`).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}
