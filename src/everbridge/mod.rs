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

pub use audit_log::{AuditLog, AuditLogRange};
pub use audit_log_source::AuditLogSource;
pub use business_error::BusinessErrorKind;
pub use config::{Config, Region};
pub use credentials::Credentials;
pub use models::{AuditLogEntry, AuditLogPage, ReportType};
pub use page::GetAuditLogPage;

use chrono::{DateTime, Utc};

use crate::{
    Operation, Vendor,
    transport::{Endpoint, EndpointSlot},
};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Everbridge, name)
}

/// Everbridge's operations. Get it from [`Client::everbridge`](crate::Client::everbridge);
/// cheap to clone.
///
/// Unlike the other vendors' (`vendor_service!`), it also carries the config's request
/// settings ([`Config::date_only`], [`Config::event_time_offset`]).
#[derive(Debug, Clone)]
pub struct Service {
    slot: EndpointSlot,
    settings: config::Settings,
}

impl Service {
    pub(crate) fn new(configured: Option<(Endpoint, config::Settings)>) -> Self {
        let (endpoint, settings) = configured.unzip();
        let slot = EndpointSlot::new(Vendor::Everbridge, endpoint);
        Self { slot, settings: settings.unwrap_or_default() }
    }

    /// Whether the client was built with an Everbridge [`Config`].
    ///
    /// ```
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::Client::builder().build()?;
    /// assert!(!client.everbridge().is_configured());
    /// # Ok(()) }
    /// ```
    pub fn is_configured(&self) -> bool {
        self.slot.is_configured()
    }

    /// The audit log of `report_type` from `from` (inclusive) to `to` (exclusive); see
    /// [`AuditLog`] for the ways to read it.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{Duration, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (from, to) = (Utc::now() - Duration::days(30), Utc::now());
    /// let contacts: Vec<_> =
    ///     client.everbridge().audit_log(ReportType::Contact, from, to).items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn audit_log(
        &self,
        report_type: ReportType,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AuditLog {
        AuditLog::new(self.slot.clone(), self.settings, report_type, from..to)
    }

    /// The audit log of `report_type` as a [`Collector`](crate::collect::Collector)'s
    /// source, each entry keyed by its content (see [`AuditLogSource`]).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use auditkit::{collect::Collector, everbridge::ReportType};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let source = client.everbridge().audit_log_source(ReportType::Contact);
    /// let mut batches = Collector::new(source).follow(Duration::from_secs(600));
    /// while let Some(batch) = batches.try_next().await? {
    ///     batch.commit().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn audit_log_source(&self, report_type: ReportType) -> AuditLogSource {
        AuditLogSource::new(self.slot.clone(), self.settings, report_type)
    }
}
