//! `GET /rest/reports/auditLog` — the audit log of one report type over a date range,
//! read one pageQuery page, page by page, by scroll, or month by month.

use std::{ops::Range, sync::Arc};

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use reqwest::Method;

use super::{
    AuditLogEntry, GetAuditLogPage, ReportType,
    answer::{Fetched, fetch_page},
    config::Settings,
    operation, page, range,
    range::Span,
    scroll,
};
use crate::{
    Error, Operation,
    datetime::calendar_months,
    pagination::{Items, Listing, Pages, Paginator, Query, Undecodable, listing_identity},
    transport::{Endpoint, EndpointSlot, Request},
};

pub(super) const OPERATION: Operation = operation("audit_log");

/// The audit log of one report type over `[from, to)`. Created by
/// [`Service::audit_log`](super::Service::audit_log).
///
/// Pick how to read it:
///
/// | method | reads | range | gives |
/// |---|---|---|---|
/// | [`items`](Self::items) | month by month, each month scrolled | any, within the past 6 months | every entry, one ordered [`Items`] stream |
/// | [`item_pages`](Self::item_pages) | the same | the same | the pages [`items`](Self::items) flattens, each with its [`Continuation`](crate::pagination::Continuation) |
/// | [`scroll`](Self::scroll) | one scroll (`queryType=scroll`) | one calendar month | every entry, as [`Pages`] |
/// | [`pages`](Self::pages) | pageQuery pages 1, 2, … | one calendar month | the first 10,000 entries, as [`Pages`] |
/// | [`page`](Self::page) | one pageQuery page | one calendar month | one [`AuditLogPage`](super::AuditLogPage) with the totals |
///
/// ```no_run
/// use auditkit::everbridge::ReportType;
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let (from, to) = (Utc::now() - Duration::days(90), Utc::now());
/// let mut entries = client.everbridge().audit_log(ReportType::Security, from, to).prefetch(true).items();
/// while let Some(entry) = entries.try_next().await? {
///     println!("{:?} {:?} {:?}", entry.event_time, entry.user_name, entry.operation_type);
/// }
/// # Ok(()) }
/// ```
///
/// The paging settings of every [`Listing`] apply to the streams: `max_pages`, `prefetch`,
/// `concurrency` (months read at once by `items` and `item_pages`), `skip_undecodable`,
/// and `resume` with a continuation saved from the same report type and range (by pageQuery
/// for `pages`, by scroll for the others). The streams are lazy: nothing is checked or
/// sent before the first poll.
///
/// # Errors
///
/// Each stream first yields [`Error::InvalidInput`], with no request made, when `from` is
/// not before `to`, when the range starts on a day more than 6 months before the
/// client's [`Timer::wall_clock`](crate::Timer::wall_clock) (UTC), when a one-month method gets a range
/// across months, or (with [`Config::date_only`](super::Config::date_only)) when the range
/// does not start and end at midnight UTC. Everbridge's refusals are
/// [`BusinessErrorKind`](super::BusinessErrorKind)s. A scroll that expired on the server
/// is an [`Error::Pagination`] whose
/// [`continuation`](crate::PaginationError::continuation) resumes without loss or
/// duplicate.
pub type AuditLog = Listing<AuditLogRange>;

/// What an [`AuditLog`] reads: the report type and the range, for the client's Everbridge
/// configuration.
#[derive(Debug, Clone)]
#[must_use = "an audit log does nothing until it is read"]
pub struct AuditLogRange {
    slot: EndpointSlot,
    settings: Settings,
    report_type: ReportType,
    range: Range<DateTime<Utc>>,
}

/// What every request of one audit log carries.
#[derive(Debug, Clone)]
pub(super) struct Target {
    endpoint: Endpoint,
    settings: Settings,
    report_type: ReportType,
}

impl Target {
    /// `GET reports/auditLog` for `range`, before the mode's parameters.
    pub(super) fn request(&self, range: &Range<DateTime<Utc>>) -> Request {
        let request = self
            .endpoint
            .request(OPERATION, Method::GET, &["reports", "auditLog"])
            .query("reportType", self.report_type.as_str());
        range::apply(request, range, self.settings)
    }

