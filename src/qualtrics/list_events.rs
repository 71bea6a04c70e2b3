//! `GET /API/v3/logs` — audit events of one activity type in a time window.

use std::{borrow::Cow, marker::PhantomData};

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use reqwest::Method;

use super::{ActivityType, Event, operation, paging};
use crate::{
    Operation, SortOrder,
    pagination::{Listing, Paginator, Query},
    transport::{EndpointSlot, Request},
};

const OPERATION: Operation = operation("list_events");

use paging::MAX_PAGE_SIZE;

/// Qualtrics' spelling of an order: `asc`, and `dsc` for newest first.
fn order_on_the_wire(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "dsc",
    }
}

/// Lists audit events of one activity type. Created by
/// [`Service::list_events`](super::Service::list_events) (events of an activity type `A`,
/// typed) or [`Service::list_events_raw`](super::Service::list_events_raw) (events of
/// [`Raw`](super::Raw), any activity type named at run time).
///
/// [`send`](Listing::send) reads one page; [`pages`](Listing::pages) and
/// [`items`](Listing::items) stream them all. The window is `start_date` inclusive to
/// `end_date` exclusive:
///
/// - **a start without an end reads up to now** (the client's clock, read once when the
///   listing starts), not the 7 days after the start that Qualtrics would read. That `now`
///   is not part of the listing's identity: a continuation saved in one process resumes
///   in another, and reads up to that process's now;
/// - an end without a start reads the 7 days before the end (Qualtrics' own rule: set
///   the start to read further back);
/// - neither reads Qualtrics' default, the last 7 days.
///
/// ```no_run
/// use auditkit::{SortOrder, qualtrics::Logins};
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let mut logins = client
///     .qualtrics()
///     .list_events::<Logins>()
///     .start_date(Utc::now() - Duration::days(1))
///     .end_date(Utc::now())
///     .order(SortOrder::Asc)
///     .page_size(1000)
///     .items();
/// while let Some(event) = logins.try_next().await? {
///     println!("{} {:?}", event.id, event.descriptor.username);
/// }
/// # Ok(()) }
/// ```
pub type ListEvents<A> = Listing<EventsQuery<A>>;

/// The filters of a [`ListEvents`] listing: its activity type and the query parameters of
/// `GET logs`. Set them with the listing's methods.
#[must_use = "a query does nothing until its listing is read"]
pub struct EventsQuery<A> {
    slot: EndpointSlot,
    activity_type: Cow<'static, str>,
    filters: Filters,
    activity: PhantomData<fn() -> A>,
}

#[derive(Debug, Clone, Default)]
struct Filters {
    organization_id: Option<String>,
    user_id: Option<String>,
    directory_id: Option<String>,
    group_id: Option<String>,
    contact_id: Option<String>,
    page_size: Option<u32>,
    order: Option<SortOrder>,
    start_date: Option<DateTime<Utc>>,
    end_date: Option<DateTime<Utc>>,
}

impl Filters {
    /// Everything Qualtrics would reject or misread, found before a request is made; `now`
    /// is the end of a window given only its start.
    fn check(&self, activity_type: &str, now: DateTime<Utc>) -> Result<(), String> {
        if activity_type.trim().is_empty() {
            return Err(
                "the activity type is empty; see `list_activity_types()` for the names (a `Raw` \
                 listing is named by `list_events_raw(name)`)"
                    .into(),
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
        if let (Some(start), None) = (self.start_date, self.end_date)
            && start >= now
        {
            return Err(format!(
                "`start_date` ({start}) is not before now ({now}); without `end_date` the \
                 listing reads up to now"
            ));
        }
        Ok(())
    }

    /// The `endDate` a window given only its start ends at: now.
    fn end_now(&self, now: DateTime<Utc>) -> Option<String> {
        (self.start_date.is_some() && self.end_date.is_none()).then(|| wire_date(&now))
    }

    fn apply(&self, activity_type: &str, request: Request) -> Request {
        request
            .query("activityType", activity_type)
            .query_opt("organizationId", self.organization_id.as_deref())
            .query_opt("userId", self.user_id.as_deref())
            .query_opt("directoryId", self.directory_id.as_deref())
            .query_opt("groupId", self.group_id.as_deref())
            .query_opt("contactId", self.contact_id.as_deref())
            .query_opt("pageSize", self.page_size)
            .query_opt("order", self.order.map(order_on_the_wire))
            .query_opt("startDate", self.start_date.as_ref().map(wire_date))
            .query_opt(
                "endDate",
                self.end_date.map(crate::datetime::end_in_millis).as_ref().map(wire_date),
            )
    }
}

fn wire_date(date: &DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl<A> ListEvents<A> {
    pub(super) fn new(slot: EndpointSlot, activity_type: Cow<'static, str>) -> Self {
        Listing::of(EventsQuery {
            slot,
            activity_type,
            filters: Filters::default(),
            activity: PhantomData,
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

    /// The order of events (`order`: `asc`, or `dsc` for [`SortOrder::Desc`]).
    pub fn order(mut self, order: SortOrder) -> Self {
        self.query.filters.order = Some(order);
        self
    }

    /// The window's start, inclusive (`startDate`). Without [`end_date`](Self::end_date),
    /// the listing reads up to now (see [`ListEvents`]).
    pub fn start_date(mut self, start: DateTime<Utc>) -> Self {
        self.query.filters.start_date = Some(start);
        self
    }

    /// The window's end, exclusive (`endDate`). Without
    /// [`start_date`](Self::start_date), Qualtrics reads the 7 days before it.
    pub fn end_date(mut self, end: DateTime<Utc>) -> Self {
        self.query.filters.end_date = Some(end);
        self
    }
}

impl<A: ActivityType> Query for EventsQuery<A> {
    type Item = Event<A>;

    fn paginator(self) -> Paginator<Event<A>> {
        let Self { slot, activity_type, filters, .. } = self;
        paging::listing(&slot, OPERATION, |endpoint| {
            let now = endpoint.timer().wall_clock();
            filters.check(&activity_type, now)?;
            let request = endpoint.request(OPERATION, Method::GET, &["logs"]);
            Ok((filters.apply(&activity_type, request), filters.end_now(now)))
        })
    }
}

impl<A> Clone for EventsQuery<A> {
    fn clone(&self) -> Self {
        Self {
            slot: self.slot.clone(),
            activity_type: self.activity_type.clone(),
            filters: self.filters.clone(),
            activity: PhantomData,
        }
    }
}

impl<A> std::fmt::Debug for EventsQuery<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventsQuery")
            .field("activity_type", &self.activity_type)
            .field("filters", &self.filters)
            .finish_non_exhaustive()
    }
}
