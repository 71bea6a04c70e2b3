//! Lerian Reporter: generate reports from templates, idempotently, with typed filters;
//! wait for them; download their files as streams.
//!
//! ```no_run
//! use std::time::Duration;
//! use auditkit::{Client, reporter};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .reporter(reporter::Config::new(
//!         "https://reporter.example.com/manager",
//!         reporter::Credentials::bearer("token"),
//!     ))
//!     .build()?;
//! let created = client
//!     .reporter()
//!     .generate_report("00000000-0000-4000-8000-000000000001")
//!     .filter(reporter::Filter::field("midaz_onboarding", "account", "id").is_in(["a-1", "a-2"]))
//!     .send()
//!     .await?;
//! let report = client
//!     .reporter()
//!     .wait_for_report(&created.value.id)
//!     .max_wait(Duration::from_secs(600))
//!     .await?;
//! let file = client.reporter().download_report(&report.id).send().await?;
//! file.write_to_path("report.csv").await?;
//! # Ok(()) }
//! ```
//!
//! API reference: `{base URL}/v1/…` (the base URL carries any gateway prefix, such as
//! `/manager`), authenticated with `Authorization: Bearer …` where the auth plugin is on.
//! The calls and their Reporter quirks: [`GenerateReport`] (idempotency keys, replays and
//! the keys a failed request leaves stuck), [`Filter`], [`ListReports`] (page numbers;
//! `total` counts one page), [`WaitForReport`] and [`Download`]; for continuous
//! collection, [`ReportSource`] (one event per report and status).

mod config;
mod credentials;
mod download;
mod download_report;
mod filter;
mod filter_value;
mod generate_report;
mod get_report;
mod get_template;
mod list_reports;
mod list_templates;
pub(crate) mod paging;
pub(crate) mod protocol;
mod report;
mod report_source;
mod template;
mod wait_for_report;

pub use config::Config;
pub use credentials::Credentials;
pub use download::Download;
pub use download_report::DownloadReport;
pub use filter::Filter;
pub use filter_value::FilterValue;
pub use generate_report::GenerateReport;
pub use get_report::GetReport;
pub use get_template::GetTemplate;
pub use list_reports::{ListReports, ReportsQuery};
pub use list_templates::{ListTemplates, TemplatesQuery};
pub use paging::SortOrder;
pub use report::{Report, ReportStatus};
pub use report_source::ReportSource;
pub use template::{OutputFormat, Template};
pub use wait_for_report::WaitForReport;

use crate::{Error, Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Reporter, name)
}

/// Refuses an empty id before it becomes a request to the list's path.
fn require_id(operation: Operation, what: &str, id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::invalid_input(operation, format!("the {what} is empty")));
    }
    Ok(())
}

vendor_service!(Vendor::Reporter, "Lerian Reporter", reporter);

impl Service {
    /// Asks for a report from a template (`POST v1/reports`), with filters and an
    /// idempotency key; see [`GenerateReport`].
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let created = client.reporter().generate_report("00000000-0000-4000-8000-000000000001").send().await?;
    /// println!("report {} is {:?}", created.value.id, created.value.status);
    /// # Ok(()) }
    /// ```
    pub fn generate_report(&self, template_id: impl Into<String>) -> GenerateReport {
        GenerateReport::new(self.clone(), template_id.into())
    }

    /// Reads one report (`GET v1/reports/{id}`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let report = client.reporter().get_report("0196a5b2-0c8f-7d4e-9a41-4f3c2b1a0e9d").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get_report(&self, id: impl Into<String>) -> GetReport {
        GetReport::new(self.slot.clone(), id.into())
    }

    /// Lists reports (`GET v1/reports`), by status, template and creation day.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let reports: Vec<_> = client.reporter().list_reports().limit(100).items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_reports(&self) -> ListReports {
        ListReports::new(self.slot.clone())
    }

    /// The reports as a [`Collector`](crate::collect::Collector)'s source: one event per
    /// report and status (see [`ReportSource`]).
    ///
    /// ```no_run
    /// use auditkit::collect::Collector;
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut batches = Collector::new(client.reporter().report_source()).run();
    /// while let Some(batch) = batches.try_next().await? {
    ///     batch.commit().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn report_source(&self) -> ReportSource {
        ReportSource::new(self.slot.clone())
    }

    /// Lists report templates (`GET v1/templates`).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let templates: Vec<_> = client.reporter().list_templates().items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_templates(&self) -> ListTemplates {
        ListTemplates::new(self.slot.clone())
    }

    /// Reads one report template (`GET v1/templates/{id}`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let template = client.reporter().get_template("00000000-0000-4000-8000-000000000001").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get_template(&self, id: impl Into<String>) -> GetTemplate {
        GetTemplate::new(self.slot.clone(), id.into())
    }

    /// Waits until a report is generated. Await it for the `Finished` report, or call
    /// [`statuses`](WaitForReport::statuses) to see each poll; a report that ends in
    /// `Error` gives [`Error::JobFailed`] (see [`WaitForReport`]).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let report = client.reporter().wait_for_report("0196a5b2-0c8f-7d4e-9a41-4f3c2b1a0e9d").await?;
    /// # Ok(()) }
    /// ```
    pub fn wait_for_report(&self, id: impl Into<String>) -> WaitForReport {
        wait_for_report::wait_for_report(self, id.into())
    }

    /// Downloads a finished report's file as a stream (`GET v1/reports/{id}/download`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let download = client.reporter().download_report("0196a5b2-0c8f-7d4e-9a41-4f3c2b1a0e9d").send().await?;
    /// download.write_to_path("report.csv").await?;
    /// # Ok(()) }
    /// ```
    pub fn download_report(&self, id: impl Into<String>) -> DownloadReport {
        DownloadReport::new(self.slot.clone(), id.into())
    }
}
