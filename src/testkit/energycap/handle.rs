//! [`EnergyCapSandbox`], the public handle on the simulator's state.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use super::state::{EnergyCapRun, Outcome, State};
use crate::testkit::lock::lock;

/// A handle on the EnergyCAP simulator's state, from
/// [`Sandbox::energycap`](crate::testkit::Sandbox::energycap): seed logs and distributions,
/// read them back, and see which runs `exec` started.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::Sandbox;
/// use serde_json::json;
///
/// let sandbox = Sandbox::start().await?;
/// let energycap = sandbox.energycap();
/// // A status the SDK has never heard of must still decode.
/// let id = energycap.add_log(json!({
///     "beginDate": "2026-04-01",
///     "numberOfRecipients": 3,
///     "reportDistribution": { "createdByUser": {}, "reportCode": "X",
///                             "reportDistributionId": 1, "reportDistributionName": "X" },
///     "status": "Queued",
/// }));
/// assert_eq!(energycap.log(id).and_then(|log| log["status"].as_str().map(str::to_owned)),
///            Some("Queued".to_owned()));
/// # Ok(()) }
/// ```
///
/// Every request needs the header `ECI-ApiKey: sandbox-energycap-key` (else 401);
/// `Content-Type` is not checked, but [`RecordedRequest`](crate::testkit::RecordedRequest)
/// shows what was sent.
///
/// Logs and distributions are kept as the JSON the API answers with, so a test can seed
/// any shape the real API might send, including odd ones. The sandbox starts with three
/// distributions (ids 1–3) and six logs (ids 101–106, one of them stuck `In Progress`).
#[derive(Debug, Clone)]
pub struct EnergyCapSandbox {
    pub(super) state: Arc<Mutex<State>>,
}

impl EnergyCapSandbox {
    /// Every log as `GET reportdistribution/log?includeInProgress=true` would list it,
    /// without counting as a read of the runs in progress.
    pub fn logs(&self) -> Vec<Value> {
        self.lock().logs.iter().map(|log| log.listed.clone()).collect()
    }

    /// One log as listed, by `reportDistributionLogId`.
    pub fn log(&self, id: i64) -> Option<Value> {
        self.lock().find(id).map(|log| log.listed.clone())
    }

    /// Adds a log, or replaces the one with the same id, and returns its id.
    ///
    /// `log` is a ReportDistributionLogResponse as JSON. A missing `reportDistributionLogId`
    /// is assigned. Keys `emailSettings` and `errors`, if present, appear only in the
    /// detail answer. A value that is not an object is listed verbatim (to test how a
    /// client copes) but has no detail.
    pub fn add_log(&self, log: Value) -> i64 {
        self.lock().add_log(log)
    }

    /// Changes a log in place and returns whether it exists. An edited run no longer
    /// finishes by itself.
    pub fn edit_log(&self, id: i64, edit: impl FnOnce(&mut Value)) -> bool {
        let mut state = self.lock();
        let Some(log) = state.find_mut(id) else {
            return false;
        };
        edit(&mut log.listed);
        log.run = None;
        true
    }

    /// Removes every log (the list answer becomes `[]`).
    pub fn clear_logs(&self) {
        self.lock().logs.clear();
    }

    /// Every distribution as `GET reportdistribution` lists it.
    pub fn distributions(&self) -> Vec<Value> {
        self.lock().distributions.clone()
    }

    /// Adds a distribution that `exec` can run, or replaces the one with the same
    /// `reportDistributionId`, and returns its id (assigned when missing).
    pub fn add_distribution(&self, distribution: Value) -> i64 {
        self.lock().add_distribution(distribution)
    }

    /// Whether the API key's user has the permission `DistributedReportsSettings (Manage)`
    /// (default `true`); without it the log list and detail answer 401, as EnergyCAP does.
    pub fn set_logs_permitted(&self, permitted: bool) {
        self.lock().logs_permitted = permitted;
    }

    /// Every run `exec` started, oldest first.
    pub fn runs(&self) -> Vec<EnergyCapRun> {
        self.lock().runs.clone()
    }

    /// The `status` (and detail `errors`) that runs get when they finish, instead of
    /// `Complete` without errors — e.g. `("Some reports not sent", Some("…"))`.
    pub fn set_run_outcome(&self, status: &str, errors: Option<&str>) {
        self.lock().outcome = Outcome { status: status.to_owned(), errors: errors.map(Into::into) };
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}
