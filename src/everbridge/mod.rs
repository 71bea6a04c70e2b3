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
//!         everbridge::Credentials::client_credentials("service-account-id", "client-secret"),
//!     ))
//!     .build()?;
//! let (from, to) = (Utc::now() - Duration::days(60), Utc::now());
//! let entries: Vec<everbridge::AuditLogEntry> = client
//!     .everbridge()
//!     .list_audit_log(everbridge::ReportType::Security, from, to)
//!     .items()
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! API reference: `GET https://api.everbridge.net/rest/reports/auditLog` (or
//! `api.everbridge.eu`), authenticated with a service account's OAuth `access_token`
//! ([`Credentials::client_credentials`]), HTTP Basic, or a password grant's `id_token`.
//! Everbridge takes one calendar month per request, within the past 6 months;
//! [`ListAuditLog`] splits any range into months and scrolls each one, and reads a month
//! its gateway keeps timing out on (504) in halves, then days. The client paces itself to
//! the organisation's [`RateTier`] and its daily quota.
//!
//! One concept per file: [`Config`] and [`Region`] (`config`), [`Credentials`]
//! (`credentials`) and the OAuth grants (`oauth`), the organisation's [`RateTier`]
//! (`rate_tier`), the answers' failures
//! (`protocol`) and [`BusinessErrorKind`] (`business_error`), the models (`models`) and
//! the answer's body (`answer`) and how an `eventTime` is read (`event_time`), the range
//! rules (`range`) and how a month that keeps timing out splits (`month_parts`), what
//! every request shares
//! (`target`), the two envelopes, scroll (`scroll`, its position check in
//! `scroll_position`) and pageQuery (`page_query`), the listing (`list_audit_log`) and its
//! one-page read (`get_audit_log_page`), and the collector's source over it
//! ([`AuditLogSource`], `audit_log_source`).

pub(crate) mod answer;
mod audit_log_source;
mod business_error;
mod config;
mod credentials;
mod event_time;
mod get_audit_log_page;
mod list_audit_log;
mod models;
mod month_parts;
pub(crate) mod oauth;
pub(crate) mod page_query;
pub(crate) mod protocol;
mod range;
mod rate_tier;
pub(crate) mod scroll;
mod scroll_position;
mod service;
mod target;

pub use audit_log_source::AuditLogSource;
pub use business_error::BusinessErrorKind;
pub use config::{Config, Region};
pub use credentials::Credentials;
pub use get_audit_log_page::GetAuditLogPage;
pub use list_audit_log::ListAuditLog;
pub use models::{AuditLogEntry, AuditLogPage, ReportType};
pub use rate_tier::RateTier;
pub use service::Service;
pub use target::AuditLogQuery;

use crate::{Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Everbridge, name)
}
