//! `duplex-load`: a native load client for any Duplex server, speaking only `protocol`'s
//! wire types and query encoders. This first slice has two subcommands:
//!
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

/// A native load client for a Duplex server.
#[derive(Debug, Parser)]
#[command(version, about)]
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
