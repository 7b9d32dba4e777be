//! `duplex-load`: a native load client for any Duplex server, speaking only `protocol`'s
//! wire types and query encoders. Subcommands:
//!
//! - `race` and `feed` (`compare.rs`): the Compare page's two runs, natively, with the
//!   page's settings and bounds, a progress bar, HDR histograms, and `--json` in the
//!   page's own download shape (`protocol::report`).
//! - `churn` (`churn.rs`): workers loop over a mix of every endpoint the page uses for a
//!   set time, counting per scenario what completed, was refused (429/503) or failed
//!   (`report.rs`); exits non-zero on any failure. `cargo xtask soak` runs it while it
//!   watches the server's memory and descriptors.
//! - `idle` (`idle.rs`): many idle `/ws` sessions held open from many loopback source
//!   addresses, then checked and closed.
//!
//! The scenarios live in `ws.rs` (`/ws`, `/ws/echo`, the shared WebSocket pieces),
//! `http.rs` (the lab), `feed.rs` and `race.rs`; `target.rs` parses `--url`. Errors are
//! typed in each module (`error.rs`) and become `anyhow` only here.

mod churn;
mod compare;
mod error;
mod feed;
mod http;
mod idle;
mod race;
mod report;
mod target;
mod ws;

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use serde_json::json;

