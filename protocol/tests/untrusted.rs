//! Property tests of every parser that reads untrusted input on the server: each query
//! struct's `from_query`, the percent-decoder and splitter, the network-model parser, the
//! lab parameters' number parser and the JSON the page sends (`ClientMsg`, the
//! `EchoRequest` body, the chat's `ChatClientMsg` and `ChatSay`, and its display names). Whatever the bytes, a parser answers `Ok` or `Err` — never a panic
//! — and what the page encodes, the server decodes to the same value; whatever decodes
//! re-encodes to itself, and the connection layer's readers of a raw query agree with the
//! endpoint's decoder. The cargo-fuzz targets in `backend/fuzz/` check the same properties
//! on inputs libFuzzer grows (`cargo xtask fuzz --secs N`).

use proptest::prelude::*;
use protocol::ClientMsg;
use protocol::EchoRequest;
use protocol::chat::{ChatClientMsg, ChatJoinQuery, ChatMemberQuery, ChatReadQuery, ChatSay};
use protocol::compare::{
    FeedReadQuery, FeedStartQuery, FeedStopQuery, RaceHttpQuery, RaceWsQuery, TallyQuery,
};
use protocol::emulate::NetModel;
use protocol::lab::{LabParam, LabQuery, ParamProblem};
use protocol::observe::{ObserveQuery, WsQuery, client_key, valid_client_key};
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
        Just("room".to_owned()),
        Just("name".to_owned()),
        Just("member".to_owned()),
        Just("i".to_owned()),
        Just("=".to_owned()),
        Just("&".to_owned()),
        Just(",".to_owned()),
        Just("%2C".to_owned()),
        Just("%".to_owned()),
        Just("%zz".to_owned()),
        Just("%ff".to_owned()),
        // Names spelled through escapes decode like the plain ones.
        Just("%72un".to_owned()),
        Just("%65mu".to_owned()),
        Just("c%6Cient".to_owned()),
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
    let _ = ChatJoinQuery::from_query(raw);
    let _ = ChatMemberQuery::from_query(raw);
    let _ = ChatReadQuery::from_query(raw);
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

/// Every lab parameter.
const PARAMS: [LabParam; 14] = [
    LabParam::RequestBytes,
    LabParam::ResponseBytes,
    LabParam::DelayMs,
    LabParam::Count,
    LabParam::Close,
    LabParam::RoundTrips,
    LabParam::PayloadBytes,
    LabParam::InFlight,
    LabParam::FeedRateHz,
    LabParam::FeedSeconds,
    LabParam::PollMs,
    LabParam::RttMs,
    LabParam::JitterMs,
    LabParam::Id,
];

/// The documented number rule written out another way (no `str::parse`, which takes a
/// `+`): trim; a `-` before digits is too small; anything but digits is not a number;
/// digits beyond `u64` are too large; then the bounds.
fn reference(text: &str, min: u64, max: u64) -> Result<u64, ParamProblem> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamProblem::NotANumber);
    }
    if negative {
        return Err(ParamProblem::TooSmall);
    }
    let mut value: u128 = 0;
    for b in digits.bytes() {
        value = value * 10 + u128::from(b - b'0');
        if value > u128::from(u64::MAX) {
            return Err(ParamProblem::TooLarge);
        }
    }
    let value = value as u64;
    if value < min {
        Err(ParamProblem::TooSmall)
    } else if value > max {
        Err(ParamProblem::TooLarge)
    } else {
        Ok(value)
    }
}

/// Decodes `raw` as `T`; when it decodes, the page's encoding of the value decodes to it.
fn round_trip<T: QueryString + PartialEq + std::fmt::Debug>(raw: &str) -> Option<T> {
    let q = T::from_query(raw).ok()?;
    assert_eq!(T::from_query(&q.to_query()).as_ref(), Ok(&q), "{raw:?}");
    Some(q)
}

