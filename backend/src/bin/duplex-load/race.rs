//! A small race on one contender — HTTP with a new connection per round trip, HTTP
//! keep-alive, or one WebSocket — with two round trips in flight, each echo checked byte
//! for byte, then the run's tally from the server checked against what was sent.

use futures_util::SinkExt;
use protocol::compare::{
    Contender, RACE_HTTP_PATH, RACE_WS_PATH, RaceHttpQuery, RaceWsQuery, TALLY_PATH, Tally,
    TallyQuery,
};
use protocol::query::target;
use tokio_tungstenite::tungstenite::Message;

use crate::churn::Ctx;
use crate::error::{LoadError, unexpected};
use crate::{http, ws};

/// Round trips per race, and how many are in flight at once.
const ROUND_TRIPS: u64 = 4;
const IN_FLIGHT: u64 = 2;
/// Bytes each way per round trip.
const PAYLOAD_BYTES: usize = 512;

fn payload(i: u64) -> Vec<u8> {
    crate::compare::payload(PAYLOAD_BYTES as u64, i)
}

/// One lane of HTTP round trips (`ROUND_TRIPS / IN_FLIGHT` of them).
async fn http_lane(ctx: &Ctx, run: u64, lane: u64, close: bool) -> Result<(), LoadError> {
    for i in (lane..ROUND_TRIPS).step_by(IN_FLIGHT as usize) {
        let query = RaceHttpQuery {
            run: Some(run),
            close,
            seq: Some(i),
            ..RaceHttpQuery::default()
        };
        let body = payload(i);
        let req = http::changing(
            ctx,
            close,
            reqwest::Method::POST,
            &target(RACE_HTTP_PATH, &query),
        )
        .header("content-type", "application/octet-stream")
        .body(body.clone());
        let echoed = http::ok(req.send().await?).await?.bytes().await?;
        if echoed.as_ref() != body.as_slice() {
            return Err(unexpected(format!(
                "race echo {i}: {} bytes, not the {} sent",
                echoed.len(),
                body.len()
            )));
        }
    }
    Ok(())
}

/// The race's WebSocket contender: `ROUND_TRIPS` binary echoes on one session, the last
/// `IN_FLIGHT` sent before their answers are read.
async fn ws_race(ctx: &Ctx, run: u64) -> Result<(), LoadError> {
    let query = RaceWsQuery {
        n: ROUND_TRIPS,
        run: Some(run),
        client: Some(ctx.key.clone()),
        ..RaceWsQuery::default()
    };
    let mut sock = ws::connect(&ctx.target, &target(RACE_WS_PATH, &query), None).await?;
    for start in (0..ROUND_TRIPS).step_by(IN_FLIGHT as usize) {
        let batch: Vec<u64> = (start..(start + IN_FLIGHT).min(ROUND_TRIPS)).collect();
        for &i in &batch {
            ws::patient(async { Ok(sock.send(Message::binary(payload(i))).await?) }).await?;
        }
        for &i in &batch {
            match ws::next(&mut sock).await? {
                Message::Binary(b) if b.as_ref() == payload(i).as_slice() => {}
                other => return Err(unexpected(format!("race echo {i}: got {other:?}"))),
            }
        }
    }
    ws::close_normally(&mut sock).await
}

/// A race of `ROUND_TRIPS` on `contender`, then its tally.
pub(crate) async fn race(ctx: &Ctx, contender: Contender) -> Result<(), LoadError> {
    let run = ctx.next_id();
    match contender {
        Contender::WebSocket => ws_race(ctx, run).await?,
        Contender::NewConnection | Contender::KeepAlive => {
            let close = contender == Contender::NewConnection;
            let (a, b) = tokio::join!(http_lane(ctx, run, 0, close), http_lane(ctx, run, 1, close));
            a?;
            b?;
        }
    }
    let tally: Tally = http::json(http::get(
        ctx,
        &target(TALLY_PATH, &TallyQuery { run, client: None }),
    ))
    .await?;
    let (requests, max_new, min_new) = match contender {
        Contender::NewConnection => (ROUND_TRIPS, ROUND_TRIPS, ROUND_TRIPS),
        // Pooled connections may be older than the race (or two new ones for the lanes).
        Contender::KeepAlive => (ROUND_TRIPS, IN_FLIGHT, 0),
        Contender::WebSocket => (1, 1, 1),
    };
    let opened = tally.connections_opened;
    if !tally.settled
        || tally.requests != requests
        || !(min_new..=max_new).contains(&opened)
        || tally.held_now != 0
    {
        return Err(unexpected(format!(
            "race {}: the server's tally {tally:?} does not match",
            contender.slug()
        )));
    }
    Ok(())
}
