//! The audit log as Everbridge sends it: entries, and the page that carries them.
//!
//! Every field may be missing or null, so every field is an `Option`; fields this SDK does
//! not know yet are kept in `other`, so an archive loses nothing. Ids are 64-bit integers,
//! read as integers (never through a float, which would round 15-digit ids).

use chrono::{DateTime, Utc};

use super::event_time::EventTime;
use serde::{Deserialize, Serialize};

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

open_model! {
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
    pub struct AuditLogEntry {
        /// The account's id.
        pub account_id: Option<i64> = "accountId",
        /// The account's name.
        pub account_name: Option<String> = "accountName",
        /// The report type the entry belongs to (`Security`, `Contact`).
        pub activity_type: Option<String> = "activityType",
        /// The id of the entity acted on; 0 when there is none.
        pub entity_id: Option<i64> = "entityId",
        /// A description of the entity and the action.
        pub entity_info: Option<String> = "entityInfo",
        /// `Success` or `Failure`.
        pub event_result: Option<String> = "eventResult",
        /// When it happened. Everbridge sends it without an offset; it is read as UTC unless
        /// the config sets [`event_time_offset`](super::Config::event_time_offset). Also read:
        /// RFC 3339, US `MM/dd/yyyy HH:mm:ss`, epoch seconds or milliseconds; empty is
        /// `None`. A time that cannot be read is `None`, its text kept as sent in
        /// `other["eventTime"]` (so the entry's JSON then holds `eventTime` twice, `null`
        /// first: readers keep the last).
        pub event_time: Option<DateTime<Utc>> = "eventTime" [EventTime],
        /// The area of the product (`Organization Management`, …).
        pub event_type: Option<String> = "eventType",
        /// The client's IP address.
        pub ip_address: Option<String> = "ipAddress",
        /// `Create`, `Update`, `Delete`, `Login`, …
        pub operation_type: Option<String> = "operationType",
        /// The organization's id.
        pub organization_id: Option<i64> = "organizationId",
        /// The organization's name.
        pub organization_name: Option<String> = "organizationName",
        /// The product that recorded it (`EB Admin`, …).
        pub source: Option<String> = "source",
        /// The record type (`audit-logs`).
        pub r#type: Option<String> = "type",
        /// The acting user's id.
        pub user_id: Option<i64> = "userId",
        /// The acting user's name.
        pub user_name: Option<String> = "userName",
    }
}

/// One page of the audit log, as `GET reports/auditLog` describes it (the same whether
/// the answer was bare or wrapped in `{"data": …, "success": true}`).
///
/// Returned by [`ListAuditLog::page_query`](super::ListAuditLog::page_query)'s `send()`.
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
