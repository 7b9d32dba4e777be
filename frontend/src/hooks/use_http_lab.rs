//! `use_http_lab`: runs a batch of lab requests, sequentially or all at once, and keeps
//! one row per request ([`LabState`]). Starting a new run or clearing cancels what is
//! left of the old one.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::join_all;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::model::lab::{Action, LabRun, LabState};
use crate::services::{lab, timing};

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
                            let refused = result.rate_limited();
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
                        refused = result.rate_limited();
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
