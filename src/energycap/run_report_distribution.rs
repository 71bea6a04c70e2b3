//! `POST /api/v202106/reportdistribution/{reportDistributionId}/exec` — run a distribution now.

use reqwest::Method;
use serde::Serialize;

use super::{ReportDistributionLog, ReportDistributionLogDetail, operation, wait_for_distribution};
use crate::{Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("run_report_distribution");

/// Starts a run of a report distribution. Created by
/// [`Service::run_report_distribution`](super::Service::run_report_distribution).
///
/// EnergyCAP answers at once with the run's log, `In Progress`; wait for it with
/// [`wait_for_distribution`](super::Service::wait_for_distribution), or use
/// [`send_and_wait`](Self::send_and_wait) for both steps.
///
/// Not idempotent: each call sends the reports again. The SDK therefore retries it only
/// when the request never left (a refused connection), never after a 5xx or a timeout.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct RunReportDistribution {
    slot: EndpointSlot,
    report_distribution_id: i32,
    override_user_ids: Option<Vec<i32>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecBody<'a> {
    override_user_ids: &'a [i32],
}

impl RunReportDistribution {
    pub(super) fn new(slot: EndpointSlot, report_distribution_id: i32) -> Self {
        Self { slot, report_distribution_id, override_user_ids: None }
    }

    /// Sends the reports to these users instead of the distribution's own recipients.
    pub fn override_user_ids(mut self, user_ids: impl IntoIterator<Item = i32>) -> Self {
        self.override_user_ids = Some(user_ids.into_iter().collect());
        self
    }

    /// Starts the run; the answer is its log, normally `In Progress`.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let run = client.energycap().run_report_distribution(42).override_user_ids([7, 9]).send().await?;
    /// let done = client.energycap().wait_for_distribution(run.report_distribution_log_id).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty `override_user_ids` list (EnergyCAP would send
    /// to nobody); [`Error::Api`] with status 404 for an unknown distribution.
    pub async fn send(self) -> Result<ReportDistributionLog, Error> {
        let endpoint = self.slot.get()?;
        let id = self.report_distribution_id.to_string();
        let mut request =
            endpoint.request(OPERATION, Method::POST, &["reportdistribution", &id, "exec"]);
        if let Some(user_ids) = &self.override_user_ids {
            if user_ids.is_empty() {
                return Err(Error::invalid_input(
                    OPERATION,
                    "`override_user_ids` is empty: leave it out to use the distribution's recipients",
                ));
            }
            request = request.json_body(&ExecBody { override_user_ids: user_ids })?;
        }
        endpoint.send_json(request).await
    }

    /// Starts the run, then waits for it with
    /// [`wait_for_distribution`](super::Service::wait_for_distribution)'s defaults (10
    /// minutes at most); the answer is the `Complete` run's detail. For another deadline,
    /// call [`send`](Self::send), then `wait_for_distribution(id).max_wait(..)`.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let done = client.energycap().run_report_distribution(42).send_and_wait().await?;
    /// println!("run {} sent", done.log.report_distribution_log_id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Those of [`send`](Self::send), then those of the wait: [`Error::JobFailed`] when
    /// the run ends `Not sent` or `Some reports not sent` (the detail, with its `errors`,
    /// kept in the error), [`Error::WaitTimeout`] at the deadline.
    pub async fn send_and_wait(self) -> Result<ReportDistributionLogDetail, Error> {
        let slot = self.slot.clone();
        let run = self.send().await?;
        wait_for_distribution::wait_on(slot, run.report_distribution_log_id).await
    }
}
