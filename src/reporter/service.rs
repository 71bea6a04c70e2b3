//! Reporter's [`Service`]: the calls, one builder each.

use super::{
    CreateTemplate, DeleteTemplate, DownloadReport, GenerateReport, GetDataSource, GetReport,
    GetTemplate, GetVersion, Health, ListDataSources, ListReports, ListTemplates, OutputFormat,
    RateLimitStatus, RateTier, ReportSource, TemplateFile, UpdateTemplate, WaitForReport,
    wait_for_report,
};
use crate::Vendor;

vendor_service!(Vendor::Reporter, "Lerian Reporter", reporter);

impl Service {
    /// What Reporter last said about one of its rate-limit windows (the
    /// `X-RateLimit-*` headers of its last answer in that window), less the requests sent
    /// since; `None` before any answer, when Reporter's rate limiter is off, or once the
    /// window has reset. The client uses it to wait for the reset of a used-up window
    /// instead of collecting 429s (see [`RateTier`]).
    ///
    /// ```no_run
    /// use auditkit::reporter::RateTier;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// client.reporter().list_reports().send().await?;
    /// if let Some(reads) = client.reporter().rate_limit(RateTier::Reads) {
    ///     println!("{} reads left, window resets in {:?}", reads.remaining(), reads.reset_after());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn rate_limit(&self, tier: RateTier) -> Option<RateLimitStatus> {
        self.slot.get().ok()?.server_limits()?.status(tier.bucket())
    }

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
    /// `Error` gives [`Error::JobFailed`](crate::Error::JobFailed) (see [`WaitForReport`]).
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

    /// Uploads a template (`POST v1/templates`, multipart), idempotently; see
    /// [`CreateTemplate`].
    ///
    /// ```no_run
    /// use auditkit::reporter::{OutputFormat, TemplateFile};
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let file = TemplateFile::path("balances.tpl");
    /// let created = client.reporter().create_template(file, OutputFormat::Csv, "Balances").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create_template(
        &self,
        file: TemplateFile,
        output_format: OutputFormat,
        description: impl Into<String>,
    ) -> CreateTemplate {
        CreateTemplate::new(self.clone(), file, output_format, description.into())
    }

    /// Changes a template (`PATCH v1/templates/{id}`); see [`UpdateTemplate`].
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let id = "00000000-0000-4000-8000-000000000001";
    /// client.reporter().update_template(id).description("Balances, monthly").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update_template(&self, id: impl Into<String>) -> UpdateTemplate {
        UpdateTemplate::new(self.clone(), id.into())
    }

    /// Deletes a template (`DELETE v1/templates/{id}`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// client.reporter().delete_template("00000000-0000-4000-8000-000000000001").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_template(&self, id: impl Into<String>) -> DeleteTemplate {
        DeleteTemplate::new(self.slot.clone(), id.into())
    }

    /// Lists the data sources Reporter reads from (`GET v1/data-sources`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let sources = client.reporter().list_data_sources().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_data_sources(&self) -> ListDataSources {
        ListDataSources::new(self.slot.clone())
    }

    /// Reads a data source with its tables and fields (`GET v1/data-sources/{id}`): the
    /// names report filters use.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let onboarding = client.reporter().get_data_source("midaz_onboarding").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get_data_source(&self, id: impl Into<String>) -> GetDataSource {
        GetDataSource::new(self.slot.clone(), id.into())
    }

    /// Whether Reporter and each of its dependencies are up (`GET /ready`); a 503 is an
    /// answer saying which dependency is down.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let ready = client.reporter().health().send().await?.is_ready();
    /// # Ok(()) }
    /// ```
    pub fn health(&self) -> Health {
        Health::new(self.slot.clone())
    }

    /// Which Reporter runs (`GET /version`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let version = client.reporter().version().send().await?.version;
    /// # Ok(()) }
    /// ```
    pub fn version(&self) -> GetVersion {
        GetVersion::new(self.slot.clone())
    }
}
