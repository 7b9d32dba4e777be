//! The chat room: paths, caps, queries and messages, for WebSocket members and for members
//! who poll over HTTP instead.
//!
//! Rooms live in the server's memory only: a room exists while someone is in it (and
//! [`CHAT_ROOM_IDLE_SECS`] after the last one left), keeps its last [`CHAT_HISTORY`]
//! messages, and fans every event out to its members in one order. Each event a member
//! receives ([`ChatEvent`]) carries the room's sequence number and the server's time for it
//! (µs since the Unix epoch), so the page can tell how late each transport delivered it.
//!
//! What members see of each other is [`ChatMember`]: a per-room number, a display name and
//! how the member is connected — never a client key, a member token or an address.
//!
//! - WebSocket: [`CHAT_WS_PATH`]`?room=&name=&client=` ([`ChatJoinQuery`]); the server
//!   sends [`ChatServerMsg::Welcome`], then events; the page sends [`ChatClientMsg`]. A
//!   close frame is presence "left"; a socket that just ends is "dropped".
//! - HTTP: `POST` [`CHAT_PATH`] joins (answer [`ChatJoined`], with the member token the other
//!   requests name), `POST` [`CHAT_SEND_PATH`] says something (body [`ChatSay`], answer
//!   [`ChatSent`]), `GET` [`CHAT_POLL_PATH`] / [`CHAT_LONG_PATH`] read the events after
//!   `after` ([`ChatBatch`]), `DELETE` [`CHAT_PATH`] leaves. A member that has not polled
//!   for [`CHAT_POLL_TIMEOUT_SECS`] is dropped.

use crate::named::named_enum;
use serde::{Deserialize, Serialize};

use crate::compare::{AFTER_PARAM, RUN_PARAM};
use crate::emulate::{EMU_PARAM, NetModel};
use crate::observe::CLIENT_PARAM;
use crate::query::{Fields, QueryError, QueryString, Writer};
use crate::tagged::{Missing, need};

/// WebSocket: join a room as a member for as long as the socket lives
/// (query: [`ChatJoinQuery`]).
pub const CHAT_WS_PATH: &str = "/ws/chat";
/// `POST ?room=&name=&client=` joins over HTTP ([`ChatJoined`]); `DELETE
/// ?room=&member=&client=` leaves ([`ChatMemberQuery`]).
pub const CHAT_PATH: &str = "/api/chat";
/// `POST ?room=&member=&client=`, body [`ChatSay`]: says something ([`ChatSent`]).
pub const CHAT_SEND_PATH: &str = "/api/chat/send";
/// `GET ?room=&member=&after=&client=`: the member's events after `after`, at once (maybe
/// none) ([`ChatBatch`]).
pub const CHAT_POLL_PATH: &str = "/api/chat/poll";
/// `GET ?room=&member=&after=&client=`: the same, but waits until there is one (at most
/// [`CHAT_LONG_POLL_WAIT_MS`]).
pub const CHAT_LONG_PATH: &str = "/api/chat/long";

