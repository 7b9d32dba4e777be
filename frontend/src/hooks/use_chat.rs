//! `use_chat`: the chat page's clients — each joins on its own (a WebSocket, or an HTTP
//! member polling every P ms or long polling), says things, leaves — and the room's name
//! in the page's address (`?room=`, kept with `history.replaceState`). The first Join
//! measures the server's clock (`services::echo::clock_estimate`) so every arrival gets a
//! one-way delay. State is a [`ChatRoom`]; this hook owns the sockets, poll loops and
//! timers, and ends them all when the page goes. Nothing connects before a Join.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use protocol::chat::{ChatClientMsg, ChatErrorCode, ChatSay, check_text, display_name, valid_room};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::clock::{now_ms, unix_us_at};
use crate::dom;
use crate::hooks::use_batched::{Batched, use_batched};
use crate::model::chat::{ChatRoom, Failure, Input, Status, Via};
use crate::model::websocket::WsEvent;
use crate::services::chat as svc;
use crate::services::compare::Abort;
use crate::services::echo::clock_estimate;
use crate::services::ws::Connection;

/// The room a page opens on when its address names none.
pub(crate) const DEFAULT_ROOM: &str = "lobby";
/// After a failed poll, the next waits this long (not to hammer a struggling server).
const RETRY_MS: u32 = 1_000;

/// What a client holds open.
enum Held {
    Ws(Connection),
    Http {
        member: String,
        stop: Rc<Cell<bool>>,
        abort: Rc<Abort>,
    },
}

/// Handle returned by [`use_chat`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseChatHandle {
    pub(crate) state: Rc<ChatRoom>,
    /// The room in the address bar (what Join joins).
    pub(crate) room: AttrValue,
    pub(crate) set_room: Callback<String>,
    /// Joins `(name, via)` into `room`.
    pub(crate) join: Callback<(String, Via)>,
    /// Client `slot` says `text`.
    pub(crate) say: Callback<(u32, String)>,
    pub(crate) leave: Callback<u32>,
    /// Takes an ended client off the page.
    pub(crate) remove: Callback<u32>,
}

#[derive(Clone)]
struct Ctx {
    model: Batched<ChatRoom>,
    held: Rc<RefCell<HashMap<u32, Held>>>,
    key: AttrValue,
    seq: Rc<Cell<u64>>,
}

impl Ctx {
    fn apply(&self, slot: u32, input: Input) {
        self.model.update(|m| m.apply(slot, input));
    }

    fn ended(&self, slot: u32) -> bool {
        self.model
            .read(|m| m.client(slot).is_none_or(|c| c.status == Status::Ended))
    }

    /// The clock, measured once (a second Join while the first measures measures too).
    async fn clock(&self) {
        if self.model.read(|m| m.clock.is_none()) {
            let c = clock_estimate().await;
            self.model.update(|m| m.clock = m.clock.or(c));
        }
    }

    fn open_ws(&self, slot: u32, room: &str, name: &str) {
        let ctx = self.clone();
        let events = Callback::from(move |e: WsEvent| {
            let input = match e {
                WsEvent::Opened { at } => Input::Opened { at },
                WsEvent::Text { text, at, .. } => Input::Frame {
                    text,
                    at,
                    unix_us: unix_us_at(at),
                },
                WsEvent::Binary { .. } => return,
                WsEvent::Closed {
                    code,
                    reason,
                    clean,
                    at,
                } => {
                    ctx.held.borrow_mut().remove(&slot);
                    Input::Closed {
                        code,
                        reason,
                        clean,
                        at,
                    }
                }
            };
            ctx.apply(slot, input);
        });
        match Connection::open(&svc::ws_path(room, name, &self.key), &[], events) {
            Ok(c) => {
                self.held.borrow_mut().insert(slot, Held::Ws(c));
            }
            Err(_) => self.apply(
                slot,
                Input::Failed {
                    failure: Failure::WsRefused,
                    at: now_ms(),
                },
            ),
        }
    }

