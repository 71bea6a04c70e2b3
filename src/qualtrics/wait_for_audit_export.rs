//! Waiting for a bulk audit export, polls paced to the endpoint's 30 requests a minute.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use super::{AuditExport, Service, operation};
use crate::{Operation, polling::Wait};

const OPERATION: Operation = operation("wait_for_audit_export");

/// The shortest time between two polls of one export: Qualtrics allows 30 requests a
/// minute on the export endpoints.
pub(crate) const MIN_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Waits until a bulk audit export is over. Created by
/// [`Service::wait_for_audit_export`]; see [`Wait`] for the deadline and the errors.
///
/// Await it for the complete [`AuditExport`] (its [`file`](AuditExport::file) is ready to
/// download). `failed`, `cancelled` and `error` end the wait with
/// [`Error::JobFailed`](crate::Error::JobFailed). Polls start 2 s apart and are never
/// closer than that, whatever [`poll_interval`](Wait::poll_interval) says: the endpoint
/// allows 30 requests a minute.
///
/// ```no_run
/// use std::time::Duration;
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let export = client
///     .qualtrics()
///     .wait_for_audit_export("AE_1")
///     .max_wait(Duration::from_secs(30 * 60))
///     .await?;
/// # Ok(()) }
/// ```
pub type WaitForAuditExport = Wait<AuditExport>;

pub(super) fn wait_for_audit_export(service: &Service, id: String) -> WaitForAuditExport {
    let (reader, timer) = (service.clone(), service.slot.timer());
    let last_poll = Arc::new(Mutex::new(None));
    Wait::new(OPERATION, service.slot.clone(), move || {
        let (reader, timer, last_poll, id) =
            (reader.clone(), Arc::clone(&timer), Arc::clone(&last_poll), id.clone());
        Box::pin(async move {
            let since = |at: &tokio::time::Instant| timer.now().saturating_duration_since(*at);
            let early = last_poll.lock().map_or(None, |last| {
                last.as_ref().map(|at| MIN_POLL_INTERVAL.saturating_sub(since(at)))
            });
            if let Some(pause) = early.filter(|pause| !pause.is_zero()) {
                timer.sleep(pause).await;
            }
            if let Ok(mut last) = last_poll.lock() {
                *last = Some(timer.now());
            }
            reader.get_audit_export(id).send().await
        })
    })
    .poll_interval(MIN_POLL_INTERVAL)
}