/// Members in one room at once. A room is a conversation people follow by eye: 50 is a
/// large classroom, and it bounds the work of one message (one send per member).
pub const CHAT_MEMBERS_PER_ROOM: usize = 50;
/// Rooms on the server at once. With [`CHAT_MEMBERS_PER_ROOM`] and [`CHAT_HISTORY`] this
/// bounds the server's chat memory: 200 × 50 messages × 2 KiB ≈ 20 MiB of history at most,
/// and 10,000 members (below the 12,000 WebSocket sessions the server allows).
pub const CHAT_ROOMS: usize = 200;
/// Rooms one client key may be in at once (however many of its members are in one room);
/// one address, this many per client times `--clients-per-address`. Enough for a page
/// comparing a few rooms side by side; not enough for one client to hold the table.
pub const CHAT_ROOMS_PER_CLIENT: usize = 3;
/// Largest message text, in bytes of UTF-8: a long paragraph. Chat is for people; what is
/// bigger belongs in the labs, which measure sizes.
pub const CHAT_MAX_MESSAGE_BYTES: usize = 2 * 1024;
/// Largest WebSocket message the page may send (a [`ChatClientMsg`] as JSON): room for
/// [`CHAT_MAX_MESSAGE_BYTES`] of text escaped (`\u0001` is six bytes for one), so a text
/// over its cap is still read and refused in-band; past this the server closes with 1009.
pub const CHAT_MAX_FRAME_BYTES: usize = 16 * 1024;
/// Messages one member may send per second on average, in bursts of up to
/// [`CHAT_BURST`]: faster than anyone types, slow enough that a script cannot flood 49
/// other people's screens. A message over it is refused in-band (or 429) and not sent.
pub const CHAT_MESSAGES_PER_SECOND: u32 = 5;
/// A member's burst: a pasted list, a few quick replies.
pub const CHAT_BURST: u32 = 10;
/// WebSocket frames (of any kind) a member may send per second, in bursts of
/// `4 × CHAT_BURST`: four times the message rate, so refused messages are answered, and a
/// flood beyond it ends that session with 1008.
pub const CHAT_FRAMES_PER_SECOND: u32 = 4 * CHAT_MESSAGES_PER_SECOND;
/// Shortest and longest display name, in characters after trimming: long enough for a
/// full name in any script, short enough for a member list beside the conversation.
pub const CHAT_NAME_MIN_CHARS: usize = 1;
pub const CHAT_NAME_MAX_CHARS: usize = 24;
/// Longest room name, in characters (`A–Z a–z 0–9 - _`): it goes in URLs and titles.
pub const CHAT_ROOM_MAX_CHARS: usize = 32;
/// Messages each room keeps and sends to a new member: enough to see what the
/// conversation is about, few enough that a welcome stays small (≤ 100 KiB).
pub const CHAT_HISTORY: usize = 50;
/// A room with nobody in it is removed (its history with it) after this long without an
/// event: rooms are ephemeral, and the table must not grow with every name ever tried.
pub const CHAT_ROOM_IDLE_SECS: u64 = 600;
/// A polling member that has not polled for this long is dropped from the room (its page
/// is gone). Above [`CHAT_LONG_POLL_WAIT_MS`], so a long poller is never dropped between
/// two polls.
pub const CHAT_POLL_TIMEOUT_SECS: u64 = 30;
/// The longest a long poll waits before answering empty, in ms (as the feed's).
pub const CHAT_LONG_POLL_WAIT_MS: u64 = crate::compare::LONG_POLL_WAIT_MS;
/// Long polls one client may have waiting at once (as for feeds).
pub const CHAT_LONG_POLLS_PER_CLIENT: usize = crate::compare::LONG_POLLS_PER_CLIENT;
/// Polls (short and long) one client may make per minute: one every 50 ms, the fastest
/// period the page offers.
pub const CHAT_POLLS_PER_MINUTE: u64 = 1_200;

/// Query parameter of the room's name.
pub const ROOM_PARAM: &str = "room";
/// Query parameter of the display name.
pub const NAME_PARAM: &str = "name";
/// Query parameter of an HTTP member's token (from [`ChatJoined`]).
pub const MEMBER_PARAM: &str = "member";

/// Whether `room` is a room's name: 1 to [`CHAT_ROOM_MAX_CHARS`] of `A–Z a–z 0–9 - _`.
pub fn valid_room(room: &str) -> bool {
    (1..=CHAT_ROOM_MAX_CHARS).contains(&room.len())
        && room
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

named_enum! {
    /// Why a display name was refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum NameProblem {
        /// Nothing but spaces.
        Empty => "empty",
        /// More than [`CHAT_NAME_MAX_CHARS`] characters after trimming.
        TooLong => "too_long",
        /// A control character or an invisible formatting one (a bidi override, a zero-width
        /// space): names are for reading, and these would hide or reorder others' text.
        BadCharacter => "bad_character",
    }
}

impl NameProblem {
    /// The English message the server sends.
    pub fn message(self) -> String {
        match self {
            NameProblem::Empty => "a display name needs at least one visible character".into(),
            NameProblem::TooLong => format!(
                "a display name has at most {CHAT_NAME_MAX_CHARS} characters (after trimming)"
            ),
            NameProblem::BadCharacter => {
                "a display name may not contain control or invisible formatting characters".into()
            }
        }
    }
}

/// The display name `raw` stands for: trimmed, [`CHAT_NAME_MIN_CHARS`] to
/// [`CHAT_NAME_MAX_CHARS`] characters, no control or invisible formatting character. The
/// one rule both ends use.
pub fn display_name(raw: &str) -> Result<String, NameProblem> {
    let name = raw.trim();
    let count = name.chars().count();
    if count < CHAT_NAME_MIN_CHARS {
        return Err(NameProblem::Empty);
    }
    if name.chars().any(hidden) {
        return Err(NameProblem::BadCharacter);
    }
    if count > CHAT_NAME_MAX_CHARS {
        return Err(NameProblem::TooLong);
    }
    Ok(name.to_owned())
}

