//! The room table: this instance's members of every room — their client keys and
//! addresses (for the caps), message buckets and, for HTTP members, inboxes — under one
//! lock, so caps across rooms are counted exactly. What every member sees (numbers, who is
//! here, history, the events) goes through the [`Fanout`]; joins are made one at a time
//! (`join_gate`), so a join's caps and its admission are decided together.
//!
//! Caps, checked on join in this order: the display name (`protocol::chat::display_name`),
//! rooms in all (a new room only), members per room, rooms per client key (a key counts
//! once per room) and per address (`rooms_per_client × clients_per_address` key-rooms).
//! Members per room is checked here and again by the fan-out when it admits (with
//! `--chat-redis`, atomically across instances); the others count this instance's members.
//! Each member has its own message bucket ([`TokenBucket`]). [`Rooms::sweep`] drops HTTP
//! members that stopped polling (presence "dropped") and removes rooms that have been empty
//! here and without an event for `room_idle` (their subscription with them).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use protocol::chat::{
    ChatEvent, ChatMember, ChatSent, ChatTransport, ChatWelcome, Departure, TextProblem,
    check_text, display_name,
};

use super::fanout::{Fanout, StoreError, Subscription};
use super::poll::Inbox;
use super::{ChatError, ChatLimits};
use crate::quota::{TokenBucket, Who};

/// Every room.
#[derive(Debug)]
pub(crate) struct Rooms {
    limits: ChatLimits,
    clients_per_address: usize,
    fanout: Arc<dyn Fanout>,
    table: Mutex<HashMap<String, Room>>,
    join_gate: tokio::sync::Mutex<()>,
}

/// A room as this instance knows it: its members here.
#[derive(Debug)]
struct Room {
    members: BTreeMap<u64, Member>,
    last_event: Instant,
}

#[derive(Debug)]
struct Member {
    info: ChatMember,
    /// For the caps only; never sent to anyone.
    key: String,
    ip: Option<IpAddr>,
    messages: TokenBucket,
    http: Option<HttpSeat>,
}

/// What only an HTTP member has: its token, its inbox and when it last polled.
#[derive(Debug)]
struct HttpSeat {
    token: String,
    inbox: Arc<tokio::sync::Mutex<Inbox>>,
    last_poll: Instant,
}

/// A new member: its id, its welcome, and (WebSocket members) its subscription — its own
/// `joined` event is the first one, numbered `welcome.seq`.
#[derive(Debug)]
pub(crate) struct Joined {
    pub(crate) id: u64,
    pub(crate) welcome: ChatWelcome,
    pub(crate) sub: Option<Subscription>,
}

impl From<StoreError> for ChatError {
    fn from(e: StoreError) -> Self {
        tracing::warn!(error = %e, "chat: the shared store refused");
        ChatError::Unavailable
    }
}

impl Rooms {
    pub(crate) fn new(
        limits: ChatLimits,
        clients_per_address: usize,
        fanout: Arc<dyn Fanout>,
    ) -> Self {
        Self {
            limits,
            clients_per_address,
            fanout,
            table: Mutex::new(HashMap::new()),
            join_gate: tokio::sync::Mutex::new(()),
        }
    }

    pub(crate) fn limits(&self) -> ChatLimits {
        self.limits
    }

