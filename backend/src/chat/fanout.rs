//! How a room's events are numbered and reach its members: the one small interface
//! ([`Fanout`]) between the room table (`rooms.rs`, this instance's members) and what
//! every instance serving the room shares — the room's sequence counter, who is in it, its
//! last messages and the publishing of its events — and its default, [`InProcess`] (all of
//! that in this process, with one bounded `tokio::sync::broadcast` channel per room).
//! `--chat-redis` puts the shared part in Redis instead (`chat/redis.rs`).
//!
//! Numbering and publishing are one step ([`Fanout::append`]): an event's number and its
//! place in every subscriber's stream are decided together, so every member sees one order.
//! A publisher never waits for a slow subscriber: the channel keeps the last `capacity`
//! events, and a subscriber that fell further behind is told how many went past it
//! ([`Delivery::Missed`]) and goes on from the oldest one still kept.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use protocol::chat::{ChatEvent, ChatMember, ChatTransport, Departure};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::clock::unix_us;

/// Why the shared part of the chat could not answer (only with `--chat-redis`: the
/// in-process fan-out never fails).
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("the chat's shared store cannot be reached")]
    #[cfg_attr(not(feature = "chat-redis"), allow(dead_code))]
    Unreachable,
    #[cfg(feature = "chat-redis")]
    #[error("the chat's shared store: {0}")]
    Redis(#[from] redis::RedisError),
    #[cfg(feature = "chat-redis")]
    #[error("the chat's shared store holds something unreadable: {0}")]
    Corrupt(String),
}

