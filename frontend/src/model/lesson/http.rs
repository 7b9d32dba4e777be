//! Checks of the HTTP lessons: `one-request` (the basics panel's echo), and
//! `connection-close`, `keep-alive`, `six-at-a-time` (the HTTP lab's rows, joined to the
//! server-reported connections by the `conn` each lab reply names).

use std::collections::BTreeSet;

use protocol::lab::LabReply;
use protocol::observe::ClosedBy;

use super::super::fetch::FetchState;
use super::super::lab::{LabRow, Measured};
use super::super::observed::Observed;
use super::tolerance::{
    BROWSER_CONNECTIONS_PER_HOST, MIN_PARALLEL, MIN_REQUESTS, QUEUED_DELAY_FRACTION, QUEUED_MIN_MS,
};
use super::{Evidence, Saw, StepState};
use crate::stats;

/// `one-request`: `answered`, `echoed`.
pub(super) fn one_request(e: &Evidence<'_>) -> Vec<StepState> {
    let results = e.echo.map(|s| s.results.as_slice()).unwrap_or_default();
    // Newest first: the latest answer that carried a status.
    let latest = results.iter().find(|(_, r)| r.status.is_some());
    let answered = match latest {
        None => StepState::Pending,
        Some((_, r)) => {
            let status = r.status.unwrap_or_default();
            let ok = (200..300).contains(&status) && matches!(r.fetch, FetchState::Success(_));
            StepState::judge(
                ok,
                Saw::Answered {
                    status,
                    ms: r.round_trip_ms,
                },
            )
        }
    };
    let reply = results.iter().find_map(|(_, r)| match &r.fetch {
        FetchState::Success(reply) => Some(reply),
        _ => None,
    });
    let echoed = match (reply, e.echo_sent) {
        (Some(reply), Some(sent)) => {
            let same = reply.payload == sent;
            StepState::judge(
                same && !sent.is_empty(),
                Saw::Echoed {
                    sent_bytes: sent.len() as u64,
                    echoed_bytes: reply.payload_bytes,
                    same,
                },
            )
        }
        _ => StepState::Pending,
    }
    .after(&answered);
    vec![answered, echoed]
}

/// A lab request that was answered: the row, what the page measured, the server's reply.
struct Answered<'a> {
    row: &'a LabRow,
    measured: &'a Measured,
    reply: &'a LabReply,
}

/// The answered rows of the latest run whose rows satisfy `pred` (`None`: no such run).
fn latest_run<'a>(rows: &'a [LabRow], pred: impl Fn(&LabRow) -> bool) -> Option<Vec<Answered<'a>>> {
    let run = rows.iter().rev().find(|r| pred(r))?.run;
    let mut answered: Vec<Answered<'a>> = rows
        .iter()
        .filter(|r| r.run == run)
        .filter_map(|row| {
            let (measured, reply) = row.finished()?;
            Some(Answered {
                row,
                measured,
                reply: reply.ok()?,
            })
        })
        .collect();
    answered.sort_by_key(|a| a.row.n);
    Some(answered)
}

