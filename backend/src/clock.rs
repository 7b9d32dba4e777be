//! Wall-clock timestamps as the wire carries them.

use std::time::{SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch on the server's clock (0 if the clock is before 1970).
pub(crate) fn unix_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}
