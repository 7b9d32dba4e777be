//! The page's monotonic clock: `performance.now()` in milliseconds.

/// Milliseconds since the page started, with the browser's timer resolution
/// (about 100 µs, 5 µs when cross-origin isolated). 0 if there is no `performance`.
pub(crate) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}
