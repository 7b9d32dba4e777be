//! `cargo xtask conformance` (and a step of `cargo xtask test`): the Autobahn TestSuite's
//! WebSocket cases, run by kosoku (installed by `tools::ensure_kosoku`) against the real
//! server's plain echo endpoint (`/ws/echo`, `protocol::ws::WS_ECHO_PATH`).
//!
//! The server is the workspace's own `backend` binary on 127.0.0.1 port 0; its address is
//! read from the line it prints, and it is stopped (SIGTERM, then killed) however the run
//! ends. kosoku writes `target/conformance/` (`index.html` for people, `index.json`
//! `{agent: {case: {behavior, behaviorClose, …}}}` read here); the summary counts each
//! section's OK / NON-STRICT / INFORMATIONAL / UNIMPLEMENTED / FAILED, names every case
//! that is not OK (with why, where [`EXPLAINED`] knows), and the run fails on any FAILED.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::run::{self, Counts};
use crate::server::Server;

/// The endpoint under test (`protocol::ws::WS_ECHO_PATH`; xtask does not depend on
/// `protocol`, and a wrong path fails the run at its first case).
const ECHO_PATH: &str = "/ws/echo";

/// Cases not run (case ids or `*` globs, space-separated), each group with its reason.
/// Everything else runs: sections 1–7 and 10, and section 9 sized to our caps — 9.1.1 and
/// 9.2.1 (one 64 KiB text or binary message: the cap itself) and 9.7.x / 9.8.x (1,000
/// messages of 0 B–4 KiB one after another, within the flood cap's 10,000-message burst).
pub(crate) const EXCLUDED: [(&str, &str); 5] = [
    (
        "9.1.2 9.1.3 9.1.4 9.1.5 9.1.6 9.2.2 9.2.3 9.2.4 9.2.5 9.2.6",
        "performance: one message of 256 KiB to 16 MiB, over /ws/echo's 64 KiB cap (each \
         would end in 1009, by design)",
    ),
    (
        "9.3.* 9.4.*",
        "performance: a 4 MiB message in fragments, over the 64 KiB cap",
    ),
    (
        "9.5.* 9.6.*",
        "performance: a 1 MiB message written in chops, over the 64 KiB cap",
    ),
    (
        "12.*",
        "permessage-deflate compression, which Duplex does not offer (the labs count the \
         bytes on the wire)",
    ),
    (
        "13.*",
        "permessage-deflate with parameters, which Duplex does not offer",
    ),
];

/// Cases known not to be OK, and why (printed beside them; they never fail the run —
/// only FAILED does).
const EXPLAINED: [(&str, &str); 5] = [
    (
        "6.4.3",
        "the invalid UTF-8 arrives in the middle of one frame, sent in chops; \
         tungstenite validates a frame when it has all of it, so the close (1007) comes \
         with the frame's end, not at the bad byte",
    ),
    ("6.4.4", "as 6.4.3"),
    (
        "7.1.6",
        "the 256 KiB message is over /ws/echo's 64 KiB cap, so the answer \
         is 1009 rather than the echo",
    ),
    (
        "7.13.1",
        "close code 5000 is outside RFC 6455's ranges; tungstenite answers \
         1002",
    ),
    ("7.13.2", "as 7.13.1 (code 65535)"),
];

/// Cases run at once.
const PARALLELISM: &str = "4";
/// The longest a whole kosoku run may take (it takes seconds).
const RUN_WAIT: Duration = Duration::from_secs(600);

/// One section's counts, by Autobahn's verdicts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) ok: u64,
    pub(crate) non_strict: u64,
    pub(crate) informational: u64,
    pub(crate) unimplemented: u64,
    pub(crate) failed: u64,
}

