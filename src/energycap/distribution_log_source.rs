//! Report distribution runs as a collector [`Source`]: each status a run reaches is an
//! event, and runs still in progress are checked again until they finish.

use std::{sync::Arc, time::Duration};

use super::{ListReportDistributionLogs, ReportDistributionLog};
use crate::{
    Timer, Vendor,
    collect::{Collected, ListedStream, Settings, Source, Window, listed},
    transport::EndpointSlot,
};
use chrono::{DateTime, Utc};

/// EnergyCAP's report distribution logs, for a [`Collector`](crate::collect::Collector):
/// one event per run and status. Created by
/// [`Service::distribution_log_source`](super::Service::distribution_log_source).
///
/// ```no_run
/// use auditkit::collect::{Collector, FileStore};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let source = client.energycap().distribution_log_source();
/// let mut batches = Collector::new(source).store(FileStore::new("distributions.json")).run();
/// while let Some(batch) = batches.try_next().await? {
///     for run in batch.events() {
///         println!("{}: {:?}", run.key, run.event.status);
///     }
///     batch.commit().await?;
/// }
/// # Ok(()) }
/// ```
///
/// EnergyCAP's list has no date filter and no pages: each window is one
/// [`list_report_distribution_logs`](super::Service::list_report_distribution_logs) call with
/// `includeInProgress=true`, every log an event (the collector keeps those that began in
/// the window, and the runs it is waiting on). A log that does not decode is delivered in
/// [`Batch::undecodable`](crate::collect::Batch::undecodable). Its id is
/// `energycap/distribution_logs`.
///
/// An event's key is `"{report_distribution_log_id}:{status}"`, its time the run's
/// `beginDate` (the window's last instant when it has none: see [`Window::fallback_time`]),
/// and its subject the run: a run seen `In Progress` is delivered, then checked again on
/// every run of the collector until a final status (`Complete`, `Not sent`, `Some reports
/// not sent`) is delivered, once. A status this SDK does not know is not final. Final is
/// what [`DistributionStatus`](super::DistributionStatus)'s [`JobStatus`](crate::polling::JobStatus)
/// says, the answer [`wait_for_distribution`](super::Service::wait_for_distribution) uses
/// too.
///
/// The defaults ([`Source::settings`]): no lag (a log appears when its run starts), an
/// overlap of a day, one window per collector run (one request whatever the range), and
/// a first run 30 days back.
#[derive(Debug, Clone)]
pub struct DistributionLogSource {
    slot: EndpointSlot,
}

impl DistributionLogSource {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot }
    }
}

impl Source for DistributionLogSource {
    type Event = ReportDistributionLog;

    fn id(&self) -> String {
        "energycap/distribution_logs".into()
    }

    fn vendor(&self) -> Vendor {
        Vendor::EnergyCap
    }

    fn settings(&self) -> Settings {
        Settings::default()
            .lag(Duration::ZERO)
            .overlap(Duration::from_secs(24 * 60 * 60))
            .step(None)
            .lookback(Duration::from_secs(30 * 24 * 60 * 60))
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.slot.timer()
    }

    fn list(&self, window: &Window) -> ListedStream<ReportDistributionLog> {
        let logs = ListReportDistributionLogs::new(self.slot.clone()).include_in_progress(true);
        let fallback = window.fallback_time();
        listed(logs.items_or_undecodable(), move |log| collected(log, fallback))
    }
}

/// The log as an event: keyed by run and status, the run its subject.
fn collected(
    log: ReportDistributionLog,
    fallback: DateTime<Utc>,
) -> Collected<ReportDistributionLog> {
    let (id, time) = (log.report_distribution_log_id, log.begin_date.unwrap_or(fallback));
    Collected::state_of(id.to_string(), time, log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(status: &str) -> ReportDistributionLog {
        serde_json::from_value(serde_json::json!({
            "reportDistributionLogId": 7, "beginDate": "2026-11-20T08:00:00Z", "status": status,
        }))
        .unwrap()
    }

    #[test]
    fn each_status_of_a_run_has_its_own_key_and_only_a_final_one_settles_it() {
        let start = "2026-11-01T00:00:00Z".parse().unwrap();
        for (status, key, settled) in [
            ("In Progress", "7:In Progress", false),
            ("Complete", "7:Complete", true),
            ("Not sent", "7:Not sent", true),
            ("Some reports not sent", "7:Some reports not sent", true),
            ("Queued", "7:Queued", false),
            ("", "7:", false),
        ] {
            let event = collected(log(status), start);
            assert_eq!(event.key, key);
            let subject = event.subject.unwrap();
            assert_eq!((subject.id.as_str(), subject.settled), ("7", settled), "{status}");
            assert_eq!(event.time, "2026-11-20T08:00:00Z".parse::<DateTime<Utc>>().unwrap());
        }
    }
}