    async fn join_http(&self, slot: u32, room: String, name: String, via: Via) {
        let joined = svc::join(&room, &name, &self.key).await;
        let at = now_ms();
        let (joined, down) = match joined {
            Ok(j) => j,
            Err(e) => {
                let failure = Failure::Fetch(e);
                return self.apply(slot, Input::Failed { failure, at });
            }
        };
        self.apply(slot, Input::Http { up: 0, down });
        let mut after = joined.welcome.seq;
        let welcome = joined.welcome;
        self.apply(slot, Input::Welcome { welcome, at });
        let (stop, abort) = (Rc::new(Cell::new(false)), Rc::new(Abort::new()));
        let member = joined.member;
        if self.ended(slot) {
            // Left while joining: leave on the server too.
            svc::leave(&room, &member, &self.key).await;
            return;
        }
        self.held.borrow_mut().insert(
            slot,
            Held::Http {
                member: member.clone(),
                stop: Rc::clone(&stop),
                abort: Rc::clone(&abort),
            },
        );
        let long = via == Via::LongPoll;
        while !stop.get() && !self.ended(slot) {
            let started = now_ms();
            let answer = svc::read(long, &room, &member, after, &self.key, &abort).await;
            if stop.get() {
                break;
            }
            let at = now_ms();
            let wait = match answer {
                Ok((batch, down)) => {
                    if let Some(last) = batch.events.last() {
                        after = after.max(last.seq());
                    }
                    self.apply(slot, Input::Http { up: 0, down });
                    let unix_us = unix_us_at(at);
                    self.apply(slot, Input::Batch { batch, at, unix_us });
                    match via {
                        Via::Poll { every_ms } => {
                            (f64::from(every_ms) - (at - started)).max(0.0) as u32
                        }
                        _ => 0,
                    }
                }
                Err(e) => {
                    let failure = Failure::Fetch(e);
                    self.apply(slot, Input::Failed { failure, at });
                    RETRY_MS
                }
            };
            if wait > 0 {
                TimeoutFuture::new(wait).await;
            }
        }
    }

    fn say(&self, slot: u32, text: String) {
        let at = now_ms();
        if let Err(problem) = check_text(&text) {
            let failure = Failure::Text(problem);
            return self.apply(slot, Input::Failed { failure, at });
        }
        let client_seq = self.seq.get() + 1;
        self.seq.set(client_seq);
        let unix_us = unix_us_at(at);
        let held = self.held.borrow();
        match held.get(&slot) {
            Some(Held::Ws(c)) => {
                let msg = ChatClientMsg::Say {
                    text: text.clone(),
                    client_seq: Some(client_seq),
                };
                let frame = serde_json::to_string(&msg).unwrap_or_default();
                let bytes = frame.len() as u64;
                c.send_text(frame);
                drop(held);
                self.apply(
                    slot,
                    Input::Said {
                        text,
                        client_seq,
                        bytes,
                        at,
                        unix_us,
                    },
                );
            }
            Some(Held::Http { member, .. }) => {
                let member = member.clone();
                drop(held);
                let room = self.model.read(|m| m.client(slot).map(|c| c.room.clone()));
                let Some(room) = room else { return };
                let say = ChatSay {
                    text: text.clone(),
                    client_seq: Some(client_seq),
                };
                self.apply(
                    slot,
                    Input::Said {
                        text,
                        client_seq,
                        bytes: 0,
                        at,
                        unix_us,
                    },
                );
                let ctx = self.clone();
                spawn_local(async move {
                    match svc::send(&room, &member, &ctx.key, &say).await {
                        Ok((up, down)) => ctx.apply(slot, Input::Http { up, down }),
                        Err(e) => {
                            // Over the message rate: the refusal a WebSocket member gets
                            // in-band, in the same words.
                            let failure = if e.is(protocol::ErrorCode::RateLimited) {
                                Failure::InBand(ChatErrorCode::RateLimited)
                            } else {
                                Failure::Fetch(e)
                            };
                            ctx.apply(
                                slot,
                                Input::Failed {
                                    failure,
                                    at: now_ms(),
                                },
                            );
                        }
                    }
                });
            }
            None => {}
        }
    }

