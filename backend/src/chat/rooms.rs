//! The room table: every room's members, its sequence counter and history, under one lock
//! (so caps across rooms are counted exactly, and an event's number and its place in the
//! fan-out are decided together: every member sees one order).
//!
//! Caps, checked on join in this order: the display name (`protocol::chat::display_name`),
//! rooms in all (a new room only), members per room, rooms per client key (a key counts
//! once per room) and per address (`rooms_per_client × clients_per_address` key-rooms).
//! Each member has its own message bucket ([`TokenBucket`]). [`Rooms::sweep`] drops HTTP
//! members that stopped polling (presence "dropped") and removes rooms that have been empty
//! and without an event for `room_idle` (their history and channel with them).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use protocol::chat::{
    ChatEvent, ChatMember, ChatSent, ChatTransport, ChatWelcome, Departure, TextProblem,
    check_text, display_name,
};

use super::fanout::{Fanout, Subscription};
use super::poll::Inbox;
use super::{ChatError, ChatLimits};
use crate::clock::unix_us;
use crate::quota::{TokenBucket, Who};

/// Every room.
#[derive(Debug)]
pub(crate) struct Rooms {
    limits: ChatLimits,
    clients_per_address: usize,
    fanout: Arc<dyn Fanout>,
    table: Mutex<HashMap<String, Room>>,
}

#[derive(Debug)]
struct Room {
    /// The last event's number (0: none yet).
    seq: u64,
    next_member: u64,
    members: BTreeMap<u64, Member>,
    /// The last `history` messages, oldest first.
    history: VecDeque<ChatEvent>,
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

impl Room {
    fn new(now: Instant) -> Self {
        Self {
            seq: 0,
            next_member: 1,
            members: BTreeMap::new(),
            history: VecDeque::new(),
            last_event: now,
        }
    }

    /// Numbers, stamps, keeps (a message) and fans out the next event.
    fn publish(
        &mut self,
        fanout: &dyn Fanout,
        name: &str,
        history: usize,
        make: impl FnOnce(u64, u64) -> ChatEvent,
    ) -> Arc<ChatEvent> {
        self.seq += 1;
        let event = make(self.seq, unix_us());
        if matches!(event, ChatEvent::Message { .. }) && history > 0 {
            if self.history.len() >= history {
                self.history.pop_front();
            }
            self.history.push_back(event.clone());
        }
        self.last_event = Instant::now();
        let event = Arc::new(event);
        fanout.publish(name, Arc::clone(&event));
        event
    }

    fn remove(&mut self, fanout: &dyn Fanout, name: &str, id: u64, how: Departure) -> bool {
        let Some(member) = self.members.remove(&id) else {
            return false;
        };
        self.publish(fanout, name, 0, |seq, at_us| ChatEvent::Left {
            seq,
            at_us,
            member: member.info,
            how,
        });
        true
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
        }
    }

