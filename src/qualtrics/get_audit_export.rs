//! `GET /API/v3/audit-exports/{id}` — one bulk audit export, where it stands.

use reqwest::Method;

use super::{AuditExport, audit_export::Answer, operation};
use crate::{Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("get_audit_export");

/// Reads one bulk audit export. Created by
/// [`Service::get_audit_export`](super::Service::get_audit_export).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetAuditExport {
    slot: EndpointSlot,
    id: String,
}

impl GetAuditExport {
    pub(super) fn new(slot: EndpointSlot, id: String) -> Self {
        Self { slot, id }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let export = client.qualtrics().get_audit_export("AE_1").send().await?;
    /// println!("{:?} {:?}", export.status, export.file());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; otherwise the transport's errors.
    pub async fn send(self) -> Result<AuditExport, Error> {
        if self.id.trim().is_empty() {
            return Err(Error::invalid_input(OPERATION, "the export id is empty"));
        }
        let endpoint = self.slot.get()?;
        let request = endpoint.request(OPERATION, Method::GET, &["audit-exports", &self.id]);
        Ok(endpoint.send(request).await?.json::<Answer<AuditExport>>(OPERATION)?.result)
    }
}
