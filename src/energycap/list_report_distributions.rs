//! `GET /api/v202106/reportdistribution` — list report distributions, to find the id to
//! run: a JSON array, not paged, narrowed with EnergyCAP's `filter` syntax.

use reqwest::Method;

use super::{ReportDistribution, one_page::OnePage, operation};
use crate::{
    Error, Operation,
    pagination::{Items, Listing, Pages, Paginator, Query},
    transport::EndpointSlot,
};

const OPERATION: Operation = operation("list_report_distributions");

/// Lists report distributions. Created by
/// [`Service::list_report_distributions`](super::Service::list_report_distributions).
///
/// EnergyCAP does not page this list; [`send`](Self::send) gives every distribution the
/// filter leaves. Pass a distribution's `report_distribution_id` to
/// [`run_report_distribution`](super::Service::run_report_distribution).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct ListReportDistributions {
    listing: Listing<DistributionsQuery>,
}

/// The filter of a [`ListReportDistributions`]. Set it with its methods.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until its listing is read"]
pub struct DistributionsQuery {
    slot: EndpointSlot,
    filter: Option<String>,
}

impl ListReportDistributions {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { listing: Listing::of(DistributionsQuery { slot, filter: None }) }
    }

    /// Only the distributions EnergyCAP's `filter` expression keeps, sent as it is: one or
    /// more statements `field operator 'value'` joined by `and`, operators such as
    /// `equals`, `not equals`, `contains`, `starts with`, `one of 'a'|'b'`, `between
    /// 'a'|'b'` (EnergyCAP's "Filters" page). A blank filter is refused before sending.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let monthly = client
    ///     .energycap()
    ///     .list_report_distributions()
    ///     .filter("reportDistributionName contains 'Monthly'")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.listing.query.filter = Some(expression.into());
        self
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// for distribution in client.energycap().list_report_distributions().send().await? {
    ///     println!("{:?} {:?}", distribution.report_distribution_id, distribution.report_distribution_name);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a blank filter, before any request;
    /// [`Error::NotConfigured`] without an EnergyCAP config; otherwise the transport's
    /// errors ([`Error::Api`] with status 400 for a filter EnergyCAP cannot read).
    pub async fn send(self) -> Result<Vec<ReportDistribution>, Error> {
        self.listing.send().await.map(crate::pagination::Page::into_items)
    }

    /// The list as a stream of its one page, lazily.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut pages = client.energycap().list_report_distributions().pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} distributions", page.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> Pages<ReportDistribution> {
        self.listing.pages()
    }

    /// Every distribution, lazily.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let all: Vec<_> = client.energycap().list_report_distributions().items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn items(self) -> Items<ReportDistribution> {
        self.listing.items()
    }
}

impl Query for DistributionsQuery {
    type Item = ReportDistribution;

    fn paginator(self) -> Paginator<ReportDistribution> {
        let Self { slot, filter } = self;
        Paginator::over(&slot, OPERATION, OnePage::new(), |endpoint| {
            if filter.as_deref().is_some_and(|f| f.trim().is_empty()) {
                return Err("the filter is blank; leave it out to list every distribution, or \
                            give one such as `reportDistributionName contains 'Monthly'`"
                    .to_owned());
            }
            let request = endpoint.request(OPERATION, Method::GET, &["reportdistribution"]);
            Ok(request.query_opt("filter", filter.as_deref().map(str::trim)))
        })
    }
}