    pub(crate) fn limits(&self) -> ChatLimits {
        self.limits
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Room>> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a member to `room` (made if new) under the caps, and announces it. An HTTP
    /// member (`token`) gets an inbox holding its subscription; a WebSocket member gets the
    /// subscription itself.
    pub(crate) fn join(
        &self,
        room: &str,
        raw_name: &str,
        who: &Who,
        via: ChatTransport,
        token: Option<String>,
    ) -> Result<Joined, ChatError> {
        let name = display_name(raw_name).map_err(ChatError::BadName)?;
        let now = Instant::now();
        let mut table = self.table();
        self.sweep_locked(&mut table, now);
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
        if !table.get(room).is_some_and(here) {
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
        }
        let r = table
            .entry(room.to_owned())
            .or_insert_with(|| Room::new(now));
        // Subscribed before its own `joined` is published: nothing falls in between.
        let sub = self.fanout.subscribe(room);
        let id = r.next_member;
        r.next_member += 1;
        let info = ChatMember { id, name, via };
        let (sub, http) = match token {
            Some(token) => (
                None,
                Some(HttpSeat {
                    token,
                    inbox: Arc::new(tokio::sync::Mutex::new(Inbox::new(
                        sub,
                        r.seq + 1,
                        limits.fanout_capacity,
                    ))),
                    last_poll: now,
                }),
            ),
            None => (Some(sub), None),
        };
        r.members.insert(
            id,
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
        let joined = r.publish(&*self.fanout, room, 0, |seq, at_us| ChatEvent::Joined {
            seq,
            at_us,
            member: info.clone(),
        });
        let welcome = ChatWelcome {
            room: room.to_owned(),
            you: info,
            members: r.members.values().map(|m| m.info.clone()).collect(),
            history: r.history.iter().cloned().collect(),
            seq: joined.seq(),
            at_us: joined.at_us(),
        };
        Ok(Joined { id, welcome, sub })
    }

    /// Member `id` of `room` says `text` (read by the server at `at_us`): numbered and fanned
    /// out, unless the text or the member's bucket refuses it.
    pub(crate) fn say(
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
        let mut table = self.table();
        let not_member = || ChatError::NotMember(room.to_owned());
        let r = table.get_mut(room).ok_or_else(not_member)?;
        let m = r.members.get_mut(&id).ok_or_else(not_member)?;
        m.messages
            .take(1.0, Instant::now())
            .map_err(|retry_after| ChatError::TooFast {
                per_second: self.limits.messages_per_second,
                burst: self.limits.burst,
                retry_after,
            })?;
        let (from, name) = (m.info.id, m.info.name.clone());
        let event = r.publish(&*self.fanout, room, self.limits.history, |seq, _| {
            ChatEvent::Message {
                seq,
                at_us,
                from,
                name,
                text: text.to_owned(),
                client_seq,
            }
        });
        Ok(ChatSent {
            seq: event.seq(),
            at_us,
        })
    }

    /// Member `id` leaves `room` (announced `how`); false if it was not there.
    pub(crate) fn leave(&self, room: &str, id: u64, how: Departure) -> bool {
        let mut table = self.table();
        table
            .get_mut(room)
            .is_some_and(|r| r.remove(&*self.fanout, room, id, how))
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

    /// Drops silent pollers and removes idle empty rooms (the sweeper's tick; every join
    /// does it too).
    pub(crate) fn sweep(&self) {
        let mut table = self.table();
        self.sweep_locked(&mut table, Instant::now());
    }

    fn sweep_locked(&self, table: &mut HashMap<String, Room>, now: Instant) {
        let mut gone = Vec::new();
        for (name, r) in table.iter_mut() {
            let silent: Vec<u64> = r
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
            for id in silent {
                r.remove(&*self.fanout, name, id, Departure::Dropped);
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
    }

    #[cfg(test)]
    fn room_count(&self) -> usize {
        self.table().len()
    }
}

/// A WebSocket member's place in its room: leaving announces it once, with how; dropped
/// without [`Seat::leave`] (a loop that panicked, an upgrade that never completed), it
/// announces "dropped".
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

    pub(crate) fn leave(mut self, how: Departure) {
        self.gone = true;
        self.rooms.leave(&self.room, self.id, how);
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        if !self.gone {
            self.rooms.leave(&self.room, self.id, Departure::Dropped);
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
        let a = r.join("a", " Ann ", &who("k1"), ws, None).unwrap();
        assert_eq!(a.welcome.you.name, "Ann");
        assert_eq!(a.welcome.seq, 1);
        assert!(matches!(
            r.join("a", "\u{7}", &who("k2"), ws, None),
            Err(ChatError::BadName(_))
        ));
        let b = r.join("a", "Bo", &who("k2"), ws, None).unwrap();
        assert_eq!(b.welcome.members.len(), 2);
        assert!(matches!(
            r.join("a", "Cy", &who("k3"), ws, None),
            Err(ChatError::RoomFull(2))
        ));
        r.join("b", "Ann", &who("k1"), ws, None).unwrap();
        assert!(matches!(
            r.join("c", "Ann", &who("k9"), ws, None),
            Err(ChatError::TooManyRooms(2))
        ));
        for (i, t) in ["1", "2", "3"].into_iter().enumerate() {
            let sent = r.say("a", a.id, t, Some(i as u64), 0).unwrap();
            assert_eq!(sent.seq, 3 + i as u64);
        }
        let mut sub = b.sub.unwrap();
        let mut seqs = Vec::new();
        while let Some(Delivery::Event(e)) = sub.try_recv() {
            seqs.push(e.seq());
        }
        assert_eq!(seqs, [2, 3, 4, 5]);
        assert!(r.leave("a", b.id, Departure::Left));
        let c = r.join("a", "Cy", &who("k3"), ws, None).unwrap();
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
            r.say("a", 99, "x", None, 0),
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
            .unwrap();
        r.join("a", "P", &who("k2"), ChatTransport::Http, Some("t".into()))
            .unwrap();
        r.sweep();
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
        r.leave("a", a.id, Departure::Left);
        r.sweep();
        assert_eq!(r.room_count(), 0);
    }
}
