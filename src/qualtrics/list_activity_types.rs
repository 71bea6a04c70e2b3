//! `GET /API/v3/logs/activitytypes` — the activity types and their extra filters.

use std::sync::Arc;

use futures::TryStreamExt;

use super::{ActivityTypeInfo, operation, paging};
use crate::{Error, Operation, pagination::Paginator, transport::EndpointSlot};

const OPERATION: Operation = operation("list_activity_types");

/// Lists the activity types this account can query. Created by
/// [`Service::list_activity_types`](super::Service::list_activity_types).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct ListActivityTypes {
    slot: EndpointSlot,
}

impl ListActivityTypes {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot }
    }

    /// Sends the request. Qualtrics answers in one page; should it ever page, every page
    /// is read.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// for kind in client.qualtrics().list_activity_types().send().await? {
    ///     println!("{} accepts {:?}", kind.name, kind.additional_filters);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConfigured`] without a Qualtrics config; otherwise the transport's errors.
    pub async fn send(self) -> Result<Vec<ActivityTypeInfo>, Error> {
        let endpoint = self.slot.get()?.clone();
        let fetch = paging::pages(endpoint, OPERATION, &["logs", "activitytypes"], Arc::new(|r| r));
        Paginator::new(OPERATION, fetch).items().try_collect().await
    }
}
