//! The fan-out shared by several instances through Redis (`--chat-redis redis://…`,
//! feature `chat-redis`): a room's numbering, members (with a cap that holds across
//! instances), history and events live in Redis, so members on different instances behind
//! a load balancer are in one room with one order.
//!
//! - this file: [`RedisFanout`] ([`Fanout`] over one reconnecting command connection)
//!   and the instance's liveness: every sweep refreshes the keys of the rooms it has
//!   members in and its own key (`{prefix}:instance:{id}`, [`INSTANCE_TTL`]); a member whose
//!   instance's key has expired (the instance died) is removed by any other instance with
//!   members in that room, and announced "dropped";
//! - `redis/script.rs`: the keys, the envelopes and the Lua scripts (each number-and-publish
//!   step is one atomic script);
//! - `redis/listen.rs`: the instance's one pattern subscription feeding the rooms'
//!   in-process channels, and what happens when Redis goes away.
//!
//! Member ids come from `INCR` before the admitting script: a join refused as full skips a
//! number (ids stay unique and increasing). Times (`at_us`) are the stamping instance's
//! clock: numbers, not times, give the order.

mod listen;
mod script;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use protocol::chat::{ChatEvent, ChatMember, ChatTransport, Departure};
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio_util::sync::CancellationToken;

use super::fanout::{Admitted, Fanout, InProcess, Pending, StoreError, Subscription};
use crate::clock::unix_us;
use script::{RoomKeys, Scripts};

/// How long an instance counts as alive after its last sweep (which comes every few
/// seconds at most): past it, its members are someone else's to remove.
pub(crate) const INSTANCE_TTL: Duration = Duration::from_secs(15);

/// The prefix of every key and channel.
const PREFIX: &str = "duplex:chat";