/// Control characters and the invisible ones that reorder or hide text.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Why a message's text was refused (the session stays open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong,
}

/// Whether `text` may be said: not only whitespace, at most [`CHAT_MAX_MESSAGE_BYTES`].
pub fn check_text(text: &str) -> Result<(), TextProblem> {
    if text.len() > CHAT_MAX_MESSAGE_BYTES {
        Err(TextProblem::TooLong)
    } else if text.trim().is_empty() {
        Err(TextProblem::Empty)
    } else {
        Ok(())
    }
}

fn room_field(f: &Fields) -> Result<String, QueryError> {
    let room = f.text(ROOM_PARAM).ok_or(QueryError::Missing(ROOM_PARAM))?;
    if !valid_room(room) {
        return Err(QueryError::Invalid {
            name: ROOM_PARAM,
            expected: "1 to 32 letters, digits, `-` or `_`",
        });
    }
    Ok(room.to_owned())
}

fn member_field(f: &Fields) -> Result<String, QueryError> {
    let member = f
        .text(MEMBER_PARAM)
        .ok_or(QueryError::Missing(MEMBER_PARAM))?;
    if !(1..=64).contains(&member.len()) || !member.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(QueryError::Invalid {
            name: MEMBER_PARAM,
            expected: "the member token the join answered",
        });
    }
    Ok(member.to_owned())
}

/// [`CHAT_WS_PATH`] and `POST` [`CHAT_PATH`]: which room, under which name. `name` is kept
/// as sent (the server applies [`display_name`] and answers `bad_name`); `client` is the
/// page's key (required: rooms are counted per client).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChatJoinQuery {
    pub room: String,
    pub name: String,
    pub client: Option<String>,
    pub run: Option<u64>,
    pub emu: NetModel,
}

impl ChatJoinQuery {
    const KNOWN: &'static [&'static str] =
        &[ROOM_PARAM, NAME_PARAM, CLIENT_PARAM, RUN_PARAM, EMU_PARAM];
}

impl QueryString for ChatJoinQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(ROOM_PARAM, &self.room)
            .put(NAME_PARAM, &self.name)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .put_some(RUN_PARAM, self.run)
            .put_emu(self.emu)
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            room: room_field(&f)?,
            name: f
                .text(NAME_PARAM)
                .ok_or(QueryError::Missing(NAME_PARAM))?
                .to_owned(),
            client: f.text(CLIENT_PARAM).map(str::to_owned),
            run: f.id(RUN_PARAM)?,
            emu: f.emu()?,
        })
    }
}

/// `POST` [`CHAT_SEND_PATH`] and `DELETE` [`CHAT_PATH`]: an HTTP member of a room.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChatMemberQuery {
    pub room: String,
    pub member: String,
    pub client: Option<String>,
    pub run: Option<u64>,
}

impl ChatMemberQuery {
    const KNOWN: &'static [&'static str] = &[ROOM_PARAM, MEMBER_PARAM, CLIENT_PARAM, RUN_PARAM];
}

impl QueryString for ChatMemberQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(ROOM_PARAM, &self.room)
            .put(MEMBER_PARAM, &self.member)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .put_some(RUN_PARAM, self.run)
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            room: room_field(&f)?,
            member: member_field(&f)?,
            client: f.text(CLIENT_PARAM).map(str::to_owned),
            run: f.id(RUN_PARAM)?,
        })
    }
}

/// [`CHAT_POLL_PATH`] and [`CHAT_LONG_PATH`]: the events after `after` (the last sequence
/// number the member has; absent: every event it has not acknowledged).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChatReadQuery {
    pub room: String,
    pub member: String,
    pub after: Option<u64>,
    pub client: Option<String>,
    pub run: Option<u64>,
    pub emu: NetModel,
}

impl ChatReadQuery {
    const KNOWN: &'static [&'static str] = &[
        ROOM_PARAM,
        MEMBER_PARAM,
        AFTER_PARAM,
        CLIENT_PARAM,
        RUN_PARAM,
        EMU_PARAM,
    ];
}