/// A native load client for a Duplex server: the page's scenarios from the command line.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Churn clients for a while: sessions opened and closed, echoes, lab requests, feeds,
    /// races. Exits non-zero if any scenario failed.
    Churn {
        /// The server, e.g. http://127.0.0.1:8080
        #[arg(long)]
        url: String,
        /// How long to churn, in minutes (a fraction is fine: 0.05 is 3 s).
        #[arg(long, default_value_t = 1.0)]
        minutes: f64,
        /// Workers running the mix at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        /// The shortest a worker's round of the mix may take, in ms.
        #[arg(long, default_value_t = 500)]
        pace_ms: u64,
        /// Also write the summary as JSON to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Print `progress <t_s> <completed> <refused> <failed>` every second.
        #[arg(long)]
        progress_lines: bool,
    },
    /// The Compare page's race, natively: per contender, N round trips of SIZE bytes with
    /// K in flight. Writes the page's download JSON with --json.
    Race {
        /// The server, e.g. http://127.0.0.1:8080
        #[arg(long)]
        url: String,
        /// Contenders, in order: `new` (HTTP, a new connection each), `keep` (HTTP
        /// keep-alive), `ws` (one WebSocket).
        #[arg(long, default_value = "new,keep,ws")]
        contenders: String,
        /// Round trips per contender.
        #[arg(long, default_value = "200")]
        n: String,
        /// Payload bytes each way.
        #[arg(long, default_value = "32")]
        size: String,
        /// Round trips in flight at once.
        #[arg(long, default_value = "1")]
        k: String,
        #[command(flatten)]
        net: NetArgs,
        /// Also write the run as the page's download JSON to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// The Compare page's feed, natively: one feed read four ways at once.
    Feed {
        /// The server, e.g. http://127.0.0.1:8080
        #[arg(long)]
        url: String,
        /// Strategies: `short` (polls), `long` (long polls), `sse`, `ws`.
        #[arg(long, default_value = "short,long,sse,ws")]
        strategies: String,
        /// Events per second.
        #[arg(long, default_value = "10")]
        rate: String,
        /// Seconds the feed runs.
        #[arg(long, default_value = "10")]
        secs: String,
        /// Short-poll period, ms.
        #[arg(long, default_value = "500")]
        poll: String,
        #[command(flatten)]
        net: NetArgs,
        /// Also write the run as the page's download JSON to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Hold many idle `/ws` sessions open, each client socket bound to a loopback source
    /// address (127.0.0.2, 127.0.0.3, …) so no address passes the server's per-IP cap.
    Idle {
        /// The server, e.g. http://127.0.0.1:8080 (IPv4).
        #[arg(long)]
        url: String,
        /// Sessions to open.
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
        /// How long to hold them, in seconds.
        #[arg(long, default_value_t = 10)]
        hold_secs: u64,
        /// Sessions per source address (by default the server allows 800 WebSocket sessions
        /// and 1,000 connections per IP: `backend::SessionLimits`).
        #[arg(long, default_value_t = backend::SessionLimits::default().per_ip)]
        per_address: usize,
        /// The first source address.
        #[arg(long, default_value = "127.0.0.2")]
        first_address: Ipv4Addr,
        /// Handshakes in flight at once.
        #[arg(long, default_value_t = 100)]
        at_once: usize,
        /// The server's process id, to report its memory and descriptors (Linux).
        #[arg(long)]
        server_pid: Option<u32>,
        /// Also write the report as JSON to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
}

/// The emulated network, as the page names it.
#[derive(Debug, clap::Args)]
struct NetArgs {
    /// A profile (`none`, `lan`, `4g`, …, as in the page's URL) or `custom`.
    #[arg(long, default_value = "none")]
    net: String,
    /// Round-trip time to add, ms (with `--net custom`).
    #[arg(long, default_value = "50")]
    rtt: String,
    /// Jitter, ms (with `--net custom`).
    #[arg(long, default_value = "5")]
    jitter: String,
}

impl NetArgs {
    fn check(&self) -> anyhow::Result<compare::Net> {
        use protocol::emulate::{NetModel, Profile};
        let profile = Profile::from_slug(&self.net).with_context(|| {
            let known: Vec<_> = Profile::ALL.iter().map(|p| p.slug()).collect();
            format!("--net {}: not one of {}", self.net, known.join(", "))
        })?;
        let mut settings = vec![("net", profile.slug().to_owned())];
        let model = match profile.model() {
            Some(m) => m,
            None => {
                settings.push(("rtt", self.rtt.clone()));
                settings.push(("jitter", self.jitter.clone()));
                NetModel {
                    rtt_ms: bounded(LabParam::RttMs, "--rtt", &self.rtt)? as u32,
                    jitter_ms: bounded(LabParam::JitterMs, "--jitter", &self.jitter)? as u32,
                }
            }
        };
        Ok(compare::Net { model, settings })
    }
}

use protocol::lab::LabParam;

/// `text` within the page's bounds for `param` (the same check and message).
fn bounded(param: LabParam, flag: &str, text: &str) -> anyhow::Result<u64> {
    param
        .parse(text)
        .map_err(|p| anyhow::anyhow!("{flag} {text}: {}", param.message(p)))
}

/// Comma-separated slugs, each known.
fn slugs<T>(flag: &str, text: &str, parse: impl Fn(&str) -> Option<T>) -> anyhow::Result<Vec<T>> {
    let list = text
        .split(',')
        .map(|s| parse(s.trim()).with_context(|| format!("{flag}: unknown `{s}`")))
        .collect::<anyhow::Result<Vec<T>>>()?;
    if list.is_empty() {
        bail!("{flag}: name at least one");
    }
    Ok(list)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Churn {
            url,
            minutes,
            concurrency,
            pace_ms,
            json: json_file,
            progress_lines,
        } => {
            if !(minutes.is_finite() && minutes > 0.0) {
                bail!("--minutes must be a positive number");
            }
            let target = target::Target::parse(&url).await?;
            let duration = Duration::from_secs_f64(minutes * 60.0);
            let cfg = churn::ChurnConfig {
                duration,
                concurrency,
                pace: Duration::from_millis(pace_ms),
                progress_lines,
            };
            let report = churn::run(target, cfg).await?;
            let totals = report.totals();
            print!("{}", report.table());
            println!(
                "churn: {} completed, {} refused, {} failed in {:.0} s",
                totals.completed,
                totals.refused,
                totals.failed,
                duration.as_secs_f64()
            );
            if let Some(path) = json_file {
                let doc = json!({
                    "command": "churn",
                    "url": url,
                    "seconds": duration.as_secs_f64(),
                    "concurrency": concurrency,
                    "completed": totals.completed,
                    "refused": totals.refused,
                    "failed": totals.failed,
                    "scenarios": report.scenarios_json(),
                });
                write_json(&path, &doc)?;
            }
            if totals.failed > 0 {
                bail!("{} scenario runs failed", totals.failed);
            }
            if totals.completed == 0 {
                bail!("nothing completed");
            }
            Ok(())
        }
        Command::Race {
            url,
            contenders,
            n,
            size,
            k,
            net,
            json: json_file,
        } => {
            use protocol::compare::Contender;
            let cfg = compare::RaceConfig {
                contenders: slugs("--contenders", &contenders, Contender::from_slug)?,
                n: bounded(LabParam::RoundTrips, "--n", &n)?,
                size: bounded(LabParam::PayloadBytes, "--size", &size)?,
                k: bounded(LabParam::InFlight, "--k", &k)?,
            };
            let net = net.check()?;
            let target = target::Target::parse(&url).await?;
            let (report, lines) = compare::race(target, cfg, net).await;
            println!("{lines}");
            if let Some(path) = json_file {
                write_json(&path, &serde_json::to_value(&report)?)?;
            }
            if report.race.iter().any(|r| r.error.is_some()) {
                bail!("a contender stopped early");
            }
            Ok(())
        }
        Command::Feed {
            url,
            strategies,
            rate,
            secs,
            poll,
            net,
            json: json_file,
        } => {
            use protocol::compare::Strategy;
            let cfg = compare::FeedConfig {
                strategies: slugs("--strategies", &strategies, Strategy::from_slug)?,
                rate: bounded(LabParam::FeedRateHz, "--rate", &rate)?,
                secs: bounded(LabParam::FeedSeconds, "--secs", &secs)?,
                poll_ms: bounded(LabParam::PollMs, "--poll", &poll)?,
            };
            let net = net.check()?;
            let target = target::Target::parse(&url).await?;
            let (report, lines) = compare::feed(target, cfg, net).await?;
            println!("{lines}");
            if let Some(path) = json_file {
                write_json(&path, &serde_json::to_value(&report)?)?;
            }
            if report.feed.iter().any(|r| r.error.is_some()) {
                bail!("a strategy stopped early");
            }
            Ok(())
        }
        Command::Idle {
            url,
            sessions,
            hold_secs,
            per_address,
            first_address,
            at_once,
            server_pid,
            json: json_file,
        } => {
            let target = target::Target::parse(&url).await?;
            let cfg = idle::IdleConfig {
                sessions,
                hold: Duration::from_secs(hold_secs),
                per_address,
                first_address,
                at_once,
                server_pid,
            };
            let report = idle::run(target, cfg).await;
            print!("{}", report.text());
            if let Some(path) = json_file {
                write_json(&path, &report.json())?;
            }
            if report.failed > 0 || report.alive_after_hold < report.opened {
                bail!("idle sessions failed or were lost");
            }
            Ok(())
        }
    }
}

fn write_json(path: &std::path::Path, doc: &serde_json::Value) -> anyhow::Result<()> {
    std::fs::write(path, serde_json::to_string_pretty(doc)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))
}
