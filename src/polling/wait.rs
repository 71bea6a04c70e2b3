//! The one wait: its settings (deadline, pauses) and its final status as a future; the
//! polling itself is in `statuses`.

use std::{fmt, future::IntoFuture, sync::Arc, time::Duration};

use futures::{StreamExt, future::BoxFuture};

use super::JobStatus;
use crate::{
    Error, Operation,
    error::JobFailed,
    error::excerpt,
    retry::{Backoff, Spread},
    transport::EndpointSlot,
};

/// The shortest pause between polls, whatever `poll_interval` says: a server is not to be
/// asked hundreds of times a second.
pub(crate) const MIN_POLL_PAUSE: Duration = Duration::from_millis(100);

/// Reads the job's status once.
pub(super) type Poll<S> = Arc<dyn Fn() -> BoxFuture<'static, Result<S, Error>> + Send + Sync>;

/// Waits until a job on the vendor's side is over. Await it for the final status, or call
/// [`statuses`](Self::statuses) to see every poll. Created by the SDK's `wait_for_*`
/// methods, such as
/// [`energycap::Service::wait_for_distribution`](crate::energycap::Service::wait_for_distribution).
///
/// A deadline always applies: 10 minutes unless [`max_wait`](Self::max_wait) says
/// otherwise. The pause between polls starts at [`poll_interval`](Self::poll_interval) (1 s
/// by default) and grows by half each poll up to 30 s, each pause spread by jitter between
/// half and all of it; the last pause is cut short so that one poll happens right at the
/// deadline.
///
/// ```no_run
/// use std::time::Duration;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let done = client
///     .energycap()
///     .wait_for_distribution(1001)
///     .max_wait(Duration::from_secs(300))
///     .poll_interval(Duration::from_secs(5))
///     .await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::WaitTimeout`] at the deadline, with the last status; [`Error::JobFailed`] when
/// the vendor reports the job failed; the error of a poll that failed for good (a 404, a
/// refused credential). A poll that fails transiently ([`Error::is_retryable`]) is logged
/// and the wait goes on.
#[must_use = "a wait does nothing until it is awaited or `.statuses()` is polled"]
pub struct Wait<S> {
    pub(super) operation: Operation,
    pub(super) slot: EndpointSlot,
    pub(super) poll: Poll<S>,
    pub(super) max_wait: Duration,
    pub(super) backoff: Backoff,
}

impl<S> Clone for Wait<S> {
    fn clone(&self) -> Self {
        Self {
            operation: self.operation,
            slot: self.slot.clone(),
            poll: Arc::clone(&self.poll),
            max_wait: self.max_wait,
            backoff: self.backoff,
        }
    }
}

impl<S> fmt::Debug for Wait<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("operation", &self.operation)
            .field("max_wait", &self.max_wait)
            .field("poll_interval", &self.backoff.initial)
            .finish_non_exhaustive()
    }
}

impl<S> Wait<S> {
    /// A wait for `operation` that reads the status with `poll`, on the clock of `slot`'s
    /// client.
    pub(crate) fn new(
        operation: Operation,
        slot: EndpointSlot,
        poll: impl Fn() -> BoxFuture<'static, Result<S, Error>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            operation,
            slot,
            poll: Arc::new(poll),
            max_wait: Duration::from_secs(600),
            backoff: Backoff {
                initial: Duration::from_secs(1),
                max: Duration::from_secs(30),
                factor: 1.5,
                spread: Spread::Equal,
            },
        }
    }

    /// The longest to wait before [`Error::WaitTimeout`]. Default 10 minutes;
    /// `Duration::MAX` waits as long as the job runs.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The first pause between polls (it grows by half each poll, up to 30 s or this
    /// interval if longer). Default 1 s; no pause is shorter than 100 ms.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.backoff.initial = interval;
        self.backoff.max = self.backoff.max.max(interval);
        self
    }
}

/// The error of a job that failed: the vendor's words cut short, as in any error (the
/// whole status stays in [`JobFailed::status`]).
pub(crate) fn job_failed<S: JobStatus>(
    operation: Operation,
    message: Option<String>,
    status: S,
) -> Error {
    Error::JobFailed(Box::new(JobFailed {
        operation,
        message: message.map(|message| excerpt(message.as_bytes())),
        last_status: excerpt(status.status_text().as_bytes()),
        status: Box::new(status),
    }))
}

impl<S: JobStatus> IntoFuture for Wait<S> {
    type Output = Result<S, Error>;
    type IntoFuture = BoxFuture<'static, Result<S, Error>>;

    /// The final status, or the error that ended the wait.
    fn into_future(self) -> Self::IntoFuture {
        let operation = self.operation;
        let mut statuses = self.statuses();
        Box::pin(async move {
            let mut last = None;
            while let Some(item) = statuses.next().await {
                last = Some(item?);
            }
            // The stream always ends with a final status or an error; this guards the
            // impossible without a panic.
            last.ok_or_else(|| Error::invalid_input(operation, "the wait ended without a status"))
        })
    }
}
