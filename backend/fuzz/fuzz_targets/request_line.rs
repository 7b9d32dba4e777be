//! The connection layer's request-line sniffing (`conn/link.rs`, through
//! `backend::fuzzing`): the first byte picks how the stream is cut into reads, the rest is
//! what a client sends first. The bytes are read as the link reads them — read after read
//! until `line_decided` — and then:
//!
//! - deciding is final: a decided prefix stays decided however many bytes follow;
//! - when the link stopped with the whole request line (or `MAX_LINE` bytes, or the end of
//!   the stream), `model_in_head` of what it read equals `model_in_head` of everything
//!   sent, so how the bytes arrive never changes the model;
//! - when it stopped early (what it read cannot start a request line: not capitals, or a
//!   method over 16 letters), it reads no model, and neither does the whole line;
//! - a model read lies within its caps.

#![no_main]

use backend::fuzzing::{MAX_LINE, line_decided, model_in_head};
use libfuzzer_sys::fuzz_target;
use protocol::emulate::{MAX_JITTER_MS, MAX_RTT_MS};

/// The link's read size (`sniff_line`'s buffer).
const READ: usize = 2048;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, sent)) = data.split_first() else {
        return;
    };
    // Read sizes from 1 to READ, varied by the first byte.
    let mut x = u64::from(cut) | 0x100;
    let mut read = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if cut & 1 == 0 {
            READ
        } else {
            (x % READ as u64) as usize + 1
        }
    };
    let mut sniff: Vec<u8> = Vec::new();
    while sniff.is_empty() || !line_decided(&sniff) {
        if sniff.len() == sent.len() {
            break; // the stream ended
        }
        let n = read().min(sent.len() - sniff.len());
        sniff.extend_from_slice(&sent[sniff.len()..sniff.len() + n]);
    }
    let decided = !sniff.is_empty() && line_decided(&sniff);
    if decided {
        assert!(
            line_decided(sent),
            "decided on {sniff:?}, undecided on more"
        );
        if sniff.len() < sent.len() {
            assert!(line_decided(&sent[..=sniff.len()]));
        }
    }
    let whole = model_in_head(sent);
    let read_model = model_in_head(&sniff);
    let complete = sniff.contains(&b'\n') || sniff.len() >= MAX_LINE || sniff.len() == sent.len();
    if complete {
        assert_eq!(
            read_model,
            whole,
            "read {} of {} bytes",
            sniff.len(),
            sent.len()
        );
    } else {
        assert_eq!(read_model, None, "{sniff:?}");
        assert_eq!(whole, None, "stopped early on {sniff:?}");
    }
    if let Some(m) = whole {
        assert!(u64::from(m.rtt_ms) <= MAX_RTT_MS && u64::from(m.jitter_ms) <= MAX_JITTER_MS);
    }
});
