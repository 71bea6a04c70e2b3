//! A report generation request and where it stands, as Reporter sends it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::{
    datetime::Tolerant,
    polling::{JobStatus, Progress},
};

wire_enum! {
    /// Where a report stands. Decoded case-insensitively (Reporter stores `Finished`, its
    /// published example writes `processing`); any other value is kept in `Unknown`.
    ///
    /// `PendingExtraction`, which Reporter's docs mention, is a step before `Processing`;
    /// it and any unknown status are running (see its [`JobStatus`] and the
    /// [`Report`]'s, which also reads `completedAt`).
    ///
    /// ```
    /// use auditkit::reporter::ReportStatus;
    /// assert_eq!(ReportStatus::from("processing"), ReportStatus::Processing);
    /// // The list filter is matched exactly, so it is sent as Reporter stores it.
    /// assert_eq!(ReportStatus::Finished.as_str(), "Finished");
    /// ```
    pub enum ReportStatus {
        /// `Processing`: the report is being generated.
        Processing = "Processing",
        /// `Finished`: the file is ready to download.
        Finished = "Finished",
        /// `Error`: generation failed; the report's `metadata.error` says why.
        Error = "Error",
        /// `PendingExtraction`: waiting for its data to be extracted, before `Processing`.
        PendingExtraction = "PendingExtraction",
    }
}

/// A report generation request (Reporter's `Report`).
///
/// Reporter writes its timestamps with nanoseconds on create, milliseconds on reads and
/// sometimes a non-UTC offset; all are read into UTC.
///
/// ```
/// use auditkit::reporter::{Report, ReportStatus};
///
/// let report: Report = serde_json::from_value(serde_json::json!({
///     "id": "0196a5b2-0c8f-7d4e-9a41-4f3c2b1a0e9d",
///     "templateId": "00000000-0000-4000-8000-000000000007",
///     "filters": {},
///     "status": "Error",
///     "metadata": { "error": "datasource midaz_onboarding is unreachable" },
///     "completedAt": "2026-04-01T12:00:03.123-03:00",
/// }))?;
/// assert_eq!(report.status, Some(ReportStatus::Error));
/// assert_eq!(report.error_message(), Some("datasource midaz_onboarding is unreachable"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Report {
    /// The report's id (a UUID v7); pass it to
    /// [`wait_for_report`](super::Service::wait_for_report) and
    /// [`download_report`](super::Service::download_report).
    pub id: String,
    /// The template the report is made from.
    #[serde(default)]
    pub template_id: Option<String>,
    /// The filters the report was asked with, as Reporter echoes them
    /// (datasource → table → field → operator → values).
    #[serde(default)]
    pub filters: Option<Value>,
    /// Where the report stands.
    #[serde(default)]
    pub status: Option<ReportStatus>,
    /// Reporter's notes on the report; on failure `{"error": "…"}` (see
    /// [`error_message`](Self::error_message)).
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// When generation ended, as `Finished` or as `Error`.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    /// When the report was asked for.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// When the report last changed.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// When the report was deleted, if it was.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Report {
    /// Why generation failed: `metadata.error`, when Reporter gives it as text.
    pub fn error_message(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("error")?.as_str()
    }
}

/// What the status alone says: `Finished` succeeds, `Error` fails, anything else
/// (`Processing`, `PendingExtraction`, a status this SDK does not know) is running. A
/// [`Report`] knows more: see its [`JobStatus`].
///
/// ```
/// use auditkit::{polling::{JobStatus, Progress}, reporter::ReportStatus};
///
/// assert_eq!(ReportStatus::Finished.progress(), Progress::Succeeded);
/// assert!(!ReportStatus::from("Archived").is_final());
/// ```
impl JobStatus for ReportStatus {
    fn progress(&self) -> Progress {
        match self {
            ReportStatus::Finished => Progress::Succeeded,
            ReportStatus::Error => Progress::Failed { message: None },
            _ => Progress::Running,
        }
    }

    fn status_text(&self) -> String {
        self.as_str().to_owned()
    }
}

/// The one answer to "is this report over, and can its file be downloaded?", for
/// [`wait_for_report`](super::Service::wait_for_report),
/// [`send_and_wait`](super::GenerateReport::send_and_wait) and the
/// [`ReportSource`](super::ReportSource) alike.
///
/// Its [`ReportStatus`] decides, with one addition: a status this SDK does not know is
/// running until Reporter also sets `completedAt` (which it does when a report ends, in
/// `Error` too). **An unknown status with `completedAt` is final, and a failure**: the
/// report will not change again, so a wait ends (with
/// [`Error::JobFailed`](crate::Error::JobFailed) naming the status) instead of polling
/// until its deadline, a collector stops reading it again, and a new final status is never
/// taken for a file that can be downloaded. A failure's message is `metadata.error`.
///
/// ```
/// use auditkit::{polling::{JobStatus, Progress}, reporter::Report};
///
/// let report: Report = serde_json::from_value(serde_json::json!({
///     "id": "r-1", "status": "Archived", "completedAt": "2026-04-01T12:00:00Z",
/// }))?;
/// assert!(matches!(report.progress(), Progress::Failed { .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
impl JobStatus for Report {
    fn progress(&self) -> Progress {
        let failed = || Progress::Failed { message: self.error_message().map(str::to_owned) };
        match &self.status {
            Some(ReportStatus::Unknown(status)) if self.completed_at.is_some() => {
                Progress::Failed {
                    message: Some(self.error_message().map_or_else(
                        || format!("the report ended with status `{status}`, which this SDK does not know"),
                        str::to_owned,
                    )),
                }
            }
            Some(status) => match status.progress() {
                Progress::Failed { .. } => failed(),
                progress => progress,
            },
            None => Progress::Running,
        }
    }

    fn status_text(&self) -> String {
        self.status.as_ref().map_or_else(|| "(no status)".to_owned(), JobStatus::status_text)
    }

    fn state_text(&self) -> String {
        self.status.as_ref().map_or_else(String::new, JobStatus::status_text)
    }
}
