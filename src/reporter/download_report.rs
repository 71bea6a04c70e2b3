//! `GET /v1/reports/{id}/download` — a finished report's file, streamed.

use std::time::Duration;

use reqwest::Method;

use super::{operation, protocol::advise, require_id};
use crate::{Download, Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("download_report");

/// Downloads a report's file. Created by
/// [`Service::download_report`](super::Service::download_report).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct DownloadReport {
    slot: EndpointSlot,
    id: String,
    deadline: Option<Duration>,
}

impl DownloadReport {
    pub(super) fn new(slot: EndpointSlot, id: String) -> Self {
        Self { slot, id, deadline: None }
    }

    /// A limit on the whole download, from `send()` to the file's last byte, retries
    /// included. Without one, a download has no overall limit: the client's
    /// [`timeout`](crate::ClientBuilder::timeout) covers the wait for the file's head and
    /// then each read of its body as an idle wait (no byte for that long is an error), so a
    /// large file arriving slowly but steadily always completes.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client, id: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// let download = client
    ///     .reporter()
    ///     .download_report(id)
    ///     .deadline(Duration::from_secs(15 * 60))
    ///     .send()
    ///     .await?;
    /// download.write_to_path("report.csv").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// Past the deadline, the download's stream (or `send()`, if the head has not arrived)
    /// ends with an [`Error::Transport`] of kind
    /// [`Timeout`](crate::TransportErrorKind::Timeout) naming the deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sends the request and hands over the file as soon as its head arrives: the
    /// [`Download`] streams the bytes as they are read. Failures before the head (a 503, a
    /// 429 with `Retry-After`, a refused connection) are retried; once the file started,
    /// nothing is repeated.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client, id: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// let download = client.reporter().download_report(id).send().await?;
    /// let name = download.filename().unwrap_or("report").to_owned();
    /// download.write_to_path(name).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id, before any request; [`Error::Api`] with
    /// status 400 and code `TPL-0029` when the report is not `Finished` (wait for it with
    /// [`wait_for_report`](super::Service::wait_for_report) first), 404 `TPL-0011` when
    /// there is no such report; otherwise the transport's errors.
    pub async fn send(self) -> Result<Download, Error> {
        let endpoint = self.slot.get()?;
        require_id(OPERATION, "report id", &self.id)?;
        let request = endpoint
            .request(OPERATION, Method::GET, &["v1", "reports", &self.id, "download"])
            .deadline(self.deadline);
        Ok(Download::new(OPERATION, endpoint.send_streamed(request).await.map_err(advise)?))
    }
}
