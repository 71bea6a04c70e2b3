//! `GET /v1/reports/{id}` — one report and where it stands.

use reqwest::Method;

use super::{Report, operation, protocol::advise, require_id};
use crate::{Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("get_report");

/// Reads one report. Created by [`Service::get_report`](super::Service::get_report).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetReport {
    slot: EndpointSlot,
    id: String,
}

impl GetReport {
    pub(super) fn new(slot: EndpointSlot, id: String) -> Self {
        Self { slot, id }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let report = client.reporter().get_report("0196a5b2-0c8f-7d4e-9a41-4f3c2b1a0e9d").send().await?;
    /// println!("{:?} {:?}", report.status, report.error_message());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id, before any request; [`Error::Api`] with
    /// status 404 and code `TPL-0011` when there is no such report.
    pub async fn send(self) -> Result<Report, Error> {
        let endpoint = self.slot.get()?;
        require_id(OPERATION, "report id", &self.id)?;
        endpoint
            .send_json(endpoint.request(OPERATION, Method::GET, &["v1", "reports", &self.id]))
            .await
            .map_err(advise)
    }
}
