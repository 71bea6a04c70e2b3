//! Reports as a collector [`Source`]: each status a report reaches is an event, and
//! reports still being generated are read again until they finish.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use futures::{StreamExt, stream};
use reqwest::StatusCode;

use super::{GetReport, ListReports, Report};
use crate::{
    Error, Timer, Vendor,
    collect::{Collected, Listed, ListedStream, Settings, Source, Window, listed},
    transport::EndpointSlot,
};

/// The largest page Reporter serves.
const PAGE_SIZE: u32 = 100;

/// Lerian Reporter's reports, for a [`Collector`](crate::collect::Collector): one event
/// per report and status. Created by
/// [`Service::report_source`](super::Service::report_source).
///
/// ```no_run
/// use auditkit::collect::{Collector, FileStore};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let source = client.reporter().report_source();
/// let mut batches = Collector::new(source).store(FileStore::new("reports.json")).run();
/// while let Some(batch) = batches.try_next().await? {
///     for report in batch.events() {
///         println!("{}: {:?}", report.key, report.event.status);
///     }
///     batch.commit().await?;
/// }
/// # Ok(()) }
/// ```
///
/// Reporter filters its list by creation day only (`createdAt=YYYY-MM-DD`, UTC), so a
/// window is one [`ListReports`] listing per UTC day it touches, 100 reports a page (the
/// collector keeps those created in the window), then one
/// [`get_report`](super::Service::get_report) per report the collector is waiting on. A
/// report that does not decode is delivered in
/// [`Batch::undecodable`](crate::collect::Batch::undecodable). Its id is
/// `reporter/reports`.
///
/// An event's key is `"{id}:{status}"`, its time the report's `createdAt` (the window's
/// last instant when it has none: see [`Window::fallback_time`]), and its subject the
/// report: a report seen `Processing` is delivered, then read again on every run of the
/// collector until a final state is delivered, once: `Finished`, `Error`, or a status this
/// SDK does not know with a `completedAt` (the [`Report`]'s
/// [`JobStatus`](crate::polling::JobStatus) decides, as it does for
/// [`wait_for_report`](super::Service::wait_for_report)). A report that is gone (404)
/// when read again is skipped with a warning; one that cannot be read for another lasting
/// reason (an answer that does not decode) is skipped with a warning too and read again on
/// the next run, so it never stops the collection of the others.
///
/// The defaults ([`Source::settings`]): a lag of a minute (a report is listed as soon as
/// it is asked for), an overlap of an hour, 1-day steps, and a first run 7 days back.
#[derive(Debug, Clone)]
pub struct ReportSource {
    slot: EndpointSlot,
}

impl ReportSource {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot }
    }
}

impl Source for ReportSource {
    type Event = Report;

    fn id(&self) -> String {
        "reporter/reports".into()
    }

    fn vendor(&self) -> Vendor {
        Vendor::Reporter
    }

    fn settings(&self) -> Settings {
        Settings::default()
            .lag(Duration::from_secs(60))
            .overlap(Duration::from_secs(60 * 60))
            .step(Some(Duration::from_secs(24 * 60 * 60)))
            .lookback(Duration::from_secs(7 * 24 * 60 * 60))
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.slot.timer()
    }

    fn list(&self, window: &Window) -> ListedStream<Report> {
        let fallback = window.fallback_time();
        let slot = self.slot.clone();
        let created = stream::iter(days(window)).flat_map(move |day| {
            let reports = ListReports::new(slot.clone()).created_at(day).limit(PAGE_SIZE);
            listed(reports.items_or_undecodable(), move |report| collected(report, fallback))
        });
        let slot = self.slot.clone();
        let rechecked = stream::iter(window.recheck.clone()).filter_map(move |id| {
            let report = GetReport::new(slot.clone(), id.clone()).send();
            async move {
                match report.await {
                    Ok(report) => Some(Ok(Listed::Event(collected(report, fallback)))),
                    Err(Error::Api(gone)) if gone.status() == StatusCode::NOT_FOUND => {
                        tracing::warn!(report = %id, "a report being generated is gone: skipped");
                        None
                    }
                    Err(error) if error.is_retryable() => Some(Err(error)),
                    // One report that cannot be read (an answer that does not decode, a 4xx)
                    // must not stop the collection: it stays pending and is read again on
                    // the next run.
                    Err(error) => {
                        tracing::warn!(report = %id, %error, "a report being generated cannot be read: read again next run");
                        None
                    }
                }
            }
        });
        Box::pin(created.chain(rechecked))
    }
}

/// The UTC days the window touches, in order.
fn days(window: &Window) -> Vec<NaiveDate> {
    let first = window.range.start.date_naive();
    let last = window.range.end.checked_sub_signed(TimeDelta::nanoseconds(1));
    let last = last.map_or(first, |last| last.date_naive());
    first.iter_days().take_while(|day| *day <= last).collect()
}

/// The report as an event: keyed by id and status, the report its subject.
fn collected(report: Report, fallback: DateTime<Utc>) -> Collected<Report> {
    let (id, time) = (report.id.clone(), report.created_at.unwrap_or(fallback));
    Collected::state_of(id, time, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_window_is_listed_for_each_utc_day_it_touches() {
        let window = Window::new(at("2026-11-20T22:00:00Z")..at("2026-11-22T00:00:00Z"));
        let days: Vec<String> = days(&window).iter().map(ToString::to_string).collect();
        assert_eq!(days, ["2026-11-20", "2026-11-21"]);
        let window = Window::new(at("2026-11-21T10:00:00Z")..at("2026-11-21T10:00:01Z"));
        assert_eq!(super::days(&window).len(), 1);
    }

    #[test]
    fn only_finished_and_error_settle_a_report() {
        for (status, settled) in [
            ("Processing", false),
            ("PendingExtraction", false),
            ("Finished", true),
            ("Error", true),
            ("Archived", false),
        ] {
            let report: Report = serde_json::from_value(serde_json::json!({
                "id": "r-1", "status": status, "createdAt": "2026-11-21T10:00:00Z",
            }))
            .unwrap();
            let event = collected(report, at("2026-11-01T00:00:00Z"));
            assert_eq!(event.key, format!("r-1:{status}"));
            assert_eq!(event.subject.map(|s| s.settled), Some(settled));
            assert_eq!(event.time, at("2026-11-21T10:00:00Z"));
        }
    }

    /// Regression: the wait ended on an unknown status with `completedAt` while this
    /// source kept reading the report again on every run; both now ask the `Report`.
    #[test]
    fn an_unknown_status_with_a_completion_time_settles_the_report_as_it_ends_the_wait() {
        use crate::polling::JobStatus;
        let report: Report = serde_json::from_value(serde_json::json!({
            "id": "r-1", "status": "Archived", "createdAt": "2026-11-21T10:00:00Z",
            "completedAt": "2026-11-21T10:05:00Z",
        }))
        .unwrap();
        assert!(report.is_final(), "the wait's answer");
        let event = collected(report, at("2026-11-01T00:00:00Z"));
        assert_eq!(event.key, "r-1:Archived");
        assert_eq!(event.subject.map(|s| s.settled), Some(true), "the source's answer");
    }

    #[test]
    fn a_report_without_a_status_keeps_its_key_and_is_not_settled() {
        let report: Report = serde_json::from_value(serde_json::json!({ "id": "r-1" })).unwrap();
        let event = collected(report, at("2026-11-01T00:00:00Z"));
        assert_eq!(event.key, "r-1:");
        assert_eq!(event.subject.map(|s| s.settled), Some(false));
    }
}
