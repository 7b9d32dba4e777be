//! `duplex-load race` and `duplex-load feed`: the Compare page's two runs, natively, against
//! any Duplex server, written as the page's own download (`protocol::report`), so a run
//! from a browser and one from the command line compare side by side.
//!
//! - **race**: per contender in the page's order, `n` round trips of `size` bytes with `k`
//!   in flight — HTTP on a new connection each time (`close`), HTTP keep-alive (`k`
//!   pooled connections), or one WebSocket (`k` messages in flight) — each echo checked
//!   byte for byte and timed, then the server's tally for the run.
//! - **feed**: one feed of `rate` events a second for `secs` seconds, read four ways at
//!   once as the page does (short polls every `poll` ms, long polls, SSE, WebSocket push);
//!   staleness is the receive time (corrected by the clock offset, measured as the page
//!   does) minus the server's emit time.
//!
//! Round trips also go into an HDR histogram per contender, printed at the end.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use protocol::EchoReply;
use protocol::compare::{
    Contender, FEED_LONG_PATH, FEED_PATH, FEED_POLL_PATH, FEED_SSE_PATH, FEED_WS_PATH, FeedBatch,
    FeedEvent, FeedReadQuery, FeedStartQuery, FeedStarted, FeedStopQuery, RACE_HTTP_PATH,
    RACE_WS_PATH, RaceHttpQuery, RaceWsQuery, Strategy, TALLY_PATH, Tally, TallyQuery,
};
use protocol::emulate::NetModel;
use protocol::http::ECHO_PATH;
use protocol::query::target;
use protocol::report::{
    CLIENT_LOAD, COMPARE_DOCUMENT, CompareReport, Counted, FeedReport, NetworkReport, RaceReport,
    overhead_per_round_trip, summarize,
};
use protocol::ws::close_code;
use reqwest::Method;
use tokio_tungstenite::tungstenite::Message;

use crate::churn::Ctx;
use crate::error::{LoadError, unexpected};
use crate::target::Target;
use crate::{http, ws};

/// A race, checked against the page's bounds (`protocol::lab::LabParam`).
#[derive(Debug, Clone)]
pub(crate) struct RaceConfig {
    pub(crate) contenders: Vec<Contender>,
    pub(crate) n: u64,
    pub(crate) size: u64,
    pub(crate) k: u64,
}

/// A feed, checked likewise.
#[derive(Debug, Clone)]
pub(crate) struct FeedConfig {
    pub(crate) strategies: Vec<Strategy>,
    pub(crate) rate: u64,
    pub(crate) secs: u64,
    pub(crate) poll_ms: u64,
}

