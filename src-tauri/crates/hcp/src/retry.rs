//! When and how long to wait before repeating a failed request.
//!
//! Rules (applied in [`crate::Client`]'s one send path):
//! * GET, PUT and DELETE are repeated after a 429, a 5xx, a 408, a timeout or
//!   a dropped connection, up to `max_attempts` tries in all: after a 429 once
//!   the server's `Retry-After` has passed (when it is at most
//!   `max_rate_limit_wait`, else the 429 is returned), otherwise after an
//!   exponential backoff with full jitter.
//! * POST (creates) is repeated only when the connection could not be opened,
//!   so the request provably never reached the server. Any other failure is
//!   returned, as [`crate::Error::OutcomeUnknown`] when the server may have
//!   acted on it.

//!
//! The policy itself (attempts, backoff with full jitter, the longest
//! `Retry-After` to sit out) is the GHL client's: one implementation for both.

pub use ghl::RetryPolicy;
