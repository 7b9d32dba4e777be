//! Limits both ends agree on; the server enforces them, the page shows them.

/// Largest `POST /api/echo` body the server reads, in bytes. Larger bodies get 413.
pub const HTTP_MAX_BODY_BYTES: usize = 64 * 1024;

/// Largest echo payload (GET query or POST body field), in bytes of UTF-8.
pub const ECHO_MAX_PAYLOAD_BYTES: usize = 32 * 1024;

/// Largest WebSocket message the server accepts; a larger one closes the session
/// with 1009 ("message too big").
pub const WS_MAX_MESSAGE_BYTES: usize = 64 * 1024;
