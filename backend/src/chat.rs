//! The chat room, apart from HTTP: rooms in memory, each with one fan-out of its events to
//! its members (WebSocket sessions and HTTP pollers alike), its last messages, and the caps
//! a public server needs (`protocol::chat` documents each number and why).
//!
//! - this file: [`ChatLimits`] (the caps a test may lower, `AppState::with_chat_limits`),
//!   [`ChatError`] (every refusal, converted into `AppError` or an in-band error),
//!   [`Chat`] (what `AppState` keeps) and [`ChatHub`] (the handlers' view: join, say, read,
//!   leave), long-poll slots, the sweeper task;
//! - `chat/fanout.rs`: [`fanout::Fanout`], the one interface events go through (publish,
//!   subscribe, forget), and its in-process default (a bounded broadcast per room);
//! - `chat/rooms.rs`: the room table — members, sequence numbers, history, the caps on
//!   members, rooms and rooms per client, the per-member message bucket, sweeping idle
//!   rooms and silent pollers;
//! - `chat/poll.rs`: an HTTP member's inbox (its subscription, what it has not
//!   acknowledged with `after`, what it missed, its poll counts);
//! - `chat/ws.rs`: the `/ws/chat` loop (`ws_loop`'s shape; `Missed`, never the end, on lag).
//!
//! Privacy: members see [`protocol::chat::ChatMember`]s (a per-room number, a name, the
//! transport). The client key and address are kept only to count caps; an HTTP member's
//! token is random, answered to that member alone.

mod fanout;
mod poll;
#[cfg(feature = "chat-redis")]
pub(crate) mod redis;
mod rooms;
pub(crate) mod ws;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use protocol::chat::{
    CHAT_BURST, CHAT_HISTORY, CHAT_LONG_POLL_WAIT_MS, CHAT_LONG_POLLS_PER_CLIENT,
    CHAT_MAX_MESSAGE_BYTES, CHAT_MEMBERS_PER_ROOM, CHAT_MESSAGES_PER_SECOND,
    CHAT_POLL_TIMEOUT_SECS, CHAT_POLLS_PER_MINUTE, CHAT_ROOM_IDLE_SECS, CHAT_ROOMS,
    CHAT_ROOMS_PER_CLIENT, ChatBatch, ChatJoined, ChatSay, ChatSent, ChatTransport, Departure,
    NameProblem,
};
use tokio_util::sync::CancellationToken;

use crate::clock::unix_us;
use crate::quota::{Quota, RateLimited, Who};
use crate::ws_loop::WsLife;
pub(crate) use fanout::Fanout;
pub(crate) use rooms::Seat;
use rooms::{Joined, Rooms};

/// The chat's caps and timings. The defaults are `protocol::chat`'s constants (the page
/// knows them too); tests lower them to reach a cap or a timeout quickly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatLimits {
    pub members_per_room: usize,
    pub rooms: usize,
    pub rooms_per_client: usize,
    /// Messages kept per room and sent to a new member.
    pub history: usize,
    /// An empty room is removed after this long without an event.
    pub room_idle: Duration,
    /// An HTTP member is dropped after this long without a poll.
    pub poll_timeout: Duration,
    /// A member's message bucket: this many per second, bursts of `burst`.
    pub messages_per_second: u32,
    pub burst: u32,
    /// Events one subscriber may fall behind before it is told it missed some: a room's
    /// every member sending a full burst at once (50 × 10) fits.
    pub fanout_capacity: usize,
}

impl Default for ChatLimits {
    fn default() -> Self {
        Self {
            members_per_room: CHAT_MEMBERS_PER_ROOM,
            rooms: CHAT_ROOMS,
            rooms_per_client: CHAT_ROOMS_PER_CLIENT,
            history: CHAT_HISTORY,
            room_idle: Duration::from_secs(CHAT_ROOM_IDLE_SECS),
            poll_timeout: Duration::from_secs(CHAT_POLL_TIMEOUT_SECS),
            messages_per_second: CHAT_MESSAGES_PER_SECOND,
            burst: CHAT_BURST,
            fanout_capacity: 512,
        }
    }
}

