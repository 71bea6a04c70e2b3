//! `DELETE /v1/templates/{id}` — delete a template.

use reqwest::Method;

use super::{operation, protocol::advise, require_id};
use crate::{Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("delete_template");

/// Deletes a template. Created by
/// [`Service::delete_template`](super::Service::delete_template).
///
/// Reporter answers 204. Deleting is repeated after a lost answer like a read; a repeat
/// that finds the template already gone (404 `TPL-0011`) counts as done, since the
/// template is gone either way.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct DeleteTemplate {
    slot: EndpointSlot,
    id: String,
}

impl DeleteTemplate {
    pub(super) fn new(slot: EndpointSlot, id: String) -> Self {
        Self { slot, id }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// client.reporter().delete_template("00000000-0000-4000-8000-000000000001").send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id, before any request; 400 `TPL-0009` for an
    /// id that is not a UUID;
    /// [`Error::Api`] with 404 `TPL-0011` when there was no such template at the first
    /// attempt.
    pub async fn send(self) -> Result<(), Error> {
        let endpoint = self.slot.get()?;
        require_id(OPERATION, "template id", &self.id)?;
        let request = endpoint.request(OPERATION, Method::DELETE, &["v1", "templates", &self.id]);
        match endpoint.send(request).await {
            Ok(_) => Ok(()),
            // The first attempt's answer was lost, and the template is gone.
            Err(crate::Error::Api(api))
                if api.status() == reqwest::StatusCode::NOT_FOUND && api.attempts > 1 =>
            {
                Ok(())
            }
            Err(error) => Err(advise(error)),
        }
    }
}
