//! What the Redis fan-out keeps and sends, and the Lua scripts that change it: each one
//! number-and-publish step runs inside Redis as one atomic script, so every instance sees a
//! room's events in the order of their numbers.
//!
//! Per room (`{prefix}:room:{room}:…`): `seq` (the last event's number, `INCR`), `ids`
//! (the last member id, `INCR`), `members` (a hash: member id → `instance|ChatMember
//! JSON`), `hist` (the last messages, newest first, as envelopes); every key expires
//! `room_idle` after the last event or the last refresh by an instance that has members
//! there. Events go to the channel `{prefix}:ev:{room}` as an envelope `seq|ChatEvent JSON`
//! (the JSON's own `seq` is 0: the script numbers it). Both are `protocol` types as the
//! wire carries them; no other shape is stored.

use protocol::chat::{ChatEvent, ChatMember};
use redis::Script;

use super::super::fanout::StoreError;

/// Admits a member unless the room is full: `nil`, or `{seq, HGETALL members, LRANGE
/// hist}`. KEYS: seq, members, hist, ids. ARGV: cap, id, member value, event JSON,
/// channel, ttl (ms).
const ADMIT: &str = r"
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[5], seq .. '|' .. ARGV[4])
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
return {seq, redis.call('HGETALL', KEYS[2]), redis.call('LRANGE', KEYS[3], 0, -1)}
";

/// Numbers, keeps and publishes a message while its sender is a member: `nil` or its
/// number. KEYS: seq, members, hist. ARGV: sender id, event JSON, channel, history, ttl.
const APPEND: &str = r"
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return false end
local seq = redis.call('INCR', KEYS[1])
local ev = seq .. '|' .. ARGV[2]
local n = tonumber(ARGV[4])
if n > 0 then
  redis.call('LPUSH', KEYS[3], ev)
  redis.call('LTRIM', KEYS[3], 0, n - 1)
end
redis.call('PUBLISH', ARGV[3], ev)
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
return seq
";

/// Removes a member and announces it, once: `nil` if it was not there, else the number.
/// KEYS: seq, members. ARGV: id, event JSON, channel, ttl.
const DEPART: &str = r"
if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then return false end
local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[3], seq .. '|' .. ARGV[2])
for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
return seq
";

/// The three scripts (sent once, then called by their SHA1).
#[derive(Debug)]
pub(super) struct Scripts {
    pub(super) admit: Script,
    pub(super) append: Script,
    pub(super) depart: Script,
}

impl Scripts {
    pub(super) fn new() -> Self {
        Self {
            admit: Script::new(ADMIT),
            append: Script::new(APPEND),
            depart: Script::new(DEPART),
        }
    }
}

/// Where one room's state and events live.
#[derive(Debug)]
pub(super) struct RoomKeys {
    pub(super) seq: String,
    pub(super) members: String,
    pub(super) hist: String,
    pub(super) ids: String,
    pub(super) channel: String,
}

impl RoomKeys {
    pub(super) fn new(prefix: &str, room: &str) -> Self {
        let key = |what: &str| format!("{prefix}:room:{room}:{what}");
        Self {
            seq: key("seq"),
            members: key("members"),
            hist: key("hist"),
            ids: key("ids"),
            channel: format!("{prefix}:ev:{room}"),
        }
    }

    /// Every key of the room (for a refresh).
    pub(super) fn all(&self) -> [&str; 4] {
        [&self.seq, &self.members, &self.hist, &self.ids]
    }
}

/// An event as a script takes it: JSON, its number left to the script.
pub(super) fn event_json(event: &ChatEvent) -> String {
    // Serialising our own protocol type cannot fail.
    serde_json::to_string(event).unwrap_or_default()
}

/// A published or kept envelope (`seq|json`) back into its event, numbered.
pub(super) fn open_envelope(text: &str) -> Result<ChatEvent, StoreError> {
    let bad = || StoreError::Corrupt(format!("an event envelope: {text:.80}"));
    let (seq, json) = text.split_once('|').ok_or_else(bad)?;
    let seq: u64 = seq.parse().map_err(|_| bad())?;
    let mut event: ChatEvent = serde_json::from_str(json).map_err(|_| bad())?;
    match &mut event {
        ChatEvent::Message { seq: s, .. }
        | ChatEvent::Joined { seq: s, .. }
        | ChatEvent::Left { seq: s, .. } => *s = seq,
    }
    Ok(event)
}

/// A member's hash value: the instance serving it and the member as others see it.
pub(super) fn member_value(instance: &str, member: &ChatMember) -> String {
    format!(
        "{instance}|{}",
        serde_json::to_string(member).unwrap_or_default()
    )
}

/// A member's hash value back into its instance and member.
pub(super) fn open_member(text: &str) -> Result<(String, ChatMember), StoreError> {
    let bad = || StoreError::Corrupt(format!("a member: {text:.80}"));
    let (instance, json) = text.split_once('|').ok_or_else(bad)?;
    let member = serde_json::from_str(json).map_err(|_| bad())?;
    Ok((instance.to_owned(), member))
}

/// `HGETALL members` (field, value, …) into the members by id, with their instances.
pub(super) fn open_members(flat: &[String]) -> Result<Vec<(String, ChatMember)>, StoreError> {
    let mut members = flat
        .chunks(2)
        .filter_map(|pair| pair.get(1))
        .map(|v| open_member(v))
        .collect::<Result<Vec<_>, _>>()?;
    members.sort_by_key(|(_, m)| m.id);
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::chat::{ChatTransport, Departure};

    #[test]
    fn envelopes_and_members_round_trip() {
        let member = ChatMember {
            id: 7,
            name: "Ann | Bo".into(),
            via: ChatTransport::Http,
        };
        let left = ChatEvent::Left {
            seq: 0,
            at_us: 1_763_900_000_000_123,
            member: member.clone(),
            how: Departure::Dropped,
        };
        let opened = open_envelope(&format!("42|{}", event_json(&left))).unwrap();
        assert_eq!((opened.seq(), opened.at_us()), (42, left.at_us()));
        let flat = vec!["7".into(), member_value("inst1", &member)];
        assert_eq!(open_members(&flat).unwrap(), [("inst1".into(), member)]);
        assert!(open_envelope("x|{}").is_err());
        assert!(open_member("no bar").is_err());
    }
}