    /// Whether the fan-out's shared part can be reached now.
    pub(crate) fn check(&self) -> Result<(), ChatError> {
        Ok(self.fanout.check()?)
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Room>> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a member to `room` under the caps, and announces it. An HTTP member (`token`)
    /// gets an inbox holding its subscription; a WebSocket member gets the subscription
    /// itself.
    pub(crate) async fn join(
        &self,
        room: &str,
        raw_name: &str,
        who: &Who,
        via: ChatTransport,
        token: Option<String>,
    ) -> Result<Joined, ChatError> {
        let name = display_name(raw_name).map_err(ChatError::BadName)?;
        self.check()?;
        self.sweep().await;
        let _gate = self.join_gate.lock().await;
        let limits = self.limits;
        // Subscribed before its own `joined` is published: nothing falls in between.
        let sub = {
            let table = self.table();
            self.caps(&table, room, who)?;
            self.fanout.subscribe(room)
        };
        let admitted = match self
            .fanout
            .admit(room, name, via, limits.members_per_room)
            .await
        {
            Ok(Some(a)) => a,
            refused => {
                if !self.table().contains_key(room) {
                    self.fanout.forget(room);
                }
                return Err(match refused {
                    Err(e) => e.into(),
                    _ => ChatError::RoomFull(limits.members_per_room),
                });
            }
        };
        let now = Instant::now();
        let info = admitted.member;
        let (sub, http) = match token {
            Some(token) => (
                None,
                Some(HttpSeat {
                    token,
                    inbox: Arc::new(tokio::sync::Mutex::new(Inbox::new(
                        sub,
                        admitted.joined.seq(),
                        limits.fanout_capacity,
                    ))),
                    last_poll: now,
                }),
            ),
            None => (Some(sub), None),
        };
        let mut table = self.table();
        let r = table.entry(room.to_owned()).or_insert_with(|| Room {
            members: BTreeMap::new(),
            last_event: now,
        });
        r.last_event = now;
        r.members.insert(
            info.id,
            Member {
                info: info.clone(),
                key: who.key.clone(),
                ip: who.ip,
                messages: TokenBucket::full(
                    f64::from(limits.burst),
                    f64::from(limits.messages_per_second),
                    now,
                ),
                http,
            },
        );
        let welcome = ChatWelcome {
            room: room.to_owned(),
            you: info.clone(),
            members: admitted.members,
            history: admitted.history,
            seq: admitted.joined.seq(),
            at_us: admitted.joined.at_us(),
        };
        Ok(Joined {
            id: info.id,
            welcome,
            sub,
        })
    }

    /// The caps a join into `room` by `who` must pass here.
    fn caps(&self, table: &HashMap<String, Room>, room: &str, who: &Who) -> Result<(), ChatError> {
        let limits = &self.limits;
        match table.get(room) {
            None if table.len() >= limits.rooms => {
                return Err(ChatError::TooManyRooms(limits.rooms));
            }
            Some(r) if r.members.len() >= limits.members_per_room => {
                return Err(ChatError::RoomFull(limits.members_per_room));
            }
            _ => {}
        }
        // Rooms per client key, and key-rooms per address.
        let here = |r: &Room| r.members.values().any(|m| m.key == who.key);
        if table.get(room).is_some_and(here) {
            return Ok(());
        }
        let rooms_of_key = table.values().filter(|r| here(r)).count();
        if rooms_of_key >= limits.rooms_per_client {
            return Err(ChatError::TooManyRoomsForClient {
                per_address: false,
                limit: limits.rooms_per_client,
            });
        }
        if let Some(ip) = who.ip {
            let pairs: HashSet<(&str, &str)> = table
                .iter()
                .flat_map(|(n, r)| {
                    r.members
                        .values()
                        .filter(|m| m.ip == Some(ip))
                        .map(move |m| (n.as_str(), m.key.as_str()))
                })
                .collect();
            let ceiling = limits.rooms_per_client * self.clients_per_address;
            if pairs.len() >= ceiling {
                return Err(ChatError::TooManyRoomsForClient {
                    per_address: true,
                    limit: ceiling,
                });
            }
        }
        Ok(())
    }

    /// Member `id` of `room` says `text` (read by the server at `at_us`): numbered and fanned
    /// out, unless the text or the member's bucket refuses it.
    pub(crate) async fn say(
        &self,
        room: &str,
        id: u64,
        text: &str,
        client_seq: Option<u64>,
        at_us: u64,
    ) -> Result<ChatSent, ChatError> {
        check_text(text).map_err(|p| match p {
            TextProblem::TooLong => ChatError::TooLong,
            TextProblem::Empty => ChatError::Empty,
        })?;
        let not_member = || ChatError::NotMember(room.to_owned());
        let message = {
            let mut table = self.table();
            let r = table.get_mut(room).ok_or_else(not_member)?;
            let m = r.members.get_mut(&id).ok_or_else(not_member)?;
            m.messages
                .take(1.0, Instant::now())
                .map_err(|retry_after| ChatError::TooFast {
                    per_second: self.limits.messages_per_second,
                    burst: self.limits.burst,
                    retry_after,
                })?;
            r.last_event = Instant::now();
            ChatEvent::Message {
                seq: 0,
                at_us,
                from: m.info.id,
                name: m.info.name.clone(),
                text: text.to_owned(),
                client_seq,
            }
        };
        let event = self
            .fanout
            .append(room, message, self.limits.history)
            .await?
            .ok_or_else(not_member)?;
        Ok(ChatSent {
            seq: event.seq(),
            at_us,
        })
    }

    /// Member `id` leaves `room` (announced `how`); false if it was not there. It is gone
    /// here at once; a shared store that cannot be told is logged (with `--chat-redis`,
    /// another instance's sweep reaps it once this instance is gone).
    pub(crate) async fn leave(&self, room: &str, id: u64, how: Departure) -> bool {
        let Some(info) = self.remove(room, id) else {
            return false;
        };
        if let Err(e) = self.fanout.depart(room, info, how).await {
            tracing::warn!(error = %e, room, "chat: a departure could not be announced");
        }
        true
    }

    fn remove(&self, room: &str, id: u64) -> Option<ChatMember> {
        let mut table = self.table();
        let r = table.get_mut(room)?;
        let member = r.members.remove(&id)?;
        r.last_event = Instant::now();
        Some(member.info)
    }

    /// The HTTP member of `room` with `token`, if it belongs to `key`: its id and inbox.
    /// Counts as a sign of life.
    pub(crate) fn http_member(
        &self,
        room: &str,
        token: &str,
        key: &str,
    ) -> Result<(u64, Arc<tokio::sync::Mutex<Inbox>>), ChatError> {
        let mut table = self.table();
        table
            .get_mut(room)
            .and_then(|r| {
                r.members.values_mut().find_map(|m| {
                    let seat = m.http.as_mut()?;
                    (seat.token == token && m.key == key).then(|| {
                        seat.last_poll = Instant::now();
                        (m.info.id, Arc::clone(&seat.inbox))
                    })
                })
            })
            .ok_or_else(|| ChatError::NotMember(room.to_owned()))
    }

    /// An HTTP member's poll has ended: a sign of life.
    pub(crate) fn touch(&self, room: &str, id: u64) {
        let mut table = self.table();
        if let Some(seat) = table
            .get_mut(room)
            .and_then(|r| r.members.get_mut(&id))
            .and_then(|m| m.http.as_mut())
        {
            seat.last_poll = Instant::now();
        }
    }

    /// Drops silent pollers, removes idle empty rooms, and tells the fan-out which rooms
    /// this instance still has members in (the sweeper's tick; every join does it too).
    pub(crate) async fn sweep(&self) {
        let now = Instant::now();
        let (silent, live) = {
            let mut table = self.table();
            let mut silent = Vec::new();
            let mut gone = Vec::new();
            for (name, r) in table.iter_mut() {
                let ids: Vec<u64> = r
                    .members
                    .values()
                    .filter(|m| {
                        m.http.as_ref().is_some_and(|s| {
                            // A poll in progress holds the inbox: that member is alive.
                            now.saturating_duration_since(s.last_poll) >= self.limits.poll_timeout
                                && s.inbox.try_lock().is_ok()
                        })
                    })
                    .map(|m| m.info.id)
                    .collect();
                for id in ids {
                    if let Some(m) = r.members.remove(&id) {
                        r.last_event = now;
                        silent.push((name.clone(), m.info));
                    }
                }
                if r.members.is_empty()
                    && now.saturating_duration_since(r.last_event) >= self.limits.room_idle
                {
                    gone.push(name.clone());
                }
            }
            for name in gone {
                table.remove(&name);
                self.fanout.forget(&name);
            }
            let live: Vec<String> = table
                .iter()
                .filter(|(_, r)| !r.members.is_empty())
                .map(|(n, _)| n.clone())
                .collect();
            (silent, live)
        };
        for (room, info) in silent {
            if let Err(e) = self.fanout.depart(&room, info, Departure::Dropped).await {
                tracing::warn!(error = %e, room, "chat: a silent poller's drop could not be announced");
            }
        }
        if let Err(e) = self.fanout.keep(&live).await {
            tracing::warn!(error = %e, "chat: the shared store could not be refreshed");
        }
    }

    #[cfg(test)]
    fn room_count(&self) -> usize {
        self.table().len()
    }
}

/// A WebSocket member's place in its room: leaving announces it once, with how; dropped
/// without [`Seat::leave`] (a loop that panicked, an upgrade that never completed), it
/// announces "dropped" (from a task of its own: announcing may wait for the shared store).
#[derive(Debug)]
pub(crate) struct Seat {
    rooms: Arc<Rooms>,
    room: String,
    id: u64,
    gone: bool,
}

impl Seat {
    pub(crate) fn new(rooms: Arc<Rooms>, room: &str, id: u64) -> Self {
        Self {
            rooms,
            room: room.to_owned(),
            id,
            gone: false,
        }
    }

