//! How a room's events reach its members: the one small interface ([`Fanout`]) between the
//! room table and whatever carries events to subscribers, and its default, [`InProcess`]
//! (one bounded `tokio::sync::broadcast` channel per room).
//!
//! A publisher never waits for a slow subscriber: the channel keeps the last `capacity`
//! events, and a subscriber that fell further behind is told how many went past it
//! ([`Delivery::Missed`]) and goes on from the oldest one still kept. A later
//! implementation (Redis pub/sub, `--chat-redis`) fits the same three calls: publish to a
//! room's channel, subscribe to it (a task forwarding into a local bounded channel gives
//! the same [`Subscription`]), and forget it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use protocol::chat::ChatEvent;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

/// Carries each room's events to its subscribers, in the order they were published.
pub(crate) trait Fanout: Send + Sync + std::fmt::Debug + 'static {
    /// Sends `event` to every subscriber of `room` now; never waits for one.
    fn publish(&self, room: &str, event: Arc<ChatEvent>);
    /// The events of `room` published from now on.
    fn subscribe(&self, room: &str) -> Subscription;
    /// `room` is gone: its subscribers get what is queued, then [`Delivery::Closed`].
    fn forget(&self, room: &str);
}

/// What a subscriber gets next.
#[derive(Debug)]
pub(crate) enum Delivery {
    Event(Arc<ChatEvent>),
    /// This many events went past a subscriber too slow to take them.
    Missed(u64),
    /// The room is gone.
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

/// The default fan-out: one broadcast channel of `capacity` events per room, in this
/// process.
#[derive(Debug)]
pub(crate) struct InProcess {
    capacity: usize,
    rooms: Mutex<HashMap<String, broadcast::Sender<Arc<ChatEvent>>>>,
}

impl InProcess {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            rooms: Mutex::new(HashMap::new()),
        }
    }
}

impl Fanout for InProcess {
    fn publish(&self, room: &str, event: Arc<ChatEvent>) {
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = rooms.get(room) {
            // No subscriber at all is not an error: the room may be empty.
            let _ = tx.send(event);
        }
    }

    fn subscribe(&self, room: &str) -> Subscription {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        let tx = rooms
            .entry(room.to_owned())
            .or_insert_with(|| broadcast::channel(self.capacity).0);
        Subscription(tx.subscribe())
    }

    fn forget(&self, room: &str) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms.remove(room);
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
            fan.publish("r", event(seq));
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
}
