//! Everbridge Suite audit log: any range of the past 6 months, read month by month.
//!
//! ```no_run
//! use auditkit::{Client, everbridge};
//! use chrono::{Duration, Utc};
//! use futures::TryStreamExt;
//!
//! # async fn demo() -> Result<(), auditkit::Error> {
//! let client = Client::builder()
//!     .everbridge(everbridge::Config::new(
//!         everbridge::Region::Us,
//!         everbridge::Credentials::basic("api-user", "password"),
//!     ))
//!     .build()?;
//! let (from, to) = (Utc::now() - Duration::days(60), Utc::now());
//! let entries: Vec<everbridge::AuditLogEntry> = client
//!     .everbridge()
//!     .audit_log(everbridge::ReportType::Security, from, to)
//!     .items()
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! API reference: `GET https://api.everbridge.net/rest/reports/auditLog` (or
//! `api.everbridge.eu`), authenticated with HTTP Basic or an OAuth `id_token`. Everbridge
//! takes one calendar month per request, within the past 6 months; [`AuditLog::items`]
//! splits any range into months and scrolls each one.
//!
//! One concept per file: [`Config`] and [`Region`] (`config`), [`Credentials`]
//! (`credentials`) and the OAuth password grant (`oauth`), the answers' failures
//! (`protocol`) and [`BusinessErrorKind`] (`business_error`), the models (`models`) and
//! how an answer becomes one (`answer`), the range rules (`range`), and the audit log
//! endpoint (`audit_log`), read by pageQuery (`page`) or by scroll (`scroll`), and the
//! collector's source over it ([`AuditLogSource`], `audit_log_source`).

pub(crate) mod answer;
mod audit_log;
mod audit_log_source;
mod business_error;
mod config;
mod credentials;
mod models;
pub(crate) mod oauth;
mod page;
pub(crate) mod protocol;
mod range;
mod scroll;
mod service;

pub use audit_log::{AuditLog, AuditLogRange};
pub use audit_log_source::AuditLogSource;
pub use business_error::BusinessErrorKind;
pub use config::{Config, Region};
pub use credentials::Credentials;
pub use models::{AuditLogEntry, AuditLogPage, ReportType};
pub use page::GetAuditLogPage;
pub use service::Service;

use crate::{Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Everbridge, name)
}
