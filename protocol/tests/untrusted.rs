//! Property tests of every parser that reads untrusted input on the server: each query
//! struct's `from_query`, the percent-decoder and splitter, the network-model parser, the
//! lab parameters' number parser and the `ClientMsg` JSON. Whatever the bytes, a parser
//! answers `Ok` or `Err` — never a panic — and what the page encodes, the server decodes
//! to the same value.

use proptest::prelude::*;
use protocol::ClientMsg;
use protocol::EchoRequest;
use protocol::compare::{
    FeedReadQuery, FeedStartQuery, FeedStopQuery, RaceHttpQuery, RaceWsQuery, TallyQuery,
};
use protocol::emulate::NetModel;
use protocol::lab::{LabParam, LabQuery};
use protocol::observe::{ObserveQuery, WsQuery};
use protocol::query::{self, QueryString};

/// Text shaped like a query string: the names the endpoints know, separators, escapes
/// (good and bad), numbers and arbitrary characters, so the decoders' branches are hit far
/// more often than by uniform noise.
fn query_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("run".to_owned()),
        Just("client".to_owned()),
        Just("emu".to_owned()),
        Just("feed".to_owned()),
        Just("after".to_owned()),
        Just("resp".to_owned()),
        Just("delay".to_owned()),
        Just("close".to_owned()),
        Just("rate".to_owned()),
        Just("secs".to_owned()),
        Just("payload".to_owned()),
        Just("n".to_owned()),
        Just("i".to_owned()),
        Just("=".to_owned()),
        Just("&".to_owned()),
        Just(",".to_owned()),
        Just("%2C".to_owned()),
        Just("%".to_owned()),
        Just("%zz".to_owned()),
        Just("%ff".to_owned()),
        Just("+".to_owned()),
        "[0-9]{1,22}",
        "[0-9a-f]{32}",
        ".{0,4}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// Every decoder of a query, fed `raw`: none may panic.
fn decode_all(raw: &str) {
    let _ = RaceHttpQuery::from_query(raw);
    let _ = RaceWsQuery::from_query(raw);
    let _ = TallyQuery::from_query(raw);
    let _ = FeedStartQuery::from_query(raw);
    let _ = FeedStopQuery::from_query(raw);
    let _ = FeedReadQuery::from_query(raw);
    let _ = LabQuery::from_query(raw);
    let _ = ObserveQuery::from_query(raw);
    let _ = WsQuery::from_query(raw);
    let _ = EchoRequest::from_query(raw);
    let _ = NetModel::in_query(raw);
    let _ = protocol::observe::client_key(None, raw);
    let _ = protocol::compare::run_id(raw);
    let _ = query::decode(raw);
    for pair in query::pairs(raw) {
        let _ = pair;
    }
}

/// A network model within its caps.
fn net() -> impl Strategy<Value = NetModel> {
    let (rtt, jitter) = (
        protocol::emulate::MAX_RTT_MS as u32,
        protocol::emulate::MAX_JITTER_MS as u32,
    );
    (0..=rtt, 0..=jitter).prop_map(|(rtt_ms, jitter_ms)| NetModel { rtt_ms, jitter_ms })
}

fn key() -> impl Strategy<Value = String> {
    "[0-9a-f]{32}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn no_decoder_panics_on_query_like_text(raw in query_like()) {
        decode_all(&raw);
    }

    #[test]
    fn no_decoder_panics_on_any_text(raw in ".*") {
        decode_all(&raw);
        let _ = NetModel::parse(&raw);
        let _ = NetModel::parse_value(&raw);
        for p in [LabParam::ResponseBytes, LabParam::DelayMs, LabParam::RoundTrips, LabParam::RttMs] {
            let _ = p.parse(&raw);
        }
    }

    #[test]
    fn client_messages_never_panic(raw in ".*") {
        let _ = serde_json::from_str::<ClientMsg>(&raw);
    }

    #[test]
    fn client_message_shapes_never_panic(
        kind in prop_oneof![Just("echo"), Just("clock"), Just("start_ticker"), Just("set_ping"),
            Just("close_me"), Just("drop"), Just("x")],
        field in prop_oneof![Just("seq"), Just("payload"), Just("code"), Just("reason"),
            Just("rate_hz"), Just("count"), Just("interval_ms")],
        value in prop_oneof![Just("-1".to_owned()), Just("1e400".to_owned()),
            Just("18446744073709551616".to_owned()), Just("null".to_owned()),
            "\"[^\"\\\\]{0,40}\"", "[0-9]{1,25}"],
    ) {
        let raw = format!(r#"{{"type":"{kind}","{field}":{value}}}"#);
        let _ = serde_json::from_str::<ClientMsg>(&raw);
    }

    #[test]
    fn what_the_page_encodes_the_server_decodes(
        run in any::<u64>(), close in any::<bool>(), emu in net(), seq in any::<u64>(),
        n in 1..=protocol::compare::RACE_MAX_ROUND_TRIPS, feed in any::<u64>(),
        after in any::<u64>(), k in key(), rate in 1..=50u32, secs in 1..=120u32,
        payload in ".{0,64}",
    ) {
        let race = RaceHttpQuery { run: Some(run), close, emu, client: Some(k.clone()), seq: Some(seq) };
        prop_assert_eq!(RaceHttpQuery::from_query(&race.to_query()).unwrap(), race.clone());
        let ws = RaceWsQuery { n, run: Some(run), emu, client: Some(k.clone()) };
        prop_assert_eq!(RaceWsQuery::from_query(&ws.to_query()).unwrap(), ws);
        let read = FeedReadQuery { feed, after: Some(after), run: Some(run), emu, client: Some(k.clone()), seq: Some(seq) };
        prop_assert_eq!(FeedReadQuery::from_query(&read.to_query()).unwrap(), read);
        let start = FeedStartQuery { rate_hz: rate, seconds: secs, client: Some(k.clone()) };
        prop_assert_eq!(FeedStartQuery::from_query(&start.to_query()).unwrap(), start);
        let echo = EchoRequest { payload };
        prop_assert_eq!(EchoRequest::from_query(&echo.to_query()).unwrap(), echo);
        // The connection layer reads the same model from the same text.
        prop_assert_eq!(NetModel::in_query(&race.to_query()), emu);
    }

    #[test]
    fn any_text_survives_encode_then_decode(text in ".*") {
        prop_assert_eq!(query::decode(&query::encode(&text)).unwrap(), text);
    }
}
