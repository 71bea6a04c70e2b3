//! EnergyCAP report distribution logs: list them, read one in detail, find a distribution,
//! run it and wait for it to finish.
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
//! The logs need the key's user to have the permission `DistributedReportsSettings
//! (Manage)`; a refused key's error says so.

mod config;
mod credentials;
mod distribution_log_source;
mod get_report_distribution_log;
pub(crate) mod list_report_distribution_logs;
mod list_report_distributions;
mod models;
pub(crate) mod one_page;
mod run_report_distribution;
mod service;
mod wait_for_distribution;

pub use config::{Config, Host};
pub use credentials::Credentials;
pub use distribution_log_source::DistributionLogSource;
pub use get_report_distribution_log::GetReportDistributionLog;
pub use list_report_distribution_logs::{ListReportDistributionLogs, LogsQuery};
pub use list_report_distributions::{DistributionsQuery, ListReportDistributions};
pub use models::{
    DistributionStatus, ReportDistribution, ReportDistributionChild, ReportDistributionLog,
    ReportDistributionLogDetail, UserChild,
};
pub use run_report_distribution::RunReportDistribution;
pub use service::Service;
pub use wait_for_distribution::WaitForDistribution;

use crate::{Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::EnergyCap, name)
}
