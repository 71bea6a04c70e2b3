//! EnergyCAP's [`Service`]: the calls, one builder each.

use super::{
    DistributionLogSource, GetReportDistributionLog, ListReportDistributionLogs,
    ListReportDistributions, RunReportDistribution, WaitForDistribution, wait_for_distribution,
};
use crate::Vendor;

vendor_service!(Vendor::EnergyCap, "EnergyCAP", energycap);

impl Service {
    /// Lists report distribution logs (`GET reportdistribution/log`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let logs = client.energycap().list_report_distribution_logs().include_in_progress(true).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_report_distribution_logs(&self) -> ListReportDistributionLogs {
        ListReportDistributionLogs::new(self.slot.clone())
    }

    /// Lists report distributions (`GET reportdistribution`), optionally narrowed by
    /// EnergyCAP's `filter`: how to find the id to
    /// [`run_report_distribution`](Self::run_report_distribution).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let found = client
    ///     .energycap()
    ///     .list_report_distributions()
    ///     .filter("reportCode equals 'COST-MONTHLY'")
    ///     .send()
    ///     .await?;
    /// if let Some(id) = found.first().and_then(|d| d.report_distribution_id) {
    ///     client.energycap().run_report_distribution(id).send().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_report_distributions(&self) -> ListReportDistributions {
        ListReportDistributions::new(self.slot.clone())
    }

    /// The distribution logs as a [`Collector`](crate::collect::Collector)'s source: one
    /// event per run and status (see [`DistributionLogSource`]).
    ///
    /// ```no_run
    /// use auditkit::collect::Collector;
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut batches = Collector::new(client.energycap().distribution_log_source()).run();
    /// while let Some(batch) = batches.try_next().await? {
    ///     batch.commit().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn distribution_log_source(&self) -> DistributionLogSource {
        DistributionLogSource::new(self.slot.clone())
    }

    /// Reads one log with its e-mail settings and errors
    /// (`GET reportdistribution/log/{id}/detail`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let detail = client.energycap().get_report_distribution_log(7).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get_report_distribution_log(
        &self,
        report_distribution_log_id: i32,
    ) -> GetReportDistributionLog {
        GetReportDistributionLog::new(self.slot.clone(), report_distribution_log_id)
    }

    /// Starts a run of a report distribution now (`POST reportdistribution/{id}/exec`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let run = client.energycap().run_report_distribution(42).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn run_report_distribution(&self, report_distribution_id: i32) -> RunReportDistribution {
        RunReportDistribution::new(self.slot.clone(), report_distribution_id)
    }

    /// Waits until a distribution run has finished. Await it for the final log, or call
    /// [`statuses`](WaitForDistribution::statuses) to see each poll.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let done = client.energycap().wait_for_distribution(1001).await?;
    /// # Ok(()) }
    /// ```
    pub fn wait_for_distribution(&self, report_distribution_log_id: i32) -> WaitForDistribution {
        wait_for_distribution::wait_for_distribution(self, report_distribution_log_id)
    }
}
