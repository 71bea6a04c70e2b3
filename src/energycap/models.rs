//! EnergyCAP's report distribution models, as the API sends them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

use crate::{
    datetime::Tolerant,
    polling::{JobStatus, Progress},
};

wire_enum! {
    /// Where a distribution run stands. Matched case-insensitively; any other value is
    /// kept in `Unknown`.
    ///
    /// ```
    /// use auditkit::energycap::DistributionStatus;
    /// assert_eq!(DistributionStatus::from("Some reports not sent"), DistributionStatus::SomeReportsNotSent);
    /// assert!(!DistributionStatus::InProgress.is_finished());
    /// ```
    pub enum DistributionStatus {
        /// `In Progress`: still sending.
        InProgress = "In Progress",
        /// `Complete`: every report was sent.
        Complete = "Complete",
        /// `Not sent`: the run finished without sending.
        NotSent = "Not sent",
        /// `Some reports not sent`: the run finished with some failures (see the detail's `errors`).
        SomeReportsNotSent = "Some reports not sent",
    }
}

impl DistributionStatus {
    /// Whether the run is over: `Complete`, `Not sent` or `Some reports not sent` (the
    /// final statuses of [`JobStatus`], which the wait and the collector source both ask).
    /// A status this SDK does not know (`Queued`, `Running`, an empty one) does not count
    /// as over, so a wait keeps polling until a known final status or its deadline.
    ///
    /// ```
    /// use auditkit::energycap::DistributionStatus;
    /// assert!(DistributionStatus::NotSent.is_finished());
    /// assert!(!DistributionStatus::from("Queued").is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.is_final()
    }
}

/// The one answer to "is the run over, and did it go well?", for
/// [`wait_for_distribution`](super::Service::wait_for_distribution),
/// [`send_and_wait`](super::RunReportDistribution::send_and_wait) and the
/// [`DistributionLogSource`](super::DistributionLogSource) alike.
///
/// - `Complete` succeeds.
/// - `Not sent` fails: the run ended and sent nothing.
/// - `Some reports not sent` fails too: a distribution exists to deliver its reports, and
///   some recipients did not get theirs, which a caller who reads only `Ok` would never
///   learn. The run's detail, with its `errors`, stays in the
///   [`Error::JobFailed`](crate::Error::JobFailed) for a caller who accepts a partial run.
/// - `In Progress` and any status this SDK does not know are running: a new final status
///   is never taken for a success, and the wait's deadline bounds the wait.
///
/// ```
/// use auditkit::{energycap::DistributionStatus, polling::{JobStatus, Progress}};
///
/// assert_eq!(DistributionStatus::Complete.progress(), Progress::Succeeded);
/// assert!(matches!(DistributionStatus::SomeReportsNotSent.progress(), Progress::Failed { .. }));
/// assert_eq!(DistributionStatus::from("Queued").progress(), Progress::Running);
/// ```
impl JobStatus for DistributionStatus {
    fn progress(&self) -> Progress {
        match self {
            DistributionStatus::Complete => Progress::Succeeded,
            DistributionStatus::NotSent | DistributionStatus::SomeReportsNotSent => {
                Progress::Failed { message: None }
            }
            _ => Progress::Running,
        }
    }

    fn status_text(&self) -> String {
        self.as_str().to_owned()
    }
}

/// One run of a report distribution (EnergyCAP's `ReportDistributionLogResponse`).
///
/// Dates are read tolerantly: EnergyCAP documents date-times but its own example sends a
/// bare date (`"2026-03-30"`), read as midnight UTC.
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReportDistributionLog {
    /// The log's identifier; pass it to
    /// [`wait_for_distribution`](super::Service::wait_for_distribution).
    pub report_distribution_log_id: i32,
    /// When the run started.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub begin_date: Option<DateTime<Utc>>,
    /// When the run finished; `None` while it is in progress.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub end_date: Option<DateTime<Utc>>,
    /// Unique recipients (a user in several groups counts once).
    #[serde(default)]
    pub number_of_recipients: Option<i32>,
    /// The distribution this run belongs to.
    #[serde(default)]
    pub report_distribution: Option<ReportDistributionChild>,
    /// The run's status.
    #[serde(default)]
    pub status: Option<DistributionStatus>,
}

