//! `GET /v1/reports` — reports, filtered by status, template and creation day, by page.

use chrono::NaiveDate;
use reqwest::Method;

use super::{Report, ReportStatus, SortOrder, operation, page_options::PageOptions, paging};
use crate::{
    Operation,
    pagination::{Listing, Paginator, Query},
    transport::{EndpointSlot, Request},
};

const OPERATION: Operation = operation("list_reports");

/// Lists reports. Created by [`Service::list_reports`](super::Service::list_reports).
///
/// [`send`](Listing::send) reads one page; [`pages`](Listing::pages) and
/// [`items`](Listing::items) stream them all, page number after page number. Reporter's
/// `total` counts only the page it answers with, so the listing ends at the first page
/// holding fewer than `limit` items.
///
/// # Reports created or deleted during a listing
///
/// Reporter (1.1 and later) lists reports newest first, by page number over an offset.
/// A report created while a listing runs pushes every older report down one place, so the
/// last reports of a page come again at the top of the next one: the listing drops those,
/// keeping only the ids of the previous page (memory stays one page of ids), and logs how
/// many it dropped. Each report is therefore delivered once, as long as fewer than `limit`
/// reports are created between two page reads (more would push a report past the whole
/// next page), and except across a [`resume`](Listing::resume), which starts with no
/// previous page. The reports created during the listing are not in it: list again, or
/// use the [`ReportSource`](super::ReportSource), to see them.
///
/// A report **deleted** during a listing pulls every older one up a place: the first
/// report of the next page was on the page just read, so it is **skipped**, once per
/// deletion. Reporter's API has no route that deletes a report, but a report removed from
/// its database while you list has this effect; if that can happen, list again and
/// compare.
///
/// ```no_run
/// use auditkit::reporter::{ReportStatus, SortOrder};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let mut finished = client
///     .reporter()
///     .list_reports()
///     .status(ReportStatus::Finished)
///     .sort_order(SortOrder::Asc)
///     .limit(100)
///     .items();
/// while let Some(report) = finished.try_next().await? {
///     println!("{} {:?}", report.id, report.completed_at);
/// }
/// # Ok(()) }
/// ```
pub type ListReports = Listing<ReportsQuery>;

/// The filters of a [`ListReports`] listing. Set them with the listing's methods.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until its listing is read"]
pub struct ReportsQuery {
    slot: EndpointSlot,
    filters: Filters,
}

#[derive(Debug, Clone, Default)]
struct Filters {
    status: Option<ReportStatus>,
    template_id: Option<String>,
    created_at: Option<NaiveDate>,
    page: PageOptions,
}

impl Filters {
    /// Refuses what Reporter would silently ignore: a `template_id` that is not a UUID
    /// makes it list every template's reports.
    fn check(&self) -> Result<(), String> {
        match self.template_id.as_deref() {
            Some(id) if id.trim().is_empty() => {
                Err("`template_id` is empty; leave it out to list every template's reports".into())
            }
            Some(id) if uuid::Uuid::parse_str(id.trim()).is_err() => Err(format!(
                "`template_id` `{id}` is not a UUID; Reporter would ignore it and list every \
                 template's reports (see `list_templates` for the ids)"
            )),
            _ => Ok(()),
        }
    }

    fn apply(&self, request: Request) -> Request {
        request
            .query_opt("status", self.status.as_ref().map(ReportStatus::as_str))
            .query_opt("template_id", self.template_id.as_deref().map(str::trim))
            .query_opt("created_at", self.created_at.map(|day| day.format("%Y-%m-%d")))
    }
}

impl ListReports {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Listing::of(ReportsQuery { slot, filters: Filters::default() })
    }

    /// Only reports with this status (`status`). Reporter matches it exactly against the
    /// stored spelling, so it is sent as `Processing`, `Finished` or `Error` whatever case
    /// the server writes in its answers.
    pub fn status(mut self, status: ReportStatus) -> Self {
        self.query.filters.status = Some(status);
        self
    }

    /// Only reports made from this template (`template_id`). An id that is not a UUID is
    /// refused before sending ([`Error::InvalidInput`](crate::Error::InvalidInput)):
    /// Reporter would ignore it and list every template's reports.
    pub fn template_id(mut self, id: impl Into<String>) -> Self {
        self.query.filters.template_id = Some(id.into());
        self
    }

    /// Only reports asked for on this day, UTC (`created_at=YYYY-MM-DD`).
    pub fn created_at(mut self, day: NaiveDate) -> Self {
        self.query.filters.created_at = Some(day);
        self
    }

    /// Reports per page (`limit`), 1 to 100; Reporter's default is 10.
    pub fn limit(mut self, limit: u32) -> Self {
        self.query.filters.page.limit = Some(limit);
        self
    }

    /// The order by creation time (`sort_order`). **Reporter 1.1 and later ignore it for
    /// reports**, which are always listed newest first; it is sent for older servers, and it
    /// tells continuations apart.
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.query.filters.page.sort_order = Some(order);
        self
    }
}

impl Query for ReportsQuery {
    type Item = Report;

    fn paginator(self) -> Paginator<Report> {
        let Self { slot, filters } = self;
        let envelope = paging::ReporterPages::new(filters.page.limit)
            .without_overlap(|report: &Report| report.id.as_str());
        Paginator::over(&slot, OPERATION, envelope, |endpoint| {
            filters.check()?;
            let request = endpoint.request(OPERATION, Method::GET, &["v1", "reports"]);
            filters.page.apply(filters.apply(request))
        })
    }
}
