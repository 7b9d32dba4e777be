//! A live feed read four ways at once: started (`POST`), its first few events read by
//! short poll, long poll, Server-Sent Events (the stream dropped mid-feed, as a page that
//! navigates away does) and WebSocket push (closed normally), then stopped (`DELETE`).
//! Each reader is counted as its own scenario; start and stop together as one more.

use std::time::{Duration, Instant};

use protocol::compare::{
    FEED_LONG_PATH, FEED_PATH, FEED_POLL_PATH, FEED_SSE_PATH, FEED_WS_PATH, FeedBatch, FeedEvent,
    FeedReadQuery, FeedStartQuery, FeedStarted, FeedStopQuery, POLL_MIN_MS, Strategy,
};
use protocol::query::target;
use reqwest::Method;
use tokio_tungstenite::tungstenite::Message;

use crate::churn::Ctx;
use crate::error::{LoadError, unexpected};
use crate::report::{Report, Scenario};
use crate::{http, ws};

/// Events per second and seconds of the feed (long enough that it never ends before its
/// readers have their events, even on a busy machine; it is stopped right after).
const RATE_HZ: u32 = 50;
const SECONDS: u32 = 10;
/// Events each reader waits for.
const EVENTS: usize = 3;

/// The first [`EVENTS`] must be 1, 2, 3 …, each once, in order.
fn check(strategy: Strategy, events: &[FeedEvent]) -> Result<(), LoadError> {
    let seqs: Vec<u64> = events.iter().take(EVENTS).map(|e| e.seq).collect();
    if seqs.len() == EVENTS && seqs.iter().copied().eq(1..=EVENTS as u64) {
        Ok(())
    } else {
        Err(unexpected(format!(
            "feed by {}: events {seqs:?}",
            strategy.slug()
        )))
    }
}

/// Short or long polling until [`EVENTS`] have come.
async fn poll(ctx: &Ctx, feed: u64, long: bool) -> Result<Vec<FeedEvent>, LoadError> {
    let run = ctx.next_id();
    let path = if long { FEED_LONG_PATH } else { FEED_POLL_PATH };
    let mut seen: Vec<FeedEvent> = Vec::new();
    for i in 0.. {
        let query = FeedReadQuery {
            feed,
            after: Some(seen.last().map_or(0, |e| e.seq)),
            run: Some(run),
            seq: Some(i),
            ..FeedReadQuery::default()
        };
        let batch: FeedBatch = http::json(http::get(ctx, &target(path, &query))).await?;
        seen.extend(batch.events);
        if seen.len() >= EVENTS {
            break;
        }
        if batch.ended {
            return Err(unexpected("the feed ended before its first events"));
        }
        if !long {
            tokio::time::sleep(Duration::from_millis(POLL_MIN_MS)).await;
        }
    }
    Ok(seen)
}

/// Server-Sent Events until [`EVENTS`] have come; then the response is dropped.
async fn sse(ctx: &Ctx, feed: u64) -> Result<Vec<FeedEvent>, LoadError> {
    let query = FeedReadQuery {
        feed,
        run: Some(ctx.next_id()),
        ..FeedReadQuery::default()
    };
    let mut resp = http::ok(
        http::get(ctx, &target(FEED_SSE_PATH, &query))
            .send()
            .await?,
    )
    .await?;
    let mut text = String::new();
    let mut seen = Vec::new();
    while seen.len() < EVENTS {
        let chunk = ws::patient(async { Ok(resp.chunk().await?) })
            .await?
            .ok_or_else(|| unexpected("the event stream ended early"))?;
        text.push_str(&String::from_utf8_lossy(&chunk));
        // Whole events only: each ends with a blank line.
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: "))
                && let Ok(event) = serde_json::from_str::<FeedEvent>(data)
            {
                seen.push(event);
            }
        }
    }
    Ok(seen)
}

/// WebSocket push until [`EVENTS`] have come; then a normal close.
async fn push(ctx: &Ctx, feed: u64) -> Result<Vec<FeedEvent>, LoadError> {
    let query = FeedReadQuery {
        feed,
        run: Some(ctx.next_id()),
        client: Some(ctx.key.clone()),
        ..FeedReadQuery::default()
    };
    let mut sock = ws::connect(&ctx.target, &target(FEED_WS_PATH, &query), None).await?;
    let mut seen = Vec::new();
    while seen.len() < EVENTS {
        match ws::next(&mut sock).await? {
            Message::Text(t) => seen.push(serde_json::from_str(t.as_str())?),
            other => return Err(unexpected(format!("feed by ws: got {other:?}"))),
        }
    }
    ws::close_normally(&mut sock).await?;
    Ok(seen)
}

/// One reader, timed and counted.
async fn read(
    report: &Report,
    strategy: Strategy,
    reader: impl Future<Output = Result<Vec<FeedEvent>, LoadError>>,
) {
    let t0 = Instant::now();
    let result = reader.await.and_then(|events| check(strategy, &events));
    report.record(Scenario::FeedRead(strategy), t0.elapsed(), result);
}

/// Start, the four readers at once, stop.
pub(crate) async fn feed(ctx: &Ctx, report: &Report) {
    let t0 = Instant::now();
    let start = FeedStartQuery {
        rate_hz: RATE_HZ,
        seconds: SECONDS,
        client: None,
    };
    let started: FeedStarted = match http::json(http::changing(
        ctx,
        false,
        Method::POST,
        &target(FEED_PATH, &start),
    ))
    .await
    {
        Ok(s) => s,
        Err(e) => return report.record(Scenario::Feed, t0.elapsed(), Err(e)),
    };
    let f = started.feed;
    tokio::join!(
        read(report, Strategy::ShortPoll, poll(ctx, f, false)),
        read(report, Strategy::LongPoll, poll(ctx, f, true)),
        read(report, Strategy::Sse, sse(ctx, f)),
        read(report, Strategy::WebSocket, push(ctx, f)),
    );
    let stop = FeedStopQuery {
        feed: f,
        client: None,
    };
    let stopped = async {
        let req = http::changing(ctx, false, Method::DELETE, &target(FEED_PATH, &stop));
        let resp = http::ok(req.send().await?).await?;
        match resp.status().as_u16() {
            204 => Ok(()),
            s => Err(unexpected(format!("DELETE feed answered {s}"))),
        }
    };
    report.record(Scenario::Feed, t0.elapsed(), stopped.await);
}
