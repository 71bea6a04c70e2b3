//! Qualtrics audit events: by activity type, in a time window, paged with `skipToken`.
//!
//! The activity type is a type ([`Logins`], [`SessionCreations`], …), and an event is an
//! event of its type ([`Event<Logins>`](Event)), with a typed descriptor and its own OCSF
//! mapping; [`Service::list_events_raw`] takes any other type by name ([`Raw`]).
//!
//! ```no_run
//! use auditkit::{Client, qualtrics};
//! use futures::TryStreamExt;
//!
//! # async fn demo() -> Result<(), auditkit::Error> {
//! let client = Client::builder()
//!     .qualtrics(qualtrics::Config::new("iad1", qualtrics::Credentials::api_token("token")))
//!     .build()?;
//! let logins: Vec<_> = client.qualtrics().list_events::<qualtrics::Logins>().items().try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! For large pulls, Qualtrics recommends **bulk audit exports**: list the exportable event
//! names ([`Service::list_audit_event_names`]), start an export of one over a window
//! ([`Service::create_audit_export`], `send_and_wait()`), then read its file as events
//! one at a time ([`Service::download_audit_export`], `events()`: NDJSON, a JSON array, or
//! with the `zip` feature a zip of those). Datacenters without the
//! bulk API (the US Government one) answer 404, reported as such.
//!
//! For continuous collection, [`Service::event_source`] is a
//! [`collect::Source`](crate::collect::Source) over one activity type ([`EventSource`]),
//! and [`Service::export_source`] one that reads through bulk exports ([`ExportSource`]).
//!
//! API reference: `https://{datacenter}.qualtrics.com/API/v3/logs`, authenticated with
//! `X-API-TOKEN` or an OAuth bearer token (scope `read:activity_logs`).

mod activity;
pub(crate) mod audit_export;
mod config;
mod create_audit_export;
mod credentials;
mod download_audit_export;
pub(crate) mod error_body;
mod event;
mod event_source;
pub(crate) mod export_file;
mod export_records;
mod export_source;
#[cfg(feature = "zip")]
mod export_zip;
mod get_audit_export;
mod list_activity_types;
mod list_audit_event_names;
mod list_events;
mod models;
pub(crate) mod oauth;
pub(crate) mod paging;
mod service;
pub(crate) mod skip_token;
mod wait_for_audit_export;

pub use activity::{
    ActivityType, Logins, PasswordResets, Raw, SessionCreations, SessionTerminations,
};
pub use audit_export::AuditExport;
pub use config::Config;
pub use create_audit_export::CreateAuditExport;
pub use credentials::Credentials;
pub use download_audit_export::{DownloadAuditExport, ExportEvents};
pub use event::Event;
pub use event_source::EventSource;
pub use export_source::ExportSource;
pub use get_audit_export::GetAuditExport;
pub use list_activity_types::ListActivityTypes;
pub use list_audit_event_names::ListAuditEventNames;
pub use list_events::{EventsQuery, ListEvents};
pub use models::{
    ActivityTypeInfo, Authentication, Location, LoginDescriptor, PasswordResetDescriptor, Platform,
    SessionDescriptor, ValidationRules,
};
pub use service::Service;
pub use wait_for_audit_export::WaitForAuditExport;

use crate::{Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Qualtrics, name)
}
