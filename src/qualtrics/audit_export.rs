//! A bulk audit export as Qualtrics describes it, and where it stands.

use serde::Deserialize;

use crate::polling::{JobStatus, Progress};

open_model! {
    /// A bulk audit export (`POST /audit-exports`, `GET /audit-exports/{id}`): one event
    /// name over one window, written by Qualtrics into a file.
    ///
    /// ```
    /// use auditkit::{polling::{JobStatus, Progress}, qualtrics::AuditExport};
    ///
    /// let export: AuditExport =
    ///     serde_json::from_str(r#"{"id": "AE_1", "status": "complete", "fileId": "F_1"}"#)?;
    /// assert_eq!(export.progress(), Progress::Succeeded);
    /// assert_eq!(export.file(), Some("F_1"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub struct AuditExport {
        /// The export's id.
        pub id: Option<String> = "id",
        /// `running`, `complete`, `failed`, … as Qualtrics spells it.
        pub status: Option<String> = "status",
        /// The file to download once complete.
        pub file_id: Option<String> = "fileId",
    }
}

impl AuditExport {
    /// The file to download: `fileId`, or the export's own id when Qualtrics names no file
    /// (as the vendor's own client does).
    ///
    /// ```
    /// let export: auditkit::qualtrics::AuditExport = serde_json::from_str(r#"{"id": "AE_1"}"#)?;
    /// assert_eq!(export.file(), Some("AE_1"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn file(&self) -> Option<&str> {
        self.file_id.as_deref().filter(|id| !id.is_empty()).or(self.id.as_deref())
    }
}

/// `complete` and `completed` are done; `failed`, `cancelled` (`canceled`) and `error` are
/// failures; any other status, or none, is running.
impl JobStatus for AuditExport {
    fn progress(&self) -> Progress {
        match self.status.as_deref().map(|status| status.trim().to_ascii_lowercase()).as_deref() {
            Some("complete" | "completed") => Progress::Succeeded,
            Some("failed" | "cancelled" | "canceled" | "error") => Progress::Failed {
                message: Some(format!("the export ended `{}`", self.status_text())),
            },
            _ => Progress::Running,
        }
    }

    fn status_text(&self) -> String {
        self.status.clone().unwrap_or_else(|| "(no status)".to_owned())
    }
}

/// Qualtrics' answer around one object: `{"result": …}`.
#[derive(Deserialize)]
pub(crate) struct Answer<T> {
    pub(crate) result: T,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(status: Option<&str>) -> AuditExport {
        AuditExport { status: status.map(str::to_owned), ..AuditExport::default() }
    }

    #[test]
    fn complete_is_done_failed_cancelled_and_error_fail_and_the_rest_runs() {
        for done in ["complete", "Completed", " COMPLETE "] {
            assert_eq!(export(Some(done)).progress(), Progress::Succeeded, "{done}");
        }
        for failed in ["failed", "cancelled", "canceled", "Error"] {
            assert!(matches!(export(Some(failed)).progress(), Progress::Failed { .. }), "{failed}");
        }
        for running in [Some("running"), Some("queued"), Some(""), None] {
            assert_eq!(export(running).progress(), Progress::Running, "{running:?}");
        }
    }
}