impl Tally {
    fn add(&mut self, verdict: &str) {
        match verdict {
            "OK" => self.ok += 1,
            "NON-STRICT" => self.non_strict += 1,
            "INFORMATIONAL" => self.informational += 1,
            "UNIMPLEMENTED" => self.unimplemented += 1,
            // FAILED, and anything this summary does not know.
            _ => self.failed += 1,
        }
    }

    fn total(&self) -> u64 {
        self.ok + self.non_strict + self.informational + self.unimplemented + self.failed
    }

    fn merge(&mut self, other: &Tally) {
        self.ok += other.ok;
        self.non_strict += other.non_strict;
        self.informational += other.informational;
        self.unimplemented += other.unimplemented;
        self.failed += other.failed;
    }
}

/// What a run's `index.json` says.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Per section (`"1"`, `"10"`, …), in section order.
    pub(crate) sections: BTreeMap<u32, Tally>,
    /// Cases whose behaviour or close behaviour is not OK: id, behaviour, close behaviour.
    pub(crate) not_ok: Vec<(String, String, String)>,
}

impl Report {
    pub(crate) fn total(&self) -> Tally {
        let mut all = Tally::default();
        for t in self.sections.values() {
            all.merge(t);
        }
        all
    }
}

/// Reads kosoku's `index.json`. A case's verdict is its `behavior`, made FAILED when its
/// `behaviorClose` is FAILED (a wrong or missing close is a failure too).
pub(crate) fn parse_index(json: &str) -> Result<Report> {
    let index: serde_json::Value = serde_json::from_str(json).context("index.json is not JSON")?;
    let agents = index.as_object().context("index.json is not an object")?;
    let mut report = Report::default();
    for cases in agents.values() {
        let cases = cases
            .as_object()
            .context("an agent's cases are not an object")?;
        let mut ids: Vec<&String> = cases.keys().collect();
        ids.sort_by_key(|id| case_key(id));
        for id in ids {
            let case = &cases[id];
            let text = |k: &str| case.get(k).and_then(|v| v.as_str()).unwrap_or("missing");
            let (behavior, close) = (text("behavior"), text("behaviorClose"));
            let verdict = if close == "FAILED" {
                "FAILED"
            } else {
                behavior
            };
            let section = case_key(id)[0];
            report.sections.entry(section).or_default().add(verdict);
            if behavior != "OK" || close != "OK" {
                report
                    .not_ok
                    .push((id.clone(), behavior.to_owned(), close.to_owned()));
            }
        }
    }
    if report.sections.is_empty() {
        bail!("index.json lists no case");
    }
    Ok(report)
}

/// `"6.4.10"` → `[6, 4, 10]`, for numeric order.
fn case_key(id: &str) -> Vec<u32> {
    id.split('.')
        .map(|p| p.parse().unwrap_or(u32::MAX))
        .collect()
}

/// The summary table and the cases that are not OK.
pub(crate) fn summary(report: &Report) -> String {
    let mut out = String::new();
    let row = |name: &str, t: &Tally| {
        format!(
            "  {name:<8} {:>5} {:>10} {:>13} {:>13} {:>6} {:>6}\n",
            t.ok,
            t.non_strict,
            t.informational,
            t.unimplemented,
            t.failed,
            t.total()
        )
    };
    out.push_str(&format!(
        "  {:<8} {:>5} {:>10} {:>13} {:>13} {:>6} {:>6}\n",
        "section", "OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED", "total"
    ));
    for (section, t) in &report.sections {
        out.push_str(&row(&section.to_string(), t));
    }
    out.push_str(&row("all", &report.total()));
    for (id, behavior, close) in &report.not_ok {
        let why = EXPLAINED
            .iter()
            .find(|(case, _)| case == id)
            .map_or("not explained: see the case's report", |(_, why)| why);
        out.push_str(&format!("  {id}: {behavior} (close {close}) — {why}\n"));
    }
    out
}