    /// What tells a listing's continuations apart from another's: how it reads (pageQuery
    /// or scroll), the report type and the range.
    fn identity(&self, mode: &str, range: &Range<DateTime<Utc>>) -> String {
        let (from, to) = (range.start.to_rfc3339(), range.end.to_rfc3339());
        listing_identity(OPERATION, &[mode, self.report_type.as_str(), &from, &to])
    }

    pub(super) async fn fetch(&self, request: Request) -> Result<Fetched, Error> {
        fetch_page(&self.endpoint, request, self.settings).await
    }
}

impl AuditLogRange {
    /// The checked range and what its requests carry, or why no request can be made.
    pub(super) fn target(self, span: Span) -> Result<(Target, Range<DateTime<Utc>>), Error> {
        let endpoint = self.slot.get()?.clone();
        if self.report_type.as_str().trim().is_empty() {
            return Err(Error::invalid_input(
                OPERATION,
                "the report type is empty; use ReportType::Security or ReportType::Contact",
            ));
        }
        let now = endpoint.timer().wall_clock();
        range::check(OPERATION, &self.range, span, now, self.settings)?;
        let target = Target { endpoint, settings: self.settings, report_type: self.report_type };
        Ok((target, self.range))
    }
}

impl AuditLog {
    pub(super) fn new(
        slot: EndpointSlot,
        settings: Settings,
        report_type: ReportType,
        range: Range<DateTime<Utc>>,
    ) -> Self {
        Listing::of(AuditLogRange { slot, settings, report_type, range })
    }

    /// One pageQuery page (`queryType=pageQuery&pageNo=number`), 1 to 100, of a range
    /// within one calendar month; the page tells the month's totals. The listing's paging
    /// settings (`max_pages`, `prefetch`, `resume`) do not apply to one page.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{DateTime, Utc};
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let from: DateTime<Utc> = "2026-05-01T00:00:00Z".parse()?;
    /// let to: DateTime<Utc> = "2026-06-01T00:00:00Z".parse()?;
    /// let first = client.everbridge().audit_log(ReportType::Contact, from, to).page(1).send().await?;
    /// println!("{:?} entries in May", first.total_count);
    /// # Ok(()) }
    /// ```
    pub fn page(self, number: u32) -> GetAuditLogPage {
        GetAuditLogPage::new(self.query, number)
    }

    /// Every pageQuery page of a range within one calendar month, from page 1 to the last
    /// (`totalPageCount`).
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{DateTime, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let (from, to): (DateTime<Utc>, DateTime<Utc>) =
    ///     ("2026-05-01T00:00:00Z".parse()?, "2026-06-01T00:00:00Z".parse()?);
    /// let mut pages = client.everbridge().audit_log(ReportType::Security, from, to).max_pages(3).pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("page {}: {} entries", page.number(), page.len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// pageQuery reaches only the first 10,000 entries (100 pages) of a range: after page
    /// 100 of a fuller month the stream ends with an [`Error::Pagination`] that says to use
    /// [`scroll`](Self::scroll) or [`items`](Self::items), which have no such limit.
    pub fn pages(self) -> Pages<AuditLogEntry> {
        self.with_query(PageQuery).pages()
    }

    /// Every entry of a range within one calendar month, in one scroll: opened with
    /// `pageNo=0&queryType=scroll`, continued with the `scrollId` each answer gives back,
    /// ended by the first answer without entries.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{Duration, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (from, to) = (Utc::now() - Duration::hours(12), Utc::now());
    /// let mut batches = client.everbridge().audit_log(ReportType::Contact, from, to).scroll();
    /// while let Some(batch) = batches.try_next().await? {
    ///     println!("{} entries", batch.len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// A range that crosses a month boundary (UTC) is refused; `.items()` takes it.
    pub fn scroll(self) -> Pages<AuditLogEntry> {
        self.with_query(ScrollQuery).pages()
    }

    /// Every entry of any range within the past 6 months, oldest month first: the range is
    /// split into calendar months (UTC), each month scrolled. An empty month is fine.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{Duration, Utc};
    /// use futures::{StreamExt, TryStreamExt};
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (from, to) = (Utc::now() - Duration::days(100), Utc::now());
    /// let failures = client
    ///     .everbridge()
    ///     .audit_log(ReportType::Security, from, to)
    ///     .items()
    ///     .try_filter(|entry| std::future::ready(entry.event_result.as_deref() == Some("Failure")))
    ///     .count()
    ///     .await;
    /// println!("{failures} failed operations");
    /// # Ok(()) }
    /// ```
    ///
    /// To save progress as you go, read [`item_pages`](Self::item_pages) instead.
    pub fn items(self) -> Items<AuditLogEntry> {
        self.with_query(MonthsQuery).items()
    }

    /// The pages [`items`](Self::items) reads, each with the continuation that resumes
    /// right after it: in the right month, at the right place.
    ///
    /// ```no_run
    /// use auditkit::{everbridge::ReportType, pagination::Continuation};
    /// use chrono::{Duration, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client, saved: Option<Continuation>) -> Result<(), Box<dyn std::error::Error>> {
    /// let (from, to) = (Utc::now() - Duration::days(150), Utc::now());
    /// let mut log = client.everbridge().audit_log(ReportType::Security, from, to);
    /// if let Some(continuation) = saved {
    ///     log = log.resume(continuation);
    /// }
    /// let mut pages = log.item_pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     // Store `page.items()`, then `page.continuation()` next to them.
    ///     println!("{} entries, resume from {}", page.len(), serde_json::to_string(&page.continuation())?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn item_pages(self) -> Pages<AuditLogEntry> {
        self.with_query(MonthsQuery).pages()
    }

