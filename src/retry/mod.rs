//! When to try a request again, and how long to wait first.
//!
//! Small pieces, each in its own file: the [`RetryPolicy`] users configure, the retry
//! [decision], one [backoff] shared by retries and polls, the server's
//! [`Retry-After`](retry_after), and the [`Jitter`] source that spreads waits apart.

mod backoff;
mod decision;
mod jitter;
mod policy;
mod retry_after;

pub(crate) use backoff::{Backoff, Spread};
pub(crate) use decision::{FailureClass, RetryHint, should_retry};
pub use jitter::Jitter;
pub use policy::RetryPolicy;
pub(crate) use retry_after::{http_date, parse_retry_after};