/// Why the chat refused something. `Display` is the English message sent (in the JSON
/// body, or in-band on a WebSocket).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChatError {
    #[error("{}", .0.message())]
    BadName(NameProblem),
    #[error("a chat message is larger than the {CHAT_MAX_MESSAGE_BYTES}-byte limit (UTF-8)")]
    TooLong,
    #[error("a chat message needs at least one visible character")]
    Empty,
    #[error("this room is full ({0} members at most)")]
    RoomFull(usize),
    #[error("the server has as many chat rooms as it keeps ({0}); join an existing one")]
    TooManyRooms(usize),
    #[error(
        "this {scope} is already in as many chat rooms as one {scope} may be ({limit})",
        scope = if *per_address { "address" } else { "client" }
    )]
    TooManyRoomsForClient { per_address: bool, limit: usize },
    #[error(
        "this {scope} already has as many long polls waiting as one {scope} may ({n} per client)",
        scope = if *.0 { "address" } else { "client" },
        n = CHAT_LONG_POLLS_PER_CLIENT
    )]
    TooManyLongPolls(bool),
    #[error(
        "too many chat messages: at most {per_second} per second per member (bursts of {burst}); \
         retry in {} ms", retry_after.as_millis()
    )]
    TooFast {
        per_second: u32,
        burst: u32,
        retry_after: Duration,
    },
    #[error("no such member of room {0} (left, or dropped after not polling)")]
    NotMember(String),
    /// `--chat-redis`: the shared store cannot be reached (the rest of the server works).
    #[error(
        "the chat is unavailable for now: its shared store (Redis) cannot be reached; try again later"
    )]
    Unavailable,
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
}

/// Every room, the poll quota and the long polls waiting: what `AppState` keeps.
#[derive(Debug)]
pub(crate) struct Chat {
    rooms: Arc<Rooms>,
    limits: ChatLimits,
    polls: Quota,
    /// Waiting long polls per client key and per `addr:<ip>`.
    waiting: Mutex<HashMap<String, usize>>,
    clients_per_address: usize,
    sweeper: OnceLock<()>,
}

impl Chat {
    /// The chat with its fan-out: `shared` (`--chat-redis`), else in this process.
    pub(crate) fn new(
        limits: ChatLimits,
        clients_per_address: u64,
        shared: Option<Arc<dyn Fanout>>,
    ) -> Arc<Self> {
        let cpa = usize::try_from(clients_per_address.max(1)).unwrap_or(1);
        let fanout =
            shared.unwrap_or_else(|| Arc::new(fanout::InProcess::new(limits.fanout_capacity)));
        Arc::new(Self {
            rooms: Arc::new(Rooms::new(limits, cpa, fanout)),
            limits,
            polls: Quota::per_minute(CHAT_POLLS_PER_MINUTE, "chat polls", "requests")
                .clients_per_address(clients_per_address),
            waiting: Mutex::new(HashMap::new()),
            clients_per_address: cpa,
            sweeper: OnceLock::new(),
        })
    }
}

/// The chat as handlers see it: the rooms and the life every WebSocket loop shares.
#[derive(Debug, Clone)]
pub(crate) struct ChatHub {
    pub(crate) chat: Arc<Chat>,
    pub(crate) life: WsLife,
}

/// A WebSocket member's place, handed from the route to [`ws::run`].
#[derive(Debug)]
pub(crate) struct WsJoin {
    joined: Joined,
    seat: Seat,
}

impl ChatHub {
    /// Joins `room` as `name` over a WebSocket (the route upgrades after this).
    pub(crate) async fn join_ws(
        &self,
        room: &str,
        name: &str,
        who: &Who,
    ) -> Result<WsJoin, ChatError> {
        self.start_sweeper();
        let joined = self
            .chat
            .rooms
            .join(room, name, who, ChatTransport::WebSocket, None)
            .await?;
        let seat = Seat::new(Arc::clone(&self.chat.rooms), room, joined.id);
        Ok(WsJoin { joined, seat })
    }

    /// Joins `room` as `name` over HTTP: the new member's token and welcome.
    pub(crate) async fn join_http(
        &self,
        room: &str,
        name: &str,
        who: &Who,
    ) -> Result<ChatJoined, ChatError> {
        self.start_sweeper();
        let token = token();
        let joined = self
            .chat
            .rooms
            .join(room, name, who, ChatTransport::Http, Some(token.clone()))
            .await?;
        Ok(ChatJoined {
            member: token,
            welcome: joined.welcome,
        })
    }

    /// An HTTP member says something.
    pub(crate) async fn say_http(
        &self,
        room: &str,
        token: &str,
        key: &str,
        say: &ChatSay,
    ) -> Result<ChatSent, ChatError> {
        let at_us = unix_us();
        let (id, _) = self.chat.rooms.http_member(room, token, key)?;
        self.chat
            .rooms
            .say(room, id, &say.text, say.client_seq, at_us)
            .await
    }

