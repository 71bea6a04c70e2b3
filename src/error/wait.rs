//! A wait that ended without the job succeeding.

use std::{error::Error as StdError, fmt, time::Duration};

use super::bounded::{bounded_debug, debug_bounded, display_bounded};
use crate::Operation;

/// A `wait_for_*` deadline passed. See [`Error::WaitTimeout`](crate::Error::WaitTimeout).
pub struct WaitTimeout {
    pub(crate) operation: Operation,
    pub(crate) waited: Duration,
    pub(crate) polls: u32,
    pub(crate) last_status: Option<String>,
    /// How long the last status had been read without a change when the wait gave up.
    pub(crate) last_status_for: Duration,
}

bounded_debug!(WaitTimeout { operation, waited, polls, last_status, last_status_for });

impl WaitTimeout {
    /// How long the SDK waited.
    pub fn waited(&self) -> Duration {
        self.waited
    }
    /// How many times the status was read.
    pub fn polls(&self) -> u32 {
        self.polls
    }
    /// The last status the server reported, as the vendor spells it.
    pub fn last_status(&self) -> Option<&str> {
        self.last_status.as_deref()
    }
    /// How long the [`last_status`](Self::last_status) was seen without a change: from the
    /// first poll that read it to the deadline. A job stuck in one status for the whole wait
    /// shows it here (a report stuck in `PendingExtraction`, say).
    pub fn last_status_for(&self) -> Duration {
        self.last_status_for
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| {
            write!(
                f,
                "{} gave up after {:?} and {} polls; the last status was {}",
                self.operation,
                self.waited,
                self.polls,
                self.last_status.as_deref().unwrap_or("unknown"),
            )?;
            if self.last_status.is_some() {
                write!(f, ", seen for the last {:?}", self.last_status_for)?;
            }
            f.write_str("; the job may still finish: wait again with a larger `max_wait`")
        })
    }
}

impl StdError for WaitTimeout {}

/// A job the SDK waited for ended in failure on the vendor's side. See [`Error::JobFailed`](crate::Error::JobFailed).
///
/// It keeps the last status read, as the vendor spells it and as the SDK's model; use
/// [`status`](Self::status) to get the model back (a Reporter `Report`, for instance).
pub struct JobFailed {
    pub(crate) operation: Operation,
    pub(crate) message: Option<String>,
    pub(crate) last_status: String,
    pub(crate) status: Box<dyn std::any::Any + Send + Sync>,
}

impl JobFailed {
    /// The operation that waited.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// Why the job failed, as the vendor says it, when it says.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// The final status as the vendor spells it.
    pub fn last_status(&self) -> &str {
        &self.last_status
    }
    /// The final status as the SDK's model `T`, when `T` is the type the wait read.
    ///
    /// ```
    /// use auditkit::{Error, energycap::ReportDistributionLogDetail};
    ///
    /// fn failed_run(error: &Error) -> Option<&ReportDistributionLogDetail> {
    ///     match error {
    ///         Error::JobFailed(failed) => failed.status::<ReportDistributionLogDetail>(),
    ///         _ => None,
    ///     }
    /// }
    /// ```
    pub fn status<T: 'static>(&self) -> Option<&T> {
        self.status.downcast_ref()
    }
}

impl fmt::Debug for JobFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_bounded(f, &|f| {
            f.debug_struct("JobFailed")
                .field("operation", &self.operation)
                .field("message", &self.message)
                .field("last_status", &self.last_status)
                .finish_non_exhaustive()
        })
    }
}

impl fmt::Display for JobFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| {
            write!(f, "{} saw the job fail with status {}", self.operation, self.last_status)?;
            if let Some(message) = &self.message {
                write!(f, ": {message}")?;
            }
            f.write_str("; the vendor gave up on it, so fix the cause and start a new one")
        })
    }
}

impl StdError for JobFailed {}
