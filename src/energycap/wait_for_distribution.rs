//! Waiting for a distribution run to finish, by polling its detail.

use super::{GetReportDistributionLog, Service, operation};
use crate::{Operation, polling::Wait, transport::EndpointSlot};

const OPERATION: Operation = operation("wait_for_distribution");

/// Waits until a distribution run reaches a final status; any other status, known or not,
/// keeps it polling. Created by [`Service::wait_for_distribution`] (and used by
/// [`RunReportDistribution::send_and_wait`](super::RunReportDistribution::send_and_wait));
/// see [`Wait`] for the deadline, the pauses and the errors.
///
/// Await it for the `Complete` [`ReportDistributionLogDetail`](super::ReportDistributionLogDetail),
/// or call [`statuses`](Wait::statuses) to see every poll. A run that ends `Not sent` or
/// `Some reports not sent` ends the wait with [`Error::JobFailed`](crate::Error::JobFailed)
/// (see [`DistributionStatus`](super::DistributionStatus)'s final statuses): its
/// [`message`](crate::JobFailed::message) is the run's `errors`, and the detail itself is
/// [`status::<ReportDistributionLogDetail>()`](crate::JobFailed::status):
///
/// ```no_run
/// use auditkit::{Error, energycap::ReportDistributionLogDetail};
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// match client.energycap().wait_for_distribution(1001).await {
///     Ok(done) => println!("sent to {:?} recipients", done.log.number_of_recipients),
///     Err(Error::JobFailed(failed)) => {
///         let detail = failed.status::<ReportDistributionLogDetail>();
///         eprintln!("{}: {:?}", failed.last_status(), detail.and_then(|d| d.errors.as_deref()));
///     }
///     Err(other) => return Err(other),
/// }
/// # Ok(()) }
/// ```
pub type WaitForDistribution = Wait<super::ReportDistributionLogDetail>;

pub(super) fn wait_for_distribution(service: &Service, id: i32) -> WaitForDistribution {
    wait_on(service.slot.clone(), id)
}

/// The wait for run `id`, reading its detail through `slot`.
pub(super) fn wait_on(slot: EndpointSlot, id: i32) -> WaitForDistribution {
    let reader = slot.clone();
    Wait::new(OPERATION, slot, move || {
        Box::pin(GetReportDistributionLog::new(reader.clone(), id).send())
    })
}
