//! `GET /rest/reports/auditLog` — the audit log of one report type over any range of the
//! past 6 months: split into calendar months, each scrolled; or one month by pageQuery.

use std::{ops::Range, sync::Arc};

use chrono::{DateTime, Utc};

use super::{
    AuditLogEntry, GetAuditLogPage,
    answer::LocalEntry,
    config::Settings,
    month_parts::MonthParts,
    page_query::{self, PageQueryPages},
    range::{self, Span},
    scroll::ScrollPages,
    target::{AuditLogQuery, Checked, OPERATION, Target},
};
use crate::{
    pagination::{Continuation, Listing, Pages, Paginator, Query},
    transport::Request,
};

/// The audit log of one report type over `[from, to)`. Created by
/// [`Service::list_audit_log`](super::Service::list_audit_log).
///
/// A listing like every other: [`send`](Listing::send) reads one page,
/// [`pages`](Listing::pages) every page (each with its
/// [`Continuation`]), [`items`](Listing::items) every
/// entry. The range, any within the past 6 months, is split into calendar months (UTC),
/// each read by one scroll (`queryType=scroll`, no limit on entries), oldest month first;
/// an empty month is fine. Everbridge's pageQuery has its own names:
///
/// | method | reads | range | gives |
/// |---|---|---|---|
/// | [`send`](Listing::send), [`pages`](Listing::pages), [`items`](Listing::items) | month by month, each month scrolled | any, within the past 6 months | one page, every page, every entry |
/// | [`page_query`](Self::page_query) | one pageQuery page | one calendar month | one [`AuditLogPage`](super::AuditLogPage) with the totals |
/// | [`page_query_pages`](Self::page_query_pages) | pageQuery pages 1, 2, … | one calendar month | the first 10,000 entries, as [`Pages`] |
///
/// ```no_run
/// use auditkit::everbridge::ReportType;
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let (from, to) = (Utc::now() - Duration::days(90), Utc::now());
/// let log = client.everbridge().list_audit_log(ReportType::Security, from, to);
/// let mut entries = log.prefetch(true).items();
/// while let Some(entry) = entries.try_next().await? {
///     println!("{:?} {:?} {:?}", entry.event_time, entry.user_name, entry.operation_type);
/// }
/// # Ok(()) }
/// ```
///
/// The paging settings of every [`Listing`] apply: `max_pages`, `prefetch`, `concurrency`
/// (months read at once), `skip_undecodable`, and `resume` with a continuation saved from
/// the same report type and range, read the same way (a pageQuery continuation resumes
/// only [`page_query_pages`](Self::page_query_pages)). The streams are lazy: nothing is
/// checked or sent before the first poll.
///
/// **Memory.** A page is read with at most 1,000 entries (ten times the 100 Everbridge
/// documents; the rest are skipped undecoded, with a warning), so one page costs at most
/// about 4 × [`max_answer_size`](crate::ClientBuilder::max_answer_size) for entries of
/// known and unknown fields (measured: 1.2× for a page of empty entries, 2× for entries of
/// long text, 3.6× for entries of 100 unknown fields); an entry whose unknown fields hold
/// huge arrays of tiny values is kept as JSON values and can reach 25× (`cargo run
/// --release --example page_memory`).
///
/// # Errors
///
/// Each stream first yields [`Error::InvalidInput`](crate::Error::InvalidInput), with no
/// request made, when `from` is not before `to`, when the range starts on a day more than 6
/// months before the client's [`Timer::wall_clock`](crate::Timer::wall_clock) (UTC), when
/// a pageQuery method gets a range across months, or (with
/// [`Config::date_only`](super::Config::date_only)) when the range does not start and end
/// at midnight UTC. Everbridge's refusals are
/// [`BusinessErrorKind`](super::BusinessErrorKind)s. A scroll that expired on the server is
/// an [`Error::Pagination`](crate::Error::Pagination) whose
/// [`continuation`](crate::PaginationError::continuation) resumes without loss or
/// duplicate.
///
/// A month whose opening query the gateway keeps answering with 504 ("Endpoint request
/// timed out", after its 29 s) through every retry is read in halves instead, and a half
/// that does in days; the continuations record the part
/// ([`Continuation::part`](crate::pagination::Continuation::part)), so a resumed listing
/// reads the same parts. A day that still times out ends the stream with that
/// [`Error::Api`](crate::Error::Api) (status 504); resume from the last page's
/// continuation later. With the organisation's daily quota spent (see
/// [`RateTier`](super::RateTier)), the stream ends with an
/// [`Error::Transport`](crate::Error::Transport) of kind
/// [`QuotaExhausted`](crate::TransportErrorKind::QuotaExhausted) before the request is
/// sent, or, when fewer requests are left than the range has months, before the first.
pub type ListAuditLog = Listing<AuditLogQuery>;

impl ListAuditLog {
    pub(super) fn new(
        slot: crate::transport::EndpointSlot,
        settings: Settings,
        report_type: super::ReportType,
        range: Range<DateTime<Utc>>,
    ) -> Self {
        Listing::of(AuditLogQuery::new(slot, settings, report_type, range))
    }

    /// Whether a scroll that ends short of the `totalCount` it announced is an error
    /// ([`Error::Pagination`](crate::Error::Pagination)) rather than a warning logged with
    /// both counts (the default: Everbridge's count may be approximate).
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{Duration, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (from, to) = (Utc::now() - Duration::days(20), Utc::now());
    /// let log = client.everbridge().list_audit_log(ReportType::Security, from, to);
    /// let every_entry: Vec<_> = log.strict(true).items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn strict(mut self, strict: bool) -> Self {
        self.query.strict = strict;
        self
    }

