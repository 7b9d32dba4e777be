//! The page's monotonic clock: `performance.now()` in milliseconds.

/// Milliseconds since the page started, with the browser's timer resolution
/// (about 100 µs, 5 µs when cross-origin isolated). 0 if there is no `performance`.
pub(crate) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The page's wall clock in µs since the Unix epoch for a `performance.now()` reading
/// (`performance.timeOrigin + at`), to compare with the server's clock.
pub(crate) fn unix_us_at(at_ms: f64) -> f64 {
    let origin = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.time_origin())
        .unwrap_or(0.0);
    (origin + at_ms) * 1000.0
}
