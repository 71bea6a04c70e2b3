//! `GET /api/v202106/reportdistribution/log/{reportDistributionLogId}/detail` — one log in detail.

use reqwest::Method;

use super::{ReportDistributionLogDetail, list_report_distribution_logs::PERMISSION, operation};
use crate::{Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("get_report_distribution_log");

/// Reads one report distribution log with its e-mail settings and errors. Created by
/// [`Service::get_report_distribution_log`](super::Service::get_report_distribution_log).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetReportDistributionLog {
    slot: EndpointSlot,
    report_distribution_log_id: i32,
}

impl GetReportDistributionLog {
    pub(super) fn new(slot: EndpointSlot, report_distribution_log_id: i32) -> Self {
        Self { slot, report_distribution_log_id }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let detail = client.energycap().get_report_distribution_log(7).send().await?;
    /// if let Some(errors) = &detail.errors {
    ///     eprintln!("run 7: {errors}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 when there is no such log, 401 or 403 when the key's
    /// user lacks `DistributedReportsSettings (Manage)` (the advice says so); see also
    /// [`ListReportDistributionLogs::send`](super::ListReportDistributionLogs::send).
    pub async fn send(self) -> Result<ReportDistributionLogDetail, Error> {
        let endpoint = self.slot.get()?;
        let id = self.report_distribution_log_id.to_string();
        let request =
            endpoint.request(OPERATION, Method::GET, &["reportdistribution", "log", &id, "detail"]);
        endpoint.send_json(request.when_refused(PERMISSION)).await
    }
}