    fn leave(&self, slot: u32) {
        let held = self.held.borrow_mut().remove(&slot);
        self.apply(slot, Input::Left { at: now_ms() });
        match held {
            Some(Held::Ws(c)) => {
                // A close frame: "left" for everyone; the close event ends the client.
                let _ = c.close(1000, "left the room");
            }
            Some(Held::Http {
                member,
                stop,
                abort,
            }) => {
                stop.set(true);
                abort.abort();
                let room = self.model.read(|m| m.client(slot).map(|c| c.room.clone()));
                let key = self.key.clone();
                if let Some(room) = room {
                    spawn_local(async move {
                        svc::leave(&room, &member, &key).await;
                    });
                }
            }
            None => {}
        }
    }
}

fn initial_room(default: &str) -> String {
    dom::query_param("room")
        .filter(|r| valid_room(r))
        .unwrap_or_else(|| default.to_owned())
}

/// Puts the room in the address bar (a teacher can send the link), keeping the rest.
fn reflect_room(room: &str) {
    let Some(url) = dom::current_url() else {
        return;
    };
    if url.search_params().get("room").as_deref() != Some(room) {
        url.search_params().set("room", room);
        dom::replace_url(&url);
    }
}

/// The chat page's clients, in the address's room or else `default_room`, e.g. `let chat =
/// use_chat(key, DEFAULT_ROOM); chat.join.emit(("Ana".into(), Via::WebSocket));`. Every
/// client leaves when the page unmounts.
#[hook]
pub(crate) fn use_chat(key: AttrValue, default_room: &'static str) -> UseChatHandle {
    let model = use_batched(ChatRoom::default);
    let state = Rc::new(model.read(Clone::clone));
    let held: Rc<RefCell<HashMap<u32, Held>>> = use_mut_ref(HashMap::new);
    let counter = use_memo((), |_| Rc::new(Cell::new(0u64)));
    let room = use_state(|| initial_room(default_room));
    {
        let room = (*room).clone();
        use_effect_with(room, |r| {
            if valid_room(r) {
                reflect_room(r);
            }
        });
    }
    let ctx = Ctx {
        model,
        held: Rc::clone(&held),
        key,
        seq: Rc::clone(&counter),
    };
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            move || {
                let slots: Vec<u32> = ctx.held.borrow().keys().copied().collect();
                for slot in slots {
                    ctx.leave(slot);
                }
            }
        });
    }
    let join = {
        let (ctx, room) = (ctx.clone(), room.clone());
        Callback::from(move |(raw, via): (String, Via)| {
            let room = (*room).clone();
            let at = now_ms();
            let name = raw.trim().to_owned();
            let slot = {
                let mut slot = None;
                ctx.model
                    .update(|m| slot = m.add(name.clone(), room.clone(), via, at));
                let Some(slot) = slot else { return };
                slot
            };
            if !valid_room(&room) {
                // The form does not let this through; the server would refuse it as a query.
                let failure = Failure::Fetch(crate::model::fetch::FetchError::Unexpected);
                return ctx.apply(slot, Input::Failed { failure, at });
            }
            if let Err(problem) = display_name(&raw) {
                let failure = Failure::Name(problem);
                return ctx.apply(slot, Input::Failed { failure, at });
            }
            let ctx = ctx.clone();
            spawn_local(async move {
                ctx.clock().await;
                if ctx.ended(slot) {
                    return;
                }
                if via.is_http() {
                    ctx.join_http(slot, room, name, via).await;
                } else {
                    ctx.open_ws(slot, &room, &name);
                }
            });
        })
    };
    let say = {
        let ctx = ctx.clone();
        Callback::from(move |(slot, text): (u32, String)| ctx.say(slot, text))
    };
    let leave = {
        let ctx = ctx.clone();
        Callback::from(move |slot| ctx.leave(slot))
    };
    let remove = {
        let ctx = ctx.clone();
        Callback::from(move |slot| ctx.model.update(|m| m.remove(slot)))
    };
    let set_room = {
        let room = room.clone();
        Callback::from(move |r: String| room.set(r))
    };
    UseChatHandle {
        state,
        room: AttrValue::from((*room).clone()),
        set_room,
        join,
        say,
        leave,
        remove,
    }
}
