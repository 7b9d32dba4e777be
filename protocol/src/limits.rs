//! Limits both ends agree on; the server enforces them, the page shows them.

/// Largest `POST /api/echo` body the server reads, in bytes. Larger bodies get 413.
pub const HTTP_MAX_BODY_BYTES: usize = 64 * 1024;

/// Largest echo payload (GET query or POST body field), in bytes of UTF-8. A GET's
/// payload must also fit, percent-encoded, in [`HTTP_MAX_TARGET_BYTES`].
pub const ECHO_MAX_PAYLOAD_BYTES: usize = 32 * 1024;

/// Longest request target (path and query) the server reads; a longer one gets 414.
pub const HTTP_MAX_TARGET_BYTES: usize = 8 * 1024;

/// Largest request head (request line and headers, cookies included) the server reads;
/// a larger one gets 431. Browsers send 0.5–2 KiB.
pub const HTTP_MAX_HEAD_BYTES: usize = 32 * 1024;

/// Most header lines in one request head (hyper's default too); more gets 431.
pub const HTTP_MAX_HEADERS: usize = 100;

/// Largest WebSocket message the server accepts; a larger one closes the session
/// with 1009 ("message too big").
pub const WS_MAX_MESSAGE_BYTES: usize = 64 * 1024;
