//! Every endpoint's query decoder (`QueryString::from_query`), the first byte choosing
//! which, the rest the query after `?`. Whatever the text, a decoder answers `Ok` or
//! `Err` (whose message formats). A query that decodes re-encodes (`to_query`, as the page
//! writes it) to one that decodes to the same value, and the connection layer's own
//! readers of the same raw query — the network model (`NetModel::in_query`), the run
//! (`compare::run_id`) and the client key (`observe::client_key`) — read what the
//! endpoint decoded. The percent-decoder inverts the encoder on the decoded text. The chat's
//! queries (`protocol::chat`) are decoded in the last arm, beside the echo's.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::EchoRequest;
use protocol::chat::{ChatJoinQuery, ChatMemberQuery, ChatReadQuery, valid_room};
use protocol::compare::{
    FeedReadQuery, FeedStartQuery, FeedStopQuery, RaceHttpQuery, RaceWsQuery, TallyQuery, run_id,
};
use protocol::emulate::NetModel;
use protocol::lab::LabQuery;
use protocol::observe::{ObserveQuery, WsQuery, client_key, valid_client_key};
use protocol::query::{self, QueryString};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // The server sees `Uri::query()`, always text.
    let Ok(raw) = std::str::from_utf8(rest) else {
        return;
    };
    match which % 10 {
        0 => {
            if let Some(q) = round_trip::<RaceHttpQuery>(raw) {
                conn_layer_agrees(raw, q.emu, q.run, q.client.as_deref());
            }
        }
        1 => {
            if let Some(q) = round_trip::<RaceWsQuery>(raw) {
                conn_layer_agrees(raw, q.emu, q.run, q.client.as_deref());
            }
        }
        2 => {
            if let Some(q) = round_trip::<TallyQuery>(raw) {
                assert_eq!(run_id(raw), Some(q.run), "{raw:?}");
                assert_eq!(client_key(None, raw), valid(q.client.as_deref()), "{raw:?}");
            }
        }
        3 => {
            if let Some(q) = round_trip::<FeedStartQuery>(raw) {
                assert_eq!(client_key(None, raw), valid(q.client.as_deref()), "{raw:?}");
            }
        }
        4 => {
            if let Some(q) = round_trip::<FeedStopQuery>(raw) {
                assert_eq!(client_key(None, raw), valid(q.client.as_deref()), "{raw:?}");
            }
        }
        5 => {
            if let Some(q) = round_trip::<FeedReadQuery>(raw) {
                conn_layer_agrees(raw, q.emu, q.run, q.client.as_deref());
            }
        }
        6 => {
            round_trip::<LabQuery>(raw);
        }
        7 => {
            if let Some(q) = round_trip::<ObserveQuery>(raw) {
                assert!(valid_client_key(&q.client), "{raw:?}");
                assert_eq!(client_key(None, raw), Some(q.client), "{raw:?}");
            }
        }
        8 => {
            if let Some(q) = round_trip::<WsQuery>(raw) {
                assert_eq!(client_key(None, raw), valid(q.client.as_deref()), "{raw:?}");
            }
        }
        _ => {
            round_trip::<EchoRequest>(raw);
            // The chat's queries share this arm, so the seeds keep their decoders.
            if let Some(q) = round_trip::<ChatJoinQuery>(raw) {
                assert!(valid_room(&q.room), "{raw:?}");
                conn_layer_agrees(raw, q.emu, q.run, q.client.as_deref());
            }
            if let Some(q) = round_trip::<ChatReadQuery>(raw) {
                conn_layer_agrees(raw, q.emu, q.run, q.client.as_deref());
            }
            if let Some(q) = round_trip::<ChatMemberQuery>(raw) {
                assert_eq!(run_id(raw), q.run, "{raw:?}");
                assert_eq!(client_key(None, raw), valid(q.client.as_deref()), "{raw:?}");
            }
        }
    }
    // The splitter and decoder on their own.
    if let Ok(text) = query::decode(raw) {
        assert_eq!(
            query::decode(&query::encode(&text)).as_deref(),
            Ok(text.as_str())
        );
    }
    let decoded: Vec<_> = query::pairs(raw).collect();
    if let Some(Ok((name, value))) = decoded.first()
        && decoded.iter().all(Result::is_ok)
    {
        assert_eq!(query::lookup(raw, name).as_ref(), Some(value), "{raw:?}");
    }
});

/// Decodes `raw` as `T`; when it decodes, the page's encoding of the value decodes to it.
fn round_trip<T: QueryString + PartialEq + std::fmt::Debug>(raw: &str) -> Option<T> {
    match T::from_query(raw) {
        Ok(q) => {
            let again = q.to_query();
            assert_eq!(
                T::from_query(&again).as_ref(),
                Ok(&q),
                "{raw:?} → {again:?}"
            );
            Some(q)
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            None
        }
    }
}

/// The connection layer reads a request's network model, run and client key from the raw
/// query before any endpoint decodes it: on a query the endpoint accepts, they must agree.
fn conn_layer_agrees(raw: &str, emu: NetModel, run: Option<u64>, client: Option<&str>) {
    assert_eq!(NetModel::in_query(raw), emu, "{raw:?}");
    assert_eq!(run_id(raw), run, "{raw:?}");
    assert_eq!(client_key(None, raw), valid(client), "{raw:?}");
}

fn valid(client: Option<&str>) -> Option<String> {
    client.filter(|k| valid_client_key(k)).map(str::to_owned)
}