    /// What [`items`](Self::items) reads, with the entries that do not decode in place:
    /// a collector's listing.
    pub(super) fn items_or_undecodable(
        self,
    ) -> BoxStream<'static, Result<Result<AuditLogEntry, Undecodable>, Error>> {
        self.with_query(MonthsQuery).items_or_undecodable()
    }
}

/// `.pages()`: pageQuery over one month.
struct PageQuery(AuditLogRange);

/// `.scroll()`: one scroll over one month.
struct ScrollQuery(AuditLogRange);

/// `.items()` and `.item_pages()`: any range, month by month, each month scrolled.
struct MonthsQuery(AuditLogRange);

impl Query for PageQuery {
    type Item = AuditLogEntry;

    fn paginator(self) -> Paginator<AuditLogEntry> {
        match self.0.target(Span::OneMonth) {
            Ok((target, range)) => {
                let identity = target.identity("pageQuery", &range);
                Paginator::new(OPERATION, page::pages(target, range)).identified(identity)
            }
            Err(error) => Paginator::refused(OPERATION, error),
        }
    }
}

impl Query for ScrollQuery {
    type Item = AuditLogEntry;

    fn paginator(self) -> Paginator<AuditLogEntry> {
        match self.0.target(Span::OneMonth) {
            Ok((target, range)) => scrolled(target, &range, vec![range.clone()]),
            Err(error) => Paginator::refused(OPERATION, error),
        }
    }
}

impl Query for MonthsQuery {
    type Item = AuditLogEntry;

    fn paginator(self) -> Paginator<AuditLogEntry> {
        match self.0.target(Span::AnyMonths) {
            Ok((target, range)) => {
                scrolled(target, &range, calendar_months(range.start, range.end))
            }
            Err(error) => Paginator::refused(OPERATION, error),
        }
    }
}

/// Scrolls `range` in `windows`, in turn, as one listing. A one-month range reads the
/// same by `.scroll()` as by `.items()`, so their continuations are interchangeable.
fn scrolled(
    target: Target,
    range: &Range<DateTime<Utc>>,
    windows: Vec<Range<DateTime<Utc>>>,
) -> Paginator<AuditLogEntry> {
    let identity = target.identity("scroll", range);
    let position = Arc::new(scroll::Position::default());
    Paginator::over_windows(OPERATION, windows, move |window, cursor| {
        scroll::page(target.clone(), window.clone(), cursor, position.clone())
    })
    .identified(identity)
}