impl QueryString for ChatReadQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(ROOM_PARAM, &self.room)
            .put(MEMBER_PARAM, &self.member)
            .put_some(AFTER_PARAM, self.after)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .put_some(RUN_PARAM, self.run)
            .put_emu(self.emu)
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            room: room_field(&f)?,
            member: member_field(&f)?,
            after: f.id(AFTER_PARAM)?,
            client: f.text(CLIENT_PARAM).map(str::to_owned),
            run: f.id(RUN_PARAM)?,
            emu: f.emu()?,
        })
    }
}

named_enum! {
    /// How a member is connected (others may see it: it is how the page compares transports).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ChatTransport {
        WebSocket => "websocket",
        /// Short or long polls over HTTP.
        Http => "http",
    }
}

/// A member as everyone in the room sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMember {
    /// Numbered from 1 in each room, in the order members joined.
    pub id: u64,
    pub name: String,
    pub via: ChatTransport,
}

named_enum! {
    /// How a member left.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Departure {
        /// A close frame, or `DELETE` [`CHAT_PATH`].
        Left => "left",
        /// The socket ended without a close frame, went silent past the idle timeout, was
        /// closed for breaking a cap, or an HTTP member stopped polling.
        Dropped => "dropped",
    }
}

/// Something that happened in a room: `seq` is the room's count of events (from 1, one
/// order for every member), `at_us` the server's time of it (µs since the Unix epoch; for a
/// message, when the server read it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "ChatEventFields")]
pub enum ChatEvent {
    Message {
        seq: u64,
        at_us: u64,
        /// The sender's [`ChatMember::id`] and name.
        from: u64,
        name: String,
        text: String,
        /// The sender's own number for it ([`ChatSay::client_seq`]), if it gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_seq: Option<u64>,
    },
    Joined {
        seq: u64,
        at_us: u64,
        member: ChatMember,
    },
    Left {
        seq: u64,
        at_us: u64,
        member: ChatMember,
        how: Departure,
    },
}

impl ChatEvent {
    pub fn seq(&self) -> u64 {
        match self {
            ChatEvent::Message { seq, .. }
            | ChatEvent::Joined { seq, .. }
            | ChatEvent::Left { seq, .. } => *seq,
        }
    }

    pub fn at_us(&self) -> u64 {
        match self {
            ChatEvent::Message { at_us, .. }
            | ChatEvent::Joined { at_us, .. }
            | ChatEvent::Left { at_us, .. } => *at_us,
        }
    }
}

/// What a new member is told: who it is, who is here, the room's recent messages, and the
/// sequence number its own `joined` event has (events after it follow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatWelcome {
    pub room: String,
    pub you: ChatMember,
    /// Everyone in the room now, the new member included, by id.
    pub members: Vec<ChatMember>,
    /// The last [`CHAT_HISTORY`] messages (oldest first).
    pub history: Vec<ChatEvent>,
    pub seq: u64,
    pub at_us: u64,
}

/// Page → server on [`CHAT_WS_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChatClientMsg {
    /// Say `text` (see [`ChatSay`]).
    Say {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_seq: Option<u64>,
    },
}

/// Server → page on [`CHAT_WS_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    try_from = "ChatServerMsgFields"
)]
pub enum ChatServerMsg {
    /// Sent once, right after the upgrade.
    Welcome {
        welcome: ChatWelcome,
    },
    Event {
        event: ChatEvent,
    },
    /// This member fell behind and `count` events went past it (its socket could not
    /// take them as fast as the room made them); the session goes on.
    Missed {
        count: u64,
        at_us: u64,
    },
    /// A message the server would not act on; the session stays open.
    Error {
        code: ChatErrorCode,
        message: String,
    },
}

named_enum! {
    /// Why a message from a WebSocket member was refused (in-band; the session stays open).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ChatErrorCode {
        /// Not JSON, or not a [`ChatClientMsg`].
        MalformedMessage => "malformed_message",
        /// Text over [`CHAT_MAX_MESSAGE_BYTES`].
        TooLong => "too_long",
        /// Text that is only whitespace.
        Empty => "empty",
        /// Over [`CHAT_MESSAGES_PER_SECOND`] (bursts of [`CHAT_BURST`]): not sent.
        RateLimited => "rate_limited",
    }
}

/// `POST` [`CHAT_PATH`]'s answer: the token the member's other requests name (opaque,
/// random, this member's only), and its welcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatJoined {
    pub member: String,
    pub welcome: ChatWelcome,
}

