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
//! `total` counts one page; newest first, so pages shift while reports are created),
//! [`WaitForReport`] and [`Download`]; templates: [`CreateTemplate`] (multipart, field
//! `template`, idempotent), [`UpdateTemplate`], [`DeleteTemplate`]; the names filters
//! use: [`DataSource`]; the server itself: [`Health`] (`/ready`) and [`GetVersion`]; its
//! rate-limit windows: [`RateTier`]; for continuous collection, [`ReportSource`] (one
//! event per report and status).

mod advice;
mod config;
mod create_template;
mod credentials;
mod data_source;
mod data_sources;
mod delete_template;
mod download;
mod download_report;
mod filter;
mod filter_value;
mod generate_report;
mod get_report;
mod get_template;
mod health;
mod list_reports;
mod list_templates;
mod page_options;
mod page_overlap;
pub(crate) mod paging;
pub(crate) mod protocol;
mod rate_tier;
mod report;
mod report_source;
mod service;
mod template;
mod template_file;
mod update_template;
mod wait_for_report;

pub use crate::pagination::SortOrder;
pub use crate::transport::RateLimitStatus;
pub use config::Config;
pub use create_template::CreateTemplate;
pub use credentials::Credentials;
pub use data_source::{DataSource, Table};
pub use data_sources::{GetDataSource, ListDataSources};
pub use delete_template::DeleteTemplate;
pub use download::Download;
pub use download_report::DownloadReport;
pub use filter::Filter;
pub use filter_value::FilterValue;
pub use generate_report::GenerateReport;
pub use get_report::GetReport;
pub use get_template::GetTemplate;
pub use health::{Dependency, GetVersion, Health, Readiness, Version};
pub use list_reports::{ListReports, ReportsQuery};
pub use list_templates::{ListTemplates, TemplatesQuery};
pub use rate_tier::RateTier;
pub use report::{Report, ReportStatus};
pub use report_source::ReportSource;
pub use service::Service;
pub use template::{OutputFormat, Template};
pub use template_file::TemplateFile;
pub use update_template::UpdateTemplate;
pub use wait_for_report::WaitForReport;

use crate::{Error, Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Reporter, name)
}

/// Refuses an empty id before it becomes a request to the list's path. An id that is not a
/// UUID is sent: Reporter answers 400 `TPL-0009`, and the error says where ids come from.
fn require_id(operation: Operation, what: &str, id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::invalid_input(operation, format!("the {what} is empty")));
    }
    Ok(())
}
