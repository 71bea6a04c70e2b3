//! `GET /API/v3/logs` — audit events of one activity type in a time window.

use std::{borrow::Cow, marker::PhantomData, sync::Arc};

use chrono::{DateTime, SecondsFormat, Utc};
use futures::StreamExt;
use serde::de::DeserializeOwned;

use super::{Event, operation, paging};
use crate::{
    Error, Operation,
    pagination::{Continuation, Items, Page, Pages, Paginator, PagingOptions},
    transport::{EndpointSlot, Request},
};

const OPERATION: Operation = operation("list_events");

/// The order of events in a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Order {
    /// Oldest first (`asc`).
    Asc,
    /// Newest first (sent as Qualtrics spells it: `dsc`).
    Desc,
}

impl Order {
    fn as_wire(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "dsc",
        }
    }
}

/// Lists audit events of one activity type. Created by
/// [`Service::list_events`](super::Service::list_events) (typed descriptors) or
/// [`Service::list_events_raw`](super::Service::list_events_raw) (`serde_json::Value`).
///
/// [`send`](Self::send) reads one page; [`pages`](Self::pages) and [`items`](Self::items)
/// stream them all. The window is `start_date` inclusive to `end_date` exclusive; Qualtrics
/// fills a missing end with start + 7 days and a missing start with end − 7 days.
///
/// ```no_run
/// use auditkit::qualtrics::{Logins, Order};
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let mut logins = client
///     .qualtrics()
///     .list_events::<Logins>()
///     .start_date(Utc::now() - Duration::days(1))
///     .end_date(Utc::now())
///     .order(Order::Asc)
///     .page_size(1000)
///     .items();
/// while let Some(event) = logins.try_next().await? {
///     println!("{} {:?}", event.id, event.descriptor.username);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a listing does nothing until `.send()`, `.pages()` or `.items()` is used"]
pub struct ListEvents<D> {
    slot: EndpointSlot,
    activity_type: Cow<'static, str>,
    filters: Filters,
    paging: PagingOptions,
    descriptor: PhantomData<fn() -> D>,
}

#[derive(Debug, Clone, Default)]
struct Filters {
    organization_id: Option<String>,
    user_id: Option<String>,
    directory_id: Option<String>,
    group_id: Option<String>,
    contact_id: Option<String>,
    page_size: Option<u32>,
    order: Option<Order>,
    start_date: Option<DateTime<Utc>>,
    end_date: Option<DateTime<Utc>>,
}

impl Filters {
    /// Everything Qualtrics would reject or misread, found before a request is made.
    fn check(&self, activity_type: &str) -> Result<(), String> {
        if activity_type.trim().is_empty() {
            return Err(
                "the activity type is empty; see `list_activity_types()` for the names".into()
            );
        }
        for (name, value) in [
            ("organization_id", &self.organization_id),
            ("user_id", &self.user_id),
            ("directory_id", &self.directory_id),
            ("group_id", &self.group_id),
            ("contact_id", &self.contact_id),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(format!("`{name}` is empty; leave it out to not filter on it"));
            }
        }
        if self.page_size == Some(0) {
            return Err("`page_size` must be at least 1".into());
        }
        if let (Some(start), Some(end)) = (self.start_date, self.end_date)
            && start >= end
        {
            return Err(format!(
                "`start_date` ({start}) is not before `end_date` ({end}); the window is start inclusive, end exclusive"
            ));
        }
        Ok(())
    }

    fn apply(&self, activity_type: &str, request: Request) -> Request {
        let date = |d: &DateTime<Utc>| d.to_rfc3339_opts(SecondsFormat::Millis, true);
        request
            .query("activityType", activity_type)
            .query_opt("organizationId", self.organization_id.as_deref())
            .query_opt("userId", self.user_id.as_deref())
            .query_opt("directoryId", self.directory_id.as_deref())
            .query_opt("groupId", self.group_id.as_deref())
            .query_opt("contactId", self.contact_id.as_deref())
            .query_opt("pageSize", self.page_size)
            .query_opt("order", self.order.map(Order::as_wire))
            .query_opt("startDate", self.start_date.as_ref().map(date))
            .query_opt("endDate", self.end_date.as_ref().map(date))
    }
}

impl<D> ListEvents<D> {
    pub(super) fn new(slot: EndpointSlot, activity_type: Cow<'static, str>) -> Self {
        Self {
            slot,
            activity_type,
            filters: Filters::default(),
            paging: PagingOptions::default(),
            descriptor: PhantomData,
        }
    }

