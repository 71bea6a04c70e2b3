//! `GET /API/v3/audit-events` — the event names a bulk audit export can be made of.

use reqwest::{Method, StatusCode};
use serde::Deserialize;

use super::operation;
use crate::{Error, Operation, transport::EndpointSlot};

const OPERATION: Operation = operation("list_audit_event_names");

/// Lists the event names bulk audit exports take. Created by
/// [`Service::list_audit_event_names`](super::Service::list_audit_event_names).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct ListAuditEventNames {
    slot: EndpointSlot,
}

/// Both shapes seen: `{"result":{"elements":[…]}}` (the vendor's client) and
/// `{"events":[…]}` (its docs); each name a string or a `{"name": …}` object.
#[derive(Deserialize)]
#[serde(untagged)]
enum Names {
    Result { result: Elements },
    Events { events: Vec<Name> },
}

#[derive(Deserialize)]
struct Elements {
    #[serde(default)]
    elements: Vec<Name>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Name {
    Text(String),
    Object { name: String },
}

impl ListAuditEventNames {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// for name in client.qualtrics().list_audit_event_names().send().await? {
    ///     println!("{name}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// A datacenter without the bulk export API (Qualtrics' US Government one, say)
    /// answers 404: an [`Error::Api`] that says so (read events with
    /// [`list_events`](super::Service::list_events) there). Otherwise the transport's errors.
    pub async fn send(self) -> Result<Vec<String>, Error> {
        let endpoint = self.slot.get()?;
        let request = endpoint.request(OPERATION, Method::GET, &["audit-events"]);
        let answer = endpoint.send(request).await.map_err(without_bulk_api)?;
        let names = match answer.json::<Names>(OPERATION)? {
            Names::Result { result } => result.elements,
            Names::Events { events } => events,
        };
        let names = names.into_iter().map(|name| match name {
            Name::Text(name) | Name::Object { name } => name,
        });
        Ok(names.collect())
    }
}

/// A 404 on the bulk API's paths says the datacenter has none (the vendor's message kept).
pub(super) fn without_bulk_api(error: Error) -> Error {
    match error {
        Error::Api(mut api) if api.status == StatusCode::NOT_FOUND => {
            api.next_step = Some(
                "this datacenter has no bulk audit export API (the US Government one has \
                 none): read the events with `list_events` instead",
            );
            Error::Api(api)
        }
        other => other,
    }
}
