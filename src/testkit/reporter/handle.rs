//! [`ReporterSandbox`], the public handle on the Reporter simulator's state.

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::{
    idempotency::Entry,
    reports::{Stamp, Status},
    state::State,
    templates::{self, FAILURE, LARGE_FILE_LEN},
};
use crate::testkit::lock::lock;

/// A handle on the Reporter simulator's state, from
/// [`Sandbox::reporter`](crate::testkit::Sandbox::reporter): its templates, the reports
/// asked for, their files, and the idempotency keys it has seen.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use auditkit::testkit::{ReporterSandbox, Sandbox};
///
/// let sandbox = Sandbox::start().await?;
/// let created = sandbox
///     .client()
///     .reporter()
///     .generate_report(ReporterSandbox::CSV_TEMPLATE)
///     .send()
///     .await?;
/// assert_eq!(sandbox.reporter().reports().len(), 1);
/// assert_eq!(created.value.id, sandbox.reporter().reports()[0]["id"]);
/// # Ok(()) }
/// ```
///
/// The simulator serves Reporter's API under `/reporter/manager/v1/` (a gateway prefix, as
/// some deployments have) and wants `Authorization: Bearer sandbox-reporter-token` on
/// every request (else 401). It starts with seven templates (one per output format, one
/// whose reports are a 20 MiB file, one whose reports fail) and no reports.
///
/// Like Reporter, it:
/// - answers a create at once with the report `Processing`, which becomes `Finished` on
///   its second read (`GET v1/reports/{id}`) by default; see
///   [`SandboxBuilder::reporter_polls_to_finish`](crate::testkit::SandboxBuilder::reporter_polls_to_finish)
///   (or first `PendingExtraction` for a few reads, as Reporter 1.2 does:
///   [`SandboxBuilder::reporter_pending_extraction`](crate::testkit::SandboxBuilder::reporter_pending_extraction));
/// - keeps every idempotency key (`X-Idempotency`, else a hash of the body): a key seen
///   before answers `201` with the first answer and `X-Idempotency-Replayed: true`, whatever
///   the body; a key is marked processing before the request is validated, so a refused
///   request leaves its key answering `409 TPL-0039` for good; after a report is made, its
///   key can stay in flight for a few requests
///   ([`SandboxBuilder::reporter_in_flight_requests`](crate::testkit::SandboxBuilder::reporter_in_flight_requests));
/// - refuses unknown body fields (`TPL-0015`), filters with the wrong number of values
///   or an unknown operator (`TPL-0017`) and fields its datasources do not have
///   (`TPL-0014`);
/// - downloads only `Finished` reports (else `400 TPL-0029`), streamed, with
///   `Content-Disposition: attachment; filename="<id>.<ext>"`;
/// - lists by page with `total` counting only the page, filters `status` by exact stored
///   spelling, and refuses a `limit` over 100 (`TPL-0024`).
///
/// Rate limits are not simulated; inject them with
/// [`Fault`](crate::testkit::Fault) (`429`, body code `TPL-0429`, `Retry-After`).
#[derive(Debug, Clone)]
pub struct ReporterSandbox {
    pub(super) state: Arc<Mutex<State>>,
}

impl ReporterSandbox {
    /// A template of monthly balances as CSV.
    pub const CSV_TEMPLATE: &'static str = templates::CSV_TEMPLATE;
    /// A template of statements as HTML.
    pub const HTML_TEMPLATE: &'static str = templates::HTML_TEMPLATE;
    /// A template of regulatory exports as XML.
    pub const XML_TEMPLATE: &'static str = templates::XML_TEMPLATE;
    /// A template of summaries as plain text.
    pub const TXT_TEMPLATE: &'static str = templates::TXT_TEMPLATE;
    /// A template of statements as PDF.
    pub const PDF_TEMPLATE: &'static str = templates::PDF_TEMPLATE;
    /// A CSV template whose reports are [`LARGE_FILE_LEN`](Self::LARGE_FILE_LEN) bytes.
    pub const LARGE_TEMPLATE: &'static str = templates::LARGE_TEMPLATE;
    /// A template whose reports end in `Error` with
    /// [`FAILURE_MESSAGE`](Self::FAILURE_MESSAGE) as `metadata.error`.
    pub const FAILING_TEMPLATE: &'static str = templates::FAILING_TEMPLATE;
    /// The size of a report of [`LARGE_TEMPLATE`](Self::LARGE_TEMPLATE): 20 MiB.
    pub const LARGE_FILE_LEN: u64 = LARGE_FILE_LEN;
    /// Why reports of [`FAILING_TEMPLATE`](Self::FAILING_TEMPLATE) fail.
    pub const FAILURE_MESSAGE: &'static str = FAILURE;