    /// Only events of this brand (`organizationId`).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.filters.organization_id = Some(id.into());
        self
    }

    /// Only events of this user (`userId`).
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.filters.user_id = Some(id.into());
        self
    }

    /// Only events of this directory (`directoryId`).
    pub fn directory_id(mut self, id: impl Into<String>) -> Self {
        self.filters.directory_id = Some(id.into());
        self
    }

    /// Only events of this group (`groupId`).
    pub fn group_id(mut self, id: impl Into<String>) -> Self {
        self.filters.group_id = Some(id.into());
        self
    }

    /// Only events of this contact (`contactId`).
    pub fn contact_id(mut self, id: impl Into<String>) -> Self {
        self.filters.contact_id = Some(id.into());
        self
    }

    /// Events per page (`pageSize`); 1000 keeps the request count low.
    pub fn page_size(mut self, size: u32) -> Self {
        self.filters.page_size = Some(size);
        self
    }

    /// The order of events.
    pub fn order(mut self, order: Order) -> Self {
        self.filters.order = Some(order);
        self
    }

    /// The window's start, inclusive (`startDate`).
    pub fn start_date(mut self, start: DateTime<Utc>) -> Self {
        self.filters.start_date = Some(start);
        self
    }

    /// The window's end, exclusive (`endDate`).
    pub fn end_date(mut self, end: DateTime<Utc>) -> Self {
        self.filters.end_date = Some(end);
        self
    }

    /// Makes at most this many requests (the last page keeps its continuation).
    pub fn max_pages(mut self, max: u32) -> Self {
        self.paging.max_pages = Some(max);
        self
    }

    /// Fetches the next page while the caller works through the current one (at most two
    /// pages in memory).
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.paging.prefetch = prefetch;
        self
    }

    /// Continues a listing after the page that gave this continuation, with this builder's
    /// filters (use the same ones as the interrupted run).
    ///
    /// ```no_run
    /// use auditkit::{pagination::Continuation, qualtrics::Logins};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client, saved: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// let continuation: Continuation = serde_json::from_str(saved)?;
    /// let mut pages = client.qualtrics().list_events::<Logins>().resume(continuation).pages();
    /// while let Some(page) = pages.try_next().await? { /* … */ }
    /// # Ok(()) }
    /// ```
    pub fn resume(mut self, continuation: Continuation) -> Self {
        self.paging.resume = Some(continuation);
        self
    }
}

impl<D: DeserializeOwned + Default + Send + 'static> ListEvents<D> {
    fn paginator(self) -> Paginator<Event<D>> {
        let endpoint = match self.slot.get() {
            Ok(endpoint) => endpoint.clone(),
            Err(error) => return Paginator::refused(OPERATION, error),
        };
        if let Err(message) = self.filters.check(&self.activity_type) {
            return Paginator::refused(OPERATION, Error::invalid_input(OPERATION, message));
        }
        let (activity_type, filters) = (self.activity_type, self.filters);
        let fetch = paging::pages(
            endpoint,
            OPERATION,
            &["logs"],
            Arc::new(move |request| filters.apply(&activity_type, request)),
        );
        self.paging.apply(Paginator::new(OPERATION, fetch))
    }

    /// Reads one page: the first, or the one after [`resume`](Self::resume)'s continuation.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any request for an empty activity type or id, a zero
    /// page size, or a start not before the end; [`Error::Pagination`] for a `nextPage` on
    /// another origin; otherwise the transport's errors.
    pub async fn send(self) -> Result<Page<Event<D>>, Error> {
        let mut pages = self.max_pages(1).paginator().pages();
        match pages.next().await {
            Some(page) => page,
            None => Err(Error::invalid_input(OPERATION, "the listing ended before its first page")),
        }
    }

    /// Every page, lazily: no request before the first poll, one request at a time.
    pub fn pages(self) -> Pages<Event<D>> {
        self.paginator().pages()
    }

    /// Every event, lazily, page after page.
    pub fn items(self) -> Items<Event<D>> {
        self.paginator().items()
    }
}

impl<D> Clone for ListEvents<D> {
    fn clone(&self) -> Self {
        Self {
            slot: self.slot.clone(),
            activity_type: self.activity_type.clone(),
            filters: self.filters.clone(),
            paging: self.paging.clone(),
            descriptor: PhantomData,
        }
    }
}

impl<D> std::fmt::Debug for ListEvents<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListEvents")
            .field("activity_type", &self.activity_type)
            .field("filters", &self.filters)
            .field("paging", &self.paging)
            .finish_non_exhaustive()
    }
}
