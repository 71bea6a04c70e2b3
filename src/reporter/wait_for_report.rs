//! Waiting for a report to be generated, by polling it.

use super::{Report, Service, operation};
use crate::{Operation, polling::Wait};

const OPERATION: Operation = operation("wait_for_report");

/// Waits until a report is no longer being generated. Created by
/// [`Service::wait_for_report`]; see [`Wait`] for the deadline, the pauses and the errors.
///
/// Await it for the `Finished` [`Report`], or call [`statuses`](Wait::statuses) to see
/// every poll (`Processing`, …, `Finished`).
///
/// A report that ends in `Error` ends the wait with
/// [`Error::JobFailed`](crate::Error::JobFailed): its
/// [`message`](crate::JobFailed::message) is the report's `metadata.error`, and the report
/// itself is [`status::<Report>()`](crate::JobFailed::status):
///
/// ```no_run
/// use auditkit::{Error, reporter::Report};
///
/// # async fn demo(client: auditkit::Client, id: &str) -> Result<(), auditkit::Error> {
/// match client.reporter().wait_for_report(id).await {
///     Ok(report) => println!("ready: {}", report.id),
///     Err(Error::JobFailed(failed)) => {
///         let report: Option<&Report> = failed.status::<Report>();
///         eprintln!("{:?} failed: {:?}", report.map(|r| &r.id), failed.message());
///     }
///     Err(other) => return Err(other),
/// }
/// # Ok(()) }
/// ```
///
/// `Processing` and `PendingExtraction` are running. So is a status this SDK does not
/// know, until Reporter also sets `completedAt` (which it does when a report ends, in
/// `Error` too): such a report ends the wait as a failure, so a new final status is never
/// taken for a file that can be downloaded. The [`Report`]'s
/// [`JobStatus`](crate::polling::JobStatus) decides, for the
/// [`ReportSource`](super::ReportSource) too.
pub type WaitForReport = Wait<Report>;

pub(super) fn wait_for_report(service: &Service, id: String) -> WaitForReport {
    let reader = service.clone();
    Wait::new(OPERATION, service.slot.clone(), move || {
        Box::pin(reader.get_report(id.clone()).send())
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::polling::{JobStatus, Progress};

    fn report(status: &str, completed: bool, error: Option<&str>) -> Report {
        let mut report = json!({ "id": "r-1", "status": status });
        if completed {
            report["completedAt"] = json!("2026-04-01T12:00:00Z");
        }
        if let Some(error) = error {
            report["metadata"] = json!({ "error": error });
        }
        serde_json::from_value(report).unwrap()
    }

    #[test]
    fn finished_succeeds_error_fails_with_the_metadata_error_and_the_rest_runs() {
        assert_eq!(report("finished", true, None).progress(), Progress::Succeeded);
        assert_eq!(
            report("Error", true, Some("disk full")).progress(),
            Progress::Failed { message: Some("disk full".into()) }
        );
        assert_eq!(report("Error", true, None).progress(), Progress::Failed { message: None });
        for running in ["Processing", "processing", "PendingExtraction", "Queued"] {
            assert_eq!(report(running, false, None).progress(), Progress::Running, "{running}");
        }
    }

    #[test]
    fn an_unknown_status_with_a_completion_time_is_over_and_not_a_success() {
        let Progress::Failed { message } = report("Archived", true, None).progress() else {
            panic!("an unknown final status is not a success");
        };
        assert!(message.unwrap().contains("`Archived`"));
        assert_eq!(report("Archived", true, None).status_text(), "Archived");
        assert_eq!(report("processing", false, None).status_text(), "Processing");
    }
}