    /// Every report as `GET v1/reports` lists it, oldest first, without counting as a read.
    pub fn reports(&self) -> Vec<Value> {
        let state = self.lock();
        state.reports.iter().map(|report| state.render(report, Stamp::Read)).collect()
    }

    /// Every template as `GET v1/templates` lists it.
    pub fn templates(&self) -> Vec<Value> {
        self.lock().templates()
    }

    /// Adds `count` `Finished` reports of `template_id`, asked for one second apart from
    /// 2026-03-01T00:00:00Z, and returns their ids in that order. An unknown template adds
    /// nothing.
    pub fn seed_reports(&self, template_id: &str, count: usize) -> Vec<String> {
        let mut state = self.lock();
        let Some(template) = state.find_template(template_id) else { return Vec::new() };
        let start = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").map(|at| at.to_utc()).unwrap_or_default();
        (0..count)
            .map(|n| {
                let seconds = i64::try_from(n).unwrap_or(i64::MAX);
                let at = start.checked_add_signed(TimeDelta::seconds(seconds)).unwrap_or(start);
                finished_report(&mut state, template, at)
            })
            .collect()
    }

    /// Adds one `Finished` report of `template_id` asked for `at`, and returns its id; an
    /// unknown template adds nothing.
    pub(crate) fn add_finished_report(&self, template_id: &str, at: DateTime<Utc>) -> Option<String> {
        let mut state = self.lock();
        let template = state.find_template(template_id)?;
        Some(finished_report(&mut state, template, at))
    }

    /// Marks dependency `name` (`mongodb`, `rabbitmq`, `redis`, `storage`) down for
    /// `GET /ready`, with `why`; `None` brings it back.
    pub fn set_dependency_down(&self, name: &str, why: Option<&str>) {
        let mut state = self.lock();
        match why {
            Some(why) => state.down.insert(name.to_owned(), why.to_owned()),
            None => state.down.remove(name),
        };
    }

    /// Removes report `id`, as a deletion in Reporter's database would (its API has no
    /// route for it); `false` when there is no such report.
    pub fn delete_report(&self, id: &str) -> bool {
        let mut state = self.lock();
        let before = state.reports.len();
        state.reports.retain(|report| report.id != id);
        state.reports.len() != before
    }

    /// The file a download of report `id` sends, in its chunks (cheap copies of shared
    /// bytes), or `None` when the report does not exist or is not `Finished`.
    pub fn report_file(&self, id: &str) -> Option<Vec<Bytes>> {
        let state = self.lock();
        let report = state.reports.iter().find(|report| report.id == id)?;
        (report.status == Status::Finished).then(|| report.template.file(id))
    }

    /// Whether a create with idempotency key `key` would now be answered `409 TPL-0039`.
    pub fn key_in_flight(&self, key: &str) -> bool {
        match self.lock().keys.get(key) {
            Some(Entry::Processing) => true,
            Some(Entry::Done { in_flight, .. }) => *in_flight > 0,
            None => false,
        }
    }

    /// Writes report statuses in lower case (`processing`, as Reporter's published
    /// example does) or, with `false`, as Reporter stores them (`Processing`).
    pub fn set_lowercase_status(&self, lowercase: bool) {
        self.lock().config.lowercase_status = lowercase;
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

/// Adds a report of `template` asked for and finished `at`, and returns its id.
fn finished_report(state: &mut State, template: &'static templates::Template, at: DateTime<Utc>) -> String {
    let mut report = state.next_report(template, json!({}), at);
    report.finish(at);
    let id = report.id.clone();
    state.reports.push(report);
    id
}
