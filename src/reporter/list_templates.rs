//! `GET /v1/templates` — report templates, filtered by output format and description, by
//! page.

use reqwest::Method;

use super::{OutputFormat, SortOrder, Template, operation, page_options::PageOptions, paging};
use crate::{
    Operation,
    pagination::{Listing, Paginator, Query},
    transport::{EndpointSlot, Request},
};

const OPERATION: Operation = operation("list_templates");

/// Lists report templates. Created by
/// [`Service::list_templates`](super::Service::list_templates).
///
/// Paged like [`ListReports`](super::ListReports): by page number, ending at the first
/// page holding fewer than `limit` items.
///
/// ```no_run
/// use auditkit::reporter::OutputFormat;
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let csv: Vec<_> = client
///     .reporter()
///     .list_templates()
///     .output_format(OutputFormat::Csv)
///     .items()
///     .try_collect()
///     .await?;
/// for template in &csv {
///     println!("{} {:?}", template.id, template.description);
/// }
/// # Ok(()) }
/// ```
pub type ListTemplates = Listing<TemplatesQuery>;

/// The filters of a [`ListTemplates`] listing. Set them with the listing's methods.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until its listing is read"]
pub struct TemplatesQuery {
    slot: EndpointSlot,
    filters: Filters,
}

#[derive(Debug, Clone, Default)]
struct Filters {
    output_format: Option<OutputFormat>,
    description: Option<String>,
    page: PageOptions,
}

impl Filters {
    fn apply(&self, request: Request) -> Request {
        request
            .query_opt("output_format", self.output_format.as_ref().map(OutputFormat::wire_lower))
            .query_opt("description", self.description.as_deref())
    }
}

impl ListTemplates {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Listing::of(TemplatesQuery { slot, filters: Filters::default() })
    }

    /// Only templates producing this kind of file (`output_format`), sent in lower case:
    /// Reporter stores formats in lower case and matches this filter exactly.
    pub fn output_format(mut self, format: OutputFormat) -> Self {
        self.query.filters.output_format = Some(format);
        self
    }

    /// Only templates whose description matches this text (`description`).
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.query.filters.description = Some(text.into());
        self
    }

    /// Templates per page (`limit`), 1 to 100; Reporter's default is 10.
    pub fn limit(mut self, limit: u32) -> Self {
        self.query.filters.page.limit = Some(limit);
        self
    }

    /// The order (`sort_order`); Reporter does not order its template list, whatever this says.
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.query.filters.page.sort_order = Some(order);
        self
    }
}

impl Query for TemplatesQuery {
    type Item = Template;

    fn paginator(self) -> Paginator<Template> {
        let Self { slot, filters } = self;
        let envelope = paging::ReporterPages::new(filters.page.limit);
        Paginator::over(&slot, OPERATION, envelope, |endpoint| {
            let request = endpoint.request(OPERATION, Method::GET, &["v1", "templates"]);
            filters.page.apply(filters.apply(request))
        })
    }
}
