//! Waiting for a distribution run to finish, by polling its detail.

use std::{future::IntoFuture, time::Duration};

use futures::future::BoxFuture;

use super::{ReportDistributionLogDetail, Service, operation};
use crate::{
    Error, Operation,
    polling::{PollSettings, Progress, Statuses, Waiter},
};

const OPERATION: Operation = operation("wait_for_distribution");

/// Waits until a distribution run is no longer `In Progress`. Created by
/// [`Service::wait_for_distribution`].
///
/// Await it for the final [`ReportDistributionLogDetail`] (any final status, including
/// `Not sent`: check `log.status` and `errors`), or call [`statuses`](Self::statuses) to
/// see every poll. A deadline always applies: 10 minutes unless [`max_wait`](Self::max_wait)
/// says otherwise.
#[derive(Debug, Clone)]
#[must_use = "a wait does nothing until it is awaited or `.statuses()` is polled"]
pub struct WaitForDistribution {
    service: Service,
    report_distribution_log_id: i32,
    settings: PollSettings,
}

impl WaitForDistribution {
    pub(super) fn new(service: Service, report_distribution_log_id: i32) -> Self {
        Self { service, report_distribution_log_id, settings: PollSettings::default() }
    }

    /// The longest to wait before [`Error::WaitTimeout`]. Default 10 minutes.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.settings.max_wait = max_wait;
        self
    }

    /// The first pause between polls (it grows by half each poll, up to 30 s). Default 1 s.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.settings.interval = interval;
        self.settings.max_interval = self.settings.max_interval.max(interval);
        self
    }

    /// Each status read, ending with the final one (or an error).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut polls = client.energycap().wait_for_distribution(1001).statuses();
    /// while let Some(detail) = polls.try_next().await? {
    ///     println!("{:?}", detail.log.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn statuses(self) -> Statuses<ReportDistributionLogDetail> {
        self.waiter().statuses()
    }

    fn waiter(self) -> Waiter<ReportDistributionLogDetail> {
        let timer = match self.service.slot.get() {
            Ok(endpoint) => endpoint.timer().clone(),
            // Unconfigured: the first fetch reports it, and no sleep ever happens.
            Err(_) => std::sync::Arc::new(crate::timer::TokioTimer),
        };
        let service = self.service;
        let id = self.report_distribution_log_id;
        Waiter {
            operation: OPERATION,
            timer,
            settings: self.settings,
            fetch: Box::new(move || Box::pin(service.report_distribution_log_detail(id).send())),
            progress: |detail| match &detail.log.status {
                Some(status) if status.is_finished() => Progress::Finished,
                _ => Progress::Pending,
            },
            describe: |detail| {
                detail
                    .log
                    .status
                    .as_ref()
                    .map_or_else(|| "(no status)".to_owned(), |s| s.as_str().to_owned())
            },
        }
    }
}

impl IntoFuture for WaitForDistribution {
    type Output = Result<ReportDistributionLogDetail, Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.waiter().wait()
    }
}
