//! `use_race`: runs the round-trip race — N round trips per contender, k in flight, the
//! contenders one after another (never at once, so they do not slow each other) — and
//! keeps their results. Each round trip is timed from just before the send to the moment
//! its whole answer arrived, before any rendering; the page redraws at most once per
//! animation frame (`use_batched`). Cancel stops every contender after the round trips in
//! flight.

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::StreamExt;
use futures::future::join_all;
use protocol::compare::Contender;
use protocol::emulate::NetModel;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::use_batched::{Batched, use_batched};
use crate::clock::now_ms;
use crate::model::compare::{ContenderResult, Failure, RaceSettings};
use crate::model::race::RaceModel;
use crate::model::websocket::WsEvent;
use crate::services::compare as svc;
use crate::services::ws::Connection;

/// What the page gets.
#[derive(Clone)]
pub(crate) struct Race {
    pub(crate) model: Batched<RaceModel>,
    pub(crate) run: Callback<(RaceSettings, Vec<Contender>, NetModel)>,
    pub(crate) cancel: Callback<()>,
}

/// Shared by the contenders of one run.
#[derive(Clone)]
struct Ctx {
    model: Batched<RaceModel>,
    key: AttrValue,
    settings: RaceSettings,
    net: NetModel,
    cancel: Rc<Cell<bool>>,
}

impl Ctx {
    fn record(&self, idx: usize, ms: f64) {
        self.model.update(|m| {
            m.results[idx].samples.push(ms);
            m.completed += 1;
        });
    }
}

#[hook]
pub(crate) fn use_race(key: AttrValue) -> Race {
    let model = use_batched(RaceModel::default);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    let next_run = use_mut_ref(|| 1u64);

    let run = {
        let (model, cancel, next_run) = (model.clone(), cancel.clone(), next_run.clone());
        Callback::from(
            move |(settings, contenders, net): (RaceSettings, Vec<Contender>, NetModel)| {
                if model.read(|m| m.running) {
                    return;
                }
                // A fresh flag per run: a cancelled run's workers keep theirs.
                let flag = Rc::new(Cell::new(false));
                *cancel.borrow_mut() = Rc::clone(&flag);
                let first_run = {
                    let mut n = next_run.borrow_mut();
                    let first = *n;
                    *n += contenders.len() as u64;
                    first
                };
                model.update(|m| {
                    *m = RaceModel {
                        running: true,
                        total: settings.n * contenders.len() as u64,
                        results: contenders
                            .iter()
                            .map(|c| ContenderResult::new(*c))
                            .collect(),
                        settings: Some(settings),
                        net,
                        ..RaceModel::default()
                    };
                });
                let ctx = Ctx {
                    model: model.clone(),
                    key: key.clone(),
                    settings,
                    net,
                    cancel: flag,
                };
                spawn_local(race(ctx, contenders, first_run));
            },
        )
    };
    let cancel = {
        let (model, cancel) = (model.clone(), cancel.clone());
        Callback::from(move |()| {
            cancel.borrow().set(true);
            model.update(|m| m.cancelled = m.running);
        })
    };
    Race { model, run, cancel }
}

async fn race(ctx: Ctx, contenders: Vec<Contender>, first_run: u64) {
    for (idx, contender) in contenders.into_iter().enumerate() {
        if ctx.cancel.get() {
            break;
        }
        let run = first_run + idx as u64;
        let outcome = match contender {
            Contender::WebSocket => websocket(&ctx, idx, run).await,
            c => http(&ctx, idx, run, c == Contender::NewConnection).await,
        };
        let tally = svc::tally(&ctx.key, run).await.ok();
        ctx.model.update(|m| {
            let r = &mut m.results[idx];
            r.done = true;
            r.tally = tally;
            match outcome {
                Ok(wall) => r.wall_ms = wall,
                Err(f) => r.error = Some(f),
            }
        });
    }
    ctx.model.update(|m| m.running = false);
}

/// HTTP with `k` workers, each sending its next round trip as soon as its last returns.
/// Returns the wall time (first send → last answer).
async fn http(ctx: &Ctx, idx: usize, run: u64, close: bool) -> Result<f64, Failure> {
    let url = svc::race_url(run, close, ctx.net);
    let body = svc::race_body(ctx.settings.size);
    let next = Cell::new(0u64);
    let failed: Cell<Option<Failure>> = Cell::new(None);
    let span = Cell::new((f64::MAX, 0.0f64));
    let worker = || async {
        loop {
            let i = next.get();
            if i >= ctx.settings.n || ctx.cancel.get() {
                return;
            }
            next.set(i + 1);
            let t0 = now_ms();
            match svc::round_trip(&url, &ctx.key, &body).await {
                Ok(t1) => {
                    ctx.record(idx, t1 - t0);
                    let (a, b) = span.get();
                    span.set((a.min(t0), b.max(t1)));
                }
                Err(e) => {
                    // Stop every worker: a refusal (the quota) will not get better.
                    next.set(ctx.settings.n);
                    failed.set(Some(Failure::from(e)));
                    return;
                }
            }
        }
    };
    join_all((0..ctx.settings.k).map(|_| worker())).await;
    if let Some(f) = failed.take() {
        return Err(f);
    }
    let (a, b) = span.get();
    Ok((b - a).max(0.0))
}

/// One WebSocket: `k` messages out, each answer sends the next, until `n` are back.
async fn websocket(ctx: &Ctx, idx: usize, run: u64) -> Result<f64, Failure> {
    let (on_event, mut rx) = super::event_channel::<WsEvent>();
    let path = svc::race_ws_path(ctx.settings.n, run, &ctx.key, ctx.net);
    let conn = Connection::open(&path, &[], on_event).map_err(|_| Failure::Network)?;
    loop {
        match rx.next().await {
            Some(WsEvent::Opened { .. }) => break,
            Some(WsEvent::Closed { code, reason, .. }) => {
                return Err(Failure::Closed { code, reason });
            }
            Some(_) => {}
            None => return Err(Failure::Network),
        }
    }
    let payload = vec![b'x'; ctx.settings.size as usize];
    let n = ctx.settings.n;
    let mut in_flight: VecDeque<f64> = VecDeque::new();
    let mut sent = 0u64;
    let first = now_ms();
    let mut last = first;
    while sent < n.min(ctx.settings.k) {
        in_flight.push_back(now_ms());
        conn.send_bytes(payload.clone());
        sent += 1;
    }
    let mut got = 0u64;
    let mut result = Ok(());
    while got < n {
        if ctx.cancel.get() {
            break;
        }
        match rx.next().await {
            Some(WsEvent::Binary { at, .. }) => {
                let t0 = in_flight.pop_front().unwrap_or(at);
                ctx.record(idx, at - t0);
                last = at;
                got += 1;
                if sent < n && !ctx.cancel.get() {
                    in_flight.push_back(now_ms());
                    conn.send_bytes(payload.clone());
                    sent += 1;
                }
            }
            Some(WsEvent::Closed { code, reason, .. }) => {
                result = Err(Failure::Closed { code, reason });
                break;
            }
            Some(_) => {}
            None => {
                result = Err(Failure::Network);
                break;
            }
        }
    }
    if result.is_ok() {
        // Close and wait for the server's reply, so its count of this socket is complete.
        let _ = conn.close(1000, "race done");
        while let Some(e) = rx.next().await {
            if matches!(e, WsEvent::Closed { .. }) {
                break;
            }
        }
    }
    result.map(|()| last - first)
}