/// On a query the endpoint accepts, the connection layer's readers (model, run, key)
/// read what the endpoint decoded.
fn conn_layer_agrees(raw: &str, emu: NetModel, run: Option<u64>, client: Option<&str>) {
    assert_eq!(NetModel::in_query(raw), emu, "{raw:?}");
    assert_eq!(protocol::compare::run_id(raw), run, "{raw:?}");
    let key = client.filter(|k| valid_client_key(k)).map(str::to_owned);
    assert_eq!(client_key(None, raw), key, "{raw:?}");
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

    /// The connection layer's shortcut is exact: a query that cannot name `run`,
    /// `client` or `emu` (`query::may_name`) decodes to no such name.
    #[test]
    fn a_query_that_cannot_name_a_field_decodes_to_none(raw in query_like()) {
        for name in ["run", "client", "emu"] {
            if !query::may_name(&raw, name) {
                prop_assert_eq!(query::lookup(&raw, name), None, "{} in {:?}", name, raw);
            }
        }
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
        let _ = serde_json::from_str::<EchoRequest>(&raw);
        let _ = serde_json::from_slice::<ClientMsg>(raw.as_bytes());
        let _ = serde_json::from_str::<ChatClientMsg>(&raw);
        let _ = serde_json::from_str::<ChatSay>(&raw);
        let _ = protocol::chat::display_name(&raw);
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
        let join = ChatJoinQuery { room: format!("r{feed}"), name: payload.clone(), client: Some(k.clone()), run: Some(run), emu };
        prop_assert_eq!(ChatJoinQuery::from_query(&join.to_query()).unwrap(), join);
        let chat = ChatReadQuery { room: "room".into(), member: k.clone(), after: Some(after), client: Some(k.clone()), run: Some(run), emu };
        prop_assert_eq!(ChatReadQuery::from_query(&chat.to_query()).unwrap(), chat);
        let echo = EchoRequest { payload };
        prop_assert_eq!(EchoRequest::from_query(&echo.to_query()).unwrap(), echo);
        // The connection layer reads the same model from the same text.
        prop_assert_eq!(NetModel::in_query(&race.to_query()), emu);
    }

    #[test]
    fn what_decodes_re_encodes_to_itself(raw in query_like()) {
        if let Some(q) = round_trip::<RaceHttpQuery>(&raw) {
            conn_layer_agrees(&raw, q.emu, q.run, q.client.as_deref());
        }
        if let Some(q) = round_trip::<RaceWsQuery>(&raw) {
            conn_layer_agrees(&raw, q.emu, q.run, q.client.as_deref());
        }
        if let Some(q) = round_trip::<FeedReadQuery>(&raw) {
            conn_layer_agrees(&raw, q.emu, q.run, q.client.as_deref());
        }
        if let Some(q) = round_trip::<TallyQuery>(&raw) {
            prop_assert_eq!(protocol::compare::run_id(&raw), Some(q.run));
        }
        round_trip::<FeedStartQuery>(&raw);
        if let Some(q) = round_trip::<ChatJoinQuery>(&raw) {
            conn_layer_agrees(&raw, q.emu, q.run, q.client.as_deref());
        }
        if let Some(q) = round_trip::<ChatReadQuery>(&raw) {
            conn_layer_agrees(&raw, q.emu, q.run, q.client.as_deref());
        }
        round_trip::<ChatMemberQuery>(&raw);
        round_trip::<FeedStopQuery>(&raw);
        round_trip::<LabQuery>(&raw);
        if let Some(q) = round_trip::<ObserveQuery>(&raw) {
            prop_assert_eq!(client_key(None, &raw), Some(q.client));
        }
        round_trip::<WsQuery>(&raw);
        round_trip::<EchoRequest>(&raw);
    }

    #[test]
    fn every_lab_param_follows_the_documented_rule(
        raw in prop_oneof![".*", "[ \t]{0,2}-?[0-9+]{0,24}[ \t]{0,2}", Just("true".to_owned())],
    ) {
        for param in PARAMS {
            let (min, max) = param.bounds();
            let got = param.parse(&raw);
            if param == LabParam::Close {
                prop_assert!(matches!(got, Ok(0 | 1) | Err(ParamProblem::NotANumber)));
            } else {
                prop_assert_eq!(got, reference(&raw, min, max), "{:?}", param);
            }
            match got {
                Ok(v) => prop_assert_eq!(param.parse(&v.to_string()), Ok(v)),
                Err(problem) => prop_assert!(param.message(problem).contains(param.query_name())),
            }
        }
    }

    #[test]
    fn decoded_json_re_encodes_to_itself(
        raw in prop_oneof![
            ".*",
            r#"\{"type":"(echo|clock|close_me|set_ping|drop|stop_ticker)"(,"(seq|payload|code|reason|interval_ms)":([0-9]{1,6}|"[a-z]{0,8}"))*\}"#,
            r#"\{("payload":"[^"\\]{0,12}")?\}"#,
        ],
    ) {
        if let Ok(msg) = serde_json::from_str::<ClientMsg>(&raw) {
            let json = serde_json::to_string(&msg).unwrap();
            prop_assert_eq!(serde_json::from_str::<ClientMsg>(&json).unwrap(), msg);
        }
        // The `POST /api/echo` body.
        if let Ok(body) = serde_json::from_str::<EchoRequest>(&raw) {
            let json = serde_json::to_string(&body).unwrap();
            prop_assert_eq!(serde_json::from_str::<EchoRequest>(&json).unwrap(), body);
        }
    }

    #[test]
    fn any_text_survives_encode_then_decode(text in ".*") {
        prop_assert_eq!(query::decode(&query::encode(&text)).unwrap(), text);
    }
}
