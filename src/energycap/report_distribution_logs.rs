//! `GET /api/v202106/reportdistribution/log` — list report distribution logs.

use reqwest::Method;

use super::{ReportDistributionLog, operation};
use crate::{
    Error, Operation,
    pagination::{Undecodable, decode_each},
    transport::{Endpoint, EndpointSlot, Request},
};

const OPERATION: Operation = operation("list_report_distribution_logs");

/// Lists report distribution logs. Created by
/// [`Service::list_report_distribution_logs`](super::Service::list_report_distribution_logs).
///
/// EnergyCAP does not page this list: one call returns every log.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct ListReportDistributionLogs {
    slot: EndpointSlot,
    include_in_progress: Option<bool>,
}

impl ListReportDistributionLogs {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot, include_in_progress: None }
    }

    /// Also return runs that are still in progress (the server's default is `false`).
    pub fn include_in_progress(mut self, include: bool) -> Self {
        self.include_in_progress = Some(include);
        self
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// for log in client.energycap().list_report_distribution_logs().send().await? {
    ///     println!("{} {:?}", log.report_distribution_log_id, log.status);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConfigured`] without an EnergyCAP config; otherwise the transport's
    /// errors ([`Error::Api`] for an error status, [`Error::Decode`] for an unexpected body).
    pub async fn send(self) -> Result<Vec<ReportDistributionLog>, Error> {
        let endpoint = self.slot.get()?;
        endpoint.send_json(self.request(endpoint)).await
    }

    /// Sends the request and decodes each log on its own: the logs, and the ones that do
    /// not decode, so one odd log does not hide the others from a collector.
    pub(super) async fn send_each(
        self,
    ) -> Result<(Vec<ReportDistributionLog>, Vec<Undecodable>), Error> {
        let endpoint = self.slot.get()?;
        let logs: Vec<serde_json::Value> = endpoint.send_json(self.request(endpoint)).await?;
        Ok(decode_each(OPERATION, logs))
    }

    fn request(&self, endpoint: &Endpoint) -> Request {
        endpoint
            .request(OPERATION, Method::GET, &["reportdistribution", "log"])
            .query_opt("includeInProgress", self.include_in_progress)
    }
}
