//! `GET /api/v202106/reportdistribution/log` — list report distribution logs: a JSON array,
//! not paged, read as a one-page listing.

use futures::stream::BoxStream;
use reqwest::Method;

use super::{ReportDistributionLog, one_page::OnePage, operation};
use crate::{
    Error, Operation,
    pagination::{Items, Listing, Pages, Paginator, Query, Undecodable},
    transport::EndpointSlot,
};

const OPERATION: Operation = operation("list_report_distribution_logs");

/// What a refused key lacks: EnergyCAP answers 401 alike for a bad key and for a key whose
/// user may not read the logs.
pub(super) const PERMISSION: &str = "check the credentials (the API key), and that the \
    key's user has the permission `DistributedReportsSettings (Manage)`, which the distribution \
    logs need: EnergyCAP answers 401 or 403 alike for a wrong key and a missing permission";

/// Lists report distribution logs. Created by
/// [`Service::list_report_distribution_logs`](super::Service::list_report_distribution_logs).
///
/// EnergyCAP does not page this list: one call returns every log, so the listing has one
/// page. [`send`](Self::send) gives the logs; [`pages`](Self::pages) and
/// [`items`](Self::items) read the same answer as every other listing is read.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct ListReportDistributionLogs {
    listing: Listing<LogsQuery>,
}

/// The filters of a [`ListReportDistributionLogs`]. Set them with its methods.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until its listing is read"]
pub struct LogsQuery {
    slot: EndpointSlot,
    include_in_progress: Option<bool>,
}

impl ListReportDistributionLogs {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { listing: Listing::of(LogsQuery { slot, include_in_progress: None }) }
    }

    /// Also return runs that are still in progress (the server's default is `false`).
    pub fn include_in_progress(mut self, include: bool) -> Self {
        self.listing.query.include_in_progress = Some(include);
        self
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// for log in client.energycap().list_report_distribution_logs().send().await? {
    ///     println!("{} {:?}", log.report_distribution_log_id, log.status);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConfigured`] without an EnergyCAP config; otherwise the transport's
    /// errors ([`Error::Api`] for an error status, whose advice for a 401 or 403 names the
    /// permission the logs need, `DistributedReportsSettings (Manage)`; [`Error::Decode`]
    /// for an unexpected body or a log that does not decode, with its JSON path).
    pub async fn send(self) -> Result<Vec<ReportDistributionLog>, Error> {
        self.listing.send().await.map(crate::pagination::Page::into_items)
    }

    /// The list as a stream of its one page, lazily.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut pages = client.energycap().list_report_distribution_logs().pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} logs", page.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> Pages<ReportDistributionLog> {
        self.listing.pages()
    }

    /// Every log, lazily.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let logs: Vec<_> = client.energycap().list_report_distribution_logs().items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn items(self) -> Items<ReportDistributionLog> {
        self.listing.items()
    }

    /// Every log, with the ones that do not decode in their place: a collector's listing.
    pub(super) fn items_or_undecodable(
        self,
    ) -> BoxStream<'static, Result<Result<ReportDistributionLog, Undecodable>, Error>> {
        self.listing.items_or_undecodable()
    }
}

impl Query for LogsQuery {
    type Item = ReportDistributionLog;

    fn paginator(self) -> Paginator<ReportDistributionLog> {
        let Self { slot, include_in_progress } = self;
        Paginator::over(&slot, OPERATION, OnePage::new(), |endpoint| {
            let request = endpoint.request(OPERATION, Method::GET, &["reportdistribution", "log"]);
            Ok(request.query_opt("includeInProgress", include_in_progress).when_refused(PERMISSION))
        })
    }
}
