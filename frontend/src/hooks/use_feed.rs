//! `use_feed`: starts a live feed on the server and reads it with the chosen strategies at
//! once — short polling every P ms, long polling, Server-Sent Events, WebSocket push —
//! recording for each event how stale it was when the page had it (the page's clock,
//! corrected by the measured clock offset, minus the server's emit time). The server's
//! own counts for each strategy (requests, bytes, connections held) are fetched every
//! second while it runs and once at the end.

use std::cell::Cell;
use std::rc::Rc;

use futures::StreamExt;
use futures::future::join_all;
use gloo_timers::future::TimeoutFuture;
use protocol::compare::{
    FEED_LONG_PATH, FEED_POLL_PATH, FEED_SSE_PATH, FEED_WS_PATH, FeedEvent, Strategy,
};
use protocol::emulate::NetModel;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::use_batched::{Batched, use_batched};
use crate::clock::{now_ms, unix_us_at};
use crate::compare::{Failure, FeedSettings, StrategyResult};
use crate::services::compare as svc;
use crate::services::sse::{EventStream, SseEvent};
use crate::services::ws::{Connection, WsEvent};

/// The feed as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct FeedModel {
    pub(crate) running: bool,
    pub(crate) results: Vec<StrategyResult>,
    /// Server clock minus page clock, µs (`None`: could not be measured; 0 assumed).
    pub(crate) offset_us: Option<f64>,
    pub(crate) settings: Option<FeedSettings>,
    pub(crate) net: NetModel,
    /// Events the feed emits in all.
    pub(crate) total: u64,
    /// Starting the feed failed.
    pub(crate) error: Option<Failure>,
}

#[derive(Clone)]
pub(crate) struct Feed {
    pub(crate) model: Batched<FeedModel>,
    pub(crate) start: Callback<(FeedSettings, Vec<Strategy>, NetModel)>,
    pub(crate) stop: Callback<()>,
}

/// Shared by the readers of one feed.
#[derive(Clone)]
struct Ctx {
    model: Batched<FeedModel>,
    key: AttrValue,
    feed: u64,
    net: NetModel,
    settings: FeedSettings,
    offset_us: f64,
    /// `performance.now()` when the feed started.
    t0: f64,
}

impl Ctx {
    fn update(&self, idx: usize, f: impl FnOnce(&mut StrategyResult)) {
        self.model.update(|m| f(&mut m.results[idx]));
    }

    /// The address of a stream reader (SSE, WebSocket: they cannot send headers, so the
    /// client key goes in the query).
    fn stream_path(&self, base: &str, run: u64) -> String {
        format!(
            "{base}?feed={}&run={run}&client={}{}",
            self.feed,
            self.key,
            svc::emu_param(self.net)
        )
    }

    /// An event the page has had since `at` (`performance.now()`).
    fn deliver(&self, idx: usize, e: FeedEvent, at: f64) {
        let staleness = (unix_us_at(at) + self.offset_us - e.emitted_us as f64) / 1000.0;
        let t = (at - self.t0) / 1000.0;
        self.update(idx, |r| r.deliver(e.seq, t, staleness));
    }
}

#[hook]
pub(crate) fn use_feed(key: AttrValue) -> Feed {
    let model = use_batched(FeedModel::default);
    let current = use_mut_ref(|| None::<u64>);
    let next_run = use_mut_ref(|| 1_000_000u64);

    let start = {
        let (model, current, next_run, key) = (
            model.clone(),
            current.clone(),
            next_run.clone(),
            key.clone(),
        );
        Callback::from(
            move |(settings, strategies, net): (FeedSettings, Vec<Strategy>, NetModel)| {
                if model.read(|m| m.running) {
                    return;
                }
                let first_run = {
                    let mut n = next_run.borrow_mut();
                    let first = *n;
                    *n += strategies.len() as u64;
                    first
                };
                model.update(|m| {
                    *m = FeedModel {
                        running: true,
                        results: strategies.iter().map(|s| StrategyResult::new(*s)).collect(),
                        settings: Some(settings),
                        net,
                        total: settings.rate * settings.secs,
                        ..FeedModel::default()
                    };
                });
                let (model, key, current) = (model.clone(), key.clone(), current.clone());
                spawn_local(async move {
                    let offset = svc::clock_offset_us().await;
                    let started = match svc::start_feed(&key, settings.rate, settings.secs).await {
                        Ok(s) => s,
                        Err(e) => {
                            model.update(|m| {
                                m.error = Some(Failure::from(e));
                                m.running = false;
                            });
                            return;
                        }
                    };
                    *current.borrow_mut() = Some(started.feed);
                    model.update(|m| m.offset_us = offset);
                    let ctx = Ctx {
                        model,
                        key,
                        feed: started.feed,
                        net,
                        settings,
                        offset_us: offset.unwrap_or(0.0),
                        t0: now_ms(),
                    };
                    run(ctx, strategies, first_run).await;
                    current.borrow_mut().take();
                });
            },
        )
    };
    let stop = {
        let current = current.clone();
        Callback::from(move |()| {
            let Some(feed) = *current.borrow() else {
                return;
            };
            let key = key.clone();
            spawn_local(async move { svc::stop_feed(&key, feed).await });
        })
    };
    Feed { model, start, stop }
}

