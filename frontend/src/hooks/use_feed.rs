//! `use_feed`: starts a live feed on the server and reads it with the chosen strategies at
//! once — short polling every P ms, long polling, Server-Sent Events, WebSocket push —
//! recording for each event how stale it was when the page had it (the page's clock,
//! corrected by the measured clock offset, minus the server's emit time). The server's
//! own counts for each strategy (requests, bytes, connections held) are fetched every
//! second while it runs and once at the end. Stop ends the feed on the server; a reader
//! that fails after the page's own stop (a poll answered 404, one aborted in flight)
//! ends quietly.

use std::cell::Cell;
use std::rc::Rc;

use futures::StreamExt;
use futures::future::join_all;
use gloo_timers::future::TimeoutFuture;
use protocol::compare::{FeedEvent, Strategy};
use protocol::emulate::NetModel;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::use_batched::{Batched, use_batched};
use crate::clock::{now_ms, unix_us_at};
use crate::model::compare::{Failure, FeedSettings, StrategyResult};
use crate::model::feed::{FeedModel, reader_error};
use crate::model::websocket::WsEvent;
use crate::services::compare::{self as svc, Abort, Stream};
use crate::services::sse::{EventStream, SseEvent};
use crate::services::ws::Connection;

#[derive(Clone)]
pub(crate) struct Feed {
    pub(crate) model: Batched<FeedModel>,
    pub(crate) start: Callback<(FeedSettings, Vec<Strategy>, NetModel)>,
    pub(crate) stop: Callback<()>,
}

/// The page's own stop of one feed. Set before the server is told, so that a reader that
/// fails from then on (a poll answered 404, an aborted fetch, a dropped stream) ends
/// quietly ([`reader_error`]); the polls in flight are aborted and no new one is sent.
struct Stopper {
    stopped: Cell<bool>,
    /// The server's id once the feed started.
    feed: Cell<Option<u64>>,
    abort: Abort,
}

impl Stopper {
    fn new() -> Self {
        Self {
            stopped: Cell::new(false),
            feed: Cell::new(None),
            abort: Abort::new(),
        }
    }

    /// Stops the feed: quietly for its readers, then on the server (if it started yet).
    fn stop(&self, key: &AttrValue) {
        if self.stopped.replace(true) {
            return;
        }
        self.abort.abort();
        if let Some(feed) = self.feed.get() {
            let key = key.clone();
            spawn_local(async move { svc::stop_feed(&key, feed).await });
        }
    }
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
    stopper: Rc<Stopper>,
}

impl Ctx {
    fn update(&self, idx: usize, f: impl FnOnce(&mut StrategyResult)) {
        self.model.update(|m| f(&mut m.results[idx]));
    }

    /// The page stopped the feed: send nothing more.
    fn stopped(&self) -> bool {
        self.stopper.stopped.get()
    }

    /// The address of a stream reader.
    fn stream_path(&self, stream: Stream, run: u64) -> String {
        svc::feed_stream_path(stream, self.feed, run, &self.key, self.net)
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
    // The running feed's stopper (a fresh one per start).
    let current = use_mut_ref(|| None::<Rc<Stopper>>);
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
                let stopper = Rc::new(Stopper::new());
                *current.borrow_mut() = Some(Rc::clone(&stopper));
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
                            current.borrow_mut().take();
                            return;
                        }
                    };
                    stopper.feed.set(Some(started.feed));
                    if stopper.stopped.get() {
                        // Stopped while it was starting: end it on the server too.
                        svc::stop_feed(&key, started.feed).await;
                    }
                    model.update(|m| m.offset_us = offset);
                    let ctx = Ctx {
                        model,
                        key,
                        feed: started.feed,
                        net,
                        settings,
                        offset_us: offset.unwrap_or(0.0),
                        t0: now_ms(),
                        stopper,
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
            if let Some(stopper) = &*current.borrow() {
                stopper.stop(&key);
            }
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
            let error = reader_error(ctx.stopped(), outcome);
            ctx.update(idx, |r| {
                r.done = true;
                r.error = error;
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

/// Short polling (a request every `poll_ms`, counted from the start of the last one: the
/// period the page names, whatever the answers take — one that took longer is followed
/// at once) or long polling (the next request as soon as the last answer is in).
///
/// Counted from the last *answer*, the cycle was `poll_ms` plus a round trip, and a
/// loaded machine's slower answers moved the median staleness off the textbook's half
/// period (lesson 7's check, measured in a full test run).
async fn poll(ctx: &Ctx, idx: usize, run: u64, long: bool) -> Result<(), Failure> {
    let mut after = 0;
    let mut next_at = now_ms();
    loop {
        if ctx.stopped() {
            return Ok(());
        }
        let started = now_ms();
        ctx.update(idx, |r| r.requests += 1);
        let abort = &ctx.stopper.abort;
        let batch = svc::poll(long, &ctx.key, ctx.feed, after, run, ctx.net, abort)
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
            next_at = next_at.max(started) + ctx.settings.poll_ms as f64;
            let wait = next_at - now_ms();
            if wait >= 1.0 {
                TimeoutFuture::new(wait as u32).await;
            }
        }
    }
}

fn parse_event(text: &str) -> Option<FeedEvent> {
    crate::wire::decode(text)
}

async fn sse(ctx: &Ctx, idx: usize, run: u64) -> Result<(), Failure> {
    if ctx.stopped() {
        return Ok(());
    }
    let (on_event, mut rx) = super::event_channel::<SseEvent>();
    let path = ctx.stream_path(Stream::Sse, run);
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
    if ctx.stopped() {
        return Ok(());
    }
    let (on_event, mut rx) = super::event_channel::<WsEvent>();
    let path = ctx.stream_path(Stream::WebSocket, run);
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