    /// One pageQuery page (`queryType=pageQuery&pageNo=number`), 1 to 100, of a range
    /// within one calendar month; the page tells the month's totals. The listing's paging
    /// settings do not apply to one page.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{DateTime, Utc};
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let from: DateTime<Utc> = "2026-05-01T00:00:00Z".parse()?;
    /// let to: DateTime<Utc> = "2026-06-01T00:00:00Z".parse()?;
    /// let log = client.everbridge().list_audit_log(ReportType::Contact, from, to);
    /// let first = log.page_query(1).send().await?;
    /// println!("{:?} entries in May", first.total_count);
    /// # Ok(()) }
    /// ```
    pub fn page_query(self, number: u32) -> GetAuditLogPage {
        GetAuditLogPage::new(self.query, number)
    }

    /// Every pageQuery page of a range within one calendar month, from page 1 to the last
    /// (`totalPageCount`), with the listing's paging settings.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{DateTime, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let (from, to): (DateTime<Utc>, DateTime<Utc>) =
    ///     ("2026-05-01T00:00:00Z".parse()?, "2026-06-01T00:00:00Z".parse()?);
    /// let log = client.everbridge().list_audit_log(ReportType::Security, from, to);
    /// let mut pages = log.max_pages(3).page_query_pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("page {}: {} entries", page.number(), page.len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// **The 10,000 cap.** pageQuery reaches only the first 10,000 entries (100 pages of
    /// 100) of a range: after page 100 of a fuller month the stream ends with an
    /// [`Error::Pagination`](crate::Error::Pagination), before any request for page 101,
    /// that says to read with [`pages`](Listing::pages) or [`items`](Listing::items), which
    /// scroll and have no such limit.
    pub fn page_query_pages(self) -> Pages<AuditLogEntry> {
        self.with_query(PageQuery).pages()
    }
}

/// `.page_query_pages()`: pageQuery over one month.
struct PageQuery(AuditLogQuery);

impl Query for AuditLogQuery {
    type Item = AuditLogEntry;

    fn paginator(self) -> Paginator<AuditLogEntry> {
        let Checked { target, range, served_from } = match self.target(Span::AnyMonths) {
            Ok(checked) => checked,
            Err(error) => return Paginator::refused(OPERATION, error),
        };
        let months = range::months(&range, target.settings);
        // The identity is the whole range's; a month the 6-month limit cut off (a resumed
        // listing's) is read from the oldest instant served, or not at all.
        let firsts: Vec<Request> =
            months.iter().map(|month| scroll_request(&target, month)).collect();
        let months_read: Vec<Option<Range<DateTime<Utc>>>> = months
            .iter()
            .map(|month| match served_from {
                Some(oldest) if month.end <= oldest => None,
                Some(oldest) if month.start < oldest => Some(oldest..month.end),
                _ => Some(month.clone()),
            })
            .collect();
        let fetched: Vec<Option<Request>> = months_read
            .iter()
            .map(|month| month.as_ref().map(|month| scroll_request(&target, month)))
            .collect();
        let (endpoint, strict) = (target.endpoint.clone(), target.strict);
        // Each month read takes at least one request (two when it holds entries: the scroll
        // ends on an empty batch); a backfill the day's quota cannot even start says so now.
        if let Some(pacing) = endpoint.pacing() {
            let needed = fetched.iter().flatten().count() as u64;
            let what = format!("reading {} to {} ({needed} months)", range.start, range.end);
            let now = endpoint.timer().wall_clock();
            if let Err(error) = pacing.check_ahead(OPERATION, needed, &what, now) {
                return Paginator::refused(OPERATION, error);
            }
        }
        let offset = target.settings.event_time_offset;
        let splits = Arc::new(MonthParts { target, months: months_read });
        match offset {
            None => Paginator::of_split_windows(
                endpoint,
                ScrollPages::new(strict),
                OPERATION,
                &firsts,
                fetched,
                Some(splits),
            ),
            Some(offset) => {
                let scrolls = ScrollPages::<LocalEntry>::new(strict);
                Paginator::of_split_windows(
                    endpoint,
                    scrolls,
                    OPERATION,
                    &firsts,
                    fetched,
                    Some(splits),
                )
                .map(move |entry| entry.at_offset(offset))
            }
        }
    }

    fn resume_from(&mut self, continuation: Continuation) -> Continuation {
        AuditLogQuery::resume_from(self, continuation)
    }
}

impl Query for PageQuery {
    type Item = AuditLogEntry;

    fn paginator(self) -> Paginator<AuditLogEntry> {
        let Checked { target, range, .. } = match self.0.target(Span::OneMonth) {
            Ok(checked) => checked,
            Err(error) => return Paginator::refused(OPERATION, error),
        };
        let first = page_query::first_request(&target, &range);
        let endpoint = target.endpoint.clone();
        match target.settings.event_time_offset {
            None => Paginator::of_envelope(endpoint, PageQueryPages::new(), first),
            Some(offset) => {
                Paginator::of_envelope(endpoint, PageQueryPages::<LocalEntry>::new(), first)
                    .map(move |entry| entry.at_offset(offset))
            }
        }
    }
}

/// The request opening the scroll of `month`.
fn scroll_request(target: &Target, month: &Range<DateTime<Utc>>) -> Request {
    target.request(month).query("queryType", "scroll").query("pageNo", 0)
}
