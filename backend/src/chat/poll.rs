//! An HTTP member's inbox: its subscription to the room, and the events it has been sent
//! but not yet acknowledged.
//!
//! A poll names `after`, the last sequence number the page has; the inbox forgets what is
//! at or before it, takes whatever the subscription holds (up to `capacity` kept), and
//! answers the rest — so an answer lost on the way is sent again by the next poll, and
//! every event reaches the page exactly once and in order as long as the page keeps up.
//! When it does not (the subscription lagged), the answer says how many events went past it
//! (`missed`, told once). A long poll with nothing to answer waits for the next event, at
//! most its wait, or until shutdown.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use protocol::chat::{ChatBatch, ChatEvent};
use tokio_util::sync::CancellationToken;

use super::fanout::{Delivery, Subscription};
use crate::clock::unix_us;

#[derive(Debug)]
pub(crate) struct Inbox {
    sub: Subscription,
    /// Sent (maybe) but not acknowledged, oldest first.
    pending: VecDeque<Arc<ChatEvent>>,
    /// Events at or before this are never sent: the member's own `joined` and what came
    /// before it.
    floor: u64,
    capacity: usize,
    missed: u64,
    /// The subscription ended (the room closed under this member).
    closed: bool,
    polls: u64,
    empty_polls: u64,
}

impl Inbox {
    pub(crate) fn new(sub: Subscription, floor: u64, capacity: usize) -> Self {
        Self {
            sub,
            pending: VecDeque::new(),
            floor,
            capacity: capacity.max(1),
            missed: 0,
            closed: false,
            polls: 0,
            empty_polls: 0,
        }
    }

    /// The events after `after` (every unacknowledged one when `None`); with `wait`, the
    /// first one to come if there is none yet, waiting at most that long or until the token
    /// is cancelled. `None` once the subscription has closed and nothing is left to send.
    pub(crate) async fn read(
        &mut self,
        after: Option<u64>,
        wait: Option<(Duration, CancellationToken)>,
    ) -> Option<ChatBatch> {
        let after = after.unwrap_or(0).max(self.floor);
        while self.pending.front().is_some_and(|e| e.seq() <= after) {
            self.pending.pop_front();
        }
        self.pull(after);
        if let Some((wait, shutdown)) = wait
            && !self.closed
            && self.pending.is_empty()
            && self.missed == 0
        {
            let deadline = tokio::time::sleep(wait);
            tokio::pin!(deadline);
            loop {
                let delivery = tokio::select! {
                    d = self.sub.recv() => d,
                    () = &mut deadline => break,
                    () = shutdown.cancelled() => break,
                };
                if !self.take(delivery, after) {
                    break;
                }
                self.pull(after);
                if !self.pending.is_empty() || self.missed > 0 {
                    break;
                }
            }
        }
        if self.closed && self.pending.is_empty() {
            return None;
        }
        self.polls += 1;
        if self.pending.is_empty() {
            self.empty_polls += 1;
        }
        Some(ChatBatch {
            events: self.pending.iter().map(|e| (**e).clone()).collect(),
            missed: std::mem::take(&mut self.missed),
            polls: self.polls,
            empty_polls: self.empty_polls,
            at_us: unix_us(),
        })
    }

    /// Moves what the subscription holds now into `pending` (up to the capacity: the rest
    /// waits there, where a lag is counted).
    fn pull(&mut self, after: u64) {
        while self.pending.len() < self.capacity && !self.closed {
            let Some(delivery) = self.sub.try_recv() else {
                return;
            };
            if !self.take(delivery, after) {
                return;
            }
        }
    }

    /// Keeps one delivery; false when the room is gone.
    fn take(&mut self, delivery: Delivery, after: u64) -> bool {
        match delivery {
            Delivery::Event(e) if e.seq() <= after => {}
            Delivery::Event(e) => self.pending.push_back(e),
            Delivery::Missed(n) => self.missed += n,
            Delivery::Closed => {
                self.closed = true;
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::fanout::{Fanout, InProcess, test_event as event};
    use super::*;

    fn seqs(b: &ChatBatch) -> Vec<u64> {
        b.events.iter().map(ChatEvent::seq).collect()
    }

    #[tokio::test]
    async fn unacknowledged_events_come_again_then_go() {
        let fan = InProcess::new(4);
        let mut inbox = Inbox::new(fan.subscribe("r"), 1, 4);
        fan.send("r", event(1)); // its own `joined`
        for seq in 2..=4 {
            fan.send("r", event(seq));
        }
        let b = inbox.read(None, None).await.unwrap();
        assert_eq!(seqs(&b), [2, 3, 4]);
        // The answer was lost: asked again after 2, 3 and 4 come again.
        assert_eq!(seqs(&inbox.read(Some(2), None).await.unwrap()), [3, 4]);
        let b = inbox.read(Some(4), None).await.unwrap();
        assert!(b.events.is_empty());
        assert_eq!((b.polls, b.empty_polls), (3, 1));
        // Too far behind: told once how many went past.
        for seq in 5..=12 {
            fan.send("r", event(seq));
        }
        let b = inbox.read(Some(4), None).await.unwrap();
        assert_eq!((seqs(&b), b.missed), (vec![9, 10, 11, 12], 4));
        assert_eq!(inbox.read(Some(12), None).await.unwrap().missed, 0);
    }

    #[tokio::test]
    async fn a_long_poll_waits_for_the_next_event() {
        let fan = Arc::new(InProcess::new(4));
        let mut inbox = Inbox::new(fan.subscribe("r"), 0, 4);
        let token = CancellationToken::new();
        let later = Arc::clone(&fan);
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            later.send("r", event(1));
        });
        let b = inbox
            .read(Some(0), Some((Duration::from_secs(10), token.clone())))
            .await
            .unwrap();
        assert_eq!(seqs(&b), [1]);
        let started = tokio::time::Instant::now();
        let b = inbox
            .read(Some(1), Some((Duration::from_millis(30), token)))
            .await
            .unwrap();
        assert!(b.events.is_empty() && started.elapsed() >= Duration::from_millis(30));
    }
}
