//! The thresholds and tolerances the checks use, each with why it is what it is.

/// Lab requests a run needs in the `connection-close` and `keep-alive` lessons: one could
/// be chance, three show the pattern.
pub const MIN_REQUESTS: u32 = 3;

/// Requests a parallel run needs: more than a browser's six connections per origin
/// (HTTP/1.1), so some must wait.
pub const MIN_PARALLEL: u32 = 8;

/// A browser's HTTP/1.1 connections per origin (Chromium, Firefox and Safari all use six).
pub const BROWSER_CONNECTIONS_PER_HOST: u32 = 6;

/// A queued request's Resource Timing `queueing` must be at least this long to count as
/// having waited. Requests sent in one burst spend a few ms in the browser before they go
/// out even when a connection is free: in the recorded burst of ten (Chromium, loopback)
/// the six that were not queued showed 5.6–9.4 ms. So on loopback with no server delay a
/// real wait (one answer's time, a few ms) cannot be told from that; the lesson needs a
/// server delay (the recording used 300 ms: the four queued requests waited 324 ms).
pub const QUEUED_MIN_MS: f64 = 20.0;

/// A queued request waits for an earlier one's whole answer, so with a server delay `d`
/// set in the lab it waits about `d`; it counts as waiting from this fraction of `d` (the
/// first six requests may each have been sent a little late, shortening the wait).
pub const QUEUED_DELAY_FRACTION: f64 = 0.5;

/// Messages each way a WebSocket session needs in `socket-stays-open`.
pub const MIN_MESSAGES_EACH_WAY: u32 = 3;

/// Unasked pushes `server-speaks-first` needs.
pub const MIN_PUSHES: u32 = 3;

/// Events a feed strategy must deliver for its figures to mean something.
pub const MIN_DELIVERED: u64 = 3;

/// Short polling's median staleness is expected at half the period plus half the round
/// trip (an event waits on average half a period for the next poll, then the answer's way
/// back). Accepted within this fraction of the half period, either side: events come at
/// a fixed rate, so each poll collects a few discrete ages (10 events/s polled every
/// 500 ms: five ages 100 ms apart, shifted by the phase between the two clocks), and a
/// ten-second feed gives only ~20 polls; the recorded median was 213.6 ms against 250.
pub const HALF_PERIOD_TOLERANCE: f64 = 0.25;

/// On top of [`HALF_PERIOD_TOLERANCE`], absolute: the client's own cost per answer (the
/// request, JSON decoding, a redraw): in the recorded feed on loopback, the pushed
/// strategies' staleness was 0.4–10.3 ms.
pub const HALF_PERIOD_SLACK_MS: f64 = 15.0;

/// SSE is one long request; the browser may reconnect once (e.g. after a proxy timeout).
pub const SSE_MAX_REQUESTS: u64 = 2;

/// A long poll answers empty only when it times out (25 s) or at the feed's end: allow
/// the one at the end.
pub const LONG_POLL_MAX_EMPTY: u64 = 1;

/// Round trips a race contender needs in `real-network`.
pub const MIN_ROUND_TRIPS: usize = 10;

/// Emulated round trips are accepted within this fraction of the textbook's count of RTTs
/// (new connection 2, keep-alive and WebSocket 1), either side. What is expected already
/// includes the emulated jitter's mean (`jitter_ms` per exchange); what is left is the
/// jitter's spread and the client's own cost per round trip. Recorded under the 4G profile
/// (50 ms, jitter 8) by `duplex-load`: new connection p50 108.4 ms (expected 108),
/// keep-alive 61.2 (58), WebSocket 62.0 (58).
pub const RTT_TOLERANCE: f64 = 0.25;

/// Absolute slack on top of [`RTT_TOLERANCE`] for one contender's median: the browser's
/// own cost per round trip (fetch through the network service, the answer's IPC to the
/// page, a Promise hop), which a native client does not pay. Measured in headless
/// Chromium 156 on the 4G profile on a 2-core machine busy with builds (2026-12-07): the
/// lesson's keep-alive median 76.1 and 78.3 ms against 58, new connections 116.4 and
/// 119.9 against 108; a bare `fetch` loop in the same browser 69.0 (no body: +9 ms over
/// the emulated 50). A quiet laptop pays a few ms; a busy one up to ~20.
pub const RTT_SLACK_MS: f64 = 20.0;

/// The handshake's cost — a new connection's median minus keep-alive's — is one RTT
/// within [`RTT_TOLERANCE`] of it and this slack: the browser's own cost per round trip
/// is in both medians and cancels out (40.3 and 41.6 ms in the two Chromium runs above,
/// 47.2 by `duplex-load`, against 50), so this is the step's sharp test of "a new
/// connection costs one more round trip".
pub const HANDSHAKE_SLACK_MS: f64 = 5.0;

/// Sessions `thread-per-client` needs open at once.
pub const MIN_SESSIONS: u32 = 100;

/// Threads the server may add per session and still count as "far below" one thread per
/// client: one per ten sessions (tokio's blocking pool may start a few for file reads).
pub const THREADS_PER_SESSION_MAX: f64 = 0.1;

/// The request head a browser sends per poll, as the textbooks and the posts put it:
/// ~900 B (a request line, `Host`, `User-Agent`, `Accept…`, `Referer`, `Sec-Fetch-*`,
/// client hints, cookies), the cost short polling pays on every request, answered or empty.
pub const POLL_HEADER_BYTES: f64 = 900.0;

/// A poll's head agrees with [`POLL_HEADER_BYTES`] from a third of it up to twice it:
/// what a browser sends depends on its version (Chromium adds `sec-ch-ua` client hints,
/// Firefox does not), the page's address (`Referer`) and the site's cookies (none here);
/// a native client's bare head (`duplex-load`'s: 136 B in the recorded feed) is not a
/// browser's.
pub const POLL_HEADER_MIN_FACTOR: f64 = 1.0 / 3.0;

/// See [`POLL_HEADER_MIN_FACTOR`].
pub const POLL_HEADER_MAX_FACTOR: f64 = 2.0;

/// A WebSocket frame's header (RFC 6455 §5.2): 2 B for a payload up to 125 B from the
/// server (unmasked) ...
pub const FRAME_HEADER_MIN_BYTES: f64 = 2.0;

/// ... up to 14 B with a 64-bit length and the client's 4-byte mask.
pub const FRAME_HEADER_MAX_BYTES: f64 = 14.0;

/// Messages a poller must have received in `many-clients` before its median delay is
/// judged: a message's wait for the next poll is anywhere in `0..period`, so the median
/// of a few is loose (of 6, its spread is about a fifth of the period).
pub const MIN_POLLED: u32 = 6;

/// A poller's median delay is expected at half its period, accepted within this fraction
/// of the half period either side (a median between a quarter and three quarters of the
/// period): wider than the feed's [`HALF_PERIOD_TOLERANCE`], because a learner sends a
/// handful of messages by hand, not ten a second, while a push (a few ms) stays far outside.
pub const CHAT_HALF_PERIOD_TOLERANCE: f64 = 0.5;

/// On top of [`CHAT_HALF_PERIOD_TOLERANCE`], absolute: each poll's own round trip and the
/// page's redraws while several clients share its main thread.
pub const CHAT_HALF_PERIOD_SLACK_MS: f64 = 25.0;