/// The network model and how the page's URL names it.
#[derive(Debug, Clone)]
pub(crate) struct Net {
    pub(crate) model: NetModel,
    /// `("net", slug)` and, for a custom model, `rtt` and `jitter`.
    pub(crate) settings: Vec<(&'static str, String)>,
}

fn client_key() -> String {
    format!("duplex-load-compare-{:x}", std::process::id())
}

fn context(target: Target) -> Ctx {
    Ctx::new(Arc::new(target), client_key())
}

fn document(
    net: &Net,
    settings: Vec<(&'static str, String)>,
    race: Vec<RaceReport>,
    feed: Vec<FeedReport>,
) -> CompareReport {
    let settings: BTreeMap<String, String> = net
        .settings
        .iter()
        .cloned()
        .chain(settings)
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    CompareReport {
        duplex: COMPARE_DOCUMENT.to_owned(),
        client: CLIENT_LOAD.to_owned(),
        settings,
        network: NetworkReport {
            emulated: !net.model.is_none(),
            rtt_ms: net.model.rtt_ms,
            jitter_ms: net.model.jitter_ms,
        },
        // A native client's clock is precise (the page's is only when isolated).
        cross_origin_isolated: true,
        race,
        feed,
    }
}

fn bar(len: u64, unit: &str) -> ProgressBar {
    ProgressBar::new(len).with_style(
        ProgressStyle::with_template(&format!(
            "{{prefix:>9}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{elapsed}}"
        ))
        .expect("a valid progress template")
        .progress_chars("=> "),
    )
}

fn ms_since(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

/// The run's tally once the server has settled it (at most two seconds of asking).
async fn tally(ctx: &Ctx, run: u64) -> Option<Tally> {
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut last = None;
    while Instant::now() < deadline {
        let query = TallyQuery { run, client: None };
        let t: Tally = http::json(http::get(ctx, &target(TALLY_PATH, &query)))
            .await
            .ok()?;
        last = Some(t);
        if t.settled && t.held_now == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    last
}

/// Round trip `i`'s payload of `size` bytes: a different pattern per round trip, so an
/// echo of the wrong one is caught (`race.rs`'s small race uses it too).
pub(crate) fn payload(size: u64, i: u64) -> Vec<u8> {
    (0..size).map(|b| (b + i) as u8).collect()
}

/// One HTTP lane: takes the next round trip from `next` until `n` are taken.
async fn http_lane(
    ctx: &Ctx,
    cfg: &RaceConfig,
    net: NetModel,
    run: u64,
    close: bool,
    next: &AtomicU64,
    progress: &ProgressBar,
) -> Result<Vec<f64>, LoadError> {
    let mut samples = Vec::new();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= cfg.n {
            return Ok(samples);
        }
        let query = RaceHttpQuery {
            run: Some(run),
            close,
            emu: net,
            client: None,
            seq: Some(i),
        };
        let body = payload(cfg.size, i);
        let t0 = Instant::now();
        let req = http::changing(ctx, close, Method::POST, &target(RACE_HTTP_PATH, &query))
            .header("content-type", "application/octet-stream")
            .body(body.clone());
        let echoed = http::ok(req.send().await?).await?.bytes().await?;
        samples.push(ms_since(t0));
        if echoed.as_ref() != body.as_slice() {
            return Err(unexpected(format!("echo {i}: {} bytes back", echoed.len())));
        }
        progress.inc(1);
    }
}

/// The WebSocket contender: `k` messages in flight on one session.
async fn ws_race(
    ctx: &Ctx,
    cfg: &RaceConfig,
    net: NetModel,
    run: u64,
    progress: &ProgressBar,
) -> Result<Vec<f64>, LoadError> {
    let query = RaceWsQuery {
        n: cfg.n,
        run: Some(run),
        emu: net,
        client: Some(ctx.key.clone()),
    };
    let mut sock = ws::connect(&ctx.target, &target(RACE_WS_PATH, &query), None).await?;
    let mut in_flight: VecDeque<(u64, Instant)> = VecDeque::new();
    let mut sent = 0;
    let mut samples = Vec::new();
    while samples.len() < cfg.n as usize {
        while sent < cfg.n && (in_flight.len() as u64) < cfg.k {
            in_flight.push_back((sent, Instant::now()));
            let msg = Message::binary(payload(cfg.size, sent));
            ws::patient(async { Ok(sock.send(msg).await?) }).await?;
            sent += 1;
        }
        let got = ws::next(&mut sock).await?;
        let (i, t0) = in_flight
            .pop_front()
            .ok_or_else(|| unexpected("an echo nobody sent"))?;
        samples.push(ms_since(t0));
        match got {
            Message::Binary(b) if b.as_ref() == payload(cfg.size, i).as_slice() => {}
            other => return Err(unexpected(format!("echo {i}: got {other:?}"))),
        }
        progress.inc(1);
    }
    ws::close_normally(&mut sock).await?;
    Ok(samples)
}

/// One contender's race and its report.
async fn contender(
    ctx: &Ctx,
    cfg: &RaceConfig,
    net: NetModel,
    contender: Contender,
    progress: &ProgressBar,
) -> (RaceReport, Histogram<u64>) {
    let run = ctx.next_id();
    let t0 = Instant::now();
    let result = match contender {
        Contender::WebSocket => ws_race(ctx, cfg, net, run, progress).await,
        Contender::NewConnection | Contender::KeepAlive => {
            let close = contender == Contender::NewConnection;
            let next = AtomicU64::new(0);
            let lanes = (0..cfg.k.min(cfg.n).max(1))
                .map(|_| http_lane(ctx, cfg, net, run, close, &next, progress));
            futures_util::future::join_all(lanes)
                .await
                .into_iter()
                .try_fold(Vec::new(), |mut all, lane| {
                    all.extend(lane?);
                    Ok(all)
                })
        }
    };
    let wall_ms = ms_since(t0);
    let (samples, error) = match result {
        Ok(s) => (s, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let tally = tally(ctx, run).await;
    let mut histogram = Histogram::<u64>::new(3).expect("3 significant figures");
    for s in &samples {
        let _ = histogram.record((s * 1000.0).round().max(1.0) as u64);
    }
    let report = RaceReport {
        contender: contender.slug().to_owned(),
        round_trip_ms: summarize(&samples),
        wall_ms,
        round_trips_per_second: (wall_ms > 0.0 && !samples.is_empty())
            .then(|| samples.len() as f64 * 1000.0 / wall_ms),
        overhead_bytes_per_round_trip: overhead_per_round_trip(tally, samples.len(), cfg.size),
        server_counted: tally.map(Counted::from),
        error,
        samples_ms: samples,
    };
    (report, histogram)
}

/// The histogram's figures, one line (µs recorded, ms shown).
pub(crate) fn histogram_line(name: &str, h: &Histogram<u64>) -> String {
    if h.is_empty() {
        return format!("{name:>9}  no round trips");
    }
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    format!(
        "{name:>9}  n {:>6}  p50 {:>8.3}  p90 {:>8.3}  p99 {:>8.3}  p99.9 {:>8.3}  max {:>8.3} ms",
        h.len(),
        ms(0.5),
        ms(0.9),
        ms(0.99),
        ms(0.999),
        h.max() as f64 / 1000.0
    )
}

/// Runs the race on every chosen contender, one after another (as the page does).
pub(crate) async fn race(server: Target, cfg: RaceConfig, net: Net) -> (CompareReport, String) {
    let ctx = context(server);
    let mut reports = Vec::new();
    let mut lines = Vec::new();
    for &c in &cfg.contenders {
        let progress = bar(cfg.n, "round trips").with_prefix(c.slug());
        let (report, histogram) = contender(&ctx, &cfg, net.model, c, &progress).await;
        progress.finish_and_clear();
        lines.push(histogram_line(c.slug(), &histogram));
        if let Some(e) = &report.error {
            lines.push(format!("{:>9}  stopped: {e}", c.slug()));
        }
        reports.push(report);
    }
    let settings = vec![
        ("n", cfg.n.to_string()),
        ("size", cfg.size.to_string()),
        ("k", cfg.k.to_string()),
        (
            "c",
            cfg.contenders
                .iter()
                .map(|c| c.slug())
                .collect::<Vec<_>>()
                .join(","),
        ),
    ];
    (
        document(&net, settings, reports, Vec::new()),
        lines.join("\n"),
    )
}

/// The server's clock minus this one, in µs, from the best of five echo round trips (the
/// page's own method: the shortest round trip's midpoint).
async fn clock_offset_us(ctx: &Ctx) -> f64 {
    let mut best: Option<(Duration, f64)> = None;
    for _ in 0..5 {
        let t0 = Instant::now();
        let sent = unix_us();
        let Ok(reply) = http::json::<EchoReply>(http::get(ctx, ECHO_PATH)).await else {
            continue;
        };
        let rtt = t0.elapsed();
        let mid = sent + rtt.as_secs_f64() * 1e6 / 2.0;
        let offset = reply.server_received_unix_us as f64 - mid;
        if best.is_none_or(|(b, _)| rtt < b) {
            best = Some((rtt, offset));
        }
    }
    best.map_or(0.0, |(_, offset)| offset)
}

fn unix_us() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

/// One strategy's reading, as the page keeps it.
#[derive(Debug)]
struct Reading {
    strategy: Strategy,
    t0: Instant,
    offset_us: f64,
    last_seq: u64,
    points: Vec<(f64, f64)>,
    disorder: u64,
    requests: u64,
    empty: u64,
}

impl Reading {
    fn new(strategy: Strategy, t0: Instant, offset_us: f64) -> Self {
        Self {
            strategy,
            t0,
            offset_us,
            last_seq: 0,
            points: Vec::new(),
            disorder: 0,
            requests: 0,
            empty: 0,
        }
    }

    fn deliver(&mut self, e: &FeedEvent, progress: &ProgressBar) {
        if e.seq <= self.last_seq {
            self.disorder += 1;
            return;
        }
        self.last_seq = e.seq;
        let staleness = (unix_us() + self.offset_us - e.emitted_us as f64) / 1000.0;
        self.points
            .push((self.t0.elapsed().as_secs_f64(), staleness));
        progress.inc(1);
    }
}

/// What every reader of one feed shares.
#[derive(Debug)]
struct Feeding<'a> {
    ctx: &'a Ctx,
    feed: u64,
    net: NetModel,
    progress: &'a ProgressBar,
}

async fn read_polls(
    f: &Feeding<'_>,
    run: u64,
    long: bool,
    poll_ms: u64,
    r: &mut Reading,
) -> Result<(), LoadError> {
    let Feeding {
        ctx,
        feed,
        net,
        progress,
    } = *f;
    let path = if long { FEED_LONG_PATH } else { FEED_POLL_PATH };
    loop {
        let started = Instant::now();
        let query = FeedReadQuery {
            feed,
            after: Some(r.last_seq),
            run: Some(run),
            emu: net,
            client: None,
            seq: Some(r.requests),
        };
        r.requests += 1;
        let batch: FeedBatch = http::json(http::get(ctx, &target(path, &query))).await?;
        if batch.events.is_empty() {
            r.empty += 1;
        }
        for e in &batch.events {
            r.deliver(e, progress);
        }
        if batch.ended {
            return Ok(());
        }
        if !long {
            let next = started + Duration::from_millis(poll_ms);
            tokio::time::sleep_until(next.into()).await;
        }
    }
}

async fn read_sse(f: &Feeding<'_>, run: u64, r: &mut Reading) -> Result<(), LoadError> {
    let Feeding {
        ctx,
        feed,
        net,
        progress,
    } = *f;
    let query = FeedReadQuery {
        feed,
        run: Some(run),
        emu: net,
        ..FeedReadQuery::default()
    };
    r.requests += 1;
    let mut resp = http::ok(
        http::get(ctx, &target(FEED_SSE_PATH, &query))
            .send()
            .await?,
    )
    .await?;
    let mut text = String::new();
    loop {
        let Some(chunk) = resp.chunk().await? else {
            return Ok(());
        };
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block
                .lines()
                .any(|l| l == format!("event: {}", protocol::compare::SSE_END_EVENT))
            {
                return Ok(());
            }
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                let event: FeedEvent = serde_json::from_str(data)?;
                r.deliver(&event, progress);
            }
        }
    }
}

async fn read_ws(f: &Feeding<'_>, run: u64, r: &mut Reading) -> Result<(), LoadError> {
    let Feeding {
        ctx,
        feed,
        net,
        progress,
    } = *f;
    let query = FeedReadQuery {
        feed,
        run: Some(run),
        emu: net,
        client: Some(ctx.key.clone()),
        ..FeedReadQuery::default()
    };
    r.requests += 1;
    let mut sock = ws::connect(&ctx.target, &target(FEED_WS_PATH, &query), None).await?;
    loop {
        let msg = ws::patient(async { Ok(sock.next().await.transpose()?) }).await?;
        match msg {
            Some(Message::Text(t)) => r.deliver(&serde_json::from_str(t.as_str())?, progress),
            Some(Message::Ping(_) | Message::Pong(_)) => {}
            // After the feed's last event the server closes with 1000 "feed ended".
            Some(Message::Close(Some(f))) if u16::from(f.code) == close_code::NORMAL => {
                return Ok(());
            }
            other => return Err(unexpected(format!("feed by ws: got {other:?}"))),
        }
    }
}

async fn strategy(f: &Feeding<'_>, poll_ms: u64, mut r: Reading) -> FeedReport {
    let run = f.ctx.next_id();
    let result = match r.strategy {
        Strategy::ShortPoll => read_polls(f, run, false, poll_ms, &mut r).await,
        Strategy::LongPoll => read_polls(f, run, true, 0, &mut r).await,
        Strategy::Sse => read_sse(f, run, &mut r).await,
        Strategy::WebSocket => read_ws(f, run, &mut r).await,
    };
    let tally = tally(f.ctx, run).await;
    FeedReport {
        strategy: r.strategy.slug().to_owned(),
        delivered: r.points.len(),
        staleness_ms: summarize(&r.points.iter().map(|p| p.1).collect::<Vec<_>>()),
        requests: r.requests,
        empty_responses: r.empty,
        out_of_order: r.disorder,
        server_counted: tally.map(Counted::from),
        error: result.err().map(|e| e.to_string()),
        points: r.points,
    }
}

/// Starts one feed and reads it every chosen way at once; stops it at the end.
pub(crate) async fn feed(
    server: Target,
    cfg: FeedConfig,
    net: Net,
) -> Result<(CompareReport, String), LoadError> {
    let ctx = context(server);
    let offset_us = clock_offset_us(&ctx).await;
    let start = FeedStartQuery {
        rate_hz: cfg.rate as u32,
        seconds: cfg.secs as u32,
        client: None,
    };
    let started: FeedStarted = http::json(http::changing(
        &ctx,
        false,
        Method::POST,
        &target(FEED_PATH, &start),
    ))
    .await?;
    let t0 = Instant::now();
    let progress = bar(started.total * cfg.strategies.len() as u64, "events").with_prefix("feed");
    let feeding = Feeding {
        ctx: &ctx,
        feed: started.feed,
        net: net.model,
        progress: &progress,
    };
    let readers = cfg
        .strategies
        .iter()
        .map(|&s| strategy(&feeding, cfg.poll_ms, Reading::new(s, t0, offset_us)));
    let reports = futures_util::future::join_all(readers).await;
    progress.finish_and_clear();
    let stop = FeedStopQuery {
        feed: started.feed,
        client: None,
    };
    // The feed has ended by itself by now; a stop is still polite (404 if it is gone).
    let _ = http::changing(&ctx, false, Method::DELETE, &target(FEED_PATH, &stop))
        .send()
        .await;
    let lines = reports
        .iter()
        .map(|r| {
            let s = r.staleness_ms;
            format!(
                "{:>9}  delivered {:>5}  requests {:>5}  empty {:>5}  staleness p50 {} p95 {} ms{}",
                r.strategy,
                r.delivered,
                r.requests,
                r.empty_responses,
                s.map_or("-".into(), |s| format!("{:.1}", s.p50)),
                s.map_or("-".into(), |s| format!("{:.1}", s.p95)),
                r.error
                    .as_ref()
                    .map_or(String::new(), |e| format!("  stopped: {e}"))
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let settings = vec![
        ("rate", cfg.rate.to_string()),
        ("secs", cfg.secs.to_string()),
        ("poll", cfg.poll_ms.to_string()),
        (
            "s",
            cfg.strategies
                .iter()
                .map(|s| s.slug())
                .collect::<Vec<_>>()
                .join(","),
        ),
    ];
    Ok((document(&net, settings, Vec::new(), reports), lines))
}