/// What a fan-out call resolves to.
pub(crate) type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A new member, admitted: its id, its own `joined` event, who is in the room now (by id,
/// itself included) and the room's last messages (oldest first, all before `joined`).
#[derive(Debug)]
pub(crate) struct Admitted {
    pub(crate) member: ChatMember,
    pub(crate) joined: Arc<ChatEvent>,
    pub(crate) members: Vec<ChatMember>,
    pub(crate) history: Vec<ChatEvent>,
}

/// Numbers each room's events and carries them to its subscribers, in that order.
pub(crate) trait Fanout: Send + Sync + std::fmt::Debug + 'static {
    /// Admits a member named `name` into `room` unless it has `cap` members already
    /// (`None`): gives it the room's next member id and announces its `joined`.
    fn admit(
        &self,
        room: &str,
        name: String,
        via: ChatTransport,
        cap: usize,
    ) -> Pending<'_, Option<Admitted>>;
    /// Numbers `message` (its `seq` is ignored), keeps it among the room's last `history`
    /// and publishes it — unless its sender is no longer a member (`None`).
    fn append(
        &self,
        room: &str,
        message: ChatEvent,
        history: usize,
    ) -> Pending<'_, Option<Arc<ChatEvent>>>;
    /// Removes `member` from `room` and announces it `how`; false if it was not there
    /// (then nothing is announced: each departure once).
    fn depart(&self, room: &str, member: ChatMember, how: Departure) -> Pending<'_, bool>;
    /// The events of `room` published from now on.
    fn subscribe(&self, room: &str) -> Subscription;
    /// This instance is done with `room`: its subscribers get what is queued, then
    /// [`Delivery::Closed`].
    fn forget(&self, room: &str);
    /// Whether the shared part can be reached now (a join checks it first).
    fn check(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// This instance still has members in `rooms`: keep them (the sweeper's tick).
    fn keep<'a>(&'a self, rooms: &'a [String]) -> Pending<'a, ()> {
        let _ = rooms;
        Box::pin(async { Ok(()) })
    }
}

/// What a subscriber gets next.
#[derive(Debug)]
pub(crate) enum Delivery {
    Event(Arc<ChatEvent>),
    /// This many events went past a subscriber too slow to take them.
    Missed(u64),
    /// The room is gone (or, with `--chat-redis`, this instance lost the shared store).
    Closed,
}

/// One subscriber's place in a room's events.
#[derive(Debug)]
pub(crate) struct Subscription(broadcast::Receiver<Arc<ChatEvent>>);

impl Subscription {
    /// The next delivery, waiting for one.
    pub(crate) async fn recv(&mut self) -> Delivery {
        match self.0.recv().await {
            Ok(event) => Delivery::Event(event),
            Err(RecvError::Lagged(n)) => Delivery::Missed(n),
            Err(RecvError::Closed) => Delivery::Closed,
        }
    }

    /// The next delivery if one is there now.
    pub(crate) fn try_recv(&mut self) -> Option<Delivery> {
        match self.0.try_recv() {
            Ok(event) => Some(Delivery::Event(event)),
            Err(TryRecvError::Lagged(n)) => Some(Delivery::Missed(n)),
            Err(TryRecvError::Closed) => Some(Delivery::Closed),
            Err(TryRecvError::Empty) => None,
        }
    }
}

/// The default fan-out: each room's counter, members, history and one broadcast channel of
/// `capacity` events, in this process.
#[derive(Debug)]
pub(crate) struct InProcess {
    capacity: usize,
    rooms: Mutex<HashMap<String, Shared>>,
}

/// A room as every member sees it.
#[derive(Debug)]
struct Shared {
    tx: broadcast::Sender<Arc<ChatEvent>>,
    /// The last event's number (0: none yet).
    seq: u64,
    next_member: u64,
    members: BTreeMap<u64, ChatMember>,
    /// The last messages kept, oldest first.
    history: VecDeque<ChatEvent>,
}

impl Shared {
    /// Numbers, stamps (all but a message, stamped when read) and sends the next event.
    fn publish(&mut self, mut event: ChatEvent) -> Arc<ChatEvent> {
        self.seq += 1;
        let now = unix_us();
        match &mut event {
            ChatEvent::Message { seq, .. } => *seq = self.seq,
            ChatEvent::Joined { seq, at_us, .. } | ChatEvent::Left { seq, at_us, .. } => {
                (*seq, *at_us) = (self.seq, now);
            }
        }
        let event = Arc::new(event);
        // No subscriber at all is not an error: the room may be empty.
        let _ = self.tx.send(Arc::clone(&event));
        event
    }
}

impl InProcess {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            rooms: Mutex::new(HashMap::new()),
        }
    }

    fn rooms(&self) -> std::sync::MutexGuard<'_, HashMap<String, Shared>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn room<'a>(&self, rooms: &'a mut HashMap<String, Shared>, room: &str) -> &'a mut Shared {
        rooms.entry(room.to_owned()).or_insert_with(|| Shared {
            tx: broadcast::channel(self.capacity).0,
            seq: 0,
            next_member: 1,
            members: BTreeMap::new(),
            history: VecDeque::new(),
        })
    }

    /// Sends an event numbered elsewhere to `room`'s subscribers here, if it has any (the
    /// Redis fan-out's listener; tests).
    #[cfg_attr(not(feature = "chat-redis"), allow(dead_code))]
    pub(crate) fn send(&self, room: &str, event: Arc<ChatEvent>) {
        if let Some(r) = self.rooms().get(room) {
            let _ = r.tx.send(event);
        }
    }

    /// Closes every room's channel (the Redis fan-out lost its subscription).
    #[cfg(feature = "chat-redis")]
    pub(crate) fn forget_all(&self) {
        self.rooms().clear();
    }
}

