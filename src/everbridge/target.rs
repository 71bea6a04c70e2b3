//! What every audit log request shares, whatever the mode (scroll months or pageQuery): the
//! report type and range asked for, checked before any request, and the request they make.

use std::ops::Range;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::Method;

use super::{ReportType, config::Settings, operation, range, range::Span};
use crate::{
    Error, Operation,
    pagination::Continuation,
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
    /// Resumed from a continuation: a range reaching past the 6 months Everbridge serves
    /// is read from the oldest instant served, not refused.
    pub(super) resumed: bool,
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

    #[cfg(test)]
    pub(super) fn for_tests(endpoint: Endpoint) -> Self {
        let settings = Settings::default();
        Self { endpoint, settings, report_type: ReportType::Security, strict: false }
    }
}

impl AuditLogQuery {
    pub(super) fn new(
        slot: EndpointSlot,
        settings: Settings,
        report_type: ReportType,
        range: Range<DateTime<Utc>>,
    ) -> Self {
        Self { slot, settings, report_type, range, strict: false, resumed: false }
    }

    /// The checked range and what its requests carry, or why no request can be made; and,
    /// for a resumed listing over months partly gone at Everbridge, the oldest instant
    /// still served (the range is then checked from there, and the gap logged at warn).
    pub(super) fn target(self, span: Span) -> Result<Checked, Error> {
        let endpoint = self.slot.get()?.clone();
        if self.report_type.as_str().trim().is_empty() {
            return Err(Error::invalid_input(
                OPERATION,
                "the report type is empty; use ReportType::Security or ReportType::Contact",
            ));
        }
        let now = endpoint.timer().wall_clock();
        let (served, gap) = range::served_part(&self.range, now);
        let served_from = (self.resumed && span == Span::AnyMonths && gap > TimeDelta::zero())
            .then(|| range::oldest_served(now));
        match (&served_from, &served) {
            (Some(_), Some(served)) => range::check(OPERATION, served, span, now, self.settings)?,
            (Some(_), None) => {}
            (None, _) => range::check(OPERATION, &self.range, span, now, self.settings)?,
        }
        if served_from.is_some() {
            tracing::warn!(
                from = %self.range.start,
                gap_hours = gap.num_hours(),
                "Everbridge serves only the past 6 months: the resumed range starts {} hours \
                 before that, and those entries cannot be read; carrying on from the oldest \
                 instant served",
                gap.num_hours()
            );
        }
        let Self { settings, report_type, strict, range, .. } = self;
        let target = Target { endpoint, settings, report_type, strict };
        Ok(Checked { target, range, served_from })
    }

    /// The continuation a resumed listing starts from: the one given, unless it resumes
    /// mid-way through the month the 6-month limit now cuts, whose entries before the
    /// limit are gone: that month is read again from what is left of it, so nothing is
    /// lost (entries read before may come again, with a warning).
    pub(super) fn resume_from(&mut self, continuation: Continuation) -> Continuation {
        self.resumed = true;
        let Ok(endpoint) = self.slot.get() else { return continuation };
        let oldest = range::oldest_served(endpoint.timer().wall_clock());
        let months = range::months(&self.range, self.settings);
        let month = usize::try_from(continuation.window()).ok().and_then(|w| months.get(w));
        let cut = month.is_some_and(|month| month.start < oldest && month.end > oldest);
        // A part of a cut month is not the same range as it was: restart that month too.
        if !cut || (continuation.offset() == 0 && continuation.part().is_whole()) {
            return continuation;
        }
        tracing::warn!(
            window = continuation.window(),
            "the month this Everbridge audit log resumes in is now served only from {oldest}: \
             reading what is left of it from its start, so entries read before may come again"
        );
        let listing = continuation.listing().map(str::to_owned);
        Continuation::restart(continuation.window(), 0).of_listing(listing.as_deref())
    }
}

/// A query checked: what its requests carry, its range, and where Everbridge's service
/// starts when a resumed range reaches past it.
pub(super) struct Checked {
    pub(super) target: Target,
    pub(super) range: Range<DateTime<Utc>>,
    pub(super) served_from: Option<DateTime<Utc>>,
}
