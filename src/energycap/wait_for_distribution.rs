//! Waiting for a distribution run to finish, by polling its detail.

use super::{ReportDistributionLogDetail, Service, operation};
use crate::{
    Operation,
    polling::{JobStatus, Progress, Wait},
};

const OPERATION: Operation = operation("wait_for_distribution");

/// Waits until a distribution run reaches a final status (`Complete`, `Not sent`, `Some
/// reports not sent`); any other status, known or not, keeps it polling. Created by
/// [`Service::wait_for_distribution`]; see [`Wait`] for the deadline, the pauses and the
/// errors.
///
/// Await it for the final [`ReportDistributionLogDetail`] (any final status, including
/// `Not sent`: check `log.status` and `errors`), or call
/// [`statuses`](Wait::statuses) to see every poll.
pub type WaitForDistribution = Wait<ReportDistributionLogDetail>;

pub(super) fn wait_for_distribution(service: &Service, id: i32) -> WaitForDistribution {
    let reader = service.clone();
    Wait::new(OPERATION, service.slot.clone(), move || {
        Box::pin(reader.get_report_distribution_log(id).send())
    })
}

/// A run is over at any known final status: `Not sent` is the run's result, not a failure
/// of the wait, so the caller reads it from the detail. An unknown status keeps the wait
/// polling.
impl JobStatus for ReportDistributionLogDetail {
    fn progress(&self) -> Progress {
        match &self.log.status {
            Some(status) if status.is_finished() => Progress::Succeeded,
            _ => Progress::Running,
        }
    }

    fn status_text(&self) -> String {
        self.log.status.as_ref().map_or_else(|| "(no status)".to_owned(), |s| s.as_str().to_owned())
    }
}
