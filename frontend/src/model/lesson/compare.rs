//! Checks of the Compare lessons: `streaming-over-http` (the feed's per-strategy results)
//! and `real-network` (the race's per-contender results under an emulated network).

use protocol::compare::{Contender, FeedEvent, Strategy};
use protocol::ws::frame_header_bytes;

use super::super::compare::{ContenderResult, StrategyResult};
use super::tolerance::{LONG_POLL_MAX_EMPTY, MIN_DELIVERED, MIN_ROUND_TRIPS, SSE_MAX_REQUESTS};
use super::{Evidence, Saw, StepState, formula};

fn strategy(results: &[StrategyResult], s: Strategy) -> Option<&StrategyResult> {
    results.iter().find(|r| r.strategy == s)
}

/// Finished, without an error, with enough events delivered.
fn delivered(r: &StrategyResult) -> bool {
    r.done && r.error.is_none() && r.points.len() as u64 >= MIN_DELIVERED
}

fn median_staleness(r: Option<&StrategyResult>) -> f64 {
    r.and_then(StrategyResult::staleness).map_or(0.0, |s| s.p50)
}

/// `streaming-over-http`: `poll-vs-push`, `half-period`, `header-cost`, `http-push`.
pub(super) fn streaming_over_http(e: &Evidence<'_>) -> Vec<StepState> {
    let Some(feed) = e.feed.filter(|f| !f.results.is_empty()) else {
        return vec![StepState::Pending; 4];
    };
    let short = strategy(&feed.results, Strategy::ShortPoll);
    let ws = strategy(&feed.results, Strategy::WebSocket);
    let long = strategy(&feed.results, Strategy::LongPoll);
    let sse = strategy(&feed.results, Strategy::Sse);

    let poll_vs_push = if short.is_none() || ws.is_none() {
        StepState::Pending
    } else {
        let (poll_requests, poll_empty) = short.map_or((0, 0), |s| (s.requests, s.empty));
        let ws_requests = ws.map_or(0, |w| w.requests);
        StepState::judge(
            short.is_some_and(delivered)
                && ws.is_some_and(delivered)
                && poll_requests > ws_requests,
            Saw::PollVsPush {
                poll_requests,
                poll_empty,
                poll_stale_ms: median_staleness(short),
                ws_requests,
                ws_stale_ms: median_staleness(ws),
            },
        )
    };

    let half_period = match (short, feed.settings) {
        (Some(s), Some(settings)) if s.done => {
            let (rtt_ms, jitter_ms) = (feed.net.rtt_ms, feed.net.jitter_ms);
            let band = formula::half_period(settings.poll_ms, rtt_ms, jitter_ms);
            let median_ms = median_staleness(short);
            StepState::judge(
                delivered(s) && band.holds(median_ms),
                Saw::HalfPeriod {
                    period_ms: settings.poll_ms,
                    rtt_ms,
                    jitter_ms,
                    expected_ms: band.expected,
                    median_ms,
                },
            )
        }
        _ => StepState::Pending,
    };

    let header_cost = match (short.and_then(|s| s.tally), ws) {
        (Some(t), Some(w)) if t.requests > 0 => {
            // One event as the WebSocket pushes it: its JSON in one unmasked frame.
            let event = FeedEvent {
                seq: w.last_seq.max(1),
                emitted_us: 1_800_000_000_000_000,
            };
            let bytes = serde_json::to_string(&event).map_or(0, |j| j.len() as u64);
            let ws_frame_header_bytes = frame_header_bytes(bytes, false);
            let poll_request_bytes = t.bytes_in / t.requests;
            StepState::judge(
                delivered(w)
                    && formula::poll_headers().holds(poll_request_bytes as f64)
                    && formula::frame_header().holds(ws_frame_header_bytes as f64),
                Saw::HeaderCost {
                    poll_request_bytes,
                    poll_response_bytes: t.bytes_out / t.requests,
                    ws_frame_header_bytes,
                },
            )
        }
        _ => StepState::Pending,
    }
    .after(&poll_vs_push);

    let http_push = if sse.is_none() && long.is_none() {
        StepState::Pending
    } else {
        let (sse_requests, sse_delivered) =
            sse.map_or((0, 0), |s| (s.requests, s.points.len() as u64));
        let (long_requests, long_empty, long_delivered) =
            long.map_or((0, 0, 0), |l| (l.requests, l.empty, l.points.len() as u64));
        StepState::judge(
            sse.is_some_and(delivered)
                && long.is_some_and(delivered)
                && sse_requests <= SSE_MAX_REQUESTS
                && long_empty <= LONG_POLL_MAX_EMPTY,
            Saw::HttpPush {
                sse_requests,
                sse_delivered,
                long_requests,
                long_empty,
                long_delivered,
            },
        )
    };
    vec![poll_vs_push, half_period, header_cost, http_push]
}

fn contender(results: &[ContenderResult], c: Contender) -> Option<&ContenderResult> {
    results
        .iter()
        .find(|r| r.contender == c && r.done && r.error.is_none())
}

fn median(r: Option<&ContenderResult>) -> Option<f64> {
    r.filter(|r| r.samples.len() >= MIN_ROUND_TRIPS)
        .and_then(ContenderResult::summary)
        .map(|s| s.p50)
}

/// Whether `median_ms` is `round_trips` emulated round trips, within the tolerance
/// ([`formula::round_trips`]).
fn about(median_ms: f64, round_trips: f64, rtt_ms: u32, jitter_ms: u32) -> bool {
    formula::round_trips(round_trips, rtt_ms, jitter_ms).holds(median_ms)
}

/// `real-network`: `emulated`, `handshake-cost`, `websocket`.
pub(super) fn real_network(e: &Evidence<'_>) -> Vec<StepState> {
    let Some(race) = e.race.filter(|r| r.results.iter().any(|c| c.done)) else {
        return vec![StepState::Pending; 3];
    };
    let (rtt_ms, jitter_ms) = (race.net.rtt_ms, race.net.jitter_ms);
    let enough = race
        .results
        .iter()
        .any(|c| c.done && c.error.is_none() && c.samples.len() >= MIN_ROUND_TRIPS);
    let emulated = StepState::judge(
        !race.net.is_none() && rtt_ms > 0 && enough,
        Saw::Network { rtt_ms, jitter_ms },
    );
    let new = median(contender(&race.results, Contender::NewConnection));
    let keep = median(contender(&race.results, Contender::KeepAlive));
    let handshake = match (new, keep) {
        (Some(new_median_ms), Some(keep_median_ms)) => StepState::judge(
            about(new_median_ms, 2.0, rtt_ms, jitter_ms)
                && about(keep_median_ms, 1.0, rtt_ms, jitter_ms)
                && formula::handshake(rtt_ms).holds(new_median_ms - keep_median_ms),
            Saw::HandshakeCost {
                rtt_ms,
                jitter_ms,
                new_median_ms,
                keep_median_ms,
            },
        ),
        _ => StepState::Pending,
    }
    .after(&emulated);
    let websocket = match median(contender(&race.results, Contender::WebSocket)) {
        Some(median_ms) => StepState::judge(
            about(median_ms, 1.0, rtt_ms, jitter_ms),
            Saw::RoundTrip {
                rtt_ms,
                jitter_ms,
                median_ms,
            },
        ),
        None => StepState::Pending,
    }
    .after(&emulated);
    vec![emulated, handshake, websocket]
}
