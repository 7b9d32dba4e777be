//! The textbook's formulas beside the learner's own measurement (issue 10): where a
//! textbook gives a figure — a new connection ≈ 2 round trips and keep-alive ≈ 1 (the
//! non-persistent vs persistent HTTP of the networking textbooks), short polling's delay
//! ≈ half the period (the feed's and a chat room's poller), ~900 B of request headers per poll against a 2–14 B WebSocket frame
//! header — a step's [`Saw`] names the measurement and [`formulas`] gives, for each figure,
//! what the textbook expects, the band the check accepts ([`Band`], from
//! [`super::tolerance`], the very band the check used) and what was measured. The page
//! draws each as a gauge; the checks and the gauge can never disagree, since both read
//! the band from here.

use super::Saw;
use super::tolerance::{
    CHAT_HALF_PERIOD_SLACK_MS, CHAT_HALF_PERIOD_TOLERANCE, FRAME_HEADER_MAX_BYTES,
    FRAME_HEADER_MIN_BYTES, HALF_PERIOD_SLACK_MS, HALF_PERIOD_TOLERANCE, HANDSHAKE_SLACK_MS,
    POLL_HEADER_BYTES, POLL_HEADER_MAX_FACTOR, POLL_HEADER_MIN_FACTOR, RTT_SLACK_MS, RTT_TOLERANCE,
};

/// Which textbook figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Law {
    /// Short polling: an event waits half a period on average, then half a round trip.
    HalfPeriod,
    /// A chat message reaches a poller half its period after the server read it, on
    /// average.
    PollDelay,
    /// HTTP on a new connection: the TCP handshake's round trip, then the exchange's.
    NewConnection,
    /// HTTP keep-alive: the exchange's round trip only.
    KeepAlive,
    /// What the TCP handshake adds: a new connection's time minus keep-alive's, one RTT.
    Handshake,
    /// One WebSocket message and its echo: one round trip.
    WebSocket,
    /// A browser's request head per poll, ~900 B.
    PollHeaders,
    /// A WebSocket frame's header, 2–14 B.
    FrameHeader,
}

impl Law {
    /// Its name in the page (`data-test`) and the catalogue.
    pub const fn slug(self) -> &'static str {
        match self {
            Law::HalfPeriod => "half-period",
            Law::PollDelay => "poll-delay",
            Law::NewConnection => "new-connection",
            Law::KeepAlive => "keep-alive",
            Law::Handshake => "handshake",
            Law::WebSocket => "websocket",
            Law::PollHeaders => "poll-headers",
            Law::FrameHeader => "frame-header",
        }
    }

    /// Whether its figures are bytes (else ms).
    pub const fn in_bytes(self) -> bool {
        matches!(self, Law::PollHeaders | Law::FrameHeader)
    }
}

/// What the textbook expects and what the check accepts around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub expected: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Band {
    /// `expected` ± `tolerance` (never below 0).
    pub fn around(expected: f64, tolerance: f64) -> Band {
        Band {
            expected,
            lo: (expected - tolerance).max(0.0),
            hi: expected + tolerance,
        }
    }

    /// Whether `measured` is inside, ends included.
    pub fn holds(&self, measured: f64) -> bool {
        (self.lo..=self.hi).contains(&measured)
    }
}

/// Short polling every `period_ms` over a network of `rtt_ms` (+ up to `jitter_ms` each
/// way): the expected median staleness and its band.
pub fn half_period(period_ms: u64, rtt_ms: u32, jitter_ms: u32) -> Band {
    let half = period_ms as f64 / 2.0;
    // The answer's way back: half the emulated round trip and its mean jitter.
    let back = (rtt_ms + jitter_ms) as f64 / 2.0;
    Band::around(
        half + back,
        HALF_PERIOD_TOLERANCE * half + HALF_PERIOD_SLACK_MS,
    )
}

/// A chat poller every `period_ms`: a message's median delay (server read → arrival) and
/// its band.
pub fn poll_delay(period_ms: u32) -> Band {
    let half = f64::from(period_ms) / 2.0;
    Band::around(
        half,
        CHAT_HALF_PERIOD_TOLERANCE * half + CHAT_HALF_PERIOD_SLACK_MS,
    )
}

/// `round_trips` emulated round trips: the exchange itself is expected at `rtt + jitter`
/// (each direction's jitter is uniform in `0..=jitter`, its mean half of it); a new
/// connection's handshake adds one flat `rtt` (`protocol::emulate`'s model), so
/// `round_trips` × `rtt` + `jitter`.
pub fn round_trips(round_trips: f64, rtt_ms: u32, jitter_ms: u32) -> Band {
    Band::around(
        round_trips * rtt_ms as f64 + jitter_ms as f64,
        RTT_TOLERANCE * round_trips * rtt_ms as f64 + RTT_SLACK_MS,
    )
}

