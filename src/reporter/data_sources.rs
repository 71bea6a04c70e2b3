//! `GET /v1/data-sources` and `GET /v1/data-sources/{id}` — the data sources, and one with
//! its tables and fields.

use reqwest::Method;

use super::{DataSource, operation, protocol::advise};
use crate::{Error, Operation, transport::EndpointSlot};

const LIST: Operation = operation("list_data_sources");
const GET: Operation = operation("get_data_source");

/// Lists the data sources Reporter reads from (ids, names and kinds; no tables). Created
/// by [`Service::list_data_sources`](super::Service::list_data_sources). Not paged.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct ListDataSources {
    slot: EndpointSlot,
}

impl ListDataSources {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// for source in client.reporter().list_data_sources().send().await? {
    ///     println!("{} ({:?})", source.id, source.kind);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The transport's errors.
    pub async fn send(self) -> Result<Vec<DataSource>, Error> {
        let endpoint = self.slot.get()?;
        let request = endpoint.request(LIST, Method::GET, &["v1", "data-sources"]);
        endpoint.send_json(request).await.map_err(advise)
    }
}

/// Reads one data source with its tables and their fields: what a report filter may name.
/// Created by [`Service::get_data_source`](super::Service::get_data_source).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetDataSource {
    slot: EndpointSlot,
    id: String,
}

impl GetDataSource {
    pub(super) fn new(slot: EndpointSlot, id: String) -> Self {
        Self { slot, id }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let onboarding = client.reporter().get_data_source("midaz_onboarding").send().await?;
    /// for table in &onboarding.tables {
    ///     println!("{}: {}", table.name, table.fields.join(", "));
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id, before any request; [`Error::Api`] with 404
    /// `TPL-0011` for an unknown data source.
    pub async fn send(self) -> Result<DataSource, Error> {
        let endpoint = self.slot.get()?;
        if self.id.trim().is_empty() {
            return Err(Error::invalid_input(GET, "the data source id is empty"));
        }
        let request = endpoint.request(GET, Method::GET, &["v1", "data-sources", &self.id]);
        endpoint.send_json(request).await.map_err(advise)
    }
}