    /// An HTTP member leaves (presence "left").
    pub(crate) async fn leave_http(
        &self,
        room: &str,
        token: &str,
        key: &str,
    ) -> Result<(), ChatError> {
        let (id, _) = self.chat.rooms.http_member(room, token, key)?;
        self.chat
            .rooms
            .leave(room, id, protocol::chat::Departure::Left)
            .await;
        Ok(())
    }

    /// An HTTP member's events after `after`: at once, or (`long`) once there is one, at
    /// most [`CHAT_LONG_POLL_WAIT_MS`] later. Each poll takes one token of the client's
    /// poll quota; a long poll also a slot of its long polls.
    pub(crate) async fn read(
        &self,
        room: &str,
        token: &str,
        after: Option<u64>,
        who: &Who,
        long: bool,
    ) -> Result<ChatBatch, ChatError> {
        self.chat.polls.take(who, 1)?;
        self.chat.rooms.check()?;
        let (id, inbox) = self.chat.rooms.http_member(room, token, &who.key)?;
        let _slot = if long {
            Some(self.long_poll_slot(who)?)
        } else {
            None
        };
        let wait = long.then(|| {
            (
                Duration::from_millis(CHAT_LONG_POLL_WAIT_MS),
                self.life.shutdown.clone(),
            )
        });
        let read = inbox.lock().await.read(after, wait).await;
        let Some(batch) = read else {
            // The room closed under it: with `--chat-redis`, this instance lost the shared
            // store (and with it the room's events). The member is dropped; it joins again.
            self.chat.rooms.leave(room, id, Departure::Dropped).await;
            self.chat.rooms.check()?;
            return Err(ChatError::NotMember(room.to_owned()));
        };
        self.chat.rooms.touch(room, id);
        Ok(batch)
    }

    fn long_poll_slot(&self, who: &Who) -> Result<Slot, ChatError> {
        let mut waiting = self.chat.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let address = who.ip.map(|ip| format!("addr:{ip}"));
        if waiting.get(&who.key).copied().unwrap_or(0) >= CHAT_LONG_POLLS_PER_CLIENT {
            return Err(ChatError::TooManyLongPolls(false));
        }
        if let Some(a) = &address
            && waiting.get(a).copied().unwrap_or(0)
                >= CHAT_LONG_POLLS_PER_CLIENT * self.chat.clients_per_address
        {
            return Err(ChatError::TooManyLongPolls(true));
        }
        let counted: Vec<String> = std::iter::once(who.key.clone()).chain(address).collect();
        for c in &counted {
            *waiting.entry(c.clone()).or_insert(0) += 1;
        }
        Ok(Slot {
            chat: Arc::clone(&self.chat),
            counted,
        })
    }

    /// The sweeper (idle rooms, silent pollers) starts with the first join, so a state
    /// built outside a runtime spawns nothing; it ends on shutdown or with the chat.
    fn start_sweeper(&self) {
        self.chat.sweeper.get_or_init(|| {
            let every = self
                .chat
                .limits
                .room_idle
                .min(self.chat.limits.poll_timeout)
                .div_f64(4.0)
                .clamp(Duration::from_millis(20), Duration::from_secs(5));
            tokio::spawn(sweep(
                Arc::downgrade(&self.chat.rooms),
                self.life.shutdown.clone(),
                every,
            ));
        });
    }
}

/// Every `every`: drop pollers that stopped polling, remove rooms empty and idle.
async fn sweep(rooms: Weak<Rooms>, shutdown: CancellationToken, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let Some(rooms) = rooms.upgrade() else { return };
        rooms.sweep().await;
    }
}

/// A waiting long poll; dropping it frees the slot.
struct Slot {
    chat: Arc<Chat>,
    counted: Vec<String>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut waiting = self.chat.waiting.lock().unwrap_or_else(|e| e.into_inner());
        for c in &self.counted {
            if let Some(n) = waiting.get_mut(c) {
                *n -= 1;
                if *n == 0 {
                    waiting.remove(c);
                }
            }
        }
    }
}

/// An HTTP member's token: 128 random bits in hex, from the operating system (never the
/// client key, never guessable from another member's).
pub(crate) fn token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen): keyed SipHash of the time and a counter, with
        // the process's random hash keys.
        use std::hash::{BuildHasher, Hasher};
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        for half in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            h.write_u64(unix_us());
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = token();
        let b = token();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
