//! `GET /API/v3/logs/activitytypes` — the activity types and their extra filters.

use futures::TryStreamExt;
use reqwest::Method;

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
        let listing: Paginator<ActivityTypeInfo> = paging::listing(&self.slot, OPERATION, |at| {
            Ok((at.request(OPERATION, Method::GET, &["logs", "activitytypes"]), None))
        });
        listing.items().try_collect().await
    }
}
