//! The chat page's state: up to [`MAX_CLIENTS`] clients side by side in one room (each its
//! own WebSocket, or polling over HTTP), the page's estimate of the server's clock, and
//! the fan-out of every message one of them received: when the server read it, when its
//! sender sent it, and when each client got it. Pure (no browser, no network): the hook
//! `use_chat` feeds it, the chat components draw it, and it tests natively.

pub mod client;

use std::collections::VecDeque;

pub use client::{ChatClient, Delivered, Failure, Input, Status, Via};

use super::clock::ClockEstimate;

/// Clients one page shows at once: enough to watch a message leave one and reach the
/// others by every transport, few enough to sit side by side.
pub const MAX_CLIENTS: usize = 4;
/// Messages whose fan-out the page keeps (newest first on screen).
pub const FANOUT_KEPT: usize = 20;

/// One client's copy of a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrival {
    pub slot: u32,
    pub via: Via,
    /// Server receipt → arrival, ms (one-way estimate).
    pub delay_ms: Option<f64>,
}

/// A message as the page saw it spread.
#[derive(Debug, Clone, PartialEq)]
pub struct FanOut {
    pub seq: u64,
    /// When the server read it (its clock, µs since the epoch).
    pub at_us: u64,
    pub name: String,
    pub text: String,
    /// The client of this page that said it, and how long it took to reach the server
    /// (ms, estimate).
    pub sender: Option<(u32, Option<f64>)>,
    /// Every client of the page that received it, in order of arrival.
    pub arrivals: Vec<Arrival>,
}

/// The page's room(s) and clients.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRoom {
    pub clients: Vec<ChatClient>,
    /// The server's clock against the page's (measured once, before the first join).
    pub clock: Option<ClockEstimate>,
    /// Newest last.
    pub fanout: VecDeque<FanOut>,
    next_slot: u32,
}

impl ChatRoom {
    /// Clients still joining or joined.
    pub fn live(&self) -> usize {
        self.clients.iter().filter(|c| c.is_live()).count()
    }

    /// Adds a client (joining); its slot, or `None` when [`MAX_CLIENTS`] are live. Ended
    /// clients make room: the oldest ended one goes.
    pub fn add(&mut self, name: String, room: String, via: Via, at: f64) -> Option<u32> {
        if self.live() >= MAX_CLIENTS {
            return None;
        }
        if self.clients.len() >= MAX_CLIENTS
            && let Some(i) = self.clients.iter().position(|c| !c.is_live())
        {
            self.clients.remove(i);
        }
        self.next_slot += 1;
        let slot = self.next_slot;
        self.clients
            .push(ChatClient::new(slot, name, room, via, at));
        Some(slot)
    }

    /// Takes an ended client off the page.
    pub fn remove(&mut self, slot: u32) {
        self.clients.retain(|c| c.slot != slot || c.is_live());
    }

    pub fn client(&self, slot: u32) -> Option<&ChatClient> {
        self.clients.iter().find(|c| c.slot == slot)
    }

    /// Applies `input` to client `slot`, recording the fan-out of what it delivered.
    pub fn apply(&mut self, slot: u32, input: Input) {
        let clock = self.clock;
        let Some(client) = self.clients.iter_mut().find(|c| c.slot == slot) else {
            return;
        };
        let via = client.via;
        for d in client.apply(input, clock) {
            self.record(slot, via, d);
        }
    }

    fn record(&mut self, slot: u32, via: Via, d: Delivered) {
        // One row per message: clients in different rooms may share a `seq`, not its time.
        let i = match self
            .fanout
            .iter()
            .position(|f| f.seq == d.seq && f.at_us == d.at_us)
        {
            Some(i) => i,
            None => {
                if self.fanout.len() == FANOUT_KEPT {
                    self.fanout.pop_front();
                }
                self.fanout.push_back(FanOut {
                    seq: d.seq,
                    at_us: d.at_us,
                    name: d.name.clone(),
                    text: d.text.clone(),
                    sender: None,
                    arrivals: Vec::new(),
                });
                self.fanout.len() - 1
            }
        };
        let row = &mut self.fanout[i];
        if let Some(sent) = d.sent_unix_us {
            // Sent before the server read it: the page's clock, corrected, is behind.
            let up = self.clock.map(|c| -c.one_way_ms(sent, row.at_us as f64));
            row.sender = Some((slot, up));
        }
        row.arrivals.push(Arrival {
            slot,
            via,
            delay_ms: d.delay_ms,
        });
    }

    /// How much later than the page's WebSocket clients client `slot` got messages: the
    /// median, over messages both got, of its delay minus the fastest WebSocket client's
    /// (ms), and how many messages that covers.
    pub fn later_than_ws(&self, slot: u32) -> Option<(f64, usize)> {
        let diffs: Vec<f64> = self
            .fanout
            .iter()
            .filter_map(|f| {
                let mine = f.arrivals.iter().find(|a| a.slot == slot)?.delay_ms?;
                let ws = f
                    .arrivals
                    .iter()
                    .filter(|a| a.slot != slot && a.via == Via::WebSocket)
                    .filter_map(|a| a.delay_ms)
                    .min_by(f64::total_cmp)?;
                Some(mine - ws)
            })
            .collect();
        let sorted = crate::stats::sorted_finite(&diffs);
        (!sorted.is_empty()).then(|| (crate::stats::percentile(&sorted, 0.5), sorted.len()))
    }
}

#[cfg(test)]
mod tests;
