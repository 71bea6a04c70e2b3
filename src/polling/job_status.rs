//! What a status says about its job: running, over and good, or over and failed. Each
//! vendor status type answers once; the waits and the collector's sources both ask it.

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

impl Progress {
    /// Whether the job is over, as a success or a failure: it will not change again.
    ///
    /// ```
    /// use auditkit::polling::Progress;
    /// assert!(!Progress::Running.is_final());
    /// assert!(Progress::Failed { message: None }.is_final());
    /// ```
    pub fn is_final(&self) -> bool {
        !matches!(self, Progress::Running)
    }
}

/// A status that tells where a job on the vendor's side stands: the one place a vendor
/// says which of its statuses are final, and which of those are failures.
///
/// Implemented by the status types (such as
/// [`energycap::DistributionStatus`](crate::energycap::DistributionStatus) and
/// [`reporter::ReportStatus`](crate::reporter::ReportStatus)) and by the models the SDK's
/// `wait_for_*` calls read, which add what the status alone cannot say (Reporter's
/// `completedAt`, EnergyCAP's `errors`). A wait ends at a final status
/// ([`Error::JobFailed`](crate::Error::JobFailed) for a failure); a collector source
/// rechecks a subject until its state is final
/// ([`Collected::state_of`](crate::collect::Collected::state_of)).
///
/// ```
/// use auditkit::{energycap::ReportDistributionLogDetail, polling::JobStatus};
///
/// fn is_over(detail: &ReportDistributionLogDetail) -> bool {
///     detail.is_final()
/// }
/// ```
pub trait JobStatus: Send + Sync + 'static {
    /// What this status means for the wait.
    fn progress(&self) -> Progress;

    /// The status as the vendor spells it, for errors and logs.
    fn status_text(&self) -> String;

    /// Whether the job is over: [`progress`](Self::progress) is not `Running`.
    fn is_final(&self) -> bool {
        self.progress().is_final()
    }

    /// The status as a collected state's key spells it (`"{id}:{state}"`): its
    /// [`status_text`](Self::status_text) unless the type says otherwise (a model whose
    /// status is missing keeps an empty one, as its keys always had).
    fn state_text(&self) -> String {
        self.status_text()
    }
}