/// The handshake's cost, a new connection's median minus keep-alive's: one RTT.
pub fn handshake(rtt_ms: u32) -> Band {
    let rtt = f64::from(rtt_ms);
    Band::around(rtt, RTT_TOLERANCE * rtt + HANDSHAKE_SLACK_MS)
}

/// A browser's request head per poll.
pub fn poll_headers() -> Band {
    Band {
        expected: POLL_HEADER_BYTES,
        lo: POLL_HEADER_BYTES * POLL_HEADER_MIN_FACTOR,
        hi: POLL_HEADER_BYTES * POLL_HEADER_MAX_FACTOR,
    }
}

/// A WebSocket frame's header: 2 B, up to 14 with a 64-bit length and a mask.
pub fn frame_header() -> Band {
    Band {
        expected: FRAME_HEADER_MIN_BYTES,
        lo: FRAME_HEADER_MIN_BYTES,
        hi: FRAME_HEADER_MAX_BYTES,
    }
}

/// One figure: the law, its band, the measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Formula {
    pub law: Law,
    pub band: Band,
    pub measured: f64,
}

impl Formula {
    /// Whether the measurement agrees with the textbook within the band.
    pub fn agrees(&self) -> bool {
        self.band.holds(self.measured)
    }
}

/// The textbook figures a step's `saw` can be drawn against (none for most steps).
pub fn formulas(saw: &Saw) -> Vec<Formula> {
    match *saw {
        Saw::HalfPeriod {
            period_ms,
            rtt_ms,
            jitter_ms,
            median_ms,
            ..
        } => vec![Formula {
            law: Law::HalfPeriod,
            band: half_period(period_ms, rtt_ms, jitter_ms),
            measured: median_ms,
        }],
        Saw::PollDelay {
            period_ms,
            median_ms,
            ..
        } => vec![Formula {
            law: Law::PollDelay,
            band: poll_delay(period_ms),
            measured: median_ms,
        }],
        Saw::HandshakeCost {
            rtt_ms,
            jitter_ms,
            new_median_ms,
            keep_median_ms,
        } => vec![
            Formula {
                law: Law::NewConnection,
                band: round_trips(2.0, rtt_ms, jitter_ms),
                measured: new_median_ms,
            },
            Formula {
                law: Law::KeepAlive,
                band: round_trips(1.0, rtt_ms, jitter_ms),
                measured: keep_median_ms,
            },
            Formula {
                law: Law::Handshake,
                band: handshake(rtt_ms),
                measured: new_median_ms - keep_median_ms,
            },
        ],
        Saw::RoundTrip {
            rtt_ms,
            jitter_ms,
            median_ms,
        } => vec![Formula {
            law: Law::WebSocket,
            band: round_trips(1.0, rtt_ms, jitter_ms),
            measured: median_ms,
        }],
        Saw::HeaderCost {
            poll_request_bytes,
            ws_frame_header_bytes,
            ..
        } => vec![
            Formula {
                law: Law::PollHeaders,
                band: poll_headers(),
                measured: poll_request_bytes as f64,
            },
            Formula {
                law: Law::FrameHeader,
                band: frame_header(),
                measured: ws_frame_header_bytes as f64,
            },
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_hold_their_ends_and_nothing_outside() {
        let b = round_trips(2.0, 50, 8);
        assert_eq!((b.expected, b.lo, b.hi), (108.0, 63.0, 153.0));
        assert!(b.holds(63.0) && b.holds(153.0) && !b.holds(62.9) && !b.holds(153.1));
        let h = handshake(50);
        assert_eq!((h.expected, h.lo, h.hi), (50.0, 32.5, 67.5));
        let h = half_period(500, 0, 0);
        assert_eq!((h.expected, h.lo, h.hi), (250.0, 172.5, 327.5));
        assert_eq!(Band::around(3.0, 10.0).lo, 0.0);
        let p = poll_headers();
        assert!(p.holds(900.0) && p.holds(450.0) && !p.holds(136.0));
        assert!(frame_header().holds(2.0) && frame_header().holds(14.0));
        assert!(!frame_header().holds(15.0));
    }

    #[test]
    fn only_steps_with_a_textbook_figure_have_formulas() {
        assert!(formulas(&Saw::Sessions { peak: 100 }).is_empty());
        let f = formulas(&Saw::HandshakeCost {
            rtt_ms: 50,
            jitter_ms: 8,
            new_median_ms: 108.4,
            keep_median_ms: 61.2,
        });
        let laws: Vec<Law> = f.iter().map(|f| f.law).collect();
        assert_eq!(laws, [Law::NewConnection, Law::KeepAlive, Law::Handshake]);
        assert!(f.iter().all(Formula::agrees));
        // Keep-alive as slow as a new connection: no handshake to see.
        let slow = formulas(&Saw::HandshakeCost {
            rtt_ms: 50,
            jitter_ms: 8,
            new_median_ms: 108.4,
            keep_median_ms: 108.4,
        });
        let agrees: Vec<bool> = slow.iter().map(Formula::agrees).collect();
        assert_eq!(agrees, [true, false, false]);
    }
}