/// The distinct connections the replies name (a reply without one names none).
fn connections(run: &[Answered<'_>]) -> BTreeSet<u64> {
    run.iter().filter_map(|a| a.reply.conn).collect()
}

/// Of `conns`, those the observer saw closed by the server.
fn closed_by_server(observed: Option<&Observed>, conns: &BTreeSet<u64>) -> u32 {
    let Some(o) = observed else { return 0 };
    conns
        .iter()
        .filter(|c| {
            o.conns
                .get(c)
                .is_some_and(|v| matches!(v.closed, Some((_, ClosedBy::Server))))
        })
        .count() as u32
}

fn count(run: &[Answered<'_>]) -> u32 {
    run.len() as u32
}

fn requests_step(run: Option<&[Answered<'_>]>, min: u32) -> StepState {
    match run {
        None | Some([]) => StepState::Pending,
        Some(run) => StepState::judge(
            count(run) >= min,
            Saw::Requests {
                requests: count(run),
            },
        ),
    }
}

/// `connection-close`: `three-requests`, `three-connections`, `server-closed` — the
/// latest sequential run with keep-alive off.
pub(super) fn connection_close(e: &Evidence<'_>) -> Vec<StepState> {
    let run = latest_run(e.lab, |r| r.spec.close && !r.parallel);
    let requests = requests_step(run.as_deref(), MIN_REQUESTS);
    let Some(run) = run.filter(|r| !r.is_empty()) else {
        return vec![requests, StepState::Pending, StepState::Pending];
    };
    let conns = connections(&run);
    let (n, c) = (count(&run), conns.len() as u32);
    let s = closed_by_server(e.observed, &conns);
    let saw = Saw::Connections {
        requests: n,
        connections: c,
        closed_by_server: s,
    };
    // Each request on its own connection: as many connections as requests. Not "each
    // new": the first may ride a keep-alive connection the page opened before (its files,
    // an echo) — recorded so in Chromium — which the server then closes after it.
    let own = c == n;
    let three = StepState::judge(own && n >= MIN_REQUESTS, saw.clone()).after(&requests);
    let closed = StepState::judge(c > 0 && s == c, saw).after(&three);
    vec![requests, three, closed]
}

/// `keep-alive`: `three-requests`, `one-connection`, `connect-phase` — the latest
/// sequential run with keep-alive on.
pub(super) fn keep_alive(e: &Evidence<'_>) -> Vec<StepState> {
    let run = latest_run(e.lab, |r| !r.spec.close && !r.parallel);
    let requests = requests_step(run.as_deref(), MIN_REQUESTS);
    let Some(run) = run.filter(|r| !r.is_empty()) else {
        return vec![requests, StepState::Pending, StepState::Pending];
    };
    let conns = connections(&run);
    let n = count(&run);
    let one = StepState::judge(
        conns.len() == 1 && run.iter().skip(1).all(|a| a.reply.request_on_conn > 1),
        Saw::Connections {
            requests: n,
            connections: conns.len() as u32,
            closed_by_server: closed_by_server(e.observed, &conns),
        },
    )
    .after(&requests);
    vec![
        requests,
        one.clone(),
        connect_phase(e.lab, &run).after(&one),
    ]
}

/// The keep-alive run's requests on the reused connection paid no connect phase; what it
/// saw shows beside them the newest request that opened a connection, if the page made
/// one (a `Connection: close` run, or past the connections the browser keeps idle).
///
/// The new connection may come from any run of the page's lab: the first request of a
/// keep-alive run usually rides a connection the browser opened to load the page (so it
/// pays nothing either), which is why the hint sends the reader to a `Connection: close`
/// run first — every request of it opens one. The lab has no emulated network, so on
/// loopback the phase is a fraction of a millisecond: the check reads its presence
/// (Resource Timing's `connectStart` ≠ `connectEnd`, and the server's count of requests on
/// the connection), not the textbook's two round trips against one — `real-network`
/// checks that, with the race under an emulated RTT.
fn connect_phase(rows: &[LabRow], run: &[Answered<'_>]) -> StepState {
    // The newest request that opened a connection, by the server's count (its first
    // request), with the browser's connect time for it. Chromium often opens a socket
    // ahead of time (recorded so: a close run's requests all new to the server, none with
    // a connect phase in Resource Timing), so on loopback that time may read 0: the cost
    // itself is `real-network`'s to show. Recorded in lesson 3's browser test: a fresh
    // page keeps the connections it loaded its files on, so even a close run rode them
    // (each the 2nd request on its connection) and no request opened one.
    let paid = rows.iter().rev().find_map(|row| {
        let (measured, reply) = row.finished()?;
        let phases = measured.phases.as_ref()?;
        (reply.ok()?.request_on_conn == 1).then_some((phases.connect_ms, measured.total_ms))
    });
    let (first, rest) = match run.split_first() {
        Some((first, rest)) => (first, rest),
        None => return StepState::Pending,
    };
    let Some(first_phases) = first.measured.phases.as_ref() else {
        return StepState::Pending;
    };
    let (paid_connect_ms, paid_ms) = match paid {
        Some(p) => p,
        // Nothing new yet: show the run's first request.
        None => (first_phases.connect_ms, first.measured.total_ms),
    };
    let reused: Vec<&Answered<'_>> = rest.iter().collect();
    let with_connect = reused
        .iter()
        .filter(|a| a.measured.phases.as_ref().is_none_or(|p| !p.reused))
        .count() as u32;
    let totals: Vec<f64> = reused.iter().map(|a| a.measured.total_ms).collect();
    let reused_median_ms = stats::summarize(&totals).map_or(0.0, |s| s.p50);
    StepState::judge(
        !reused.is_empty() && with_connect == 0,
        Saw::ConnectPhase {
            first_connect_ms: paid_connect_ms,
            first_ms: paid_ms,
            reused: reused.len() as u32,
            reused_with_connect: with_connect,
            reused_median_ms,
        },
    )
}

/// `six-at-a-time`: `parallel`, `six-connections`, `queued` — the latest parallel run
/// with keep-alive on.
pub(super) fn six_at_a_time(e: &Evidence<'_>) -> Vec<StepState> {
    let run = latest_run(e.lab, |r| r.parallel && !r.spec.close);
    let parallel = requests_step(run.as_deref(), MIN_PARALLEL);
    let Some(run) = run.filter(|r| !r.is_empty()) else {
        return vec![parallel, StepState::Pending, StepState::Pending];
    };
    let n = count(&run);
    let conns = connections(&run);
    let c = conns.len() as u32;
    let six = match e.observed.and_then(|o| peak_open(o, &conns)) {
        None => StepState::Pending,
        Some(peak_open) => StepState::judge(
            c > 1 && peak_open <= BROWSER_CONNECTIONS_PER_HOST && c <= BROWSER_CONNECTIONS_PER_HOST,
            Saw::Parallel {
                requests: n,
                connections: c,
                peak_open,
            },
        ),
    }
    .after(&parallel);
    vec![parallel, six.clone(), queued(&run, c).after(&six)]
}

/// The most of `conns` open at once, by the server's accept and close times; `None` if
/// the observer has not reported every one of them.
fn peak_open(o: &Observed, conns: &BTreeSet<u64>) -> Option<u32> {
    let mut edges: Vec<(u64, i32)> = Vec::new();
    for c in conns {
        let v = o.conns.get(c)?;
        edges.push((v.accepted_us, 1));
        if let Some((at, _)) = v.closed {
            edges.push((at, -1));
        }
    }
    // A close at the same instant as an accept is counted first.
    edges.sort_by_key(|&(at, d)| (at, d));
    let (mut open, mut peak) = (0i32, 0i32);
    for (_, d) in edges {
        open += d;
        peak = peak.max(open);
    }
    Some(peak as u32)
}

/// The requests beyond the connections waited: served after an earlier request on the
/// same connection (the server's count), with a queueing phase the browser timed.
fn queued(run: &[Answered<'_>], connections: u32) -> StepState {
    let n = count(run);
    let mut waited = 0u32;
    let mut longest_wait_ms: f64 = 0.0;
    for a in run {
        let Some(p) = a.measured.phases.as_ref() else {
            continue;
        };
        longest_wait_ms = longest_wait_ms.max(p.queueing_ms);
        let threshold = QUEUED_MIN_MS.max(QUEUED_DELAY_FRACTION * a.row.spec.delay_ms as f64);
        if a.reply.request_on_conn > 1 && p.queueing_ms >= threshold {
            waited += 1;
        }
    }
    let beyond = n.saturating_sub(connections);
    StepState::judge(
        beyond > 0 && waited >= beyond,
        Saw::Queued {
            requests: n,
            connections,
            waited,
            longest_wait_ms,
        },
    )
}