    pub(crate) fn room(&self) -> &str {
        &self.room
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn rooms(&self) -> &Rooms {
        &self.rooms
    }

    pub(crate) async fn leave(mut self, how: Departure) {
        self.gone = true;
        self.rooms.leave(&self.room, self.id, how).await;
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        if self.gone {
            return;
        }
        let (rooms, room, id) = (Arc::clone(&self.rooms), self.room.clone(), self.id);
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move { rooms.leave(&room, id, Departure::Dropped).await });
            }
            // No runtime (never in the server): gone here, unannounced.
            Err(_) => {
                rooms.remove(&room, id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fanout::{Delivery, InProcess};
    use super::*;
    use std::time::Duration;

    fn who(key: &str) -> Who {
        Who {
            key: key.into(),
            ip: None,
        }
    }

    fn rooms(limits: ChatLimits) -> Rooms {
        Rooms::new(limits, 8, Arc::new(InProcess::new(64)))
    }

    #[tokio::test]
    async fn caps_history_and_order() {
        let r = rooms(ChatLimits {
            members_per_room: 2,
            rooms: 2,
            rooms_per_client: 2,
            history: 2,
            ..ChatLimits::default()
        });
        let ws = ChatTransport::WebSocket;
        let a = r.join("a", " Ann ", &who("k1"), ws, None).await.unwrap();
        assert_eq!(a.welcome.you.name, "Ann");
        assert_eq!(a.welcome.seq, 1);
        assert!(matches!(
            r.join("a", "\u{7}", &who("k2"), ws, None).await,
            Err(ChatError::BadName(_))
        ));
        let b = r.join("a", "Bo", &who("k2"), ws, None).await.unwrap();
        assert_eq!(b.welcome.members.len(), 2);
        assert!(matches!(
            r.join("a", "Cy", &who("k3"), ws, None).await,
            Err(ChatError::RoomFull(2))
        ));
        r.join("b", "Ann", &who("k1"), ws, None).await.unwrap();
        assert!(matches!(
            r.join("c", "Ann", &who("k9"), ws, None).await,
            Err(ChatError::TooManyRooms(2))
        ));
        for (i, t) in ["1", "2", "3"].into_iter().enumerate() {
            let sent = r.say("a", a.id, t, Some(i as u64), 0).await.unwrap();
            assert_eq!(sent.seq, 3 + i as u64);
        }
        let mut sub = b.sub.unwrap();
        let mut seqs = Vec::new();
        while let Some(Delivery::Event(e)) = sub.try_recv() {
            seqs.push(e.seq());
        }
        assert_eq!(seqs, [2, 3, 4, 5]);
        assert!(r.leave("a", b.id, Departure::Left).await);
        let c = r.join("a", "Cy", &who("k3"), ws, None).await.unwrap();
        let texts: Vec<_> = c
            .welcome
            .history
            .iter()
            .map(|e| match e {
                ChatEvent::Message { text, .. } => text.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(texts, ["2", "3"], "the last two messages");
        assert!(matches!(
            r.say("a", 99, "x", None, 0).await,
            Err(ChatError::NotMember(_))
        ));
    }

    #[tokio::test]
    async fn empty_rooms_go_when_idle_and_silent_pollers_are_dropped() {
        let r = rooms(ChatLimits {
            room_idle: Duration::ZERO,
            poll_timeout: Duration::ZERO,
            ..ChatLimits::default()
        });
        let a = r
            .join("a", "A", &who("k1"), ChatTransport::WebSocket, None)
            .await
            .unwrap();
        r.join("a", "P", &who("k2"), ChatTransport::Http, Some("t".into()))
            .await
            .unwrap();
        r.sweep().await;
        let mut sub = a.sub.unwrap();
        let mut last = None;
        while let Some(Delivery::Event(e)) = sub.try_recv() {
            last = Some(e);
        }
        assert!(matches!(
            last.as_deref(),
            Some(ChatEvent::Left {
                how: Departure::Dropped,
                ..
            })
        ));
        assert_eq!(r.room_count(), 1, "a member is still there");
        r.leave("a", a.id, Departure::Left).await;
        r.sweep().await;
        assert_eq!(r.room_count(), 0);
    }
}