/// A `--chat-redis` that does not answer at start.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the chat's Redis (--chat-redis)")]
pub struct ChatRedisError(#[from] redis::RedisError);

/// Rooms shared through Redis; each instance's subscribers are fed by its one listener.
#[derive(Debug)]
pub(crate) struct RedisFanout {
    conn: ConnectionManager,
    scripts: Scripts,
    local: Arc<InProcess>,
    up: Arc<AtomicBool>,
    /// This instance's id: random, in each member it serves.
    instance: String,
    /// Room keys expire this long after the last event or refresh.
    ttl_ms: u64,
    /// Departures Redis could not be told (it was away): told at the next sweep, so a
    /// member who left during an outage does not stay listed (once each: the script
    /// removes a member only if it is there).
    untold: std::sync::Mutex<Vec<(String, ChatMember, Departure)>>,
}

impl RedisFanout {
    /// Connects to `url` (commands and the subscription), or fails: a server started
    /// with `--chat-redis` whose Redis does not answer says so at once. `capacity` is each
    /// subscriber's channel; `room_idle` how long an empty room's keys stay.
    pub(crate) async fn connect(
        url: &str,
        capacity: usize,
        room_idle: Duration,
        shutdown: CancellationToken,
    ) -> Result<Arc<Self>, ChatRedisError> {
        let client = redis::Client::open(url)?;
        // Short timeouts and one retry: a chat join waits a second at most for an
        // unreachable Redis, then is refused with 503.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1);
        let conn = client.get_connection_manager_with_config(config).await?;
        let local = Arc::new(InProcess::new(capacity));
        let up = Arc::new(AtomicBool::new(false));
        let listener = listen::Listener {
            client,
            prefix: PREFIX.to_owned(),
            local: Arc::clone(&local),
            up: Arc::clone(&up),
            shutdown: shutdown.clone(),
        };
        let stream = listener.subscribe().await?;
        up.store(true, Ordering::SeqCst);
        tokio::spawn(listener.run(stream));
        let fanout = Arc::new(Self {
            conn,
            scripts: Scripts::new(),
            local,
            up,
            instance: crate::chat::token(),
            ttl_ms: u64::try_from(room_idle.as_millis())
                .unwrap_or(u64::MAX)
                .max(1_000),
            untold: std::sync::Mutex::new(Vec::new()),
        });
        fanout.alive().await?;
        // On shutdown the instance's key goes at once: its members (HTTP pollers; its
        // WebSocket members leave as their sessions close) are reaped by the others.
        let me = Arc::clone(&fanout);
        tokio::spawn(async move {
            shutdown.cancelled().await;
            let mut conn = me.conn.clone();
            let _: Result<(), _> = conn.del(me.instance_key(&me.instance)).await;
        });
        Ok(fanout)
    }

    fn instance_key(&self, instance: &str) -> String {
        format!("{PREFIX}:instance:{instance}")
    }

    /// This instance is alive for [`INSTANCE_TTL`] more.
    async fn alive(&self) -> redis::RedisResult<()> {
        let mut conn = self.conn.clone();
        let ttl = u64::try_from(INSTANCE_TTL.as_millis()).unwrap_or(15_000);
        redis::cmd("SET")
            .arg(self.instance_key(&self.instance))
            .arg(1)
            .arg("PX")
            .arg(ttl)
            .query_async(&mut conn)
            .await
    }

    fn untold(&self) -> std::sync::MutexGuard<'_, Vec<(String, ChatMember, Departure)>> {
        self.untold.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The departing script: `Ok(false)` if the member was not there.
    async fn tell_departure(
        &self,
        room: &str,
        member: ChatMember,
        how: Departure,
    ) -> Result<bool, StoreError> {
        let keys = RoomKeys::new(PREFIX, room);
        let id = member.id;
        let left = ChatEvent::Left {
            seq: 0,
            at_us: unix_us(),
            member,
            how,
        };
        let mut conn = self.conn.clone();
        let seq: Option<u64> = self
            .scripts
            .depart
            .key(&keys.seq)
            .key(&keys.members)
            .arg(id)
            .arg(script::event_json(&left))
            .arg(&keys.channel)
            .arg(self.ttl_ms)
            .invoke_async(&mut conn)
            .await?;
        Ok(seq.is_some())
    }

    /// Removes (announced "dropped") the members of `room` whose instance is gone.
    async fn reap(&self, room: &str) -> Result<(), StoreError> {
        let keys = RoomKeys::new(PREFIX, room);
        let mut conn = self.conn.clone();
        let flat: Vec<String> = conn.hgetall(&keys.members).await?;
        let mut checked: Vec<(String, bool)> = Vec::new();
        for (instance, member) in script::open_members(&flat)? {
            if instance == self.instance {
                continue;
            }
            let alive = match checked.iter().find(|(i, _)| *i == instance) {
                Some((_, alive)) => *alive,
                None => {
                    let alive: bool = conn.exists(self.instance_key(&instance)).await?;
                    checked.push((instance.clone(), alive));
                    alive
                }
            };
            if !alive {
                tracing::info!(
                    room,
                    member = member.id,
                    "chat: reaping a member of a gone instance"
                );
                self.tell_departure(room, member, Departure::Dropped)
                    .await?;
            }
        }
        Ok(())
    }
}

impl Fanout for RedisFanout {
    fn admit(
        &self,
        room: &str,
        name: String,
        via: ChatTransport,
        cap: usize,
    ) -> Pending<'_, Option<Admitted>> {
        let keys = RoomKeys::new(PREFIX, room);
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let id: u64 = conn.incr(&keys.ids, 1).await?;
            let member = ChatMember { id, name, via };
            let joined = ChatEvent::Joined {
                seq: 0,
                at_us: unix_us(),
                member: member.clone(),
            };
            let answer: Option<(u64, Vec<String>, Vec<String>)> = self
                .scripts
                .admit
                .key(&keys.seq)
                .key(&keys.members)
                .key(&keys.hist)
                .key(&keys.ids)
                .arg(cap)
                .arg(id)
                .arg(script::member_value(&self.instance, &member))
                .arg(script::event_json(&joined))
                .arg(&keys.channel)
                .arg(self.ttl_ms)
                .invoke_async(&mut conn)
                .await?;
            let Some((seq, members, history)) = answer else {
                return Ok(None);
            };
            let members = script::open_members(&members)?
                .into_iter()
                .map(|(_, m)| m)
                .collect();
            let history = history
                .iter()
                .rev()
                .map(|e| script::open_envelope(e))
                .collect::<Result<Vec<_>, _>>()?;
            let joined = script::open_envelope(&format!("{seq}|{}", script::event_json(&joined)))?;
            Ok(Some(Admitted {
                member,
                joined: Arc::new(joined),
                members,
                history,
            }))
        })
    }

    fn append(
        &self,
        room: &str,
        message: ChatEvent,
        history: usize,
    ) -> Pending<'_, Option<Arc<ChatEvent>>> {
        let keys = RoomKeys::new(PREFIX, room);
        Box::pin(async move {
            let ChatEvent::Message { from, .. } = &message else {
                return Ok(None);
            };
            let json = script::event_json(&message);
            let mut conn = self.conn.clone();
            let seq: Option<u64> = self
                .scripts
                .append
                .key(&keys.seq)
                .key(&keys.members)
                .key(&keys.hist)
                .arg(*from)
                .arg(&json)
                .arg(&keys.channel)
                .arg(history)
                .arg(self.ttl_ms)
                .invoke_async(&mut conn)
                .await?;
            seq.map(|seq| script::open_envelope(&format!("{seq}|{json}")).map(Arc::new))
                .transpose()
        })
    }

    fn depart(&self, room: &str, member: ChatMember, how: Departure) -> Pending<'_, bool> {
        let room = room.to_owned();
        Box::pin(async move {
            let told = self.tell_departure(&room, member.clone(), how).await;
            if told.is_err() {
                self.untold().push((room, member, how));
            }
            told
        })
    }

    fn subscribe(&self, room: &str) -> Subscription {
        self.local.subscribe(room)
    }

    fn forget(&self, room: &str) {
        self.local.forget(room);
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.up.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(StoreError::Unreachable)
        }
    }

    fn keep<'a>(&'a self, rooms: &'a [String]) -> Pending<'a, ()> {
        Box::pin(async move {
            if self.check().is_err() {
                // Away: the listener says when it is back; nothing to refresh until then.
                return Ok(());
            }
            self.alive().await?;
            let untold = std::mem::take(&mut *self.untold());
            for (i, (room, member, how)) in untold.iter().enumerate() {
                if let Err(e) = self.tell_departure(room, member.clone(), *how).await {
                    self.untold().extend_from_slice(&untold[i..]);
                    return Err(e);
                }
            }
            let mut conn = self.conn.clone();
            let mut pipe = redis::pipe();
            for room in rooms {
                for key in RoomKeys::new(PREFIX, room).all() {
                    pipe.pexpire(key, i64::try_from(self.ttl_ms).unwrap_or(i64::MAX))
                        .ignore();
                }
            }
            pipe.query_async::<()>(&mut conn).await?;
            for room in rooms {
                self.reap(room).await?;
            }
            Ok(())
        })
    }
}
