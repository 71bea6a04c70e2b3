//! `GET /v1/templates/{id}` — one report template.

use reqwest::Method;

use super::{Template, operation, protocol::advise, require_id};
use crate::{Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("get_template");

/// Reads one template. Created by [`Service::get_template`](super::Service::get_template).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetTemplate {
    slot: EndpointSlot,
    id: String,
}

impl GetTemplate {
    pub(super) fn new(slot: EndpointSlot, id: String) -> Self {
        Self { slot, id }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let template = client.reporter().get_template("00000000-0000-4000-8000-000000000001").send().await?;
    /// println!("{:?} makes {:?} files", template.description, template.output_format);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id, before any request; [`Error::Api`] with
    /// status 404 and code `TPL-0011` when there is no such template.
    pub async fn send(self) -> Result<Template, Error> {
        let endpoint = self.slot.get()?;
        require_id(OPERATION, "template id", &self.id)?;
        endpoint
            .send_json(endpoint.request(OPERATION, Method::GET, &["v1", "templates", &self.id]))
            .await
            .map_err(advise)
    }
}
