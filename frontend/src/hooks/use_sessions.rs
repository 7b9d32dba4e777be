//! `use_sessions`: the "many sessions" widget — open up to a hundred `/ws` sessions at once
//! (each its own [`Connection`], tagged with the page's client key like `use_websocket`'s),
//! close them all, and read the server's counts (`GET /api/stats`) right before opening,
//! then every [`SAMPLE_EVERY_MS`] while any session is open or closing and for two seconds
//! after the last one closed. The state is a [`SessionsState`]; this hook owns the
//! sockets and the sampling task. Nothing opens before `open` is called; on unmount the
//! sampling stops and every session closes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::clock::now_ms;
use crate::hooks::use_batched::{Batched, use_batched};
use crate::model::sessions::{Action, MAX_SESSIONS, SAMPLE_EVERY_MS, SessionsState};
use crate::model::websocket::{Offer, WsEvent, default_close};
use crate::services::stats;
use crate::services::ws::{Connection, session_path};

/// Handle returned by [`use_sessions`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseSessionsHandle {
    pub(crate) state: Rc<SessionsState>,
    /// Opens `n` sessions at once (at most [`MAX_SESSIONS`]); ignored while a run is
    /// under way.
    pub(crate) open: Callback<u32>,
    /// Closes every session (1000, from the page).
    pub(crate) close_all: Callback<()>,
}

/// What the callbacks and tasks share.
#[derive(Clone)]
struct Ctx {
    model: Batched<SessionsState>,
    /// This run's sockets, by slot; a slot is emptied when its socket closes.
    conns: Rc<RefCell<Vec<Option<Connection>>>>,
    /// False once the component unmounted: tasks stop, events are dropped.
    alive: Rc<Cell<bool>>,
    /// A sampling task is running.
    sampling: Rc<Cell<bool>>,
}

impl Ctx {
    fn dispatch(&self, action: Action) {
        if self.alive.get() {
            self.model.update(|m| m.apply(action));
        }
    }

    /// Reads the server's counts once.
    async fn sample(&self) {
        let result = stats::fetch().await;
        self.dispatch(Action::Sampled {
            result,
            at: now_ms(),
        });
    }

    /// Starts the sampling task unless one runs: a reading every [`SAMPLE_EVERY_MS`]
    /// for as long as the model wants one.
    fn start_sampling(&self) {
        if self.sampling.replace(true) {
            return;
        }
        let ctx = self.clone();
        spawn_local(async move {
            let every = f64::from(SAMPLE_EVERY_MS);
            let mut next = now_ms() + every;
            loop {
                TimeoutFuture::new((next - now_ms()).max(0.0) as u32).await;
                next = (next + every).max(now_ms());
                if !ctx.alive.get() || !ctx.model.read(|m| m.wants_sample(now_ms())) {
                    break;
                }
                ctx.sample().await;
            }
            ctx.sampling.set(false);
        });
    }

    /// A socket's event, for slot `index` of run `run`.
    fn on_event(&self, run: u32, index: u32, event: WsEvent) {
        match event {
            WsEvent::Opened { .. } => self.dispatch(Action::Opened { run, index }),
            WsEvent::Closed { code, at, .. } => {
                self.dispatch(Action::Closed {
                    run,
                    index,
                    code,
                    at,
                });
                if self.model.read(|m| m.run) == run
                    && let Some(slot) = self.conns.borrow_mut().get_mut(index as usize)
                {
                    // Already closed: dropping it sends nothing.
                    drop(slot.take());
                }
            }
            // What the sessions say is not this widget's business.
            WsEvent::Text { .. } | WsEvent::Binary { .. } => {}
        }
    }

    /// Takes the baseline reading, then opens this run's sessions all at once.
    async fn launch(self, client: AttrValue, run: u32, n: u32) {
        self.sample().await;
        if !self.alive.get() {
            return;
        }
        self.dispatch(Action::Launched { at: now_ms() });
        let path = session_path(&client);
        let mut conns = Vec::with_capacity(n as usize);
        for index in 0..n {
            let events = {
                let ctx = self.clone();
                Callback::from(move |e: WsEvent| ctx.on_event(run, index, e))
            };
            match Connection::open(&path, Offer::Duplex.protocols(), events) {
                Ok(c) => conns.push(Some(c)),
                Err(_) => {
                    conns.push(None);
                    self.dispatch(Action::OpenFailed {
                        run,
                        index,
                        at: now_ms(),
                    });
                }
            }
        }
        *self.conns.borrow_mut() = conns;
        self.start_sampling();
    }
}

/// Many sessions on `/ws` tagged with the page's client key, e.g.
/// `let s = use_sessions(key); s.open.emit(100);`.
#[hook]
pub(crate) fn use_sessions(client: AttrValue) -> UseSessionsHandle {
    let model = use_batched(SessionsState::default);
    let state = Rc::new(model.read(Clone::clone));
    let conns = use_mut_ref(Vec::new);
    let alive = use_memo((), |_| Cell::new(true));
    let sampling = use_memo((), |_| Cell::new(false));
    let ctx = Ctx {
        model,
        conns,
        alive: Rc::clone(&alive),
        sampling: Rc::clone(&sampling),
    };

    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            move || {
                ctx.alive.set(false);
                // Dropping a socket closes it (1000).
                ctx.conns.borrow_mut().clear();
            }
        });
    }

    let open = {
        let ctx = ctx.clone();
        Callback::from(move |n: u32| {
            let n = n.min(MAX_SESSIONS);
            if n == 0 || !ctx.model.read(SessionsState::can_open) {
                return;
            }
            ctx.dispatch(Action::Start { n });
            let run = ctx.model.read(|m| m.run);
            spawn_local(ctx.clone().launch(client.clone(), run, n));
        })
    };
    let close_all = Callback::from(move |()| {
        if !ctx.model.read(SessionsState::can_close) {
            return;
        }
        ctx.dispatch(Action::CloseAll);
        let (code, reason) = default_close();
        for conn in ctx.conns.borrow().iter().flatten() {
            let _ = conn.close(code, &reason);
        }
    });
    UseSessionsHandle {
        state,
        open,
        close_all,
    }
}