/// Builds the server, runs the suite against it, prints the summary; the cases as test
/// counts (a case passes unless FAILED). Fails on any FAILED case.
pub(crate) fn run(root: &Path) -> Result<Counts> {
    run::cargo(&["build", "--locked", "-p", "backend", "--bin", "backend"])?;
    let out = root.join("target/conformance");
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("clear {}", out.display()))?;
    }
    let server = Server::start(&root.join("target/debug/backend"), &root.join("dist"))?;
    let url = format!("ws://{}{ECHO_PATH}", server.addr);
    let mut args: Vec<String> = vec![url.clone()];
    for pattern in EXCLUDED.iter().flat_map(|(p, _)| p.split_whitespace()) {
        args.extend(["-x".to_owned(), pattern.to_owned()]);
    }
    args.extend(["-p".to_owned(), PARALLELISM.to_owned()]);
    args.extend(["-o".to_owned(), out.display().to_string()]);
    eprintln!("   kosoku {}", args.join(" "));
    for (pattern, why) in EXCLUDED {
        eprintln!("   not run: {pattern} — {why}");
    }
    let kosoku = crate::tools::kosoku(root);
    let child = Command::new(&kosoku)
        .args(&args)
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot run {}", kosoku.display()))?;
    let status = wait_for(child, RUN_WAIT).context("kosoku")?;
    // Its exit status is the soak's business; here only the cases count.
    let _ = server.stop();
    // kosoku's exit status says nothing the report does not; the report decides.
    let index = out.join("index.json");
    let json = std::fs::read_to_string(&index).with_context(|| {
        format!(
            "kosoku ({status}) wrote no {}: see its output",
            index.display()
        )
    })?;
    let report = parse_index(&json)?;
    eprint!("{}", summary(&report));
    eprintln!("   report: {}", out.join("index.html").display());
    let all = report.total();
    if all.failed > 0 {
        bail!("{} Autobahn cases FAILED on {url}", all.failed);
    }
    Ok(Counts {
        passed: all.total() - all.failed,
        failed: all.failed,
        ignored: 0,
    })
}

/// Waits for `child` until `limit`, killing it then.
fn wait_for(mut child: Child, limit: Duration) -> Result<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("did not finish in {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_sections_in_order_and_close_failures_as_failed() {
        let json = r#"{"127.0.0.1:1": {
            "10.1.1": {"behavior": "OK", "behaviorClose": "OK"},
            "1.1.1": {"behavior": "OK", "behaviorClose": "OK"},
            "6.4.3": {"behavior": "NON-STRICT", "behaviorClose": "OK"},
            "7.1.6": {"behavior": "INFORMATIONAL", "behaviorClose": "INFORMATIONAL"},
            "7.9.1": {"behavior": "OK", "behaviorClose": "FAILED"},
            "5.1": {"behavior": "UNIMPLEMENTED", "behaviorClose": "UNIMPLEMENTED"},
            "2.1": {"behavior": "FAILED", "behaviorClose": "OK"}
        }}"#;
        let report = parse_index(json).unwrap();
        let sections: Vec<u32> = report.sections.keys().copied().collect();
        assert_eq!(sections, [1, 2, 5, 6, 7, 10]);
        assert_eq!(report.sections[&7].failed, 1);
        assert_eq!(report.sections[&7].informational, 1);
        let all = report.total();
        assert_eq!(
            all,
            Tally {
                ok: 2,
                non_strict: 1,
                informational: 1,
                unimplemented: 1,
                failed: 2
            }
        );
        let ids: Vec<&str> = report.not_ok.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(ids, ["2.1", "5.1", "6.4.3", "7.1.6", "7.9.1"]);
        let text = summary(&report);
        assert!(
            text.contains("6.4.3: NON-STRICT (close OK) — the invalid UTF-8"),
            "{text}"
        );
        assert!(text.contains("not explained"), "{text}");
    }

    #[test]
    fn an_empty_report_is_an_error() {
        assert!(parse_index("{}").is_err());
        assert!(parse_index("[]").is_err());
    }
}