/// `POST` [`CHAT_SEND_PATH`]'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatSay {
    pub text: String,
    /// The page's own number for the message, echoed in its event so it can find its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_seq: Option<u64>,
}

/// `POST` [`CHAT_SEND_PATH`]'s answer: the message's place in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSent {
    pub seq: u64,
    pub at_us: u64,
}

/// A poll's answer: the member's events after `after` (oldest first; empty when nothing
/// happened), how many went past it since its last answer, and the server's count of its
/// polls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatBatch {
    pub events: Vec<ChatEvent>,
    /// Events this member fell too far behind to get (it polled too seldom); told once.
    pub missed: u64,
    /// Polls this member has made, this one included, and how many of them came back empty.
    pub polls: u64,
    pub empty_polls: u64,
    /// The server's time of the answer (µs since the Unix epoch).
    pub at_us: u64,
}

named_enum! {
    /// [`ChatEvent`]'s tag.
    #[derive(Clone, Copy)]
    enum ChatEventType {
        Message => "message",
        Joined => "joined",
        Left => "left",
    }
}

/// Every field of every [`ChatEvent`] variant, read in one pass (`crate::tagged`: the page
/// reads these, and serde's buffered decoding of tagged enums costs its wasm ~17 KB).
#[derive(Deserialize)]
struct ChatEventFields {
    #[serde(rename = "type")]
    tag: ChatEventType,
    seq: Option<u64>,
    at_us: Option<u64>,
    from: Option<u64>,
    name: Option<String>,
    text: Option<String>,
    client_seq: Option<u64>,
    member: Option<ChatMember>,
    how: Option<Departure>,
}

impl TryFrom<ChatEventFields> for ChatEvent {
    type Error = Missing;

    fn try_from(f: ChatEventFields) -> Result<Self, Missing> {
        let seq = need(f.seq, "seq")?;
        let at_us = need(f.at_us, "at_us")?;
        Ok(match f.tag {
            ChatEventType::Message => ChatEvent::Message {
                seq,
                at_us,
                from: need(f.from, "from")?,
                name: need(f.name, "name")?,
                text: need(f.text, "text")?,
                client_seq: f.client_seq,
            },
            ChatEventType::Joined => ChatEvent::Joined {
                seq,
                at_us,
                member: need(f.member, "member")?,
            },
            ChatEventType::Left => ChatEvent::Left {
                seq,
                at_us,
                member: need(f.member, "member")?,
                how: need(f.how, "how")?,
            },
        })
    }
}

named_enum! {
    /// [`ChatServerMsg`]'s tag.
    #[derive(Clone, Copy)]
    enum ChatServerMsgType {
        Welcome => "welcome",
        Event => "event",
        Missed => "missed",
        Error => "error",
    }
}

/// Every field of every [`ChatServerMsg`] variant, read in one pass (`crate::tagged`).
#[derive(Deserialize)]
struct ChatServerMsgFields {
    #[serde(rename = "type")]
    tag: ChatServerMsgType,
    welcome: Option<ChatWelcome>,
    event: Option<ChatEvent>,
    count: Option<u64>,
    at_us: Option<u64>,
    code: Option<ChatErrorCode>,
    message: Option<String>,
}

impl TryFrom<ChatServerMsgFields> for ChatServerMsg {
    type Error = Missing;

