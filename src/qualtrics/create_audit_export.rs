//! `POST /API/v3/audit-exports` — start a bulk audit export of one event name over a
//! window.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::Serialize;

use super::{
    AuditExport, Service, audit_export::Answer, list_audit_event_names::without_bulk_api, operation,
};
use crate::{Error, Operation};

const OPERATION: Operation = operation("create_audit_export");

/// Starts a bulk audit export: Qualtrics writes the events of `event_name` from
/// `start_date` (inclusive) to `end_date` into a file. Created by
/// [`Service::create_audit_export`]. The vendor's recommended path for large pulls; see
/// [`list_audit_event_names`](Service::list_audit_event_names) for the names.
///
/// ```no_run
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let q = client.qualtrics();
/// let (start, end) = (Utc::now() - Duration::days(90), Utc::now());
/// let export = q.create_audit_export("logins", start, end).send_and_wait().await?;
/// let mut events = q.download_audit_export(&export).events::<serde_json::Value>();
/// while let Some(event) = events.try_next().await? {
///     println!("{event}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` or `.send_and_wait()` is awaited"]
pub struct CreateAuditExport {
    service: Service,
    body: Body,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    event_name: String,
    start_date: String,
    end_date: String,
    #[serde(skip)]
    window: (DateTime<Utc>, DateTime<Utc>),
}

impl CreateAuditExport {
    pub(super) fn new(
        service: Service,
        event_name: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Self {
        let date = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Millis, true);
        let end_date = date(crate::datetime::end_in_millis(end));
        let body = Body { event_name, start_date: date(start), end_date, window: (start, end) };
        Self { service, body }
    }

    /// Starts the export; the answer holds its id (poll it with
    /// [`wait_for_audit_export`](Service::wait_for_audit_export)).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any request for an empty event name or a window whose
    /// start is not before its end; otherwise the transport's errors (a 404: a datacenter
    /// without the bulk export API).
    pub async fn send(self) -> Result<AuditExport, Error> {
        let Body { event_name, window: (start, end), .. } = &self.body;
        if event_name.trim().is_empty() {
            return Err(Error::invalid_input(OPERATION, "the event name is empty"));
        }
        if start >= end {
            return Err(Error::invalid_input(
                OPERATION,
                format!("the start ({start}) is not before the end ({end})"),
            ));
        }
        let endpoint = self.service.slot.get()?;
        let request =
            endpoint.request(OPERATION, Method::POST, &["audit-exports"]).json_body(&self.body)?;
        let answer = endpoint.send(request).await.map_err(without_bulk_api)?;
        Ok(answer.json::<Answer<AuditExport>>(OPERATION)?.result)
    }

    /// Starts the export and waits until it is complete, with
    /// [`wait_for_audit_export`](Service::wait_for_audit_export)'s defaults.
    ///
    /// # Errors
    /// Those of [`send`](Self::send), then [`Error::JobFailed`] when the export fails or is
    /// cancelled, [`Error::WaitTimeout`] at the deadline; an answer without an export id
    /// ends the wait at once with [`Error::InvalidInput`].
    pub async fn send_and_wait(self) -> Result<AuditExport, Error> {
        let service = self.service.clone();
        let created = self.send().await?;
        service.wait_for_audit_export(created.id.unwrap_or_default()).await
    }
}
