//! The Compare page's endpoints: the round-trip race, the live feed served four ways, and
//! the server-counted tally of a run — with the caps one client may ask for.
//!
//! Every request of a race or feed names its run (`?run=<id>`, chosen by the page, one per
//! contender or strategy); the connection layer counts that run's requests, new
//! connections and bytes on the wire, and [`TALLY_PATH`] reports them.

use crate::named::named_enum;
use serde::{Deserialize, Serialize};

use crate::emulate::{EMU_PARAM, NetModel};
use crate::lab::LabParam;
use crate::observe::CLIENT_PARAM;
use crate::query::{Fields, QueryError, QueryString, Writer};

/// Query parameter naming the run a request counts towards.
pub const RUN_PARAM: &str = "run";

/// The run `raw_query` names, decoded as every endpoint's query decodes `run`
/// ([`Fields`]): `None` when absent, not a whole number, given twice, or when the query
/// has a bad escape (the endpoint's own decoder then refuses the request). What the
/// connection layer counts a request towards.
pub fn run_id(raw_query: &str) -> Option<u64> {
    if !crate::query::may_name(raw_query, RUN_PARAM) {
        return None;
    }
    Fields::lenient(raw_query, &[RUN_PARAM])
        .ok()?
        .id(RUN_PARAM)
        .ok()?
}

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

/// Query parameter of a feed's id.
pub const FEED_PARAM: &str = "feed";
/// Query parameter of the last event a reader has (it gets the ones after).
pub const AFTER_PARAM: &str = "after";
/// Query parameter of a free sequence number a page may add to make URLs unique.
pub const SEQ_PARAM: &str = "i";

/// `POST` [`RACE_HTTP_PATH`]: `run`, `close=1` (the server closes after answering), `emu`,
/// and `client`/`i` (accepted; a page sends its key as a header).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RaceHttpQuery {
    pub run: Option<u64>,
    pub close: bool,
    pub emu: NetModel,
    pub client: Option<String>,
    pub seq: Option<u64>,
}

impl RaceHttpQuery {
    /// The names [`QueryString::to_query`] writes, from the same constants.
    const KNOWN: &'static [&'static str] = &[
        RUN_PARAM,
        LabParam::Close.query_name(),
        EMU_PARAM,
        CLIENT_PARAM,
        SEQ_PARAM,
    ];
}

impl QueryString for RaceHttpQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put_some(RUN_PARAM, self.run)
            .put_some(LabParam::Close.query_name(), self.close.then_some(1))
            .put_emu(self.emu)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .put_some(SEQ_PARAM, self.seq)
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            run: f.id(RUN_PARAM)?,
            seq: f.id(SEQ_PARAM)?,
            emu: f.emu()?,
            close: f.num(LabParam::Close)? == Some(1),
            client: f.text(CLIENT_PARAM).map(str::to_owned),
        })
    }
}

/// WebSocket [`RACE_WS_PATH`]: `n` (required: the round trips the page will make), `run`,
/// `emu`, `client` (a browser's handshake cannot carry the key as a header).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RaceWsQuery {
    pub n: u64,
    pub run: Option<u64>,
    pub emu: NetModel,
    pub client: Option<String>,
}

impl RaceWsQuery {
    /// The names [`QueryString::to_query`] writes, from the same constants.
    const KNOWN: &'static [&'static str] = &[
        RUN_PARAM,
        LabParam::RoundTrips.query_name(),
        EMU_PARAM,
        CLIENT_PARAM,
    ];
}

impl QueryString for RaceWsQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(LabParam::RoundTrips.query_name(), self.n)
            .put_some(RUN_PARAM, self.run)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .put_emu(self.emu)
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            run: f.id(RUN_PARAM)?,
            emu: f.emu()?,
            n: f.need_num(LabParam::RoundTrips)?,
            client: f.text(CLIENT_PARAM).map(str::to_owned),
        })
    }
}

/// `GET` [`TALLY_PATH`]: `run` (required), `client`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TallyQuery {
    pub run: u64,
    pub client: Option<String>,
}

impl TallyQuery {
    const KNOWN: &'static [&'static str] = &[RUN_PARAM, CLIENT_PARAM];
}

impl QueryString for TallyQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(RUN_PARAM, self.run)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            run: f.need_id(RUN_PARAM)?,
            client: f.text(CLIENT_PARAM).map(str::to_owned),
        })
    }
}

/// `POST` [`FEED_PATH`]: `rate` and `secs` (both required), `client`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedStartQuery {
    pub rate_hz: u32,
    pub seconds: u32,
    pub client: Option<String>,
}

impl FeedStartQuery {
    /// The names [`QueryString::to_query`] writes, from the same constants.
    const KNOWN: &'static [&'static str] = &[
        LabParam::FeedRateHz.query_name(),
        LabParam::FeedSeconds.query_name(),
        CLIENT_PARAM,
    ];
}