/// The distribution a log belongs to (EnergyCAP's `ReportDistributionChild`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReportDistributionChild {
    /// The distribution's identifier; pass it to
    /// [`run_report_distribution`](super::Service::run_report_distribution).
    #[serde(default)]
    pub report_distribution_id: Option<i32>,
    /// The distribution's name.
    #[serde(default)]
    pub report_distribution_name: Option<String>,
    /// The code of the report it sends.
    #[serde(default)]
    pub report_code: Option<String>,
    /// Who created the distribution. EnergyCAP's example sends `{}`.
    #[serde(default)]
    pub created_by_user: Option<UserChild>,
}

open_model! {
    /// A report distribution (EnergyCAP's `ReportDistributionResponse`), from
    /// [`list_report_distributions`](super::Service::list_report_distributions). Fields the
    /// SDK does not know (the schedule, the recipients' groups) are kept in `other`.
    ///
    /// ```
    /// use auditkit::energycap::ReportDistribution;
    ///
    /// let distribution: ReportDistribution = serde_json::from_str(r#"{
    ///     "reportDistributionId": 1, "reportDistributionName": "Monthly Cost Summary",
    ///     "reportCode": "COST-MONTHLY", "enabled": true, "schedule": {"frequency": "Monthly"}
    /// }"#)?;
    /// assert_eq!(distribution.report_distribution_id, Some(1));
    /// assert_eq!(distribution.other["schedule"]["frequency"], "Monthly");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub struct ReportDistribution {
        /// The distribution's identifier; pass it to
        /// [`run_report_distribution`](super::Service::run_report_distribution).
        pub report_distribution_id: Option<i32> = "reportDistributionId",
        /// The distribution's name.
        pub report_distribution_name: Option<String> = "reportDistributionName",
        /// The code of the report it sends.
        pub report_code: Option<String> = "reportCode",
        /// Who created it.
        pub created_by_user: Option<UserChild> = "createdByUser",
        /// How many recipients it has.
        pub number_of_recipients: Option<i32> = "numberOfRecipients",
        /// Whether it runs on its schedule.
        pub enabled: Option<bool> = "enabled",
    }
}

/// A user reference (EnergyCAP's `UserChild`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserChild {
    /// The user's identifier.
    #[serde(default)]
    pub user_id: Option<i32>,
    /// The user's code (login name).
    #[serde(default)]
    pub user_code: Option<String>,
    /// The user's full name.
    #[serde(default)]
    pub full_name: Option<String>,
}

/// A log with its e-mail settings and errors (`GET reportdistribution/log/{id}/detail`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReportDistributionLogDetail {
    /// The log itself.
    #[serde(flatten)]
    pub log: ReportDistributionLog,
    /// The e-mail settings the run used. EnergyCAP does not document their shape, so they
    /// are kept as JSON rather than guessed.
    #[serde(default)]
    pub email_settings: Option<serde_json::Value>,
    /// What went wrong, for runs with status `Some reports not sent` or `Not sent`.
    #[serde(default)]
    pub errors: Option<String>,
}

/// A log is where its [`DistributionStatus`] says; without a status, still running.
impl JobStatus for ReportDistributionLog {
    fn progress(&self) -> Progress {
        self.status.as_ref().map_or(Progress::Running, JobStatus::progress)
    }

    fn status_text(&self) -> String {
        self.status.as_ref().map_or_else(|| "(no status)".to_owned(), JobStatus::status_text)
    }

    fn state_text(&self) -> String {
        self.status.as_ref().map_or_else(String::new, JobStatus::status_text)
    }
}

/// A detail is where its log's [`DistributionStatus`] says; a failed run's message is its
/// `errors`.
impl JobStatus for ReportDistributionLogDetail {
    fn progress(&self) -> Progress {
        match self.log.progress() {
            Progress::Failed { message } => {
                Progress::Failed { message: self.errors.clone().or(message) }
            }
            progress => progress,
        }
    }

    fn status_text(&self) -> String {
        self.log.status_text()
    }

    fn state_text(&self) -> String {
        self.log.state_text()
    }
}
