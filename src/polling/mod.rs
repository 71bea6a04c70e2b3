//! Waiting for a job on the vendor's side: a stream of statuses that ends at a final one,
//! or at a deadline.
//!
//! Every `wait_for_*` call returns a [`Wait`]: it is `IntoFuture`
//! for the final status and offers [`statuses`](Wait::statuses), a [`Statuses`] stream of
//! each status seen. A deadline always applies ([`max_wait`](Wait::max_wait)), polls back
//! off with jitter, one last poll happens at the deadline before
//! [`Error::WaitTimeout`] is returned with the last status, a
//! job that fails ends the wait with [`Error::JobFailed`], and a
//! poll that fails transiently (a 503, a timeout) does not end the wait. Cancelling is
//! dropping the future or the stream.
//!
//! A vendor describes its job's states by implementing [`JobStatus`] on its model.

pub(crate) mod wait;

pub use wait::Wait;

use crate::Error;

/// Where a job stands, as a wait sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// Still running: poll again.
    Running,
    /// Over, and the status read is the result.
    Succeeded,
    /// Over, and the vendor reports a failure.
    Failed {
        /// Why, as the vendor says it, when it says.
        message: Option<String>,
    },
}

/// A model that tells where a job on the vendor's side stands. Implemented by the models
/// the SDK's `wait_for_*` calls read, such as
/// [`energycap::ReportDistributionLogDetail`](crate::energycap::ReportDistributionLogDetail).
///
/// ```
/// use auditkit::{energycap::ReportDistributionLogDetail, polling::{JobStatus, Progress}};
///
/// fn is_over(detail: &ReportDistributionLogDetail) -> bool {
///     detail.progress() != Progress::Running
/// }
/// ```
pub trait JobStatus: Send + Sync + 'static {
    /// What this status means for the wait.
    fn progress(&self) -> Progress;
    /// The status as the vendor spells it, for errors and logs.
    fn status_text(&self) -> String;
}

boxed_stream! {
    /// Each status a `wait_for_*` call reads, as a [`Stream`](futures::Stream). Ends after
    /// the final status; an error ([`Error::WaitTimeout`], [`Error::JobFailed`] or a failed
    /// poll) is the last item.
    ///
    /// `Send + Unpin + 'static`, so it can be moved into a task and used with `try_next()`.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut statuses = client.energycap().wait_for_distribution(42).statuses();
    /// while let Some(detail) = statuses.try_next().await? {
    ///     println!("{:?}", detail.log.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub struct Statuses<T> yields Result<T, Error>;
}
