//! `use_http_lab`: runs a batch of lab requests, sequentially or all at once, and keeps
//! one row per request. Starting a new run or clearing cancels what is left of the old one.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::join_all;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::services::lab::{self, LabResult, LabSpec};
use crate::services::timing;

/// One run's settings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LabRun {
    pub(crate) spec: LabSpec,
    pub(crate) count: u32,
    pub(crate) parallel: bool,
}

/// One request of a run; `result` is `None` while it is in flight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LabRow {
    pub(crate) run: u32,
    pub(crate) n: u32,
    pub(crate) spec: LabSpec,
    pub(crate) result: Option<LabResult>,
}

/// The lab's rows, oldest first, at most [`MAX_ROWS`].
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct LabState {
    pub(crate) rows: Rc<Vec<LabRow>>,
    pub(crate) running: bool,
    /// The run stopped early because the server refused (its quota).
    pub(crate) stopped_by_server: bool,
}

/// Rows kept across runs.
const MAX_ROWS: usize = 300;

pub(crate) enum Action {
    Start(u32, LabRun),
    Done { run: u32, n: u32, result: LabResult },
    Finished { run: u32, stopped: bool },
    Clear,
}

impl LabState {
    fn current_run(&self) -> Option<u32> {
        self.rows.last().map(|r| r.run)
    }
}

impl Reducible for LabState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Start(run, cfg) => {
                let rows = Rc::make_mut(&mut next.rows);
                rows.extend((1..=cfg.count).map(|n| LabRow {
                    run,
                    n,
                    spec: cfg.spec.clone(),
                    result: None,
                }));
                let excess = rows.len().saturating_sub(MAX_ROWS);
                rows.drain(..excess);
                next.running = true;
                next.stopped_by_server = false;
            }
            Action::Done { run, n, result } => {
                let rows = Rc::make_mut(&mut next.rows);
                match rows.iter_mut().find(|r| r.run == run && r.n == n) {
                    Some(row) => row.result = Some(result),
                    None => return self,
                }
            }
            Action::Finished { run, stopped } => {
                if next.current_run() != Some(run) {
                    return self;
                }
                next.running = false;
                next.stopped_by_server = stopped;
                // Requests never sent (stopped early) leave no empty rows behind.
                Rc::make_mut(&mut next.rows).retain(|r| r.run != run || r.result.is_some());
            }
            Action::Clear => next = LabState::default(),
        }
        Rc::new(next)
    }
}

/// Handle returned by [`use_http_lab`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseHttpLabHandle {
    pub(crate) state: Rc<LabState>,
    pub(crate) run: Callback<LabRun>,
    pub(crate) clear: Callback<()>,
}

/// `let lab = use_http_lab(key); lab.run.emit(LabRun { .. })`.
#[hook]
pub(crate) fn use_http_lab(client: AttrValue) -> UseHttpLabHandle {
    let state = use_reducer(LabState::default);
    // The live run's number; a request of an older run does not start.
    let current: Rc<RefCell<u32>> = use_mut_ref(|| 0);

    let run = {
        let (d, current) = (state.dispatcher(), Rc::clone(&current));
        Callback::from(move |cfg: LabRun| {
            let run = {
                let mut c = current.borrow_mut();
                *c += 1;
                *c
            };
            timing::prepare_run();
            d.dispatch(Action::Start(run, cfg.clone()));
            let (d, current, client) = (d.clone(), Rc::clone(&current), client.clone());
            spawn_local(async move {
                let stopped = if cfg.parallel {
                    let all = (1..=cfg.count).map(|n| {
                        let (d, spec, client) = (d.clone(), cfg.spec.clone(), client.clone());
                        async move {
                            let result = lab::send(&spec, &client, run, n).await;
                            let refused = lab::is_rate_limited(&result.outcome);
                            d.dispatch(Action::Done { run, n, result });
                            refused
                        }
                    });
                    join_all(all).await.into_iter().any(|r| r)
                } else {
                    let mut refused = false;
                    for n in 1..=cfg.count {
                        if *current.borrow() != run {
                            break;
                        }
                        let result = lab::send(&cfg.spec, &client, run, n).await;
                        refused = lab::is_rate_limited(&result.outcome);
                        d.dispatch(Action::Done { run, n, result });
                        if refused {
                            break;
                        }
                    }
                    refused
                };
                d.dispatch(Action::Finished { run, stopped });
            });
        })
    };
    let clear = {
        let (d, current) = (state.dispatcher(), Rc::clone(&current));
        Callback::from(move |()| {
            *current.borrow_mut() += 1;
            d.dispatch(Action::Clear);
        })
    };
    UseHttpLabHandle {
        state: Rc::new((*state).clone()),
        run,
        clear,
    }
}