impl QueryString for FeedStartQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(LabParam::FeedRateHz.query_name(), self.rate_hz)
            .put(LabParam::FeedSeconds.query_name(), self.seconds)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        // Both bounds lie within u32 (checked below).
        Ok(Self {
            rate_hz: f.need_num(LabParam::FeedRateHz)? as u32,
            seconds: f.need_num(LabParam::FeedSeconds)? as u32,
            client: f.text(CLIENT_PARAM).map(str::to_owned),
        })
    }
}

const _: () = assert!(FEED_MAX_RATE_HZ < 1 << 32);
const _: () = assert!(FEED_MAX_SECONDS < 1 << 32);

/// `DELETE` [`FEED_PATH`]: `feed` (required), `client`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedStopQuery {
    pub feed: u64,
    pub client: Option<String>,
}

impl FeedStopQuery {
    const KNOWN: &'static [&'static str] = &[FEED_PARAM, CLIENT_PARAM];
}

impl QueryString for FeedStopQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(FEED_PARAM, self.feed)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            feed: f.need_id(FEED_PARAM)?,
            client: f.text(CLIENT_PARAM).map(str::to_owned),
        })
    }
}

/// Every feed reader ([`FEED_POLL_PATH`], [`FEED_LONG_PATH`], [`FEED_SSE_PATH`],
/// [`FEED_WS_PATH`]): `feed` (required), `after` (0 when absent), `run`, `emu`, `client`
/// (the stream readers' only way to send it), `i`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedReadQuery {
    pub feed: u64,
    pub after: Option<u64>,
    pub run: Option<u64>,
    pub emu: NetModel,
    pub client: Option<String>,
    pub seq: Option<u64>,
}

impl FeedReadQuery {
    const KNOWN: &'static [&'static str] = &[
        FEED_PARAM,
        AFTER_PARAM,
        RUN_PARAM,
        EMU_PARAM,
        CLIENT_PARAM,
        SEQ_PARAM,
    ];
}

impl QueryString for FeedReadQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(FEED_PARAM, self.feed)
            .put_some(AFTER_PARAM, self.after)
            .put_some(RUN_PARAM, self.run)
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .put_emu(self.emu)
            .put_some(SEQ_PARAM, self.seq)
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        Ok(Self {
            emu: f.emu()?,
            run: f.id(RUN_PARAM)?,
            feed: f.need_id(FEED_PARAM)?,
            after: f.id(AFTER_PARAM)?,
            client: f.text(CLIENT_PARAM).map(str::to_owned),
            seq: f.id(SEQ_PARAM)?,
        })
    }
}

named_enum! {
    /// The three ways a race sends its round trips.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Contender {
        /// HTTP, a new TCP connection each time (the server closes after each response).
        NewConnection => "new_connection",
        /// HTTP keep-alive: connections are reused.
        KeepAlive => "keep_alive",
        /// One WebSocket, binary messages echoed.
        WebSocket => "web_socket",
    }
}

impl Contender {
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

named_enum! {
    /// The four ways the page receives a live feed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Strategy {
        ShortPoll => "short_poll",
        LongPoll => "long_poll",
        Sse => "sse",
        WebSocket => "web_socket",
    }
}

impl Strategy {
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

    fn round_trip<Q: QueryString + PartialEq + std::fmt::Debug>(q: Q) {
        let text = q.to_query();
        assert_eq!(Q::from_query(&text).as_ref(), Ok(&q), "{text}");
        // The same with every `,` written as `%2C` (a browser's encoder may).
        assert_eq!(
            Q::from_query(&text.replace(',', "%2C")).as_ref(),
            Ok(&q),
            "{text}"
        );
        // Unknown names, repeated names and bad escapes are refused.
        let extra = format!("{text}&bogus=1");
        assert!(matches!(
            Q::from_query(&extra),
            Err(QueryError::Unknown { .. })
        ));
        let first = text.split('&').next().unwrap_or_default();
        let twice = format!("{text}&{first}");
        assert!(
            matches!(Q::from_query(&twice), Err(QueryError::Repeated(_))),
            "{twice}"
        );
        let bad = format!("{text}&{CLIENT_PARAM}=%FF");
        assert!(matches!(Q::from_query(&bad), Err(QueryError::BadEscape(_))));
    }

    #[test]
    fn every_compare_query_round_trips() {
        let key = Some("k-compare-test-0001".to_owned());
        let net = NetModel {
            rtt_ms: 50,
            jitter_ms: 8,
        };
        round_trip(RaceHttpQuery {
            run: Some(3),
            close: true,
            emu: net,
            client: key.clone(),
            seq: Some(9),
        });
        round_trip(RaceHttpQuery {
            run: Some(0),
            ..RaceHttpQuery::default()
        });
        round_trip(RaceWsQuery {
            n: 10_000,
            run: Some(u64::MAX),
            emu: net,
            client: key.clone(),
        });
        round_trip(RaceWsQuery {
            n: 1,
            ..RaceWsQuery::default()
        });
        round_trip(TallyQuery {
            run: 7,
            client: key.clone(),
        });
        round_trip(TallyQuery::default());
        round_trip(FeedStartQuery {
            rate_hz: 50,
            seconds: 120,
            client: key.clone(),
        });
        round_trip(FeedStopQuery {
            feed: 2,
            client: None,
        });
        round_trip(FeedReadQuery {
            feed: 1,
            after: Some(40),
            run: Some(31),
            emu: net,
            client: key,
            seq: Some(1),
        });
        round_trip(FeedReadQuery::default());
        assert_eq!(
            RaceWsQuery {
                n: 5,
                run: Some(1),
                emu: net,
                client: Some("abc".into())
            }
            .to_query(),
            "n=5&run=1&client=abc&emu=50,8"
        );
    }

