//! What every audit log request shares, whatever the mode (scroll months or pageQuery): the
//! report type and range asked for, checked before any request, and the request they make.

use std::ops::Range;

use chrono::{DateTime, Utc};
use reqwest::Method;

use super::{ReportType, config::Settings, operation, range, range::Span};
use crate::{
    Error, Operation,
    transport::{Endpoint, EndpointSlot, Request},
};

pub(super) const OPERATION: Operation = operation("audit_log");

/// What a [`ListAuditLog`](super::ListAuditLog) reads: the report type and the range, for
/// the client's Everbridge configuration. Set by
/// [`Service::list_audit_log`](super::Service::list_audit_log).
#[derive(Debug, Clone)]
#[must_use = "an audit log query does nothing until its listing is read"]
pub struct AuditLogQuery {
    slot: EndpointSlot,
    settings: Settings,
    report_type: ReportType,
    range: Range<DateTime<Utc>>,
    pub(super) strict: bool,
}

/// What every request of one audit log carries.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub(super) endpoint: Endpoint,
    pub(super) settings: Settings,
    report_type: ReportType,
    /// A scroll that ends short of its `totalCount` is an error.
    pub(super) strict: bool,
}

impl Target {
    /// `GET reports/auditLog` for `range`, before the mode's parameters.
    pub(super) fn request(&self, range: &Range<DateTime<Utc>>) -> Request {
        let request = self
            .endpoint
            .request(OPERATION, Method::GET, &["reports", "auditLog"])
            .query("reportType", self.report_type.as_str());
        range::apply(request, range, self.settings)
    }
}

impl AuditLogQuery {
    pub(super) fn new(
        slot: EndpointSlot,
        settings: Settings,
        report_type: ReportType,
        range: Range<DateTime<Utc>>,
    ) -> Self {
        Self { slot, settings, report_type, range, strict: false }
    }

    /// The checked range and what its requests carry, or why no request can be made.
    pub(super) fn target(self, span: Span) -> Result<(Target, Range<DateTime<Utc>>), Error> {
        let endpoint = self.slot.get()?.clone();
        if self.report_type.as_str().trim().is_empty() {
            return Err(Error::invalid_input(
                OPERATION,
                "the report type is empty; use ReportType::Security or ReportType::Contact",
            ));
        }
        let now = endpoint.timer().wall_clock();
        range::check(OPERATION, &self.range, span, now, self.settings)?;
        let Self { settings, report_type, strict, .. } = self;
        let target = Target { endpoint, settings, report_type, strict };
        Ok((target, self.range))
    }
}
