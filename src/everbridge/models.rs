//! The audit log as Everbridge sends it: entries, and the page that carries them.
//!
//! Every field may be missing or null, so every field is an `Option`; fields this SDK does
//! not know yet are kept in `other`, so an archive loses nothing. Ids are 64-bit integers,
//! read as integers (never through a float, which would round 15-digit ids).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::datetime::Tolerant;

wire_enum! {
    /// Which audit log to read (`reportType`).
    ///
    /// ```
    /// use auditkit::everbridge::ReportType;
    /// assert_eq!(ReportType::Contact.as_str(), "Contact");
    /// assert_eq!(ReportType::from("security"), ReportType::Security);
    /// ```
    pub enum ReportType {
        /// Security events: logins, settings and user changes.
        Security = "Security",
        /// Contact events: contacts created, changed, deleted.
        Contact = "Contact",
    }
}

/// One audit log entry.
///
/// ```
/// use auditkit::everbridge::AuditLogEntry;
///
/// let entry: AuditLogEntry = serde_json::from_str(r#"{
///     "accountId": 295910361792516, "eventTime": "2020-09-16T03:55:47",
///     "operationType": "Update", "riskScore": 7
/// }"#)?;
/// assert_eq!(entry.account_id, Some(295910361792516));
/// assert_eq!(entry.event_time.map(|t| t.to_rfc3339()).as_deref(), Some("2020-09-16T03:55:47+00:00"));
/// assert_eq!(entry.other["riskScore"], 7);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Entries have no id of their own (`entityId` is often 0): to deduplicate, compare whole
/// entries (`AuditLogEntry` is `PartialEq`, and its JSON is stable).
#[serde_as]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuditLogEntry {
    /// The account's id.
    #[serde(default)]
    pub account_id: Option<i64>,
    /// The account's name.
    #[serde(default)]
    pub account_name: Option<String>,
    /// The report type the entry belongs to (`Security`, `Contact`).
    #[serde(default)]
    pub activity_type: Option<String>,
    /// The id of the entity acted on; 0 when there is none.
    #[serde(default)]
    pub entity_id: Option<i64>,
    /// A description of the entity and the action.
    #[serde(default)]
    pub entity_info: Option<String>,
    /// `Success` or `Failure`.
    #[serde(default)]
    pub event_result: Option<String>,
    /// When it happened. Everbridge sends it without an offset; it is read as UTC unless
    /// the config sets [`event_time_offset`](super::Config::event_time_offset).
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub event_time: Option<DateTime<Utc>>,
    /// The area of the product (`Organization Management`, …).
    #[serde(default)]
    pub event_type: Option<String>,
    /// The client's IP address.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// `Create`, `Update`, `Delete`, `Login`, …
    #[serde(default)]
    pub operation_type: Option<String>,
    /// The organization's id.
    #[serde(default)]
    pub organization_id: Option<i64>,
    /// The organization's name.
    #[serde(default)]
    pub organization_name: Option<String>,
    /// The product that recorded it (`EB Admin`, …).
    #[serde(default)]
    pub source: Option<String>,
    /// The record type (`audit-logs`).
    #[serde(default, rename = "type")]
    pub r#type: Option<String>,
    /// The acting user's id.
    #[serde(default)]
    pub user_id: Option<i64>,
    /// The acting user's name.
    #[serde(default)]
    pub user_name: Option<String>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One page of the audit log, as `GET reports/auditLog` describes it (the same whether
/// the answer was bare or wrapped in `{"data": …, "success": true}`).
///
/// Returned by [`AuditLog::page`](super::AuditLog::page)'s `send()`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuditLogPage {
    /// The page number (pageQuery) or 0 (scroll).
    #[serde(default)]
    pub current_page_no: Option<i64>,
    /// The entries, oldest first.
    #[serde(default)]
    pub data: Vec<AuditLogEntry>,
    /// Entries per page (100).
    #[serde(default)]
    pub page_size: Option<i64>,
    /// The scroll id to send back for the next batch (scroll).
    #[serde(default)]
    pub scroll_id: Option<String>,
    /// The position of the page's first entry in the range.
    #[serde(default)]
    pub start: Option<i64>,
    /// How many entries the range holds.
    #[serde(default)]
    pub total_count: Option<i64>,
    /// How many pages of `page_size` the range holds (pageQuery reaches only 100).
    #[serde(default)]
    pub total_page_count: Option<i64>,
}