    #[test]
    fn compare_queries_refuse_with_the_parameter_named() {
        assert_eq!(
            RaceHttpQuery::from_query("emu=5000,0"),
            Err(QueryError::Param {
                param: LabParam::RttMs,
                problem: crate::lab::ParamProblem::TooLarge
            })
        );
        assert_eq!(
            RaceWsQuery::from_query("run=1"),
            Err(QueryError::Missing("n"))
        );
        assert!(matches!(
            RaceWsQuery::from_query("n=10001"),
            Err(QueryError::Param {
                param: LabParam::RoundTrips,
                ..
            })
        ));
        assert!(matches!(
            FeedStartQuery::from_query("rate=51&secs=1"),
            Err(QueryError::Param {
                param: LabParam::FeedRateHz,
                ..
            })
        ));
        assert_eq!(
            FeedReadQuery::from_query("feed=1&after=x"),
            Err(QueryError::Invalid {
                name: AFTER_PARAM,
                expected: "a whole number"
            })
        );
        assert_eq!(
            TallyQuery::from_query("client=abc"),
            Err(QueryError::Missing(RUN_PARAM))
        );
        assert_eq!(
            FeedReadQuery::from_query("feed=1+").unwrap_err(),
            QueryError::Invalid {
                name: FEED_PARAM,
                expected: "a whole number"
            }
        );
    }

    /// Every name `to_query` writes (every optional field set) is one `from_query` knows,
    /// and the query comes back whole; the run and key the connection layer reads
    /// ([`run_id`], [`crate::observe::client_key`]) are the ones the decoder sees.
    fn writes_only_known_names<Q: QueryString + PartialEq + std::fmt::Debug>(
        q: Q,
        known: &[&str],
        run: Option<u64>,
        client: Option<&str>,
    ) {
        let text = q.to_query();
        for piece in text.split('&') {
            let name = piece.split_once('=').map_or(piece, |(n, _)| n);
            assert!(
                known.contains(&name),
                "`{name}` written but not known: {text}"
            );
        }
        assert_eq!(
            text.split('&').count(),
            known.len(),
            "a field left unset: {text}"
        );
        assert_eq!(Q::from_query(&text).as_ref(), Ok(&q), "{text}");
        assert_eq!(run_id(&text), run, "{text}");
        assert_eq!(
            crate::observe::client_key(None, &text).as_deref(),
            client,
            "{text}"
        );
    }

    #[test]
    fn every_written_name_is_accepted() {
        const KEY: &str = "k-compare-test-0001";
        let key = Some(KEY.to_owned());
        let emu = NetModel {
            rtt_ms: 50,
            jitter_ms: 8,
        };
        let (run, client) = (Some(3), Some(KEY));
        writes_only_known_names(
            RaceHttpQuery {
                run: Some(3),
                close: true,
                emu,
                client: key.clone(),
                seq: Some(9),
            },
            RaceHttpQuery::KNOWN,
            run,
            client,
        );
        writes_only_known_names(
            RaceWsQuery {
                n: 5,
                run: Some(3),
                emu,
                client: key.clone(),
            },
            RaceWsQuery::KNOWN,
            run,
            client,
        );
        writes_only_known_names(
            TallyQuery {
                run: 3,
                client: key.clone(),
            },
            TallyQuery::KNOWN,
            run,
            client,
        );
        writes_only_known_names(
            FeedStartQuery {
                rate_hz: 10,
                seconds: 5,
                client: key.clone(),
            },
            FeedStartQuery::KNOWN,
            None,
            client,
        );
        writes_only_known_names(
            FeedStopQuery {
                feed: 2,
                client: key.clone(),
            },
            FeedStopQuery::KNOWN,
            None,
            client,
        );
        writes_only_known_names(
            FeedReadQuery {
                feed: 2,
                after: Some(4),
                run: Some(3),
                emu,
                client: key.clone(),
                seq: Some(1),
            },
            FeedReadQuery::KNOWN,
            run,
            client,
        );
    }

    #[test]
    fn run_id_is_the_strictly_decoded_run() {
        assert_eq!(run_id("run=12&x=1"), Some(12));
        assert_eq!(run_id(""), None);
        assert_eq!(run_id("run=x"), None);
        // Refused by every decoder, so counted towards no run (the old first-that-decodes
        // lookup answered 5 for each).
        for bad in ["run=5&run=6", "run=%zz&run=5", "x=%zz&run=5"] {
            assert_eq!(run_id(bad), None, "{bad}");
            assert!(TallyQuery::from_query(bad).is_err(), "{bad}");
        }
    }

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
