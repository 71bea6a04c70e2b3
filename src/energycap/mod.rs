//! EnergyCAP report distribution logs: list them, read one in detail, run a distribution
//! and wait for it to finish.
//!
//! ```no_run
//! use std::time::Duration;
//! use auditkit::{Client, energycap};
//!
//! # async fn demo() -> Result<(), auditkit::Error> {
//! let client = Client::builder()
//!     .energycap(energycap::Config::new(
//!         energycap::Host::UsEast,
//!         energycap::Credentials::api_key("api-key"),
//!     ))
//!     .build()?;
//! let run = client.energycap().run_report_distribution(42).send().await?;
//! let done = client
//!     .energycap()
//!     .wait_for_distribution(run.report_distribution_log_id)
//!     .max_wait(Duration::from_secs(600))
//!     .await?;
//! println!("{:?}", done.log.status);
//! # Ok(()) }
//! ```
//!
//! For continuous collection, [`Service::distribution_log_source`] is a
//! [`collect::Source`](crate::collect::Source) over the logs ([`DistributionLogSource`]).
//!
//! API reference: `https://{host}/api/v202106/…`, authenticated with the `ECI-ApiKey` header.

mod config;
mod credentials;
mod distribution_log_source;
mod get_report_distribution_log;
mod models;
mod report_distribution_logs;
mod run_report_distribution;
mod wait_for_distribution;

pub use config::{Config, Host};
pub use credentials::Credentials;
pub use distribution_log_source::DistributionLogSource;
pub use get_report_distribution_log::GetReportDistributionLog;
pub use models::{
    DistributionStatus, ReportDistributionChild, ReportDistributionLog,
    ReportDistributionLogDetail, UserChild,
};
pub use report_distribution_logs::ListReportDistributionLogs;
pub use run_report_distribution::RunReportDistribution;
pub use wait_for_distribution::WaitForDistribution;

use crate::{Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::EnergyCap, name)
}

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
