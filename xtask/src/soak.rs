//! `cargo xtask soak --minutes N` (and one minute of it in `cargo xtask test`): the release
//! server under `duplex-load churn` for N minutes — sessions opened and closed, echoes,
//! lab requests, feeds, races — while its resident memory (`VmRSS` in `/proc/PID/status`)
//! and open descriptors (entries of `/proc/PID/fd`) are sampled every second.
//!
//! The rule ([`judge`]): the first [`WARMUP_SHARE`] of the run (at least [`WARMUP_MIN_S`])
//! is warm-up — allocator arenas, connection pools, the server's bounded tables (run
//! tallies, ended feeds kept a minute) filling to their steady size. The *early* level is
//! the median of the samples in the [`EARLY_WINDOW_S`] seconds after warm-up; the *late*
//! level the median of the last [`LATE_SHARE`] of the run. The soak fails when late RSS >
//! early RSS × (1 + [`RSS_SLACK_SHARE`]) + [`RSS_SLACK_KIB`], or late descriptors > early
//! descriptors + [`FD_SLACK`]; when descriptors do not come back to within [`SETTLE_FDS`]
//! of the count before the churn within [`SETTLE_WAIT`] after it ends; when the churn
//! reports any failed scenario; and when the server does not exit 0 on SIGTERM.
//!
//! Writes `target/soak/samples.csv` (`t_s,rss_kib,fds,completed,refused,failed`) and
//! `target/soak/churn.json` (the churn's summary); prints RSS and descriptors per tenth
//! of the run.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::run::{self, Counts};
use crate::server::Server;

/// Share of the run that is warm-up, and its least length in seconds.
pub(crate) const WARMUP_SHARE: f64 = 0.25;
pub(crate) const WARMUP_MIN_S: f64 = 15.0;
/// Seconds after warm-up whose median is the early level (a tenth of the run if longer).
pub(crate) const EARLY_WINDOW_S: f64 = 5.0;
/// Share at the end of the run whose median is the late level.
pub(crate) const LATE_SHARE: f64 = 0.25;
/// RSS growth allowed from the early to the late level: 10 % plus 2 MiB.
pub(crate) const RSS_SLACK_SHARE: f64 = 0.10;
pub(crate) const RSS_SLACK_KIB: f64 = 2048.0;
/// Descriptor growth allowed from the early to the late level.
pub(crate) const FD_SLACK: f64 = 32.0;
/// After the churn, descriptors must come back to at most this many above the count
/// before it, within [`SETTLE_WAIT`].
pub(crate) const SETTLE_FDS: u64 = 8;
pub(crate) const SETTLE_WAIT: Duration = Duration::from_secs(15);
/// The shortest soak the rule makes sense for (warm-up, early window and last quarter
/// apart).
pub(crate) const MIN_MINUTES: f64 = 1.0;
/// How long past its minutes the churn may take to end (it finishes its round).
const CHURN_GRACE: Duration = Duration::from_secs(120);

/// One sample of the server, `t_s` seconds after the churn started, with the churn's
/// running totals at that moment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sample {
    pub(crate) t_s: f64,
    pub(crate) rss_kib: u64,
    pub(crate) fds: u64,
    pub(crate) progress: Progress,
}

/// The churn's totals from its last `progress` line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    pub(crate) completed: u64,
    pub(crate) refused: u64,
    pub(crate) failed: u64,
}

/// `progress <t_s> <completed> <refused> <failed>` (what `duplex-load churn
/// --progress-lines` prints).
pub(crate) fn parse_progress(line: &str) -> Option<Progress> {
    let mut w = line.strip_prefix("progress ")?.split_whitespace();
    let _t: f64 = w.next()?.parse().ok()?;
    Some(Progress {
        completed: w.next()?.parse().ok()?,
        refused: w.next()?.parse().ok()?,
        failed: w.next()?.parse().ok()?,
    })
}