    fn try_from(f: ChatServerMsgFields) -> Result<Self, Missing> {
        Ok(match f.tag {
            ChatServerMsgType::Welcome => ChatServerMsg::Welcome {
                welcome: need(f.welcome, "welcome")?,
            },
            ChatServerMsgType::Event => ChatServerMsg::Event {
                event: need(f.event, "event")?,
            },
            ChatServerMsgType::Missed => ChatServerMsg::Missed {
                count: need(f.count, "count")?,
                at_us: need(f.at_us, "at_us")?,
            },
            ChatServerMsgType::Error => ChatServerMsg::Error {
                code: need(f.code, "code")?,
                message: need(f.message, "message")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "k-chat-test-00001";

    fn round_trip<Q: QueryString + PartialEq + std::fmt::Debug>(q: Q) {
        let text = q.to_query();
        assert_eq!(Q::from_query(&text).as_ref(), Ok(&q), "{text}");
    }

    #[test]
    fn queries_round_trip() {
        let emu = NetModel {
            rtt_ms: 40,
            jitter_ms: 5,
        };
        round_trip(ChatJoinQuery {
            room: "lobby-1".into(),
            name: "  Ana María & co = 日本 ".into(),
            client: Some(KEY.into()),
            run: Some(4),
            emu,
        });
        round_trip(ChatJoinQuery {
            room: "a".into(),
            name: String::new(),
            ..ChatJoinQuery::default()
        });
        round_trip(ChatMemberQuery {
            room: "r_2".into(),
            member: "0123abcdef".into(),
            client: Some(KEY.into()),
            run: Some(1),
        });
        round_trip(ChatReadQuery {
            room: "r".into(),
            member: "ff".into(),
            after: Some(17),
            client: Some(KEY.into()),
            run: Some(2),
            emu,
        });
        round_trip(ChatReadQuery {
            room: "r".into(),
            member: "ff".into(),
            ..ChatReadQuery::default()
        });
        // Every name written is known; the connection layer reads the same key and run.
        let q = ChatReadQuery {
            room: "r".into(),
            member: "ff".into(),
            after: Some(1),
            client: Some(KEY.into()),
            run: Some(9),
            emu,
        }
        .to_query();
        assert_eq!(q.split('&').count(), ChatReadQuery::KNOWN.len());
        assert_eq!(crate::observe::client_key(None, &q).as_deref(), Some(KEY));
        assert_eq!(crate::compare::run_id(&q), Some(9));
    }

    #[test]
    fn queries_refuse_bad_rooms_and_tokens() {
        assert_eq!(
            ChatJoinQuery::from_query("name=a"),
            Err(QueryError::Missing(ROOM_PARAM))
        );
        assert_eq!(
            ChatJoinQuery::from_query("room=x"),
            Err(QueryError::Missing(NAME_PARAM))
        );
        for room in ["", "a%20b", "a/b", &"r".repeat(33), "%C3%A9"] {
            assert!(
                matches!(
                    ChatJoinQuery::from_query(&format!("room={room}&name=a")),
                    Err(QueryError::Invalid {
                        name: ROOM_PARAM,
                        ..
                    })
                ),
                "{room}"
            );
        }
        assert!(matches!(
            ChatReadQuery::from_query("room=r&member=a-b"),
            Err(QueryError::Invalid {
                name: MEMBER_PARAM,
                ..
            })
        ));
        assert!(matches!(
            ChatMemberQuery::from_query("room=r&member=ab&bogus=1"),
            Err(QueryError::Unknown { .. })
        ));
        assert!(matches!(
            ChatReadQuery::from_query("room=r&member=ab&after=-1"),
            Err(QueryError::Invalid {
                name: AFTER_PARAM,
                ..
            })
        ));
    }

    #[test]
    fn display_names_are_trimmed_and_checked() {
        assert_eq!(display_name("  Ana  ").as_deref(), Ok("Ana"));
        assert_eq!(display_name("日本語の名前").as_deref(), Ok("日本語の名前"));
        assert_eq!(
            display_name(&"é".repeat(24)).map(|n| n.chars().count()),
            Ok(24)
        );
        assert_eq!(display_name(&"é".repeat(25)), Err(NameProblem::TooLong));
        assert_eq!(display_name(" \t "), Err(NameProblem::Empty));
        assert_eq!(display_name(""), Err(NameProblem::Empty));
        for bad in [
            "a\u{0}b",
            "a\nb",
            "a\u{7f}",
            "a\u{202E}b",
            "a\u{200B}b",
            "\u{FEFF}x",
        ] {
            assert_eq!(display_name(bad), Err(NameProblem::BadCharacter), "{bad:?}");
        }
    }

    #[test]
    fn texts_have_a_size_and_are_not_blank() {
        assert_eq!(check_text("hi"), Ok(()));
        assert_eq!(check_text(&"x".repeat(CHAT_MAX_MESSAGE_BYTES)), Ok(()));
        assert_eq!(
            check_text(&"x".repeat(CHAT_MAX_MESSAGE_BYTES + 1)),
            Err(TextProblem::TooLong)
        );
        assert_eq!(check_text(" \n "), Err(TextProblem::Empty));
    }

    #[test]
    fn wire_shapes() {
        let say: ChatClientMsg =
            serde_json::from_str(r#"{"type":"say","text":"hi","client_seq":3}"#).unwrap();
        assert_eq!(
            say,
            ChatClientMsg::Say {
                text: "hi".into(),
                client_seq: Some(3)
            }
        );
        assert!(serde_json::from_str::<ChatClientMsg>(r#"{"type":"say"}"#).is_err());
        assert!(
            serde_json::from_str::<ChatClientMsg>(r#"{"type":"say","text":"a","x":1}"#).is_err()
        );
        let event = ChatEvent::Left {
            seq: 4,
            at_us: 9,
            member: ChatMember {
                id: 2,
                name: "Bo".into(),
                via: ChatTransport::WebSocket,
            },
            how: Departure::Dropped,
        };
        let msg = ChatServerMsg::Event {
            event: event.clone(),
        };
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            text,
            r#"{"type":"event","event":{"type":"left","seq":4,"at_us":9,"member":{"id":2,"name":"Bo","via":"websocket"},"how":"dropped"}}"#
        );
        assert_eq!(serde_json::from_str::<ChatServerMsg>(&text).unwrap(), msg);
        assert_eq!((event.seq(), event.at_us()), (4, 9));
        let missed = serde_json::to_string(&ChatServerMsg::Missed { count: 3, at_us: 1 }).unwrap();
        assert_eq!(missed, r#"{"type":"missed","count":3,"at_us":1}"#);
    }

    #[test]
    fn page_bound_enums_keep_their_json_and_decode_in_one_pass() {
        let ana = ChatMember {
            id: 1,
            name: "Ana".into(),
            via: ChatTransport::WebSocket,
        };
        let said = ChatEvent::Message {
            seq: 3,
            at_us: 9,
            from: 1,
            name: "Ana".into(),
            text: "hi".into(),
            client_seq: Some(2),
        };
        let cases = [
            (
                ChatServerMsg::Event {
                    event: said.clone(),
                },
                r#"{"type":"event","event":{"type":"message","seq":3,"at_us":9,"from":1,"name":"Ana","text":"hi","client_seq":2}}"#,
            ),
            (
                ChatServerMsg::Event {
                    event: ChatEvent::Left {
                        seq: 4,
                        at_us: 10,
                        member: ana.clone(),
                        how: Departure::Dropped,
                    },
                },
                r#"{"type":"event","event":{"type":"left","seq":4,"at_us":10,"member":{"id":1,"name":"Ana","via":"websocket"},"how":"dropped"}}"#,
            ),
            (
                ChatServerMsg::Welcome {
                    welcome: ChatWelcome {
                        room: "lobby".into(),
                        you: ana.clone(),
                        members: vec![ana.clone()],
                        history: vec![
                            ChatEvent::Joined {
                                seq: 1,
                                at_us: 5,
                                member: ana,
                            },
                            said,
                        ],
                        seq: 3,
                        at_us: 11,
                    },
                },
                r#"{"type":"welcome","welcome":{"room":"lobby","you":{"id":1,"name":"Ana","via":"websocket"},"members":[{"id":1,"name":"Ana","via":"websocket"}],"history":[{"type":"joined","seq":1,"at_us":5,"member":{"id":1,"name":"Ana","via":"websocket"}},{"type":"message","seq":3,"at_us":9,"from":1,"name":"Ana","text":"hi","client_seq":2}],"seq":3,"at_us":11}}"#,
            ),
            (
                ChatServerMsg::Missed {
                    count: 7,
                    at_us: 12,
                },
                r#"{"type":"missed","count":7,"at_us":12}"#,
            ),
            (
                ChatServerMsg::Error {
                    code: ChatErrorCode::RateLimited,
                    message: "slow down".into(),
                },
                r#"{"type":"error","code":"rate_limited","message":"slow down"}"#,
            ),
        ];
        for (msg, json) in cases {
            assert_eq!(serde_json::to_string(&msg).unwrap(), json);
            assert_eq!(serde_json::from_str::<ChatServerMsg>(json).unwrap(), msg);
        }
        // A field the tag's variant needs, missing; an unknown tag; not an object.
        for bad in [
            r#"{"type":"missed","count":7}"#,
            r#"{"type":"event","event":{"type":"message","seq":3,"at_us":9}}"#,
            r#"{"type":"shout"}"#,
            r#"[1,2]"#,
        ] {
            assert!(serde_json::from_str::<ChatServerMsg>(bad).is_err(), "{bad}");
        }
    }
}