impl Fanout for InProcess {
    fn admit(
        &self,
        room: &str,
        name: String,
        via: ChatTransport,
        cap: usize,
    ) -> Pending<'_, Option<Admitted>> {
        let mut rooms = self.rooms();
        let r = self.room(&mut rooms, room);
        let admitted = (r.members.len() < cap).then(|| {
            let member = ChatMember {
                id: r.next_member,
                name,
                via,
            };
            r.next_member += 1;
            r.members.insert(member.id, member.clone());
            let joined = r.publish(ChatEvent::Joined {
                seq: 0,
                at_us: 0,
                member: member.clone(),
            });
            Admitted {
                member,
                joined,
                members: r.members.values().cloned().collect(),
                history: r.history.iter().cloned().collect(),
            }
        });
        Box::pin(async move { Ok(admitted) })
    }

    fn append(
        &self,
        room: &str,
        message: ChatEvent,
        history: usize,
    ) -> Pending<'_, Option<Arc<ChatEvent>>> {
        let mut rooms = self.rooms();
        let r = self.room(&mut rooms, room);
        let from = match &message {
            ChatEvent::Message { from, .. } => Some(*from),
            _ => None,
        };
        let event = from.filter(|f| r.members.contains_key(f)).map(|_| {
            let event = r.publish(message);
            if history > 0 {
                while r.history.len() >= history {
                    r.history.pop_front();
                }
                r.history.push_back((*event).clone());
            }
            event
        });
        Box::pin(async move { Ok(event) })
    }

    fn depart(&self, room: &str, member: ChatMember, how: Departure) -> Pending<'_, bool> {
        let mut rooms = self.rooms();
        let gone = rooms.get_mut(room).is_some_and(|r| {
            r.members.remove(&member.id).is_some_and(|member| {
                r.publish(ChatEvent::Left {
                    seq: 0,
                    at_us: 0,
                    member,
                    how,
                });
                true
            })
        });
        Box::pin(async move { Ok(gone) })
    }

    fn subscribe(&self, room: &str) -> Subscription {
        let mut rooms = self.rooms();
        Subscription(self.room(&mut rooms, room).tx.subscribe())
    }

    fn forget(&self, room: &str) {
        self.rooms().remove(room);
    }
}

/// A message event for tests (`fanout` and `poll` alike).
#[cfg(test)]
pub(super) fn test_event(seq: u64) -> Arc<ChatEvent> {
    Arc::new(ChatEvent::Message {
        seq,
        at_us: 0,
        from: 1,
        name: "a".into(),
        text: "t".into(),
        client_seq: None,
    })
}

#[cfg(test)]
mod tests {
    use super::test_event as event;
    use super::*;

    #[tokio::test]
    async fn a_slow_subscriber_is_told_what_it_missed_then_goes_on() {
        let fan = InProcess::new(4);
        let mut slow = fan.subscribe("r");
        let mut other = fan.subscribe("s");
        for seq in 1..=10 {
            fan.send("r", event(seq));
        }
        assert!(matches!(slow.recv().await, Delivery::Missed(6)));
        for seq in 7..=10 {
            let Delivery::Event(e) = slow.recv().await else {
                panic!("an event")
            };
            assert_eq!(e.seq(), seq);
        }
        assert!(slow.try_recv().is_none());
        assert!(
            other.try_recv().is_none(),
            "another room's subscriber saw nothing"
        );
        fan.forget("r");
        assert!(matches!(slow.recv().await, Delivery::Closed));
    }

    #[tokio::test]
    async fn admit_append_depart_number_one_order() {
        let fan = InProcess::new(16);
        let mut sub = fan.subscribe("r");
        let ws = ChatTransport::WebSocket;
        let a = fan.admit("r", "A".into(), ws, 2).await.unwrap().unwrap();
        let b = fan.admit("r", "B".into(), ws, 2).await.unwrap().unwrap();
        assert!(fan.admit("r", "C".into(), ws, 2).await.unwrap().is_none());
        assert_eq!((a.member.id, b.member.id, b.members.len()), (1, 2, 2));
        let said = ChatEvent::Message {
            seq: 0,
            at_us: 7,
            from: 1,
            name: "A".into(),
            text: "hi".into(),
            client_seq: None,
        };
        let m = fan.append("r", said.clone(), 1).await.unwrap().unwrap();
        assert_eq!((m.seq(), m.at_us()), (3, 7));
        assert!(
            fan.depart("r", a.member.clone(), Departure::Left)
                .await
                .unwrap()
        );
        assert!(!fan.depart("r", a.member, Departure::Left).await.unwrap());
        assert!(fan.append("r", said, 1).await.unwrap().is_none(), "gone");
        let c = fan.admit("r", "C".into(), ws, 2).await.unwrap().unwrap();
        assert_eq!((c.member.id, c.history.len(), c.joined.seq()), (3, 1, 5));
        let mut seqs = Vec::new();
        while let Some(Delivery::Event(e)) = sub.try_recv() {
            seqs.push(e.seq());
        }
        assert_eq!(seqs, [1, 2, 3, 4, 5]);
    }
}
