//! `duplex-load churn`: workers loop over a mix of everything the page does — a `/ws`
//! session, `/ws/echo`, lab requests (keep-alive and `Connection: close`), a feed read
//! four ways, a small race on each contender — opening and closing connections and
//! sessions all the while, for a set time. It is about leaks, not load: each worker paces
//! its rounds (`--pace-ms`) and changes client key every [`ROUNDS_PER_KEY`] rounds, so no
//! key comes near a quota and the server's per-key tables see keys come and go.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use protocol::compare::Contender;

use crate::error::LoadError;
use crate::report::{Report, Scenario};
use crate::target::Target;
use crate::{feed, http, race, ws};

/// Rounds one key is used for. A round makes 3 lab requests, about 10 feed requests and
/// 12 race round trips: 60 rounds stay far inside every per-minute quota (600 lab, 3,000
/// feed, 30,000 race) whatever the pace, since a bucket starts full.
pub(crate) const ROUNDS_PER_KEY: u64 = 60;
/// The longest one step may take before it counts as failed.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// What a churn run does.
#[derive(Debug, Clone)]
pub(crate) struct ChurnConfig {
    pub(crate) duration: Duration,
    pub(crate) concurrency: usize,
    /// The shortest a worker's round may take (it sleeps the rest).
    pub(crate) pace: Duration,
    /// Print `progress <t_s> <completed> <refused> <failed>` to stdout every second (for
    /// `cargo xtask soak`).
    pub(crate) progress_lines: bool,
}

/// One worker's clients and current key.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) target: Arc<Target>,
    /// Keep-alive: connections are pooled and reused.
    pub(crate) http: reqwest::Client,
    /// A new connection for every request.
    pub(crate) fresh: reqwest::Client,
    pub(crate) key: String,
    ids: AtomicU64,
}

impl Ctx {
    /// A client of `target` under `key`, with a pooled and a never-pooled HTTP client.
    pub(crate) fn new(target: Arc<Target>, key: String) -> Self {
        Self {
            target,
            http: http_client(true),
            fresh: http_client(false),
            key,
            ids: AtomicU64::new(1),
        }
    }

    /// A fresh number for a run id or a URL tag.
    pub(crate) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }
}

/// One step of a round.
#[derive(Debug, Clone, Copy)]
enum Step {
    WsSession,
    WsEcho,
    Lab {
        close: bool,
    },
    /// Counted as five scenarios (start/stop and four readers).
    Feed,
    Race(Contender),
}

const MIX: [Step; 8] = [
    Step::WsSession,
    Step::Lab { close: false },
    Step::Race(Contender::NewConnection),
    Step::WsEcho,
    Step::Feed,
    Step::Lab { close: true },
    Step::Race(Contender::KeepAlive),
    Step::Race(Contender::WebSocket),
];

/// A valid client key (16–64 of `[A-Za-z0-9_-]`), one per worker and key generation.
fn client_key(worker: usize, generation: u64) -> String {
    format!("duplex-load-{:x}-{worker}-{generation}", std::process::id())
}

async fn step(ctx: &Ctx, report: &Report, step: Step) {
    let t0 = Instant::now();
    let (scenario, result) = match step {
        Step::Feed => {
            if tokio::time::timeout(STEP_TIMEOUT, feed::feed(ctx, report))
                .await
                .is_err()
            {
                report.record(
                    Scenario::Feed,
                    t0.elapsed(),
                    Err(LoadError::Timeout(STEP_TIMEOUT)),
                );
            }
            return;
        }
        Step::WsSession => (Scenario::WsSession, timed(ws::session(ctx)).await),
        Step::WsEcho => (Scenario::WsEcho, timed(ws::echo(ctx)).await),
        Step::Lab { close } => (Scenario::Lab { close }, timed(http::lab(ctx, close)).await),
        Step::Race(c) => (Scenario::Race(c), timed(race::race(ctx, c)).await),
    };
    report.record(scenario, t0.elapsed(), result);
}

async fn timed(f: impl Future<Output = Result<(), LoadError>>) -> Result<(), LoadError> {
    tokio::time::timeout(STEP_TIMEOUT, f)
        .await
        .map_err(|_| LoadError::Timeout(STEP_TIMEOUT))?
}

fn http_client(pooled: bool) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .tcp_nodelay(true)
        .timeout(STEP_TIMEOUT);
    if !pooled {
        b = b.pool_max_idle_per_host(0);
    }
    b.build().expect("a plain HTTP client builds")
}

async fn worker(
    target: Arc<Target>,
    report: Arc<Report>,
    worker: usize,
    cfg: ChurnConfig,
    deadline: Instant,
) {
    let mut ctx = Ctx::new(target, client_key(worker, 0));
    let mut round = 0u64;
    while Instant::now() < deadline {
        let started = Instant::now();
        ctx.key = client_key(worker, round / ROUNDS_PER_KEY);
        // Workers start the mix at different steps, so they do not all hit one endpoint
        // at the same moment.
        for i in 0..MIX.len() {
            step(&ctx, &report, MIX[(i + worker) % MIX.len()]).await;
        }
        round += 1;
        let next = (started + cfg.pace).min(deadline);
        tokio::time::sleep_until(next.into()).await;
    }
}

/// A worker that did not end by itself.
#[derive(Debug, thiserror::Error)]
#[error("a churn worker ended abnormally: {0}")]
pub(crate) struct WorkerPanicked(String);

/// Runs the churn until `cfg.duration` has passed (each worker finishes its round).
pub(crate) async fn run(target: Target, cfg: ChurnConfig) -> Result<Arc<Report>, WorkerPanicked> {
    let report = Arc::new(Report::default());
    let target = Arc::new(target);
    let t0 = Instant::now();
    let deadline = t0 + cfg.duration;
    let workers: Vec<_> = (0..cfg.concurrency.max(1))
        .map(|w| {
            tokio::spawn(worker(
                Arc::clone(&target),
                Arc::clone(&report),
                w,
                cfg.clone(),
                deadline,
            ))
        })
        .collect();
    let bar = ProgressBar::new(cfg.duration.as_secs().max(1)).with_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} s  {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let progress = {
        let report = Arc::clone(&report);
        let bar = bar.clone();
        let lines = cfg.progress_lines;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                let t = report.totals();
                let elapsed = t0.elapsed();
                bar.set_position(elapsed.as_secs());
                bar.set_message(format!(
                    "completed {}, refused {}, failed {}",
                    t.completed, t.refused, t.failed
                ));
                if lines {
                    println!(
                        "progress {:.1} {} {} {}",
                        elapsed.as_secs_f64(),
                        t.completed,
                        t.refused,
                        t.failed
                    );
                }
            }
        })
    };
    let mut panicked = None;
    for w in workers {
        if let Err(e) = w.await {
            panicked = Some(WorkerPanicked(e.to_string()));
        }
    }
    progress.abort();
    bar.finish_and_clear();
    match panicked {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_valid_and_differ_per_worker_and_generation() {
        let a = client_key(0, 0);
        assert!(protocol::observe::valid_client_key(&a), "{a}");
        assert!(protocol::observe::valid_client_key(&client_key(
            999,
            u64::MAX
        )));
        assert_ne!(a, client_key(1, 0));
        assert_ne!(a, client_key(0, 1));
    }
}