async fn run(ctx: Ctx, strategies: Vec<Strategy>, first_run: u64) {
    let runs: Vec<u64> = (0..strategies.len() as u64)
        .map(|i| first_run + i)
        .collect();
    let readers = strategies.iter().enumerate().map(|(idx, s)| {
        let (ctx, run) = (ctx.clone(), runs[idx]);
        async move {
            let outcome = match s {
                Strategy::ShortPoll => poll(&ctx, idx, run, false).await,
                Strategy::LongPoll => poll(&ctx, idx, run, true).await,
                Strategy::Sse => sse(&ctx, idx, run).await,
                Strategy::WebSocket => websocket(&ctx, idx, run).await,
            };
            ctx.update(idx, |r| {
                r.done = true;
                r.error = outcome.err();
            });
        }
    });
    let done = Rc::new(Cell::new(false));
    let tallies = {
        let (ctx, runs, done) = (ctx.clone(), runs.clone(), Rc::clone(&done));
        async move {
            while !done.get() {
                TimeoutFuture::new(1_000).await;
                fetch_tallies(&ctx, &runs).await;
            }
        }
    };
    let readers = async {
        join_all(readers).await;
        done.set(true);
    };
    futures::join!(readers, tallies);
    fetch_tallies(&ctx, &runs).await;
    ctx.model.update(|m| m.running = false);
}

async fn fetch_tallies(ctx: &Ctx, runs: &[u64]) {
    for (idx, run) in runs.iter().enumerate() {
        if let Ok(t) = svc::tally(&ctx.key, *run).await {
            ctx.update(idx, |r| r.tally = Some(t));
        }
    }
}

/// Short polling (a request every `poll_ms` after the last answer) or long polling (the
/// next request as soon as the last answer is in).
async fn poll(ctx: &Ctx, idx: usize, run: u64, long: bool) -> Result<(), Failure> {
    let path = if long { FEED_LONG_PATH } else { FEED_POLL_PATH };
    let mut after = 0;
    loop {
        ctx.update(idx, |r| r.requests += 1);
        let batch = svc::poll(path, &ctx.key, ctx.feed, after, run, ctx.net)
            .await
            .map_err(Failure::from)?;
        let at = now_ms();
        if batch.events.is_empty() {
            ctx.update(idx, |r| r.empty += 1);
        }
        for e in &batch.events {
            ctx.deliver(idx, *e, at);
            after = after.max(e.seq);
        }
        if batch.ended {
            return Ok(());
        }
        if !long {
            TimeoutFuture::new(ctx.settings.poll_ms as u32).await;
        }
    }
}

fn parse_event(text: &str) -> Option<FeedEvent> {
    serde_json::from_str(text).ok()
}

async fn sse(ctx: &Ctx, idx: usize, run: u64) -> Result<(), Failure> {
    let (on_event, mut rx) = super::event_channel::<SseEvent>();
    let path = ctx.stream_path(FEED_SSE_PATH, run);
    ctx.update(idx, |r| r.requests += 1);
    let _stream = EventStream::open(&path, on_event).ok_or(Failure::Network)?;
    while let Some(e) = rx.next().await {
        match e {
            SseEvent::Message { data, at } => {
                if let Some(e) = parse_event(&data) {
                    ctx.deliver(idx, e, at);
                }
            }
            SseEvent::End => return Ok(()),
            // The browser would reconnect by itself; the page stops and says so.
            SseEvent::Error => return Err(Failure::Network),
        }
    }
    Ok(())
}

async fn websocket(ctx: &Ctx, idx: usize, run: u64) -> Result<(), Failure> {
    let (on_event, mut rx) = super::event_channel::<WsEvent>();
    let path = ctx.stream_path(FEED_WS_PATH, run);
    ctx.update(idx, |r| r.requests += 1);
    let _conn = Connection::open(&path, &[], on_event).map_err(|_| Failure::Network)?;
    while let Some(e) = rx.next().await {
        match e {
            WsEvent::Text { text, at, .. } => {
                if let Some(e) = parse_event(&text) {
                    ctx.deliver(idx, e, at);
                }
            }
            WsEvent::Closed { code, reason, .. } => {
                return if code == 1000 {
                    Ok(())
                } else {
                    Err(Failure::Closed { code, reason })
                };
            }
            _ => {}
        }
    }
    Ok(())
}
