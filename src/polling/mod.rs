//! Waiting for a job on the vendor's side: a stream of statuses that ends at a final one,
//! or at a deadline.
//!
//! Every `wait_for_*` call returns a [`Wait`]: it is `IntoFuture`
//! for the final status and offers [`statuses`](Wait::statuses), a [`Statuses`] stream of
//! each status seen. A deadline always applies ([`max_wait`](Wait::max_wait)), polls back
//! off with jitter, one last poll happens at the deadline before
//! [`Error::WaitTimeout`](crate::Error::WaitTimeout) is returned with the last status, a
//! job that fails ends the wait with [`Error::JobFailed`](crate::Error::JobFailed), and a
//! poll that fails transiently (a 503, a timeout) does not end the wait. Cancelling is
//! dropping the future or the stream.
//!
//! A vendor describes its job's states by implementing [`JobStatus`] on its status type:
//! that one answer to "is it over?" serves the waits and the collector's sources alike.
//!
//! One concept per file: what a status says (`job_status`), the wait's settings and its
//! future (`wait`), its polls as a stream (`statuses`).

mod job_status;
mod statuses;
pub(crate) mod wait;

pub use job_status::{JobStatus, Progress};
pub use statuses::Statuses;
pub use wait::Wait;

#[cfg(test)]
mod tests;