/// `VmRSS` in KiB and the number of open descriptors of process `pid`.
pub(crate) fn sample_process(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
    Some((rss, fds))
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The growth rule's verdict over one run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Judgement {
    pub(crate) warmup_s: f64,
    pub(crate) early_rss_kib: f64,
    pub(crate) late_rss_kib: f64,
    pub(crate) early_fds: f64,
    pub(crate) late_fds: f64,
    pub(crate) rss_limit_kib: f64,
    pub(crate) fds_limit: f64,
}

impl Judgement {
    pub(crate) fn rss_grew(&self) -> bool {
        self.late_rss_kib > self.rss_limit_kib
    }

    pub(crate) fn fds_grew(&self) -> bool {
        self.late_fds > self.fds_limit
    }

    pub(crate) fn text(&self) -> String {
        format!(
            "warm-up {:.0} s; RSS early {:.1} MiB → late {:.1} MiB (limit {:.1} MiB): {}; \
             fds early {:.0} → late {:.0} (limit {:.0}): {}",
            self.warmup_s,
            self.early_rss_kib / 1024.0,
            self.late_rss_kib / 1024.0,
            self.rss_limit_kib / 1024.0,
            if self.rss_grew() { "GREW" } else { "flat" },
            self.early_fds,
            self.late_fds,
            self.fds_limit,
            if self.fds_grew() { "GREW" } else { "flat" },
        )
    }
}

/// The rule of the module doc over `samples` of a churn of `run_s` seconds; `None` when a
/// window holds no sample.
pub(crate) fn judge(samples: &[Sample], run_s: f64) -> Option<Judgement> {
    let warmup_s = (run_s * WARMUP_SHARE).max(WARMUP_MIN_S);
    let early_end = warmup_s + EARLY_WINDOW_S.max(run_s / 10.0);
    let late_start = run_s * (1.0 - LATE_SHARE);
    let window = |from: f64, to: f64, f: fn(&Sample) -> f64| {
        median(
            samples
                .iter()
                .filter(|s| s.t_s >= from && s.t_s < to)
                .map(f)
                .collect(),
        )
    };
    let rss = |s: &Sample| s.rss_kib as f64;
    let fds = |s: &Sample| s.fds as f64;
    let early_rss_kib = window(warmup_s, early_end, rss)?;
    let early_fds = window(warmup_s, early_end, fds)?;
    let late_rss_kib = window(late_start, f64::INFINITY, rss)?;
    let late_fds = window(late_start, f64::INFINITY, fds)?;
    Some(Judgement {
        warmup_s,
        early_rss_kib,
        late_rss_kib,
        early_fds,
        late_fds,
        rss_limit_kib: early_rss_kib * (1.0 + RSS_SLACK_SHARE) + RSS_SLACK_KIB,
        fds_limit: early_fds + FD_SLACK,
    })
}

/// One line per tenth of the run: its median RSS and descriptors, and the churn's
/// completed scenarios by its end.
pub(crate) fn curve(samples: &[Sample], run_s: f64) -> String {
    let mut out = String::from("   share      t   RSS MiB   fds  completed\n");
    for tenth in 1..=10 {
        let (from, to) = (
            run_s * f64::from(tenth - 1) / 10.0,
            run_s * f64::from(tenth) / 10.0,
        );
        let slice: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.t_s >= from && (s.t_s < to || tenth == 10))
            .collect();
        let (Some(rss), Some(fds)) = (
            median(slice.iter().map(|s| s.rss_kib as f64).collect()),
            median(slice.iter().map(|s| s.fds as f64).collect()),
        ) else {
            continue;
        };
        let done = slice.last().map_or(0, |s| s.progress.completed);
        out.push_str(&format!(
            "   {:>4}%  {:>4.0} s  {:>8.1}  {:>4.0}  {:>9}\n",
            tenth * 10,
            to,
            rss / 1024.0,
            fds,
            done
        ));
    }
    out
}

