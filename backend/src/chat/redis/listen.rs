//! The instance's one subscription to every room's events (`PSUBSCRIBE {prefix}:ev:*`),
//! handed into the in-process channels of the rooms that have subscribers here — so each
//! subscriber keeps its own bounded channel and a lagging one is told what it
//! [`Missed`](super::super::fanout::Delivery::Missed), as in one process.
//!
//! Redis pub/sub delivers at most once: while the subscription is down, events are lost
//! for this instance. So when it ends, the instance marks the store down (joins and reads
//! are refused), closes every room's channel here (sessions end with 1013, pollers are
//! dropped), and subscribes again with a growing pause (0.1 s doubling to 2 s) until Redis
//! answers; then the chat is up again for new joins.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::PubSubStream;
use tokio_util::sync::CancellationToken;

use super::super::fanout::InProcess;
use super::script::open_envelope;

/// What the listening task needs.
#[derive(Debug)]
pub(super) struct Listener {
    pub(super) client: redis::Client,
    pub(super) prefix: String,
    pub(super) local: Arc<InProcess>,
    pub(super) up: Arc<AtomicBool>,
    pub(super) shutdown: CancellationToken,
}

impl Listener {
    fn pattern(&self) -> String {
        format!("{}:ev:*", self.prefix)
    }

    /// A subscription to every room's channel.
    pub(super) async fn subscribe(&self) -> redis::RedisResult<PubSubStream> {
        let mut pubsub = self.client.get_async_pubsub().await?;
        pubsub.psubscribe(self.pattern()).await?;
        Ok(pubsub.into_on_message())
    }

    /// Hands events over from `stream`, then (when it ends) subscribes again, until
    /// shutdown.
    pub(super) async fn run(self, mut stream: PubSubStream) {
        let channel_prefix = format!("{}:ev:", self.prefix);
        loop {
            self.up.store(true, Ordering::SeqCst);
            loop {
                let msg = tokio::select! {
                    () = self.shutdown.cancelled() => return,
                    msg = stream.next() => msg,
                };
                let Some(msg) = msg else { break };
                let Some(room) = msg.get_channel_name().strip_prefix(&channel_prefix) else {
                    continue;
                };
                let text: String = match msg.get_payload() {
                    Ok(t) => t,
                    Err(e) => {
                        tracing::warn!(error = %e, room, "chat: an unreadable event from Redis");
                        continue;
                    }
                };
                match open_envelope(&text) {
                    Ok(event) => self.local.send(room, Arc::new(event)),
                    Err(e) => tracing::warn!(error = %e, room, "chat: a bad event from Redis"),
                }
            }
            self.up.store(false, Ordering::SeqCst);
            self.local.forget_all();
            tracing::warn!("chat: the Redis subscription ended; every chat session here is closed");
            let Some(again) = self.resubscribe().await else {
                return;
            };
            tracing::info!("chat: Redis answers again; the chat is up");
            stream = again;
        }
    }

    /// Subscribes again, pausing longer after each failure; `None` on shutdown.
    async fn resubscribe(&self) -> Option<PubSubStream> {
        let mut pause = Duration::from_millis(100);
        loop {
            tokio::select! {
                () = self.shutdown.cancelled() => return None,
                () = tokio::time::sleep(pause) => {}
            }
            match self.subscribe().await {
                Ok(stream) => return Some(stream),
                Err(e) => tracing::debug!(error = %e, "chat: Redis still unreachable"),
            }
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}
