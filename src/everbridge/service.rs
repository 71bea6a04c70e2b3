//! Everbridge's [`Service`]: the calls, one builder each, and the config's request
//! settings they share.

use chrono::{DateTime, Utc};

use super::{AuditLogSource, ListAuditLog, ReportType, config};
use crate::{
    Vendor,
    transport::{Endpoint, EndpointSlot},
};

/// Everbridge's operations. Get it from [`Client::everbridge`](crate::Client::everbridge);
/// cheap to clone.
///
/// Unlike the other vendors' (`vendor_service!`), it also carries the config's request
/// settings ([`Config::date_only`](super::Config::date_only),
/// [`Config::event_time_offset`](super::Config::event_time_offset)).
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

    /// Whether the client was built with an Everbridge [`Config`](super::Config).
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

    /// Its endpoint slot, for what the client does for every vendor alike.
    pub(crate) fn slot(&self) -> &EndpointSlot {
        &self.slot
    }

    /// The audit log of `report_type` from `from` (inclusive) to `to` (exclusive): a
    /// listing (`send()`, `pages()`, `items()`) over the range's calendar months, each
    /// scrolled, and pageQuery behind its own names; see [`ListAuditLog`].
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{Duration, Utc};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (from, to) = (Utc::now() - Duration::days(30), Utc::now());
    /// let contacts: Vec<_> =
    ///     client.everbridge().list_audit_log(ReportType::Contact, from, to).items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_audit_log(
        &self,
        report_type: ReportType,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ListAuditLog {
        ListAuditLog::new(self.slot.clone(), self.settings, report_type, from..to)
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
