//! `GET /API/v3/logs` — audit events of one activity type in a time window.

use std::{borrow::Cow, marker::PhantomData, sync::Arc};

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde::de::DeserializeOwned;

use super::{Event, operation, paging};
use crate::{
    Error, Operation,
    pagination::{Listing, Paginator, Query, listing_identity},
    transport::{EndpointSlot, Request},
};

const OPERATION: Operation = operation("list_events");

/// The largest `pageSize` Qualtrics documents.
const MAX_PAGE_SIZE: u32 = 1000;

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
/// [`send`](Listing::send) reads one page; [`pages`](Listing::pages) and
/// [`items`](Listing::items) stream them all. The window is `start_date` inclusive to `end_date` exclusive; Qualtrics
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
pub type ListEvents<D> = Listing<EventsQuery<D>>;

/// The filters of a [`ListEvents`] listing: its activity type and the query parameters of
/// `GET logs`. Set them with the listing's methods.
#[must_use = "a query does nothing until its listing is read"]
pub struct EventsQuery<D> {
    slot: EndpointSlot,
    activity_type: Cow<'static, str>,
    filters: Filters,
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
        if let Some(size) = self.page_size
            && !(1..=MAX_PAGE_SIZE).contains(&size)
        {
            return Err(format!("`page_size` is {size}; Qualtrics takes 1 to {MAX_PAGE_SIZE}"));
        }
        for (name, date) in [("start_date", self.start_date), ("end_date", self.end_date)] {
            if let Some(date) = date
                && !(0..=9999).contains(&date.year())
            {
                return Err(format!(
                    "`{name}` ({date}) lies outside the years 0 to 9999 that an RFC 3339 date can \
                     spell; use a date within them"
                ));
            }
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

    /// What tells this listing apart from another: everything but the page size, which
    /// does not change which events a continuation leads to.
    fn identity(&self, activity_type: &str) -> String {
        let date = |d: &Option<DateTime<Utc>>| d.map(|d| d.to_rfc3339()).unwrap_or_default();
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        listing_identity(
            OPERATION,
            &[
                activity_type,
                &text(&self.organization_id),
                &text(&self.user_id),
                &text(&self.directory_id),
                &text(&self.group_id),
                &text(&self.contact_id),
                self.order.map_or("", Order::as_wire),
                &date(&self.start_date),
                &date(&self.end_date),
            ],
        )
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
        Listing::of(EventsQuery {
            slot,
            activity_type,
            filters: Filters::default(),
            descriptor: PhantomData,
        })
    }

    /// Only events of this brand (`organizationId`).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.query.filters.organization_id = Some(id.into());
        self
    }

    /// Only events of this user (`userId`).
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.query.filters.user_id = Some(id.into());
        self
    }

    /// Only events of this directory (`directoryId`).
    pub fn directory_id(mut self, id: impl Into<String>) -> Self {
        self.query.filters.directory_id = Some(id.into());
        self
    }

    /// Only events of this group (`groupId`).
    pub fn group_id(mut self, id: impl Into<String>) -> Self {
        self.query.filters.group_id = Some(id.into());
        self
    }

    /// Only events of this contact (`contactId`).
    pub fn contact_id(mut self, id: impl Into<String>) -> Self {
        self.query.filters.contact_id = Some(id.into());
        self
    }

    /// Events per page (`pageSize`, 1 to 1000); 1000 keeps the request count low.
    pub fn page_size(mut self, size: u32) -> Self {
        self.query.filters.page_size = Some(size);
        self
    }

    /// The order of events.
    pub fn order(mut self, order: Order) -> Self {
        self.query.filters.order = Some(order);
        self
    }

    /// The window's start, inclusive (`startDate`).
    pub fn start_date(mut self, start: DateTime<Utc>) -> Self {
        self.query.filters.start_date = Some(start);
        self
    }

    /// The window's end, exclusive (`endDate`).
    pub fn end_date(mut self, end: DateTime<Utc>) -> Self {
        self.query.filters.end_date = Some(end);
        self
    }
}

impl<D: DeserializeOwned + Default + Send + 'static> Query for EventsQuery<D> {
    type Item = Event<D>;

    fn paginator(self) -> Paginator<Event<D>> {
        let endpoint = match self.slot.get() {
            Ok(endpoint) => endpoint.clone(),
            Err(error) => return Paginator::refused(OPERATION, error),
        };
        if let Err(message) = self.filters.check(&self.activity_type) {
            return Paginator::refused(OPERATION, Error::invalid_input(OPERATION, message));
        }
        let identity = self.filters.identity(&self.activity_type);
        let (activity_type, filters) = (self.activity_type, self.filters);
        let fetch = paging::pages(
            endpoint,
            OPERATION,
            &["logs"],
            Arc::new(move |request| filters.apply(&activity_type, request)),
        );
        Paginator::new(OPERATION, fetch).identified(identity)
    }
}

impl<D> Clone for EventsQuery<D> {
    fn clone(&self) -> Self {
        Self {
            slot: self.slot.clone(),
            activity_type: self.activity_type.clone(),
            filters: self.filters.clone(),
            descriptor: PhantomData,
        }
    }
}

impl<D> std::fmt::Debug for EventsQuery<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventsQuery")
            .field("activity_type", &self.activity_type)
            .field("filters", &self.filters)
            .finish_non_exhaustive()
    }
}