fn write_csv(path: &Path, samples: &[Sample]) -> Result<()> {
    let mut csv = String::from("t_s,rss_kib,fds,completed,refused,failed\n");
    for s in samples {
        csv.push_str(&format!(
            "{:.1},{},{},{},{},{}\n",
            s.t_s, s.rss_kib, s.fds, s.progress.completed, s.progress.refused, s.progress.failed
        ));
    }
    std::fs::write(path, csv).with_context(|| format!("cannot write {}", path.display()))
}

/// Builds both binaries (release), soaks the server for `minutes`, prints the curve and
/// the verdict. Each of the five checks counts as a test; any failure fails the run.
pub(crate) fn run(root: &Path, minutes: f64) -> Result<Counts> {
    if !(minutes.is_finite() && minutes >= MIN_MINUTES) {
        bail!(
            "--minutes must be at least {MIN_MINUTES} (warm-up, early window and last quarter apart)"
        );
    }
    run::cargo(&["build", "--release", "--locked", "-p", "backend", "--bins"])?;
    let out = root.join("target/soak");
    // An empty dist/: the soak is about the API and WebSockets, not the page's files.
    let dist = out.join("dist");
    std::fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;
    let server = Server::start(&root.join("target/release/backend"), &dist)?;
    let pid = server.pid;
    let (_, fds_before) = sample_process(pid).context("cannot read the server's /proc entry")?;

    let run_s = minutes * 60.0;
    let churn_json = out.join("churn.json");
    let mut churn = Command::new(root.join("target/release/duplex-load"))
        .args(["churn", "--url", &format!("http://{}", server.addr)])
        .args([
            "--minutes",
            &minutes.to_string(),
            "--progress-lines",
            "--json",
        ])
        .arg(&churn_json)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start duplex-load")?;
    eprintln!(
        "   duplex-load churn for {minutes} min (pid {})",
        churn.id()
    );
    let progress = Arc::new(Mutex::new(Progress::default()));
    let reader = {
        let progress = Arc::clone(&progress);
        let stdout = churn.stdout.take().context("no stdout")?;
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match parse_progress(&line) {
                    Some(p) => *progress.lock().unwrap_or_else(|e| e.into_inner()) = p,
                    None => eprintln!("   {line}"),
                }
            }
        })
    };

    let t0 = Instant::now();
    let mut samples = Vec::new();
    let churn_status = loop {
        if let Some((rss_kib, fds)) = sample_process(pid) {
            samples.push(Sample {
                t_s: t0.elapsed().as_secs_f64(),
                rss_kib,
                fds,
                progress: *progress.lock().unwrap_or_else(|e| e.into_inner()),
            });
        }
        if let Some(status) = churn.try_wait()? {
            break status;
        }
        if t0.elapsed() > Duration::from_secs_f64(run_s) + CHURN_GRACE {
            let _ = churn.kill();
            let _ = churn.wait();
            bail!(
                "duplex-load churn did not end within {} s of its time",
                CHURN_GRACE.as_secs()
            );
        }
        // Sample at whole seconds from the start.
        let next = Duration::from_secs(t0.elapsed().as_secs() + 1);
        std::thread::sleep(next.saturating_sub(t0.elapsed()));
    };
    let _ = reader.join();

    // Every connection of the churn is closed now; the server's descriptors should follow.
    let settle_start = Instant::now();
    let fds_after = loop {
        let fds = sample_process(pid).map_or(u64::MAX, |(_, f)| f);
        if fds <= fds_before + SETTLE_FDS || settle_start.elapsed() > SETTLE_WAIT {
            break fds;
        }
        std::thread::sleep(Duration::from_millis(200));
    };

    std::fs::create_dir_all(&out)?;
    let csv = out.join("samples.csv");
    write_csv(&csv, &samples)?;
    eprint!("{}", curve(&samples, run_s));
    eprintln!("   samples: {}", csv.display());

    let judgement = judge(&samples, run_s);
    let stopped = server.stop();
    let mut checks: Vec<(String, bool)> = Vec::new();
    checks.push((
        format!(
            "duplex-load churn exited with {churn_status} (summary above, {})",
            churn_json.display()
        ),
        churn_status.success(),
    ));
    match &judgement {
        Some(j) => {
            eprintln!("   {}", j.text());
            checks.push((
                format!(
                    "RSS after warm-up: {:.1} → {:.1} MiB",
                    j.early_rss_kib / 1024.0,
                    j.late_rss_kib / 1024.0
                ),
                !j.rss_grew(),
            ));
            checks.push((
                format!(
                    "descriptors after warm-up: {:.0} → {:.0}",
                    j.early_fds, j.late_fds
                ),
                !j.fds_grew(),
            ));
        }
        None => checks.push(("too few samples to judge growth".to_owned(), false)),
    }
    checks.push((
        format!("descriptors after the churn: {fds_after} (before it: {fds_before}, allowed +{SETTLE_FDS})"),
        fds_after <= fds_before + SETTLE_FDS,
    ));
    checks.push(match &stopped {
        Ok(status) => (
            format!("server exit on SIGTERM: {status}"),
            status.success(),
        ),
        Err(e) => (format!("server exit on SIGTERM: {e}"), false),
    });
    let mut counts = Counts::default();
    for (what, ok) in &checks {
        eprintln!("   {} {what}", if *ok { "ok  " } else { "FAIL" });
        if *ok {
            counts.passed += 1;
        } else {
            counts.failed += 1;
        }
    }
    if counts.failed > 0 {
        bail!("soak: {} of {} checks failed", counts.failed, checks.len());
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minute of samples: `rss(t)` and `fds(t)` each second.
    fn run_of(rss: impl Fn(f64) -> u64, fds: impl Fn(f64) -> u64) -> Vec<Sample> {
        (0..=60)
            .map(|t| {
                let t = f64::from(t);
                Sample {
                    t_s: t,
                    rss_kib: rss(t),
                    fds: fds(t),
                    progress: Progress::default(),
                }
            })
            .collect()
    }

    #[test]
    fn a_flat_server_after_warm_up_passes() {
        // Climbs during warm-up, then jitters around 20 MiB.
        let samples = run_of(
            |t| {
                if t < 15.0 {
                    10_000 + t as u64 * 600
                } else {
                    20_000 + (t as u64 % 3) * 300
                }
            },
            |t| 12 + (t as u64 % 7),
        );
        let j = judge(&samples, 60.0).unwrap();
        assert_eq!(j.warmup_s, 15.0);
        assert!(!j.rss_grew() && !j.fds_grew(), "{}", j.text());
    }

    #[test]
    fn a_leak_fails_and_slack_is_as_documented() {
        // 2 MiB per 10 s: the last quarter sits ~7 MiB over the early level, past 10 % +
        // 2 MiB of it.
        let leaking = run_of(|t| 20_000 + (t * 204.8) as u64, |_| 20);
        let j = judge(&leaking, 60.0).unwrap();
        assert!(j.rss_grew(), "{}", j.text());
        assert!(!j.fds_grew());
        // One descriptor a second.
        let fd_leak = run_of(|_| 20_000, |t| 10 + t as u64);
        assert!(judge(&fd_leak, 60.0).unwrap().fds_grew());
        // Exactly the slack is allowed.
        let at_limit = run_of(
            |t| if t < 40.0 { 20_000 } else { 24_048 },
            |t| if t < 40.0 { 10 } else { 42 },
        );
        let j = judge(&at_limit, 60.0).unwrap();
        assert!(!j.rss_grew() && !j.fds_grew(), "{}", j.text());
    }

    #[test]
    fn windows_and_parsing() {
        assert!(judge(&[], 60.0).is_none());
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(
            parse_progress("progress 12.0 340 1 0"),
            Some(Progress {
                completed: 340,
                refused: 1,
                failed: 0
            })
        );
        assert_eq!(parse_progress("churn: 3 completed"), None);
        let text = curve(&run_of(|_| 10_240, |_| 12), 60.0);
        assert_eq!(text.lines().count(), 11, "{text}");
        assert!(text.contains(" 100%"), "{text}");
        assert!(sample_process(std::process::id()).is_some());
    }
}
