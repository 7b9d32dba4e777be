//! The Compare page's endpoints: the round-trip race, the live feed served four ways, and
//! the server-counted tally of a run — with the caps one client may ask for.
//!
//! Every request of a race or feed names its run (`?run=<id>`, chosen by the page, one per
//! contender or strategy); the connection layer counts that run's requests, new
//! connections and bytes on the wire, and [`TALLY_PATH`] reports them.

use serde::{Deserialize, Serialize};

/// Query parameter naming the run a request counts towards.
pub const RUN_PARAM: &str = "run";

/// `POST`: the body comes back as the response body. `?run=` names the run, `close=1`
/// makes the server close the connection after the response, `emu=` sets the network.
pub const RACE_HTTP_PATH: &str = "/api/race";
/// WebSocket: every binary message is echoed back; `?run=&n=&client=` (n = the round trips
/// the page will make; more are refused with 1008).
pub const RACE_WS_PATH: &str = "/ws/race";
/// `GET ?run=`: the run's [`Tally`], once its connections have settled.
pub const TALLY_PATH: &str = "/api/tally";

/// Most round trips per contender in one race.
pub const RACE_MAX_ROUND_TRIPS: u64 = 10_000;
/// Largest race payload, in bytes (each way).
pub const RACE_MAX_PAYLOAD_BYTES: u64 = 16 * 1024;
/// Most race requests in flight at once.
pub const RACE_MAX_IN_FLIGHT: u64 = 32;
/// Round trips one client may make per minute over every race endpoint (a token bucket:
/// a full race of three contenders at the maximum fits once, then refills).
pub const RACE_ROUND_TRIPS_PER_MINUTE: u64 = 30_000;

/// `POST ?rate=&secs=`: starts a feed, answers [`FeedStarted`].
pub const FEED_PATH: &str = "/api/feed";
/// `GET ?feed=&after=&run=`: short poll — whatever is newer than `after`, at once.
pub const FEED_POLL_PATH: &str = "/api/feed/poll";
/// `GET ?feed=&after=&run=`: long poll — waits until something is newer than `after` (or
/// [`LONG_POLL_WAIT_MS`] passes, or the feed ends).
pub const FEED_LONG_PATH: &str = "/api/feed/long";
/// `GET ?feed=&run=` (and `Last-Event-ID`): Server-Sent Events, one `event` per feed event.
pub const FEED_SSE_PATH: &str = "/api/feed/sse";
/// WebSocket `?feed=&run=&client=`: every feed event pushed as a text message.
pub const FEED_WS_PATH: &str = "/ws/feed";

/// Fastest feed, events per second.
pub const FEED_MAX_RATE_HZ: u64 = 50;
/// Longest feed, in seconds.
pub const FEED_MAX_SECONDS: u64 = 120;
/// Feeds one client may run at once.
pub const FEEDS_PER_CLIENT: usize = 2;
/// Long polls one client may have waiting at once.
pub const LONG_POLLS_PER_CLIENT: usize = 4;
/// Feed requests (polls, streams, sockets) one client may make per minute.
pub const FEED_REQUESTS_PER_MINUTE: u64 = 3_000;
/// The longest a long poll waits before answering empty, in ms.
pub const LONG_POLL_WAIT_MS: u64 = 25_000;
/// Shortest and longest short-polling period the page offers, in ms.
pub const POLL_MIN_MS: u64 = 50;
pub const POLL_MAX_MS: u64 = 10_000;

/// The three ways a race sends its round trips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contender {
    /// HTTP, a new TCP connection each time (the server closes after each response).
    NewConnection,
    /// HTTP keep-alive: connections are reused.
    KeepAlive,
    /// One WebSocket, binary messages echoed.
    WebSocket,
}

impl Contender {
    pub const ALL: [Contender; 3] = [
        Contender::NewConnection,
        Contender::KeepAlive,
        Contender::WebSocket,
    ];

    /// The name in the page's URL.
    pub const fn slug(self) -> &'static str {
        match self {
            Contender::NewConnection => "new",
            Contender::KeepAlive => "keep",
            Contender::WebSocket => "ws",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Contender> {
        Self::ALL.into_iter().find(|c| c.slug() == slug)
    }
}

/// The four ways the page receives a live feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    ShortPoll,
    LongPoll,
    Sse,
    WebSocket,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::ShortPoll,
        Strategy::LongPoll,
        Strategy::Sse,
        Strategy::WebSocket,
    ];

    pub const fn slug(self) -> &'static str {
        match self {
            Strategy::ShortPoll => "short",
            Strategy::LongPoll => "long",
            Strategy::Sse => "sse",
            Strategy::WebSocket => "ws",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Strategy> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// One event of a live feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEvent {
    /// From 1, one more per event.
    pub seq: u64,
    /// When the server emitted it, µs since the Unix epoch (server clock).
    pub emitted_us: u64,
}

/// A poll's answer: the events after `after`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedBatch {
    pub events: Vec<FeedEvent>,
    /// The feed has emitted its last event and every one is in this or an earlier batch.
    pub ended: bool,
}

/// The answer to starting a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedStarted {
    pub feed: u64,
    pub rate_hz: u32,
    pub seconds: u32,
    /// Events it will emit in all.
    pub total: u64,
}

/// SSE `event:` name of the last message of a feed's stream (its data is `end`: a browser
/// drops an event whose data is empty).
pub const SSE_END_EVENT: &str = "end";

/// What the server counted for one run, on the wire (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Requests (WebSocket handshakes included) that named the run.
    pub requests: u64,
    /// Of those, the ones that were the first request on a new TCP connection.
    pub connections_opened: u64,
    /// Bytes read from the client for those requests (and their WebSocket frames).
    pub bytes_in: u64,
    /// Bytes written to the client for them.
    pub bytes_out: u64,
    /// Poll answers that carried no event.
    pub empty_responses: u64,
    /// Requests and streams the server holds open now (a waiting long poll, an SSE stream,
    /// a WebSocket), and the most at once.
    pub held_now: u64,
    pub held_peak: u64,
    /// False when some connection had not settled its counts in time (numbers may be low).
    pub settled: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for c in Contender::ALL {
            assert_eq!(Contender::from_slug(c.slug()), Some(c));
        }
        for s in Strategy::ALL {
            assert_eq!(Strategy::from_slug(s.slug()), Some(s));
        }
        let json = serde_json::to_string(&FeedBatch {
            events: vec![FeedEvent {
                seq: 1,
                emitted_us: 2,
            }],
            ended: false,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"events":[{"seq":1,"emitted_us":2}],"ended":false}"#
        );
    }
}
